/**
 * Lookalike scores over a row-major matrix of prepared features, with the features that made each
 * row score high. Three scorers share one shape: a score per row, and per row the (up to) three
 * features with the largest contribution to it.
 *
 * Rows are first standardised: zⱼ = (xⱼ − meanⱼ) / scaleⱼ, with the population mean and scale of
 * every prepared column (from SQL aggregates). Then:
 * - **centroid, cosine**: cos(z, c) with c the standardised seed centroid; feature j contributes
 *   zⱼcⱼ / (‖z‖‖c‖), and the contributions add up to the score;
 * - **centroid, euclidean**: 1 / (1 + √(‖z − c‖² / D)) with D columns, a similarity in (0, 1];
 *   feature j "contributes" −(zⱼ − cⱼ)²: the features closest to the seeds' profile come first;
 * - **k nearest seeds**: the mean of the k largest similarities (cosine or the euclidean one) to
 *   the training seeds; contributions are those of the metric, averaged over the k neighbours;
 * - **linear** (a fitted logistic model): σ(β₀ + x·β) on the unstandardised prepared values;
 *   feature j contributes βⱼxⱼ.
 * A feature's contribution sums its prepared columns (a one-hot feature has several). Cosine and
 * linear list only features with a positive contribution; euclidean lists the closest ones.
 */
import { sigmoid } from './logistic';
import { note, NoteError } from '../i18n/note';

/** The prepared rows a scorer reads. */
export interface ScoringInput {
  /** n × d prepared values, row-major. */
  matrix: Float64Array;
  n: number;
  d: number;
  /** For each of the d columns, the index of the feature it belongs to (0 … features − 1). */
  groups: Int32Array;
  features: number;
}

/** Population centre and scale of every prepared column. */
export interface ColumnScale {
  mean: Float64Array;
  scale: Float64Array;
}

/** Scores and the top features per row. */
export interface ScoreResult {
  scores: Float64Array;
  /** n × 3 feature indices, best first; −1 where a row has fewer than three to list. */
  top: Int16Array;
}

/** Features listed per row. */
export const TOP_FEATURES = 3;

/** A similarity of standardised vectors. */
export type Metric = 'cosine' | 'euclidean';

/**
 * Scores every row by its similarity to a centroid.
 * @param input the prepared rows
 * @param centroid the seeds' mean of every prepared column (unstandardised)
 * @param scale population mean and scale of every column
 * @param metric cosine or euclidean
 */
export function centroidScores(input: ScoringInput, centroid: Float64Array, scale: ColumnScale, metric: Metric): ScoreResult {
  const { d } = input;
  const c = standardise(centroid, 0, scale, d);
  const cNorm = Math.sqrt(dot(c, 0, c, 0, d));
  const z = new Float64Array(d);
  const terms = new Float64Array(d);
  return scoreRows(input, metric === 'cosine', (i) => {
    standardiseInto(input.matrix, i * d, scale, z);
    if (metric === 'cosine') {
      const norm = Math.sqrt(dot(z, 0, z, 0, d)) * cNorm;
      let score = 0;
      for (let j = 0; j < d; j++) {
        terms[j] = norm > 0 ? (z[j] * c[j]) / norm : 0;
        score += terms[j];
      }
      return { score, terms };
    }
    let dist = 0;
    for (let j = 0; j < d; j++) {
      const diff = z[j] - c[j];
      terms[j] = -diff * diff;
      dist += diff * diff;
    }
    return { score: 1 / (1 + Math.sqrt(dist / d)), terms };
  });
}

/**
 * Scores every row by the mean similarity to its k most similar seeds (the first seed wins a tie).
 * @param input the prepared rows
 * @param seeds the rows of the matrix that are the (training) seeds
 * @param k neighbours, ≥ 1 (at most the number of seeds)
 * @param scale population mean and scale of every column
 * @param metric cosine or euclidean
 */
export function knnScores(input: ScoringInput, seeds: Int32Array, k: number, scale: ColumnScale, metric: Metric): ScoreResult {
  const { matrix, d } = input;
  const m = seeds.length;
  if (!(m >= 1)) throw new NoteError(note('knnNoSeeds'));
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`k must be a whole number ≥ 1, got ${k}`);
  const kk = Math.min(k, m);
  const cosine = metric === 'cosine';
  const s = new Float64Array(m * d);
  const sNorm2 = new Float64Array(m);
  seeds.forEach((row, a) => {
    standardiseInto(matrix, row * d, scale, s.subarray(a * d, a * d + d));
    let q = dot(s, a * d, s, a * d, d);
    if (cosine && q > 0) {
      const inv = 1 / Math.sqrt(q);
      for (let j = 0; j < d; j++) s[a * d + j] *= inv;
      q = 1;
    }
    sNorm2[a] = q;
  });
  const z = new Float64Array(d);
  const terms = new Float64Array(d);
  const best = new Float64Array(kk);
  const bestAt = new Int32Array(kk);
  return scoreRows(input, cosine, (i) => {
    standardiseInto(matrix, i * d, scale, z);
    let zNorm2 = dot(z, 0, z, 0, d);
    if (cosine && zNorm2 > 0) {
      const inv = 1 / Math.sqrt(zNorm2);
      for (let j = 0; j < d; j++) z[j] *= inv;
      zNorm2 = 1;
    }
    best.fill(Number.NEGATIVE_INFINITY);
    bestAt.fill(-1);
    for (let a = 0; a < m; a++) {
      const zs = dot(z, 0, s, a * d, d);
      const sim = cosine ? zs : 1 / (1 + Math.sqrt(Math.max(0, zNorm2 + sNorm2[a] - 2 * zs) / d));
      if (sim <= best[kk - 1]) continue;
      let at = kk - 1;
      while (at > 0 && sim > best[at - 1]) {
        best[at] = best[at - 1];
        bestAt[at] = bestAt[at - 1];
        at--;
      }
      best[at] = sim;
      bestAt[at] = a;
    }
    let score = 0;
    terms.fill(0);
    for (let t = 0; t < kk; t++) {
      score += best[t];
      const base = bestAt[t] * d;
      for (let j = 0; j < d; j++) {
        if (cosine) terms[j] += (z[j] * s[base + j]) / kk;
        else {
          const diff = z[j] - s[base + j];
          terms[j] -= (diff * diff) / kk;
        }
      }
    }
    return { score: score / kk, terms };
  });
}

/**
 * Scores every row with a fitted logistic model: σ(β₀ + x·β).
 * @param input the prepared rows
 * @param intercept β₀
 * @param coefficients β, one per prepared column
 */
export function linearScores(input: ScoringInput, intercept: number, coefficients: Float64Array): ScoreResult {
  const { matrix, d } = input;
  const terms = new Float64Array(d);
  return scoreRows(input, true, (i) => {
    let z = intercept;
    for (let j = 0; j < d; j++) {
      terms[j] = coefficients[j] * matrix[i * d + j];
      z += terms[j];
    }
    return { score: sigmoid(z), terms };
  });
}

function scoreRows(input: ScoringInput, positiveOnly: boolean, row: (i: number) => { score: number; terms: Float64Array }): ScoreResult {
  const { n, d, groups, features } = input;
  const scores = new Float64Array(n);
  const top = new Int16Array(n * TOP_FEATURES).fill(-1);
  const byFeature = new Float64Array(features);
  for (let i = 0; i < n; i++) {
    const { score, terms } = row(i);
    scores[i] = score;
    byFeature.fill(0);
    for (let j = 0; j < d; j++) byFeature[groups[j]] += terms[j];
    pickTop(byFeature, positiveOnly, top, i * TOP_FEATURES);
  }
  return { scores, top };
}

/** Writes the indices of the three largest values (ties: lower index first) into `out` at `at`. */
function pickTop(values: Float64Array, positiveOnly: boolean, out: Int16Array, at: number): void {
  for (let slot = 0; slot < TOP_FEATURES; slot++) {
    let pick = -1;
    for (let f = 0; f < values.length; f++) {
      if (positiveOnly && !(values[f] > 0)) continue;
      let taken = false;
      for (let t = 0; t < slot; t++) if (out[at + t] === f) taken = true;
      if (!taken && (pick < 0 || values[f] > values[pick])) pick = f;
    }
    if (pick < 0) return;
    out[at + slot] = pick;
  }
}

function standardise(x: Float64Array, offset: number, scale: ColumnScale, d: number): Float64Array {
  const out = new Float64Array(d);
  standardiseInto(x, offset, scale, out);
  return out;
}

function standardiseInto(x: Float64Array, offset: number, scale: ColumnScale, out: Float64Array): void {
  for (let j = 0; j < out.length; j++) out[j] = (x[offset + j] - scale.mean[j]) / scale.scale[j];
}

function dot(a: Float64Array, ai: number, b: Float64Array, bi: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += a[ai + j] * b[bi + j];
  return s;
}
