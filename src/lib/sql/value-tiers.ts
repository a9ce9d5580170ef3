/**
 * Profitability tiers (the two-step method) and the concentration of value: first customers are
 * split into profitable and unprofitable by profit (value − cost to serve); among the unprofitable,
 * those whose potential (predicted CLV, a trend) is above a threshold are flagged. The profitable ones
 * are subdivided downstream by any segment rule or clustering cell on the tier table. The Lorenz /
 * Pareto curve and "top P % of customers bring V % of value" show how concentrated value is.
 * Pure; every name goes through `ident`, every value through `lit`.
 *
 * Negative values: every share of value is a share of the NET total (the sum of all customers'
 * values, losses included). With unprofitable customers the cumulative curve therefore rises above
 * 100 % and comes back to 100 % at the last customer (Kaplan's "whale curve" of customer
 * profitability), and the top 20 % may bring more than 100 % of the profit. When the net total is 0
 * or negative, shares are NULL. Values are summed exactly as DECIMAL(38,6) (see rfm.ts).
 */
import { VALUE_TIERS, type ValueTier } from '../notebook/model';
import { exactAmount } from './rfm';
import { ident, join, lit, sql, type SqlFragment } from './quote';
import { note, NoteError } from '../i18n/note';

/** The value of a customer: a value column, less a cost column when given. */
export interface ValueInput {
  /** One row per customer (e.g. an RFM or CLV result). */
  table: string;
  /** The value column (margin or revenue); NULL counts as 0. */
  value: string;
  /** The cost-to-serve column; profit = value − cost, NULL counts as 0. */
  cost?: string;
}

/** Inputs of {@link valueTierQuery}. */
export interface ValueTierConfig extends ValueInput {
  /** The customer key column. */
  key: string;
  /** Customers with profit strictly above this are profitable (default 0). */
  profitableAbove?: number;
  /** Unprofitable customers whose `column` is strictly above `above` have potential. */
  potential?: { column: string; above: number };
}

/** A row of {@link valueTierQuery} (the key column comes under its own name). */
export interface ValueTierRow {
  value: number;
  /** Only with a cost column. */
  cost?: number;
  profit: number;
  /** Only with a potential column. */
  potential?: number | null;
  tier: ValueTier;
}

const TIER_COLUMNS = ['value', 'cost', 'profit', 'potential', 'tier'];

function finiteNumber(x: number, what: 'profit' | 'potential'): number {
  if (!Number.isFinite(x)) throw new NoteError(note('tierThreshold', { what, value: String(x) }));
  return x;
}

/** value − cost per row as DOUBLE, NULLs read as 0. */
function profitOf(input: ValueInput): SqlFragment {
  const v = sql`coalesce(CAST(${ident(input.value)} AS DOUBLE), 0)`;
  return input.cost === undefined ? v : sql`${v} - coalesce(CAST(${ident(input.cost)} AS DOUBLE), 0)`;
}

/**
 * Each customer's tier, one row per row of the table, ordered by key: the key (under its own name),
 * `value`, `cost` (with a cost column), `profit` (value − cost), `potential` (with a potential column)
 * and `tier`: `profitable` when profit > `profitableAbove`; otherwise `unprofitable_potential` when
 * the potential column is above its threshold; otherwise `unprofitable` (also when the potential is
 * NULL). NULL values and costs count as 0. Join other columns back by key.
 * @param config the customer table, its columns and the thresholds
 * @throws NoteError on a non-finite threshold or a key named like an output column
 */
export function valueTierQuery(config: ValueTierConfig): SqlFragment {
  if (TIER_COLUMNS.includes(config.key)) throw new NoteError(note('outputColumnKey', { key: config.key, what: 'tiers' }));
  const above = finiteNumber(config.profitableAbove ?? 0, 'profit');
  const potential = config.potential;
  const columns = [sql`${ident(config.key)}`, sql`CAST(${ident(config.value)} AS DOUBLE) AS value`];
  if (config.cost !== undefined) columns.push(sql`CAST(${ident(config.cost)} AS DOUBLE) AS cost`);
  columns.push(sql`${profitOf(config)} AS profit`);
  const potentialTier = potential
    ? sql`WHEN CAST(${ident(potential.column)} AS DOUBLE) > ${finiteNumber(potential.above, 'potential')} THEN ${lit('unprofitable_potential')} `
    : sql``;
  if (potential) columns.push(sql`CAST(${ident(potential.column)} AS DOUBLE) AS potential`);
  columns.push(sql`CASE WHEN ${profitOf(config)} > ${above} THEN ${lit('profitable')} ${potentialTier}ELSE ${lit('unprofitable')} END AS tier`);
  return sql`SELECT ${join(columns)} FROM ${ident(config.table)} ORDER BY ${ident(config.key)}`;
}

/** A row of {@link valueTierSummaryQuery}. */
export interface ValueTierSummaryRow {
  tier: ValueTier;
  customers: number;
  share: number | null;
  total_profit: number;
  /** total_profit / net total profit; null when that is ≤ 0. */
  profit_share: number | null;
  mean_profit: number | null;
}

/**
 * Size and profit of each tier, all three listed in their order (empty ones with 0 customers):
 * `tier`, `customers`, `share` of all customers, `total_profit`, `profit_share` (of the net total, see
 * the module note) and `mean_profit`.
 * @param input `tiers`: the result of {@link valueTierQuery} (view or table name)
 */
export function valueTierSummaryQuery(input: { tiers: string }): SqlFragment {
  const tiers = ident(input.tiers);
  return sql`WITH o AS (
  SELECT * FROM (VALUES ${join(VALUE_TIERS.map((t, i) => sql`(${i}, ${lit(t)})`))}) o(position, tier)
), s AS (
  SELECT tier, count(*) AS n, sum(${exactAmount(sql`profit`)}) AS p FROM ${tiers} GROUP BY tier
), t AS (
  SELECT count(*) AS n, sum(${exactAmount(sql`profit`)}) AS p FROM ${tiers}
)
SELECT o.tier, CAST(coalesce(s.n, 0) AS DOUBLE) AS customers, coalesce(s.n, 0) / nullif(t.n, 0) AS share,
  CAST(coalesce(s.p, 0) AS DOUBLE) AS total_profit,
  CASE WHEN t.p > 0 THEN CAST(coalesce(s.p, 0) AS DOUBLE) / CAST(t.p AS DOUBLE) END AS profit_share,
  CAST(s.p AS DOUBLE) / s.n AS mean_profit
FROM o LEFT JOIN s ON s.tier = o.tier CROSS JOIN t
ORDER BY o.position`;
}

/** Customers sorted by value, best first, with exact running sums (CTE `c`: i, v, cv) and totals (`t`: n, total). */
function ranked(input: ValueInput): SqlFragment {
  return sql`v AS (
  SELECT ${exactAmount(profitOf(input))} AS v FROM ${ident(input.table)}
), o AS (
  SELECT v, row_number() OVER (ORDER BY v DESC) AS i FROM v
), c AS (
  SELECT i, v, sum(v) OVER (ORDER BY i ROWS UNBOUNDED PRECEDING) AS cv FROM o
), t AS (
  SELECT count(*) AS n, sum(v) AS total FROM v
)`;
}

/** A row of {@link paretoQuery}. */
export interface ParetoRow {
  /** The top `customers` customers (0 for the origin). */
  customers: number;
  customer_share: number;
  /** Their total value. */
  cumulative_value: number;
  /** cumulative_value / net total; null when the net total is ≤ 0. */
  value_share: number | null;
}

/**
 * The Lorenz / Pareto curve of value: customers sorted by value (best first), the share of customers
 * against the share of the net total value the top ones bring (see the module note for negative
 * values). Downsampled to about `points` rows for charting: the origin (0, 0), the customers where
 * ⌊i · points / n⌋ steps up, the last customer with a positive value (the peak of a whale curve), and
 * the last customer (1, 1); with n ≤ points every customer is listed. Exact sums; tied values give the
 * same curve in any order. Columns: `customers`, `customer_share`, `cumulative_value`, `value_share`
 * (DOUBLE), ordered by customers. No rows for an empty table.
 * @param input the customer table, value and cost columns, and `points` (default 200)
 * @throws RangeError when points is not a whole number ≥ 2
 */
export function paretoQuery(input: ValueInput & { points?: number }): SqlFragment {
  const points = input.points ?? 200;
  if (!(Number.isInteger(points) && points >= 2)) throw new RangeError(`A Pareto curve has a whole number ≥ 2 of points; ${points} is not`);
  const share = (x: SqlFragment) => sql`CASE WHEN t.total > 0 THEN CAST(${x} AS DOUBLE) / CAST(t.total AS DOUBLE) END`;
  return sql`WITH ${ranked(input)}, peak AS (
  SELECT max(i) AS i FROM c WHERE v > 0
), p AS (
  SELECT 0 AS i, CAST(0 AS DECIMAL(38, 6)) AS cv
  UNION ALL
  SELECT c.i, c.cv FROM c, t
  WHERE c.i = t.n OR c.i = (SELECT i FROM peak) OR (c.i * ${points}) // t.n > ((c.i - 1) * ${points}) // t.n
)
SELECT CAST(p.i AS DOUBLE) AS customers, p.i / t.n AS customer_share, CAST(p.cv AS DOUBLE) AS cumulative_value, ${share(sql`p.cv`)} AS value_share
FROM p, t WHERE t.n > 0
ORDER BY p.i`;
}

/** The row of {@link topShareQuery}. */
export interface TopShareRow {
  customer_share: number;
  /** customer_share · n (may be fractional). */
  customers: number;
  /** The value the top customer share brings. */
  top_value: number;
  total_value: number;
  /** top_value / net total; null when the net total is ≤ 0. */
  value_share: number | null;
}

/**
 * "The top P % of customers bring V % of the value", read off the Lorenz curve of
 * {@link paretoQuery} at P: with m = P · n, the top ⌊m⌋ customers' value plus the fraction m − ⌊m⌋ of
 * the next customer's (linear interpolation between the curve's points, so V changes continuously with
 * P). One row: `customer_share` (P), `customers` (m), `top_value`, `total_value` and `value_share`
 * (of the net total, see the module note); no row for an empty table.
 * @param input the customer table, value and cost columns, and `customerShare` P in (0, 1] (default 0.2)
 * @throws RangeError when P is outside (0, 1]
 */
export function topShareQuery(input: ValueInput & { customerShare?: number }): SqlFragment {
  const share = input.customerShare ?? 0.2;
  if (!(share > 0 && share <= 1)) throw new RangeError(`The top share of customers lies in (0, 1]; ${share} is not`);
  return sql`WITH ${ranked(input)}, m AS (
  SELECT t.n, t.total, ${share} * t.n AS m, CAST(floor(${share} * t.n) AS BIGINT) AS j FROM t
), top AS (
  SELECT CAST(coalesce((SELECT cv FROM c WHERE c.i = m.j), 0) AS DOUBLE)
    + (m.m - m.j) * CAST(coalesce((SELECT v FROM c WHERE c.i = m.j + 1), 0) AS DOUBLE) AS value FROM m
)
SELECT CAST(${share} AS DOUBLE) AS customer_share, CAST(m.m AS DOUBLE) AS customers, top.value AS top_value, CAST(m.total AS DOUBLE) AS total_value,
  CASE WHEN m.total > 0 THEN top.value / CAST(m.total AS DOUBLE) END AS value_share
FROM m, top WHERE m.n > 0`;
}
