/**
 * Customer lifetime value from a fitted BG/NBD model (how many purchases) and a fitted
 * Gamma-Gamma model (how much per purchase).
 */
import { conditionalExpectedPurchases, type BgnbdData, type BgnbdParams } from './bgnbd';
import { conditionalExpectedSpend, type GammaGammaParams } from './gamma-gamma';

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
 * @param bgnbd fitted BG/NBD parameters
 * @param gammaGamma fitted Gamma-Gamma parameters (q > 1)
 * @param data per-customer x, tx, T and m̄
 * @param options horizon, discount rate and period length
 */
export function customerLifetimeValue(bgnbd: BgnbdParams, gammaGamma: GammaGammaParams, data: ClvData, options: ClvOptions): Float64Array {
  const { horizon, discountRate } = options;
  const periodLength = options.periodLength ?? 1;
  if (!(Number.isInteger(horizon) && horizon > 0)) throw new RangeError(`CLV: horizon must be a positive whole number of periods, got ${horizon}`);
  if (!(discountRate > -1)) throw new RangeError(`CLV: discount rate must be > −1, got ${discountRate}`);
  if (!(periodLength > 0)) throw new RangeError(`CLV: period length must be > 0, got ${periodLength}`);
  const { x, tx, T, mbar } = data;
  const n = x.length;
  if (tx.length !== n || T.length !== n || mbar.length !== n) {
    throw new Error(`CLV: x, tx, T and mbar differ in length (${n}, ${tx.length}, ${T.length}, ${mbar.length})`);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let value = 0;
    let before = 0;
    for (let k = 1; k <= horizon; k++) {
      const cumulative = conditionalExpectedPurchases(bgnbd, k * periodLength, x[i], tx[i], T[i]);
      value += (cumulative - before) / (1 + discountRate) ** k;
      before = cumulative;
    }
    out[i] = value * conditionalExpectedSpend(gammaGamma, x[i], mbar[i]);
  }
  return out;
}
