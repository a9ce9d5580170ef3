import { describe, expect, it } from 'vitest';
import { conditionalExpectedPurchases } from '../../src/lib/analysis/bgnbd';
import { customerLifetimeValue, type ClvData } from '../../src/lib/analysis/clv';
import { conditionalExpectedSpend } from '../../src/lib/analysis/gamma-gamma';
import { expectClose, reference } from './helpers/clv';

const bg = reference.bgnbd.params;
const gg = reference.gammaGamma.params;
const customers: ClvData = {
  x: Float64Array.from(reference.customers, (c) => c.x),
  tx: Float64Array.from(reference.customers, (c) => c.tx),
  T: Float64Array.from(reference.customers, (c) => c.T),
  mbar: Float64Array.from(reference.customers, (c) => c.mbar)
};

describe('customerLifetimeValue(bgnbd, gammaGamma, data, options)', () => {
  it('matches lifetimes customer_lifetime_value over 12 months of 4.345 weeks at 1 % a month to 1e-6', () => {
    const clv = customerLifetimeValue(bg, gg, customers, reference.clv.monthly);
    reference.customers.forEach((c, i) => expectClose(clv[i], c.clvMonthly, 1e-6));
  });

  it('matches lifetimes over 52 weekly periods at 0.2 % a week to 1e-6', () => {
    const clv = customerLifetimeValue(bg, gg, customers, reference.clv.weekly);
    reference.customers.forEach((c, i) => expectClose(clv[i], c.clvWeekly, 1e-6));
  });

  it('is expected spend times expected purchases over the horizon when nothing is discounted', () => {
    const clv = customerLifetimeValue(bg, gg, customers, { horizon: 26, discountRate: 0, periodLength: 2 });
    reference.customers.forEach((c, i) => {
      expectClose(clv[i], conditionalExpectedSpend(gg, c.x, c.mbar) * conditionalExpectedPurchases(bg, 52, c.x, c.tx, c.T), 1e-12);
    });
  });

  it('falls as the discount rate rises', () => {
    const low = customerLifetimeValue(bg, gg, customers, { horizon: 52, discountRate: 0.001 });
    const high = customerLifetimeValue(bg, gg, customers, { horizon: 52, discountRate: 0.01 });
    low.forEach((v, i) => expect(high[i]).toBeLessThan(v));
  });

  it('rejects a fractional horizon, a discount rate of −100 % or less and mismatched columns', () => {
    expect(() => customerLifetimeValue(bg, gg, customers, { horizon: 2.5, discountRate: 0.01 })).toThrow(/whole number of periods/);
    expect(() => customerLifetimeValue(bg, gg, customers, { horizon: 12, discountRate: -1 })).toThrow(/discount rate/);
    expect(() => customerLifetimeValue(bg, gg, customers, { horizon: 12, discountRate: 0.01, periodLength: 0 })).toThrow(/period length/);
    expect(() => customerLifetimeValue(bg, gg, { ...customers, mbar: new Float64Array(1) }, { horizon: 12, discountRate: 0 })).toThrow(/differ in length/);
  });
});
