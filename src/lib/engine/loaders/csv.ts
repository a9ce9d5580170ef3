import type { CsvOptions, LoadEstimate } from '../api';
import type { Db } from '../db';
import { EngineError } from '../errors';
import { note, said, type Note } from '../../i18n/note';
import { uniqueColumnNames } from '../../sql/names';
import { ident, join, lit, sql, type SqlFragment } from '../../sql/quote';
import { sniffDialect, type ScanDialect } from '../../sql/csv-scan';
import type { SourceRead } from '../../sql/source-read';
import {
  DATE_FORMATS,
  addStats,
  backToText,
  conversionLabel,
  convertExpr,
  decideColumn,
  decideLocale,
  estimateTableBytes,
  forcedConversion,
  looksLikeHeader,
  parseStats,
  selectList,
  statsQuery,
  statsValuesQuery,
  typeSql,
  userDateFormat,
  valueOf,
  type ColumnStats,
  type Conversion,
  type DateFormatDef,
  type NumberLocale
} from '../../sql/csv-types';
import { checkCancelled, quotedList, sampleSize } from './common';
import { CsvChunks, type CsvChunk } from './csv-chunks';
import type { InspectContext, LoadContext, LoadResult, Loader } from './types';

/** Bytes read, decoded and inserted at a time. */
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;
/** Bytes `inspect` reads: enough for the inference sample of most files, and quick. */
const INSPECT_BYTES = 2 * 1024 * 1024;
/** Records of the first chunk that type inference looks at; later values are checked chunk by chunk. */
const INFER_ROWS = 10_000;
/** Columns measured per statistics query (keeps each query a reasonable size for wide files). */
const STATS_COLUMNS_PER_QUERY = 40;
/** Fields per record beyond which a file is refused: more is a wrong delimiter or not a table. */
export const MAX_CSV_COLUMNS = 20_000;
/** Files wider than this load as text with the first line as header: per-column type inference would take minutes. */
export const WIDE_CSV_COLUMNS = 1_000;

/** Tuning for `createCsvLoader`. */
export interface CsvLoaderConfig {
  /** Bytes per chunk (default 8 MiB); tests lower it to exercise the chunked path. */
  chunkBytes?: number;
}

interface PlannedColumn {
  /** Raw all-VARCHAR column in the staging table (`c1`, `c2`, …). */
  raw: string;
  /** Final column name. */
  name: string;
  conversion: Conversion;
  forced: boolean;
  meanChars: number;
}

interface CsvPlan {
  dialect: ScanDialect;
  header: boolean;
  /** Fields per record the table has; extra fields are dropped, missing ones padded. */
  width: number;
  columns: PlannedColumn[];
  numberLocale: NumberLocale;
  dateFormat?: string;
  warnings: Note[];
  /** Data records in the first chunk. */
  firstRows: number;
}

let sequence = 0;

/**
 * The CSV loader: sniffs the dialect and encoding, infers column types (German and English
 * numbers, dates, booleans) on the first chunk, then streams the file chunk by chunk into the
 * table, widening a column when a later value does not fit.
 * @param config chunk size
 */
export function createCsvLoader(config: CsvLoaderConfig = {}): Loader {
  const chunkBytes = config.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  return {
    format: 'csv',
    inspect: (ctx) => inspectCsv(ctx, Math.min(chunkBytes, INSPECT_BYTES)),
    load: (ctx) => loadCsv(ctx, chunkBytes)
  };
}

/** The CSV loader with the default chunk size. */
export const csvLoader: Loader = createCsvLoader();

async function inspectCsv(ctx: InspectContext, chunkBytes: number): Promise<LoadEstimate> {
  const id = ++sequence;
  const raw = `__seglab_csv_raw_${id}`;
  const chunks = new CsvChunks(ctx.source, chunkBytes, ctx.options.csv?.encoding);
  try {
    const { plan, chunk } = await planCsv(ctx, chunks, raw, `__seglab_csv_${id}.csv`);
    const sampleBytes = (chunk.bytesRead * chunk.text.length) / Math.max(1, chunk.text.length + chunks.carried);
    let rows = chunks.done && chunks.carried === 0 ? plan.firstRows : Math.round((plan.firstRows / Math.max(1, sampleBytes)) * ctx.source.size);
    const warnings = [...chunks.warnings, ...plan.warnings];
    if (!chunks.done) warnings.push(note('csvEstimated', { size: formatBytes(chunkBytes) }));
    const sampleRows = ctx.options.sampleRows;
    if (sampleRows !== undefined && sampleRows > 0) rows = Math.min(rows, sampleRows);
    const memoryBytes = estimateTableBytes(
      rows,
      plan.columns.map((c) => ({ type: c.conversion.type, meanChars: c.meanChars }))
    );
    return {
      file: ctx.source.name,
      format: 'csv',
      bytes: ctx.source.size,
      rows,
      memoryBytes,
      availableBytes: ctx.availableBytes,
      fits: memoryBytes < ctx.availableBytes,
      columns: plan.columns.map((c) => ({ name: c.name, type: c.conversion.type })),
      csv: {
        delimiter: plan.dialect.delimiter,
        quote: plan.dialect.quote,
        header: plan.header,
        encoding: chunks.encoding,
        numberLocale: plan.numberLocale,
        ...(plan.dateFormat ? { dateFormat: plan.dateFormat } : {})
      },
      warnings
    };
  } finally {
    await ctx.db.exec(String(sql`DROP TABLE IF EXISTS ${ident(raw)}`)).catch(() => undefined);
  }
}

async function loadCsv(ctx: LoadContext, chunkBytes: number): Promise<LoadResult> {
  const { db, source } = ctx;
  const id = ++sequence;
  const raw = `__seglab_csv_raw_${id}`;
  const converted = `__seglab_csv_converted_${id}`;
  const fileName = `__seglab_csv_${id}.csv`;
  const chunks = new CsvChunks(source, chunkBytes, ctx.options.csv?.encoding);
  const sampleRows = sampleSize(ctx) ?? Infinity;
  try {
    const { plan, chunk: first } = await planCsv(ctx, chunks, raw, fileName);
    const { columns, width } = plan;
    await db.exec(
      String(sql`CREATE TABLE ${ident(ctx.table)} (${columns.map((c) => sql`${ident(c.name)} ${typeSql(c.conversion.type)}`)})`)
    );
    const warnings = [...plan.warnings];
    const forcedNulls = new Map<string, number>();
    let tooFew = 0;
    let tooMany = 0;
    let rows = 0;
    let seen = 0;
    let chunk: CsvChunk | null = first;
    let isFirst = true;
    let widest = Math.max(width, maxFields(first));
    while (chunk) {
      const skip = isFirst && plan.header ? 1 : 0;
      const counts = new Map(chunk.scan.fieldCounts);
      if (skip) counts.set(chunk.scan.firstFields, (counts.get(chunk.scan.firstFields) ?? 1) - 1);
      const [{ n }] = await db.rows<{ n: number }>(String(sql`SELECT count(*) AS n FROM ${ident(raw)}`));
      seen += n - skip;
      const take = Math.min(n - skip, sampleRows - rows);
      if (take > 0) {
        const range = sql`rowid >= ${skip} AND rowid < ${skip + take}`;
        const chunkRows = { raw, values: `${raw}_values`, converted, range, firstRow: rows + 1 };
        await convertChunk(db, ctx.table, chunkRows, columns, plan.numberLocale, warnings, forcedNulls);
        rows += take;
        if (take === n - skip) {
          for (const [fields, count] of counts) {
            if (fields < width) tooFew += count;
            else if (fields > width) tooMany += count;
          }
        }
      }
      ctx.onProgress({ phase: 'reading', bytesRead: chunk.bytesRead, bytesTotal: source.size, rows });
      if (rows >= sampleRows) break;
      checkCancelled(ctx);
      chunk = await chunks.next(plan.dialect);
      checkCancelled(ctx);
      if (chunk) {
        widest = Math.max(widest, maxFields(chunk));
        await stageChunk(db, raw, fileName, chunk, plan.dialect, Math.max(width, maxFields(chunk)));
      }
      isFirst = false;
    }
    if (tooFew > 0) warnings.push(note('csvTooFewFields', { rows: tooFew, width: String(width) }));
    if (tooMany > 0) warnings.push(note('csvTooManyFields', { rows: tooMany, width: String(width) }));
    for (const [name, count] of forcedNulls) warnings.push(note('csvForcedNulls', { name, values: count }));
    if (rows >= sampleRows && (seen > rows || !chunks.done)) {
      const total = chunks.done ? seen : Math.round((seen / Math.max(1, chunks.bytesRead)) * source.size);
      warnings.push(note(chunks.done ? 'csvSample' : 'csvSampleOfAbout', { rows, total }));
    }
    const conversions: Record<string, Note> = {};
    for (const c of columns) {
      const label = conversionLabel(c.conversion);
      if (label) conversions[c.name] = label;
    }
    const read: SourceRead = {
      format: 'csv',
      delimiter: plan.dialect.delimiter,
      quote: plan.dialect.quote,
      header: plan.header,
      encoding: chunks.encoding,
      width: widest,
      columns: columns.map((c) => ({ index: Number(c.raw.slice(1)) - 1, name: c.name, conversion: c.conversion })),
      ...(rows >= sampleRows ? { limit: rows } : {})
    };
    return { warnings: [...chunks.warnings, ...warnings], conversions, read };
  } finally {
    for (const t of [raw, `${raw}_values`, converted]) await db.exec(String(sql`DROP TABLE IF EXISTS ${ident(t)}`)).catch(() => undefined);
  }
}

/**
 * Reads the first chunk into the raw table and decides dialect, header, column names and types.
 */
async function planCsv(
  ctx: InspectContext,
  chunks: CsvChunks,
  raw: string,
  fileName: string
): Promise<{ plan: CsvPlan; chunk: CsvChunk }> {
  const { db } = ctx;
  const opts: CsvOptions = ctx.options.csv ?? {};
  const head = await chunks.open();
  const dialect = sniffDialect(head, chunks.done, {
    delimiter: opts.delimiter !== undefined ? normaliseDelimiter(opts.delimiter) : undefined,
    quote: opts.quote !== undefined ? normaliseQuote(opts.quote) : undefined
  });
  const chunk = await chunks.next(dialect);
  if (!chunk || chunk.scan.records === 0) {
    throw new EngineError({ code: 'FILE_EMPTY', ...said('csvNoRows') });
  }
  const rawWidth = maxFields(chunk);
  await stageChunk(db, raw, fileName, chunk, dialect, rawWidth);
  const rawNames = Array.from({ length: rawWidth }, (_, i) => `c${i + 1}`);
  const dateFormats: readonly DateFormatDef[] = opts.dateFormat ? [userDateFormat(opts.dateFormat), ...DATE_FORMATS] : DATE_FORMATS;
  const first: ColumnStats[] = [];
  const rest: ColumnStats[] = [];
  const values = `${raw}_values`;
  const wide = rawWidth > WIDE_CSV_COLUMNS;
  if (wide) {
    const none = parseStats([], rawWidth, dateFormats);
    first.push(...none.first);
    rest.push(...none.rest);
  } else {
    try {
      await db.exec(String(statsValuesQuery(raw, values, rawNames, INFER_ROWS + 1)));
      for (let i = 0; i < rawWidth; i += STATS_COLUMNS_PER_QUERY) {
        const count = Math.min(STATS_COLUMNS_PER_QUERY, rawWidth - i);
        const parsed = parseStats(await db.rows(String(statsQuery(values, i, count, dateFormats))), count, dateFormats);
        first.push(...parsed.first);
        rest.push(...parsed.rest);
      }
    } finally {
      await db.exec(String(sql`DROP TABLE IF EXISTS ${ident(values)}`));
    }
  }
  const [row0] = await db.rows<Record<string, string | null>>(String(sql`SELECT * FROM ${ident(raw)} WHERE rowid = 0`));
  const cells = rawNames.slice(0, chunk.scan.firstFields).map((c) => row0?.[c] ?? null);

  const fallbackLocale: NumberLocale | null = dialect.delimiter === ';' ? 'de' : null;
  const decide = (stats: readonly ColumnStats[], names: readonly string[]) => {
    const locale = decideLocale(stats, opts.numberLocale);
    const typeCtx = { locale, localeForced: opts.numberLocale !== undefined, fallbackLocale, dateFormats };
    return { locale, decisions: stats.map((s, i) => decideColumn(names[i], s, typeCtx)) };
  };
  const header =
    opts.header ??
    (wide ||
      looksLikeHeader(
        first,
        decide(rest, rawNames.map((c, i) => cells[i] ?? c)).decisions.map((d) => d.conversion),
        cells
      ));

  const dataCounts = new Map(chunk.scan.fieldCounts);
  if (header) dataCounts.set(chunk.scan.firstFields, (dataCounts.get(chunk.scan.firstFields) ?? 1) - 1);
  const width = header ? Math.max(chunk.scan.firstFields, modalFields(dataCounts)) : rawWidth;
  const originals = Array.from({ length: width }, (_, i) => (header ? (cells[i] ?? '') : ''));
  const names = uniqueColumnNames(originals);
  const stats = Array.from({ length: width }, (_, i) => (header ? rest[i] : addStats(first[i], rest[i])));
  const { locale, decisions } = decide(stats, names);

  const selected = selectColumns(ctx.options.columns, originals, names);
  const numberLocale: NumberLocale = locale ?? fallbackLocale ?? 'en';
  const warnings: Note[] = [];
  if (wide) warnings.push(note(opts.header === undefined ? 'csvWideHeader' : 'csvWide', { columns: rawWidth, detected: WIDE_CSV_COLUMNS }));
  const typeOverrides = new Map(Object.entries(opts.columnTypes ?? {}));
  const columns: PlannedColumn[] = selected.map((i) => {
    const key = [originals[i], names[i]].find((k) => typeOverrides.has(k));
    let conversion = decisions[i].conversion;
    if (key !== undefined) {
      try {
        conversion = forcedConversion(typeOverrides.get(key)!, conversion, numberLocale, opts.dateFormat);
      } catch (e) {
        throw new EngineError({ code: 'UNSUPPORTED', ...said('csvColumnType', { name: key, reason: (e as Error).message }) });
      }
      typeOverrides.delete(key);
    } else if (decisions[i].warning) {
      warnings.push(decisions[i].warning!);
    }
    return {
      raw: rawNames[i],
      name: names[i],
      conversion,
      forced: key !== undefined,
      meanChars: stats[i].n > 0 ? stats[i].chars / stats[i].n : 0
    };
  });
  for (const key of typeOverrides.keys()) warnings.push(note('csvTypeForMissingColumn', { name: key }));
  const dateColumn = columns.find((c) => c.conversion.kind === 'date' && c.conversion.format.formats !== 'cast');
  const dateFormat =
    opts.dateFormat ??
    (dateColumn?.conversion.kind === 'date' && dateColumn.conversion.format.formats !== 'cast'
      ? dateColumn.conversion.format.formats[0]
      : undefined);
  const firstRows = chunk.scan.records - (header ? 1 : 0);
  return { plan: { dialect, header, width, columns, numberLocale, dateFormat, warnings, firstRows }, chunk };
}

/**
 * Registers a chunk as a file and reads it, all VARCHAR, into the raw table `c1…cN`.
 */
async function stageChunk(db: Db, raw: string, fileName: string, chunk: CsvChunk, dialect: ScanDialect, width: number): Promise<void> {
  if (width > MAX_CSV_COLUMNS) {
    const lines = { from: chunk.firstLine, to: chunk.firstLine + chunk.scan.lines - 1, fields: width, max: MAX_CSV_COLUMNS };
    throw new EngineError({ code: 'FILE_FORMAT', ...said(dialect.delimiter === '\t' ? 'csvTooWideTab' : 'csvTooWide', { ...lines, delimiter: dialect.delimiter }) });
  }
  const columns = join(Array.from({ length: width }, (_, i) => sql`${lit(`c${i + 1}`)}: 'VARCHAR'`));
  const query = sql`CREATE OR REPLACE TEMP TABLE ${ident(raw)} AS SELECT * FROM read_csv(${lit(db.filePath(fileName))},
    columns = {${columns}}, header = false, auto_detect = false, delim = ${lit(dialect.delimiter)},
    quote = ${lit(dialect.quote)}, escape = ${lit(dialect.quote)}, null_padding = true, max_line_size = ${chunk.text.length + 1},
    parallel = ${!chunk.scan.quotedNewlines})`;
  await db.registerBuffer(fileName, new TextEncoder().encode(chunk.text));
  try {
    await db.exec(String(query));
  } catch (e) {
    throw csvError(e, chunk.firstLine);
  } finally {
    await db.dropFile(fileName);
  }
}

interface ChunkRows {
  /** The raw all-VARCHAR table. */
  raw: string;
  /** Temp table for the values to convert: raw for text columns, cleaned (`valueOf`) for typed ones. */
  values: string;
  /** Temp table for the converted rows. */
  converted: string;
  /** Which raw rows to take. */
  range: SqlFragment;
  /** 1-based data row number of the first row taken, for messages. */
  firstRow: number;
}

const valueColumn = (i: number) => ident(`x${i}`);

/**
 * Converts a chunk's rows into a temp table, compares each typed column's non-empty count
 * before and after, widens columns where a value did not fit (then converts again), and appends
 * the rows to the table.
 */
async function convertChunk(
  db: Db,
  table: string,
  chunk: ChunkRows,
  columns: PlannedColumn[],
  locale: NumberLocale,
  warnings: Note[],
  forcedNulls: Map<string, number>
): Promise<void> {
  const stage = async () => {
    const values = columns.map((c, i) => sql`${c.conversion.kind === 'text' ? ident(c.raw) : valueOf(c.raw)} AS ${valueColumn(i)}`);
    await db.exec(
      String(sql`CREATE OR REPLACE TEMP TABLE ${ident(chunk.values)} AS SELECT ${values} FROM ${ident(chunk.raw)} WHERE ${chunk.range}`)
    );
    const converted = selectList(columns.map((c, i) => ({ expr: convertExpr(valueColumn(i), c.conversion), name: c.name })));
    await db.exec(String(sql`CREATE OR REPLACE TEMP TABLE ${ident(chunk.converted)} AS SELECT ${converted} FROM ${ident(chunk.values)}`));
  };
  await stage();
  const typed = columns.map((c, i) => ({ c, i })).filter(({ c }) => c.conversion.kind !== 'text');
  if (typed.length > 0) {
    const [before] = await db.rows<Record<string, number>>(
      String(sql`SELECT ${typed.map(({ i }) => sql`count(${valueColumn(i)}) AS ${ident(`n${i}`)}`)} FROM ${ident(chunk.values)}`)
    );
    const [after] = await db.rows<Record<string, number>>(
      String(sql`SELECT ${typed.map(({ c, i }) => sql`count(${ident(c.name)}) AS ${ident(`n${i}`)}`)} FROM ${ident(chunk.converted)}`)
    );
    const misfits = typed.filter(({ i }) => before[`n${i}`] !== after[`n${i}`]);
    for (const { c, i } of misfits.filter(({ c }) => c.forced)) {
      forcedNulls.set(c.name, (forcedNulls.get(c.name) ?? 0) + before[`n${i}`] - after[`n${i}`]);
    }
    const toWiden = misfits.filter(({ c }) => !c.forced);
    if (toWiden.length > 0) {
      await widen(db, table, chunk, toWiden, locale, warnings);
      await stage();
    }
  }
  await db.exec(String(sql`INSERT INTO ${ident(table)} SELECT * FROM ${ident(chunk.converted)}`));
}

/**
 * Widens columns where a value did not fit: BIGINT → DOUBLE when the values are numbers with
 * decimals, otherwise → VARCHAR (earlier values written back as text), so nothing is lost.
 */
async function widen(
  db: Db,
  table: string,
  chunk: ChunkRows,
  misfits: { c: PlannedColumn; i: number }[],
  locale: NumberLocale,
  warnings: Note[]
): Promise<void> {
  const parts: SqlFragment[] = [];
  for (const { c, i } of misfits) {
    const v = valueColumn(i);
    const misfit = sql`${v} IS NOT NULL AND ${convertExpr(v, c.conversion)} IS NULL`;
    parts.push(
      sql`arg_min(${v}, CASE WHEN ${misfit} THEN rowid END) AS ${ident(`e${i}`)}`,
      sql`min(CASE WHEN ${misfit} THEN rowid END) AS ${ident(`r${i}`)}`
    );
    if (c.conversion.type === 'BIGINT') {
      const asDouble = convertExpr(v, { kind: 'number', type: 'DOUBLE', locale: numberLocaleOf(c.conversion, locale) });
      parts.push(sql`count_if(${misfit} AND ${asDouble} IS NULL) AS ${ident(`d${i}`)}`);
    }
  }
  const [check] = await db.rows<Record<string, number | string | null>>(String(sql`SELECT ${parts} FROM ${ident(chunk.values)}`));
  for (const { c, i } of misfits) {
    const example = String(check[`e${i}`]);
    const at = chunk.firstRow + Number(check[`r${i}`]);
    const was = conversionLabel(c.conversion) ?? c.conversion.type;
    if (c.conversion.type === 'BIGINT' && Number(check[`d${i}`] ?? 1) === 0) {
      await db.exec(String(sql`ALTER TABLE ${ident(table)} ALTER ${ident(c.name)} TYPE DOUBLE`));
      warnings.push(note('csvToDouble', { name: c.name, row: at, example }));
      c.conversion = { kind: 'number', type: 'DOUBLE', locale: numberLocaleOf(c.conversion, locale) };
    } else {
      await db.exec(
        String(sql`ALTER TABLE ${ident(table)} ALTER ${ident(c.name)} TYPE VARCHAR USING ${backToText(c.name, c.conversion)}`)
      );
      warnings.push(note('csvToText', { name: c.name, row: at, example, was }));
      c.conversion = { kind: 'text', type: 'VARCHAR', label: note('convTextSince', { was, row: at }) };
    }
  }
}

function numberLocaleOf(c: Conversion, fallback: NumberLocale): NumberLocale {
  return c.kind === 'number' ? c.locale : fallback;
}

function selectColumns(wanted: readonly string[] | undefined, originals: readonly string[], names: readonly string[]): number[] {
  if (!wanted || wanted.length === 0) return names.map((_, i) => i);
  return wanted.map((w) => {
    const exact = [originals, names].map((list) => list.findIndex((n) => n === w || n.trim() === w.trim())).find((i) => i >= 0);
    const i = exact ?? names.findIndex((n) => n.toLowerCase() === w.trim().toLowerCase());
    if (i < 0) {
      throw new EngineError({ code: 'SQL_BIND', ...said('noColumn', { names: `"${w}"`, columns: quotedList(names) }) });
    }
    return i;
  });
}

function maxFields(chunk: CsvChunk): number {
  return Math.max(1, ...chunk.scan.fieldCounts.keys());
}

function modalFields(counts: Map<number, number>): number {
  let best = 0;
  let bestCount = 0;
  for (const [fields, count] of counts) {
    if (count > bestCount || (count === bestCount && fields > best)) {
      best = fields;
      bestCount = count;
    }
  }
  return best;
}

function normaliseDelimiter(d: string): string {
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', semicolon: ';', comma: ',', pipe: '|' };
  const value = named[d.toLowerCase()] ?? d;
  if (value.length !== 1) {
    throw new EngineError({ code: 'UNSUPPORTED', ...said('csvDelimiterLength', { got: d }) });
  }
  return value;
}

function normaliseQuote(q: string): string {
  if (q.length > 1) throw new EngineError({ code: 'UNSUPPORTED', ...said('csvQuoteLength', { got: q }) });
  return q;
}

function csvError(e: unknown, firstLine: number): EngineError {
  const detail = e instanceof EngineError ? (e.detail ?? e.message) : String(e);
  if (e instanceof EngineError && e.code === 'CANCELLED') return e;
  const line = /CSV Error on Line: (\d+)/.exec(detail);
  const reason = detail
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l && !/^(Invalid Input|Parameter Not Allowed|Conversion) Error|^Original Line|^CSV Error/.test(l));
  const problem = reason ?? detail.split('\n')[0];
  const what = line ? said('csvUnreadableAt', { line: firstLine + Number(line[1]) - 1, reason: problem }) : said('csvUnreadable', { reason: problem });
  return new EngineError({ code: 'FILE_FORMAT', ...what, detail }, { cause: e });
}

function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${Math.round(n / (1 << 20))} MB` : `${Math.round(n / 1024)} KB`;
}
