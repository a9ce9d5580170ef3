import { describe, expect, it } from 'vitest';
import {
  bgnbdLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgnbd,
  probabilityAlive,
  type BgnbdData
} from '../../src/lib/analysis/bgnbd';
import { expectClose, readSummary, reference } from './helpers/clv';

const summary = readSummary('cdnow/cdnow_customers_summary.csv');
const cdnow: BgnbdData = { x: summary.frequency, tx: summary.recency, T: summary.T };
const { params } = reference.bgnbd;

/** Fader, Hardie & Lee (2005), table 1 / section 5: the CDNOW 39-week calibration estimates. */
const PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('fitBgnbd(data)', () => {
  const fit = fitBgnbd(cdnow);

  it('reproduces the published CDNOW estimates within 1 % and log-likelihood −9582.4 within 0.1', () => {
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(2357);
    for (const name of ['r', 'alpha', 'a', 'b'] as const) expectClose(fit.params[name], PUBLISHED[name], 0.01);
    expect(Math.abs(fit.logLikelihood - -9582.4)).toBeLessThanOrEqual(0.1);
  });

  it('agrees with the scipy Nelder-Mead fit of the lifetimes likelihood to 1e-5', () => {
    for (const name of ['r', 'alpha', 'a', 'b'] as const) expectClose(fit.params[name], params[name], 1e-5);
    expectClose(fit.logLikelihood, reference.bgnbd.logLikelihood, 1e-10);
  });

  it('reports not converged when the iteration limit is reached', () => {
    const capped = fitBgnbd(cdnow, { maxIterations: 3 });
    expect(capped.converged).toBe(false);
    expect(capped.iterations).toBe(3);
    expect(capped.message).toMatch(/stopped after 3 iterations/);
  });

  it('starts from the given initial parameters', () => {
    const fromTruth = fitBgnbd(cdnow, { initial: params });
    expect(fromTruth.converged).toBe(true);
    expect(fromTruth.iterations).toBeLessThan(fit.iterations);
  });

  it('rejects a data set without repeat purchases instead of returning degenerate estimates', () => {
    const none = { x: new Float64Array(50), tx: new Float64Array(50), T: new Float64Array(50).fill(30) };
    expect(() => fitBgnbd(none)).toThrow(/none of the 50 customers has a repeat purchase/);
  });

  it('reports not converged when the likelihood has no interior maximum', () => {
    const x = Float64Array.from({ length: 200 }, (_, i) => i % 4);
    const T = new Float64Array(200).fill(30);
    const fit = fitBgnbd({ x, tx: Float64Array.from(x, (v) => (v > 0 ? 30 : 0)), T });
    expect(fit.converged).toBe(false);
    expect(fit.message).toMatch(/a → 0.*edge of the parameter space/);
    expect(Object.values(fit.params).every(Number.isFinite)).toBe(true);
  });

  it('rejects invalid customers with their position', () => {
    const bad = { x: Float64Array.of(1, 2), tx: Float64Array.of(5, 12), T: Float64Array.of(10, 11) };
    expect(() => fitBgnbd(bad)).toThrow(/customer 1 has x = 2, tx = 12, T = 11/);
    expect(() => fitBgnbd({ ...bad, x: Float64Array.of(1, Number.NaN) })).toThrow(/customer 1/);
    expect(() => fitBgnbd({ ...bad, T: Float64Array.of(10) })).toThrow(/differ in length/);
  });
});

describe('bgnbdLogLikelihood(params, data)', () => {
  it('equals the lifetimes log-sum-exp likelihood computed with scipy to 1e-12', () => {
    expectClose(bgnbdLogLikelihood(params, cdnow), reference.bgnbd.logLikelihood, 1e-12);
  });

  it('is −9582.4 at the published estimates', () => {
    expect(Math.abs(bgnbdLogLikelihood(PUBLISHED, cdnow) - -9582.4)).toBeLessThanOrEqual(0.1);
  });
});

describe('probabilityAlive(params, x, tx, T)', () => {
  it('matches lifetimes conditional_probability_alive to 1e-6', () => {
    for (const c of reference.customers) expectClose(probabilityAlive(params, c.x, c.tx, c.T), c.probabilityAlive, 1e-6);
  });

  it('is 1 for customers without repeat purchases and neither overflows nor turns NaN for extreme histories', () => {
    expect(probabilityAlive(params, 0, 0, 38)).toBe(1);
    const gone = probabilityAlive(params, 50, 1, 100);
    expect(gone).toBeGreaterThan(0);
    expect(gone).toBeLessThan(1e-50);
    expect(probabilityAlive(params, 500, 1, 1000)).toBe(0);
    expect(probabilityAlive(params, 500, 1000, 1000)).toBeCloseTo(1, 2);
  });
});

describe('conditionalExpectedPurchases(params, t, x, tx, T)', () => {
  it('matches lifetimes conditional_expected_number_of_purchases_up_to_time to 1e-6', () => {
    for (const c of reference.customers) {
      reference.bgnbd.horizons.forEach((t, k) => {
        expectClose(conditionalExpectedPurchases(params, t, c.x, c.tx, c.T), c.conditionalExpectedPurchases[k], 1e-6);
      });
    }
  });

  it('is 0 for a horizon of 0 and finite for heavy buyers over long horizons', () => {
    expect(Math.abs(conditionalExpectedPurchases(params, 0, 3, 20, 38))).toBe(0);
    const heavy = conditionalExpectedPurchases(params, 5000, 300, 38, 38);
    expect(Number.isFinite(heavy)).toBe(true);
    expect(heavy).toBeGreaterThan(1000);
  });
});

describe('expectedPurchases(params, t)', () => {
  it('matches lifetimes expected_number_of_purchases_up_to_time to 1e-6', () => {
    for (const { t, value } of reference.bgnbd.expectedPurchases) expectClose(expectedPurchases(params, t), value, 1e-6);
  });

  it('equals the conditional expectation of a customer with no history', () => {
    expectClose(expectedPurchases(params, 39), conditionalExpectedPurchases(params, 39, 0, 0, 0), 1e-15);
  });
});
