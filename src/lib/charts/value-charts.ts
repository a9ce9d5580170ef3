/**
 * Vega-Lite specs of the customer-value results: the R×F heatmap, segment bars (size or value), the
 * cohort retention heatmap, cohort lines (retention or revenue per customer over months) and the
 * Lorenz / Pareto curve. Pure: each spec reads the rows of one query (see each function) as the named
 * set `values`, never embedded. Every text shown comes from `ValueChartLabels` (German and English
 * defaults, each overridable); numbers follow the locale (`1.234,5` for de); months are drawn in UTC
 * as `YYYY-MM`.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_DATA } from './chart-spec';
import { chartFrame } from './frame';

/** Name of the data set every value chart reads. */
export const VALUE_CHART_DATA = CHART_DATA;

/** Every text a value chart shows. */
export interface ValueChartLabels {
  recencyScore: string;
  frequencyScore: string;
  customers: string;
  share: string;
  segment: string;
  noSegment: string;
  meanMonetary: string;
  totalMonetary: string;
  totalRevenue: string;
  revenueShare: string;
  meanRecency: string;
  cohort: string;
  cohortSize: string;
  monthOffset: string;
  period: string;
  retention: string;
  revenuePerCustomer: string;
  cumulativeRevenuePerCustomer: string;
  customerShare: string;
  valueShare: string;
  equality: string;
}

/** Default labels per locale. */
export const VALUE_CHART_LABELS: Record<'de' | 'en', ValueChartLabels> = {
  de: {
    recencyScore: 'R-Wert (Aktualität)',
    frequencyScore: 'F-Wert (Häufigkeit)',
    customers: 'Kunden',
    share: 'Anteil',
    segment: 'Segment',
    noSegment: '(ohne Segment)',
    meanMonetary: 'Ø M-Wert',
    totalMonetary: 'M-Wert gesamt',
    totalRevenue: 'Umsatz',
    revenueShare: 'Umsatzanteil',
    meanRecency: 'Ø Tage seit letztem Kauf',
    cohort: 'Kohorte (erster Kauf)',
    cohortSize: 'Kohortengröße',
    monthOffset: 'Monate seit erstem Kauf',
    period: 'Monat',
    retention: 'Wiederkaufrate',
    revenuePerCustomer: 'Umsatz je Kohortenkunde',
    cumulativeRevenuePerCustomer: 'Kumulierter Umsatz je Kohortenkunde',
    customerShare: 'Anteil der Kunden (wertvollste zuerst)',
    valueShare: 'Anteil am Gesamtwert',
    equality: 'Gleichverteilung'
  },
  en: {
    recencyScore: 'R score (recency)',
    frequencyScore: 'F score (frequency)',
    customers: 'Customers',
    share: 'Share',
    segment: 'Segment',
    noSegment: '(no segment)',
    meanMonetary: 'Mean M value',
    totalMonetary: 'Total M value',
    totalRevenue: 'Revenue',
    revenueShare: 'Share of revenue',
    meanRecency: 'Mean days since last purchase',
    cohort: 'Cohort (first purchase)',
    cohortSize: 'Cohort size',
    monthOffset: 'Months since first purchase',
    period: 'Month',
    retention: 'Retention',
    revenuePerCustomer: 'Revenue per cohort customer',
    cumulativeRevenuePerCustomer: 'Cumulative revenue per cohort customer',
    customerShare: 'Share of customers (most valuable first)',
    valueShare: 'Share of total value',
    equality: 'Equal distribution'
  }
};

/** Locale, title and label overrides of a value chart. */
export interface ValueChartOptions {
  locale: 'de' | 'en';
  title?: string;
  labels?: Partial<ValueChartLabels>;
}

const COLOR = { bar: '#3b5bdb', line: '#3b5bdb', rule: '#868e96', mark: '#e03131' };
const MONEY = ',.2~f';
const COUNT = ',d';
const PERCENT = '.1%';
const MONTH = '%Y-%m';
type Def = Record<string, unknown>;

function labelsOf(options: ValueChartOptions): ValueChartLabels {
  return { ...VALUE_CHART_LABELS[options.locale], ...options.labels };
}

/** Schema, named data, title, locale and look shared by the value charts. */
function frame(options: ValueChartOptions, body: Def): TopLevelSpec {
  return chartFrame(options, body, { labelLimit: 220, config: { legend: { labelLimit: 220, titleLimit: 260 } } });
}

/** Fills the container's width, laid out again once the rows arrive (see chart-spec.ts). */
const FIT = { width: 'container', autosize: { type: 'fit-x', contains: 'padding', resize: true } };
/** Draws a layer once, whatever the number of rows. */
const ONCE = [{ aggregate: [{ op: 'count', as: '__seglab_n' }] }];

const q = (field: string, title: string, format: string): Def => ({ field, type: 'quantitative', title, format });
const month = (field: string, title: string): Def => ({ field, type: 'temporal', timeUnit: 'utcyearmonth', title, format: MONTH });

/** Cell text in white on dark cells: those above half of the maximum of `field`; `filter` drops rows. */
function contrastText(field: string, text: Def, filter?: string): Def {
  return {
    transform: [...(filter ? [{ filter }] : []), { joinaggregate: [{ op: 'max', field, as: '__seglab_max' }] }],
    mark: { type: 'text', fontSize: 11 },
    encoding: {
      text,
      color: { condition: { test: `datum.${field} > 0.5 * datum.__seglab_max`, value: 'white' }, value: 'black' }
    }
  };
}

/**
 * The R×F heatmap: frequency score across, recency score down (5 on top), the number of customers as
 * colour and the mean monetary value as the cell text (empty cells have none); the tooltip adds the
 * share, mean recency and segment. Reads `rfmGridQuery`'s rows (`RfmGridRow`).
 * @param options locale, title and labels
 */
export function rfmGridSpec(options: ValueChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  return frame(options, {
    width: { step: 64 },
    height: { step: 44 },
    encoding: {
      x: { field: 'f_score', type: 'ordinal', title: l.frequencyScore, sort: 'ascending', axis: { labelAngle: 0 } },
      y: { field: 'r_score', type: 'ordinal', title: l.recencyScore, sort: 'descending' },
      tooltip: [
        { field: 'segment', type: 'nominal', title: l.segment },
        { field: 'r_score', type: 'ordinal', title: l.recencyScore },
        { field: 'f_score', type: 'ordinal', title: l.frequencyScore },
        q('customers', l.customers, COUNT),
        q('share', l.share, PERCENT),
        q('mean_monetary', l.meanMonetary, MONEY),
        q('mean_recency_days', l.meanRecency, ',.1f')
      ]
    },
    layer: [
      {
        mark: { type: 'rect', tooltip: true },
        encoding: { color: { field: 'customers', type: 'quantitative', title: l.customers, scale: { scheme: 'blues' }, legend: { format: COUNT } } }
      },
      contrastText('customers', { field: 'mean_monetary', type: 'quantitative', format: ',.0f' }, 'isValid(datum.mean_monetary)')
    ]
  });
}

/** What the segment bars show: a column of `rfmSegmentSummaryQuery`. */
export type RfmSegmentMeasure = 'customers' | 'mean_monetary' | 'total_monetary' | 'total_revenue';

/**
 * One bar per RFM segment in the map's order, its height the measure: segment sizes (`customers`) or
 * the monetary value (`mean_monetary`, `total_monetary`, `total_revenue`); customers without a segment
 * are labelled `noSegment`. Reads `rfmSegmentSummaryQuery`'s rows (`RfmSegmentSummaryRow`).
 * @param measure the column drawn
 * @param options locale, title and labels
 */
export function rfmSegmentSpec(measure: RfmSegmentMeasure, options: ValueChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  const name = '__seglab_segment';
  const titles: Record<RfmSegmentMeasure, [string, string]> = {
    customers: [l.customers, COUNT],
    mean_monetary: [l.meanMonetary, MONEY],
    total_monetary: [l.totalMonetary, MONEY],
    total_revenue: [l.totalRevenue, MONEY]
  };
  const [title, format] = titles[measure];
  return frame(options, {
    ...FIT,
    height: 260,
    transform: [{ calculate: `isValid(datum.segment) ? datum.segment : ${JSON.stringify(l.noSegment)}`, as: name }],
    mark: { type: 'bar', color: COLOR.bar, tooltip: true },
    encoding: {
      x: { field: name, type: 'nominal', title: l.segment, sort: null, axis: { labelAngle: -30 } },
      y: { field: measure, type: 'quantitative', title, axis: { format } },
      tooltip: [
        { field: name, type: 'nominal', title: l.segment },
        q('customers', l.customers, COUNT),
        q('share', l.share, PERCENT),
        q('mean_monetary', l.meanMonetary, MONEY),
        q('total_revenue', l.totalRevenue, MONEY),
        q('revenue_share', l.revenueShare, PERCENT),
        q('mean_recency_days', l.meanRecency, ',.1f')
      ]
    }
  });
}

/**
 * The cohort retention heatmap: months since the first purchase across, cohorts down (oldest on top),
 * retention as colour and as cell text. Reads `cohortQuery`'s rows (`CohortRow`).
 * @param options locale, title and labels
 */
export function cohortHeatmapSpec(options: ValueChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  return frame(options, {
    width: { step: 40 },
    height: { step: 24 },
    encoding: {
      x: { field: 'month_offset', type: 'ordinal', title: l.monthOffset, sort: 'ascending', axis: { labelAngle: 0, orient: 'top' } },
      y: { field: 'cohort', type: 'ordinal', timeUnit: 'utcyearmonth', title: l.cohort, sort: 'ascending', axis: { format: MONTH } },
      tooltip: [
        month('cohort', l.cohort),
        { field: 'month_offset', type: 'ordinal', title: l.monthOffset },
        month('period', l.period),
        q('cohort_size', l.cohortSize, COUNT),
        q('customers', l.customers, COUNT),
        q('retention', l.retention, PERCENT)
      ]
    },
    layer: [
      {
        mark: { type: 'rect', tooltip: true },
        encoding: { color: { field: 'retention', type: 'quantitative', title: l.retention, scale: { scheme: 'blues', domain: [0, 1] }, legend: { format: '.0%' } } }
      },
      contrastText('retention', { field: 'retention', type: 'quantitative', format: '.0%' })
    ]
  });
}

/** What the cohort lines show: a column of `cohortQuery`. */
export type CohortMeasure = 'retention' | 'revenue_per_customer' | 'cumulative_revenue_per_customer';

/**
 * One line per cohort over the months since the first purchase: retention, revenue per cohort
 * customer in the month, or cumulative revenue per cohort customer (the revenue columns need an amount
 * in `cohortQuery`). Reads `cohortQuery`'s rows (`CohortRow`).
 * @param measure the column drawn
 * @param options locale, title and labels
 */
export function cohortLineSpec(measure: CohortMeasure, options: ValueChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  const titles: Record<CohortMeasure, [string, string]> = {
    retention: [l.retention, PERCENT],
    revenue_per_customer: [l.revenuePerCustomer, MONEY],
    cumulative_revenue_per_customer: [l.cumulativeRevenuePerCustomer, MONEY]
  };
  const [title, format] = titles[measure];
  return frame(options, {
    ...FIT,
    height: 280,
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: { field: 'month_offset', type: 'quantitative', title: l.monthOffset, axis: { tickMinStep: 1, format: 'd' } },
      y: { field: measure, type: 'quantitative', title, axis: { format } },
      color: {
        field: 'cohort',
        type: 'ordinal',
        timeUnit: 'utcyearmonth',
        title: l.cohort,
        scale: { scheme: 'viridis' },
        legend: { format: MONTH }
      },
      tooltip: [
        month('cohort', l.cohort),
        { field: 'month_offset', type: 'quantitative', title: l.monthOffset },
        q('cohort_size', l.cohortSize, COUNT),
        q(measure, title, format)
      ]
    }
  });
}

/** A point to mark on the Lorenz curve, e.g. `topShareQuery`'s result. */
export interface LorenzHighlight {
  customerShare: number;
  valueShare: number;
}

/**
 * The Lorenz / Pareto curve: the share of customers (most valuable first) against their share of the
 * total value, with the diagonal of equal distribution; with unprofitable customers it rises above
 * 100 % and ends at 100 % (see value-tiers.ts). An optional point marks e.g. "top 20 % → 74.6 %".
 * Reads `paretoQuery`'s rows (`ParetoRow`); rows without a share (net total ≤ 0) are left out.
 * @param options locale, title, labels, and the point to mark
 */
export function lorenzSpec(options: ValueChartOptions & { highlight?: LorenzHighlight }): TopLevelSpec {
  const l = labelsOf(options);
  const x = { field: 'customer_share', type: 'quantitative', title: l.customerShare, axis: { format: '.0%' }, scale: { domain: [0, 1] } };
  const layer: Def[] = [
    {
      transform: ONCE,
      mark: { type: 'rule', aria: false, color: COLOR.rule, strokeDash: [5, 4] },
      encoding: { x: { datum: 0, type: 'quantitative' }, y: { datum: 0, type: 'quantitative' }, x2: { datum: 1 }, y2: { datum: 1 }, tooltip: { value: l.equality } }
    },
    {
      transform: [{ filter: 'isValid(datum.value_share)' }],
      mark: { type: 'line', color: COLOR.line, strokeWidth: 2, tooltip: true },
      encoding: {
        x,
        y: { field: 'value_share', type: 'quantitative', title: l.valueShare, axis: { format: '.0%' } },
        tooltip: [q('customer_share', l.customerShare, PERCENT), q('value_share', l.valueShare, PERCENT), q('customers', l.customers, COUNT)]
      }
    }
  ];
  const h = options.highlight;
  if (h) {
    const percent = new Intl.NumberFormat(options.locale, { style: 'percent', maximumFractionDigits: 1 });
    const text = `${percent.format(h.customerShare)} → ${percent.format(h.valueShare)}`;
    const at = { x: { datum: h.customerShare, type: 'quantitative' }, y: { datum: h.valueShare, type: 'quantitative' } };
    layer.push(
      { transform: ONCE, mark: { type: 'point', filled: true, size: 70, color: COLOR.mark, tooltip: true }, encoding: { ...at, tooltip: { value: text }, description: { value: text } } },
      { transform: ONCE, mark: { type: 'text', align: 'left', dx: 8, dy: 10, fontSize: 12, color: COLOR.mark }, encoding: { ...at, text: { value: text }, description: { value: text } } }
    );
  }
  return frame(options, { ...FIT, height: 300, layer });
}
