/**
 * Intervals and tests for comparing a segment with its base: Wilson score interval of a proportion,
 * t interval of a mean, delta-method interval of a ratio of sums, index, and the pooled
 * two-proportion z test. Pure; everything is computed from counts and sums, so the same numbers come
 * out of one SQL aggregation per segment. Quantiles and the normal CDF are stdlib's ports of the
 * Cephes / Boost algorithms; tests/unit/stats.test.ts checks them and every interval against SciPy.
 *
 * Sums may be taken about a shift `c` (Σ(x − c), Σ(x − c)²) so that the variance of values with a
 * large mean and a small spread does not cancel away; `c = 0` gives the plain sums.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** A point estimate and its two-sided interval; bounds are ±Infinity when the data cannot bound it. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
}

/** Count, sum and sum of squares of one variable, optionally about a shift `c`: Σ(x − c), Σ(x − c)². */
export interface MomentSums {
  n: number;
  sum: number;
  sumSq: number;
  /** The shift the sums were taken about (default 0). */
  shift?: number;
}

/** Count and sums of a pair (a, b) over the rows where both are present, optionally about shifts. */
export interface RatioSums {
  n: number;
  sumA: number;
  sumB: number;
  sumA2: number;
  sumB2: number;
  sumAB: number;
  /** The shift of a (default 0): the sums are Σ(a − shiftA), Σ(a − shiftA)², Σ(a − shiftA)(b − shiftB). */
  shiftA?: number;
  /** The shift of b (default 0). */
  shiftB?: number;
}

/** A z statistic and its two-sided p-value. */
export interface ZTest {
  z: number;
  p: number;
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`A confidence level lies strictly between 0 and 1; ${confidence} does not`);
}

function checkCount(n: number, what: string): void {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`${what} is a whole number ≥ 0; ${n} is not`);
}

/**
 * The two-sided critical value of the standard normal distribution: z with P(|Z| ≤ z) = confidence
 * (1.959964… for 0.95).
 * @param confidence confidence level in (0, 1)
 */
export function normalCritical(confidence: number): number {
  checkConfidence(confidence);
  return normalQuantile(1 - (1 - confidence) / 2, 0, 1);
}

/**
 * The two-sided critical value of Student's t distribution with `df` degrees of freedom
 * (12.706… for 0.95 and df = 1, 1.96… for large df).
 * @param confidence confidence level in (0, 1)
 * @param df degrees of freedom (> 0)
 */
export function tCritical(confidence: number, df: number): number {
  checkConfidence(confidence);
  if (!(df > 0)) throw new RangeError(`Degrees of freedom are positive; ${df} is not`);
  return tQuantile(1 - (1 - confidence) / 2, df);
}

/**
 * The Wilson score interval of a proportion (Wilson 1927; no continuity correction), the interval
 * SciPy's `binomtest(...).proportion_ci(method='wilson')` gives. Stays inside [0, 1] and is not
 * degenerate at 0/n and n/n. `null` when n = 0.
 * @param successes rows where the event happened
 * @param n rows observed
 * @param confidence confidence level (default 0.95)
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Estimate | null {
  checkCount(n, 'n');
  checkCount(successes, 'The number of successes');
  if (successes > n) throw new RangeError(`${successes} successes out of ${n} rows is not possible`);
  const z = normalCritical(confidence);
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    value: p,
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === n ? 1 : Math.min(1, centre + half)
  };
}

/** Sample variance (n − 1 divisor) from sums about any shift; never negative. */
function sampleVariance(n: number, sum: number, sumSq: number): number {
  return Math.max(0, (sumSq - (sum * sum) / n) / (n - 1));
}

/**
 * The t interval of a mean: mean ± t(n − 1) · s / √n with s the sample standard deviation. `null`
 * when n = 0; for n = 1 the interval is unbounded (−∞, ∞); with no spread it is the mean itself.
 * @param sums n, Σ(x − c), Σ(x − c)² and the shift c
 * @param confidence confidence level (default 0.95)
 */
export function meanInterval(sums: MomentSums, confidence = 0.95): Estimate | null {
  const { n, sum, sumSq, shift = 0 } = sums;
  checkCount(n, 'n');
  checkConfidence(confidence);
  if (n === 0) return null;
  const value = shift + sum / n;
  if (n === 1) return { value, low: -Infinity, high: Infinity };
  const half = tCritical(confidence, n - 1) * Math.sqrt(sampleVariance(n, sum, sumSq) / n);
  return { value, low: value - half, high: value + half };
}

/**
 * The delta-method (linearisation) interval of a ratio of sums R = Σa / Σb over rows where both are
 * present: se(R) = √(s²(a − R b) / n) / b̄ with s²(a − R b) = s²ₐ − 2R sₐᵦ + R² s²ᵦ (sample
 * (co)variances, n − 1 divisor), and R ± z · se with the normal quantile z. `null` when n = 0 or
 * Σb = 0; for n = 1 the interval is unbounded.
 * @param sums n and the sums (about optional shifts) of a, b, a², b² and a·b
 * @param confidence confidence level (default 0.95)
 */
export function ratioInterval(sums: RatioSums, confidence = 0.95): Estimate | null {
  const { n, sumA, sumB, sumA2, sumB2, sumAB, shiftA = 0, shiftB = 0 } = sums;
  checkCount(n, 'n');
  checkConfidence(confidence);
  if (n === 0) return null;
  const meanA = shiftA + sumA / n;
  const meanB = shiftB + sumB / n;
  if (meanB === 0) return null;
  const value = meanA / meanB;
  if (n === 1) return { value, low: -Infinity, high: Infinity };
  const varA = sampleVariance(n, sumA, sumA2);
  const varB = sampleVariance(n, sumB, sumB2);
  const cov = (sumAB - (sumA * sumB) / n) / (n - 1);
  const residual = Math.max(0, varA - 2 * value * cov + value * value * varB);
  const half = (normalCritical(confidence) * Math.sqrt(residual / n)) / Math.abs(meanB);
  return { value, low: value - half, high: value + half };
}

/**
 * The index of a segment's value against the base's: segment / base × 100 (100 = as in the base).
 * `null` when either is missing or the base is 0.
 * @param segment the segment's value
 * @param base the base's value
 */
export function kpiIndex(segment: number | null, base: number | null): number | null {
  if (segment === null || base === null || base === 0 || !Number.isFinite(segment) || !Number.isFinite(base)) return null;
  return (segment / base) * 100;
}

/**
 * Half the interval's width relative to the estimate: (high − low) / 2 / |value|. Infinite for an
 * unbounded interval or a zero estimate with a non-zero width; 0 for a zero-width interval.
 * @param estimate a point estimate with its interval
 */
export function relativeMargin(estimate: Estimate): number {
  const half = (estimate.high - estimate.low) / 2;
  if (half === 0) return 0;
  return half / Math.abs(estimate.value);
}

/**
 * The pooled two-proportion z test of x₁/n₁ against x₂/n₂ (the χ² test of the 2 × 2 table without
 * continuity correction; z² = χ²): z = (p₁ − p₂) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)), p two-sided.
 * Positive z means the first proportion is higher. `null` when a group is empty; z = 0, p = 1 when
 * both groups are all-or-nothing alike (p̄ = 0 or 1).
 * @param x1 events in the first group
 * @param n1 size of the first group
 * @param x2 events in the second group
 * @param n2 size of the second group
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ZTest | null {
  for (const [x, n, g] of [
    [x1, n1, 'first'],
    [x2, n2, 'second']
  ] as const) {
    checkCount(n, `The ${g} group's size`);
    checkCount(x, `The ${g} group's events`);
    if (x > n) throw new RangeError(`${x} events in a ${g} group of ${n} is not possible`);
  }
  if (n1 === 0 || n2 === 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { z: 0, p: 1 };
  const z = (x1 / n1 - x2 / n2) / se;
  return { z, p: Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1)) };
}
