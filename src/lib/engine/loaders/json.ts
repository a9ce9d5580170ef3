import { join, ident, lit, sql, type SqlFragment } from '../../sql/quote';
import type { LoadEstimate } from '../api';
import { note, said, type Note } from '../../i18n/note';
import { EngineError } from '../errors';
import type { ByteSource } from '../source';
import { columnsToIPC, duckdbTypeName, kindWidth } from './arrow-build';
import { checkCancelled, nativeFilePath, sampleSize, selectColumns } from './common';
import { arrayChunks, checkJsonDepth, jsonTop, ndjsonChunks, type JsonChunk } from './json-chunks';
import { jsonErrorLine, recordsToColumns } from './json-records';
import type { InspectContext, Loader, LoadContext, LoadResult } from './types';

const CHUNK_BYTES = 8 * 1024 * 1024;
const INSPECT_BYTES = 1024 * 1024;
const OBJECT_LIMIT = 512 * 1024 * 1024;
const decoder = new TextDecoder();

type JsonFormat = 'json' | 'ndjson';

/**
 * JSON (one array of objects) and NDJSON (one object per line). The file is cut into ~8 MiB
 * chunks between records and each chunk goes through DuckDB-WASM's own JSON reader (no
 * extension): keys are united, nested objects become STRUCT and arrays LIST. A chunk that reader
 * refuses (e.g. a key with numbers in one record and text in another) is parsed in JS instead,
 * with such columns as text. Chunks are merged by column name; types widen as needed.
 */
function jsonLoaderFor(format: JsonFormat): Loader {
  return {
    format,
    inspect: (ctx) => inspectJson(ctx, format),
    load: (ctx) => loadJson(ctx, format)
  };
}

/** Loads a JSON array of objects (or a single object, with a note). */
export const jsonLoader: Loader = jsonLoaderFor('json');
/** Loads newline-delimited JSON. */
export const ndjsonLoader: Loader = jsonLoaderFor('ndjson');

interface State {
  created: boolean;
  rows: number;
  conversions: Record<string, Note>;
  warnings: Note[];
  /** Key order of the first records, so columns follow the file rather than the alphabet. */
  order: string[] | null;
  /** DuckDB's JSON reader refused a chunk: the rest is parsed in JS. */
  duckdbFailed?: boolean;
}

async function loadJson(ctx: LoadContext, format: JsonFormat): Promise<LoadResult> {
  if (ctx.db.hasFileReaders) return loadNative(ctx, format);
  const state: State = { created: false, rows: 0, conversions: {}, warnings: [], order: null };
  const sample = sampleSize(ctx);
  if (format === 'json') {
    const top = await jsonTop(ctx.source);
    if (top === 'empty') throw new EngineError({ code: 'FILE_EMPTY', ...said('jsonBlank'), file: ctx.source.name });
    if (top === 'scalar') throw notRecords(ctx.source);
    if (top === 'object') {
      await loadObject(ctx, state);
      return finish(ctx, state, sample);
    }
  }
  const chunks = format === 'json' ? arrayChunks(ctx.source, CHUNK_BYTES) : ndjsonChunks(ctx.source, CHUNK_BYTES);
  for await (const chunk of chunks) {
    checkCancelled(ctx);
    await insertChunk(ctx, chunk, format, state);
    ctx.onProgress({ phase: 'reading', bytesRead: chunk.end, bytesTotal: ctx.source.size, rows: state.rows });
    if (sample !== null && state.rows >= sample) break;
  }
  return finish(ctx, state, sample);
}

async function finish(ctx: LoadContext, state: State, sample: number | null): Promise<LoadResult> {
  if (!state.created) throw new EngineError({ code: 'FILE_EMPTY', ...said('jsonNoRecords'), file: ctx.source.name });
  const table = ident(ctx.table);
  if (sample !== null && state.rows > sample) {
    await ctx.db.exec(String(sql`DELETE FROM ${table} WHERE rowid >= ${sample}`));
    state.warnings.push(note('jsonSample', { records: sample }));
  }
  if (ctx.options.columns?.length) {
    const names = (await describe(ctx, ctx.table)).map((c) => c.name);
    const keep = new Set(selectColumns(ctx, names));
    for (const n of names) if (!keep.has(n)) await ctx.db.exec(String(sql`ALTER TABLE ${table} DROP COLUMN ${ident(n)}`));
  }
  ctx.onProgress({ phase: 'finishing', bytesRead: ctx.source.size, bytesTotal: ctx.source.size, rows: Math.min(state.rows, sample ?? Infinity) });
  return { warnings: state.warnings, conversions: state.conversions };
}

async function insertChunk(ctx: LoadContext, chunk: JsonChunk, format: JsonFormat, state: State): Promise<void> {
  const chunkTable = `${ctx.table}__chunk`;
  let text: string | null = null;
  if (!state.order) {
    text = decoder.decode(chunk.bytes);
    state.order = keyOrder(parseChunk(ctx, text, chunk, format));
  } else checkJsonDepth(chunk.bytes, ctx.source.name, chunk.firstLine, 1);
  let viaDuckDB = false;
  if (ctx.db.insertJSON && !state.duckdbFailed) {
    const fileName = `${ctx.table}__chunk.json`;
    await ctx.db.registerBuffer(fileName, chunk.bytes.slice());
    try {
      await ctx.db.insertJSON(chunkTable, fileName, true);
      viaDuckDB = true;
    } catch {
      state.duckdbFailed = true;
      await ctx.db.exec(String(sql`DROP TABLE IF EXISTS ${ident(chunkTable)}`));
    } finally {
      // duckdb-wasm keeps the file open when its JSON reader fails part-way and then refuses to
      // drop it ("file is in use"); later chunks take the JS path, so this happens once per load.
      await ctx.db.dropFile(fileName).catch(() => undefined);
    }
  }
  if (!viaDuckDB) {
    const insertArrow = ctx.db.insertArrow?.bind(ctx.db);
    if (!insertArrow) throw new EngineError({ code: 'UNSUPPORTED', ...said('noArrowInsert'), file: ctx.source.name });
    const records = parseChunk(ctx, text ?? decoder.decode(chunk.bytes), chunk, format);
    const { columns, conversions } = recordsToColumns(records);
    if (!columns.length) throw notRecords(ctx.source);
    Object.assign(state.conversions, conversions);
    await insertArrow(chunkTable, columnsToIPC(columns, records.length), true);
  } else {
    for (const c of await describe(ctx, chunkTable)) {
      if (c.type.startsWith('STRUCT')) state.conversions[c.name] ??= note('convJsonStruct', { type: 'STRUCT' });
      else if (c.type.endsWith('[]')) state.conversions[c.name] ??= note('convJsonList', { type: 'LIST' });
    }
  }
  await merge(ctx, chunkTable, state);
}

function parseChunk(ctx: LoadContext | InspectContext, text: string, chunk: JsonChunk, format: JsonFormat): unknown[] {
  checkJsonDepth(chunk.bytes, ctx.source.name, chunk.firstLine, 1);
  try {
    return JSON.parse(text) as unknown[];
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    let line = jsonErrorLine(message, text);
    if (format === 'ndjson') line = badNdjsonLine(text) ?? line;
    const reason = message.replace(/ in JSON at position \d+.*$/, '');
    const what =
      line === undefined
        ? said('jsonInvalidFrom', { line: String(chunk.firstLine), reason })
        : said('jsonInvalidAt', { line: String(chunk.firstLine + line - 1), reason });
    throw new EngineError({ code: 'FILE_FORMAT', ...what, detail: message, file: ctx.source.name }, { cause: e });
  }
}

function badNdjsonLine(text: string): number | undefined {
  const lines = text.slice(1, -1).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].replace(/^,/, '').trim();
    if (!l) continue;
    try {
      JSON.parse(l);
    } catch {
      return i + 1;
    }
  }
  return undefined;
}

function keyOrder(records: readonly unknown[]): string[] {
  const seen = new Set<string>();
  for (const r of records) {
    if (r !== null && typeof r === 'object' && !Array.isArray(r)) for (const k of Object.keys(r)) seen.add(k);
  }
  return [...seen];
}

const NUMERIC = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'FLOAT', 'DOUBLE'];

async function merge(ctx: LoadContext, chunkTable: string, state: State): Promise<void> {
  const chunk = ident(chunkTable);
  const target = ident(ctx.table);
  const [{ n }] = await ctx.db.rows<{ n: number }>(String(sql`SELECT count(*)::DOUBLE AS n FROM ${chunk}`));
  const cols = await describe(ctx, chunkTable);
  if (!state.created) {
    const rank = (name: string) => {
      const i = state.order?.indexOf(name) ?? -1;
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    const ordered = cols.map((c, i) => ({ ...c, i })).sort((a, b) => rank(a.name) - rank(b.name) || a.i - b.i);
    await ctx.db.exec(String(sql`CREATE TABLE ${target} AS SELECT ${ordered.map((c) => ident(c.name))} FROM ${chunk}`));
  } else {
    const have = new Map((await describe(ctx, ctx.table)).map((c) => [c.name.toLowerCase(), c.type]));
    const conflicts: string[] = [];
    let widen = false;
    for (const c of cols) {
      const t = have.get(c.name.toLowerCase());
      if (t === undefined) widen = true;
      else if (t !== c.type) {
        const a = NUMERIC.indexOf(t);
        const b = NUMERIC.indexOf(c.type);
        if (a < 0 || b < 0) conflicts.push(c.name);
        else if (b > a) widen = true;
      }
    }
    if (!widen && !conflicts.length) {
      await ctx.db.exec(String(sql`INSERT INTO ${target} BY NAME SELECT * FROM ${chunk}`));
    } else {
      const tmp = ident(`${ctx.table}__merged`);
      const left = asText(target, conflicts);
      const right = asText(chunk, conflicts);
      for (const c of conflicts) state.conversions[c] = note('convJsonDiffering');
      await ctx.db.exec(String(sql`CREATE TABLE ${tmp} AS ${left} UNION ALL BY NAME ${right}`));
      await ctx.db.exec(String(sql`DROP TABLE ${target}`));
      await ctx.db.exec(String(sql`ALTER TABLE ${tmp} RENAME TO ${target}`));
    }
  }
  await ctx.db.exec(String(sql`DROP TABLE ${chunk}`));
  state.created = true;
  state.rows += n;
}

function asText(table: SqlFragment, columns: string[]): SqlFragment {
  if (!columns.length) return sql`SELECT * FROM ${table}`;
  const replace = join(columns.map((c) => sql`CAST(${ident(c)} AS VARCHAR) AS ${ident(c)}`));
  return sql`SELECT * REPLACE (${replace}) FROM ${table}`;
}

async function describe(ctx: InspectContext, table: string): Promise<{ name: string; type: string }[]> {
  return ctx.db.rows<{ name: string; type: string }>(
    String(sql`SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = ${lit(table)} ORDER BY ordinal_position`)
  );
}

/** A file that is one JSON object: its only list of records, or the object as one row. */
async function loadObject(ctx: LoadContext, state: State): Promise<void> {
  const { records, note } = await objectRecords(ctx);
  state.warnings.push(note);
  const insertArrow = ctx.db.insertArrow?.bind(ctx.db);
  if (!insertArrow) throw new EngineError({ code: 'UNSUPPORTED', ...said('noArrowInsert'), file: ctx.source.name });
  const { columns, conversions } = recordsToColumns(records);
  if (!columns.length) throw notRecords(ctx.source);
  Object.assign(state.conversions, conversions);
  await insertArrow(ctx.table, columnsToIPC(columns, records.length), true);
  state.created = true;
  state.rows = records.length;
}

async function objectRecords(ctx: InspectContext): Promise<{ records: unknown[]; note: Note }> {
  if (ctx.source.size > Math.min(OBJECT_LIMIT, ctx.availableBytes / 4)) {
    throw new EngineError({ code: 'FILE_TOO_LARGE', ...said('jsonObjectTooLarge'), file: ctx.source.name });
  }
  const bytes = await ctx.source.read(0, ctx.source.size);
  checkJsonDepth(bytes, ctx.source.name, 1, 0);
  const text = decoder.decode(bytes);
  const obj = parseChunk(ctx, text, { bytes: new Uint8Array(0), firstLine: 1, end: 0 }, 'json') as unknown as Record<string, unknown>;
  const lists = Object.entries(obj).filter(([, v]) => Array.isArray(v) && v.length && v.every((x) => x !== null && typeof x === 'object'));
  if (lists.length === 1) {
    const [key, list] = lists[0];
    return { records: list as unknown[], note: note('jsonObjectList', { records: (list as unknown[]).length, key }) };
  }
  return { records: [obj], note: note('jsonObjectRow') };
}

async function loadNative(ctx: LoadContext, format: JsonFormat): Promise<LoadResult> {
  const { path, registered } = await nativeFilePath(ctx, format === 'json' ? '.json' : '.ndjson');
  const n = sampleSize(ctx);
  const warnings: Note[] = [];
  try {
    const limit = n !== null ? sql` LIMIT ${n}` : sql``;
    const fmt = lit(format === 'json' ? 'auto' : 'newline_delimited');
    await ctx.db.exec(String(sql`CREATE TABLE ${ident(ctx.table)} AS SELECT * FROM read_json(${lit(path)}, format = ${fmt})${limit}`));
  } finally {
    if (registered) await ctx.db.dropFile(registered);
  }
  const state: State = { created: true, rows: 0, conversions: {}, warnings, order: null };
  if (n !== null) warnings.push(note('jsonSampleAtMost', { records: n }));
  return finish(ctx, state, null);
}

async function inspectJson(ctx: InspectContext, format: JsonFormat): Promise<LoadEstimate> {
  const base = { file: ctx.source.name, format, bytes: ctx.source.size, availableBytes: ctx.availableBytes };
  let records: unknown[] = [];
  let sampled = ctx.source.size;
  const warnings: Note[] = [];
  if (format === 'json' && (await jsonTop(ctx.source)) === 'object') {
    const got = await objectRecords(ctx);
    records = got.records;
    warnings.push(got.note);
  } else if (format === 'json') {
    if ((await jsonTop(ctx.source)) !== 'array') throw notRecords(ctx.source);
    try {
      for await (const chunk of arrayChunks(ctx.source, INSPECT_BYTES)) {
        records = parseChunk(ctx, decoder.decode(chunk.bytes), chunk, format);
        sampled = chunk.end;
        break;
      }
    } catch (e) {
      if (!(e instanceof EngineError) || e.key !== 'jsonNotClosed') throw e;
    }
  } else {
    for await (const chunk of ndjsonChunks(ctx.source, INSPECT_BYTES)) {
      records = parseChunk(ctx, decoder.decode(chunk.bytes), chunk, format);
      sampled = chunk.end;
      break;
    }
  }
  const { columns } = recordsToColumns(records);
  const estimated = sampled >= ctx.source.size ? records.length : Math.round((records.length * ctx.source.size) / Math.max(1, sampled));
  const n = sampleSize(ctx);
  const rows = n === null ? estimated : Math.min(n, estimated);
  const memoryBytes = rows * columns.reduce((s, c) => s + kindWidth(c.kind), 0);
  if (estimated !== records.length) warnings.push(note('jsonEstimated', { records: records.length }));
  return {
    ...base,
    rows,
    memoryBytes,
    fits: memoryBytes <= ctx.availableBytes,
    columns: columns.map((c) => ({ name: c.name, type: duckdbTypeName(c.kind) })),
    warnings
  };
}

function notRecords(source: ByteSource): EngineError {
  return new EngineError({
    code: 'FILE_FORMAT',
    ...said('jsonScalar'),
    file: source.name
  });
}
