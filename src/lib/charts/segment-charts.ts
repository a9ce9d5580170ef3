/**
 * Vega-Lite specs of a segment cell's profile: KPI bars with intervals against the base, an index
 * chart, segment sizes against the guard, an overlap heatmap, an UpSet chart and a transition
 * heatmap. Pure: each chart is a rows function (results → flat rows) and a spec function whose data is
 * the named set `values` (never embedded). Every text shown comes from `SegmentChartLabels` (German and
 * English defaults, each label overridable); numbers follow the locale (`1.234,5` for de).
 */
import { CHART_DATA } from './chart-spec';
import { chartFrame } from './frame';
import type { TopLevelSpec } from 'vega-lite';
import type { ProfileResult, UpsetResult } from '../analysis/segment-profile';
import type { KpiKind, SegmentGuards } from '../notebook/model';

/** Name of the data set every segment chart reads. */
export const SEGMENT_CHART_DATA = CHART_DATA;

/** Every text a segment chart shows. */
export interface SegmentChartLabels {
  segment: string;
  base: string;
  low: string;
  high: string;
  index: string;
  over: string;
  under: string;
  size: string;
  share: string;
  threshold: string;
  tooSmall: string;
  largeEnough: string;
  both: string;
  jaccard: string;
  from: string;
  to: string;
  count: string;
  intersection: string;
  n: string;
}

/** Default labels per locale. */
export const SEGMENT_CHART_LABELS: Record<'de' | 'en', SegmentChartLabels> = {
  de: {
    segment: 'Segment',
    base: 'Basis',
    low: 'Intervall von',
    high: 'Intervall bis',
    index: 'Index (Basis = 100)',
    over: 'über Basis',
    under: 'unter Basis',
    size: 'Anzahl',
    share: 'Anteil an der Basis',
    threshold: 'Mindestgröße',
    tooSmall: 'zu klein',
    largeEnough: 'groß genug',
    both: 'in beiden',
    jaccard: 'Jaccard',
    from: 'Von',
    to: 'Nach',
    count: 'Anzahl',
    intersection: 'Schnittmenge',
    n: 'Fälle'
  },
  en: {
    segment: 'Segment',
    base: 'Base',
    low: 'Interval from',
    high: 'Interval to',
    index: 'Index (base = 100)',
    over: 'above base',
    under: 'below base',
    size: 'Entities',
    share: 'Share of base',
    threshold: 'Minimum size',
    tooSmall: 'too small',
    largeEnough: 'large enough',
    both: 'in both',
    jaccard: 'Jaccard',
    from: 'From',
    to: 'To',
    count: 'Entities',
    intersection: 'Intersection',
    n: 'Cases'
  }
};

/** Locale, title and label overrides of a segment chart. */
export interface SegmentChartOptions {
  locale: 'de' | 'en';
  title?: string;
  labels?: Partial<SegmentChartLabels>;
}

const COLOR = { bar: '#3b5bdb', over: '#2f9e44', under: '#e03131', muted: '#adb5bd', rule: '#212529' };
const NUMBER = ',.4~f';
const COUNT = ',d';
const PERCENT = '.1%';
type Def = Record<string, unknown>;

function labelsOf(options: SegmentChartOptions): SegmentChartLabels {
  return { ...SEGMENT_CHART_LABELS[options.locale], ...options.labels };
}

/** The top level every segment chart shares: schema, named data, title, locale and look. */
function frame(options: SegmentChartOptions, body: Def): TopLevelSpec {
  return chartFrame(options, body, { labelLimit: 220 });
}

/** Fills the container's width, laid out again once the rows arrive (see chart-spec.ts). */
const FIT = { width: 'container', autosize: { type: 'fit-x', contains: 'padding', resize: true } };

const finite = (x: number | null): number | null => (x !== null && Number.isFinite(x) ? x : null);
const q = (field: string, title: string, format = NUMBER): Def => ({ field, type: 'quantitative', title, format });
const segmentAxis = (field: string, title: string): Def => ({ field, type: 'nominal', title, sort: null, axis: { labelAngle: -30 } });

/** One bar of the KPI chart: a segment's estimate, its interval and the base's estimate. */
export interface KpiBarRow {
  segment: string;
  value: number;
  /** Interval bounds; null when the data cannot bound it (a single row). */
  low: number | null;
  high: number | null;
  base: number | null;
  index: number | null;
  n: number;
  /** The segment or the KPI carries a guard warning. */
  warning: boolean;
}

/**
 * The rows of one KPI's bar chart: each segment's compared estimate (for `sum`, the mean per entity),
 * interval and the base's estimate; segments without a value are left out.
 * @param profile the result of `profileResult`
 * @param kpi the KPI's position in the profile's list
 */
export function kpiBarRows(profile: ProfileResult, kpi: number): KpiBarRow[] {
  return profile.segments.flatMap((s) => {
    const k = s.kpis[kpi];
    if (k.estimate === null) return [];
    return [
      {
        segment: s.segment,
        value: k.estimate,
        low: finite(k.low),
        high: finite(k.high),
        base: k.baseEstimate,
        index: finite(k.index),
        n: k.n,
        warning: s.warnings.length > 0 || k.warnings.length > 0
      }
    ];
  });
}

/**
 * Bars of one KPI per segment with the interval as error bars and the base as a dashed rule; bars of
 * segments with a guard warning are pale. Reads `KpiBarRow`s.
 * @param kpi the KPI's label (the value axis title) and kind (`rate` is drawn as a percentage)
 * @param options locale, title and labels
 */
export function kpiBarSpec(kpi: { label: string; kind: KpiKind }, options: SegmentChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  const format = kpi.kind === 'rate' ? PERCENT : NUMBER;
  const x = segmentAxis('segment', l.segment);
  const tooltip = [
    { field: 'segment', type: 'nominal', title: l.segment },
    q('value', kpi.label, format),
    q('low', l.low, format),
    q('high', l.high, format),
    q('base', l.base, format),
    q('index', l.index, ',.0f'),
    q('n', l.n, COUNT)
  ];
  return frame(options, {
    ...FIT,
    height: 260,
    layer: [
      {
        mark: { type: 'bar', color: COLOR.bar, tooltip: true },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: kpi.label, axis: { format } },
          opacity: { condition: { test: 'datum.warning', value: 0.35 }, value: 0.9 },
          tooltip
        }
      },
      {
        mark: { type: 'rule', aria: false, color: COLOR.rule, strokeWidth: 1.5 },
        encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, tooltip }
      },
      {
        mark: { type: 'rule', aria: false, color: COLOR.rule, strokeDash: [5, 4], tooltip: true },
        encoding: { y: { field: 'base', type: 'quantitative', aggregate: 'max' }, tooltip: [q('base', l.base, format)] }
      }
    ]
  });
}

/** One bar of the index chart. */
export interface IndexRow {
  segment: string;
  kpi: string;
  index: number;
  /** The interval as an index (the base taken as fixed); null when unbounded. */
  low: number | null;
  high: number | null;
  over: boolean;
}

/**
 * The rows of the index chart: every segment × KPI with an index.
 * @param profile the result of `profileResult`
 */
export function indexRows(profile: ProfileResult): IndexRow[] {
  return profile.segments.flatMap((s) =>
    s.kpis.flatMap((k) => {
      if (k.index === null || k.baseEstimate === null) return [];
      const scaled = (x: number | null) => finite(x === null ? null : (x / k.baseEstimate!) * 100);
      const [a, b] = [scaled(k.low), scaled(k.high)];
      const [low, high] = a !== null && b !== null && a > b ? [b, a] : [a, b];
      return [{ segment: s.segment, kpi: k.label, index: k.index, low, high, over: k.index >= 100 }];
    })
  );
}

/**
 * Index bars diverging from 100 (green above the base, red below), one panel per KPI, with the
 * interval as an error bar. Reads `IndexRow`s.
 * @param options locale, title, labels, and the width of a panel (default 240)
 */
export function indexSpec(options: SegmentChartOptions & { panelWidth?: number }): TopLevelSpec {
  const l = labelsOf(options);
  const direction = '__seglab_direction';
  const y = { field: 'segment', type: 'nominal', title: null, sort: null };
  const x = { field: 'index', type: 'quantitative', title: l.index, scale: { zero: false } };
  const tooltip = [
    { field: 'segment', type: 'nominal', title: l.segment },
    { field: 'kpi', type: 'nominal', title: null },
    q('index', l.index, ',.0f'),
    q('low', l.low, ',.0f'),
    q('high', l.high, ',.0f')
  ];
  return frame(options, {
    transform: [{ calculate: `datum.over ? ${JSON.stringify(l.over)} : ${JSON.stringify(l.under)}`, as: direction }],
    facet: { column: { field: 'kpi', type: 'nominal', title: null, sort: null } },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: options.panelWidth ?? 240,
      height: { step: 22 },
      layer: [
        {
          mark: { type: 'bar', tooltip: true },
          encoding: {
            y,
            x,
            x2: { datum: 100 },
            color: { field: direction, type: 'nominal', title: null, scale: { domain: [l.over, l.under], range: [COLOR.over, COLOR.under] } },
            tooltip
          }
        },
        { mark: { type: 'rule', aria: false, color: COLOR.rule }, encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' }, tooltip } },
        { mark: { type: 'rule', aria: false, color: COLOR.rule, strokeDash: [4, 3] }, encoding: { x: { datum: 100, type: 'quantitative' } } }
      ]
    }
  });
}

/** One bar of the size chart. */
export interface SizeRow {
  segment: string;
  size: number;
  share: number;
  small: boolean;
}

/**
 * The smallest size that passes both guards: max(minSize, ⌈minShare × base size⌉).
 * @param profile the result of `profileResult`
 * @param guards the guards it was computed with
 */
export function sizeThreshold(profile: ProfileResult, guards: SegmentGuards): number {
  return Math.max(guards.minSize, Math.ceil(guards.minShare * profile.base.size));
}

/**
 * The rows of the size chart.
 * @param profile the result of `profileResult`
 */
export function sizeRows(profile: ProfileResult): SizeRow[] {
  return profile.segments.map((s) => ({ segment: s.segment, size: s.size, share: s.share, small: s.warnings.length > 0 }));
}

/**
 * Segment sizes as bars, flagged ones in grey, with the guard threshold as a dashed rule named in
 * the legend's title. Reads `SizeRow`s.
 * @param threshold the smallest acceptable size (see `sizeThreshold`)
 * @param options locale, title and labels
 */
export function sizeSpec(threshold: number, options: SegmentChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  const flag = '__seglab_flag';
  const title = `${l.threshold}: ${new Intl.NumberFormat(options.locale).format(threshold)}`;
  return frame(options, {
    ...FIT,
    height: 260,
    transform: [{ calculate: `datum.small ? ${JSON.stringify(l.tooSmall)} : ${JSON.stringify(l.largeEnough)}`, as: flag }],
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: segmentAxis('segment', l.segment),
          y: { field: 'size', type: 'quantitative', title: l.size, axis: { format: COUNT } },
          color: { field: flag, type: 'nominal', title, scale: { domain: [l.largeEnough, l.tooSmall], range: [COLOR.bar, COLOR.muted] } },
          tooltip: [{ field: 'segment', type: 'nominal', title: l.segment }, q('size', l.size, COUNT), q('share', l.share, PERCENT)]
        }
      },
      {
        transform: [{ aggregate: [{ op: 'count', as: '__seglab_n' }] }],
        mark: { type: 'rule', aria: false, color: COLOR.under, strokeDash: [6, 4], strokeWidth: 1.5, tooltip: true },
        encoding: { y: { datum: threshold, type: 'quantitative' }, tooltip: { value: title } }
      }
    ]
  });
}

/** A row of `overlapQuery`. */
export interface OverlapRow {
  segment_a: string;
  segment_b: string;
  n_both: number;
  size_a: number;
  size_b: number;
  jaccard: number;
}

/**
 * A heatmap of the overlap of every pair of segments: the colour is the Jaccard index, the cell
 * text the number of entities in both. Reads `overlapQuery`'s rows (`OverlapRow`).
 * @param options locale, title and labels
 */
export function overlapSpec(options: SegmentChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  const tooltip = [
    { field: 'segment_a', type: 'nominal', title: l.segment },
    { field: 'segment_b', type: 'nominal', title: l.segment },
    q('n_both', l.both, COUNT),
    q('size_a', `${l.size} (1)`, COUNT),
    q('size_b', `${l.size} (2)`, COUNT),
    q('jaccard', l.jaccard, PERCENT)
  ];
  const encoding = {
    x: { field: 'segment_b', type: 'nominal', title: null, sort: null, axis: { labelAngle: -30, orient: 'top' } },
    y: { field: 'segment_a', type: 'nominal', title: null, sort: null },
    tooltip
  };
  return frame(options, {
    width: { step: 56 },
    height: { step: 32 },
    encoding,
    layer: [
      {
        mark: { type: 'rect', tooltip: true },
        encoding: { color: { field: 'jaccard', type: 'quantitative', title: l.jaccard, scale: { domain: [0, 1], scheme: 'blues' }, legend: { format: PERCENT } } }
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 'n_both', type: 'quantitative', format: COUNT },
          color: { condition: { test: 'datum.jaccard > 0.5', value: 'white' }, value: 'black' }
        }
      }
    ]
  });
}

/** One cell of an UpSet chart's dot matrix: an intersection × a segment. */
export interface UpsetRow {
  /** 1 for the largest intersection. */
  rank: number;
  count: number;
  degree: number;
  segment: string;
  /** The segment's position among the intersected sets (largest first). */
  setIndex: number;
  setSize: number;
  member: boolean;
}

/**
 * The rows of an UpSet chart: every intersection × every intersected segment.
 * @param result the result of `upsetResult`
 */
export function upsetRows(result: UpsetResult): UpsetRow[] {
  return result.intersections.flatMap((x, r) =>
    result.sets.map((segment, i) => ({
      rank: r + 1,
      count: x.count,
      degree: x.degree,
      segment,
      setIndex: i,
      setSize: result.setSizes[i],
      member: (x.mask & (1 << i)) !== 0
    }))
  );
}

/**
 * An UpSet chart: intersection sizes as bars above a matrix of dots that marks which segments each
 * intersection holds (filled and joined for members), sharing the x axis. Reads `UpsetRow`s.
 * @param options locale, title and labels
 */
export function upsetSpec(options: SegmentChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  const x = { field: 'rank', type: 'ordinal', title: null, axis: null };
  const y = { field: 'segment', type: 'nominal', title: null, sort: { field: 'setIndex', op: 'min', order: 'ascending' } };
  const tooltip = [q('count', l.count, COUNT), q('degree', l.intersection, COUNT)];
  return frame(options, {
    spacing: 4,
    resolve: { scale: { x: 'shared' } },
    vconcat: [
      {
        height: 160,
        width: { step: 26 },
        transform: [{ filter: 'datum.setIndex === 0' }],
        encoding: { x, y: { field: 'count', type: 'quantitative', title: l.count, axis: { format: COUNT } }, tooltip },
        layer: [
          { mark: { type: 'bar', color: COLOR.bar, tooltip: true } },
          { mark: { type: 'text', dy: -6, fontSize: 10 }, encoding: { text: { field: 'count', type: 'quantitative', format: COUNT } } }
        ]
      },
      {
        width: { step: 26 },
        height: { step: 20 },
        encoding: { x, y },
        layer: [
          {
            mark: { type: 'circle', size: 90, tooltip: true },
            encoding: {
              color: { condition: { test: 'datum.member', value: COLOR.rule }, value: '#dee2e6' },
              tooltip: [{ field: 'segment', type: 'nominal', title: l.segment }, q('setSize', l.size, COUNT), ...tooltip]
            }
          },
          {
            transform: [{ filter: 'datum.member' }],
            mark: { type: 'line', color: COLOR.rule, strokeWidth: 2 },
            encoding: { detail: { field: 'rank', type: 'ordinal' }, order: { field: 'setIndex', type: 'quantitative' } }
          }
        ]
      }
    ]
  });
}

/** A row of `transitionQuery`. */
export interface TransitionRow {
  from_segment: string;
  to_segment: string;
  is_new: boolean;
  is_gone: boolean;
  count: number;
}

/** A transition row with the positions of its segments on the axes. */
export interface TransitionChartRow extends TransitionRow {
  fromRank: number;
  toRank: number;
}

/**
 * The rows of the transition chart: both axes list the segments in the query's order (by name), new
 * entities first and gone ones last, so the same segment sits at the same place on both axes.
 * @param rows the rows `transitionQuery` returned
 */
export function transitionRows(rows: readonly TransitionRow[]): TransitionChartRow[] {
  const rank = new Map<string, number>();
  const add = (name: string, at: number) => {
    if (!rank.has(name)) rank.set(name, at);
  };
  for (const r of rows) if (!r.is_new) add(r.from_segment, rank.size + 1);
  for (const r of rows) if (!r.is_gone) add(r.to_segment, rank.size + 1);
  const newRank = 0;
  const goneRank = rank.size + 1;
  return rows.map((r) => ({
    ...r,
    fromRank: r.is_new ? newRank : rank.get(r.from_segment)!,
    toRank: r.is_gone ? goneRank : rank.get(r.to_segment)!
  }));
}

/**
 * A heatmap of movements from the earlier membership (rows) to the current one (columns), with
 * counts in the cells; new entities on the first row, gone ones in the last column. Reads
 * `TransitionChartRow`s.
 * @param options locale, title and labels
 */
export function transitionSpec(options: SegmentChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  return frame(options, {
    width: { step: 56 },
    height: { step: 32 },
    encoding: {
      x: { field: 'to_segment', type: 'nominal', title: l.to, sort: { field: 'toRank', op: 'min', order: 'ascending' }, axis: { labelAngle: -30, orient: 'top' } },
      y: { field: 'from_segment', type: 'nominal', title: l.from, sort: { field: 'fromRank', op: 'min', order: 'ascending' } },
      tooltip: [
        { field: 'from_segment', type: 'nominal', title: l.from },
        { field: 'to_segment', type: 'nominal', title: l.to },
        q('count', l.count, COUNT)
      ]
    },
    layer: [
      { mark: { type: 'rect', tooltip: true }, encoding: { color: { field: 'count', type: 'quantitative', title: l.count, scale: { scheme: 'blues' } } } },
      { mark: { type: 'text', fontSize: 11 }, encoding: { text: { field: 'count', type: 'quantitative', format: COUNT } } }
    ]
  });
}
