/**
 * Cohort analysis of a transactions table: customers grouped by the month of their first purchase,
 * and per cohort and month since then the customers still buying (retention) and their revenue.
 * Pure; every name goes through `ident`, every value through `lit`. Amounts are summed exactly as
 * DECIMAL(38,6) (see rfm.ts), so results are the same on any number of threads.
 */
import { dateLiteral, exactAmount } from './rfm';
import { ident, join, sql, type SqlFragment } from './quote';
import { note, NoteError } from '../i18n/note';

/** Inputs of {@link cohortQuery}. */
export interface CohortConfig {
  /** The transactions table. */
  table: string;
  /** The customer key column. */
  key: string;
  /** The purchase date column (DATE, TIMESTAMP or ISO text; the day is what counts). */
  date: string;
  /** The amount column; without it, the revenue columns are left out. */
  amount?: string;
  /**
   * `YYYY-MM-DD`, the last day the data are complete (inclusive); later purchases are left out.
   * Default: the latest purchase day in the table.
   */
  referenceDate?: string;
  /** The cohort and offset unit (months). */
  period: 'month';
}

/** A row of {@link cohortQuery}. */
export interface CohortRow {
  /** First day of the cohort's month (`YYYY-MM-DD`). */
  cohort: string;
  cohort_size: number;
  /** Months since the cohort's month: 0 is the month of the first purchase. */
  month_offset: number;
  /** First day of the calendar month (`YYYY-MM-DD`). */
  period: string;
  /** Cohort customers with a purchase in the month. */
  customers: number;
  /** customers / cohort_size; 1 at offset 0. */
  retention: number;
  /** Only with an amount column: the cohort's revenue in the month. */
  revenue?: number;
  /** revenue / cohort_size. */
  revenue_per_customer?: number;
  /** The cohort's revenue from offset 0 to this one, per cohort customer. */
  cumulative_revenue_per_customer?: number;
}

/**
 * Per cohort (first-purchase month) and month offset, in long format: `cohort` (DATE), `cohort_size`,
 * `month_offset` (INTEGER), `period` (DATE), `customers` (distinct cohort customers buying in the
 * month), `retention`, and with an amount `revenue`, `revenue_per_customer` and
 * `cumulative_revenue_per_customer` (all DOUBLE). Ordered by cohort, then offset.
 *
 * Only complete months are reported: a month counts when its last day is on or before the reference
 * date, so cohorts run from their first month to the last complete month (every offset listed, with 0
 * customers where nobody bought), and customers whose first purchase falls into an incomplete month
 * are left out. Rows with a NULL key or date are left out; a NULL amount adds nothing.
 * @param config the transactions table, its columns and the reference date
 * @throws NoteError on an invalid reference date
 */
export function cohortQuery(config: CohortConfig): SqlFragment {
  const day = sql`CAST(${ident(config.date)} AS DATE)`;
  const limit = config.referenceDate === undefined ? sql`(SELECT max(d) FROM raw)` : dateLiteral(config.referenceDate, 'cohort');
  const money = config.amount !== undefined;
  const amount = money ? [sql`${exactAmount(ident(config.amount!))} AS a`] : [];
  const revenueIn = money ? sql`, sum(t.a) AS revenue` : sql``;
  const revenueOut = money
    ? [
        sql`CAST(coalesce(act.revenue, 0) AS DOUBLE) AS revenue`,
        sql`CAST(coalesce(act.revenue, 0) AS DOUBLE) / g.n AS revenue_per_customer`,
        sql`CAST(sum(coalesce(act.revenue, 0)) OVER (PARTITION BY g.cohort ORDER BY g.month_offset) AS DOUBLE) / g.n AS cumulative_revenue_per_customer`
      ]
    : [];
  return sql`WITH raw AS (
  SELECT ${join([sql`${ident(config.key)} AS k`, sql`${day} AS d`, ...amount])}
  FROM ${ident(config.table)} WHERE ${ident(config.key)} IS NOT NULL AND ${day} IS NOT NULL
), x AS (
  SELECT lim, CAST(date_trunc('month', lim + 1) - INTERVAL 1 MONTH AS DATE) AS last_month FROM (SELECT ${limit} AS lim)
), t AS (
  SELECT raw.k, CAST(date_trunc('month', raw.d) AS DATE) AS p${money ? sql`, sum(raw.a) AS a` : sql``} FROM raw, x WHERE raw.d <= x.lim GROUP BY raw.k, p
), first AS (
  SELECT k, min(p) AS cohort FROM t GROUP BY k
), sizes AS (
  SELECT cohort, count(*) AS n FROM first, x WHERE cohort <= x.last_month GROUP BY cohort
), act AS (
  SELECT f.cohort, date_diff('month', f.cohort, t.p) AS month_offset, count(*) AS customers${revenueIn}
  FROM t JOIN first f ON f.k = t.k GROUP BY f.cohort, t.p
), g AS (
  SELECT s.cohort, s.n, unnest(generate_series(0, date_diff('month', s.cohort, x.last_month))) AS month_offset FROM sizes s, x
)
SELECT ${join([
    sql`g.cohort`,
    sql`CAST(g.n AS DOUBLE) AS cohort_size`,
    sql`CAST(g.month_offset AS INTEGER) AS month_offset`,
    sql`CAST(g.cohort + to_months(CAST(g.month_offset AS INTEGER)) AS DATE) AS period`,
    sql`CAST(coalesce(act.customers, 0) AS DOUBLE) AS customers`,
    sql`coalesce(act.customers, 0) / g.n AS retention`,
    ...revenueOut
  ])}
FROM g LEFT JOIN act ON act.cohort = g.cohort AND act.month_offset = g.month_offset
ORDER BY g.cohort, g.month_offset`;
}
