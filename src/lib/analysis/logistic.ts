/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
 * squares) with step halving, on a row-major matrix. The objective is scikit-learn's
 * `LogisticRegression(penalty='l2', C)`, divided by C:
 *
 *   Σᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ] + ‖β‖² / (2C),  zᵢ = β₀ + xᵢ·β,
 *
 * with the intercept β₀ not penalised, so the same C gives the same coefficients. Each Newton step
 * costs one pass over the rows (gradient and the (d+1)² Hessian) and a Cholesky solve; for a few
 * dozen prepared features that is faster and more exact than a quasi-Newton method.
 */
import { note, NoteError } from '../i18n/note';

/**
 * Relative change of the objective treated as rounding noise: near the optimum a Newton step lowers
 * the objective by less than its last bits, so the line search accepts it on that margin and the
 * gradient test decides.
 */
const NOISE = 1e-12;

/** Gradient (per row) below which a fit whose line search no longer finds a decrease counts as converged. */
const PRECISION = 1e-6;

/** Options of {@link fitLogistic}. */
export interface LogisticOptions {
  /** Inverse regularisation strength (scikit-learn's C), > 0. Default 1. */
  C?: number;
  /** Newton steps at most. Default 50. */
  maxIterations?: number;
  /** Converged once max |∂/∂β| ≤ tol × max(1, rows). Default 1e-10. */
  tol?: number;
}

/** A fitted logistic model. */
export interface LogisticFit {
  intercept: number;
  /** One coefficient per column of the matrix. */
  coefficients: Float64Array;
  /** The objective at the optimum (see the module comment). */
  loss: number;
  iterations: number;
  converged: boolean;
  /** Rows the model was fitted on, and how many of them were positive. */
  rows: number;
  positives: number;
}

/**
 * log(1 + e^z) without overflow.
 * @param z any number
 */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * The logistic function 1 / (1 + e^{−z}).
 * @param z any number
 */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * Fits an L2-regularised logistic regression on the rows `rows` of an n × d row-major matrix.
 * @param x the matrix, `x[i * d + j]`
 * @param d columns
 * @param y the 0/1 label of every row of the matrix (only `rows` are read)
 * @param rows the training rows (indices into the matrix)
 * @param options C, maxIterations, tol
 * @throws RangeError on C ≤ 0; NoteError when the training rows hold only one class
 */
export function fitLogistic(x: Float64Array, d: number, y: ArrayLike<number>, rows: Int32Array, options: LogisticOptions = {}): LogisticFit {
  const C = options.C ?? 1;
  const maxIterations = options.maxIterations ?? 50;
  const tol = (options.tol ?? 1e-10) * Math.max(1, rows.length);
  if (!(C > 0 && Number.isFinite(C))) throw new RangeError(`C must be a finite number > 0, got ${C}`);
  let positives = 0;
  for (let t = 0; t < rows.length; t++) positives += y[rows[t]] ? 1 : 0;
  if (positives === 0 || positives === rows.length) {
    throw new NoteError(note('logisticOneClass', { positives, rows: rows.length }));
  }
  const p = d + 1;
  const beta = new Float64Array(p);
  beta[0] = Math.log(positives / (rows.length - positives));
  const grad = new Float64Array(p);
  const hess = new Float64Array(p * p);
  const step = new Float64Array(p);
  const trial = new Float64Array(p);
  const row = new Float64Array(p);
  let loss = objective(x, d, y, rows, beta, C);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    gradientAndHessian(x, d, y, rows, beta, C, grad, hess, row);
    let worst = 0;
    for (let j = 0; j < p; j++) worst = Math.max(worst, Math.abs(grad[j]));
    if (worst <= tol) {
      converged = true;
      break;
    }
    solveCholesky(hess, grad, step, p);
    let t = 1;
    let next = Number.POSITIVE_INFINITY;
    for (let halvings = 0; halvings < 40; halvings++) {
      for (let j = 0; j < p; j++) trial[j] = beta[j] - t * step[j];
      next = objective(x, d, y, rows, trial, C);
      if (next <= loss + NOISE * Math.abs(loss)) break;
      t /= 2;
    }
    iterations++;
    if (!(next <= loss + NOISE * Math.abs(loss))) {
      // No step lowers the objective any more: precision is exhausted. That is the optimum when
      // the gradient is already small, else the fit failed.
      converged = worst <= PRECISION * Math.max(1, rows.length);
      break;
    }
    beta.set(trial);
    loss = next;
  }
  return { intercept: beta[0], coefficients: beta.slice(1), loss, iterations, converged, rows: rows.length, positives };
}

function objective(x: Float64Array, d: number, y: ArrayLike<number>, rows: Int32Array, beta: Float64Array, C: number): number {
  let total = 0;
  for (let t = 0; t < rows.length; t++) {
    const i = rows[t];
    let z = beta[0];
    const base = i * d;
    for (let j = 0; j < d; j++) z += beta[j + 1] * x[base + j];
    total += softplus(z) - (y[i] ? z : 0);
  }
  let penalty = 0;
  for (let j = 1; j <= d; j++) penalty += beta[j] * beta[j];
  return total + penalty / (2 * C);
}

function gradientAndHessian(
  x: Float64Array,
  d: number,
  y: ArrayLike<number>,
  rows: Int32Array,
  beta: Float64Array,
  C: number,
  grad: Float64Array,
  hess: Float64Array,
  row: Float64Array
): void {
  const p = d + 1;
  grad.fill(0);
  hess.fill(0);
  row[0] = 1;
  for (let t = 0; t < rows.length; t++) {
    const i = rows[t];
    const base = i * d;
    let z = beta[0];
    for (let j = 0; j < d; j++) {
      row[j + 1] = x[base + j];
      z += beta[j + 1] * row[j + 1];
    }
    const mu = sigmoid(z);
    const r = mu - (y[i] ? 1 : 0);
    const w = mu * (1 - mu);
    for (let a = 0; a < p; a++) {
      const ra = row[a];
      grad[a] += r * ra;
      const wa = w * ra;
      const at = a * p;
      for (let b = a; b < p; b++) hess[at + b] += wa * row[b];
    }
  }
  for (let j = 1; j < p; j++) {
    grad[j] += beta[j] / C;
    hess[j * p + j] += 1 / C;
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) hess[a * p + b] = hess[b * p + a];
}

/** Solves H s = g for a symmetric positive definite H (Cholesky, in place on a copy); a tiny ridge keeps a near-singular H solvable. */
function solveCholesky(h: Float64Array, g: Float64Array, out: Float64Array, p: number): void {
  const l = new Float64Array(p * p);
  let ridge = 0;
  for (let attempt = 0; attempt < 10; attempt++) {
    if (cholesky(h, l, p, ridge)) break;
    ridge = ridge === 0 ? 1e-10 * (1 + maxDiagonal(h, p)) : ridge * 100;
  }
  for (let i = 0; i < p; i++) {
    let s = g[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * out[k];
    out[i] = s / l[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = out[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * out[k];
    out[i] = s / l[i * p + i];
  }
}

function cholesky(h: Float64Array, l: Float64Array, p: number, ridge: number): boolean {
  l.fill(0);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = h[i * p + j] + (i === j ? ridge : 0);
      for (let k = 0; k < j; k++) s -= l[i * p + k] * l[j * p + k];
      if (i === j) {
        if (!(s > 0)) return false;
        l[i * p + i] = Math.sqrt(s);
      } else l[i * p + j] = s / l[j * p + j];
    }
  }
  return true;
}

function maxDiagonal(h: Float64Array, p: number): number {
  let m = 0;
  for (let i = 0; i < p; i++) m = Math.max(m, Math.abs(h[i * p + i]));
  return m;
}
