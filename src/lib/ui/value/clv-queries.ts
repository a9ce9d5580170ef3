/**
 * The queries of a CLV cell's editor and report, over the transactions table or the cell's result
 * (one row per customer, see engine/clv.ts `fitClv`). Pure SQL builders with the quote helpers.
 */
import { ident, lit, sql, type SqlFragment } from '../../sql/quote';

/** The value a CLV report ranks customers by: a column of the CLV result. */
export type ClvValueColumn = 'predicted_clv' | 'historical_value';

/** A row of {@link purchaseRangeQuery}. */
export interface PurchaseRange {
  first: string | null;
  last: string | null;
}

/**
 * The first and last purchase day (`YYYY-MM-DD`) in a transactions table.
 * @param table the transactions table
 * @param date its date column
 */
export function purchaseRangeQuery(table: string, date: string): SqlFragment {
  const day = sql`CAST(${ident(date)} AS DATE)`;
  return sql`SELECT CAST(min(${day}) AS VARCHAR) AS "first", CAST(max(${day}) AS VARCHAR) AS "last" FROM ${ident(table)}`;
}

/** A row of {@link clvTotalsQuery}. */
export interface ClvTotals {
  customers: number;
  historical_value: number | null;
  predicted_clv: number | null;
  /** Customers with a predicted CLV. */
  predicted: number;
  expected_purchases: number | null;
  mean_p_alive: number | null;
}

/**
 * Totals of a CLV result: customers, the sums of historical value, predicted CLV and expected
 * purchases, how many customers have a predicted CLV, and the mean P(alive).
 * @param result the CLV cell's view
 */
export function clvTotalsQuery(result: string): SqlFragment {
  return sql`SELECT CAST(count(*) AS DOUBLE) AS customers, CAST(sum(historical_value) AS DOUBLE) AS historical_value,
  sum(predicted_clv) AS predicted_clv, CAST(count(predicted_clv) AS DOUBLE) AS predicted,
  sum(expected_purchases) AS expected_purchases, avg(p_alive) AS mean_p_alive
FROM ${ident(result)}`;
}

/**
 * Customers split into ten equal groups by `value`, most valuable first (ties by key), per group:
 * `decile` (1 = top), `customers`, `total`, `share` of the total over all groups (NULL when that is
 * not positive), `mean` and `mean_p_alive`. Customers without a value are left out.
 * @param result the CLV cell's view
 * @param key its customer key column
 * @param value the column ranked by
 */
export function valueDecileQuery(result: string, key: string, value: ClvValueColumn): SqlFragment {
  const v = ident(value);
  return sql`WITH v AS (
  SELECT CAST(${v} AS DOUBLE) AS v, p_alive, ntile(10) OVER (ORDER BY ${v} DESC, ${ident(key)}) AS decile
  FROM ${ident(result)} WHERE ${v} IS NOT NULL
), total AS (SELECT sum(v) AS s FROM v)
SELECT CAST(decile AS INTEGER) AS decile, CAST(count(*) AS DOUBLE) AS customers, sum(v) AS total,
  CASE WHEN any_value(total.s) > 0 THEN sum(v) / any_value(total.s) END AS share, avg(v) AS mean, avg(p_alive) AS mean_p_alive
FROM v, total GROUP BY decile ORDER BY decile`;
}

/**
 * Customers per tenth of P(alive): `bin_start`, `bin_end`, `customers`; 1 falls into the last bin,
 * empty bins are left out.
 * @param result the CLV cell's view
 */
export function pAliveBinsQuery(result: string): SqlFragment {
  return sql`SELECT CAST(b AS DOUBLE) / 10 AS bin_start, CAST(b + 1 AS DOUBLE) / 10 AS bin_end, CAST(count(*) AS DOUBLE) AS customers
FROM (SELECT least(floor(p_alive * 10), 9) AS b FROM ${ident(result)} WHERE p_alive IS NOT NULL)
GROUP BY b ORDER BY b`;
}

/**
 * The `limit` customers with the highest `value` (ties by key), all columns.
 * @param result the CLV cell's view
 * @param key its customer key column
 * @param value the column ranked by
 * @param limit how many
 */
export function topCustomersQuery(result: string, key: string, value: ClvValueColumn, limit: number): SqlFragment {
  return sql`SELECT * FROM ${ident(result)} WHERE ${ident(value)} IS NOT NULL ORDER BY ${ident(value)} DESC, ${ident(key)} LIMIT ${lit(limit)}`;
}
