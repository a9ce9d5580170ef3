/**
 * Pure SQL builders and binning arithmetic for table profiles. Every identifier and literal goes
 * through `ident`/`lit`; results are cast to DOUBLE/VARCHAR so they arrive as plain JS values.
 */
import { ident, join, lit, sql, type SqlFragment } from './quote';

/** How a column is profiled: histogram (number, date) or top values only (the rest). */
export type ColumnKind = 'number' | 'date' | 'string' | 'boolean' | 'other';

/** A column to profile: its name, DuckDB type and kind. */
export interface ProfileColumn {
  name: string;
  type: string;
  kind: ColumnKind;
}

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|VARINT|BIGNUM|DECIMAL\(\d+,\s*0\))$/;
const NUMBER_TYPES = /^(FLOAT|REAL|DOUBLE|DECIMAL\(\d+,\s*\d+\)|DECIMAL|NUMERIC)$/;
const DATE_TYPES = /^(DATE|DATETIME|TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|TIMESTAMP WITH TIME ZONE|TIMESTAMPTZ)$/;

/**
 * Classifies a DuckDB type as it appears in `DESCRIBE`.
 * @param type e.g. `BIGINT`, `DECIMAL(10,2)`, `TIMESTAMP WITH TIME ZONE`, `VARCHAR`, `INTEGER[]`
 */
export function columnKind(type: string): ColumnKind {
  const t = type.trim().toUpperCase();
  if (INTEGER_TYPES.test(t) || NUMBER_TYPES.test(t)) return 'number';
  if (DATE_TYPES.test(t)) return 'date';
  if (t === 'VARCHAR' || t.startsWith('VARCHAR') || t.startsWith('ENUM(')) return 'string';
  if (t === 'BOOLEAN') return 'boolean';
  return 'other';
}

/**
 * Whether a numeric DuckDB type holds only whole numbers.
 * @param type the DuckDB type
 */
export function isIntegerType(type: string): boolean {
  return INTEGER_TYPES.test(type.trim().toUpperCase());
}

/**
 * Whether a numeric DuckDB type can hold NaN and ±Infinity.
 * @param type the DuckDB type
 */
export function isFloatType(type: string): boolean {
  return /^(FLOAT|REAL|DOUBLE|FLOAT4|FLOAT8)$/.test(type.trim().toUpperCase());
}

/**
 * Lists a table's columns and types.
 * @param table table name
 */
export function describeQuery(table: string): SqlFragment {
  return sql`DESCRIBE SELECT * FROM ${ident(table)}`;
}

/** strftime format of ISO dates. */
export const DATE_FORMAT = '%Y-%m-%d';
/** strftime format of ISO date-times without zone (wall-clock time; UTC for TIMESTAMPTZ in DuckDB-WASM). */
export const DATETIME_FORMAT = '%Y-%m-%dT%H:%M:%S';

/**
 * The strftime format used for a date-kind column's values.
 * @param type the DuckDB type
 */
export function dateFormatOf(type: string): string {
  return type.trim().toUpperCase() === 'DATE' ? DATE_FORMAT : DATETIME_FORMAT;
}

/**
 * One aggregate pass over the table: `rows` plus, per column `i`, a struct `c{i}` with
 * `nn` (non-null count) and by kind: numbers `fin`, `lo`, `hi`, `mean` over finite values;
 * dates `fin`, `lo`, `hi` (ISO strings), `los`, `his` (epoch seconds); strings `lo`, `hi`
 * (first `maxChars` characters).
 * @param table table name
 * @param columns the columns, in order
 * @param maxChars characters kept of string minima and maxima
 */
export function statsQuery(table: string, columns: readonly ProfileColumn[], maxChars = 81): SqlFragment {
  const parts = columns.map((c, i) => sql`${statsStruct(c, maxChars)} AS ${ident(`c${i}`)}`);
  return sql`SELECT count(*)::DOUBLE AS ${ident('rows')}, ${join(parts)} FROM ${ident(table)}`;
}

function statsStruct(column: ProfileColumn, maxChars: number): SqlFragment {
  const c = ident(column.name);
  const nn = sql`count(${c})::DOUBLE`;
  if (column.kind === 'number') {
    const x = sql`CAST(${c} AS DOUBLE)`;
    const finite = isFloatType(column.type) ? sql`FILTER (WHERE isfinite(${x}))` : sql``;
    return sql`struct_pack(nn := ${nn}, fin := (count(${x}) ${finite})::DOUBLE, lo := min(${x}) ${finite}, hi := max(${x}) ${finite}, mean := avg(${x}) ${finite})`;
  }
  if (column.kind === 'date') {
    const x = sql`CAST(${c} AS TIMESTAMP)`;
    const finite = sql`FILTER (WHERE isfinite(${x}))`;
    const fmt = lit(dateFormatOf(column.type));
    return sql`struct_pack(nn := ${nn}, fin := (count(${x}) ${finite})::DOUBLE, lo := strftime(min(${x}) ${finite}, ${fmt}), hi := strftime(max(${x}) ${finite}, ${fmt}), los := epoch(min(${x}) ${finite})::DOUBLE, his := epoch(max(${x}) ${finite})::DOUBLE)`;
  }
  if (column.kind === 'string') {
    const x = sql`CAST(${c} AS VARCHAR)`;
    return sql`struct_pack(nn := ${nn}, lo := left(min(${x}), ${maxChars}), hi := left(max(${x}), ${maxChars}))`;
  }
  return sql`struct_pack(nn := ${nn})`;
}

/**
 * The most frequent values of every column, ordered by count descending then value ascending
 * (NULL last), in one UNION ALL. Rows: `c` (column index), `r` (1-based rank), `value` (VARCHAR,
 * first `maxChars` characters, NULL for NULL), `n` (count), `g` (exact number of distinct non-null
 * values, repeated on each row).
 * @param table table name
 * @param columns the columns, in order
 * @param limit values per column
 * @param maxChars characters kept of each value
 */
export function topValuesQuery(table: string, columns: readonly ProfileColumn[], limit = 5, maxChars = 81): SqlFragment {
  const t = ident(table);
  const branches = columns.map((column, i) => {
    const c = ident(column.name);
    const e = column.kind === 'other' ? sql`CAST(${c} AS VARCHAR)` : c;
    return sql`(SELECT ${i} AS c, (row_number() OVER (ORDER BY n DESC, v ASC NULLS LAST))::DOUBLE AS r, left(CAST(v AS VARCHAR), ${maxChars}) AS value, n, g FROM (SELECT ${e} AS v, count(*)::DOUBLE AS n, (count(${e}) OVER ())::DOUBLE AS g FROM ${t} GROUP BY ${e} ORDER BY n DESC, v ASC NULLS LAST LIMIT ${limit}))`;
  });
  return sql`${join(branches, ' UNION ALL ')} ORDER BY c, r`;
}

/** Equal-width bins: `count` bins of width `step` from `start`; the last bin is closed. */
export interface NumberBinning {
  start: number;
  step: number;
  count: number;
}

/**
 * The smallest 1, 2 or 5 × 10^k at or above `raw`.
 * @param raw the wanted bin width (> 0)
 */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) {
    const step = Number((m * mag).toPrecision(12));
    if (step >= raw * (1 - 1e-12)) return step;
  }
  return Number((10 * mag).toPrecision(12));
}

/**
 * Rounds a bin edge to the decimals its step needs, so `0.1 * 3` reads `0.3`.
 * @param value the edge
 * @param step the bin width
 */
export function roundEdge(value: number, step: number): number {
  const decimals = Math.min(20, Math.max(0, 1 - Math.floor(Math.log10(step))));
  return Number(value.toFixed(decimals));
}

/**
 * About `maxBins` equal-width bins with nice edges covering `[min, max]`. Whole-number columns
 * get whole-number widths, and with width 1 each value gets its own bin. A single value gets one bin.
 * @param min smallest finite value
 * @param max largest finite value
 * @param integer whether the column holds only whole numbers
 * @param maxBins wanted number of bins
 */
export function numberBinning(min: number, max: number, integer: boolean, maxBins = 20): NumberBinning {
  if (min === max) {
    const step = integer || min === 0 ? 1 : niceStep(Math.abs(min) / maxBins);
    return { start: min, step, count: 1 };
  }
  let step = niceStep(max / maxBins - min / maxBins);
  if (integer) step = Math.max(1, Math.round(step));
  const aligned = roundEdge(Math.floor(min / step + 1e-9) * step, step);
  const start = Number.isFinite(aligned) ? aligned : min;
  const q = max / step - start / step;
  let count: number;
  if (integer && step === 1) count = Math.floor(q + 1e-9) + 1;
  else count = Math.abs(q - Math.round(q)) < 1e-9 ? Math.round(q) : Math.ceil(q);
  return { start, step, count: Math.max(1, count) };
}

/**
 * The `count + 1` rounded edges of a binning.
 * @param b the binning
 */
export function binEdges(b: NumberBinning): number[] {
  const limit = Number.MAX_VALUE;
  return Array.from({ length: b.count + 1 }, (_, i) => Math.max(-limit, Math.min(limit, roundEdge(b.start + i * b.step, b.step))));
}

/** Calendar units `time_bucket` steps in. */
export type TimeUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** A calendar bin width: `n` units, about `seconds` long. */
export interface TimeStep {
  unit: TimeUnit;
  n: number;
  seconds: number;
}

const DAY = 86_400;
const YEAR = 31_556_952;

/** Candidate widths for date histograms, finest first. */
export const TIME_STEPS: readonly TimeStep[] = [
  ...[1, 5, 15, 30].map((n) => ({ unit: 'second' as const, n, seconds: n })),
  ...[1, 5, 15, 30].map((n) => ({ unit: 'minute' as const, n, seconds: n * 60 })),
  ...[1, 3, 6, 12].map((n) => ({ unit: 'hour' as const, n, seconds: n * 3600 })),
  { unit: 'day', n: 1, seconds: DAY },
  { unit: 'week', n: 1, seconds: 7 * DAY },
  { unit: 'month', n: 1, seconds: YEAR / 12 },
  { unit: 'month', n: 3, seconds: YEAR / 4 },
  ...[1, 2, 5, 10, 25, 50, 100, 250, 500, 1000].map((n) => ({ unit: 'year' as const, n, seconds: n * YEAR }))
];

/**
 * The finest calendar width that splits a span into at most about `maxBins` bins: a year of
 * data gets months, a month gets days. A single instant gets days.
 * @param spanSeconds max − min in seconds
 * @param dateOnly whether the column is a DATE (no widths below a day)
 * @param maxBins the most bins wanted
 */
export function timeStep(spanSeconds: number, dateOnly: boolean, maxBins = 31): TimeStep {
  const candidates = TIME_STEPS.filter((s) => !dateOnly || s.seconds >= DAY);
  if (!(spanSeconds > 0)) return candidates.find((s) => s.unit === 'day')!;
  return candidates.find((s) => spanSeconds / s.seconds <= maxBins) ?? candidates[candidates.length - 1];
}

function interval(step: TimeStep): SqlFragment {
  switch (step.unit) {
    case 'second':
      return sql`to_seconds(${step.n})`;
    case 'minute':
      return sql`to_minutes(${step.n})`;
    case 'hour':
      return sql`to_hours(${step.n})`;
    case 'day':
      return sql`to_days(${step.n})`;
    case 'week':
      return sql`to_weeks(${step.n})`;
    case 'month':
      return sql`to_months(${step.n})`;
    case 'year':
      return sql`to_years(${step.n})`;
  }
}

/** A histogram to compute: equal-width for numbers, calendar buckets for dates. */
export type BinRequest =
  | { index: number; column: ProfileColumn; binning: NumberBinning }
  | { index: number; column: ProfileColumn; step: TimeStep; lo: string; hi: string };

/**
 * Histograms of several columns in one UNION ALL. Rows: `c` (column index), `b` (bin index for
 * numbers, bucket start in epoch seconds for dates), `x0`/`x1` (ISO bucket bounds, dates only),
 * `n` (count). Number bins are half-open `floor((x - start) / step)`; the caller clamps indexes
 * to `[0, count - 1]` (the maximum lands on index `count` when it sits on the last edge; a float
 * quirk can give −1) and fills empty bins from `binEdges` (clamping in SQL with least/greatest
 * made the pass four times slower in DuckDB-WASM). Date buckets from the first to the last are all
 * present, empty ones with `n = 0`.
 * @param table table name
 * @param requests one per column
 */
export function binsQuery(table: string, requests: readonly BinRequest[]): SqlFragment | undefined {
  if (requests.length === 0) return undefined;
  const t = ident(table);
  const branches = requests.map((r) => {
    const c = ident(r.column.name);
    if ('binning' in r) {
      const { start, step, count } = r.binning;
      const x = sql`CAST(${c} AS DOUBLE)`;
      const keep = isFloatType(r.column.type) ? sql`isfinite(x)` : sql`x IS NOT NULL`;
      return sql`(SELECT ${r.index} AS c, b, NULL::VARCHAR AS x0, NULL::VARCHAR AS x1, count(*)::DOUBLE AS n FROM (SELECT floor((x - ${start}) / ${step} + 1e-9)::DOUBLE AS b FROM (SELECT ${x} AS x FROM ${t}) WHERE ${keep}) GROUP BY b)`;
    }
    const iv = interval(r.step);
    const fmt = lit(dateFormatOf(r.column.type));
    const bucket = (e: SqlFragment) => sql`time_bucket(${iv}, ${e})`;
    const lo = bucket(sql`CAST(${lit(r.lo)} AS TIMESTAMP)`);
    const hi = bucket(sql`CAST(${lit(r.hi)} AS TIMESTAMP)`);
    return sql`(SELECT ${r.index} AS c, epoch(g.b)::DOUBLE AS b, strftime(g.b, ${fmt}) AS x0, strftime(g.b + ${iv}, ${fmt}) AS x1, coalesce(h.n, 0)::DOUBLE AS n FROM (SELECT unnest(range(${lo}, ${hi} + ${iv}, ${iv})) AS b) g LEFT JOIN (SELECT ${bucket(sql`x`)} AS b, count(*) AS n FROM (SELECT CAST(${c} AS TIMESTAMP) AS x FROM ${t}) WHERE isfinite(x) GROUP BY 1) h ON g.b = h.b)`;
  });
  return sql`${join(branches, ' UNION ALL ')} ORDER BY c, b`;
}

/**
 * A reproducible reservoir sample of up to `size` non-empty values per text column, for
 * personal-data detection. Rows: `c` (column index), `v` (first `maxChars` characters).
 * @param table table name
 * @param columns `[index, column]` pairs of the columns to sample
 * @param size values per column
 * @param seed sampling seed
 * @param maxChars characters kept of each value
 */
export function sampleQuery(
  table: string,
  columns: readonly (readonly [number, ProfileColumn])[],
  size = 200,
  seed = 42,
  maxChars = 200
): SqlFragment | undefined {
  if (columns.length === 0) return undefined;
  const t = ident(table);
  const branches = columns.map(([i, column]) => {
    const x = sql`CAST(${ident(column.name)} AS VARCHAR)`;
    return sql`(SELECT ${i} AS c, left(v, ${maxChars}) AS v FROM (SELECT ${x} AS v FROM ${t} WHERE ${x} <> ${lit('')}) USING SAMPLE reservoir(${size} ROWS) REPEATABLE (${seed}))`;
  });
  return sql`${join(branches, ' UNION ALL ')} ORDER BY c`;
}
