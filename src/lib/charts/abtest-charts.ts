/**
 * Vega-Lite specs of the campaign read-outs: the A/B test's differences with their intervals per
 * segment, and the KPI board's small multiples (conversion, retention, revenue over time, one line
 * per segment). Pure: each spec reads the rows of the cell's result as the named set `values`, never
 * embedded. Every text comes from `CampaignChartLabels` (German and English, each overridable);
 * numbers follow the locale; periods are drawn in UTC.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartFrame } from './frame';

/** Every text a campaign chart shows. */
export interface CampaignChartLabels {
  segment: string;
  arm: string;
  difference: string;
  differencePoints: string;
  ciLow: string;
  ciHigh: string;
  p: string;
  pHolm: string;
  n: string;
  period: string;
  week: string;
  conversion: string;
  retention: string;
  revenue: string;
  members: string;
}

/** Default labels per locale. */
export const CAMPAIGN_CHART_LABELS: Record<'de' | 'en', CampaignChartLabels> = {
  de: {
    segment: 'Segment',
    arm: 'Variante',
    difference: 'Differenz zur Kontrolle',
    differencePoints: 'Differenz zur Kontrolle (Prozentpunkte)',
    ciLow: '95-%-KI von',
    ciHigh: '95-%-KI bis',
    p: 'p-Wert',
    pHolm: 'p (Holm)',
    n: 'n',
    period: 'Monat',
    week: 'Woche',
    conversion: 'Konversion',
    retention: 'Wiederkehrrate',
    revenue: 'Umsatz',
    members: 'Mitglieder'
  },
  en: {
    segment: 'Segment',
    arm: 'Variant',
    difference: 'Difference from control',
    differencePoints: 'Difference from control (percentage points)',
    ciLow: '95 % CI from',
    ciHigh: '95 % CI to',
    p: 'p-value',
    pHolm: 'p (Holm)',
    n: 'n',
    period: 'Month',
    week: 'Week',
    conversion: 'Conversion',
    retention: 'Retention',
    revenue: 'Revenue',
    members: 'Members'
  }
};

/** Locale, title and label overrides of a campaign chart. */
export interface CampaignChartOptions {
  locale: 'de' | 'en';
  title?: string;
  labels?: Partial<CampaignChartLabels>;
}

type Def = Record<string, unknown>;

const FIT = { width: 'container', autosize: { type: 'fit-x', contains: 'padding', resize: true } };
const ONCE = [{ aggregate: [{ op: 'count', as: '__seglab_n' }] }];
const P = '.4~f';

function labelsOf(options: CampaignChartOptions): CampaignChartLabels {
  return { ...CAMPAIGN_CHART_LABELS[options.locale], ...options.labels };
}

function frame(options: CampaignChartOptions, body: Def): TopLevelSpec {
  return chartFrame(options, body, { labelLimit: 200, config: { legend: { labelLimit: 200, titleLimit: 240, orient: 'bottom' } } });
}

/**
 * Per segment (rows, in the result's order) and variant (offset within the row, by colour) the
 * difference from the control as a dot with its 95 % interval as a bar, and a line at 0. Control
 * rows (no difference) are left out; a rate's difference is drawn in percentage points. Reads the
 * A/B test cell's result (`abTestResultQuery`).
 * @param metric binary (rates) or numeric (means)
 * @param options locale, title and labels
 */
export function abTestSpec(metric: 'binary' | 'numeric', options: CampaignChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  const [format, axisFormat] = metric === 'binary' ? ['+.1%', '+.0%'] : ['+,.2f', '+,.0f'];
  const title = metric === 'binary' ? l.differencePoints : l.difference;
  const y = { field: 'segment', type: 'nominal', title: l.segment, sort: null };
  const yOffset = { field: 'arm', type: 'nominal', sort: null };
  const color = { field: 'arm', type: 'nominal', title: l.arm, sort: null, scale: { scheme: 'tableau10' } };
  const tooltip = [
    { field: 'segment', type: 'nominal', title: l.segment },
    { field: 'arm', type: 'nominal', title: l.arm },
    { field: 'n', type: 'quantitative', title: l.n, format: ',d' },
    { field: 'difference', type: 'quantitative', title, format },
    { field: 'ci_low', type: 'quantitative', title: l.ciLow, format },
    { field: 'ci_high', type: 'quantitative', title: l.ciHigh, format },
    { field: 'p', type: 'quantitative', title: l.p, format: P },
    { field: 'p_holm', type: 'quantitative', title: l.pHolm, format: P }
  ];
  return frame(options, {
    ...FIT,
    height: { step: 22 },
    transform: [{ filter: 'isValid(datum.difference)' }],
    encoding: { y, yOffset },
    layer: [
      {
        transform: ONCE,
        mark: { type: 'rule', aria: false, color: '#868e96', strokeDash: [4, 3] },
        encoding: { x: { datum: 0, type: 'quantitative' }, y: { value: 0 }, y2: { value: { expr: 'height' } } }
      },
      {
        transform: [{ filter: 'isValid(datum.ci_low) && isValid(datum.ci_high)' }],
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          x: { field: 'ci_low', type: 'quantitative', title, axis: { format: axisFormat } },
          x2: { field: 'ci_high' },
          color,
          tooltip
        }
      },
      {
        mark: { type: 'point', filled: true, size: 60, opacity: 1 },
        encoding: { x: { field: 'difference', type: 'quantitative', title, axis: { format: axisFormat } }, color, tooltip }
      }
    ]
  });
}

/** A KPI the board charts: a column of `kpiBoardQuery`. */
export type BoardKpi = 'conversion' | 'retention' | 'revenue';

/**
 * The KPI board as small multiples, one chart per KPI stacked (conversion and retention as
 * percentages, revenue as money), each with one line per segment over the periods. Reads the KPI
 * board cell's result (`kpiBoardQuery`); periods without a retention (nobody active before) are
 * left out of that chart.
 * @param kpis the KPIs drawn, in order (revenue needs an amount column)
 * @param period month or week: the time axis' title and format
 * @param options locale, title and labels
 */
export function kpiBoardSpec(kpis: readonly BoardKpi[], period: 'month' | 'week', options: CampaignChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  const [timeUnit, title, format] = period === 'month' ? ['utcyearmonth', l.period, '%Y-%m'] : ['utcyearmonthdate', l.week, '%Y-%m-%d'];
  const x = { field: 'period', type: 'temporal', timeUnit, title, axis: { format } };
  const formats: Record<BoardKpi, string> = { conversion: '.1%', retention: '.1%', revenue: ',.0f' };
  const chart = (kpi: BoardKpi): Def => ({
    width: 'container',
    height: 150,
    title: { text: l[kpi], anchor: 'start', fontSize: 13 },
    transform: [{ filter: `isValid(datum.${kpi})` }],
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x,
      y: { field: kpi, type: 'quantitative', title: null, axis: { format: formats[kpi] } },
      color: { field: 'segment', type: 'nominal', title: l.segment, scale: { scheme: 'tableau10' }, legend: { orient: 'top', direction: 'horizontal' } },
      tooltip: [
        { field: 'segment', type: 'nominal', title: l.segment },
        { field: 'period', type: 'temporal', timeUnit, title, format },
        { field: 'members', type: 'quantitative', title: l.members, format: ',d' },
        { field: kpi, type: 'quantitative', title: l[kpi], format: formats[kpi] }
      ]
    }
  });
  return frame(options, {
    autosize: { type: 'fit-x', contains: 'padding', resize: true },
    vconcat: kpis.map(chart),
    resolve: { scale: { y: 'independent' } }
  });
}
