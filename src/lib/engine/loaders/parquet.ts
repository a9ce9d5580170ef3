import { parquetMetadataAsync, parquetScan, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { ident, lit, sql } from '../../sql/quote';
import type { LoadEstimate } from '../api';
import { note, said, type Note } from '../../i18n/note';
import { EngineError } from '../errors';
import type { ByteSource } from '../source';
import { columnsToIPC, duckdbTypeName } from './arrow-build';
import { checkCancelled, nativeFilePath, sampleSize, selectColumns } from './common';
import { PARQUET_PARSERS, planParquetColumns, type ParquetColumn } from './parquet-columns';
import type { InspectContext, Loader, LoadContext, LoadResult } from './types';

/**
 * Parquet without any DuckDB extension: `hyparquet` (pure JS, all common codecs through
 * `hyparquet-compressors`) decodes one row group at a time, which becomes one Arrow batch for
 * `insertArrow`. Native DuckDB (runner) reads the file itself with `read_parquet`.
 */
export const parquetLoader: Loader = {
  format: 'parquet',
  async inspect(ctx) {
    const meta = await readFooter(ctx.source);
    const plan = planParquetColumns(parquetSchema(meta).children);
    const selected = new Set(selectColumns(ctx, plan.map((c) => c.source)));
    const columns = plan.filter((c) => selected.has(c.source));
    const totalRows = Number(meta.num_rows);
    const sample = sampleSize(ctx);
    const rows = sample === null ? totalRows : Math.min(sample, totalRows);
    const memoryBytes = Math.round(estimateBytes(meta, columns) * (totalRows ? rows / totalRows : 1));
    const warnings = plan.filter((c) => c.skip).map((c) => note('parquetSkipped', c.skip!));
    return {
      file: ctx.source.name,
      format: 'parquet',
      bytes: ctx.source.size,
      rows,
      memoryBytes,
      availableBytes: ctx.availableBytes,
      fits: memoryBytes <= ctx.availableBytes,
      columns: columns.filter((c) => !c.skip).map((c) => ({ name: c.name, type: duckdbTypeName(c.kind) })),
      warnings
    } satisfies LoadEstimate;
  },
  async load(ctx) {
    if (ctx.db.hasFileReaders) return loadNative(ctx);
    return loadWithHyparquet(ctx);
  }
};

async function loadWithHyparquet(ctx: LoadContext): Promise<LoadResult> {
  const insertArrow = ctx.db.insertArrow?.bind(ctx.db);
  if (!insertArrow) throw new EngineError({ code: 'UNSUPPORTED', ...said('noArrowInsert'), file: ctx.source.name });
  const file = asyncBuffer(ctx.source);
  const meta = await readFooter(ctx.source);
  const plan = planParquetColumns(parquetSchema(meta).children);
  const selected = new Set(selectColumns(ctx, plan.map((c) => c.source)));
  const columns = plan.filter((c) => selected.has(c.source) && !c.skip);
  const warnings = plan.filter((c) => selected.has(c.source) && c.skip).map((c) => note('parquetSkipped', c.skip!));
  if (!columns.length) throw new EngineError({ code: 'FILE_FORMAT', ...said('parquetNoColumns'), file: ctx.source.name });
  const conversions: Record<string, Note> = {};
  for (const c of columns) if (c.conversion) conversions[c.name] = c.conversion;

  const scan = await parquetScan({ file, metadata: meta, columns: columns.map((c) => c.source), compressors, parsers: PARQUET_PARSERS });
  const groups = groupRanges(meta);
  const picks = pickRanges(groups, sampleSize(ctx), Number(meta.num_rows));
  if (picks.note) warnings.push(picks.note);

  let rows = 0;
  let bytesRead = 0;
  let first = true;
  for (const pick of picks.ranges) {
    checkCancelled(ctx);
    const length = pick.rowEnd - pick.rowStart;
    const data = [];
    for (const c of columns) {
      let values;
      try {
        values = await scan.readColumn({ column: c.source, rowStart: pick.rowStart, rowEnd: pick.rowEnd });
      } catch (e) {
        throw damaged(ctx.source, { group: pick.group + 1, groups: groups.length, column: c.source }, e);
      }
      data.push({ name: c.name, kind: c.kind, values: c.convert ? Array.from(values as ArrayLike<unknown>, c.convert) : values });
    }
    checkCancelled(ctx);
    await insertArrow(ctx.table, columnsToIPC(data, length), first);
    first = false;
    rows += length;
    bytesRead += groups[pick.group].compressedBytes;
    ctx.onProgress({ phase: 'reading', bytesRead: Math.min(bytesRead, ctx.source.size), bytesTotal: ctx.source.size, rows });
  }
  if (first) await insertArrow(ctx.table, columnsToIPC(data0(columns), 0), true);
  ctx.onProgress({ phase: 'finishing', bytesRead: ctx.source.size, bytesTotal: ctx.source.size, rows });
  return { warnings, conversions };
}

function data0(columns: ParquetColumn[]) {
  return columns.map((c) => ({ name: c.name, kind: c.kind, values: [] }));
}

async function loadNative(ctx: LoadContext): Promise<LoadResult> {
  const meta = await readFooter(ctx.source);
  const names = parquetSchema(meta).children.map((c) => c.element.name);
  const selected = selectColumns(ctx, names);
  const { path, registered } = await nativeFilePath(ctx, '.parquet');
  const warnings: Note[] = [];
  const n = sampleSize(ctx);
  const total = Number(meta.num_rows);
  try {
    const cols = ctx.options.columns?.length ? selected.map((c) => ident(c)) : [sql`*`];
    const limit = n !== null && n < total ? sql` LIMIT ${n}` : sql``;
    if (n !== null && n < total) warnings.push(note('sampleFirst', { rows: n, total }));
    await ctx.db.exec(String(sql`CREATE TABLE ${ident(ctx.table)} AS SELECT ${cols} FROM read_parquet(${lit(path)})${limit}`));
  } finally {
    if (registered) await ctx.db.dropFile(registered);
  }
  ctx.onProgress({ phase: 'finishing', bytesRead: ctx.source.size, bytesTotal: ctx.source.size, rows: n !== null ? Math.min(n, total) : total });
  return { warnings, conversions: {} };
}

/**
 * Reads and parses the Parquet footer only.
 * @param source the file
 */
async function readFooter(source: ByteSource): Promise<FileMetaData> {
  if (source.size < 12) throw damaged(source);
  const tail = await source.read(source.size - 4, source.size);
  if (String.fromCharCode(...tail) !== 'PAR1') throw damaged(source);
  try {
    return await parquetMetadataAsync(asyncBuffer(source), { initialFetchSize: 64 * 1024 });
  } catch (e) {
    throw damaged(source, undefined, e);
  }
}

/**
 * The error for a Parquet file that cannot be decoded.
 * @param source the file
 * @param where the column chunk that failed; the footer when absent
 * @param cause the thrown value
 */
function damaged(source: ByteSource, where?: { group: number; groups: number; column: string }, cause?: unknown): EngineError {
  const detail = cause instanceof Error ? cause.message : cause === undefined ? undefined : String(cause);
  if (detail && /compression|codec/i.test(detail)) {
    return new EngineError({ code: 'UNSUPPORTED', ...said('parquetCompression', { detail }), detail, file: source.name }, { cause });
  }
  const what = where ? said('parquetDamaged', where) : said('parquetFooter');
  return new EngineError({ code: 'FILE_FORMAT', ...what, detail, file: source.name }, { cause });
}

/**
 * hyparquet's `AsyncBuffer` over a `ByteSource`: it asks for the footer, then for column chunks.
 * @param source the file
 */
function asyncBuffer(source: ByteSource): AsyncBuffer {
  return {
    byteLength: source.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const bytes = await source.read(start, end ?? source.size);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    }
  };
}

interface GroupRange {
  rowStart: number;
  rowEnd: number;
  compressedBytes: number;
}

function groupRanges(meta: FileMetaData): GroupRange[] {
  let start = 0;
  return meta.row_groups.map((g) => {
    const rows = Number(g.num_rows);
    const compressedBytes = g.columns.reduce((s, c) => s + Number(c.meta_data?.total_compressed_size ?? 0n), 0);
    const range = { rowStart: start, rowEnd: start + rows, compressedBytes };
    start += rows;
    return range;
  });
}

/**
 * The row ranges to read: every row group, or for a sample the first rows of row groups spread
 * evenly over the file.
 * @param groups row-group ranges
 * @param sample wanted sample size or null
 * @param total rows in the file
 */
export function pickRanges(
  groups: readonly { rowStart: number; rowEnd: number }[],
  sample: number | null,
  total: number
): { ranges: { group: number; rowStart: number; rowEnd: number }[]; note?: Note } {
  const all = groups.map((g, group) => ({ group, rowStart: g.rowStart, rowEnd: g.rowEnd })).filter((r) => r.rowEnd > r.rowStart);
  if (sample === null || sample >= total) return { ranges: all };
  const size = (r: { rowStart: number; rowEnd: number }) => r.rowEnd - r.rowStart;
  const spread = (k: number) => (k === all.length ? all : Array.from({ length: k }, (_, i) => all[Math.floor((i * all.length) / k)]));
  // As few row groups as hold the sample (groups differ in size, so more when the spread ones are small) …
  let k = Math.min(all.length, Math.max(1, Math.ceil(sample / (total / Math.max(1, all.length)))));
  let picked = spread(k);
  while (k < all.length && picked.reduce((s, r) => s + size(r), 0) < sample) picked = spread(++k);
  // … and an even share from each: a small group gives all it has and the others make up the rest.
  const take = new Map<number, number>();
  let left = sample;
  const bySize = [...picked].sort((a, b) => size(a) - size(b));
  bySize.forEach((r, i) => {
    const n = Math.min(size(r), Math.ceil(left / (bySize.length - i)));
    take.set(r.group, n);
    left -= n;
  });
  const ranges = picked.filter((r) => take.get(r.group)! > 0).map((r) => ({ group: r.group, rowStart: r.rowStart, rowEnd: r.rowStart + take.get(r.group)! }));
  const loaded = sample - left;
  const sampled =
    ranges.length === 1
      ? note('sampleFirst', { rows: loaded, total })
      : note('parquetSampleGroups', { rows: loaded, total, groups: ranges.length });
  return { ranges, note: sampled };
}

function estimateBytes(meta: FileMetaData, columns: ParquetColumn[]): number {
  const rows = Number(meta.num_rows);
  let total = 0;
  for (const c of columns) {
    if (c.skip) continue;
    let uncompressed = 0;
    for (const g of meta.row_groups) {
      for (const cc of g.columns) if (cc.meta_data?.path_in_schema[0] === c.source) uncompressed += Number(cc.meta_data.total_uncompressed_size);
    }
    total += Math.max(uncompressed, rows * c.width);
  }
  return total;
}
