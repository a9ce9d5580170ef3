/**
 * SQL of the A/B test cell: the sufficient statistics (count, sum and sum of squares of the outcome
 * per arm, over all rows and per segment) in one query, and the read-out table as a literal view.
 * Pure; every name goes through `ident`, every value through `lit`. The tests themselves are in
 * `analysis/abtest.ts`.
 */
import type { AbTestRow } from '../analysis/abtest';
import { ident, join, lit, sql, type SqlFragment } from './quote';

/** Where the segments of the breakdown come from. */
export type AbSegments =
  | { kind: 'column'; column: string }
  /** A segmentation's result (`segment` column) joined on `key`, which both tables have. */
  | { kind: 'table'; table: string; key: string };

/** Inputs of {@link abTestStatsQuery}. */
export interface AbTestStatsConfig {
  /** One row per unit (customer) of the test. */
  table: string;
  /** The assignment column (control or a variant); compared as text. */
  arm: string;
  outcome: string;
  metric: 'binary' | 'numeric';
  /**
   * Binary only: the outcome's text that counts as converted (`ja`, `yes`). Without it a row converts
   * when its outcome is true or a number other than 0.
   */
  positive?: string;
  segments?: AbSegments;
}

/** A row of {@link abTestStatsQuery}. */
export interface AbStatsRow {
  /** `true` for the rows over the whole table, `false` for the breakdown. */
  overall: boolean;
  /** The segment (as text); NULL on overall rows. */
  segment: string | null;
  arm: string;
  n: number;
  /** Σ(y − shift): conversions for a binary outcome (shift 0). */
  total: number;
  /** Σ(y − shift)². */
  total_sq: number;
  shift: number;
}

/**
 * Count, Σ(y − c) and Σ(y − c)² of the outcome y per arm, over all rows (`overall`) and per segment,
 * in one query. y is 1 / 0 for a binary outcome (c = 0), the value for a numeric one (c = the mean
 * of all rows, so the variance does not cancel away). Rows with a NULL arm or outcome, or a
 * non-finite numeric outcome, are left out; so are rows without a segment from the breakdown (not
 * from the overall rows). A unit in several segments (an overlapping segmentation) counts in each.
 * Ordered: overall rows first, then by segment, then arm.
 * @param config table, columns, metric and segments
 */
export function abTestStatsQuery(config: AbTestStatsConfig): SqlFragment {
  const outcome = sql`t.${ident(config.outcome)}`;
  const y =
    config.metric === 'numeric'
      ? sql`CAST(${outcome} AS DOUBLE)`
      : config.positive !== undefined
        ? sql`CASE WHEN CAST(${outcome} AS VARCHAR) = ${lit(config.positive)} THEN 1.0 ELSE 0.0 END`
        : sql`CASE WHEN CAST(${outcome} AS DOUBLE) <> 0 THEN 1.0 ELSE 0.0 END`;
  const finite = config.metric === 'numeric' ? sql` AND isfinite(CAST(${outcome} AS DOUBLE))` : sql``;
  const seg = config.segments;
  const segment = seg?.kind === 'column' ? sql`, CAST(t.${ident(seg.column)} AS VARCHAR) AS segment` : sql``;
  const key = seg?.kind === 'table' ? sql`, t.${ident(seg.key)} AS k` : sql``;
  const shift = config.metric === 'numeric' ? sql`(SELECT coalesce(avg(y), 0) FROM obs)` : sql`0.0`;
  const moments = sql`count(*)::DOUBLE AS n, sum(y - c.shift) AS total, sum((y - c.shift) * (y - c.shift)) AS total_sq, any_value(c.shift) AS shift`;
  const breakdown =
    seg === undefined
      ? sql``
      : seg.kind === 'column'
        ? sql`
UNION ALL
SELECT FALSE, segment, arm, ${moments} FROM obs, c WHERE segment IS NOT NULL GROUP BY segment, arm`
        : sql`
UNION ALL
SELECT FALSE, s.segment, obs.arm, ${moments}
FROM obs JOIN (SELECT DISTINCT ${ident(seg.key)} AS k, CAST("segment" AS VARCHAR) AS segment FROM ${ident(seg.table)}) AS s ON s.k = obs.k, c
WHERE s.segment IS NOT NULL GROUP BY s.segment, obs.arm`;
  return sql`WITH obs AS (
  SELECT CAST(t.${ident(config.arm)} AS VARCHAR) AS arm, ${y} AS y${segment}${key}
  FROM ${ident(config.table)} AS t
  WHERE t.${ident(config.arm)} IS NOT NULL AND ${outcome} IS NOT NULL${finite}
), c AS (SELECT ${shift} AS shift)
SELECT * FROM (
SELECT TRUE AS overall, CAST(NULL AS VARCHAR) AS segment, arm, ${moments} FROM obs, c GROUP BY arm${breakdown}
) ORDER BY overall DESC, segment, arm`;
}

/** Columns of the read-out view, in order; `rate` and `conversions` are `mean` and `sd` for a numeric outcome. */
export function abTestColumns(metric: 'binary' | 'numeric'): string[] {
  const [count, value] = metric === 'binary' ? ['conversions', 'rate'] : ['sd', 'mean'];
  return ['segment', 'arm', 'n', count, value, 'difference', 'relative_difference', 'ci_low', 'ci_high', 'p', 'p_holm', 'mde', 'warning'];
}

/** Significant digits the read-out keeps: JavaScript engines differ in the last bits of `exp` / `log`. */
export const AB_DIGITS = 10;

function num(x: number | null): SqlFragment {
  return x === null || !Number.isFinite(x) ? sql`CAST(NULL AS DOUBLE)` : sql`CAST(${Number(x.toPrecision(AB_DIGITS))} AS DOUBLE)`;
}

/**
 * The read-out as a query over literal rows, in the rows' order, with the columns of
 * `abTestColumns`: `segment` (the overall rows say `overallLabel`), `arm`, `n`, conversions or sd,
 * rate or mean, difference, relative_difference, ci_low, ci_high, p, p_holm, mde (DOUBLE, rounded
 * to `AB_DIGITS` significant digits; NULL on control rows) and `warning` (the warning codes joined
 * by `,`; NULL when none).
 * @param rows the table of `abTestTable`
 * @param metric binary or numeric
 * @param overallLabel the segment text of the overall rows (in the notebook's language)
 * @throws RangeError when there are no rows
 */
export function abTestResultQuery(rows: readonly AbTestRow[], metric: 'binary' | 'numeric', overallLabel: string): SqlFragment {
  const names = join(['ord', ...abTestColumns(metric)].map((c) => ident(c)));
  if (!rows.length) throw new RangeError('An A/B test read-out has at least one row');
  const values = rows.map(
    (r, i) =>
      sql`(${i}, ${lit(r.segment ?? overallLabel)}, ${lit(r.arm)}, ${num(r.n)}, ${num(metric === 'binary' ? r.conversions : r.sd)}, ${join([r.value, r.difference, r.relative, r.low, r.high, r.p, r.pHolm, r.mde].map(num))}, ${r.warnings.length ? lit(r.warnings.join(',')) : sql`CAST(NULL AS VARCHAR)`})`
  );
  return sql`SELECT * EXCLUDE (ord) FROM (VALUES ${join(values, ',\n')}) AS t(${names}) ORDER BY ord`;
}

/**
 * The distinct non-NULL values of a column as text (`v`), sorted, at most `limit`: the arms of an
 * assignment column, the event types of a KPI board.
 * @param table the table
 * @param column the column
 * @param limit most values returned
 */
export function distinctTextQuery(table: string, column: string, limit = 50): SqlFragment {
  return sql`SELECT DISTINCT CAST(${ident(column)} AS VARCHAR) AS v FROM ${ident(table)} WHERE ${ident(column)} IS NOT NULL ORDER BY v LIMIT ${limit}`;
}
