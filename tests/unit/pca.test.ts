import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pca2 } from '../../src/lib/analysis/pca';

/** Fixture written by scripts/reference/kmeans_reference.py (scikit-learn PCA(n_components=2)). */
interface ReferenceDataset {
  name: string;
  n: number;
  d: number;
  data: number[];
  pca: { components: number[]; explainedVarianceRatio: number[]; firstRows: number[] };
}
const reference: { datasets: ReferenceDataset[] } = JSON.parse(
  readFileSync(new URL('../fixtures/reference/kmeans.json', import.meta.url), 'utf8')
);

describe('pca2', () => {
  // Tolerances: explained variance ratio 1e-10 absolute; loadings and scores 1e-8 absolute, compared
  // up to the sign of each component (an eigenvector's sign is arbitrary).
  it.each(reference.datasets)('matches scikit-learn PCA up to sign on $name', ({ n, d, data, pca }) => {
    const result = pca2(Float64Array.from(data), n, d);
    expect(result.explainedVarianceRatio[0]).toBeCloseTo(pca.explainedVarianceRatio[0], 10);
    expect(result.explainedVarianceRatio[1]).toBeCloseTo(pca.explainedVarianceRatio[1], 10);
    for (let c = 0; c < 2; c++) {
      const sign = Math.sign(result.components[c * d]) === Math.sign(pca.components[c * d]) ? 1 : -1;
      for (let f = 0; f < d; f++) expect(Math.abs(sign * result.components[c * d + f] - pca.components[c * d + f])).toBeLessThan(1e-8);
      for (let i = 0; i < pca.firstRows.length / 2; i++) {
        expect(Math.abs(sign * result.projection[2 * i + c] - pca.firstRows[2 * i + c])).toBeLessThan(1e-8);
      }
    }
  });

  it.each(reference.datasets)("orients components like scikit-learn's svd_flip on $name", ({ n, d, data, pca }) => {
    const result = pca2(Float64Array.from(data), n, d);
    for (let c = 0; c < 2; c++) expect(Math.sign(result.components[c * d])).toBe(Math.sign(pca.components[c * d]));
  });

  it('finds the direction of points on a line with all the variance', () => {
    const data = new Float64Array(3 * 10);
    for (let i = 0; i < 10; i++) data.set([i, 2 * i, -2 * i], 3 * i);
    const result = pca2(data, 10, 3);
    expect(result.explainedVarianceRatio[0]).toBeCloseTo(1, 12);
    expect(result.explainedVarianceRatio[1]).toBeCloseTo(0, 12);
    expect(Array.from(result.components.subarray(0, 3)).map((v) => Math.abs(v))).toEqual([1 / 3, 2 / 3, 2 / 3].map((v) => expect.closeTo(v, 12)));
    const second = result.components.subarray(3, 6);
    expect(Math.hypot(...second)).toBeCloseTo(1, 12);
    expect(second[0] / 3 + (2 * second[1]) / 3 - (2 * second[2]) / 3).toBeCloseTo(0, 12);
    expect(Math.abs(result.projection[0])).toBeCloseTo(4.5 * 3, 12);
  });

  it('orders two orthogonal directions by their variance', () => {
    // Rows ±(1, 0, 10) and ±(0, 3, 0): sums of squares 202 along (1, 0, 10)/√101 and 18 along (0, 1, 0).
    const data = Float64Array.from([-1, 0, -10, 1, 0, 10, 0, -3, 0, 0, 3, 0]);
    const result = pca2(data, 4, 3);
    const r = Math.sqrt(101);
    expect(Array.from(result.components).map((v) => Math.abs(v))).toEqual([1 / r, 0, 10 / r, 0, 1, 0].map((v) => expect.closeTo(v, 12)));
    expect(result.explainedVarianceRatio[0]).toBeCloseTo(202 / 220, 12);
    expect(result.explainedVarianceRatio[1]).toBeCloseTo(18 / 220, 12);
  });

  it('gives zero ratios and zero scores for constant data', () => {
    const result = pca2(Float64Array.from([2, 5, 2, 5, 2, 5]), 3, 2);
    expect(result.explainedVarianceRatio).toEqual([0, 0]);
    expect(Array.from(result.projection)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('needs two rows and two features', () => {
    expect(() => pca2(Float64Array.from([1, 2]), 1, 2)).toThrow(/at least 2 rows/);
    expect(() => pca2(Float64Array.from([1, 2]), 2, 1)).toThrow(/at least 2 features/);
    expect(() => pca2(Float64Array.from([1, 2, 3]), 2, 2)).toThrow(/expected n × d = 4/);
  });
});
