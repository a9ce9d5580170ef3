/**
 * The Gamma-Gamma model of spend per transaction (Colombo & Jiang 1999; Fader, Hardie & Lee,
 * "The Gamma-Gamma model of monetary value", 2013 note). A customer's transaction values are
 * Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, so the mean m̄ of x transactions is
 * Gamma(px, νx). The model is fitted on repeat customers (x > 0) and assumes that spend per
 * transaction does not depend on how often a customer buys.
 */
import { distinctValues, fitMaximumLikelihood, type MinimizeOptions, type ModelFit, type Objective } from './optimize';
import { digamma, gammaln } from './special';
import { note, NoteError } from '../i18n/note';

/** Gamma-Gamma parameters: shape p of a transaction's value, shape q and scale γ of its rate ν. */
export interface GammaGammaParams {
  p: number;
  q: number;
  /** In the money unit of m̄ (`v` in `lifetimes`). */
  gamma: number;
}

/** Per-customer statistics, one entry per customer; customers with x = 0 are ignored. */
export interface GammaGammaData {
  /** Repeat purchases (frequency). */
  x: Float64Array;
  /** Mean value of the repeat purchases; must be > 0 where x > 0. */
  mbar: Float64Array;
}

/** Starting point and stopping rules for `fitGammaGamma`. */
export interface GammaGammaFitOptions extends MinimizeOptions {
  /** Default: p = q = 1 and γ = mean of m̄ over the repeat customers. */
  initial?: GammaGammaParams;
}

/** A model diagnostic that makes the expected spend unreliable or undefined. */
export interface GammaGammaWarning {
  code: 'MEAN_SPEND_UNDEFINED' | 'FREQUENCY_SPEND_CORRELATION';
  /** The offending value: q, or the correlation coefficient. */
  value: number;
  message: string;
}

/**
 * |Pearson correlation| between x and m̄ above which `ggWarnings` reports a dependence. Fader &
 * Hardie check the independence assumption by eye on this correlation (0.11 for CDNOW); 0.3 is
 * the conventional border between a weak and a moderate correlation.
 */
export const CORRELATION_THRESHOLD = 0.3;

const NAMES = ['p', 'q', 'gamma'] as const;

interface RepeatCustomers {
  x: Float64Array;
  mbar: Float64Array;
  meanSpend: number;
}

function repeatCustomers({ x, mbar }: GammaGammaData): RepeatCustomers {
  if (mbar.length !== x.length) throw new Error(`Gamma-Gamma: x and mbar differ in length (${x.length}, ${mbar.length})`);
  let count = 0;
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] >= 0 && Number.isFinite(x[i]))) throw new Error(`Gamma-Gamma: customer ${i} has x = ${x[i]}; need finite x ≥ 0`);
    if (x[i] === 0) continue;
    if (!(mbar[i] > 0 && Number.isFinite(mbar[i]))) {
      throw new NoteError(note('gammaGammaSpend', { customer: i, x: x[i], spend: mbar[i] }));
    }
    count++;
    total += mbar[i];
  }
  if (count === 0) throw new NoteError(note('gammaGammaNoRepeat', { n: x.length }));
  const out = { x: new Float64Array(count), mbar: new Float64Array(count), meanSpend: total / count };
  for (let i = 0, j = 0; i < x.length; i++) {
    if (x[i] === 0) continue;
    out.x[j] = x[i];
    out.mbar[j] = mbar[i];
    j++;
  }
  return out;
}

/**
 * The mean negative log-likelihood over repeat customers as a function of (ln p, ln q, ln γ), with
 * its gradient. Per customer, ℓ = ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln γ + (px − 1) ln m̄
 * + px ln x − (px + q) ln(x m̄ + γ); the gamma functions are evaluated once per distinct x, the
 * logarithms of the data once in advance, and the per-customer loop does one logarithm.
 */
function negLogLikelihood({ x, mbar }: RepeatCustomers): Objective {
  const n = x.length;
  const groups = distinctValues(x);
  let dataTerms = 0;
  let sumLogMbar = 0;
  for (let i = 0; i < n; i++) {
    dataTerms += x[i] * Math.log(x[i] * mbar[i]);
    sumLogMbar += Math.log(mbar[i]);
  }
  return (u, gradient) => {
    const p = Math.exp(u[0]);
    const q = Math.exp(u[1]);
    const gamma = Math.exp(u[2]);
    let ll = n * (q * u[2] - gammaln(q)) + p * dataTerms - sumLogMbar;
    let dp = dataTerms;
    let dq = n * (u[2] - digamma(q));
    let dgamma = (n * q) / gamma;
    for (let j = 0; j < groups.values.length; j++) {
      const px = p * groups.values[j];
      const c = groups.counts[j];
      const psi = digamma(px + q);
      ll += c * (gammaln(px + q) - gammaln(px));
      dp += c * groups.values[j] * (psi - digamma(px));
      dq += c * psi;
    }
    for (let i = 0; i < n; i++) {
      const shape = p * x[i] + q;
      const scaled = x[i] * mbar[i] + gamma;
      const lg = Math.log(scaled);
      ll -= shape * lg;
      dp -= x[i] * lg;
      dq -= lg;
      dgamma -= shape / scaled;
    }
    gradient[0] = (-p * dp) / n;
    gradient[1] = (-q * dq) / n;
    gradient[2] = (-gamma * dgamma) / n;
    return -ll / n;
  };
}

/**
 * Total Gamma-Gamma log-likelihood over the repeat customers (x > 0).
 * @param params model parameters
 * @param data per-customer x and m̄
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: GammaGammaData): number {
  const repeat = repeatCustomers(data);
  const u = Float64Array.from(NAMES, (name) => Math.log(params[name]));
  return -repeat.x.length * negLogLikelihood(repeat)(u, new Float64Array(3));
}

/**
 * Fits Gamma-Gamma by maximum likelihood on the repeat customers (x > 0) with BFGS on the
 * log-parameters (see `fitMaximumLikelihood` for the convergence rules). γ is fitted in units of the
 * mean m̄, so that the bounds check applies to a unit-free value.
 * @param data per-customer x and m̄ (Float64Arrays of equal length)
 * @param options starting point and stopping rules
 * @throws Error on invalid data; NoteError when a repeat buyer spends nothing or no customer has x > 0
 */
export function fitGammaGamma(data: GammaGammaData, options: GammaGammaFitOptions = {}): ModelFit<GammaGammaParams> {
  const repeat = repeatCustomers(data);
  const initial = options.initial ?? { p: 1, q: 1, gamma: repeat.meanSpend };
  return fitMaximumLikelihood(negLogLikelihood(repeat), NAMES, initial, { gamma: 1 / repeat.meanSpend }, repeat.x.length, options);
}

/**
 * Expected spend per transaction of a customer with x repeat purchases of mean value m̄,
 * E[M | x, m̄] = (1 − w)·pγ/(q − 1) + w·m̄ with w = px/(px + q − 1): a weighted mean of the
 * population mean and the customer's own mean. For x = 0 it is the population mean and m̄ is not
 * read.
 * @param params model parameters
 * @param x repeat purchases
 * @param mbar mean value of the repeat purchases
 * @throws RangeError when q ≤ 1 (the population mean spend is infinite; see `ggWarnings`)
 */
export function conditionalExpectedSpend({ p, q, gamma }: GammaGammaParams, x: number, mbar: number): number {
  if (!(q > 1)) throw new RangeError(`Gamma-Gamma: q = ${q} ≤ 1, so the mean spend per transaction is undefined`);
  const populationMean = (p * gamma) / (q - 1);
  if (x === 0) return populationMean;
  const w = (p * x) / (p * x + q - 1);
  return (1 - w) * populationMean + w * mbar;
}

function pearson(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Diagnostics of a Gamma-Gamma fit: q ≤ 1 (the population mean spend pγ/(q − 1) is undefined),
 * and a Pearson correlation between x and m̄ over the repeat customers beyond
 * ±`CORRELATION_THRESHOLD` (the model assumes spend is independent of frequency). A correlation
 * that is undefined (x or m̄ constant) raises no warning.
 * @param params fitted parameters
 * @param data the data the model was fitted on
 */
export function ggWarnings(params: GammaGammaParams, data: GammaGammaData): GammaGammaWarning[] {
  const warnings: GammaGammaWarning[] = [];
  if (!(params.q > 1)) {
    warnings.push({
      code: 'MEAN_SPEND_UNDEFINED',
      value: params.q,
      message: `q = ${params.q.toPrecision(3)} ≤ 1: spend is so heavy-tailed that the mean spend per transaction is undefined`
    });
  }
  const repeat = repeatCustomers(data);
  const rho = pearson(repeat.x, repeat.mbar);
  if (Math.abs(rho) > CORRELATION_THRESHOLD) {
    warnings.push({
      code: 'FREQUENCY_SPEND_CORRELATION',
      value: rho,
      message: `purchase frequency and mean spend correlate (Pearson r = ${rho.toFixed(2)}, beyond ±${CORRELATION_THRESHOLD}); the Gamma-Gamma model assumes they are independent`
    });
  }
  return warnings;
}
