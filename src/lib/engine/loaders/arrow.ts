import {
  Field,
  makeData,
  RecordBatch,
  RecordBatchReader,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  TimeUnit,
  Timestamp,
  Type,
  type DataType
} from 'apache-arrow';
import { uniqueColumnNames } from '../../sql/names';
import { ident, sql } from '../../sql/quote';
import { note, said, type Note } from '../../i18n/note';
import { EngineError } from '../errors';
import type { ByteSource } from '../source';
import { checkCancelled, sampleSize, selectColumns } from './common';
import type { InspectContext, Loader, LoadContext, LoadResult } from './types';

const CHUNK = 4 * 1024 * 1024;
const FILE_MAGIC = 'ARROW1';

/**
 * Arrow IPC, file (`ARROW1`) and stream format, read batch by batch. Streams are read from the
 * source in 4 MiB slices and never held whole. The file format's body is usually a stream after
 * its 8-byte magic and is read the same way; files whose schema lives only in the footer (the
 * JS writer's) are read whole, so they must fit in memory. Each batch is re-emitted as a
 * one-batch IPC stream for `insertArrow`.
 */
export const arrowLoader: Loader = {
  format: 'arrow',
  async inspect(ctx) {
    const reader = await openReader(ctx.source, { bytesRead: 0 });
    const plan = planFields(ctx, reader.schema);
    const width = plan.fields.reduce((s, f) => s + typeWidth(f.type), 0) || 1;
    const sample = sampleSize(ctx);
    const estimated = Math.round(ctx.source.size / width);
    const rows = sample === null ? estimated : Math.min(sample, estimated);
    const memoryBytes = Math.round(ctx.source.size * (estimated ? rows / estimated : 1));
    return {
      file: ctx.source.name,
      format: 'arrow',
      bytes: ctx.source.size,
      rows,
      memoryBytes,
      availableBytes: ctx.availableBytes,
      fits: memoryBytes <= ctx.availableBytes,
      columns: plan.fields.map((f) => ({ name: f.name, type: duckdbType(f.type) })),
      warnings: [note('arrowRowsEstimated')]
    };
  },
  async load(ctx) {
    const insertArrow = ctx.db.insertArrow?.bind(ctx.db);
    if (!insertArrow) throw new EngineError({ code: 'UNSUPPORTED', ...said('noArrowInsert'), file: ctx.source.name });
    const progress = { bytesRead: 0 };
    const reader = await openReader(ctx.source, progress);
    const plan = planFields(ctx, reader.schema);
    const schema = new Schema(plan.fields);
    const limit = sampleSize(ctx);
    const warnings: Note[] = [];
    let rows = 0;
    let first = true;
    try {
      for await (const batch of reader as AsyncIterable<RecordBatch>) {
        checkCancelled(ctx);
        if (!batch.numRows && !first) continue;
        let out = reshape(batch, plan.indices, schema);
        if (limit !== null && rows + out.numRows > limit) out = out.slice(0, limit - rows);
        await insertArrow(ctx.table, RecordBatchStreamWriter.writeAll([out]).toUint8Array(true), first);
        first = false;
        rows += out.numRows;
        ctx.onProgress({ phase: 'reading', bytesRead: Math.min(progress.bytesRead, ctx.source.size), bytesTotal: ctx.source.size, rows });
        if (limit !== null && rows >= limit) {
          warnings.push(note('sampleRest', { rows }));
          break;
        }
      }
    } catch (e) {
      if (e instanceof EngineError) throw e;
      throw damaged(ctx.source, e);
    } finally {
      await Promise.resolve(reader.cancel()).catch(() => undefined);
    }
    if (first) {
      const empty = makeData({ type: new Struct(plan.fields), length: 0, nullCount: 0, children: plan.fields.map((f) => makeData({ type: f.type, length: 0 } as never)) });
      await insertArrow(ctx.table, RecordBatchStreamWriter.writeAll([new RecordBatch(schema, empty)]).toUint8Array(true), true);
    }
    for (const f of plan.fields) {
      if (f.type.typeId === Type.Timestamp && (f.type as Timestamp).unit < TimeUnit.MICROSECOND) {
        await ctx.db.exec(String(sql`ALTER TABLE ${ident(ctx.table)} ALTER COLUMN ${ident(f.name)} SET DATA TYPE TIMESTAMP`));
      }
    }
    ctx.onProgress({ phase: 'finishing', bytesRead: ctx.source.size, bytesTotal: ctx.source.size, rows });
    return { warnings, conversions: plan.conversions } satisfies LoadResult;
  }
};

interface FieldPlan {
  indices: number[];
  fields: Field[];
  conversions: Record<string, Note>;
}

function planFields(ctx: InspectContext, schema: Schema): FieldPlan {
  const names = schema.fields.map((f) => f.name);
  const selected = new Set(selectColumns(ctx, names));
  const indices = names.map((_, i) => i).filter((i) => selected.has(names[i]));
  const unique = uniqueColumnNames(indices.map((i) => names[i]));
  const conversions: Record<string, Note> = {};
  const fields = indices.map((i, k) => {
    const f = schema.fields[i];
    let type: DataType = f.type;
    if (type.typeId === Type.Timestamp && (type as Timestamp).timezone) {
      conversions[unique[k]] = note('convZonedTimestamp', { zone: String((type as Timestamp).timezone) });
      type = new Timestamp((type as Timestamp).unit);
    }
    return new Field(unique[k], type, true, f.metadata);
  });
  return { indices, fields, conversions };
}

function reshape(batch: RecordBatch, indices: number[], schema: Schema): RecordBatch {
  const children = indices.map((i, k) => {
    const child = batch.data.children[i];
    return child.type === schema.fields[k].type ? child : child.clone(schema.fields[k].type);
  });
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
}

async function openReader(source: ByteSource, progress: { bytesRead: number }) {
  const head = await source.read(0, Math.min(8, source.size));
  const isFile = String.fromCharCode(...head.subarray(0, 6)) === FILE_MAGIC;
  async function* chunks(start: number): AsyncGenerator<Uint8Array> {
    for (let pos = start; pos < source.size; pos += CHUNK) {
      const bytes = await source.read(pos, Math.min(source.size, pos + CHUNK));
      progress.bytesRead = pos + bytes.byteLength;
      yield bytes;
    }
  }
  try {
    const reader = await RecordBatchReader.from(chunks(isFile ? 8 : 0));
    await reader.open();
    if (reader.schema) return reader;
  } catch (e) {
    if (!isFile) throw damaged(source, e);
  }
  try {
    // Writers such as apache-arrow's JS one put the schema only into the footer of the file format.
    const whole = await source.read(0, source.size);
    progress.bytesRead = source.size;
    checkFooter(whole);
    const reader = RecordBatchReader.from(whole);
    reader.open();
    if (!reader.schema) throw new Error('no schema in the footer');
    return reader;
  } catch (e) {
    throw damaged(source, e);
  }
}

/**
 * Checks that an Arrow file's footer (a flatbuffer: schema, fields, record-batch blocks) stays
 * inside its bytes before apache-arrow reads it: a damaged footer otherwise makes it allocate
 * arrays of garbage lengths until the worker runs out of memory. Throws on the first violation.
 * @param file the whole Arrow file
 */
export function checkFooter(file: Uint8Array): void {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const size = file.byteLength;
  if (size < 18 || String.fromCharCode(...file.subarray(size - 6)) !== FILE_MAGIC) throw new Error('no ARROW1 magic at the end');
  const length = view.getInt32(size - 10, true);
  const start = size - 10 - length;
  if (length <= 0 || start < 8) throw new Error(`footer length ${length} does not fit the file`);
  const end = size - 10;
  const inside = (at: number, bytes: number) => {
    if (!(at >= start && at + bytes <= end)) throw new Error(`footer offset ${at} is outside the footer`);
    return at;
  };
  const table = (at: number) => {
    const vtable = inside(at - view.getInt32(inside(at, 4), true), 4);
    const vtableBytes = view.getUint16(vtable, true);
    inside(vtable, vtableBytes);
    return (slot: number): number | null => {
      const o = 4 + 2 * slot < vtableBytes ? view.getUint16(vtable + 4 + 2 * slot, true) : 0;
      return o ? at + o : null;
    };
  };
  const ref = (at: number) => inside(at + view.getUint32(inside(at, 4), true), 4);
  const vector = (at: number | null, elementBytes: number): number[] => {
    if (at === null) return [];
    const v = ref(at);
    const n = view.getUint32(v, true);
    inside(v + 4, n * elementBytes);
    return Array.from({ length: n }, (_, i) => v + 4 + i * elementBytes);
  };
  const keyValues = (at: number | null) => {
    for (const kv of vector(at, 4)) {
      const f = table(ref(kv));
      for (const slot of [0, 1]) if (f(slot) !== null) inside(ref(f(slot)!) + 4, view.getUint32(ref(f(slot)!), true));
    }
  };
  const field = (at: number, depth: number): void => {
    if (depth > 64) throw new Error('fields nested too deep');
    const f = table(at);
    const name = f(0);
    if (name !== null) inside(ref(name) + 4, view.getUint32(ref(name), true));
    if (f(3) !== null) table(ref(f(3)!));
    for (const child of vector(f(5), 4)) field(ref(child), depth + 1);
    keyValues(f(6));
  };
  const footer = table(ref(start));
  const schema = footer(1);
  if (schema === null) throw new Error('the footer has no schema');
  const s = table(ref(schema));
  for (const f of vector(s(1), 4)) field(ref(f), 0);
  keyValues(s(2));
  for (const slot of [2, 3]) {
    for (const block of vector(footer(slot), 24)) {
      const offset = Number(view.getBigInt64(block, true));
      const meta = view.getInt32(block + 8, true);
      const body = Number(view.getBigInt64(block + 16, true));
      if (offset < 8 || meta < 0 || body < 0 || offset + meta + body > start) throw new Error('a record batch lies outside the file');
    }
  }
}

function damaged(source: ByteSource, cause: unknown): EngineError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  if (/^\{"exception_type"/.test(detail)) {
    return new EngineError({ code: 'UNSUPPORTED', ...said('arrowType'), detail, file: source.name }, { cause });
  }
  return new EngineError({ code: 'FILE_FORMAT', ...said('arrowDamaged'), detail, file: source.name }, { cause });
}

function typeWidth(type: DataType): number {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
      return ((type as unknown as { bitWidth?: number }).bitWidth ?? 64) / 8 || 8;
    case Type.Bool:
      return 1;
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
      return 16;
    default:
      return 8;
  }
}

function duckdbType(type: DataType): string {
  switch (type.typeId) {
    case Type.Int: {
      const t = type as unknown as { bitWidth: number; isSigned: boolean };
      const base = { 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' }[t.bitWidth] ?? 'BIGINT';
      return t.isSigned ? base : `U${base}`;
    }
    case Type.Float:
      return (type as unknown as { precision: number }).precision === 2 ? 'DOUBLE' : 'FLOAT';
    case Type.Bool:
      return 'BOOLEAN';
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'VARCHAR';
    case Type.Binary:
    case Type.LargeBinary:
      return 'BLOB';
    case Type.Date:
      return 'DATE';
    case Type.Timestamp:
      return (type as Timestamp).unit === TimeUnit.NANOSECOND ? 'TIMESTAMP_NS' : 'TIMESTAMP';
    case Type.Decimal:
      return 'DECIMAL';
    case Type.Dictionary:
      return duckdbType((type as unknown as { dictionary: DataType }).dictionary);
    default:
      return String(type);
  }
}
