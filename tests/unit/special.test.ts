import { describe, expect, it } from 'vitest';
import { betaln, digamma, gammaln, hyp2f1 } from '../../src/lib/analysis/special';
import { expectClose, reference } from './helpers/clv';

describe('gammaln(x)', () => {
  it('matches closed forms to 1e-14', () => {
    expectClose(gammaln(1), 0, 1e-14);
    expectClose(gammaln(2), 0, 1e-14);
    expectClose(gammaln(0.5), 0.5 * Math.log(Math.PI), 1e-14);
    expectClose(gammaln(10), Math.log(362880), 1e-14);
    expectClose(gammaln(3.5), Math.log((15 / 8) * Math.sqrt(Math.PI)), 1e-14);
  });

  it('matches scipy.special.gammaln to 1e-12', () => {
    for (const [x, value] of reference.special.gammaln) expectClose(gammaln(x), value, 1e-12);
  });
});

describe('betaln(a, b)', () => {
  it('matches scipy.special.betaln to 1e-12', () => {
    for (const [a, b, value] of reference.special.betaln) expectClose(betaln(a, b), value, 1e-12);
  });
});

describe('digamma(x)', () => {
  it('matches closed forms to 1e-14', () => {
    const eulerGamma = 0.5772156649015329;
    expectClose(digamma(1), -eulerGamma, 1e-14);
    expectClose(digamma(0.5), -eulerGamma - 2 * Math.LN2, 1e-14);
    expectClose(digamma(4), 1 + 1 / 2 + 1 / 3 - eulerGamma, 1e-14);
  });
});

describe('hyp2f1(a, b, c, z)', () => {
  it('matches closed forms to 1e-14', () => {
    for (const z of [0, 0.1, 0.5, 0.9, 0.99]) {
      expectClose(hyp2f1(1, 1, 2, z), z === 0 ? 1 : -Math.log(1 - z) / z, 1e-14);
      expectClose(hyp2f1(1.7, 2.2, 2.2, z), (1 - z) ** -1.7, 1e-14);
    }
  });

  it('matches scipy.special.hyp2f1 (checked against mpmath) to 1e-12', () => {
    expect(reference.special.hyp2f1.length).toBeGreaterThan(15);
    for (const [a, b, c, z, value] of reference.special.hyp2f1) expectClose(hyp2f1(a, b, c, z), value, 1e-12);
  });

  it('rejects arguments outside 0 ≤ z < 1 and poles at c = 0, −1, …', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, 2, -0.5)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, 2, Number.NaN)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, -2, 0.5)).toThrow(/c must not be 0 or a negative integer/);
  });

  it('throws instead of returning a partial sum when the series is too slow', () => {
    expect(() => hyp2f1(1, 1, 2, 1 - 1e-9)).toThrow(/did not converge/);
  });
});
