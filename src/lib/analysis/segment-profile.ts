/**
 * Turns the rows of the segment-profile queries (src/lib/sql/segment-profile.ts) into results:
 * KPI values with intervals, indexes and guard warnings per segment; categorical mixes with the
 * two-proportion test; UpSet intersections. Pure.
 */
import type { Kpi, KpiKind, SegmentGuards } from '../notebook/model';
import { kpiColumns } from '../sql/segment-profile';
import { kpiIndex, meanInterval, ratioInterval, relativeMargin, twoProportionZTest, wilsonInterval, type Estimate } from './stats';

/** A warning on a segment: fewer entities than `guards.minSize`, or a smaller share of the base than `guards.minShare`. */
export type SegmentWarning = 'too_small' | 'too_small_share';
/** A warning on a KPI: its interval's half-width exceeds `guards.maxCiMargin` of its value. */
export type KpiWarning = 'wide_interval';

/** One KPI of one segment (or of the base), compared with the base. */
export interface KpiProfile {
  label: string;
  kind: KpiKind;
  /** Rows that carry the KPI (rate, mean: non-NULL; sum: all rows; ratio, roi: both columns non-NULL). */
  n: number;
  /** The headline figure: rate, mean, total (sum), Σcolumn / Σdenominator (ratio), (Σcolumn − Σden) / Σden (roi). */
  value: number | null;
  /** The same figure for the base. */
  baseValue: number | null;
  /** `sum` only: the segment's share of the base total (null for other kinds or a zero base total). */
  shareOfTotal: number | null;
  /** The compared quantity: equals `value`, except for `sum`, where it is the mean per entity. */
  estimate: number | null;
  /** The same for the base. */
  baseEstimate: number | null;
  /** Interval of `estimate` at the profile's confidence; ±Infinity when the data cannot bound it (one row). */
  low: number | null;
  high: number | null;
  /** Half-width of the interval / |estimate|. */
  margin: number | null;
  /** estimate / baseEstimate × 100 (null for a zero base). */
  index: number | null;
  warnings: KpiWarning[];
}

/** One segment's profile. */
export interface SegmentProfile {
  segment: string;
  /** Rows (entities) of the segment. */
  size: number;
  /** size / base size. */
  share: number;
  kpis: KpiProfile[];
  warnings: SegmentWarning[];
}

/** The base's own figures (index 100 where defined). */
export interface BaseProfile {
  size: number;
  kpis: KpiProfile[];
}

/** The result of `profileResult`. */
export interface ProfileResult {
  confidence: number;
  base: BaseProfile;
  segments: SegmentProfile[];
}

type Row = Record<string, unknown>;

function num(row: Row, name: string): number {
  const v = row[name];
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw new Error(`Column "${name}" of a profile row is not a number: ${String(v)}`);
  return n;
}

/** The KPI's headline value and the estimate compared with the base, from one profile row. */
function measure(kpi: Kpi, i: number, row: Row, confidence: number): { n: number; value: number | null; estimate: Estimate | null } {
  const c = kpiColumns(i);
  const n = num(row, c.n);
  switch (kpi.kind) {
    case 'rate': {
      const e = wilsonInterval(num(row, c.successes), n, confidence);
      return { n, value: e?.value ?? null, estimate: e };
    }
    case 'mean':
    case 'sum': {
      const sums = { n, sum: num(row, c.sum), sumSq: num(row, c.sumSq), shift: num(row, c.shift) };
      const e = meanInterval(sums, confidence);
      if (kpi.kind === 'mean') return { n, value: e?.value ?? null, estimate: e };
      return { n, value: n * sums.shift + sums.sum, estimate: e };
    }
    case 'ratio':
    case 'roi': {
      const e = ratioInterval(
        {
          n,
          sumA: num(row, c.sum),
          sumB: num(row, c.sumB),
          sumA2: num(row, c.sumSq),
          sumB2: num(row, c.sumB2),
          sumAB: num(row, c.sumAB),
          shiftA: num(row, c.shift),
          shiftB: num(row, c.shiftB)
        },
        confidence
      );
      if (!e || kpi.kind === 'ratio') return { n, value: e?.value ?? null, estimate: e };
      const roi = { value: e.value - 1, low: e.low - 1, high: e.high - 1 };
      return { n, value: roi.value, estimate: roi };
    }
  }
}

function kpiProfile(kpi: Kpi, m: ReturnType<typeof measure>, base: ReturnType<typeof measure>, maxMargin: number): KpiProfile {
  const e = m.estimate;
  const margin = e ? relativeMargin(e) : null;
  const shareOfTotal = kpi.kind === 'sum' && m.value !== null && base.value ? m.value / base.value : null;
  return {
    label: kpi.label,
    kind: kpi.kind,
    n: m.n,
    value: m.value,
    baseValue: base.value,
    shareOfTotal,
    estimate: e?.value ?? null,
    baseEstimate: base.estimate?.value ?? null,
    low: e?.low ?? null,
    high: e?.high ?? null,
    margin,
    index: kpiIndex(e?.value ?? null, base.estimate?.value ?? null),
    warnings: margin !== null && margin > maxMargin ? ['wide_interval'] : []
  };
}

/**
 * Values, intervals, indexes and warnings per segment from `profileQuery`'s rows. Intervals: Wilson
 * for `rate`, t for `mean` and for `sum`'s mean per entity, delta method for `ratio` and `roi`
 * (see src/lib/analysis/stats.ts). Warnings: `too_small` when size < `guards.minSize`,
 * `too_small_share` when share < `guards.minShare`, and per KPI `wide_interval` when the relative
 * margin exceeds `guards.maxCiMargin` (an unbounded interval or a zero estimate with a non-zero width
 * counts as infinitely wide).
 * @param rows the rows `profileQuery` returned (one per segment, one base row)
 * @param kpis the KPIs the query was built with, in the same order
 * @param guards the notebook's guards (see `DEFAULT_GUARDS`)
 * @param confidence confidence level of the intervals (default 0.95)
 * @param order segment names in display order: segments listed here come first in this order, and
 *   those without rows (no entity matched) get size 0; others follow in row order
 */
export function profileResult(rows: readonly Row[], kpis: readonly Kpi[], guards: SegmentGuards, confidence = 0.95, order: readonly string[] = []): ProfileResult {
  const baseRow = rows.find((r) => r.is_base === true);
  if (!baseRow) throw new Error('The profile rows have no base row (is_base = true)');
  const baseMeasures = kpis.map((k, i) => measure(k, i, baseRow, confidence));
  const baseSize = num(baseRow, 'size');
  const profileOf = (segment: string, row: Row | undefined): SegmentProfile => {
    const size = row ? num(row, 'size') : 0;
    const share = baseSize > 0 ? size / baseSize : 0;
    const warnings: SegmentWarning[] = [];
    if (size < guards.minSize) warnings.push('too_small');
    if (share < guards.minShare) warnings.push('too_small_share');
    const empty = { n: 0, value: null, estimate: null };
    const measures = kpis.map((k, i) => (row ? measure(k, i, row, confidence) : empty));
    return { segment, size, share, warnings, kpis: kpis.map((k, i) => kpiProfile(k, measures[i], baseMeasures[i], guards.maxCiMargin)) };
  };
  const bySegment = new Map(rows.filter((r) => r.is_base !== true).map((r) => [String(r.segment), r]));
  const names = [...new Set([...order, ...bySegment.keys()])];
  return {
    confidence,
    base: { size: baseSize, kpis: kpis.map((k, i) => kpiProfile(k, baseMeasures[i], baseMeasures[i], guards.maxCiMargin)) },
    segments: names.map((name) => profileOf(name, bySegment.get(name)))
  };
}

/** One value of a categorical column in one segment, against the rest of the base. */
export interface CategoryProfile {
  segment: string;
  /** `value`: a value of the column; `empty`: NULL; `other`: the values beyond the top ones, pooled. */
  kind: 'value' | 'empty' | 'other';
  /** The value as text; null for `empty` and `other`. */
  value: string | null;
  count: number;
  /** count / segment size. */
  share: number;
  baseCount: number;
  /** base count / base size. */
  baseShare: number;
  /** share / baseShare × 100. */
  index: number | null;
  /**
   * Pooled two-proportion z test of the segment against the rest of the base (base minus segment,
   * so the groups are disjoint); positive z = over-represented. Null when the segment is the whole base.
   */
  z: number | null;
  /** Two-sided p-value of `z`. */
  p: number | null;
}

/**
 * Shares, index and over/under-representation test per row of `categoryQuery`. The rest of the base
 * is the base without the segment's entities (which requires `members` to be drawn from `base`).
 * @param rows the rows `categoryQuery` returned
 */
export function categoryResult(rows: readonly Row[]): CategoryProfile[] {
  return rows.map((r) => {
    const count = num(r, 'count');
    const size = num(r, 'size');
    const baseCount = num(r, 'base_count');
    const baseSize = num(r, 'base_size');
    const share = size > 0 ? count / size : 0;
    const baseShare = baseSize > 0 ? baseCount / baseSize : 0;
    const test = twoProportionZTest(count, size, baseCount - count, baseSize - size);
    return {
      segment: String(r.segment),
      kind: r.kind as CategoryProfile['kind'],
      value: r.value === null || r.value === undefined ? null : String(r.value),
      count,
      share,
      baseCount,
      baseShare,
      index: kpiIndex(share, baseShare),
      z: test?.z ?? null,
      p: test?.p ?? null
    };
  });
}

/** The intersections of an UpSet chart. */
export interface UpsetResult {
  /** The segments intersected, largest first (bit i of a mask is `sets[i]`). */
  sets: string[];
  /** Entities per segment of `sets` (over the intersections listed). */
  setSizes: number[];
  /** All segments in the membership; more than `sets.length` means the smaller ones were left out. */
  segmentCount: number;
  truncated: boolean;
  /** Exact intersections, largest first. */
  intersections: { segments: string[]; mask: number; degree: number; count: number }[];
}

/**
 * Reads `upsetQuery`'s rows and names the segments of each intersection (in the order of `sets`).
 * @param rows the rows `upsetQuery` returned
 */
export function upsetResult(rows: readonly Row[]): UpsetResult {
  const sets = rows.length ? (rows[0].sets as unknown[]).map(String) : [];
  const segmentCount = rows.length ? num(rows[0], 'segment_count') : 0;
  const intersections = rows.map((r) => {
    const mask = num(r, 'mask');
    return { segments: sets.filter((_, i) => mask & (1 << i)), mask, degree: num(r, 'degree'), count: num(r, 'count') };
  });
  const setSizes = sets.map((_, i) => intersections.reduce((s, x) => s + (x.mask & (1 << i) ? x.count : 0), 0));
  return { sets, setSizes, segmentCount, truncated: segmentCount > sets.length, intersections };
}
