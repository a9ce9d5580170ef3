/**
 * Helpers of the RFM cell's editor: colours of the R×F map's segments, the map's cells with the
 * segment that wins each, and breakpoints suggested from an RFM result. Pure.
 */
import type { RfmBreakpoints } from '$lib/notebook/model';
import { ident, sql, type SqlFragment } from '$lib/sql/quote';
import { rfmSegmentCoverage, type RfmSegmentRule } from '$lib/sql/rfm';

/** Light fills, one per segment by its place in the map; dark text keeps a 4.5:1 contrast on each. */
const FILLS = ['#b2f2bb', '#a5d8ff', '#d0bfff', '#ffec99', '#ffd8a8', '#fcc2d7', '#99e9f2', '#c0eb75', '#eebefa', '#ffc9c9', '#bac8ff', '#96f2d7'];

/** The fill of uncovered cells (their customers go to `Rest`). */
export const REST_FILL = '#e9ecef';

/**
 * The fill of the segment at `index` in the map (colours repeat after twelve).
 * @param index the segment's place in the map
 */
export function segmentFill(index: number): string {
  return FILLS[index % FILLS.length];
}

/** One cell of the editor's R×F map. */
export interface MapCell {
  r: number;
  f: number;
  /** Place in the map of the segment that wins the cell (first match), or -1 when none covers it. */
  winner: number;
  /** Places of every segment covering it, in map order. */
  covering: number[];
  /** Whether the winner's name is written here: its first cell, reading rows R 5 → 1, columns F 1 → 5. */
  labelled: boolean;
}

/**
 * The 25 cells of the R×F map (R 5 … 1, then F 1 … 5) with the segments covering each, or null
 * when a segment's ranges are invalid (see `rfmSegmentCoverage`).
 * @param segments the map
 */
export function mapCells(segments: readonly RfmSegmentRule[]): MapCell[] | null {
  let names: string[][];
  try {
    names = rfmSegmentCoverage(segments.map((s, i) => ({ ...s, name: String(i) }))).map((c) => c.segments);
  } catch {
    return null;
  }
  const seen = new Set<number>();
  return names.map((covering, i) => {
    const places = covering.map(Number);
    const winner = places[0] ?? -1;
    const labelled = winner >= 0 && !seen.has(winner);
    seen.add(winner);
    return { r: 5 - Math.floor(i / 5), f: (i % 5) + 1, winner, covering: places, labelled };
  });
}

/**
 * Whether four breakpoints are finite and strictly ascending, as the scoring requires.
 * @param values the limits
 */
export function ascending(values: readonly number[]): boolean {
  return values.length === 4 && values.every((v, i) => Number.isFinite(v) && (i === 0 || v > values[i - 1]));
}

/** Limits used when there is no result yet to suggest them from: days, orders, money. */
export const DEFAULT_BREAKPOINTS: RfmBreakpoints = { recency: [30, 90, 180, 365], frequency: [2, 3, 5, 8], monetary: [50, 100, 250, 500] };

/** A row of {@link quintileQuery}: the 20, 40, 60 and 80 % quantiles of each RFM value. */
export interface RfmQuintiles {
  recency: number[] | null;
  frequency: number[] | null;
  monetary: number[] | null;
}

/**
 * The 20, 40, 60 and 80 % quantiles (lower values, `quantile_disc`) of recency, frequency and
 * monetary value in an RFM result.
 * @param rfm the RFM result (view or table name)
 */
export function quintileQuery(rfm: string): SqlFragment {
  const q = sql`[0.2, 0.4, 0.6, 0.8]`;
  return sql`SELECT quantile_disc(CAST(recency_days AS DOUBLE), ${q}) AS recency, quantile_disc(frequency, ${q}) AS frequency,
  quantile_disc(monetary, ${q}) AS monetary FROM ${ident(rfm)}`;
}

/** The smallest limit above a money value: the next cent below 100, the next whole unit from 100 on. */
function above(x: number): number {
  // Cents from micro-units, so 0.29 · 100 = 28.999… still counts 29 cents.
  return Math.abs(x) < 100 ? (Math.floor(Math.round(x * 1e6) / 1e4) + 1) / 100 : Math.floor(x) + 1;
}

/** Raises each limit to at least the next step above the previous one (`next` gives it). */
function strictly(values: number[], next: (previous: number) => number): number[] {
  const out: number[] = [];
  for (const v of values) out.push(out.length && v < next(out[out.length - 1]) ? next(out[out.length - 1]) : v);
  return out;
}

/**
 * Breakpoints that split customers near their quintiles: recency at the quantiles (≤ limit scores
 * higher), frequency one above them and monetary a cent (from 100 on: a unit) above them (≥ limit scores higher), so the
 * customers at a quantile keep the lower score; each made strictly ascending. Values missing from
 * the quantiles fall back to {@link DEFAULT_BREAKPOINTS}.
 * @param q the quantiles of the current result
 */
export function suggestBreakpoints(q: RfmQuintiles | undefined): RfmBreakpoints {
  const list = (x: unknown) => (Array.isArray(x) && x.length === 4 && x.every((v) => Number.isFinite(Number(v))) ? x.map(Number) : null);
  const r = list(q?.recency);
  const f = list(q?.frequency);
  const m = list(q?.monetary);
  return {
    recency: r ? strictly(r.map(Math.round), (x) => x + 1) : [...DEFAULT_BREAKPOINTS.recency],
    frequency: f ? strictly(f.map((v) => Math.floor(v) + 1), (x) => x + 1) : [...DEFAULT_BREAKPOINTS.frequency],
    monetary: m ? strictly(m.map(above), above) : [...DEFAULT_BREAKPOINTS.monetary]
  };
}
