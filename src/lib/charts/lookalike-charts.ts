/**
 * Vega-Lite specs of a lookalike cell's evaluation: the cumulative gains curve (with the random
 * diagonal), the lift curve, the ROC curve, where the held-out positives land per tenth of the
 * ranking, the distribution of the scores and which features the top of the ranking shares. Pure:
 * each spec reads the rows of one array of `LookalikeDetails` (see each function) as the named set
 * `values`, never embedded. Every text comes from `LookalikeChartLabels` (German and English
 * defaults, each overridable); numbers follow the locale.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartFrame } from './frame';

/** Every text a lookalike chart shows. */
export interface LookalikeChartLabels {
  rankingShare: string;
  positivesFound: string;
  random: string;
  lift: string;
  fpr: string;
  tpr: string;
  tenth: string;
  positives: string;
  score: string;
  rows: string;
  feature: string;
  topShare: string;
}

/** Default labels per locale. */
export const LOOKALIKE_CHART_LABELS: Record<'de' | 'en', LookalikeChartLabels> = {
  de: {
    rankingShare: 'Anteil der Rangliste (beste zuerst)',
    positivesFound: 'Anteil der gefundenen Positiven',
    random: 'Zufall',
    lift: 'Lift',
    fpr: 'Falsch-positiv-Rate',
    tpr: 'Richtig-positiv-Rate',
    tenth: 'Zehntel der Rangliste (1 = oberste 10 %)',
    positives: 'Positive (zurückgehalten)',
    score: 'Score',
    rows: 'Zeilen',
    feature: 'Merkmal',
    topShare: 'Anteil der obersten 5 % mit diesem Merkmal unter den Top-Merkmalen'
  },
  en: {
    rankingShare: 'Share of the ranking (best first)',
    positivesFound: 'Share of positives found',
    random: 'Random',
    lift: 'Lift',
    fpr: 'False positive rate',
    tpr: 'True positive rate',
    tenth: 'Tenth of the ranking (1 = top 10 %)',
    positives: 'Positives (held out)',
    score: 'Score',
    rows: 'Rows',
    feature: 'Feature',
    topShare: 'Share of the top 5 % listing the feature among its top features'
  }
};

/** Locale, title and label overrides of a lookalike chart. */
export interface LookalikeChartOptions {
  locale: 'de' | 'en';
  title?: string;
  labels?: Partial<LookalikeChartLabels>;
}

const COLOR = { line: '#3b5bdb', rule: '#868e96', bar: '#3b5bdb' };
const PERCENT = '.0%';
type Def = Record<string, unknown>;

function labelsOf(options: LookalikeChartOptions): LookalikeChartLabels {
  return { ...LOOKALIKE_CHART_LABELS[options.locale], ...options.labels };
}

function frame(options: LookalikeChartOptions, body: Def): TopLevelSpec {
  return chartFrame(options, { width: 'container', autosize: { type: 'fit-x', contains: 'padding', resize: true }, ...body }, { labelLimit: 220 });
}

const q = (field: string, title: string, format: string): Def => ({ field, type: 'quantitative', title, format });

const diagonal = (title: string): Def => ({
  transform: [{ aggregate: [{ op: 'count', as: '__seglab_n' }] }],
  mark: { type: 'rule', aria: false, color: COLOR.rule, strokeDash: [5, 4] },
  encoding: { x: { datum: 0, type: 'quantitative' }, y: { datum: 0, type: 'quantitative' }, x2: { datum: 1 }, y2: { datum: 1 }, tooltip: { value: title } }
});

/**
 * The cumulative gains curve: per share of the ranking (best first) the share of the positives
 * found there, and the random diagonal. Reads `RankingEvaluation.gains` (`share`, `gain`).
 * @param options locale, title and labels
 */
export function gainsSpec(options: LookalikeChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  const x = { field: 'share', type: 'quantitative', title: l.rankingShare, axis: { format: PERCENT }, scale: { domain: [0, 1] } };
  return frame(options, {
    height: 240,
    layer: [
      diagonal(l.random),
      {
        mark: { type: 'line', color: COLOR.line, strokeWidth: 2, point: true, tooltip: true },
        encoding: { x, y: { field: 'gain', type: 'quantitative', title: l.positivesFound, axis: { format: PERCENT }, scale: { domain: [0, 1] } }, tooltip: [q('share', l.rankingShare, PERCENT), q('gain', l.positivesFound, PERCENT), q('lift', l.lift, '.2f')] }
      }
    ]
  });
}

/**
 * The lift curve: gain / share per share of the ranking, with the line at 1 (random). Reads
 * `RankingEvaluation.gains` (`share`, `lift`; the point at share 0 has none and is left out).
 * @param options locale, title and labels
 */
export function liftSpec(options: LookalikeChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  return frame(options, {
    height: 200,
    transform: [{ filter: 'isValid(datum.lift)' }],
    layer: [
      { mark: { type: 'rule', aria: false, color: COLOR.rule, strokeDash: [5, 4] }, encoding: { y: { datum: 1, type: 'quantitative' }, tooltip: { value: l.random } } },
      {
        mark: { type: 'line', color: COLOR.line, strokeWidth: 2, point: true, tooltip: true },
        encoding: { x: { field: 'share', type: 'quantitative', title: l.rankingShare, axis: { format: PERCENT }, scale: { domain: [0, 1] } }, y: { field: 'lift', type: 'quantitative', title: l.lift }, tooltip: [q('share', l.rankingShare, PERCENT), q('lift', l.lift, '.2f')] }
      }
    ]
  });
}

/**
 * The ROC curve and the random diagonal. Reads `RankingEvaluation.roc` (`fpr`, `tpr`).
 * @param options locale, title and labels
 */
export function rocSpec(options: LookalikeChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  return frame(options, {
    height: 240,
    layer: [
      diagonal(l.random),
      {
        mark: { type: 'line', color: COLOR.line, strokeWidth: 2, interpolate: 'step-after', tooltip: true },
        encoding: { x: { field: 'fpr', type: 'quantitative', title: l.fpr, axis: { format: PERCENT }, scale: { domain: [0, 1] } }, y: { field: 'tpr', type: 'quantitative', title: l.tpr, axis: { format: PERCENT }, scale: { domain: [0, 1] } }, tooltip: [q('fpr', l.fpr, PERCENT), q('tpr', l.tpr, PERCENT)] }
      }
    ]
  });
}

/**
 * Where the held-out positives land: bars per tenth of the ranking. Reads rows `{ tenth, positives }`
 * (tenth 1 … 10, from `RankingEvaluation.positiveRanks`).
 * @param options locale, title and labels
 */
export function rankHistogramSpec(options: LookalikeChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  return frame(options, {
    height: 200,
    mark: { type: 'bar', color: COLOR.bar, tooltip: true },
    encoding: {
      x: { field: 'tenth', type: 'ordinal', title: l.tenth, axis: { labelAngle: 0 } },
      y: { field: 'positives', type: 'quantitative', title: l.positives, axis: { format: ',d' } },
      tooltip: [{ field: 'tenth', type: 'ordinal', title: l.tenth }, q('positives', l.positives, ',d')]
    }
  });
}

/**
 * The distribution of the ranked rows' scores. Reads rows `{ bin_start, bin_end, rows }` (from
 * `LookalikeDetails.scores`).
 * @param options locale, title and labels
 */
export function scoreHistogramSpec(options: LookalikeChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  return frame(options, {
    height: 200,
    mark: { type: 'bar', color: COLOR.bar, binSpacing: 1, tooltip: true },
    encoding: {
      x: { field: 'bin_start', type: 'quantitative', title: l.score, bin: { binned: true } },
      x2: { field: 'bin_end' },
      y: { field: 'rows', type: 'quantitative', title: l.rows, axis: { format: ',d' } },
      tooltip: [q('bin_start', `${l.score} ≥`, '.3f'), q('bin_end', '<', '.3f'), q('rows', l.rows, ',d')]
    }
  });
}

/**
 * Which features the top of the ranking shares: horizontal bars, most shared first. Reads
 * `LookalikeDetails.features` (`column`, `share`).
 * @param options locale, title and labels
 */
export function featureSharesSpec(options: LookalikeChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  return frame(options, {
    mark: { type: 'bar', color: COLOR.bar, tooltip: true },
    encoding: {
      y: { field: 'column', type: 'nominal', title: l.feature, sort: null },
      x: { field: 'share', type: 'quantitative', title: l.topShare, axis: { format: PERCENT }, scale: { domain: [0, 1] } },
      tooltip: [{ field: 'column', type: 'nominal', title: l.feature }, q('share', l.topShare, PERCENT)]
    }
  });
}
