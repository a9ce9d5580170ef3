/**
 * Customer lifetime value from a fitted BG/NBD model (how many purchases) and a fitted
 * Gamma-Gamma model (how much per purchase).
 */
import { conditionalExpectedPurchases, probabilityAlive, type BgnbdData, type BgnbdParams } from './bgnbd';
import { conditionalExpectedSpend, type GammaGammaParams } from './gamma-gamma';
import { note, NoteError } from '../i18n/note';

/** Per-customer statistics for CLV: the BG/NBD history plus the mean value of repeat purchases. */
export interface ClvData extends BgnbdData {
  /** Mean value of the repeat purchases; not read where x = 0. */
  mbar: Float64Array;
}

/** Horizon and discounting of `customerLifetimeValue`. */
export interface ClvOptions {
  /** Number of discount periods to sum over (a positive integer). */
  horizon: number;
  /** Discount rate per period, e.g. 0.01 for 1 % a month. */
  discountRate: number;
  /** Length of one period in the time unit of T (default 1, so `horizon` counts units of T). */
  periodLength?: number;
}

/**
 * Evaluates `f` once per distinct (x, T) and returns its value for every customer. BG/NBD's
 * purchases-if-alive depend on a customer only through x and T (not t_x), and customers share
 * those far more often than whole histories: T takes one value per first-purchase day.
 */
function perHistory({ x, T }: Pick<BgnbdData, 'x' | 'T'>, f: (x: number, T: number) => number): Float64Array {
  const cache = new Map<number, Map<number, number>>();
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let byT = cache.get(x[i]);
    if (byT === undefined) {
      byT = new Map();
      cache.set(x[i], byT);
    }
    let value = byT.get(T[i]);
    if (value === undefined) {
      value = f(x[i], T[i]);
      byT.set(T[i], value);
    }
    out[i] = value;
  }
  return out;
}

/**
 * Expected purchases in (T, T + t] of a customer who is alive at T. It equals
 * E[Y(t) | x, t_x = T, T] / P(alive | x, t_x = T, T), whose denominator (b + x − 1)/(a + b + x − 1)
 * (1 at x = 0) is bounded away from 0, so the division is exact to a few ulp.
 */
function purchasesIfAlive(params: BgnbdParams, t: number, x: number, T: number): number {
  return conditionalExpectedPurchases(params, t, x, T, T) / probabilityAlive(params, x, T, T);
}

/**
 * BG/NBD's conditional expected purchases E[Y(t) | x, t_x, T] of every customer, with one
 * hypergeometric series per distinct (x, T) instead of one per customer.
 * @param bgnbd fitted BG/NBD parameters
 * @param data per-customer x, tx, T
 * @param t length of the future period, in the time unit of T
 */
export function conditionalExpectedPurchasesAll(bgnbd: BgnbdParams, data: BgnbdData, t: number): Float64Array {
  const { x, tx, T } = data;
  const ifAlive = perHistory(data, (xi, Ti) => purchasesIfAlive(bgnbd, t, xi, Ti));
  for (let i = 0; i < x.length; i++) ifAlive[i] *= probabilityAlive(bgnbd, x[i], tx[i], T[i]);
  return ifAlive;
}

/**
 * Predicted discounted value of each customer over the next `horizon` periods, computed as the
 * `lifetimes` library's `customer_lifetime_value` does:
 *
 * CLV = E[M | x, m̄] · Σₖ₌₁ᴴ (E[Y(kL) | x, tx, T] − E[Y((k − 1)L) | x, tx, T]) / (1 + d)ᵏ
 *
 * where E[Y(t) | …] is BG/NBD's conditional expected purchases in the next t time units,
 * L = `periodLength`, d = `discountRate`, and E[M | x, m̄] is Gamma-Gamma's conditional expected
 * spend per transaction. Purchases expected in period k are discounted by the whole period, as
 * if paid at its end. `lifetimes` with `time` months and `freq` "W" is `horizon` = time,
 * `periodLength` = 4.345.
 *
 * E[Y(t) | x, tx, T] is P(alive | x, tx, T) times purchases-if-alive, which depend only on (x, T):
 * the discounted sum of the latter is computed once per distinct (x, T) and scaled per customer.
 * @param bgnbd fitted BG/NBD parameters
 * @param gammaGamma fitted Gamma-Gamma parameters (q > 1)
 * @param data per-customer x, tx, T and m̄
 * @param options horizon, discount rate and period length
 */
export function customerLifetimeValue(bgnbd: BgnbdParams, gammaGamma: GammaGammaParams, data: ClvData, options: ClvOptions): Float64Array {
  const { horizon, discountRate } = options;
  const periodLength = options.periodLength ?? 1;
  if (!(Number.isInteger(horizon) && horizon > 0)) throw new NoteError(note('clvHorizon', { horizon: String(horizon) }));
  if (!(discountRate > -1)) throw new RangeError(`CLV: discount rate must be > −1, got ${discountRate}`);
  if (!(periodLength > 0)) throw new RangeError(`CLV: period length must be > 0, got ${periodLength}`);
  const { x, tx, T, mbar } = data;
  const n = x.length;
  if (tx.length !== n || T.length !== n || mbar.length !== n) {
    throw new Error(`CLV: x, tx, T and mbar differ in length (${n}, ${tx.length}, ${T.length}, ${mbar.length})`);
  }
  const discounted = perHistory(data, (xi, Ti) => {
    let value = 0;
    let before = 0;
    for (let k = 1; k <= horizon; k++) {
      const cumulative = purchasesIfAlive(bgnbd, k * periodLength, xi, Ti);
      value += (cumulative - before) / (1 + discountRate) ** k;
      before = cumulative;
    }
    return value;
  });
  for (let i = 0; i < n; i++) {
    discounted[i] *= probabilityAlive(bgnbd, x[i], tx[i], T[i]) * conditionalExpectedSpend(gammaGamma, x[i], mbar[i]);
  }
  return discounted;
}
