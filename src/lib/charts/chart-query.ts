/**
 * The SQL behind a chart cell: it turns the input view into exactly the rows the chart draws, so a
 * chart over 10M rows sends a few hundred rows to the page. Pure; every name is quoted with
 * `ident`, every number is spliced as a number.
 *
 * Determinism: the browser (DuckDB-WASM 1.4, one thread) and the runner (native DuckDB 1.5, many
 * threads) must write identical CSV. So row order is total (ties broken on every output column),
 * samples are systematic over a total order (no random sampling), and floating-point sums and means
 * are ordered aggregates (`sum(v ORDER BY v)`): a parallel `sum` of DOUBLEs depends on the
 * order threads finish and differs in the last bits from run to run. Sums of integers and DECIMALs
 * are exact, so they skip the sort when the input types are known.
 *
 * Output columns, by mark; `chartOutput(config)` gives the exact names. `<m>` is
 * `measureName(config)` (e.g. `sum_umsatz` or `count`); a documented name that equals a charted
 * field gets a suffix (`count_2`), and a field picked twice (x = colour) appears once.
 * - bar: `<x>`, [`<color>`], `<m>`: the top `BAR_LIMIT` x values by total measure, largest first;
 *   a NULL x is its own bar.
 * - line / area: `<x>`, [`<color>`], `<m>`, ordered by x (dates and timestamps stay typed); rows
 *   with a NULL x are left out; at most `LINE_LIMIT` rows.
 * - scatter: `<x>`, `<y>`, [`<color>`]: rows where x and y are not NULL; more than
 *   `SCATTER_LIMIT` of them are thinned to every k-th row in (x, y, colour) order.
 * - histogram: `bin_start`, `bin_end`, [`<color>`], `count` for `bins` equal-width bins over
 *   [min, max] of x (the last bin closed; empty bins included; NULL and non-finite x left out).
 * - boxplot: [`<x>`], `n`, `min`, `q1`, `median`, `q3`, `max`, `lower`, `upper` per x group (the
 *   `GROUP_LIMIT` largest groups): quartiles by linear interpolation (`quantile_cont`), whiskers at
 *   the most extreme values within 1.5 IQR of the box; NULL and non-finite values left out.
 * - heatmap: `<x>`, `<y>`, `<m>` for the top `GROUP_LIMIT` x and y categories by row count; the
 *   measure aggregates the `color` field (or counts rows).
 *
 * NULLs: a NULL category (x of bar, box plot and heatmap, y of heatmap, colour) is a group of its
 * own; a NULL measure value is ignored by the aggregate (`count` counts rows). A colour field keeps
 * its `SERIES_LIMIT` most frequent values; rows of other colours are left out.
 */
import type { ChartAggregate, ChartConfig } from '../notebook/model';
import { ident, join, sql, SqlFragment } from '../sql/quote';

/** Most bars a bar chart draws. */
export const BAR_LIMIT = 50;
/** Most points a scatter plot draws. */
export const SCATTER_LIMIT = 5000;
/** Most points a line or area chart draws. */
export const LINE_LIMIT = 10_000;
/** Most groups of a box plot, and categories per axis of a heatmap. */
export const GROUP_LIMIT = 30;
/** Most colours (series) a chart draws. */
export const SERIES_LIMIT = 20;
/** Histogram bins when the config sets none. */
export const DEFAULT_BINS = 30;
/** Most histogram bins. */
export const MAX_BINS = 1000;

/** A column of a result: its name and DuckDB type. */
export interface ChartColumn {
  name: string;
  type: string;
}

/** Statistics columns of histograms and box plots. */
export type ChartStat = 'bin_start' | 'bin_end' | 'count' | 'n' | 'min' | 'q1' | 'median' | 'q3' | 'max' | 'lower' | 'upper';

/** The output column names of a chart's query, by role. */
export interface ChartOutput {
  /** The x field (box plot: the group). */
  x?: string;
  /** The y field (scatter, heatmap); equals `x` when the same field is on both axes. */
  y?: string;
  /** The series field. */
  color?: string;
  /** The aggregated measure (bar, line, area, heatmap). */
  measure?: string;
  /** Histogram and box-plot statistics. */
  stats: Partial<Record<ChartStat, string>>;
}

const HISTOGRAM_STATS: ChartStat[] = ['bin_start', 'bin_end', 'count'];
const BOXPLOT_STATS: ChartStat[] = ['n', 'min', 'q1', 'median', 'q3', 'max', 'lower', 'upper'];

/**
 * The aggregate a chart applies: the configured one, else `sum` when there is a measure field,
 * else `count`.
 * @param config the chart
 */
export function aggregateOf(config: ChartConfig): ChartAggregate {
  const field = measureField(config);
  return config.aggregate ?? (field ? 'sum' : 'count');
}

/**
 * The field the measure aggregates: `color` for heatmaps, `y` otherwise.
 * @param config the chart
 */
export function measureField(config: ChartConfig): string | undefined {
  return config.mark === 'heatmap' ? config.color : config.y;
}

/**
 * The base name of the aggregated measure column: `count`, or `<aggregate>_<field>`. See
 * `chartOutput` for the name after collisions are resolved.
 * @param config the chart
 */
export function measureName(config: ChartConfig): string {
  const field = measureField(config);
  const agg = aggregateOf(config);
  return agg === 'count' || !field ? 'count' : `${agg}_${field}`;
}

function unique(base: string, taken: Set<string | undefined>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/**
 * The names of the columns `chartQuery` returns, by role (see the module documentation).
 * @param config the chart
 */
export function chartOutput(config: ChartConfig): ChartOutput {
  const { x, y } = config;
  const stats: ChartOutput['stats'] = {};
  const statNames = (names: ChartStat[], taken: Set<string | undefined>) => {
    for (const s of names) stats[s] = unique(s, taken);
  };
  switch (config.mark) {
    case 'bar':
    case 'line':
    case 'area': {
      const color = config.color !== x ? config.color : undefined;
      return { x, color, measure: unique(measureName(config), new Set([x, color])), stats };
    }
    case 'scatter': {
      const color = config.color !== x && config.color !== y ? config.color : undefined;
      return { x, y, color, stats };
    }
    case 'histogram': {
      const color = config.color !== x ? config.color : undefined;
      statNames(HISTOGRAM_STATS, new Set([color]));
      return { x, color, stats };
    }
    case 'boxplot':
      statNames(BOXPLOT_STATS, new Set([x]));
      return { x, y, stats };
    case 'heatmap':
      return { x, y, measure: unique(measureName(config), new Set([x, y])), stats };
  }
}

/**
 * The SQL that aggregates the input view into the chart's rows (see the module documentation).
 * @param config what the chart draws (fields must exist; see `checkChart`)
 * @param input the view (or table) holding the charted result
 * @param columns the input's columns, if known: integer and DECIMAL sums then skip the sort that
 *   makes floating-point sums deterministic (the rows are the same either way)
 */
export function chartQuery(config: ChartConfig, input: string, columns?: ChartColumn[]): string {
  const q = new Query(config, input, columns);
  switch (config.mark) {
    case 'bar':
      return String(q.bar());
    case 'line':
    case 'area':
      return String(q.line());
    case 'scatter':
      return String(q.scatter());
    case 'histogram':
      return String(q.histogram());
    case 'boxplot':
      return String(q.boxplot());
    case 'heatmap':
      return String(q.heatmap());
  }
}

const EMPTY = new SqlFragment('');
/** Internal column names; outputs never use them. */
const V = ident('__seglab_v');
const N = ident('__seglab_n');
const I = ident('__seglab_i');
const RANK = ident('__seglab_rank');

function need(field: string | undefined, what: string): string {
  if (!field) throw new Error(`The chart needs ${what}.`);
  return field;
}

function list(parts: (SqlFragment | undefined)[]): SqlFragment {
  return join(parts.filter((p): p is SqlFragment => p !== undefined));
}

function nullsLast(parts: (SqlFragment | undefined)[], prefix = EMPTY): SqlFragment {
  return list(parts.map((p) => p && sql`${prefix}${p} NULLS LAST`));
}

class Query {
  readonly out: ChartOutput;
  readonly from: SqlFragment;

  constructor(
    readonly config: ChartConfig,
    input: string,
    readonly columns?: ChartColumn[]
  ) {
    this.out = chartOutput(config);
    this.from = ident(input);
  }

  /** `WITH src AS (…)`: the input, restricted to the `SERIES_LIMIT` most frequent colours. */
  source(color: string | undefined): SqlFragment {
    if (!color) return sql`src AS (SELECT * FROM ${this.from})`;
    const c = ident(color);
    return sql`series AS (
  SELECT ${c} FROM ${this.from} GROUP BY ALL ORDER BY count(*) DESC, ${c} NULLS LAST LIMIT ${SERIES_LIMIT}
), src AS (
  SELECT s.* FROM ${this.from} s JOIN series ON s.${c} IS NOT DISTINCT FROM series.${c}
)`;
  }

  /** True when `field` is known to hold integers or DECIMALs, whose sums are exact in any order. */
  exact(field: string): boolean {
    const type = this.columns?.find((c) => c.name === field)?.type.toUpperCase();
    return type !== undefined && /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|DECIMAL)/.test(type);
  }

  measure(): SqlFragment {
    const field = measureField(this.config);
    const agg = aggregateOf(this.config);
    if (agg === 'count' || !field) return sql`count(*)`;
    const f = ident(field);
    const order = this.exact(field) ? EMPTY : sql` ORDER BY ${f}`;
    switch (agg) {
      case 'sum':
        return sql`CAST(sum(${f}${order}) AS DOUBLE)`;
      case 'mean':
        return sql`CAST(avg(${f}${order}) AS DOUBLE)`;
      case 'median':
        return sql`CAST(quantile_cont(${f}, 0.5) AS DOUBLE)`;
      case 'min':
        return sql`CAST(min(${f}) AS DOUBLE)`;
      case 'max':
        return sql`CAST(max(${f}) AS DOUBLE)`;
      case 'distinct':
        return sql`count(DISTINCT ${f})`;
    }
  }

  bar(): SqlFragment {
    const x = ident(need(this.out.x, 'an x field'));
    const c = this.out.color ? ident(this.out.color) : undefined;
    const m = ident(this.out.measure!);
    return sql`WITH ${this.source(this.out.color)}, a AS (
  SELECT ${list([x, c])}, ${this.measure()} AS ${m}
  FROM src
  GROUP BY ALL
), t AS (
  SELECT ${x}, row_number() OVER (ORDER BY sum(${m} ORDER BY ${m}) DESC NULLS LAST, ${x} NULLS LAST) AS ${RANK}
  FROM a
  GROUP BY ${x}
)
SELECT ${list([x, c, m].map((p) => p && sql`a.${p}`))}
FROM a JOIN t ON a.${x} IS NOT DISTINCT FROM t.${x}
WHERE t.${RANK} <= ${BAR_LIMIT}
ORDER BY ${list([sql`t.${RANK}`, c && sql`a.${c} NULLS LAST`])}`;
  }

  line(): SqlFragment {
    const x = ident(need(this.out.x, 'an x field'));
    const c = this.out.color ? ident(this.out.color) : undefined;
    const m = ident(this.out.measure!);
    return sql`WITH ${this.source(this.out.color)}
SELECT ${list([x, c])}, ${this.measure()} AS ${m}
FROM src
WHERE ${x} IS NOT NULL
GROUP BY ALL
ORDER BY ${nullsLast([x, c])}
LIMIT ${LINE_LIMIT}`;
  }

  scatter(): SqlFragment {
    const x = ident(need(this.out.x, 'an x field'));
    const y = ident(need(this.out.y, 'a y field'));
    const cols = this.out.y === this.out.x ? [x] : [x, y];
    if (this.out.color) cols.push(ident(this.out.color));
    return sql`WITH ${this.source(this.out.color)}, p AS (
  SELECT ${list(cols)}, row_number() OVER (ORDER BY ${nullsLast(cols)}) AS ${RANK}, count(*) OVER () AS ${N}
  FROM src
  WHERE ${x} IS NOT NULL AND ${y} IS NOT NULL
)
SELECT ${list(cols)}
FROM p
WHERE (${RANK} - 1) % greatest(1, CAST(ceil(${N} / ${SCATTER_LIMIT}.0) AS BIGINT)) = 0
ORDER BY ${RANK}
LIMIT ${SCATTER_LIMIT}`;
  }

  histogram(): SqlFragment {
    const x = ident(need(this.out.x, 'an x field'));
    const bins = Math.max(1, Math.min(MAX_BINS, Math.floor(Number.isFinite(this.config.bins) ? this.config.bins! : DEFAULT_BINS)));
    const c = this.out.color ? ident(this.out.color) : undefined;
    const s = this.out.stats;
    const colors = c ? sql`\n  CROSS JOIN (SELECT DISTINCT ${c} FROM v) c` : EMPTY;
    const onColor = c ? sql` AND b.${c} IS NOT DISTINCT FROM c.${c}` : EMPTY;
    return sql`WITH ${this.source(this.out.color)}, v AS (
  SELECT ${list([sql`CAST(${x} AS DOUBLE) AS ${V}`, c])} FROM src WHERE ${x} IS NOT NULL AND isfinite(CAST(${x} AS DOUBLE))
), r AS (
  SELECT min(${V}) AS lo, max(${V}) AS hi, CASE WHEN max(${V}) > min(${V}) THEN ${bins} ELSE 1 END AS k FROM v
), w AS (
  SELECT lo, hi, k, CASE WHEN hi > lo THEN (hi - lo) / k ELSE 1.0 END AS width FROM r WHERE lo IS NOT NULL
), b AS (
  SELECT ${list([sql`least(w.k - 1, CAST(floor((v.${V} - w.lo) / w.width) AS BIGINT)) AS ${I}`, c && sql`v.${c}`])}, count(*) AS ${N}
  FROM v, w
  GROUP BY ALL
)
SELECT w.lo + t.${I} * w.width AS ${ident(s.bin_start!)},
  CASE WHEN t.${I} = w.k - 1 AND w.hi > w.lo THEN w.hi ELSE w.lo + (t.${I} + 1) * w.width END AS ${ident(s.bin_end!)},
  ${c ? sql`c.${c}, ` : EMPTY}coalesce(b.${N}, 0) AS ${ident(s.count!)}
FROM w CROSS JOIN range(${bins}) t(${I})${colors}
LEFT JOIN b ON b.${I} = t.${I}${onColor}
WHERE t.${I} < w.k
ORDER BY ${list([sql`t.${I}`, c && sql`c.${c} NULLS LAST`])}`;
  }

  boxplot(): SqlFragment {
    const y = ident(need(this.out.y, 'a numeric y field'));
    const g = this.out.x ? ident(this.out.x) : undefined;
    const s = Object.fromEntries(BOXPLOT_STATS.map((k) => [k, ident(this.out.stats[k]!)])) as Record<(typeof BOXPLOT_STATS)[number], SqlFragment>;
    const on = g ? sql`v.${g} IS NOT DISTINCT FROM q.${g}` : sql`true`;
    const iqr = sql`(q.${s.q3} - q.${s.q1})`;
    return sql`WITH v AS (
  SELECT ${list([g, sql`CAST(${y} AS DOUBLE) AS ${V}`])} FROM ${this.from} WHERE ${y} IS NOT NULL AND isfinite(CAST(${y} AS DOUBLE))
), q AS (
  SELECT ${g ? sql`${g}, ` : EMPTY}count(*) AS ${s.n}, min(${V}) AS ${s.min}, quantile_cont(${V}, 0.25) AS ${s.q1},
    quantile_cont(${V}, 0.5) AS ${s.median}, quantile_cont(${V}, 0.75) AS ${s.q3}, max(${V}) AS ${s.max}
  FROM v
  GROUP BY ALL
  ORDER BY ${list([sql`${s.n} DESC`, g && sql`${g} NULLS LAST`])}
  LIMIT ${GROUP_LIMIT}
)
SELECT ${list([g && sql`q.${g}`, ...[s.n, s.min, s.q1, s.median, s.q3, s.max].map((k) => sql`q.${k}`)])},
  min(v.${V}) FILTER (WHERE v.${V} >= q.${s.q1} - 1.5 * ${iqr}) AS ${s.lower},
  max(v.${V}) FILTER (WHERE v.${V} <= q.${s.q3} + 1.5 * ${iqr}) AS ${s.upper}
FROM q JOIN v ON ${on}
GROUP BY ALL
ORDER BY ${list([sql`q.${s.n} DESC`, g && sql`q.${g} NULLS LAST`])}`;
  }

  heatmap(): SqlFragment {
    const x = ident(need(this.out.x, 'an x field'));
    const y = ident(need(this.out.y, 'a y field'));
    const m = ident(this.out.measure!);
    const top = (f: SqlFragment) => sql`SELECT ${f} FROM ${this.from} GROUP BY ALL ORDER BY count(*) DESC, ${f} NULLS LAST LIMIT ${GROUP_LIMIT}`;
    const dims = this.out.y === this.out.x ? [x] : [x, y];
    return sql`WITH tx AS (
  ${top(x)}
), ty AS (
  ${top(y)}
), src AS (
  SELECT s.* FROM ${this.from} s
  JOIN tx ON s.${x} IS NOT DISTINCT FROM tx.${x}
  JOIN ty ON s.${y} IS NOT DISTINCT FROM ty.${y}
)
SELECT ${list(dims)}, ${this.measure()} AS ${m}
FROM src
GROUP BY ALL
ORDER BY ${nullsLast(dims)}`;
  }
}
