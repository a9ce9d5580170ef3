import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  kpiIndex,
  meanInterval,
  normalCritical,
  ratioInterval,
  relativeMargin,
  tCritical,
  twoProportionZTest,
  wilsonInterval,
  type Estimate
} from '../../src/lib/analysis/stats';

/** Fixture written by scripts/reference/stats_reference.py (SciPy, computed from raw values). */
interface Reference {
  scipy: string;
  normal_quantile: { confidence: number; z: number }[];
  t_quantile: { confidence: number; df: number; t: number }[];
  wilson: { k: number; n: number; confidence: number; interval: [number, number] }[];
  mean: { name: string; confidence: number; values: number[]; mean: number; interval: [number, number] }[];
  ratio: { name: string; confidence: number; a: number[]; b: number[]; ratio: number; interval: [number, number] }[];
  ztest: { x1: number; n1: number; x2: number; n2: number; z: number; p: number }[];
}
const reference: Reference = JSON.parse(readFileSync(new URL('../fixtures/reference/stats.json', import.meta.url), 'utf8'));

/** Relative tolerance against SciPy: both are double-precision ports of the same special functions. */
const REL = 1e-9;

function close(actual: number, expected: number, rel = REL, what = ''): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  expect(Math.abs(actual - expected) / scale, `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(rel);
}

/** Plain and shifted (about the minimum) moment sums of values. */
function moments(values: number[], shift = 0) {
  const d = values.map((v) => v - shift);
  return { n: values.length, sum: d.reduce((s, v) => s + v, 0), sumSq: d.reduce((s, v) => s + v * v, 0), shift };
}

function ratioSums(a: number[], b: number[], shiftA = 0, shiftB = 0) {
  const da = a.map((v) => v - shiftA);
  const db = b.map((v) => v - shiftB);
  const total = (xs: number[]) => xs.reduce((s, v) => s + v, 0);
  return {
    n: a.length,
    sumA: total(da),
    sumB: total(db),
    sumA2: total(da.map((v) => v * v)),
    sumB2: total(db.map((v) => v * v)),
    sumAB: total(da.map((v, i) => v * db[i])),
    shiftA,
    shiftB
  };
}

describe('normalCritical', () => {
  it('matches scipy.stats.norm.ppf', () => {
    for (const c of reference.normal_quantile) close(normalCritical(c.confidence), c.z, REL, `confidence ${c.confidence}`);
  });

  it('refuses a confidence outside (0, 1)', () => {
    for (const bad of [0, 1, -0.5, 95, Number.NaN]) expect(() => normalCritical(bad)).toThrow(RangeError);
  });
});

describe('tCritical', () => {
  it('matches scipy.stats.t.ppf for 1 to 100,000 degrees of freedom', () => {
    for (const c of reference.t_quantile) close(tCritical(c.confidence, c.df), c.t, REL, `df ${c.df}, confidence ${c.confidence}`);
  });

  it('matches the closed forms for 1 and 2 degrees of freedom', () => {
    // df = 1 is the Cauchy distribution: tan(π (p − ½)); df = 2: (2p − 1) / √(2p(1 − p)).
    for (const c of [0.8, 0.9, 0.95, 0.99]) {
      const p = 1 - (1 - c) / 2;
      close(tCritical(c, 1), Math.tan(Math.PI * (p - 0.5)), 1e-13, `df 1, ${c}`);
      close(tCritical(c, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-13, `df 2, ${c}`);
    }
  });

  it('refuses non-positive degrees of freedom', () => {
    expect(() => tCritical(0.95, 0)).toThrow(RangeError);
  });
});

describe('wilsonInterval', () => {
  it('matches SciPy’s Wilson interval, including 0/n, n/n and n = 1', () => {
    for (const c of reference.wilson) {
      const e = wilsonInterval(c.k, c.n, c.confidence)!;
      const what = `${c.k}/${c.n} at ${c.confidence}`;
      expect(e.value).toBe(c.k / c.n);
      // SciPy clips to [0, 1] as the code does; compare the bounds absolutely near 0 and 1.
      expect(Math.abs(e.low - c.interval[0]), what).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(e.high - c.interval[1]), what).toBeLessThanOrEqual(1e-12);
      close(e.high - e.low, c.interval[1] - c.interval[0], REL, what);
    }
  });

  it('pins 0/n to a lower bound of 0 and n/n to an upper bound of 1', () => {
    expect(wilsonInterval(0, 25)!.low).toBe(0);
    expect(wilsonInterval(25, 25)!.high).toBe(1);
  });

  it('returns null for no rows and refuses impossible counts', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 2)).toThrow(RangeError);
  });
});

describe('meanInterval', () => {
  it('matches scipy.stats.t.interval from plain sums of well-scaled values', () => {
    for (const c of reference.mean.filter((m) => m.name !== 'large_mean')) {
      const e = meanInterval(moments(c.values), c.confidence)!;
      close(e.value, c.mean, 1e-12, c.name);
      close(e.low, c.interval[0], REL, `${c.name} low`);
      close(e.high, c.interval[1], REL, `${c.name} high`);
    }
  });

  it('keeps the width of a large mean with a small spread when the sums are shifted', () => {
    for (const c of reference.mean) {
      const e = meanInterval(moments(c.values, Math.min(...c.values)), c.confidence)!;
      close(e.value, c.mean, 1e-12, c.name);
      // The interval's half-width (about 0.1 around 1e6 for large_mean) is itself matched to 1e-9.
      close(e.high - e.low, c.interval[1] - c.interval[0], REL, `${c.name} width`);
    }
  });

  it('loses the large-mean width to cancellation without a shift, which is why the SQL shifts', () => {
    const c = reference.mean.find((m) => m.name === 'large_mean')!;
    const e = meanInterval(moments(c.values), c.confidence)!;
    const error = Math.abs(e.high - e.low - (c.interval[1] - c.interval[0])) / (c.interval[1] - c.interval[0]);
    expect(error).toBeGreaterThan(1e-9);
  });

  it('returns null for n = 0, an unbounded interval for n = 1 and a point for zero variance', () => {
    expect(meanInterval({ n: 0, sum: 0, sumSq: 0 })).toBeNull();
    expect(meanInterval({ n: 1, sum: 7, sumSq: 49 })).toEqual({ value: 7, low: -Infinity, high: Infinity });
    expect(meanInterval({ n: 4, sum: 12, sumSq: 36 })).toEqual({ value: 3, low: 3, high: 3 });
    expect(meanInterval({ n: 4, sum: 0, sumSq: 0, shift: 2.5 })).toEqual({ value: 2.5, low: 2.5, high: 2.5 });
  });
});

describe('ratioInterval', () => {
  it('matches the delta-method interval computed from the raw residuals', () => {
    for (const c of reference.ratio) {
      const shifted = ratioInterval(ratioSums(c.a, c.b, Math.min(...c.a), Math.min(...c.b)), c.confidence)!;
      close(shifted.value, c.ratio, 1e-12, c.name);
      close(shifted.low, c.interval[0], REL, `${c.name} low`);
      close(shifted.high, c.interval[1], REL, `${c.name} high`);
      if (c.name !== 'shifted') {
        const plain = ratioInterval(ratioSums(c.a, c.b), c.confidence)!;
        close(plain.low, c.interval[0], REL, `${c.name} plain low`);
        close(plain.high, c.interval[1], REL, `${c.name} plain high`);
      }
    }
  });

  it('returns null for no rows or a zero denominator, unbounded for n = 1, a point when a is proportional to b', () => {
    expect(ratioInterval(ratioSums([], []))).toBeNull();
    expect(ratioInterval(ratioSums([3, 4], [1, -1]))).toBeNull();
    expect(ratioInterval(ratioSums([6], [2]))).toEqual({ value: 3, low: -Infinity, high: Infinity });
    const exact = ratioInterval(ratioSums([2, 4, 6], [1, 2, 3]))!;
    expect(exact.value).toBe(2);
    expect(exact.high - exact.low).toBeLessThan(1e-12);
  });
});

describe('kpiIndex', () => {
  it('is the segment value over the base value times 100', () => {
    expect(kpiIndex(0.3, 0.2)).toBeCloseTo(150, 12);
    expect(kpiIndex(0, 0.2)).toBe(0);
  });

  it('is null for a zero or missing base', () => {
    expect(kpiIndex(0.1, 0)).toBeNull();
    expect(kpiIndex(null, 1)).toBeNull();
    expect(kpiIndex(1, null)).toBeNull();
  });
});

describe('relativeMargin', () => {
  it('is half the width over the absolute value', () => {
    expect(relativeMargin({ value: -4, low: -5, high: -3 })).toBe(0.25);
  });

  it('is infinite for an unbounded interval or a zero value, and 0 for a point', () => {
    const cases: [Estimate, number][] = [
      [{ value: 3, low: -Infinity, high: Infinity }, Infinity],
      [{ value: 0, low: 0, high: 0.2 }, Infinity],
      [{ value: 0, low: 0, high: 0 }, 0]
    ];
    for (const [e, m] of cases) expect(relativeMargin(e)).toBe(m);
  });
});

describe('twoProportionZTest', () => {
  it('matches SciPy’s χ² test of the 2 × 2 table (z² = χ², same p)', () => {
    for (const c of reference.ztest) {
      const t = twoProportionZTest(c.x1, c.n1, c.x2, c.n2)!;
      const what = `${c.x1}/${c.n1} vs ${c.x2}/${c.n2}`;
      close(t.z, c.z, REL, what);
      close(t.p, c.p, REL, what);
    }
  });

  it('gives z = 0, p = 1 when both groups are all or nothing alike, and null for an empty group', () => {
    expect(twoProportionZTest(0, 10, 0, 30)).toEqual({ z: 0, p: 1 });
    expect(twoProportionZTest(10, 10, 30, 30)).toEqual({ z: 0, p: 1 });
    expect(twoProportionZTest(0, 0, 3, 30)).toBeNull();
    expect(() => twoProportionZTest(11, 10, 3, 30)).toThrow(RangeError);
  });
});
