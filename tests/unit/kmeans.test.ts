import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitKmeans, kmeansPlusPlus, silhouette, suggestK } from '../../src/lib/analysis/kmeans';
import { createRng, normal, sampleIndices } from '../../src/lib/analysis/random';

/** Fixture written by scripts/reference/kmeans_reference.py (scikit-learn KMeans / silhouette_score). */
interface ReferenceDataset {
  name: string;
  n: number;
  d: number;
  data: number[];
  kmeans: { k: number; inertia: number; iterations: number; silhouette: number; labels: number[] }[];
  fixedInit: { k: number; initRows: number[]; inertia: number; iterations: number; labels: number[] }[];
}
const reference: { sklearn: string; datasets: ReferenceDataset[] } = JSON.parse(
  readFileSync(new URL('../fixtures/reference/kmeans.json', import.meta.url), 'utf8')
);
const cases = reference.datasets.flatMap((ds) => ds.kmeans.map((fit) => ({ ds, fit, name: `${ds.name} k=${fit.k}` })));
const fixedCases = reference.datasets.flatMap((ds) => ds.fixedInit.map((run) => ({ ds, run, name: `${ds.name} k=${run.k}` })));

/** Two well-separated 2-D blobs of 50 points each around (0, 0) and (10, 10). */
function twoBlobs(): Float64Array {
  const rng = createRng(7);
  const data = new Float64Array(200);
  for (let i = 0; i < 100; i++) {
    const offset = i < 50 ? 0 : 10;
    data[2 * i] = offset + 0.5 * normal(rng);
    data[2 * i + 1] = offset + 0.5 * normal(rng);
  }
  return data;
}

function meanOf(data: Float64Array, d: number, rows: number[], f: number): number {
  return rows.reduce((s, i) => s + data[i * d + f], 0) / rows.length;
}

describe('createRng', () => {
  it('matches the reference C xoshiro128** seeded by splitmix32', () => {
    // From Blackman & Vigna's xoshiro128starstar.c with the state filled by four splitmix32 draws from seed 42.
    const rng = createRng(42);
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual([
      2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290
    ]);
  });

  it('draws doubles in [0, 1) with mean near 1/2', () => {
    const rng = createRng(1);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = rng.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });
});

describe('sampleIndices', () => {
  it('draws distinct indices in range and replays for the same seed', () => {
    const a = sampleIndices(1000, 300, createRng(3));
    expect(new Set(a).size).toBe(300);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(1000);
    expect(sampleIndices(1000, 300, createRng(3))).toEqual(a);
  });
});

describe('kmeansPlusPlus', () => {
  it('seeds one centre in each of two far-apart blobs, on data rows', () => {
    const data = twoBlobs();
    const { centroids, indices } = kmeansPlusPlus(data, 100, 2, 2, createRng(0));
    expect(indices.map((i) => (i < 50 ? 0 : 1)).sort()).toEqual(Int32Array.from([0, 1]));
    for (let c = 0; c < 2; c++) {
      expect(Array.from(centroids.subarray(2 * c, 2 * c + 2))).toEqual(Array.from(data.subarray(2 * indices[c], 2 * indices[c] + 2)));
    }
  });

  it('never draws a point of zero weight', () => {
    const data = Float64Array.from([0, 1, 2, 3, 100, 101]);
    const weights = Float64Array.from([1, 1, 1, 1, 0, 0]);
    for (let seed = 0; seed < 20; seed++) {
      const { indices } = kmeansPlusPlus(data, 6, 1, 3, createRng(seed), weights);
      expect(Math.max(...indices)).toBeLessThan(4);
    }
  });
});

describe('fitKmeans', () => {
  // Tolerance: our best-of-10 inertia may be lower than scikit-learn's (a better local optimum passes)
  // but at most 1 % higher. Labels may differ where the optima differ, so the silhouette of our
  // labels is held to 0.01 of scikit-learn's score. These bounds are as tight as scikit-learn's own
  // seed-to-seed spread: over seeds 0–39, 43 of 560 of our fits and 41 of 546 of scikit-learn's
  // (random_state 1–39) miss one of them, so a change to the PRNG or the seeding can flip a case
  // here without being wrong; compare against several seeds before loosening anything.
  it.each(cases)('reaches scikit-learn inertia within 1 % and its silhouette within 0.01 on $name', ({ ds, fit }) => {
    const data = Float64Array.from(ds.data);
    const result = fitKmeans(data, ds.n, ds.d, fit.k, { restarts: 10, seed: 0 });
    expect(result.converged).toBe(true);
    expect(result.inertia).toBeLessThanOrEqual(fit.inertia * 1.01);
    expect(Math.abs(silhouette(data, ds.n, ds.d, result.labels, fit.k) - fit.silhouette)).toBeLessThanOrEqual(0.01);
  });

  // From the same starting centres, Lloyd with Hamerly's bounds and scikit-learn's stopping rule
  // must take the same steps as scikit-learn: identical labels and iteration count, inertia to rounding.
  it.each(fixedCases)('repeats scikit-learn Lloyd from fixed starting centres on $name', ({ ds, run }) => {
    const data = Float64Array.from(ds.data);
    const init = new Float64Array(run.k * ds.d);
    run.initRows.forEach((row, c) => init.set(data.subarray(row * ds.d, (row + 1) * ds.d), c * ds.d));
    const result = fitKmeans(data, ds.n, ds.d, run.k, { init });
    expect(Array.from(result.labels)).toEqual(run.labels);
    expect(result.iterations).toBe(run.iterations);
    expect(Math.abs(result.inertia / run.inertia - 1)).toBeLessThan(1e-12);
  });

  it('starts from the seeding bounds exactly as from a full first assignment', () => {
    for (const ds of reference.datasets) {
      const data = Float64Array.from(ds.data);
      for (const k of [3, 6, 8]) {
        const seeded = fitKmeans(data, ds.n, ds.d, k, { restarts: 1, seed: k });
        const init = kmeansPlusPlus(data, ds.n, ds.d, k, createRng(k)).centroids;
        const fromInit = fitKmeans(data, ds.n, ds.d, k, { init });
        expect(seeded.labels).toEqual(fromInit.labels);
        expect(seeded.iterations).toBe(fromInit.iterations);
        expect(seeded.centroids).toEqual(fromInit.centroids);
      }
    }
  });

  it('separates two obvious blobs and returns their means and inertia', () => {
    const data = twoBlobs();
    const result = fitKmeans(data, 100, 2, 2, { seed: 5 });
    const first = result.labels[0];
    const expected = Array.from({ length: 100 }, (_, i) => (i < 50 ? first : 1 - first));
    expect(Array.from(result.labels)).toEqual(expected);
    const rows = [Array.from({ length: 50 }, (_, i) => i), Array.from({ length: 50 }, (_, i) => i + 50)];
    let inertia = 0;
    for (const [blob, members] of rows.entries()) {
      const c = blob === 0 ? first : 1 - first;
      for (let f = 0; f < 2; f++) {
        const mean = meanOf(data, 2, members, f);
        expect(result.centroids[c * 2 + f]).toBeCloseTo(mean, 12);
        for (const i of members) inertia += (data[i * 2 + f] - mean) ** 2;
      }
    }
    expect(result.inertia).toBeCloseTo(inertia, 9);
    expect(result.converged).toBe(true);
  });

  it('puts every point in one cluster at the mean for k = 1', () => {
    const data = Float64Array.from([1, 2, 3, 4, 5, 9]);
    const result = fitKmeans(data, 3, 2, 1);
    expect(Array.from(result.labels)).toEqual([0, 0, 0]);
    expect(result.centroids[0]).toBeCloseTo(3, 14);
    expect(result.centroids[1]).toBeCloseTo(5, 14);
    expect(result.inertia).toBeCloseTo(4 + 0 + 4 + (9 + 1 + 16), 12);
    expect(result.iterations).toBe(2);
  });

  it('reaches zero inertia on duplicate points with as many clusters as distinct points', () => {
    const data = Float64Array.from([1, 1, 1, 1, 5, 5, 1, 1, 5, 5, 5, 5]);
    const result = fitKmeans(data, 6, 2, 2);
    expect(result.inertia).toBe(0);
    const centres = [Array.from(result.centroids.subarray(0, 2)), Array.from(result.centroids.subarray(2, 4))];
    expect(centres.sort((a, b) => a[0] - b[0])).toEqual([
      [1, 1],
      [5, 5]
    ]);
    expect(result.labels[0]).toBe(result.labels[1]);
    expect(result.labels[0]).not.toBe(result.labels[2]);
  });

  it('throws a RangeError naming the count when k exceeds the distinct points', () => {
    const data = Float64Array.from([1, 1, 1, 5, 5, 5]);
    expect(() => fitKmeans(data, 6, 1, 3)).toThrow(/k = 3 needs at least 3 distinct points; the data have only 2/);
    expect(() => fitKmeans(data, 6, 1, 7)).toThrow(RangeError);
  });

  it('rejects non-finite values, a wrong length and bad weights', () => {
    expect(() => fitKmeans(Float64Array.from([0, NaN, 2, 3]), 2, 2, 1)).toThrow(/non-finite value \(NaN\) at row 0, column 1/);
    expect(() => fitKmeans(Float64Array.from([0, 1, 2]), 2, 2, 1)).toThrow(/expected n × d = 4/);
    expect(() => fitKmeans(Float64Array.from([0, 1]), 2, 1, 1, { weights: Float64Array.from([0, 0]) })).toThrow(/all be zero/);
    expect(() => fitKmeans(Float64Array.from([0, 1]), 2, 1, 1, { weights: Float64Array.from([1, -1]) })).toThrow(/row 1/);
  });

  it('replays exactly for the same seed', () => {
    const ds = reference.datasets[0];
    const data = Float64Array.from(ds.data);
    const a = fitKmeans(data, ds.n, ds.d, 5, { seed: 11, restarts: 3 });
    const b = fitKmeans(data, ds.n, ds.d, 5, { seed: 11, restarts: 3 });
    expect(b.labels).toEqual(a.labels);
    expect(b.centroids).toEqual(a.centroids);
    expect(b.inertia).toBe(a.inertia);
  });

  it('relocates an empty cluster to the farthest point (scikit-learn gives labels 0 0 0 1, inertia 2, 2 iterations)', () => {
    const data = Float64Array.from([0, 1, 2, 10]);
    const result = fitKmeans(data, 4, 1, 2, { init: Float64Array.from([1, 100]) });
    expect(Array.from(result.labels)).toEqual([0, 0, 0, 1]);
    expect(Array.from(result.centroids)).toEqual([1, 10]);
    expect(result.inertia).toBe(2);
    expect(result.iterations).toBe(2);
  });

  it('weights points like repeated rows', () => {
    const data = Float64Array.from([0, 0.5, 1, 10, 10.5, 11, 30]);
    const weights = Float64Array.from([1, 2, 1, 3, 1, 1, 2]);
    const repeated = Float64Array.from([0, 0.5, 0.5, 1, 10, 10, 10, 10.5, 11, 30, 30]);
    const w = fitKmeans(data, 7, 1, 3, { weights });
    const r = fitKmeans(repeated, 11, 1, 3);
    expect(w.inertia).toBeCloseTo(r.inertia, 12);
    expect(Array.from(w.centroids).sort((a, b) => a - b)).toEqual(Array.from(r.centroids).sort((a, b) => a - b));
  });

  it('stops at maxIter without claiming convergence', () => {
    const ds = reference.datasets[0];
    const result = fitKmeans(Float64Array.from(ds.data), ds.n, ds.d, 8, { maxIter: 1, restarts: 1, tol: 0 });
    expect(result.iterations).toBe(1);
    expect(result.converged).toBe(false);
  });
});

describe('silhouette', () => {
  // Same formula as scikit-learn: on scikit-learn's own labels the scores agree to rounding (1e-9).
  it.each(cases)("equals scikit-learn's silhouette_score for its labels on $name", ({ ds, fit }) => {
    const data = Float64Array.from(ds.data);
    expect(Math.abs(silhouette(data, ds.n, ds.d, Int32Array.from(fit.labels), fit.k) - fit.silhouette)).toBeLessThan(1e-9);
  });

  it('matches a hand computation on four points', () => {
    const score = silhouette(Float64Array.from([0, 1, 10, 11]), 4, 1, Int32Array.from([0, 0, 1, 1]), 2);
    expect(score).toBeCloseTo((9.5 / 10.5 + 8.5 / 9.5) / 2, 14);
  });

  it('scores a point alone in its cluster as 0', () => {
    const score = silhouette(Float64Array.from([0, 1, 10]), 3, 1, Int32Array.from([0, 0, 1]), 2);
    expect(score).toBeCloseTo((0.9 + 8 / 9) / 3, 14);
  });

  it('scores a seeded sample as the exact silhouette of the sampled rows', () => {
    const ds = reference.datasets[0];
    const data = Float64Array.from(ds.data);
    const labels = Int32Array.from(ds.kmeans[2].labels);
    const rows = sampleIndices(ds.n, 150, createRng(9));
    const sub = new Float64Array(150 * ds.d);
    rows.forEach((i, s) => sub.set(data.subarray(i * ds.d, (i + 1) * ds.d), s * ds.d));
    const subLabels = Int32Array.from(rows, (i) => labels[i]);
    const sampled = silhouette(data, ds.n, ds.d, labels, 4, { sampleSize: 150, seed: 9 });
    expect(sampled).toBe(silhouette(sub, 150, ds.d, subLabels, 4));
    expect(silhouette(data, ds.n, ds.d, labels, 4, { sampleSize: ds.n + 1 })).toBe(silhouette(data, ds.n, ds.d, labels, 4));
  });

  it('needs between 2 and m − 1 clusters', () => {
    const data = Float64Array.from([0, 1, 2]);
    expect(() => silhouette(data, 3, 1, Int32Array.from([0, 0, 0]), 2)).toThrow(/there are 1\./);
    expect(() => silhouette(data, 3, 1, Int32Array.from([0, 1, 2]), 3)).toThrow(/there are 3\./);
    expect(() => silhouette(data, 3, 1, Int32Array.from([0, 1, 2]), 2)).toThrow(/outside \[0, 2\)/);
  });
});

describe('suggestK', () => {
  it('picks the highest silhouette and reports the elbow beside it', () => {
    const mall = reference.datasets[1];
    const suggestion = suggestK(mall.kmeans.map(({ k, inertia, silhouette: s }) => ({ k, inertia, silhouette: s })));
    expect(suggestion).toEqual({ k: 5, reason: 'max-silhouette', silhouetteK: 5, elbowK: 5 });
  });

  it('falls back to the elbow farthest below the first–last line', () => {
    const inertia = [100, 40, 20, 15, 12, 10];
    const results = inertia.map((value, i) => ({ k: i + 1, inertia: value, silhouette: i === 0 ? null : NaN }));
    expect(suggestK(results)).toEqual({ k: 3, reason: 'elbow', silhouetteK: null, elbowK: 3 });
  });

  it('takes the smaller k on a silhouette tie and the smallest k when no rule applies', () => {
    expect(suggestK([{ k: 4, inertia: 5, silhouette: 0.5 }, { k: 3, inertia: 6, silhouette: 0.5 }]).k).toBe(3);
    expect(suggestK([{ k: 3, inertia: 6 }, { k: 2, inertia: 9 }])).toEqual({ k: 2, reason: 'fewest-clusters', silhouetteK: null, elbowK: null });
    expect(suggestK([{ k: 2, inertia: 10 }, { k: 3, inertia: 9 }, { k: 4, inertia: 5 }]).elbowK).toBeNull();
  });

  it('rejects an empty list and repeated k', () => {
    expect(() => suggestK([])).toThrow(RangeError);
    expect(() => suggestK([{ k: 2, inertia: 1 }, { k: 2, inertia: 2 }])).toThrow(/k = 2 appears more than once/);
  });
});
