/**
 * The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting your customers the
 * easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2), 275–284).
 *
 * While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after every
 * repeat purchase they drop out with probability p ~ Beta(a, b). A customer is summarised by x (repeat
 * purchases), tx (time of the last purchase) and T (time since the first purchase), all measured
 * from the first purchase in one time unit.
 */
import { distinctValues, fitMaximumLikelihood, type MinimizeOptions, type ModelFit, type Objective } from './optimize';
import { digamma, gammaln, hyp2f1 } from './special';
import { note, NoteError } from '../i18n/note';

/** BG/NBD parameters: purchase rate λ ~ Gamma(shape r, rate α), dropout p ~ Beta(a, b). */
export interface BgnbdParams {
  r: number;
  /** In the time unit of T. */
  alpha: number;
  a: number;
  b: number;
}

/** Per-customer sufficient statistics, one entry per customer. */
export interface BgnbdData {
  /** Repeat purchases (frequency). */
  x: Float64Array;
  /** Time of the last purchase after the first one (recency); 0 when x = 0. */
  tx: Float64Array;
  /** Time from the first purchase to the end of the calibration period (age). */
  T: Float64Array;
}

/** Starting point and stopping rules for `fitBgnbd`. */
export interface BgnbdFitOptions extends MinimizeOptions {
  /** Default: r = a = b = 1 and α = max(T) / 10. */
  initial?: BgnbdParams;
}

const NAMES = ['r', 'alpha', 'a', 'b'] as const;

function checkData({ x, tx, T }: BgnbdData): void {
  const n = x.length;
  if (n === 0) throw new NoteError(note('bgnbdNoCustomers'));
  if (tx.length !== n || T.length !== n) throw new Error(`BG/NBD: x, tx and T differ in length (${n}, ${tx.length}, ${T.length})`);
  for (let i = 0; i < n; i++) {
    if (!(x[i] >= 0 && tx[i] >= 0 && T[i] >= tx[i] && Number.isFinite(x[i] + T[i]))) {
      throw new Error(`BG/NBD: customer ${i} has x = ${x[i]}, tx = ${tx[i]}, T = ${T[i]}; need finite x ≥ 0 and 0 ≤ tx ≤ T`);
    }
  }
}

/**
 * The mean negative log-likelihood as a function of (ln r, ln α, ln a, ln b), with its gradient.
 * Terms that depend on a customer only through x (the gamma and beta functions) are evaluated
 * once per distinct x; the per-customer loop does two logarithms, one exponential and one log1p,
 * and allocates nothing.
 */
function negLogLikelihood(data: BgnbdData): Objective {
  checkData(data);
  const { x, tx, T } = data;
  const n = x.length;
  const groups = distinctValues(x);
  const k = groups.values.length;
  const logOdds = new Float64Array(k);
  const inverseBx = new Float64Array(k);
  return (u, gradient) => {
    const r = Math.exp(u[0]);
    const alpha = Math.exp(u[1]);
    const a = Math.exp(u[2]);
    const b = Math.exp(u[3]);
    const lgR = gammaln(r);
    const lgB = gammaln(b);
    const lgAB = gammaln(a + b);
    const psiR = digamma(r);
    const psiB = digamma(b);
    const psiAB = digamma(a + b);
    let ll = 0;
    let dr = 0;
    let da = 0;
    let db = 0;
    for (let j = 0; j < k; j++) {
      const xj = groups.values[j];
      const c = groups.counts[j];
      const psiABX = digamma(a + b + xj);
      ll += c * (gammaln(r + xj) - lgR + r * u[1] + gammaln(b + xj) + lgAB - lgB - gammaln(a + b + xj));
      dr += c * (digamma(r + xj) - psiR + u[1]);
      da += c * (psiAB - psiABX);
      db += c * (digamma(b + xj) + psiAB - psiB - psiABX);
      if (xj > 0) {
        logOdds[j] = u[2] - Math.log(b + xj - 1);
        inverseBx[j] = 1 / (b + xj - 1);
      }
    }
    let dalpha = (n * r) / alpha;
    let alive = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      const lT = Math.log(alpha + T[i]);
      if (xi === 0) {
        ll -= r * lT;
        dr -= lT;
        dalpha -= r / (alpha + T[i]);
        continue;
      }
      const j = groups.index[i];
      const rx = r + xi;
      const lTx = Math.log(alpha + tx[i]);
      // d = A4 − A3 in the notation of lifetimes; log(e^A3 + e^A4) = A3 + log1p(e^d), w = weight of A4.
      const d = logOdds[j] - rx * (lTx - lT);
      let w: number;
      if (d > 0) {
        const e = Math.exp(-d);
        ll += d + Math.log1p(e) - rx * lT;
        w = 1 / (1 + e);
      } else {
        const e = Math.exp(d);
        ll += Math.log1p(e) - rx * lT;
        w = e / (1 + e);
      }
      dr += w * (lT - lTx) - lT;
      dalpha -= rx * ((1 - w) / (alpha + T[i]) + w / (alpha + tx[i]));
      alive += w;
      db -= w * inverseBx[j];
    }
    da += alive / a;
    gradient[0] = (-r * dr) / n;
    gradient[1] = (-alpha * dalpha) / n;
    gradient[2] = (-a * da) / n;
    gradient[3] = (-b * db) / n;
    return -ll / n;
  };
}

/**
 * Total BG/NBD log-likelihood (FHL 2005), summed in the log-sum-exp form of the
 * `lifetimes` library: ln L = A₁ + A₂ + ln(e^A₃ + [x > 0] e^A₄).
 * @param params model parameters
 * @param data per-customer x, tx, T
 */
export function bgnbdLogLikelihood(params: BgnbdParams, data: BgnbdData): number {
  const u = Float64Array.from(NAMES, (name) => Math.log(params[name]));
  return -data.x.length * negLogLikelihood(data)(u, new Float64Array(4));
}

/**
 * Fits BG/NBD by maximum likelihood with BFGS on the log-parameters (see `fitMaximumLikelihood` for
 * the convergence rules). α is fitted in units of max(T) / 10, as `lifetimes` does, so that the
 * bounds check applies to a unit-free value.
 * @param data per-customer x, tx, T (Float64Arrays of equal length)
 * @param options starting point and stopping rules
 * @throws Error on invalid data; NoteError when no customer has a repeat purchase (then a and b are not
 *   identified and the likelihood rises without bound as r → 0)
 */
export function fitBgnbd(data: BgnbdData, options: BgnbdFitOptions = {}): ModelFit<BgnbdParams> {
  const f = negLogLikelihood(data);
  const n = data.x.length;
  if (!data.x.some((v) => v > 0)) {
    throw new NoteError(note('bgnbdNoRepeat', { n }));
  }
  const maxT = data.T.reduce((m, v) => Math.max(m, v), 0);
  if (!(maxT > 0)) throw new NoteError(note('bgnbdZeroAge'));
  const initial = options.initial ?? { r: 1, alpha: maxT / 10, a: 1, b: 1 };
  return fitMaximumLikelihood(f, NAMES, initial, { alpha: 10 / maxT }, n, options);
}

/**
 * Expected purchases in (T, T + t] of a customer who is still alive at T:
 * (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r+x) · 2F1(r + x, b + x; a + b + x − 1; z)]
 * with z = t/(α + T + t). Euler's transformation turns the product into
 * (1 − z)^(a−1) · 2F1(a + b − 1 − r, a − 1; a + b + x − 1; z), whose parameters do not grow with x:
 * no overflow for heavy buyers and fast convergence for long horizons (the remedy of Fader &
 * Hardie, "Overcoming the BG/NBD model's #NUM! error problem", 2013 note). Undefined at a = 1.
 */
function purchasesIfAlive({ r, alpha, a, b }: BgnbdParams, t: number, x: number, T: number): number {
  if (!(t >= 0)) throw new RangeError(`BG/NBD: horizon t must be ≥ 0, got ${t}`);
  const z = t / (alpha + T + t);
  const c = a + b + x - 1;
  return (c / (a - 1)) * (1 - Math.pow(1 - z, a - 1) * hyp2f1(a + b - 1 - r, a - 1, c, z));
}

/**
 * Expected number of purchases of a new customer in a period of length t, E[X(t)]
 * (FHL 2005). Undefined at a = 1.
 * @param params model parameters
 * @param t length of the period, in the time unit of T
 */
export function expectedPurchases(params: BgnbdParams, t: number): number {
  return purchasesIfAlive(params, t, 0, 0);
}

/**
 * Probability that a customer with history (x, tx, T) is still alive at T (FHL 2005):
 * 1 / (1 + [x > 0] · a/(b + x − 1) · ((α + T)/(α + tx))^(r+x)),
 * evaluated through the logistic function of the log-odds so that it neither overflows nor
 * loses precision near 0 or 1.
 * @param params model parameters
 * @param x repeat purchases
 * @param tx time of the last purchase
 * @param T age of the customer
 */
export function probabilityAlive({ r, alpha, a, b }: BgnbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const logOdds = Math.log(a / (b + x - 1)) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return logOdds > 0 ? Math.exp(-logOdds) / (1 + Math.exp(-logOdds)) : 1 / (1 + Math.exp(logOdds));
}

/**
 * Expected purchases in the next t time units of a customer with history (x, tx, T),
 * E[Y(t) | x, tx, T] (FHL 2005): the purchases expected if alive times the probability of
 * being alive. Undefined at a = 1.
 * @param params model parameters
 * @param t length of the future period, in the time unit of T
 * @param x repeat purchases
 * @param tx time of the last purchase
 * @param T age of the customer
 */
export function conditionalExpectedPurchases(params: BgnbdParams, t: number, x: number, tx: number, T: number): number {
  return purchasesIfAlive(params, t, x, T) * probabilityAlive(params, x, tx, T);
}
