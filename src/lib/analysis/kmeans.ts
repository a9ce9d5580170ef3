/**
 * k-means on typed arrays: n points × d features stored row-major in one Float64Array
 * (`data[i * d + j]` is feature j of point i). Pure and deterministic for a given seed.
 *
 * The algorithm follows scikit-learn's `KMeans(algorithm="lloyd")` (sklearn/cluster/_kmeans.py):
 * greedy k-means++ seeding, Lloyd iterations stopped when the labels stop changing or when the sum
 * of squared centre shifts falls to `tol × mean feature variance`, empty clusters relocated to the
 * points farthest from their centres, and the best of several restarts by inertia. The assignment
 * step uses Hamerly's bounds (G. Hamerly, "Making k-means even faster", SDM 2010) and the seeding
 * the triangle inequality, both to skip distance computations that cannot change the outcome: from
 * the same starting centres the labels, iteration count and inertia are scikit-learn's (checked in
 * tests/unit/kmeans.test.ts), up to floating-point ties.
 */
import { createRng, sampleIndices, type Rng } from './random';
import { note, NoteError } from '../i18n/note';

/** Options of {@link fitKmeans}. */
export interface KmeansOptions {
  /** Independent k-means++ starts; the result with the lowest inertia is kept. Default 10. */
  restarts?: number;
  /** Seed of the generator behind seeding and restarts. Default 0. */
  seed?: number;
  /** Lloyd iterations per start at most. Default 300. */
  maxIter?: number;
  /** Relative tolerance: stop when Σ‖centre shift‖² ≤ tol × mean feature variance. Default 1e-4. */
  tol?: number;
  /** Non-negative weight per point (length n): weighted means, weighted inertia, weighted seeding. */
  weights?: Float64Array;
  /** k × d initial centres instead of k-means++; then a single start is run and `restarts` is ignored. */
  init?: Float64Array;
}

/** A fitted clustering. */
export interface KmeansResult {
  /** Cluster index in [0, k) per point. */
  labels: Int32Array;
  /** k × d centres, row-major. */
  centroids: Float64Array;
  /** Sum over points of weight × squared distance to the assigned centre. */
  inertia: number;
  /** Lloyd iterations of the kept start. */
  iterations: number;
  /** False when the kept start stopped at `maxIter` before meeting the tolerance. */
  converged: boolean;
}

/** Seeds chosen by {@link kmeansPlusPlus}. */
export interface KmeansSeeds {
  /** k × d initial centres, row-major. */
  centroids: Float64Array;
  /** Row index of the data point behind each centre. */
  indices: Int32Array;
}

/**
 * Greedy k-means++ seeding as in scikit-learn's `_kmeans_plusplus`: the first centre is a
 * (weighted) random point; each further centre is the best of `2 + floor(ln k)` candidates drawn
 * with probability ∝ weight × squared distance to the nearest chosen centre, "best" meaning the
 * lowest resulting potential Σ weight × min squared distance.
 * @param data n × d values, row-major
 * @param n number of points
 * @param d number of features
 * @param k number of centres, 1 ≤ k ≤ n
 * @param rng the generator to draw from (advanced in place)
 * @param weights optional non-negative weight per point
 * @throws RangeError on a shape mismatch or a non-finite value; NoteError when the points with
 *   positive weight have fewer than k distinct positions
 */
export function kmeansPlusPlus(
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  rng: Rng,
  weights?: Float64Array
): KmeansSeeds {
  checkShape(data, n, d, k, weights);
  const { centroids, indices } = seedPlusPlus(data, n, d, k, rng, weights ?? null);
  return { centroids, indices };
}

/** k-means++ seeds plus, per point, the nearest seed and the squared distance to it. */
interface Seeding extends KmeansSeeds {
  owner: Int32Array;
  closest: Float64Array;
}

/**
 * The work of {@link kmeansPlusPlus}. A candidate can only lower a point's distance when it lies
 * closer than twice that distance to the point's nearest seed (triangle inequality), so other
 * points are skipped without changing the result.
 */
function seedPlusPlus(
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  rng: Rng,
  w: Float64Array | null,
  buffers: SeedBuffers = new SeedBuffers(n)
): Seeding {
  const centroids = new Float64Array(k * d);
  const indices = new Int32Array(k);
  const trials = 2 + Math.floor(Math.log(k));
  const { closest, owner, cumulative } = buffers;
  const gap = new Float64Array(k);

  const first = w === null ? rng.nextInt(n) : drawProportional(w, cumulative, rng);
  indices[0] = first;
  centroids.set(data.subarray(first * d, first * d + d), 0);
  closest.fill(Infinity);
  owner.fill(0);
  gap[0] = 0;
  let pot = improve(data, n, d, first, 0, closest, owner, gap, true, w);

  for (let c = 1; c < k; c++) {
    if (!(pot > 0)) {
      throw new NoteError(note('kmeansTooFewPoints', { k, weighted: w ? 'yes' : 'no', distinct: c }));
    }
    for (let i = 0; i < n; i++) cumulative[i] = (w === null ? closest[i] : w[i] * closest[i]) + (i > 0 ? cumulative[i - 1] : 0);
    let bestPot = Infinity;
    let bestId = -1;
    for (let t = 0; t < trials; t++) {
      const id = drawFromCumulative(cumulative, rng);
      for (let j = 0; j < c; j++) gap[j] = squaredDistance(data, id * d, centroids, j * d, d);
      const candidatePot = improve(data, n, d, id, c, closest, owner, gap, false, w);
      if (candidatePot < bestPot) {
        bestPot = candidatePot;
        bestId = id;
      }
    }
    indices[c] = bestId;
    centroids.set(data.subarray(bestId * d, bestId * d + d), c * d);
    for (let j = 0; j < c; j++) gap[j] = squaredDistance(data, bestId * d, centroids, j * d, d);
    pot = improve(data, n, d, bestId, c, closest, owner, gap, true, w);
  }
  return { centroids, indices, owner, closest };
}

/** Work arrays of the seeding, reused across restarts. */
class SeedBuffers {
  readonly closest: Float64Array;
  readonly owner: Int32Array;
  readonly cumulative: Float64Array;
  constructor(n: number) {
    this.closest = new Float64Array(n);
    this.owner = new Int32Array(n);
    this.cumulative = new Float64Array(n);
  }
}

/**
 * The weighted potential Σ w × min(closest, squared distance to candidate point p); with `commit`
 * it also stores those minima in `closest` and `c` in `owner` where the candidate wins. `gap[j]` is
 * the squared distance from p to seed j: where gap ≥ 4 × closest the candidate cannot win and the
 * distance is not measured.
 */
function improve(
  data: Float64Array,
  n: number,
  d: number,
  p: number,
  c: number,
  closest: Float64Array,
  owner: Int32Array,
  gap: Float64Array,
  commit: boolean,
  w: Float64Array | null
): number {
  const op = p * d;
  let pot = 0;
  for (let i = 0; i < n; i++) {
    let value = closest[i];
    if (gap[owner[i]] < 4 * value) {
      const s = squaredDistance(data, i * d, data, op, d);
      if (s < value) {
        value = s;
        if (commit) {
          closest[i] = s;
          owner[i] = c;
        }
      }
    }
    pot += w === null ? value : w[i] * value;
  }
  return pot;
}

function squaredDistance(x: Float64Array, ox: number, y: Float64Array, oy: number, d: number): number {
  let acc = 0;
  for (let f = 0; f < d; f++) {
    const diff = x[ox + f] - y[oy + f];
    acc += diff * diff;
  }
  return acc;
}

/**
 * Fits k-means: `restarts` k-means++ starts (or the given `init` centres), each refined by Lloyd
 * iterations, keeping the start with the lowest inertia. The same inputs and seed give the same
 * result.
 *
 * Empty clusters: when a Lloyd step leaves a cluster without (positive-weight) points, its centre
 * moves onto the point farthest from its own centre (the next farthest for a second empty
 * cluster, and so on), and that point's weight moves with it, as scikit-learn does.
 * @param data n × d values, row-major; every value must be finite
 * @param n number of points
 * @param d number of features
 * @param k number of clusters, 1 ≤ k ≤ n
 * @param options restarts, seed, maxIter, tol, weights, init (see {@link KmeansOptions})
 * @throws RangeError on a shape mismatch, a non-finite value or an invalid option; NoteError when
 *   there are fewer distinct points than k
 */
export function fitKmeans(data: Float64Array, n: number, d: number, k: number, options: KmeansOptions = {}): KmeansResult {
  const { restarts = 10, seed = 0, maxIter = 300, tol = 1e-4, weights, init } = options;
  checkShape(data, n, d, k, weights);
  if (init !== undefined && (init.length !== k * d || !init.every(Number.isFinite))) {
    throw new RangeError(`init must hold k × d = ${k * d} finite values`);
  }
  if (!(Number.isInteger(restarts) && restarts >= 1)) throw new RangeError(`restarts must be a positive integer, got ${restarts}`);
  if (!(Number.isInteger(maxIter) && maxIter >= 1)) throw new RangeError(`maxIter must be a positive integer, got ${maxIter}`);
  if (!(tol >= 0 && Number.isFinite(tol))) throw new RangeError(`tol must be a finite number ≥ 0, got ${tol}`);
  const rng = createRng(seed);
  const tolAbs = tol * meanVariance(data, n, d);
  const lloyd = new Lloyd(data, n, d, k, weights ?? null);
  const buffers = init === undefined ? new SeedBuffers(n) : undefined;
  let bestResult: KmeansResult | null = null;
  for (let r = 0; r < (init === undefined ? restarts : 1); r++) {
    const seeding = init === undefined ? seedPlusPlus(data, n, d, k, rng, weights ?? null, buffers) : null;
    const centroids = seeding === null ? (init as Float64Array).slice() : seeding.centroids;
    const run = lloyd.run(centroids, seeding, maxIter, tolAbs);
    if (bestResult === null || run.inertia < bestResult.inertia) {
      bestResult = { ...run, labels: lloyd.labels.slice() };
    }
  }
  return bestResult as KmeansResult;
}

/** Options of {@link silhouette}. */
export interface SilhouetteOptions {
  /** Score a seeded random sample of this many rows when n is larger. Default: all rows. */
  sampleSize?: number;
  /** Seed of the sample. Default 0. */
  seed?: number;
}

/**
 * Mean silhouette coefficient with Euclidean distances, as scikit-learn's `silhouette_score`:
 * for each row, a = mean distance to the other rows of its cluster, b = the lowest mean distance
 * to the rows of another cluster, s = (b − a) / max(a, b); s = 0 for a row alone in its cluster
 * (and where a = b = 0). With `sampleSize` < n the score is that of a uniform random sample of rows
 * without replacement (seeded), clusters counted within the sample. Exact: O(m² d) for m rows.
 * @param data n × d values, row-major
 * @param n number of points
 * @param d number of features
 * @param labels cluster index in [0, k) per point
 * @param k number of clusters
 * @param options sampleSize and seed (see {@link SilhouetteOptions})
 * @throws RangeError on a shape mismatch, a non-finite value or a label outside [0, k); NoteError
 *   unless the scored rows hold between 2 and m − 1 distinct clusters
 */
export function silhouette(
  data: Float64Array,
  n: number,
  d: number,
  labels: Int32Array,
  k: number,
  options: SilhouetteOptions = {}
): number {
  checkShape(data, n, d, 1);
  if (labels.length !== n) throw new RangeError(`labels has length ${labels.length}, expected ${n}`);
  const { sampleSize, seed = 0 } = options;
  const rows = sampleSize !== undefined && sampleSize < n ? sampleIndices(n, sampleSize, createRng(seed)) : null;
  const m = rows === null ? n : rows.length;
  const x = rows === null ? data : new Float64Array(m * d);
  const lab = new Int32Array(m);
  for (let s = 0; s < m; s++) {
    const i = rows === null ? s : rows[s];
    const l = labels[i];
    if (!(Number.isInteger(l) && l >= 0 && l < k)) throw new RangeError(`label ${l} of row ${i} is outside [0, ${k})`);
    lab[s] = l;
    if (rows !== null) x.set(data.subarray(i * d, i * d + d), s * d);
  }
  const counts = new Float64Array(k);
  for (let s = 0; s < m; s++) counts[lab[s]]++;
  let present = 0;
  for (let c = 0; c < k; c++) if (counts[c] > 0) present++;
  if (present < 2 || present > m - 1) {
    throw new NoteError(note('silhouetteClusters', { max: m - 1, found: present }));
  }

  const sums = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    const oi = i * d;
    const li = lab[i];
    for (let j = i + 1; j < m; j++) {
      const dist = Math.sqrt(squaredDistance(x, oi, x, j * d, d));
      sums[i * k + lab[j]] += dist;
      sums[j * k + li] += dist;
    }
  }

  let total = 0;
  for (let i = 0; i < m; i++) {
    const li = lab[i];
    if (counts[li] <= 1) continue;
    const a = sums[i * k + li] / (counts[li] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      if (c === li || counts[c] === 0) continue;
      const mean = sums[i * k + c] / counts[c];
      if (mean < b) b = mean;
    }
    const denom = Math.max(a, b);
    if (denom > 0) total += (b - a) / denom;
  }
  return total / m;
}

/** One fitted k for {@link suggestK}. */
export interface KCandidate {
  k: number;
  inertia: number;
  /** Mean silhouette; null or NaN where it was not computed (e.g. k = 1). */
  silhouette?: number | null;
}

/** Why {@link suggestK} chose its k. */
export type KSuggestionReason = 'max-silhouette' | 'elbow' | 'fewest-clusters';

/** The suggested k, why, and what each rule said. */
export interface KSuggestion {
  k: number;
  reason: KSuggestionReason;
  /** k with the highest silhouette, or null when no candidate has one. */
  silhouetteK: number | null;
  /** k at the elbow of the inertia curve, or null when there is none (fewer than 3 candidates, flat or not convex). */
  elbowK: number | null;
}

/**
 * Suggests a number of clusters from fits at several k. The rule, in order:
 * 1. `max-silhouette`: the k with the highest finite silhouette (the smaller k on a tie);
 * 2. `elbow`: otherwise the elbow of the inertia curve. k and inertia are scaled to [0, 1] between
 *    the first and the last candidate (by k), and the elbow is the interior candidate farthest below
 *    the straight line joining the first and last points (the smaller k on a tie);
 * 3. `fewest-clusters`: otherwise the smallest k.
 * Both the silhouette and the elbow choice are returned so a caller can show them side by side.
 * @param results one entry per fitted k, in any order; k values must be distinct
 * @throws RangeError when results is empty or repeats a k
 */
export function suggestK(results: readonly KCandidate[]): KSuggestion {
  if (results.length === 0) throw new RangeError('suggestK needs at least one fitted k');
  const sorted = [...results].sort((p, q) => p.k - q.k);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].k === sorted[i - 1].k) throw new RangeError(`k = ${sorted[i].k} appears more than once`);
  }
  let silhouetteK: number | null = null;
  let bestSilhouette = -Infinity;
  for (const r of sorted) {
    const s = r.silhouette;
    if (typeof s === 'number' && Number.isFinite(s) && s > bestSilhouette) {
      bestSilhouette = s;
      silhouetteK = r.k;
    }
  }
  const elbowK = elbow(sorted);
  if (silhouetteK !== null) return { k: silhouetteK, reason: 'max-silhouette', silhouetteK, elbowK };
  if (elbowK !== null) return { k: elbowK, reason: 'elbow', silhouetteK, elbowK };
  return { k: sorted[0].k, reason: 'fewest-clusters', silhouetteK, elbowK };
}

function elbow(sorted: readonly KCandidate[]): number | null {
  if (sorted.length < 3) return null;
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const drop = first.inertia - last.inertia;
  if (!(drop > 0)) return null;
  let bestK: number | null = null;
  let bestGap = 0;
  for (let i = 1; i < sorted.length - 1; i++) {
    const x = (sorted[i].k - first.k) / (last.k - first.k);
    const y = (sorted[i].inertia - last.inertia) / drop;
    const gap = 1 - x - y;
    if (gap > bestGap) {
      bestGap = gap;
      bestK = sorted[i].k;
    }
  }
  return bestK;
}

interface LloydRun {
  centroids: Float64Array;
  inertia: number;
  iterations: number;
  converged: boolean;
}

/**
 * Lloyd iterations on one data set, with work arrays reused across restarts. The assignment keeps
 * Hamerly's bounds per point: `upper` ≥ distance to its own centre, `lower` ≤ distance to any other
 * centre, and `half[c]` is half the distance from centre c to the nearest other centre.
 */
class Lloyd {
  readonly labels: Int32Array;
  private readonly upper: Float64Array;
  private readonly lower: Float64Array;
  private readonly sums: Float64Array;
  private readonly mass: Float64Array;
  private readonly shift: Float64Array;
  private readonly half: Float64Array;

  constructor(
    private readonly data: Float64Array,
    private readonly n: number,
    private readonly d: number,
    private readonly k: number,
    private readonly w: Float64Array | null
  ) {
    this.labels = new Int32Array(n);
    this.upper = new Float64Array(n);
    this.lower = new Float64Array(n);
    this.sums = new Float64Array(k * d);
    this.mass = new Float64Array(k);
    this.shift = new Float64Array(k);
    this.half = new Float64Array(k);
  }

  /**
   * Iterates from `centres` (updated in place) with scikit-learn's stopping rule: labels (assigned
   * to the current centres) equal to the previous iteration's, or Σ‖shift‖² ≤ tolAbs. When it stops
   * on the tolerance or on maxIter, the labels are assigned once more to the final centres. With a
   * k-means++ seeding, its nearest-seed labels and distances start the bounds (lower bounds 0).
   */
  run(centres: Float64Array, seeding: Seeding | null, maxIter: number, tolAbs: number): LloydRun {
    let exact = seeding === null;
    if (seeding !== null) {
      this.labels.set(seeding.owner);
      for (let i = 0; i < this.n; i++) this.upper[i] = Math.sqrt(seeding.closest[i]);
      this.lower.fill(0);
      this.halfGaps(centres);
    }
    let strict = false;
    let converged = false;
    let iterations = 0;
    while (iterations < maxIter) {
      const changed = this.assign(centres, exact);
      exact = this.updateCentres(centres);
      iterations++;
      let shiftTotal = 0;
      for (let c = 0; c < this.k; c++) shiftTotal += this.shift[c] * this.shift[c];
      if (iterations > 1 && changed === 0) {
        strict = true;
        converged = true;
        break;
      }
      if (shiftTotal <= tolAbs) {
        converged = true;
        break;
      }
      if (!exact) this.moveBounds(centres);
    }
    if (!strict) {
      if (converged && !exact) this.moveBounds(centres);
      this.assign(centres, exact);
    }
    return { centroids: centres, inertia: this.inertia(centres), iterations, converged };
  }

  /**
   * Assigns every point to its nearest centre; returns how many labels changed. Unless `exact`, a
   * point keeps its label without distance computations while its upper bound is at most
   * max(lower bound, half gap of its centre).
   */
  private assign(centres: Float64Array, exact: boolean): number {
    const { data, n, d, k, labels, upper, lower, half } = this;
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const a = labels[i];
      if (!exact) {
        const bound = half[a] > lower[i] ? half[a] : lower[i];
        if (upper[i] <= bound) continue;
        upper[i] = Math.sqrt(squaredDistance(data, i * d, centres, a * d, d));
        if (upper[i] <= bound) continue;
      }
      let d1 = Infinity;
      let d2 = Infinity;
      let best = 0;
      for (let c = 0; c < k; c++) {
        const acc = squaredDistance(data, i * d, centres, c * d, d);
        if (acc < d1) {
          d2 = d1;
          d1 = acc;
          best = c;
        } else if (acc < d2) {
          d2 = acc;
        }
      }
      if (best !== a) {
        changed++;
        labels[i] = best;
      }
      upper[i] = Math.sqrt(d1);
      lower[i] = Math.sqrt(d2);
    }
    return changed;
  }

  /**
   * Replaces the centres by the (weighted) means of their points, relocating empty clusters, and
   * records each centre's shift. Returns true when a relocation happened, so the next assignment
   * must be exact.
   */
  private updateCentres(centres: Float64Array): boolean {
    const { data, n, d, k, w, labels, sums, mass, shift } = this;
    sums.fill(0);
    mass.fill(0);
    for (let i = 0; i < n; i++) {
      const wi = w === null ? 1 : w[i];
      if (wi === 0) continue;
      const oc = labels[i] * d;
      const o = i * d;
      for (let f = 0; f < d; f++) sums[oc + f] += wi * data[o + f];
      mass[labels[i]] += wi;
    }
    const relocated = this.relocateEmpty(centres);
    for (let c = 0; c < k; c++) {
      const oc = c * d;
      let s = 0;
      for (let f = 0; f < d; f++) {
        const value = mass[c] > 0 ? sums[oc + f] / mass[c] : centres[oc + f];
        const diff = value - centres[oc + f];
        s += diff * diff;
        centres[oc + f] = value;
      }
      shift[c] = Math.sqrt(s);
    }
    return relocated;
  }

  /**
   * Gives each cluster without weight the point (of positive weight) farthest from its current
   * centre, the next farthest to the next empty cluster, and so on; labels stay as they are until
   * the next assignment, as in scikit-learn's `_relocate_empty_clusters_dense`.
   */
  private relocateEmpty(centres: Float64Array): boolean {
    const { data, n, d, k, w, labels, sums, mass } = this;
    const empty: number[] = [];
    for (let c = 0; c < k; c++) if (!(mass[c] > 0)) empty.push(c);
    if (empty.length === 0) return false;
    const dist = new Float64Array(n);
    const order: number[] = [];
    for (let i = 0; i < n; i++) {
      if (w !== null && !(w[i] > 0)) continue;
      dist[i] = squaredDistance(data, i * d, centres, labels[i] * d, d);
      order.push(i);
    }
    order.sort((p, q) => dist[q] - dist[p] || p - q);
    for (let e = 0; e < empty.length && e < order.length; e++) {
      const i = order[e];
      const wi = w === null ? 1 : w[i];
      const from = labels[i] * d;
      const to = empty[e] * d;
      for (let f = 0; f < d; f++) {
        sums[from + f] -= wi * data[i * d + f];
        sums[to + f] = wi * data[i * d + f];
      }
      mass[labels[i]] -= wi;
      mass[empty[e]] = wi;
    }
    return true;
  }

  /** Loosens the bounds by the centre shifts and recomputes the half gaps. */
  private moveBounds(centres: Float64Array): void {
    const { n, k, labels, upper, lower, shift } = this;
    let top = 0;
    let topC = -1;
    let second = 0;
    for (let c = 0; c < k; c++) {
      if (shift[c] > top) {
        second = top;
        top = shift[c];
        topC = c;
      } else if (shift[c] > second) {
        second = shift[c];
      }
    }
    for (let i = 0; i < n; i++) {
      const a = labels[i];
      upper[i] += shift[a];
      lower[i] -= a === topC ? second : top;
    }
    this.halfGaps(centres);
  }

  private halfGaps(centres: Float64Array): void {
    const { d, k, half } = this;
    half.fill(Infinity);
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const h = Math.sqrt(squaredDistance(centres, p * d, centres, q * d, d)) / 2;
        if (h < half[p]) half[p] = h;
        if (h < half[q]) half[q] = h;
      }
    }
  }

  private inertia(centres: Float64Array): number {
    const { data, n, d, w, labels } = this;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const acc = squaredDistance(data, i * d, centres, labels[i] * d, d);
      total += w === null ? acc : w[i] * acc;
    }
    return total;
  }
}

/** Mean over features of the population variance (scikit-learn's `_tolerance` scale). */
function meanVariance(data: Float64Array, n: number, d: number): number {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f] += data[i * d + f];
  for (let f = 0; f < d; f++) mean[f] /= n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) {
      const diff = data[i * d + f] - mean[f];
      total += diff * diff;
    }
  }
  return total / n / d;
}

function drawProportional(w: Float64Array, cumulative: Float64Array, rng: Rng): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) {
    s += w[i];
    cumulative[i] = s;
  }
  return drawFromCumulative(cumulative, rng);
}

/** Index of the first entry whose cumulative mass exceeds u × total; never a zero-mass entry. */
function drawFromCumulative(cumulative: Float64Array, rng: Rng): number {
  const n = cumulative.length;
  const r = rng.next() * cumulative[n - 1];
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] > r) hi = mid;
    else lo = mid + 1;
  }
  if (lo >= n) {
    lo = n - 1;
    while (lo > 0 && cumulative[lo] === cumulative[lo - 1]) lo--;
  }
  return lo;
}

function checkShape(data: Float64Array, n: number, d: number, k: number, weights?: Float64Array): void {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (!(Number.isInteger(d) && d >= 1)) throw new RangeError(`d must be a positive integer, got ${d}`);
  if (data.length !== n * d) throw new RangeError(`data has length ${data.length}, expected n × d = ${n * d}`);
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new RangeError(`k must be an integer in [1, n = ${n}], got ${k}`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new RangeError(`data has a non-finite value (${data[i]}) at row ${Math.floor(i / d)}, column ${i % d}`);
    }
  }
  if (weights === undefined) return;
  if (weights.length !== n) throw new RangeError(`weights has length ${weights.length}, expected ${n}`);
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (!(weights[i] >= 0 && Number.isFinite(weights[i]))) throw new RangeError(`weight ${weights[i]} of row ${i} is not a finite number ≥ 0`);
    total += weights[i];
  }
  if (!(total > 0)) throw new RangeError('weights must not all be zero');
}
