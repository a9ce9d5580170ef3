import { describe, expect, it } from 'vitest';
import {
  CORRELATION_THRESHOLD,
  conditionalExpectedSpend,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  ggWarnings,
  type GammaGammaData
} from '../../src/lib/analysis/gamma-gamma';
import { expectClose, readSummary, reference } from './helpers/clv';

const summary = readSummary('cdnow/cdnow_customers_summary_with_transactions.csv');
const cdnow: GammaGammaData = { x: summary.x, mbar: summary.zbar };
const { params } = reference.gammaGamma;

/** Fader, Hardie & Lee (2013 note) on the CDNOW repeat customers, as asserted by lifetimes' tests. */
const PUBLISHED = { p: 6.25, q: 3.74, gamma: 15.44 };

describe('fitGammaGamma(data)', () => {
  const fit = fitGammaGamma(cdnow);

  it('reproduces the published estimates on the 946 repeat customers within 1 %', () => {
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(946);
    for (const name of ['p', 'q', 'gamma'] as const) expectClose(fit.params[name], PUBLISHED[name], 0.01);
  });

  it('agrees with the scipy Nelder-Mead fit of the lifetimes likelihood to 1e-5', () => {
    for (const name of ['p', 'q', 'gamma'] as const) expectClose(fit.params[name], params[name], 1e-5);
    expectClose(fit.logLikelihood, reference.gammaGamma.logLikelihood, 1e-10);
  });

  it('reports not converged when spend cannot identify the model', () => {
    const x = Float64Array.from({ length: 200 }, (_, i) => i % 4);
    const degenerate = fitGammaGamma({ x, mbar: Float64Array.from(x, (v) => 10 * v) });
    expect(degenerate.converged).toBe(false);
    expect(degenerate.message).toMatch(/q → ∞.*edge of the parameter space/);
  });

  it('rejects data without repeat customers or with non-positive spend', () => {
    expect(() => fitGammaGamma({ x: new Float64Array(3), mbar: new Float64Array(3) })).toThrow(/none of the 3 customers/);
    expect(() => fitGammaGamma({ x: Float64Array.of(0, 2), mbar: Float64Array.of(0, 0) })).toThrow(/customer 1 has x = 2 but mean spend 0/);
  });
});

describe('gammaGammaLogLikelihood(params, data)', () => {
  it('equals the lifetimes likelihood computed with scipy to 1e-12, ignoring customers with x = 0', () => {
    expectClose(gammaGammaLogLikelihood(params, cdnow), reference.gammaGamma.logLikelihood, 1e-12);
  });
});

describe('conditionalExpectedSpend(params, x, mbar)', () => {
  it('matches lifetimes conditional_expected_average_profit to 1e-6', () => {
    for (const c of reference.customers) expectClose(conditionalExpectedSpend(params, c.x, c.mbar), c.expectedSpend, 1e-6);
  });

  it('is the population mean pγ/(q − 1) for customers without repeat purchases', () => {
    expectClose(conditionalExpectedSpend(params, 0, Number.NaN), (params.p * params.gamma) / (params.q - 1), 1e-15);
  });

  it('refuses q ≤ 1, where the mean spend is undefined', () => {
    expect(() => conditionalExpectedSpend({ p: 2, q: 0.9, gamma: 10 }, 3, 20)).toThrow(RangeError);
  });
});

describe('ggWarnings(params, data)', () => {
  it('raises nothing for CDNOW, whose frequency–spend correlation is 0.11', () => {
    expect(reference.gammaGamma.correlation).toBeLessThan(CORRELATION_THRESHOLD);
    expect(ggWarnings(params, cdnow)).toEqual([]);
  });

  it('flags q ≤ 1', () => {
    const warnings = ggWarnings({ ...params, q: 0.8 }, cdnow);
    expect(warnings.map((w) => w.code)).toEqual(['MEAN_SPEND_UNDEFINED']);
    expect(warnings[0].value).toBe(0.8);
  });

  it('flags a correlation between frequency and spend beyond ±0.3, over repeat customers only', () => {
    const x = Float64Array.of(0, 1, 2, 3, 4, 5);
    const rising = ggWarnings(params, { x, mbar: Float64Array.from(x, (v) => (v === 0 ? 999 : 10 * v)) });
    expect(rising.map((w) => w.code)).toEqual(['FREQUENCY_SPEND_CORRELATION']);
    expectClose(rising[0].value, 1, 1e-12);
    const falling = ggWarnings(params, { x, mbar: Float64Array.from(x, (v) => 100 - 10 * v) });
    expectClose(falling[0].value, -1, 1e-12);
  });

  it('raises no correlation warning when the correlation is undefined', () => {
    expect(ggWarnings(params, { x: Float64Array.of(2, 2, 2), mbar: Float64Array.of(5, 6, 7) })).toEqual([]);
  });
});
