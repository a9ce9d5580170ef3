/**
 * A/B test read-outs from sufficient statistics (count, sum and sum of squares per arm): the
 * difference of a variant against the control with its 95 % interval and a two-sided p-value, the
 * minimum detectable effect, Holm's step-down adjustment over a family of tests, and the warnings
 * of a result too small to trust. Pure; tests/unit/abtest.test.ts checks every number against SciPy
 * (scripts/reference/abtest_reference.py).
 *
 * - **Binary outcome** (converted or not): the interval of p₁ − p₀ is the unpooled Wald interval
 *   (p₁ − p₀) ± z √(p₁(1 − p₁)/n₁ + p₀(1 − p₀)/n₀); the test is the pooled two-proportion z test
 *   (`twoProportionZTest`, the χ² test of the 2 × 2 table). The two use different standard errors,
 *   as statsmodels' `confint_proportions_2indep(method='wald')` and `proportions_ztest` do, so an
 *   interval that just touches 0 may come with p slightly above or below 0.05.
 * - **Numeric outcome** (revenue): Welch's t test, t = (x̄₁ − x̄₀) / √(s₁²/n₁ + s₀²/n₀) with
 *   Welch–Satterthwaite degrees of freedom, and the interval (x̄₁ − x̄₀) ± t(df) · se.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { normalCritical, tCritical, twoProportionZTest, type MomentSums } from './stats';

/** How an arm's outcome is measured. */
export type AbMetric = 'binary' | 'numeric';

/** A variant compared with the control. */
export interface AbComparison {
  /** Variant minus control (rate or mean). */
  difference: number;
  /** The difference relative to the control's value; `null` when that is 0. */
  relative: number | null;
  /** The interval of the difference; ±Infinity when the data cannot bound it. */
  low: number;
  high: number;
  /** z (binary) or t (numeric); `null` when there is no spread to test against. */
  statistic: number | null;
  /** Two-sided p-value; `null` with the statistic. */
  p: number | null;
  /** Welch–Satterthwaite degrees of freedom (numeric only). */
  df?: number;
}

/** Why a comparison should not be trusted as it stands. */
export type AbWarning = 'small_sample' | 'normal_approximation' | 'underpowered';

/** Count, sum and sum of squares of one arm (for a binary outcome the sum is the conversions). */
export type ArmSums = MomentSums;

function mean(s: ArmSums): number {
  return (s.shift ?? 0) + s.sum / s.n;
}

function variance(s: ArmSums): number {
  return Math.max(0, (s.sumSq - (s.sum * s.sum) / s.n) / (s.n - 1));
}

function conversions(s: ArmSums): number {
  const x = Math.round(mean(s) * s.n);
  if (!(Number.isInteger(s.n) && s.n >= 0 && x >= 0 && x <= s.n)) throw new RangeError(`An arm with ${s.n} rows cannot have ${x} conversions`);
  return x;
}

/**
 * A variant's conversion rate against the control's: the difference with its unpooled Wald
 * interval, and the pooled two-proportion z test. `null` when an arm is empty; when both arms
 * convert all or none alike, z = 0 and p = 1.
 * @param variantConversions converted rows of the variant
 * @param variantN rows of the variant
 * @param controlConversions converted rows of the control
 * @param controlN rows of the control
 * @param confidence confidence level of the interval (default 0.95)
 */
export function compareProportions(variantConversions: number, variantN: number, controlConversions: number, controlN: number, confidence = 0.95): AbComparison | null {
  const test = twoProportionZTest(variantConversions, variantN, controlConversions, controlN);
  if (test === null) return null;
  const p1 = variantConversions / variantN;
  const p0 = controlConversions / controlN;
  const difference = p1 - p0;
  const half = normalCritical(confidence) * Math.sqrt((p1 * (1 - p1)) / variantN + (p0 * (1 - p0)) / controlN);
  return { difference, relative: p0 === 0 ? null : difference / p0, low: difference - half, high: difference + half, statistic: test.z, p: test.p };
}

/**
 * Welch's t test of a variant's mean against the control's, with the interval of the difference.
 * `null` when an arm has fewer than two rows; without any spread in either arm the interval is the
 * difference itself and there is no test (`statistic` and `p` are `null`).
 * @param variant n, Σ(x − c), Σ(x − c)² of the variant
 * @param control the same sums of the control
 * @param confidence confidence level of the interval (default 0.95)
 */
export function compareMeans(variant: ArmSums, control: ArmSums, confidence = 0.95): AbComparison | null {
  if (variant.n < 2 || control.n < 2) return null;
  const m1 = mean(variant);
  const m0 = mean(control);
  const difference = m1 - m0;
  const relative = m0 === 0 ? null : difference / m0;
  const v1 = variance(variant) / variant.n;
  const v0 = variance(control) / control.n;
  const se = Math.sqrt(v1 + v0);
  if (se === 0) return { difference, relative, low: difference, high: difference, statistic: null, p: null };
  const df = (v1 + v0) ** 2 / (v1 ** 2 / (variant.n - 1) + v0 ** 2 / (control.n - 1));
  const t = difference / se;
  const half = tCritical(confidence, df) * se;
  return { difference, relative, low: difference - half, high: difference + half, statistic: t, p: Math.min(1, 2 * tCdf(-Math.abs(t), df)), df };
}

/**
 * The minimum detectable effect: the smallest true difference a two-sided test at level `alpha`
 * finds with probability `power`, (z₁₋α/₂ + z_power) · se. Binary: se from the control rate in
 * both arms, √(p₀(1 − p₀)(1/n₁ + 1/n₀)); numeric: from each arm's own variance, √(s₁²/n₁ + s₀²/n₀).
 * `null` when an arm is too small to estimate it (binary: empty; numeric: fewer than two rows).
 * @param metric binary or numeric
 * @param variant the variant's sums
 * @param control the control's sums
 * @param alpha the test's level (default 0.05)
 * @param power the power (default 0.8)
 */
export function minimumDetectableEffect(metric: AbMetric, variant: ArmSums, control: ArmSums, alpha = 0.05, power = 0.8): number | null {
  const z = normalCritical(1 - alpha) + normalQuantile(power, 0, 1);
  if (metric === 'binary') {
    if (variant.n === 0 || control.n === 0) return null;
    const p0 = mean(control);
    return z * Math.sqrt(p0 * (1 - p0) * (1 / variant.n + 1 / control.n));
  }
  if (variant.n < 2 || control.n < 2) return null;
  return z * Math.sqrt(variance(variant) / variant.n + variance(control) / control.n);
}

/**
 * Holm's step-down adjustment of a family of p-values (Holm 1979): sorted ascending, the i-th
 * smallest (1-based) becomes min(1, max over j ≤ i of (m − j + 1) p₍ⱼ₎) with m the number of tests.
 * It keeps the chance of any false positive in the family at most α, like Bonferroni, and rejects
 * at least as much. `null` entries are not tests: they stay `null` and do not count in m.
 * @param pValues the raw p-values, in any order
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const tests = pValues.flatMap((p, i) => (p === null ? [] : [{ p, i }])).sort((a, b) => a.p - b.p || a.i - b.i);
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  tests.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (tests.length - rank) * p));
    out[i] = running;
  });
  return out;
}

/** What `abTestWarnings` looks at. */
export interface WarningInputs {
  metric: AbMetric;
  variant: ArmSums;
  control: ArmSums;
  comparison: AbComparison | null;
  mde: number | null;
  /** The notebook's guard: the fewest rows an arm should have. */
  minSize: number;
}

/** Expected conversions and non-conversions below this make the normal approximation doubtful. */
export const MIN_EXPECTED = 10;

/**
 * Why a comparison is not to be trusted as it stands: an arm has fewer rows than `minSize`
 * (`small_sample`); binary only, an arm expects fewer than `MIN_EXPECTED` conversions or
 * non-conversions under the pooled rate, so the normal approximation is doubtful
 * (`normal_approximation`); the minimum detectable effect at 80 % power is larger than the observed
 * difference, so a real effect of that size would usually go unseen (`underpowered`). A comparison
 * that could not be computed is `small_sample`.
 * @param inputs the arms, their comparison and MDE, and the guard
 */
export function abTestWarnings(inputs: WarningInputs): AbWarning[] {
  const { metric, variant, control, comparison, mde, minSize } = inputs;
  const out: AbWarning[] = [];
  if (comparison === null || Math.min(variant.n, control.n) < minSize) out.push('small_sample');
  if (metric === 'binary' && variant.n > 0 && control.n > 0) {
    const pooled = (conversions(variant) + conversions(control)) / (variant.n + control.n);
    const expected = Math.min(variant.n, control.n) * Math.min(pooled, 1 - pooled);
    if (expected < MIN_EXPECTED) out.push('normal_approximation');
  }
  if (comparison !== null && mde !== null && mde > Math.abs(comparison.difference)) out.push('underpowered');
  return out;
}

/** One arm of one group (a segment, or all rows) as the statistics query returns it. */
export interface ArmGroup {
  /** The segment, or `null` for all rows. */
  segment: string | null;
  arm: string;
  sums: ArmSums;
}

/** One row of an A/B test read-out: an arm of a group, compared with the group's control. */
export interface AbTestRow {
  segment: string | null;
  arm: string;
  control: boolean;
  n: number;
  /** Binary: the conversions. */
  conversions: number | null;
  /** Numeric: the standard deviation (n − 1). */
  sd: number | null;
  /** The rate (binary) or mean (numeric). */
  value: number | null;
  difference: number | null;
  relative: number | null;
  low: number | null;
  high: number | null;
  p: number | null;
  /** Holm-adjusted within the row's family (see `abTestTable`). */
  pHolm: number | null;
  mde: number | null;
  warnings: AbWarning[];
}

/** Settings of `abTestTable`. */
export interface AbTestOptions {
  metric: AbMetric;
  /** The control arm's value. */
  control: string;
  /** Fewest rows an arm should have (the notebook's `minSize` guard). */
  minSize: number;
  confidence?: number;
}

/**
 * The read-out table: per group (all rows first, then the segments in the order given) the control
 * row, then each variant against that group's control. p-values are Holm-adjusted within two
 * families: the variants over all rows, and every segment × variant comparison of the breakdown
 * (looking at many segments finds a "significant" one by chance). A group without a control row
 * gets variant rows without a comparison.
 * @param groups the arms per group (from the statistics query)
 * @param options metric, control arm, guard and confidence
 */
export function abTestTable(groups: readonly ArmGroup[], options: AbTestOptions): AbTestRow[] {
  const { metric, control, minSize, confidence = 0.95 } = options;
  const order: (string | null)[] = [];
  for (const g of groups) if (!order.includes(g.segment)) order.push(g.segment);
  order.sort((a, b) => (a === null ? -1 : b === null ? 1 : 0));
  const rows: AbTestRow[] = [];
  for (const segment of order) {
    const arms = groups.filter((g) => g.segment === segment);
    const base = arms.find((g) => g.arm === control);
    if (base) rows.push(armRow(metric, base, true));
    for (const g of arms) {
      if (g.arm === control) continue;
      const row = armRow(metric, g, false);
      if (base) {
        const comparison = metric === 'binary' ? compareProportions(conversions(g.sums), g.sums.n, conversions(base.sums), base.sums.n, confidence) : compareMeans(g.sums, base.sums, confidence);
        const mde = minimumDetectableEffect(metric, g.sums, base.sums);
        Object.assign(row, comparison ? { difference: comparison.difference, relative: comparison.relative, low: comparison.low, high: comparison.high, p: comparison.p } : {});
        row.mde = mde;
        row.warnings = abTestWarnings({ metric, variant: g.sums, control: base.sums, comparison, mde, minSize });
      } else row.warnings = ['small_sample'];
      rows.push(row);
    }
  }
  for (const overall of [true, false]) {
    const family = rows.filter((r) => !r.control && (r.segment === null) === overall);
    holmAdjust(family.map((r) => r.p)).forEach((p, i) => (family[i].pHolm = p));
  }
  return rows;
}

function armRow(metric: AbMetric, g: ArmGroup, control: boolean): AbTestRow {
  const { n } = g.sums;
  const value = n > 0 ? mean(g.sums) : null;
  return {
    segment: g.segment,
    arm: g.arm,
    control,
    n,
    conversions: metric === 'binary' ? conversions(g.sums) : null,
    sd: metric === 'numeric' && n > 1 ? Math.sqrt(variance(g.sums)) : null,
    value,
    difference: null,
    relative: null,
    low: null,
    high: null,
    p: null,
    pHolm: null,
    mde: null,
    warnings: []
  };
}
