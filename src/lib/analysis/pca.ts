/**
 * Principal component analysis to two components, for plotting clusters of d-dimensional data.
 * Pure; numerically meant for small d (tens of features): it forms the d × d covariance and finds
 * its two leading eigenvectors by orthogonal (block power) iteration with a Rayleigh–Ritz step.
 */
import { createRng, normal } from './random';

/** Two principal components of a data matrix and the data projected onto them. */
export interface Pca2Result {
  /** n × 2 scores, row-major: `projection[2 * i]` is PC1 of row i, `projection[2 * i + 1]` PC2. */
  projection: Float64Array;
  /** Share of the total variance along PC1 and PC2 (0 and 0 for constant data). */
  explainedVarianceRatio: [number, number];
  /** 2 × d unit loadings, row-major (PC1 first). */
  components: Float64Array;
  /** Per-feature mean that was subtracted before projecting. */
  mean: Float64Array;
  /** Iterations of the block power method. */
  iterations: number;
}

const MAX_ITER = 10_000;
const RESIDUAL_TOL = 1e-13;

/**
 * Projects centred data onto its first two principal components. Signs follow scikit-learn's
 * `svd_flip`: each component is oriented so that the score with the largest magnitude is positive.
 * @param data n × d values, row-major
 * @param n number of rows, at least 2
 * @param d number of features, at least 2
 * @throws RangeError on a shape mismatch, n < 2 or d < 2
 */
export function pca2(data: Float64Array, n: number, d: number): Pca2Result {
  if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`pca2 needs at least 2 rows, got ${n}`);
  if (!(Number.isInteger(d) && d >= 2)) throw new RangeError(`pca2 needs at least 2 features, got ${d}`);
  if (data.length !== n * d) throw new RangeError(`data has length ${data.length}, expected n × d = ${n * d}`);

  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f] += data[i * d + f];
  for (let f = 0; f < d; f++) mean[f] /= n;
  const cov = covariance(data, n, d, mean);
  let trace = 0;
  for (let f = 0; f < d; f++) trace += cov[f * d + f];

  const components = new Float64Array(2 * d);
  let eigen: [number, number] = [0, 0];
  let iterations = 0;
  if (trace > 0) {
    ({ eigen, iterations } = leadingPair(cov, d, trace, components));
  } else {
    components[0] = 1;
    components[d + 1] = 1;
  }

  const projection = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    let s1 = 0;
    let s2 = 0;
    for (let f = 0; f < d; f++) {
      const v = data[i * d + f] - mean[f];
      s1 += v * components[f];
      s2 += v * components[d + f];
    }
    projection[2 * i] = s1;
    projection[2 * i + 1] = s2;
  }
  for (let c = 0; c < 2; c++) {
    let extreme = 0;
    for (let i = 0; i < n; i++) if (Math.abs(projection[2 * i + c]) > Math.abs(extreme)) extreme = projection[2 * i + c];
    if (extreme < 0) {
      for (let i = 0; i < n; i++) projection[2 * i + c] = -projection[2 * i + c];
      for (let f = 0; f < d; f++) components[c * d + f] = -components[c * d + f];
    }
  }
  const ratio: [number, number] = trace > 0 ? [eigen[0] / trace, eigen[1] / trace] : [0, 0];
  return { projection, explainedVarianceRatio: ratio, components, mean, iterations };
}

/** Sample covariance (divisor n − 1), d × d row-major, from data centred on `mean`. */
function covariance(data: Float64Array, n: number, d: number, mean: Float64Array): Float64Array {
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) row[f] = data[i * d + f] - mean[f];
    for (let a = 0; a < d; a++) {
      const va = row[a];
      const oa = a * d;
      for (let b = a; b < d; b++) cov[oa + b] += va * row[b];
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      cov[a * d + b] /= n - 1;
      cov[b * d + a] = cov[a * d + b];
    }
  }
  return cov;
}

/**
 * The two largest eigenpairs of a symmetric positive semi-definite matrix by orthogonal iteration:
 * Q ← orth(C Q) until ‖C Q − Q (QᵀC Q)‖_F ≤ 1e-13 × trace, then a Rayleigh–Ritz rotation
 * separates the two eigenvectors inside the converged plane. Writes the vectors into `out` (2 × d).
 */
function leadingPair(
  cov: Float64Array,
  d: number,
  trace: number,
  out: Float64Array
): { eigen: [number, number]; iterations: number } {
  const rng = createRng(0x5eed);
  const q = new Float64Array(2 * d);
  for (let i = 0; i < 2 * d; i++) q[i] = normal(rng);
  orthonormalise(q, d);
  const z = new Float64Array(2 * d);
  let h: [number, number, number] = [0, 0, 0];
  let iterations = 0;
  for (;;) {
    iterations++;
    multiply(cov, d, q, z);
    h = [dot(q, 0, z, 0, d), dot(q, 0, z, d, d), dot(q, d, z, d, d)];
    let residual = 0;
    for (let f = 0; f < d; f++) {
      const r1 = z[f] - q[f] * h[0] - q[d + f] * h[1];
      const r2 = z[d + f] - q[f] * h[1] - q[d + f] * h[2];
      residual += r1 * r1 + r2 * r2;
    }
    if (Math.sqrt(residual) <= RESIDUAL_TOL * trace || iterations === MAX_ITER) break;
    q.set(z);
    orthonormalise(q, d);
  }
  const [a, b, c] = h;
  const mid = (a + c) / 2;
  const radius = Math.hypot((a - c) / 2, b);
  const theta = 0.5 * Math.atan2(2 * b, a - c);
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  for (let f = 0; f < d; f++) {
    out[f] = cos * q[f] + sin * q[d + f];
    out[d + f] = -sin * q[f] + cos * q[d + f];
  }
  return { eigen: [mid + radius, Math.max(0, mid - radius)], iterations };
}

/** Out = C · Q for the two columns of Q (stored as two rows of length d). */
function multiply(cov: Float64Array, d: number, q: Float64Array, out: Float64Array): void {
  for (let r = 0; r < d; r++) {
    let s1 = 0;
    let s2 = 0;
    for (let f = 0; f < d; f++) {
      s1 += cov[r * d + f] * q[f];
      s2 += cov[r * d + f] * q[d + f];
    }
    out[r] = s1;
    out[d + r] = s2;
  }
}

/**
 * Gram–Schmidt, applied twice for numerical orthogonality, on the two rows of `q`. A second row
 * that vanishes (rank-one covariance) is replaced by a unit vector orthogonal to the first.
 */
function orthonormalise(q: Float64Array, d: number): void {
  scale(q, 0, d, 1 / Math.sqrt(dot(q, 0, q, 0, d)));
  const before = Math.sqrt(dot(q, d, q, d, d));
  for (let pass = 0; pass < 2; pass++) {
    const p = dot(q, 0, q, d, d);
    for (let f = 0; f < d; f++) q[d + f] -= p * q[f];
  }
  let norm = Math.sqrt(dot(q, d, q, d, d));
  if (!(norm > 1e-12 * before)) {
    let pick = 0;
    for (let f = 1; f < d; f++) if (Math.abs(q[f]) < Math.abs(q[pick])) pick = f;
    for (let f = 0; f < d; f++) q[d + f] = (f === pick ? 1 : 0) - q[pick] * q[f];
    norm = Math.sqrt(dot(q, d, q, d, d));
  }
  scale(q, d, d, 1 / norm);
}

function dot(x: Float64Array, ox: number, y: Float64Array, oy: number, d: number): number {
  let s = 0;
  for (let f = 0; f < d; f++) s += x[ox + f] * y[oy + f];
  return s;
}

function scale(x: Float64Array, o: number, d: number, factor: number): void {
  for (let f = 0; f < d; f++) x[o + f] *= factor;
}
