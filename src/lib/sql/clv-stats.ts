/**
 * SQL for the CLV cell: the per-customer sufficient statistics of BG/NBD and Gamma-Gamma from a
 * transactions table, and the calibration / holdout check over the cell's result table. Pure;
 * every name goes through `ident`, every value through `lit`.
 *
 * Definitions follow Fader, Hardie & Lee (2005) and the `lifetimes` library's
 * `summary_data_from_transaction_data`:
 * - A **purchase** is one order (rows sharing an order id; its date is the order's earliest date
 *   and its value the sum of its rows), or, without an order id, all of a customer's rows on one
 *   day. Rows whose order id is NULL count as one purchase per customer and day. Rows with a NULL
 *   key or date are ignored, a NULL value counts as 0, and dates are truncated to days. Values are
 *   summed exactly, as DECIMAL(38,6) (see `exactAmount`), so the statistics do not depend on the
 *   order DuckDB adds them in, and the wasm and native engines give the same bits.
 * - x = purchases in the calibration period (up to and including `calibrationEnd`) minus one;
 *   t_x = days from the first to the last of them; T = days from the first purchase to
 *   `calibrationEnd`; both divided by 7 for `unit` 'week'.
 * - m̄ (`mean_repeat_value`) = mean value of the repeat purchases, i.e. all calibration purchases
 *   except the first (NULL when x = 0); with several orders on the first day, the one with the
 *   smallest order id is the first.
 * - `historical_value` = value of all calibration purchases, the first included.
 * - With `holdoutEnd`: `holdout_purchases` and `holdout_value` over (calibrationEnd, holdoutEnd].
 *
 * Customers whose first purchase falls after `calibrationEnd` have no calibration history: they
 * are left out of the result (and so of the fit), also when they buy in the holdout period.
 */
import { ident, lit, sql, type SqlFragment } from './quote';
import { exactAmount } from './rfm';
import { note, NoteError } from '../i18n/note';

/** Where the transactions are and how to read them. */
export interface ClvStatsConfig {
  /** The transactions table, one row per order line or order. */
  table: string;
  /** Customer key column. */
  key: string;
  /** Purchase date column (DATE, TIMESTAMP, or text DuckDB casts to DATE). */
  date: string;
  /** Revenue column. */
  amount: string;
  /** Margin column; needed when `valueBy` is 'margin'. */
  margin?: string;
  /** Order id column; without it a purchase is a customer's purchase day. */
  orderId?: string;
  /** Last day of the calibration period, 'YYYY-MM-DD' (inclusive). */
  calibrationEnd: string;
  /** Last day of the holdout period, 'YYYY-MM-DD' (inclusive), after `calibrationEnd`. */
  holdoutEnd?: string;
  /** Time unit of t_x and T. */
  unit: 'week' | 'day';
  /** Which column the values (m̄, historical and holdout value) sum. */
  valueBy: 'revenue' | 'margin';
}

/** The columns of `clvStatsQuery`'s result besides the key, in order. */
export const CLV_STATS_COLUMNS = ['x', 't_x', 'T', 'mean_repeat_value', 'historical_value'] as const;

/** The extra columns of `clvStatsQuery`'s result when a holdout period is given. */
export const CLV_HOLDOUT_COLUMNS = ['holdout_purchases', 'holdout_value'] as const;

/** Days per unit of t_x and T. */
export const UNIT_DAYS: Record<ClvStatsConfig['unit'], number> = { day: 1, week: 7 };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(name: 'calibrationEnd' | 'holdoutEnd', value: string): number {
  const ms = ISO_DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new NoteError(note('clvDate', { name, value }));
  }
  return ms / 86_400_000;
}

/**
 * Days in (calibrationEnd, holdoutEnd], or 0 without a holdout period.
 * @param config the statistics configuration
 * @throws NoteError when a date is malformed or the holdout does not end after the calibration
 */
export function holdoutDays(config: Pick<ClvStatsConfig, 'calibrationEnd' | 'holdoutEnd'>): number {
  const start = parseDay('calibrationEnd', config.calibrationEnd);
  if (config.holdoutEnd === undefined) return 0;
  const days = parseDay('holdoutEnd', config.holdoutEnd) - start;
  if (!(days > 0)) throw new NoteError(note('clvHoldoutOrder', { holdout: config.holdoutEnd, calibration: config.calibrationEnd }));
  return days;
}

/**
 * Per-customer BG/NBD and Gamma-Gamma statistics, one row per customer whose first purchase is on
 * or before `calibrationEnd`, ordered by key: the key under its own name, then x, t_x, T,
 * mean_repeat_value, historical_value (all DOUBLE) and, with `holdoutEnd`, holdout_purchases and
 * holdout_value (0 when the customer did not buy). See the module comment for the definitions.
 * @param config table, columns, period ends, unit and value
 * @throws NoteError on malformed dates, a missing margin column, or a key named like an output column
 */
export function clvStatsQuery(config: ClvStatsConfig): SqlFragment {
  holdoutDays(config);
  const taken = [...CLV_STATS_COLUMNS, ...CLV_HOLDOUT_COLUMNS].find((c) => c.toLowerCase() === config.key.toLowerCase());
  if (taken !== undefined) throw new NoteError(note('clvKeyTaken', { key: config.key, taken }));
  if (config.valueBy === 'margin' && config.margin === undefined) throw new NoteError(note('clvMarginMissing'));
  const valueColumn = config.valueBy === 'margin' ? (config.margin as string) : config.amount;
  const calibrationEnd = sql`CAST(${lit(config.calibrationEnd)} AS DATE)`;
  const lastDay = config.holdoutEnd === undefined ? calibrationEnd : sql`CAST(${lit(config.holdoutEnd)} AS DATE)`;
  const unitDays = UNIT_DAYS[config.unit];
  const order = config.orderId === undefined ? null : ident(config.orderId);
  const purchaseGroup = order === null ? sql`k, d` : sql`k, o, CASE WHEN o IS NULL THEN d END`;
  const firstOrder = order === null ? sql`d` : sql`{'d': d, 'o': o}`;
  const inCalibration = sql`d <= ${calibrationEnd}`;
  const holdout =
    config.holdoutEnd === undefined
      ? sql``
      : sql`, count(*) FILTER (WHERE d > ${calibrationEnd})::DOUBLE AS holdout_purchases, CAST(coalesce(sum(v) FILTER (WHERE d > ${calibrationEnd}), 0) AS DOUBLE) AS holdout_value`;
  return sql`WITH lines AS (
  SELECT ${ident(config.key)} AS k, CAST(${ident(config.date)} AS DATE) AS d, coalesce(${exactAmount(ident(valueColumn))}, 0) AS v${order === null ? sql`` : sql`, ${order} AS o`}
  FROM ${ident(config.table)}
  WHERE ${ident(config.key)} IS NOT NULL AND CAST(${ident(config.date)} AS DATE) <= ${lastDay}
), purchases AS (
  SELECT k, min(d) AS d, sum(v) AS v${order === null ? sql`` : sql`, o`} FROM lines GROUP BY ${purchaseGroup}
), customers AS (
  SELECT k,
    count(*) FILTER (WHERE ${inCalibration})::DOUBLE - 1 AS x,
    min(d) AS first_day,
    max(d) FILTER (WHERE ${inCalibration}) AS last_day,
    sum(v) FILTER (WHERE ${inCalibration}) AS calibration_value,
    arg_min(v, ${firstOrder}) AS first_value${holdout}
  FROM purchases GROUP BY k HAVING min(d) <= ${calibrationEnd}
)
SELECT k AS ${ident(config.key)},
  x,
  date_diff('day', first_day, last_day)::DOUBLE / ${unitDays} AS t_x,
  date_diff('day', first_day, ${calibrationEnd})::DOUBLE / ${unitDays} AS "T",
  CASE WHEN x > 0 THEN CAST(calibration_value - first_value AS DOUBLE) / x END AS mean_repeat_value,
  CAST(calibration_value AS DOUBLE) AS historical_value${config.holdoutEnd === undefined ? sql`` : sql`, holdout_purchases, holdout_value`}
FROM customers ORDER BY k`;
}

/** Calibration frequencies from this value up form one bucket ("7+"). */
export const TOP_FREQUENCY_BUCKET = 7;

/**
 * The calibration / holdout check over a CLV result table: per calibration frequency x (0, 1, …,
 * 6 and "7+"), the number of customers, the mean actual holdout purchases and the mean predicted
 * ones (`expected_holdout_purchases`, NULL when the model gave none). Columns: bucket (VARCHAR),
 * customers, actual, predicted (DOUBLE), in order of x.
 * @param resultTable a table with x, holdout_purchases and expected_holdout_purchases
 */
export function frequencyBucketQuery(resultTable: string): SqlFragment {
  const top = TOP_FREQUENCY_BUCKET;
  return sql`SELECT CASE WHEN x >= ${top} THEN ${lit(`${top}+`)} ELSE CAST(CAST(x AS INTEGER) AS VARCHAR) END AS bucket,
  count(*)::DOUBLE AS customers,
  avg(holdout_purchases) AS actual,
  avg(expected_holdout_purchases) AS predicted
FROM ${ident(resultTable)}
GROUP BY 1 ORDER BY min(x)`;
}
