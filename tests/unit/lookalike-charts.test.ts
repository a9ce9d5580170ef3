import { describe, expect, it } from 'vitest';
import { evaluateRanking } from '../../src/lib/analysis/evaluation';
import { featureSharesSpec, gainsSpec, liftSpec, LOOKALIKE_CHART_LABELS, rankHistogramSpec, rocSpec, scoreHistogramSpec } from '../../src/lib/charts/lookalike-charts';
import { countRole, expectValidSpec, renderSvg } from './helpers/vega-render';

const scores = Array.from({ length: 40 }, (_, i) => 40 - i);
const truth = scores.map((_, i) => (i % 4 === 0 ? 1 : 0));
const evaluation = evaluateRanking(scores, truth)!;

describe('lookalike charts', () => {
  for (const locale of ['de', 'en'] as const) {
    it(`validate and draw the gains, lift, ROC, rank, score and feature charts (${locale})`, async () => {
      const l = LOOKALIKE_CHART_LABELS[locale];
      const gains = await renderSvg(gainsSpec({ locale }), evaluation.gains);
      expectValidSpec(gainsSpec({ locale }), 'gains');
      expect(countRole(gains, 'line mark')).toBe(1);
      expect(gains).toContain(l.positivesFound);
      expectValidSpec(liftSpec({ locale }), 'lift');
      expect(countRole(await renderSvg(liftSpec({ locale }), evaluation.gains), 'line mark')).toBe(1);
      expectValidSpec(rocSpec({ locale }), 'roc');
      expect(await renderSvg(rocSpec({ locale }), evaluation.roc)).toContain(l.tpr);
      const tenths = evaluation.positiveRanks.map((positives, b) => ({ tenth: b + 1, positives }));
      expectValidSpec(rankHistogramSpec({ locale }), 'ranks');
      expect(countRole(await renderSvg(rankHistogramSpec({ locale }), tenths), 'bar')).toBe(10);
      const bins = [{ bin_start: 0, bin_end: 0.5, rows: 3 }, { bin_start: 0.5, bin_end: 1, rows: 7 }];
      expectValidSpec(scoreHistogramSpec({ locale }), 'scores');
      expect(countRole(await renderSvg(scoreHistogramSpec({ locale }), bins), 'bar')).toBe(2);
      expectValidSpec(featureSharesSpec({ locale }), 'features');
      expect(await renderSvg(featureSharesSpec({ locale }), [{ column: 'tenure', share: 0.8 }])).toContain('tenure');
    });
  }
});
