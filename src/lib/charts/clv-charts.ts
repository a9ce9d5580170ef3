/**
 * Vega-Lite specs of a CLV cell's report: the calibration / holdout check (actual against predicted
 * mean holdout purchases per calibration frequency), the value by customer decile, and the
 * distribution of the probability of being alive. Pure: each spec reads the rows of one query (see
 * each function) as the named set `values`, never embedded. Every text shown comes from
 * `ClvChartLabels` (German and English defaults, each overridable); numbers follow the locale.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartFrame } from './frame';

/** Every text a CLV chart shows. */
export interface ClvChartLabels {
  frequency: string;
  meanHoldout: string;
  series: string;
  actual: string;
  predicted: string;
  customers: string;
  decile: string;
  valueShare: string;
  totalValue: string;
  meanValue: string;
  meanPAlive: string;
  pAlive: string;
}

/** Default labels per locale. */
export const CLV_CHART_LABELS: Record<'de' | 'en', ClvChartLabels> = {
  de: {
    frequency: 'Wiederholungskäufe im Kalibrierungszeitraum',
    meanHoldout: 'Ø Käufe im Prüfzeitraum',
    series: 'Reihe',
    actual: 'Tatsächlich',
    predicted: 'BG/NBD-Prognose',
    customers: 'Kunden',
    decile: 'Kundendezil (1 = wertvollste 10 %)',
    valueShare: 'Anteil am Gesamtwert',
    totalValue: 'Wert',
    meanValue: 'Ø Wert je Kunde',
    meanPAlive: 'Ø P(aktiv)',
    pAlive: 'Wahrscheinlichkeit, noch aktiv zu sein'
  },
  en: {
    frequency: 'Repeat purchases in the calibration period',
    meanHoldout: 'Mean purchases in the holdout period',
    series: 'Series',
    actual: 'Actual',
    predicted: 'BG/NBD prediction',
    customers: 'Customers',
    decile: 'Customer decile (1 = most valuable 10 %)',
    valueShare: 'Share of total value',
    totalValue: 'Value',
    meanValue: 'Mean value per customer',
    meanPAlive: 'Mean P(alive)',
    pAlive: 'Probability of being alive'
  }
};

/** Locale, title and label overrides of a CLV chart. */
export interface ClvChartOptions {
  locale: 'de' | 'en';
  title?: string;
  labels?: Partial<ClvChartLabels>;
}

/** A row of the holdout check: `HoldoutBucket` of engine/clv.ts. */
export interface HoldoutCheckRow {
  /** Calibration frequency: '0' … '6', or '7+'. */
  x: string;
  customers: number;
  actual: number;
  predicted: number | null;
}

const COLOR = { actual: '#1f2328', predicted: '#3b5bdb', bar: '#3b5bdb' };
const COUNT = ',d';
const MEAN = ',.3f';
const MONEY = ',.2f';
type Def = Record<string, unknown>;

function labelsOf(options: ClvChartOptions): ClvChartLabels {
  return { ...CLV_CHART_LABELS[options.locale], ...options.labels };
}

function frame(options: ClvChartOptions, body: Def): TopLevelSpec {
  return chartFrame(options, body, { labelLimit: 220, config: { legend: { labelLimit: 220, titleLimit: 260, orient: 'top' } } });
}

/** Fills the container's width, laid out again once the rows arrive (see chart-spec.ts). */
const FIT = { width: 'container', autosize: { type: 'fit-x', contains: 'padding', resize: true } };

const q = (field: string, title: string, format: string): Def => ({ field, type: 'quantitative', title, format });

/**
 * The calibration / holdout check of Fader, Hardie & Lee (2005, figure 3): per calibration frequency
 * (0 … 6, 7+) the mean number of purchases customers made in the holdout period, actual (solid) and
 * as BG/NBD predicted (dashed); a bucket without a prediction draws only the actual point. Reads the
 * holdout buckets of a CLV fit (`HoldoutCheckRow`).
 * @param options locale, title and labels
 */
export function holdoutCheckSpec(options: ClvChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  const series = { field: '__seglab_series', type: 'nominal', title: l.series, scale: { domain: [l.actual, l.predicted], range: [COLOR.actual, COLOR.predicted] } };
  return frame(options, {
    ...FIT,
    height: 260,
    transform: [
      { fold: ['actual', 'predicted'], as: ['__seglab_key', '__seglab_value'] },
      { filter: 'isValid(datum.__seglab_value)' },
      { calculate: `datum.__seglab_key === 'actual' ? ${JSON.stringify(l.actual)} : ${JSON.stringify(l.predicted)}`, as: '__seglab_series' }
    ],
    encoding: {
      x: { field: 'x', type: 'ordinal', title: l.frequency, sort: 'ascending', axis: { labelAngle: 0 } },
      y: { field: '__seglab_value', type: 'quantitative', title: l.meanHoldout, axis: { format: ',.1f' } },
      color: series,
      strokeDash: { field: '__seglab_series', type: 'nominal', title: l.series, scale: { domain: [l.actual, l.predicted], range: [[1, 0], [6, 4]] } },
      tooltip: [
        { field: 'x', type: 'ordinal', title: l.frequency },
        q('customers', l.customers, COUNT),
        q('actual', l.actual, MEAN),
        q('predicted', l.predicted, MEAN)
      ]
    },
    mark: { type: 'line', point: { size: 50, filled: true }, strokeWidth: 2, tooltip: true }
  });
}

/** A row of the value-by-decile chart. */
export interface ValueDecileRow {
  /** 1 = the most valuable tenth of the customers. */
  decile: number;
  customers: number;
  total: number;
  /** total / the sum over all deciles (null when that sum is not positive). */
  share: number | null;
  mean: number;
  /** Mean probability of being alive (null without a BG/NBD fit). */
  mean_p_alive: number | null;
}

/**
 * One bar per customer decile (1 = the most valuable tenth by the chosen value), its height the
 * decile's share of the total value and its label that share; the tooltip adds the decile's value,
 * mean value per customer and mean P(alive). Reads `ValueDecileRow`s.
 * @param options locale, title and labels (`totalValue` names the value, e.g. "Predicted CLV")
 */
export function valueDecileSpec(options: ClvChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  return frame(options, {
    ...FIT,
    height: 240,
    transform: [{ filter: 'isValid(datum.share)' }],
    encoding: {
      x: { field: 'decile', type: 'ordinal', title: l.decile, sort: 'ascending', axis: { labelAngle: 0 } },
      y: { field: 'share', type: 'quantitative', title: l.valueShare, axis: { format: '.0%' } },
      tooltip: [
        { field: 'decile', type: 'ordinal', title: l.decile },
        q('customers', l.customers, COUNT),
        q('total', l.totalValue, MONEY),
        q('share', l.valueShare, '.1%'),
        q('mean', l.meanValue, MONEY),
        q('mean_p_alive', l.meanPAlive, '.1%')
      ]
    },
    layer: [
      { mark: { type: 'bar', color: COLOR.bar, tooltip: true } },
      { mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 11 }, encoding: { text: { field: 'share', type: 'quantitative', format: '.1%' } } }
    ]
  });
}

/** A row of the P(alive) histogram: customers with bin_start ≤ p_alive < bin_end (the last bin includes 1). */
export interface PAliveBinRow {
  bin_start: number;
  bin_end: number;
  customers: number;
}

/**
 * A histogram of the probability of being alive, 0 … 100 %. Reads `PAliveBinRow`s.
 * @param options locale, title and labels
 */
export function pAliveHistogramSpec(options: ClvChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  return frame(options, {
    ...FIT,
    height: 200,
    mark: { type: 'bar', color: COLOR.bar, binSpacing: 1, tooltip: true },
    encoding: {
      x: { field: 'bin_start', type: 'quantitative', title: l.pAlive, bin: { binned: true, step: 0.1 }, scale: { domain: [0, 1] }, axis: { format: '.0%' } },
      x2: { field: 'bin_end' },
      y: { field: 'customers', type: 'quantitative', title: l.customers, axis: { format: COUNT } },
      tooltip: [q('bin_start', `${l.pAlive} ≥`, '.0%'), q('bin_end', '<', '.0%'), q('customers', l.customers, COUNT)]
    }
  });
}
