/**
 * k-modes for all-categorical data (Z. Huang, "Extensions to the k-means algorithm for clustering
 * large data sets with categorical values", Data Mining and Knowledge Discovery 2, 1998).
 * Rows are n × d category codes (non-negative integers, row-major); the dissimilarity of a row and
 * a mode is the number of attributes on which they differ (simple matching). Pure and seeded.
 */
import { createRng, sampleIndices, type Rng } from './random';
import { note, NoteError } from '../i18n/note';

/** Options of {@link fitKmodes}. */
export interface KmodesOptions {
  /** Independent random starts; the one with the lowest cost is kept. Default 10. */
  restarts?: number;
  /** Seed of the generator behind the starts. Default 0. */
  seed?: number;
  /** Passes over the data per start at most. Default 100. */
  maxIter?: number;
}

/** A fitted k-modes clustering. */
export interface KmodesResult {
  /** Cluster index in [0, k) per row. */
  labels: Int32Array;
  /** k × d modes (category codes), row-major. */
  modes: Int32Array;
  /** Sum over rows of the number of attributes that differ from the row's mode. */
  cost: number;
  /** Reallocation passes of the kept start. */
  iterations: number;
  /** False when the kept start still moved rows in its last allowed pass. */
  converged: boolean;
}

/**
 * Fits Huang's k-modes. Each start takes k distinct rows in a seeded random order as the initial
 * modes, allocates every row to its nearest mode and sets each mode to its cluster's most frequent
 * category per attribute. Then it passes over the rows, moving a row to a strictly nearer mode and
 * updating both modes at once, until a pass moves nothing.
 *
 * Ties: a row stays in its cluster unless another mode is strictly nearer (else the lowest
 * cluster index wins); a mode keeps its category while that category is among the most frequent
 * (else the smallest such code). A row that is the last member of its cluster is not moved, so no
 * cluster becomes empty.
 * @param codes n × d category codes, row-major, each a non-negative integer
 * @param n number of rows
 * @param d number of attributes
 * @param k number of clusters, 1 ≤ k ≤ n
 * @param options restarts, seed, maxIter (see {@link KmodesOptions})
 * @throws RangeError on a shape mismatch, a negative code or an invalid option; NoteError on fewer
 *   than k distinct rows
 */
export function fitKmodes(codes: Int32Array, n: number, d: number, k: number, options: KmodesOptions = {}): KmodesResult {
  const { restarts = 10, seed = 0, maxIter = 100 } = options;
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (!(Number.isInteger(d) && d >= 1)) throw new RangeError(`d must be a positive integer, got ${d}`);
  if (codes.length !== n * d) throw new RangeError(`codes has length ${codes.length}, expected n × d = ${n * d}`);
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new RangeError(`k must be an integer in [1, n = ${n}], got ${k}`);
  if (!(Number.isInteger(restarts) && restarts >= 1)) throw new RangeError(`restarts must be a positive integer, got ${restarts}`);
  if (!(Number.isInteger(maxIter) && maxIter >= 1)) throw new RangeError(`maxIter must be a positive integer, got ${maxIter}`);
  const offsets = new Int32Array(d + 1);
  const cardinality = new Int32Array(d);
  for (let i = 0; i < codes.length; i++) {
    const v = codes[i];
    if (v < 0) throw new RangeError(`code ${v} at row ${Math.floor(i / d)}, column ${i % d} is negative`);
    if (v >= cardinality[i % d]) cardinality[i % d] = v + 1;
  }
  for (let j = 0; j < d; j++) offsets[j + 1] = offsets[j] + cardinality[j];

  const rng = createRng(seed);
  let best: KmodesResult | null = null;
  for (let r = 0; r < restarts; r++) {
    const run = runOnce(codes, n, d, k, offsets, maxIter, rng);
    if (best === null || run.cost < best.cost) best = run;
  }
  return best as KmodesResult;
}

function runOnce(codes: Int32Array, n: number, d: number, k: number, offsets: Int32Array, maxIter: number, rng: Rng): KmodesResult {
  const modes = initialModes(codes, n, d, k, rng);
  const width = offsets[d];
  const freq = new Int32Array(k * width);
  const size = new Int32Array(k);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = nearest(codes, i, d, modes, k, -1);
    labels[i] = c;
    size[c]++;
    for (let j = 0; j < d; j++) freq[c * width + offsets[j] + codes[i * d + j]]++;
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) refreshMode(freq, c, j, width, offsets, modes, d);

  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    iterations++;
    let moves = 0;
    for (let i = 0; i < n; i++) {
      const from = labels[i];
      const to = nearest(codes, i, d, modes, k, from);
      if (to === from || size[from] === 1) continue;
      moves++;
      labels[i] = to;
      size[from]--;
      size[to]++;
      for (let j = 0; j < d; j++) {
        const v = codes[i * d + j];
        freq[from * width + offsets[j] + v]--;
        const added = ++freq[to * width + offsets[j] + v];
        if (added > freq[to * width + offsets[j] + modes[to * d + j]]) modes[to * d + j] = v;
        if (modes[from * d + j] === v) refreshMode(freq, from, j, width, offsets, modes, d);
      }
    }
    if (moves === 0) {
      converged = true;
      break;
    }
  }
  let cost = 0;
  for (let i = 0; i < n; i++) cost += mismatches(codes, i, d, modes, labels[i]);
  return { labels, modes, cost, iterations, converged };
}

/** k distinct rows taken in a seeded random order. */
function initialModes(codes: Int32Array, n: number, d: number, k: number, rng: Rng): Int32Array {
  const order = sampleIndices(n, n, rng);
  const modes = new Int32Array(k * d);
  let chosen = 0;
  for (let s = 0; s < n && chosen < k; s++) {
    const i = order[s];
    let duplicate = false;
    for (let c = 0; c < chosen && !duplicate; c++) duplicate = mismatches(codes, i, d, modes, c) === 0;
    if (duplicate) continue;
    modes.set(codes.subarray(i * d, i * d + d), chosen * d);
    chosen++;
  }
  if (chosen < k) throw new NoteError(note('kmodesTooFewRows', { k, distinct: chosen }));
  return modes;
}

/** The nearest mode; `current` (or −1) wins ties, otherwise the lowest index. */
function nearest(codes: Int32Array, i: number, d: number, modes: Int32Array, k: number, current: number): number {
  let best = current;
  let bestDist = current >= 0 ? mismatches(codes, i, d, modes, current) : Infinity;
  for (let c = 0; c < k; c++) {
    if (c === current) continue;
    const dist = mismatches(codes, i, d, modes, c);
    if (dist < bestDist) {
      bestDist = dist;
      best = c;
    }
  }
  return best;
}

function mismatches(codes: Int32Array, i: number, d: number, modes: Int32Array, c: number): number {
  let count = 0;
  for (let j = 0; j < d; j++) if (codes[i * d + j] !== modes[c * d + j]) count++;
  return count;
}

/** Sets mode (c, j) to the most frequent code, keeping the current one when it is tied for most. */
function refreshMode(freq: Int32Array, c: number, j: number, width: number, offsets: Int32Array, modes: Int32Array, d: number): void {
  const base = c * width + offsets[j];
  let bestCode = modes[c * d + j];
  let bestCount = freq[base + bestCode];
  for (let v = 0; v < offsets[j + 1] - offsets[j]; v++) {
    if (freq[base + v] > bestCount) {
      bestCount = freq[base + v];
      bestCode = v;
    }
  }
  modes[c * d + j] = bestCode;
}

/** Options of {@link matchingSilhouette}. */
export interface MatchingSilhouetteOptions {
  /** Score a seeded uniform sample of this many rows (without replacement) when there are more. */
  sampleSize?: number;
  /** Seed of the sample. Default 0. */
  seed?: number;
}

/**
 * Mean silhouette under the matching (Hamming) dissimilarity, the number of attributes on which two
 * rows differ: what k-modes minimises, and scikit-learn's `silhouette_score(X, labels,
 * metric='hamming')` (which divides by d; the silhouette does not change). On a sample, a and b are
 * taken within the sample, as `silhouette_score(sample_size=…)` does. A row alone in its cluster
 * scores 0.
 * @param codes n × d category codes, row-major
 * @param n rows
 * @param d attributes
 * @param labels cluster in [0, k) per row
 * @param k number of clusters
 * @param options sampleSize and seed
 * @throws RangeError on a shape mismatch or a label outside [0, k); NoteError on fewer than 2 (or
 *   more than m − 1) clusters among the m scored rows
 */
export function matchingSilhouette(codes: Int32Array, n: number, d: number, labels: Int32Array, k: number, options: MatchingSilhouetteOptions = {}): number {
  if (codes.length !== n * d) throw new RangeError(`codes has length ${codes.length}, expected n × d = ${n * d}`);
  if (labels.length !== n) throw new RangeError(`labels has length ${labels.length}, expected ${n}`);
  const { sampleSize, seed = 0 } = options;
  const rows = sampleSize !== undefined && sampleSize < n ? sampleIndices(n, sampleSize, createRng(seed)) : Int32Array.from({ length: n }, (_, i) => i);
  const m = rows.length;
  const x = new Int32Array(m * d);
  const lab = new Int32Array(m);
  const counts = new Float64Array(k);
  for (let s = 0; s < m; s++) {
    const i = rows[s];
    const l = labels[i];
    if (!(Number.isInteger(l) && l >= 0 && l < k)) throw new RangeError(`label ${l} of row ${i} is outside [0, ${k})`);
    lab[s] = l;
    counts[l]++;
    x.set(codes.subarray(i * d, i * d + d), s * d);
  }
  let present = 0;
  for (let c = 0; c < k; c++) if (counts[c] > 0) present++;
  if (present < 2 || present > m - 1) throw new NoteError(note('silhouetteClusters', { max: m - 1, found: present }));
  const sums = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      let dist = 0;
      for (let a = 0; a < d; a++) if (x[i * d + a] !== x[j * d + a]) dist++;
      sums[i * k + lab[j]] += dist;
      sums[j * k + lab[i]] += dist;
    }
  }
  let total = 0;
  for (let i = 0; i < m; i++) {
    const li = lab[i];
    if (counts[li] <= 1) continue;
    const a = sums[i * k + li] / (counts[li] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== li && counts[c] > 0) b = Math.min(b, sums[i * k + c] / counts[c]);
    const denom = Math.max(a, b);
    if (denom > 0) total += (b - a) / denom;
  }
  return total / m;
}
