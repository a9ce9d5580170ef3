/**
 * The SQL behind a chart cell: it turns the input view into exactly the rows the chart draws, so a
 * chart over 10M rows sends a few hundred rows to the page. Pure; every name is quoted with
 * `ident`, every number is spliced as a number. Row order is total (ties broken on every output
 * column), so the browser and the runner write identical files, and only portable functions are
 * used (DuckDB-WASM 1.4 and native 1.5 give the same rows).
 *
 * Output columns, by mark (`<m>` is `measureName(config)`, e.g. `sum_umsatz` or `count`):
 * - bar: `<x>`, [`<color>`], `<m>`: top `BAR_LIMIT` x values by their total measure; a NULL x is
 *   its own bar.
 * - line / area: `<x>`, [`<color>`], `<m>`, ordered by x; rows with a NULL x are left out.
 * - scatter: `<x>`, `<y>`, [`<color>`]: every row with both values, or an even systematic sample of
 *   `SCATTER_LIMIT` rows in (x, y, color) order when there are more.
 * - histogram: `bin_start`, `bin_end`, `count` for `bins` equal-width bins over [min, max] of x
 *   (empty bins included; NULL and non-finite values left out).
 * - boxplot: [`<x>`], `n`, `min`, `q1`, `median`, `q3`, `max`, `lower`, `upper` per x group (top
 *   `GROUP_LIMIT` by size): quartiles by linear interpolation (`quantile_cont`), whiskers at the
 *   most extreme values within 1.5 IQR of the box.
 * - heatmap: `<x>`, `<y>`, `<m>`: the top `GROUP_LIMIT` x and y categories by row count; the
 *   measure aggregates the `color` field (or counts rows).
 */
import type { ChartAggregate, ChartConfig } from '../notebook/model';
import { ident, join, sql, type SqlFragment } from '../sql/quote';

/** Most bars a bar chart draws. */
export const BAR_LIMIT = 50;
/** Most points a scatter plot draws. */
export const SCATTER_LIMIT = 5000;
/** Most points a line or area chart draws. */
export const LINE_LIMIT = 10_000;
/** Most groups of a box plot, and categories per axis of a heatmap. */
export const GROUP_LIMIT = 30;
/** Histogram bins when the config sets none. */
export const DEFAULT_BINS = 30;

/**
 * The name of the aggregated measure column: `count`, or `<aggregate>_<field>`.
 * @param config the chart
 */
export function measureName(config: ChartConfig): string {
  const field = config.mark === 'heatmap' ? config.color : config.y;
  const agg = aggregateOf(config);
  return agg === 'count' || !field ? 'count' : `${agg}_${field}`;
}

/**
 * The aggregate a chart applies: the configured one, else `sum` when there is a measure field,
 * else `count`.
 * @param config the chart
 */
export function aggregateOf(config: ChartConfig): ChartAggregate {
  const field = config.mark === 'heatmap' ? config.color : config.y;
  return config.aggregate ?? (field ? 'sum' : 'count');
}

/**
 * The SQL that aggregates the input view into the chart's rows.
 * @param config what the chart draws (fields must exist; see `checkChart`)
 * @param input the view (or table) holding the charted result
 */
export function chartQuery(config: ChartConfig, input: string): string {
  const from = ident(input);
  switch (config.mark) {
    case 'bar':
      return String(barQuery(config, from));
    case 'line':
    case 'area':
      return String(lineQuery(config, from));
    case 'scatter':
      return String(scatterQuery(config, from));
    case 'histogram':
      return String(histogramQuery(config, from));
    case 'boxplot':
      return String(boxplotQuery(config, from));
    case 'heatmap':
      return String(heatmapQuery(config, from));
  }
}

function need(field: string | undefined, what: string): string {
  if (!field) throw new Error(`The chart needs ${what}.`);
  return field;
}

function measure(config: ChartConfig, field: string | undefined): SqlFragment {
  const agg = aggregateOf(config);
  if (agg === 'count' || !field) return sql`count(*)`;
  const f = ident(field);
  switch (agg) {
    case 'sum':
      return sql`CAST(sum(${f}) AS DOUBLE)`;
    case 'mean':
      return sql`CAST(avg(${f}) AS DOUBLE)`;
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

function barQuery(config: ChartConfig, from: SqlFragment): SqlFragment {
  const x = ident(need(config.x, 'an x field'));
  const m = ident(measureName(config));
  const dims = config.color ? [x, ident(config.color)] : [x];
  const colorOrder = config.color ? sql`, a.${ident(config.color)} NULLS LAST` : sql``;
  return sql`WITH a AS (
  SELECT ${join(dims, ', ')}, ${measure(config, config.y)} AS ${m}
  FROM ${from}
  GROUP BY ALL
), t AS (
  SELECT ${x}, row_number() OVER (ORDER BY sum(${m}) DESC NULLS LAST, ${x} NULLS LAST) AS r
  FROM a
  GROUP BY ${x}
)
SELECT a.*
FROM a JOIN t ON a.${x} IS NOT DISTINCT FROM t.${x}
WHERE t.r <= ${BAR_LIMIT}
ORDER BY t.r${colorOrder}`;
}

function lineQuery(config: ChartConfig, from: SqlFragment): SqlFragment {
  const x = ident(need(config.x, 'an x field'));
  const m = ident(measureName(config));
  const dims = config.color ? [x, ident(config.color)] : [x];
  return sql`SELECT ${join(dims, ', ')}, ${measure(config, config.y)} AS ${m}
FROM ${from}
WHERE ${x} IS NOT NULL
GROUP BY ALL
ORDER BY ${join(
    dims.map((d) => sql`${d} NULLS LAST`),
    ', '
  )}
LIMIT ${LINE_LIMIT}`;
}

function scatterQuery(config: ChartConfig, from: SqlFragment): SqlFragment {
  const x = ident(need(config.x, 'an x field'));
  const y = ident(need(config.y, 'a y field'));
  const cols = config.color ? [x, y, ident(config.color)] : [x, y];
  const order = join(
    cols.map((c) => sql`${c} NULLS LAST`),
    ', '
  );
  return sql`WITH p AS (
  SELECT ${join(cols, ', ')}, row_number() OVER (ORDER BY ${order}) AS rn, count(*) OVER () AS n
  FROM ${from}
  WHERE ${x} IS NOT NULL AND ${y} IS NOT NULL
)
SELECT ${join(cols, ', ')}
FROM p
WHERE (rn - 1) % greatest(1, CAST(ceil(n / ${SCATTER_LIMIT}.0) AS BIGINT)) = 0
ORDER BY rn
LIMIT ${SCATTER_LIMIT}`;
}

function histogramQuery(config: ChartConfig, from: SqlFragment): SqlFragment {
  const x = ident(need(config.x, 'an x field'));
  const bins = Math.max(1, Math.min(1000, Math.floor(config.bins ?? DEFAULT_BINS)));
  return sql`WITH v AS (
  SELECT CAST(${x} AS DOUBLE) AS v FROM ${from} WHERE ${x} IS NOT NULL AND isfinite(CAST(${x} AS DOUBLE))
), r AS (
  SELECT min(v) AS lo, max(v) AS hi, CASE WHEN max(v) > min(v) THEN ${bins} ELSE 1 END AS k FROM v
), w AS (
  SELECT lo, hi, k, CASE WHEN hi > lo THEN (hi - lo) / k ELSE 1.0 END AS width FROM r WHERE lo IS NOT NULL
), b AS (
  SELECT least(w.k - 1, CAST(floor((v.v - w.lo) / w.width) AS BIGINT)) AS i, count(*) AS n
  FROM v, w
  GROUP BY ALL
)
SELECT w.lo + t.i * w.width AS bin_start,
  CASE WHEN t.i = w.k - 1 AND w.hi > w.lo THEN w.hi ELSE w.lo + (t.i + 1) * w.width END AS bin_end,
  coalesce(b.n, 0) AS count
FROM w CROSS JOIN range(${bins}) t(i)
LEFT JOIN b ON b.i = t.i
WHERE t.i < w.k
ORDER BY t.i`;
}

function boxplotQuery(config: ChartConfig, from: SqlFragment): SqlFragment {
  const y = ident(need(config.y, 'a numeric y field'));
  const g = config.x ? ident(config.x) : null;
  const group = g ? sql`${g}, ` : sql``;
  const on = g ? sql`v.${g} IS NOT DISTINCT FROM q.${g}` : sql`true`;
  const order = g ? sql`q.n DESC, q.${g} NULLS LAST` : sql`q.n DESC`;
  return sql`WITH v AS (
  SELECT ${group}CAST(${y} AS DOUBLE) AS v FROM ${from} WHERE ${y} IS NOT NULL AND isfinite(CAST(${y} AS DOUBLE))
), q AS (
  SELECT ${group}count(*) AS n, min(v) AS min, quantile_cont(v, 0.25) AS q1, quantile_cont(v, 0.5) AS median,
    quantile_cont(v, 0.75) AS q3, max(v) AS max
  FROM v
  GROUP BY ALL
  ORDER BY n DESC${g ? sql`, ${g} NULLS LAST` : sql``}
  LIMIT ${GROUP_LIMIT}
)
SELECT ${g ? sql`q.${g}, ` : sql``}q.n, q.min, q.q1, q.median, q.q3, q.max,
  min(v.v) FILTER (WHERE v.v >= q.q1 - 1.5 * (q.q3 - q.q1)) AS lower,
  max(v.v) FILTER (WHERE v.v <= q.q3 + 1.5 * (q.q3 - q.q1)) AS upper
FROM q JOIN v ON ${on}
GROUP BY ALL
ORDER BY ${order}`;
}

function heatmapQuery(config: ChartConfig, from: SqlFragment): SqlFragment {
  const x = ident(need(config.x, 'an x field'));
  const y = ident(need(config.y, 'a y field'));
  const m = ident(measureName(config));
  return sql`WITH tx AS (
  SELECT ${x} FROM ${from} GROUP BY ALL ORDER BY count(*) DESC, ${x} NULLS LAST LIMIT ${GROUP_LIMIT}
), ty AS (
  SELECT ${y} FROM ${from} GROUP BY ALL ORDER BY count(*) DESC, ${y} NULLS LAST LIMIT ${GROUP_LIMIT}
)
SELECT s.${x}, s.${y}, ${measure(config, config.color)} AS ${m}
FROM ${from} s
JOIN tx ON s.${x} IS NOT DISTINCT FROM tx.${x}
JOIN ty ON s.${y} IS NOT DISTINCT FROM ty.${y}
GROUP BY ALL
ORDER BY s.${x} NULLS LAST, s.${y} NULLS LAST`;
}
