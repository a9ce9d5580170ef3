import { describe, expect, it } from 'vitest';
import { fitKmodes, matchingSilhouette } from '../../src/lib/analysis/kmodes';

// channel (0 online, 1 store, 2 app), region (0 north, 1 south), payment (0 card, 1 cash, 2 invoice)
const table = Int32Array.from([
  0, 0, 0,
  0, 0, 0,
  0, 0, 1,
  2, 0, 0,
  1, 1, 1,
  1, 1, 1,
  1, 1, 2,
  1, 0, 1
]);

describe('fitKmodes', () => {
  it('finds the two hand-made groups, their modes and cost 4', () => {
    const result = fitKmodes(table, 8, 3, 2, { seed: 1 });
    const a = result.labels[0];
    expect(Array.from(result.labels)).toEqual([a, a, a, a, 1 - a, 1 - a, 1 - a, 1 - a]);
    expect(Array.from(result.modes.subarray(3 * a, 3 * a + 3))).toEqual([0, 0, 0]);
    expect(Array.from(result.modes.subarray(3 * (1 - a), 3 * (1 - a) + 3))).toEqual([1, 1, 1]);
    expect(result.cost).toBe(4);
    expect(result.converged).toBe(true);
  });

  it('takes the most frequent category per attribute for k = 1', () => {
    const result = fitKmodes(table, 8, 3, 1);
    expect(Array.from(result.modes)).toEqual([1, 0, 1]);
    expect(result.cost).toBe(2 + 2 + 1 + 2 + 1 + 1 + 2 + 0);
  });

  it('replays for the same seed and never leaves a cluster empty', () => {
    for (let seed = 0; seed < 10; seed++) {
      const a = fitKmodes(table, 8, 3, 4, { seed, restarts: 2 });
      expect(fitKmodes(table, 8, 3, 4, { seed, restarts: 2 })).toEqual(a);
      expect(new Set(a.labels).size).toBe(4);
    }
  });

  it('rejects more clusters than distinct rows, negative codes and a wrong length', () => {
    expect(() => fitKmodes(Int32Array.from([0, 0, 0, 0, 1, 1]), 3, 2, 3)).toThrow(/k = 3 needs at least 3 distinct rows; the data have only 2/);
    expect(() => fitKmodes(Int32Array.from([0, -1]), 1, 2, 1)).toThrow(/negative/);
    expect(() => fitKmodes(Int32Array.from([0, 1, 2]), 2, 2, 1)).toThrow(/expected n × d = 4/);
  });
});

describe('matchingSilhouette', () => {
  // Reference: scikit-learn 1.x (Debian python3-sklearn), same rows and labels:
  //   X = [[((i*7+j*3) % (j+2)) if i % 5 else (i*j) % 3 for j in range(4)] for i in range(60)]
  //   silhouette_score(X, [(i*i) % 3 for i in range(60)], metric='hamming') → 0.209079398966892
  const n = 60;
  const d = 4;
  const codes = Int32Array.from({ length: n * d }, (_, x) => {
    const [i, j] = [Math.floor(x / d), x % d];
    return i % 5 ? (i * 7 + j * 3) % (j + 2) : (i * j) % 3;
  });
  const labels = Int32Array.from({ length: n }, (_, i) => (i * i) % 3);

  it("equals scikit-learn's silhouette_score with metric='hamming' (to 1e-12)", () => {
    expect(Math.abs(matchingSilhouette(codes, n, d, labels, 3) - 0.209079398966892)).toBeLessThan(1e-12);
  });

  it('scores a seeded sample the same way every time and refuses a single cluster', () => {
    const a = matchingSilhouette(codes, n, d, labels, 3, { sampleSize: 30, seed: 5 });
    expect(matchingSilhouette(codes, n, d, labels, 3, { sampleSize: 30, seed: 5 })).toBe(a);
    expect(a).not.toBe(matchingSilhouette(codes, n, d, labels, 3));
    expect(() => matchingSilhouette(codes, n, d, new Int32Array(n), 3)).toThrow(/needs between 2 and/);
  });
});
