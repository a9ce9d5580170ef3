/**
 * RFM analysis of a transactions table: per customer recency, frequency and monetary value, scores
 * 1–5 for each (5 = best), and a named segment from the R×F grid; plus the R×F grid and the segment
 * summary, which read the RFM result. Pure; every name goes through `ident`, every value through
 * `lit`.
 *
 * Money is summed exactly: each amount is rounded to 10⁻⁶ and summed as DECIMAL(38,6) (HUGEINT), so
 * sums, and the ties between them, are the same in DuckDB-WASM (one thread) and in native DuckDB
 * (many threads); a parallel `sum` of DOUBLEs differs in the last bits from run to run.
 */
import { ident, join, lit, sql, type SqlFragment } from './quote';
import { note, NoteError } from '../i18n/note';

/** The eleven segment names of the default R×F map. */
export type RfmSegmentName =
  | 'Champions'
  | 'Loyal'
  | 'Potential loyalists'
  | 'New'
  | 'Promising'
  | 'Need attention'
  | 'About to sleep'
  | 'At risk'
  | "Can't lose them"
  | 'Hibernating'
  | 'Lost';

/** A named rectangle of the R×F grid: customers whose scores lie in both inclusive ranges. */
export interface RfmSegmentRule {
  /** The name written to the `segment` column. */
  name: string;
  /** Recency score range [low, high], whole numbers 1–5. */
  r: readonly [number, number];
  /** Frequency score range [low, high], whole numbers 1–5. */
  f: readonly [number, number];
}

/** How R, F and M values become scores 1–5. */
export type RfmScoring =
  | { kind: 'quintiles' }
  | {
      kind: 'breakpoints';
      /** Four ascending day counts: recency ≤ b₁ scores 5, ≤ b₂ 4, ≤ b₃ 3, ≤ b₄ 2, above b₄ 1. */
      recency: readonly number[];
      /** Four ascending limits: frequency < b₁ scores 1, ≥ b₁ 2, ≥ b₂ 3, ≥ b₃ 4, ≥ b₄ 5. */
      frequency: readonly number[];
      /** Four ascending limits, read like `frequency`. */
      monetary: readonly number[];
    };

/** Inputs of {@link rfmQuery}. */
export interface RfmConfig {
  /** The transactions table (one row per purchase, or per order line). */
  table: string;
  /** The customer key column. */
  key: string;
  /** The purchase date column (DATE, TIMESTAMP or ISO text; the day is what counts). */
  date: string;
  /** The amount column (revenue of the row). */
  amount: string;
  /** The order id column; without it, frequency counts distinct purchase days. */
  orderId?: string;
  /** A margin column, summed per customer into `margin`. */
  margin?: string;
  /** `YYYY-MM-DD`: recency is counted to this day; later purchases are left out. */
  referenceDate: string;
  /** `sum`: total amount; `mean_per_order`: total amount / frequency. */
  monetary: 'sum' | 'mean_per_order';
  scoring: RfmScoring;
  /** The R×F segment map; first matching rule wins. Default {@link DEFAULT_RFM_SEGMENTS}. */
  segments?: readonly RfmSegmentRule[];
}

/** A row of {@link rfmQuery} (the key column comes under its own name). */
export interface RfmRow {
  first_purchase: string;
  last_purchase: string;
  recency_days: number;
  frequency: number;
  monetary: number;
  revenue: number;
  /** Only when a margin column is given. */
  margin?: number;
  r_score: number;
  f_score: number;
  m_score: number;
  rfm_code: string;
  segment: string | null;
}

const GRID: readonly [RfmSegmentName, [number, number], [number, number]][] = [
  ['Champions', [5, 5], [4, 5]],
  ['Loyal', [3, 4], [4, 5]],
  ['Potential loyalists', [4, 5], [2, 3]],
  ['New', [5, 5], [1, 1]],
  ['Promising', [4, 4], [1, 1]],
  ['Need attention', [3, 3], [3, 3]],
  ['About to sleep', [3, 3], [1, 2]],
  ['At risk', [1, 2], [3, 4]],
  ["Can't lose them", [1, 2], [5, 5]],
  ['Hibernating', [2, 2], [1, 2]],
  ['Lost', [1, 1], [1, 2]]
];

/** The default segment names in German and English. */
export const RFM_SEGMENT_LABELS: Record<'de' | 'en', Record<RfmSegmentName, string>> = {
  de: {
    Champions: 'Champions',
    Loyal: 'Treue Kunden',
    'Potential loyalists': 'Potenziell treue Kunden',
    New: 'Neukunden',
    Promising: 'Vielversprechend',
    'Need attention': 'Brauchen Aufmerksamkeit',
    'About to sleep': 'Drohen einzuschlafen',
    'At risk': 'Gefährdet',
    "Can't lose them": 'Nicht verlieren',
    Hibernating: 'Schlafend',
    Lost: 'Verloren'
  },
  en: Object.fromEntries(GRID.map(([name]) => [name, name])) as Record<RfmSegmentName, string>
};

/**
 * The default R×F segment map, named in a locale. It is the widely used R×F map (Champions r 5 f 4–5,
 * Loyal r 3–4 f 4–5, Potential loyalists r 4–5 f 2–3, New r 5 f 1, Promising r 4 f 1, Need attention
 * r 3 f 3, About to sleep r 3 f 1–2, At risk r 1–2 f 3–4, Can't lose them r 1–2 f 5) with its
 * Hibernating block r 1–2 f 1–2 split into Hibernating (r 2) and Lost (r 1); every one of the 25 cells
 * belongs to exactly one segment.
 * @param locale the language of the names (default `en`)
 */
export function defaultRfmSegments(locale: 'de' | 'en' = 'en'): RfmSegmentRule[] {
  return GRID.map(([name, r, f]) => ({ name: RFM_SEGMENT_LABELS[locale][name], r, f }));
}

/** The default R×F segment map with English names (see {@link defaultRfmSegments}). */
export const DEFAULT_RFM_SEGMENTS: readonly RfmSegmentRule[] = defaultRfmSegments('en');

/** One cell of the R×F grid and the segments whose rules cover it. */
export interface RfmGridCoverage {
  r: number;
  f: number;
  /** Names of the matching rules in list order; the first is the cell's segment. */
  segments: string[];
}

/**
 * Which rules cover each of the 25 R×F cells (r 5 … 1, then f 1 … 5), to show gaps (no rule: the
 * segment is NULL) and overlaps (more than one: the first wins) of an edited map.
 * @param segments the segment map
 */
export function rfmSegmentCoverage(segments: readonly RfmSegmentRule[]): RfmGridCoverage[] {
  checkSegments(segments);
  const inside = (x: number, [lo, hi]: readonly [number, number]) => x >= lo && x <= hi;
  const cells: RfmGridCoverage[] = [];
  for (let r = 5; r >= 1; r--) {
    for (let f = 1; f <= 5; f++) {
      cells.push({ r, f, segments: segments.filter((s) => inside(r, s.r) && inside(f, s.f)).map((s) => s.name) });
    }
  }
  return cells;
}

function checkSegments(segments: readonly RfmSegmentRule[]): void {
  segments.forEach((s, i) => {
    if (s.name.trim() === '') throw new NoteError(note('rfmSegmentUnnamed', { n: i + 1 }));
    for (const field of ['r', 'f'] as const) {
      const [lo, hi] = s[field];
      const score = (x: number) => Number.isInteger(x) && x >= 1 && x <= 5;
      if (!score(lo) || !score(hi) || lo > hi) throw new NoteError(note('rfmSegmentScores', { n: i + 1, name: s.name, field, range: `[${lo}, ${hi}]` }));
    }
  });
}

function checkBreakpoints(values: readonly number[], what: 'recency' | 'frequency' | 'monetary'): void {
  const ascending = values.every((v, i) => Number.isFinite(v) && (i === 0 || v > values[i - 1]));
  if (values.length !== 4 || !ascending) throw new NoteError(note('rfmBreakpoints', { what, values: `[${values.join(', ')}]` }));
}

/**
 * A `YYYY-MM-DD` string as a DATE expression.
 * @param value the date
 * @param what names the setting in the error: the reference date of an RFM cell, a KPI board or a cohort table
 * @throws NoteError when it is not a valid calendar date
 */
export function dateLiteral(value: string, what: 'rfm' | 'kpis' | 'cohort'): SqlFragment {
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  if (!valid) throw new NoteError(note('referenceDateFormat', { what, value }));
  return sql`CAST(${lit(value)} AS DATE)`;
}

/**
 * A money column as an exact DECIMAL(38,6) (rounded to 10⁻⁶), so that its sums do not depend on the
 * order of addition; NaN and ±Infinity become NULL.
 * @param column the column (any numeric type)
 */
export function exactAmount(column: SqlFragment): SqlFragment {
  return sql`CASE WHEN isfinite(CAST(${column} AS DOUBLE)) THEN CAST(${column} AS DECIMAL(38, 6)) END`;
}

/** Output columns of `rfmQuery` besides the key. */
const RFM_COLUMNS = ['first_purchase', 'last_purchase', 'recency_days', 'frequency', 'monetary', 'revenue', 'margin', 'r_score', 'f_score', 'm_score', 'rfm_code', 'segment'];

/** Quintile score: 1 + ⌊5 (rank − 1) / n⌋, rank the minimum rank from worst to best. */
function quintile(value: SqlFragment, direction: SqlFragment): SqlFragment {
  return sql`CAST(1 + (5 * (rank() OVER (ORDER BY ${value} ${direction}) - 1)) // count(*) OVER () AS INTEGER)`;
}

/** Breakpoint score: 1 + the number of breakpoints the value reaches (recency: exceeds, counted down). */
function breakpoint(value: SqlFragment, limits: readonly number[], lowerIsBetter: boolean): SqlFragment {
  const hits = join(
    limits.map((b) => (lowerIsBetter ? sql`CAST(${value} > ${b} AS INTEGER)` : sql`CAST(${value} >= ${b} AS INTEGER)`)),
    ' + '
  );
  return lowerIsBetter ? sql`CAST(5 - (${hits}) AS INTEGER)` : sql`CAST(1 + ${hits} AS INTEGER)`;
}

function segmentCase(segments: readonly RfmSegmentRule[]): SqlFragment {
  if (segments.length === 0) return sql`CAST(NULL AS VARCHAR)`;
  const whens = segments.map(
    (s) => sql`WHEN r_score BETWEEN ${s.r[0]} AND ${s.r[1]} AND f_score BETWEEN ${s.f[0]} AND ${s.f[1]} THEN ${lit(s.name)}`
  );
  return sql`CASE ${join(whens, ' ')} END`;
}

/**
 * Per customer RFM values, scores and segment, one row per customer with a purchase on or before the
 * reference date, ordered by key. Rows with a NULL key or date are left out, and, when an order id is
 * given, rows with a NULL order id. Amounts are summed exactly (see the module note); a NULL amount
 * adds nothing.
 *
 * Columns: the key (under its own name); `first_purchase`, `last_purchase` (DATE); `recency_days`
 * (INTEGER, reference date − last purchase day, 0 for a purchase on the reference date);
 * `frequency` (DOUBLE: distinct order ids, or distinct purchase days without an order id);
 * `monetary` (DOUBLE: `revenue`, or `revenue / frequency` for `mean_per_order`); `revenue` (DOUBLE,
 * total amount); `margin` (DOUBLE, total margin; only with a margin column); `r_score`, `f_score`,
 * `m_score` (INTEGER 1–5, 5 = most recent, most frequent, highest value); `rfm_code` (VARCHAR, e.g.
 * `545`); `segment` (VARCHAR, the first matching rule's name; NULL when no rule matches).
 *
 * Quintile scores use the rank of each customer's value from worst to best (recency descending,
 * frequency and monetary ascending) with ties sharing the lowest rank (SQL `rank()`): score =
 * 1 + ⌊5 (rank − 1) / n⌋ for n customers. Customers with equal values therefore always share a
 * score, a large tie group takes the score of its first member (so with 40 % single-purchase
 * customers, all of them score F = 1 and the next frequency scores 3), and a lone customer scores 1.
 * Breakpoint scores follow {@link RfmScoring}.
 * @param config the transactions table, its columns and the RFM settings
 * @throws NoteError on an invalid date, breakpoints, segment rule, or a key named like an output column
 */
export function rfmQuery(config: RfmConfig): SqlFragment {
  const ref = dateLiteral(config.referenceDate, 'rfm');
  const segments = config.segments ?? DEFAULT_RFM_SEGMENTS;
  checkSegments(segments);
  if (RFM_COLUMNS.includes(config.key)) throw new NoteError(note('outputColumnKey', { key: config.key, what: 'rfm' }));
  const { scoring } = config;
  if (scoring.kind === 'breakpoints') {
    checkBreakpoints(scoring.recency, 'recency');
    checkBreakpoints(scoring.frequency, 'frequency');
    checkBreakpoints(scoring.monetary, 'monetary');
  }
  const day = sql`CAST(${ident(config.date)} AS DATE)`;
  const order = config.orderId === undefined ? null : ident(config.orderId);
  const columns = [sql`${ident(config.key)} AS k`, sql`${day} AS d`, sql`${exactAmount(ident(config.amount))} AS a`];
  const filters = [sql`${ident(config.key)} IS NOT NULL`, sql`${day} IS NOT NULL`, sql`${day} <= ${ref}`];
  if (order) {
    columns.push(sql`${order} AS o`);
    filters.push(sql`${order} IS NOT NULL`);
  }
  const withMargin = config.margin !== undefined;
  if (withMargin) columns.push(sql`${exactAmount(ident(config.margin!))} AS mg`);
  const monetary = config.monetary === 'sum' ? sql`revenue` : sql`revenue / frequency`;
  const scores =
    scoring.kind === 'quintiles'
      ? [quintile(sql`recency_days`, sql`DESC`), quintile(sql`frequency`, sql`ASC`), quintile(sql`monetary`, sql`ASC`)]
      : [
          breakpoint(sql`recency_days`, scoring.recency, true),
          breakpoint(sql`frequency`, scoring.frequency, false),
          breakpoint(sql`monetary`, scoring.monetary, false)
        ];
  const marginOut = withMargin ? [sql`margin`] : [];
  return sql`WITH t AS (
  SELECT ${join(columns)} FROM ${ident(config.table)} WHERE ${join(filters, ' AND ')}
), p AS (
  SELECT k, min(d) AS d0, max(d) AS d1, sum(a) AS a${withMargin ? sql`, sum(mg) AS mg` : sql``}
  FROM t GROUP BY k, ${order ? sql`o` : sql`d`}
), c AS (
  SELECT k, min(d0) AS first_purchase, max(d1) AS last_purchase, CAST(count(*) AS DOUBLE) AS frequency,
    CAST(coalesce(sum(a), 0) AS DOUBLE) AS revenue${withMargin ? sql`, CAST(coalesce(sum(mg), 0) AS DOUBLE) AS margin` : sql``}
  FROM p GROUP BY k
), v AS (
  SELECT *, CAST(${ref} - last_purchase AS INTEGER) AS recency_days, ${monetary} AS monetary FROM c
), s AS (
  SELECT *, ${scores[0]} AS r_score, ${scores[1]} AS f_score, ${scores[2]} AS m_score FROM v
)
SELECT ${join([
    sql`k AS ${ident(config.key)}`,
    sql`first_purchase, last_purchase, recency_days, frequency, monetary, revenue`,
    ...marginOut,
    sql`r_score, f_score, m_score`,
    sql`CAST(r_score AS VARCHAR) || CAST(f_score AS VARCHAR) || CAST(m_score AS VARCHAR) AS rfm_code`,
    sql`${segmentCase(segments)} AS segment`
  ])}
FROM s
ORDER BY k`;
}

/** A row of {@link rfmGridQuery}. */
export interface RfmGridRow {
  r_score: number;
  f_score: number;
  customers: number;
  /** customers / all customers; null when there are none. */
  share: number | null;
  /** null for an empty cell. */
  mean_monetary: number | null;
  mean_recency_days: number | null;
  /** The cell's segment as the RFM result names it; null for an empty cell. */
  segment: string | null;
}

/**
 * The R×F heatmap: all 25 cells (r 5 … 1, then f 1 … 5), each with `customers` (DOUBLE), `share` of
 * all customers, `mean_monetary`, `mean_recency_days` and `segment` (NULL for an empty cell). Means
 * are ordered sums, the same on any number of threads.
 * @param input `rfm`: the RFM result (view or table name) with `r_score`, `f_score`, `monetary`,
 *   `recency_days` and `segment`
 */
export function rfmGridQuery(input: { rfm: string }): SqlFragment {
  return sql`WITH c AS (
  SELECT r_score, f_score, count(*) AS n, sum(CAST(monetary AS DOUBLE) ORDER BY monetary) AS m, sum(recency_days) AS rd, min(segment) AS segment
  FROM ${ident(input.rfm)} GROUP BY r_score, f_score
), t AS (
  SELECT count(*) AS n FROM ${ident(input.rfm)}
), g AS (
  SELECT CAST(r.r AS INTEGER) AS r_score, CAST(f.f AS INTEGER) AS f_score FROM range(1, 6) r(r) CROSS JOIN range(1, 6) f(f)
)
SELECT g.r_score, g.f_score, CAST(coalesce(c.n, 0) AS DOUBLE) AS customers, coalesce(c.n, 0) / nullif(t.n, 0) AS share,
  c.m / c.n AS mean_monetary, c.rd / c.n AS mean_recency_days, c.segment
FROM g LEFT JOIN c ON c.r_score = g.r_score AND c.f_score = g.f_score CROSS JOIN t
ORDER BY g.r_score DESC, g.f_score`;
}

/** A row of {@link rfmSegmentSummaryQuery}. */
export interface RfmSegmentSummaryRow {
  /** null for customers no rule matched. */
  segment: string | null;
  /** 0-based position in the segment map; null for a segment not in it. */
  position: number | null;
  customers: number;
  share: number | null;
  total_monetary: number;
  mean_monetary: number | null;
  total_revenue: number;
  /** total_revenue / all customers' revenue; null when that is 0. */
  revenue_share: number | null;
  mean_recency_days: number | null;
  mean_frequency: number | null;
}

/**
 * Per segment: `customers`, `share` of all customers, `total_monetary`, `mean_monetary`,
 * `total_revenue`, `revenue_share`, `mean_recency_days` and `mean_frequency` (sums are ordered, the
 * same on any number of threads). Every segment of the map is listed (empty ones with 0 customers)
 * in the map's order (`position`, a name listed twice counts at its first place), then segments of the
 * result not in the map by name, then customers without a segment.
 * @param input `rfm`: the RFM result (view or table name); `segments`: the map it was built with
 *   (default {@link DEFAULT_RFM_SEGMENTS})
 */
export function rfmSegmentSummaryQuery(input: { rfm: string; segments?: readonly RfmSegmentRule[] }): SqlFragment {
  const names = [...new Set((input.segments ?? DEFAULT_RFM_SEGMENTS).map((s) => s.name))];
  const order = names.length
    ? sql`SELECT * FROM (VALUES ${join(names.map((n, i) => sql`(${i}, ${lit(n)})`))}) o(position, segment)`
    : sql`SELECT CAST(NULL AS INTEGER) AS position, CAST(NULL AS VARCHAR) AS segment WHERE false`;
  const rfm = ident(input.rfm);
  return sql`WITH o AS (
  ${order}
), s AS (
  SELECT segment, count(*) AS n, sum(CAST(monetary AS DOUBLE) ORDER BY monetary) AS m, sum(CAST(revenue AS DOUBLE) ORDER BY revenue) AS rev,
    sum(recency_days) AS rd, sum(frequency) AS fr
  FROM ${rfm} GROUP BY segment
), t AS (
  SELECT count(*) AS n, sum(CAST(revenue AS DOUBLE) ORDER BY revenue) AS rev FROM ${rfm}
)
SELECT coalesce(s.segment, o.segment) AS segment, CAST(o.position AS INTEGER) AS position, CAST(coalesce(s.n, 0) AS DOUBLE) AS customers,
  coalesce(s.n, 0) / nullif(t.n, 0) AS share, coalesce(s.m, 0) AS total_monetary, s.m / s.n AS mean_monetary,
  coalesce(s.rev, 0) AS total_revenue, coalesce(s.rev, 0) / nullif(t.rev, 0) AS revenue_share,
  s.rd / s.n AS mean_recency_days, s.fr / s.n AS mean_frequency
FROM o FULL JOIN s ON o.segment = s.segment CROSS JOIN t
ORDER BY o.position NULLS LAST, s.segment NULLS LAST`;
}
