/**
 * The CLV cell's engine side: per-customer statistics by SQL (`clvStatsQuery`), read once as Arrow
 * columns; BG/NBD and Gamma-Gamma fitted in JS (src/lib/analysis/); the per-customer predictions
 * written back as a table that later cells, exports and the runner read. Runs wherever a `Db` runs
 * (browser worker, Node).
 */
import { Float64, makeData, makeVector, Table, tableFromIPC, type Vector } from 'apache-arrow';
import { fitBgnbd, probabilityAlive, type BgnbdData, type BgnbdFitOptions, type BgnbdParams } from '../analysis/bgnbd';
import { conditionalExpectedPurchasesAll, customerLifetimeValue } from '../analysis/clv';
import {
  conditionalExpectedSpend,
  fitGammaGamma,
  ggWarnings,
  type GammaGammaData,
  type GammaGammaFitOptions,
  type GammaGammaParams,
  type GammaGammaWarning
} from '../analysis/gamma-gamma';
import type { ModelFit } from '../analysis/optimize';
import { clvStatsQuery, frequencyBucketQuery, holdoutDays, UNIT_DAYS, type ClvStatsConfig } from '../sql/clv-stats';
import { ident, join, sql } from '../sql/quote';
import type { Db } from './db';
import { note, NoteError } from '../i18n/note';

/** Length of one discount period, in days. A month is 365.25 / 12 days. */
export const PERIOD_DAYS = { day: 1, week: 7, month: 365.25 / 12 } as const;

/** Horizon, discounting, output table and optimiser settings of `fitClv`. */
export interface ClvFitOptions {
  /** The table to create (an existing table of that name is replaced). */
  resultTable: string;
  /** Number of discount periods to predict over (a positive integer). */
  horizon: number;
  /** Length of a discount period (default 'month'). */
  period?: keyof typeof PERIOD_DAYS;
  /** Annual discount rate, e.g. 0.1 for 10 % a year; converted per period by compounding. */
  discountRate: number;
  bgnbd?: BgnbdFitOptions;
  gammaGamma?: GammaGammaFitOptions;
}

/** A reason why some predicted columns are NULL, other than a `GammaGammaWarning`. */
export interface ClvWarning {
  code: 'BGNBD_NOT_CONVERGED' | 'GAMMA_GAMMA_NOT_CONVERGED' | 'NON_POSITIVE_SPEND' | 'NO_SPEND_MODEL';
  /** NON_POSITIVE_SPEND: the number of repeat customers concerned. */
  value?: number;
  message: string;
}

/** One row of the calibration / holdout check. */
export interface HoldoutBucket {
  /** Calibration frequency: '0' … '6', or '7+'. */
  x: string;
  customers: number;
  /** Mean holdout purchases per customer. */
  actual: number;
  /** Mean predicted holdout purchases (null when BG/NBD did not converge). */
  predicted: number | null;
}

/** What `fitClv` fitted and wrote. */
export interface ClvFit {
  bgnbd: ModelFit<BgnbdParams>;
  /** Null when no repeat customer has a positive mean spend. */
  gammaGamma: ModelFit<GammaGammaParams> | null;
  warnings: (GammaGammaWarning | ClvWarning)[];
  /** Customers in the result (first purchase on or before the calibration end). */
  customers: number;
  /** Customers with x > 0. */
  repeaters: number;
  /** Discount rate per period, (1 + annual)^(period days / 365.25) − 1. */
  periodDiscountRate: number;
  /** Length of a discount period in the unit of t_x and T. */
  periodLength: number;
  /** Whether the CLV and expected-spend columns hold values (false: all NULL, see `warnings`). */
  valuePredicted: boolean;
  /** Present when the configuration has a holdout period. */
  holdout?: { length: number; buckets: HoldoutBucket[] };
  /**
   * Milliseconds spent: statistics SQL; reading them and fitting both models; predicting the model
   * columns; writing the result table (and the holdout check).
   */
  ms: { stats: number; fit: number; predict: number; write: number };
}

/** The model columns `fitClv` adds to the statistics of `clvStatsQuery`, in order. */
export const CLV_MODEL_COLUMNS = ['p_alive', 'expected_purchases', 'expected_spend', 'predicted_clv'] as const;

const ROW = '__row';
let staging = 0;

/**
 * Per-period discount rate equivalent to an annual one under compounding:
 * (1 + annual)^(periodDays / 365.25) − 1.
 * @param annual annual rate, > −1
 * @param periodDays length of the period in days
 */
export function periodDiscountRate(annual: number, periodDays: number): number {
  if (!(annual > -1)) throw new NoteError(note('clvDiscountRate', { rate: annual }));
  return Math.pow(1 + annual, periodDays / 365.25) - 1;
}

/**
 * Fits the CLV models on a transactions table and writes one row per customer into
 * `options.resultTable`: the key, x, t_x, T, mean_repeat_value, historical_value (and
 * holdout_purchases, holdout_value with a holdout period) from `clvStatsQuery`, then p_alive,
 * expected_purchases (over the horizon), expected_spend, predicted_clv (discounted over the
 * horizon) and, with a holdout period, expected_holdout_purchases. Rows are in key order.
 *
 * Columns are NULL rather than unreliable: every model column when BG/NBD did not converge;
 * expected_spend and predicted_clv when Gamma-Gamma did not converge, has q ≤ 1, or spend
 * correlates with frequency (`ggWarnings`), and for repeat customers whose mean spend is not
 * positive (left out of the Gamma-Gamma fit). Each case comes with a warning.
 * @param db the database holding the transactions
 * @param config where the transactions are (see `clvStatsQuery`)
 * @param options horizon, period, annual discount rate, result table, fit options
 * @throws NoteError on an invalid configuration or when BG/NBD cannot be fitted (no customer, or
 *   none with a repeat purchase)
 */
export async function fitClv(db: Db, config: ClvStatsConfig, options: ClvFitOptions): Promise<ClvFit> {
  const periodDays = PERIOD_DAYS[options.period ?? 'month'];
  const periodLength = periodDays / UNIT_DAYS[config.unit];
  const perPeriod = periodDiscountRate(options.discountRate, periodDays);
  const holdoutLength = holdoutDays(config) / UNIT_DAYS[config.unit];
  const id = ++staging;
  const statsTable = `__seglab_clv_stats_${id}`;
  const modelTable = `__seglab_clv_model_${id}`;
  const started = performance.now();
  const ms = { stats: 0, fit: 0, predict: 0, write: 0 };
  const lap = (phase: keyof typeof ms) => {
    ms[phase] = performance.now() - started - ms.stats - ms.fit - ms.predict - ms.write;
  };
  try {
    await db.exec(String(sql`CREATE TEMP TABLE ${ident(statsTable)} AS ${clvStatsQuery(config)}`));
    lap('stats');
    const stats = await readStats(db, statsTable);
    const { x, tx, T, mbar, rows } = stats;
    const bgnbd = fitBgnbd({ x, tx, T }, options.bgnbd);
    const warnings: (GammaGammaWarning | ClvWarning)[] = [];
    if (!bgnbd.converged) {
      warnings.push({ code: 'BGNBD_NOT_CONVERGED', message: `BG/NBD did not converge (${bgnbd.message}); no predictions are given` });
    }
    const spend = fitSpend(stats, options.gammaGamma);
    warnings.push(...spend.warnings);
    lap('fit');
    const model = predict(bgnbd, spend, stats, { horizon: options.horizon, discountRate: perPeriod, periodLength, holdoutLength });
    lap('predict');
    await writeColumns(db, modelTable, rows, model);
    await db.exec(String(sql`DROP TABLE IF EXISTS ${ident(options.resultTable)}`));
    await db.exec(
      String(
        sql`CREATE TABLE ${ident(options.resultTable)} AS SELECT s.*, ${join(Object.keys(model).map((c) => sql`m.${ident(c)}`))}
FROM ${ident(statsTable)} s JOIN ${ident(modelTable)} m ON s.rowid = m.${ident(ROW)} ORDER BY s.rowid`
      )
    );
    const fit: ClvFit = {
      bgnbd,
      gammaGamma: spend.fit,
      warnings,
      customers: x.length,
      repeaters: x.reduce((count, v) => count + (v > 0 ? 1 : 0), 0),
      periodDiscountRate: perPeriod,
      periodLength,
      valuePredicted: bgnbd.converged && spend.usable,
      ms
    };
    if (config.holdoutEnd !== undefined) {
      const buckets = await db.rows<{ bucket: string; customers: number; actual: number; predicted: number | null }>(
        String(frequencyBucketQuery(options.resultTable))
      );
      fit.holdout = { length: holdoutLength, buckets: buckets.map(({ bucket, ...rest }) => ({ x: bucket, ...rest })) };
    }
    lap('write');
    return fit;
  } finally {
    await db.exec(String(sql`DROP TABLE IF EXISTS ${ident(statsTable)}; DROP TABLE IF EXISTS ${ident(modelTable)}`));
  }
}

interface Stats extends BgnbdData {
  /** Mean repeat value, NaN where x = 0 or where it is missing. */
  mbar: Float64Array;
  /** rowid of each customer in the statistics table. */
  rows: Int32Array;
}

async function readStats(db: Db, table: string): Promise<Stats> {
  const result = tableFromIPC(
    await db.arrow(String(sql`SELECT CAST(rowid AS INTEGER) AS r, x, t_x, "T", coalesce(mean_repeat_value, 'NaN'::DOUBLE) AS m FROM ${ident(table)}`))
  );
  if (result.numRows === 0) throw new NoteError(note('clvNoCustomers'));
  const column = <T extends Float64Array | Int32Array>(name: string) => (result.getChild(name) as Vector).toArray() as T;
  return { rows: column('r'), x: column('x'), tx: column('t_x'), T: column('T'), mbar: column('m') };
}

interface SpendModel {
  fit: ModelFit<GammaGammaParams> | null;
  /** m̄ of the customers the model speaks for: NaN for repeat customers left out of the fit. */
  mbar: Float64Array;
  warnings: (GammaGammaWarning | ClvWarning)[];
  /** Fitted, converged and without warnings: its expected spend may be shown. */
  usable: boolean;
}

/** Fits Gamma-Gamma on the repeat customers with a positive mean spend. */
function fitSpend({ x, mbar }: Stats, options: GammaGammaFitOptions | undefined): SpendModel {
  const keep: number[] = [];
  const usableMbar = Float64Array.from(mbar);
  let repeaters = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === 0) continue;
    repeaters++;
    if (mbar[i] > 0 && Number.isFinite(mbar[i])) keep.push(i);
    else usableMbar[i] = Number.NaN;
  }
  const warnings: (GammaGammaWarning | ClvWarning)[] = [];
  const dropped = repeaters - keep.length;
  if (dropped > 0) {
    warnings.push({
      code: 'NON_POSITIVE_SPEND',
      value: dropped,
      message: `${dropped} of ${repeaters} repeat customers have a mean repeat value ≤ 0; Gamma-Gamma is fitted without them and their spend and CLV are left empty`
    });
  }
  if (keep.length === 0) {
    warnings.push({ code: 'NO_SPEND_MODEL', message: 'no repeat customer has a positive mean spend, so Gamma-Gamma cannot be fitted and no CLV is given' });
    return { fit: null, mbar: usableMbar, warnings, usable: false };
  }
  const data: GammaGammaData = { x: Float64Array.from(keep, (i) => x[i]), mbar: Float64Array.from(keep, (i) => mbar[i]) };
  const fit = fitGammaGamma(data, options);
  if (!fit.converged) {
    warnings.push({ code: 'GAMMA_GAMMA_NOT_CONVERGED', message: `Gamma-Gamma did not converge (${fit.message}); no spend or CLV is given` });
  }
  const diagnostics = ggWarnings(fit.params, data);
  warnings.push(...diagnostics);
  return { fit, mbar: usableMbar, warnings, usable: fit.converged && diagnostics.length === 0 };
}

interface Horizon {
  horizon: number;
  discountRate: number;
  periodLength: number;
  holdoutLength: number;
}

/** The model columns, NaN where they are not given. */
function predict(bgnbd: ModelFit<BgnbdParams>, spend: SpendModel, stats: Stats, h: Horizon): Record<string, Float64Array> {
  const { x, tx, T } = stats;
  const n = x.length;
  const empty = () => new Float64Array(n).fill(Number.NaN);
  const columns: Record<string, Float64Array> = {
    p_alive: empty(),
    expected_purchases: empty(),
    expected_spend: empty(),
    predicted_clv: empty()
  };
  if (h.holdoutLength > 0) columns.expected_holdout_purchases = empty();
  if (!bgnbd.converged) return columns;
  const bg = bgnbd.params;
  for (let i = 0; i < n; i++) columns.p_alive[i] = probabilityAlive(bg, x[i], tx[i], T[i]);
  columns.expected_purchases = conditionalExpectedPurchasesAll(bg, stats, h.horizon * h.periodLength);
  if (h.holdoutLength > 0) columns.expected_holdout_purchases = conditionalExpectedPurchasesAll(bg, stats, h.holdoutLength);
  if (spend.usable && spend.fit !== null) {
    const gg = spend.fit.params;
    for (let i = 0; i < n; i++) columns.expected_spend[i] = conditionalExpectedSpend(gg, x[i], spend.mbar[i]);
    columns.predicted_clv = customerLifetimeValue(bg, gg, { x, tx, T, mbar: spend.mbar }, h);
  }
  return columns;
}

/** A Float64 Arrow vector with NULL wherever the value is NaN. */
function nullableFloat64(values: Float64Array): Vector<Float64> {
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) nullCount++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return makeVector(makeData({ type: new Float64(), length: values.length, nullCount, nullBitmap: bitmap, data: values }));
}

/** Creates a table (row INTEGER, one DOUBLE per column, NaN → NULL) with the backend's column insert. */
async function writeColumns(db: Db, name: string, rows: Int32Array, columns: Record<string, Float64Array>): Promise<void> {
  const vectors: Record<string, Vector> = { [ROW]: makeVector(rows) };
  for (const c of Object.keys(columns)) vectors[c] = nullableFloat64(columns[c]);
  await db.createTable(name, new Table(vectors));
}
