import randomBeta from '@stdlib/random-base-beta';
import randomGamma from '@stdlib/random-base-gamma';
import randu from '@stdlib/random-base-randu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditionalExpectedPurchases, probabilityAlive } from '../../src/lib/analysis/bgnbd';
import { customerLifetimeValue } from '../../src/lib/analysis/clv';
import { conditionalExpectedSpend } from '../../src/lib/analysis/gamma-gamma';
import { fitClv, periodDiscountRate, PERIOD_DAYS, type ClvFit, type ClvFitOptions } from '../../src/lib/engine/clv';
import type { Db } from '../../src/lib/engine/db';
import { NativeDb } from '../../src/lib/engine/db-native';
import type { ClvStatsConfig } from '../../src/lib/sql/clv-stats';
import { ident, join, sql } from '../../src/lib/sql/quote';
import { loadCdnowSample } from './helpers/cdnow';
import { expectClose } from './helpers/clv';
import { openTestDb } from './helpers/db';

/** Fader, Hardie & Lee (2005) and the Gamma-Gamma note (2013) on the CDNOW 39-week calibration. */
const PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, p: 6.25, q: 3.74, gamma: 15.44 };

const CDNOW: ClvStatsConfig = {
  table: 'cdnow',
  key: 'customer',
  date: 'day',
  amount: 'dollars',
  calibrationEnd: '1997-09-30',
  holdoutEnd: '1998-06-30',
  unit: 'week',
  valueBy: 'revenue'
};
const OPTIONS: ClvFitOptions = { resultTable: 'cdnow_clv', horizon: 12, period: 'month', discountRate: 0.1 };

interface ResultRow {
  customer: number;
  x: number;
  t_x: number;
  T: number;
  mean_repeat_value: number | null;
  historical_value: number;
  holdout_purchases: number;
  holdout_value: number;
  p_alive: number | null;
  expected_purchases: number | null;
  expected_spend: number | null;
  predicted_clv: number | null;
  expected_holdout_purchases: number | null;
}

let db: Db;
let fit: ClvFit;
let rows: ResultRow[];

beforeAll(async () => {
  db = await openTestDb();
  await loadCdnowSample(db, 'cdnow');
  fit = await fitClv(db, CDNOW, OPTIONS);
  rows = await db.rows<ResultRow>('SELECT * FROM cdnow_clv');
});

afterAll(async () => {
  await db.close();
});

/**
 * Transactions drawn from BG/NBD (the CDNOW estimates, in weeks) and Gamma-Gamma (p = 4, γ = 10,
 * the given q): first purchases on days 0–83 of 1997, calibration to day 272 (1997-09-30).
 */
async function simulate(table: string, customers: number, q: number, seed: number): Promise<void> {
  const lambda = randomGamma.factory(PUBLISHED.r, PUBLISHED.alpha, { seed });
  const dropout = randomBeta.factory(PUBLISHED.a, PUBLISHED.b, { seed: seed + 1 });
  const uniform = randu.factory({ seed: seed + 2 });
  const rate = randomGamma.factory(q, 10, { seed: seed + 3 });
  const spend = randomGamma.factory(4, 1, { seed: seed + 4 });
  const values = [];
  for (let i = 0; i < customers; i++) {
    const l = lambda();
    const p = dropout();
    const nu = rate();
    const first = Math.floor(84 * uniform());
    for (let t = 0; first + 7 * t <= 272; t -= Math.log(uniform()) / l) {
      values.push(sql`(${i}, ${first + Math.floor(7 * t)}, ${spend() / nu})`);
      if (t > 0 && uniform() < p) break;
    }
  }
  await db.exec(String(sql`CREATE OR REPLACE TABLE ${ident(table)} AS SELECT c AS cust, DATE '1997-01-01' + d AS day, v AS amount FROM (VALUES ${join(values)}) t(c, d, v)`));
}

describe('fitClv(db, config, options)', () => {
  it('reproduces the published BG/NBD estimates within 1 % and the log-likelihood −9582.4 within 0.1', () => {
    expect(fit.bgnbd.converged).toBe(true);
    for (const name of ['r', 'alpha', 'a', 'b'] as const) expectClose(fit.bgnbd.params[name], PUBLISHED[name], 0.01);
    expect(Math.abs(fit.bgnbd.logLikelihood - -9582.4)).toBeLessThanOrEqual(0.1);
    expect(fit.customers).toBe(2357);
    expect(fit.repeaters).toBe(946);
  });

  it('reproduces the published Gamma-Gamma estimates on the 946 repeat customers within 1 %, without warnings', () => {
    const gg = fit.gammaGamma;
    expect(gg?.converged).toBe(true);
    expect(gg?.customers).toBe(946);
    for (const name of ['p', 'q', 'gamma'] as const) expectClose(gg?.params[name] as number, PUBLISHED[name], 0.01);
    expect(fit.warnings).toEqual([]);
    expect(fit.valuePredicted).toBe(true);
  });

  it('writes one row per customer in key order with the statistics and the model columns', async () => {
    expect(rows).toHaveLength(2357);
    expect(rows.map((r) => r.customer)).toEqual(Array.from({ length: 2357 }, (_, i) => i + 1));
    const columns = await db.rows<{ name: string }>(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'cdnow_clv' ORDER BY ordinal_position`);
    expect(columns.map((c) => c.name)).toEqual([
      'customer', 'x', 't_x', 'T', 'mean_repeat_value', 'historical_value', 'holdout_purchases', 'holdout_value',
      'p_alive', 'expected_purchases', 'expected_spend', 'predicted_clv', 'expected_holdout_purchases'
    ]);
    const leftovers = await db.rows(`SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '__seglab_clv_%'`);
    expect(leftovers).toEqual([]);
  });

  it('fills the model columns with the analysis functions at the fitted parameters (to 1e-12)', () => {
    const bg = fit.bgnbd.params;
    const gg = fit.gammaGamma!.params;
    const months = OPTIONS.horizon * fit.periodLength;
    expectClose(fit.periodLength, 365.25 / 12 / 7, 1e-15);
    for (const r of rows) {
      expectClose(r.p_alive!, probabilityAlive(bg, r.x, r.t_x, r.T), 1e-12);
      expectClose(r.expected_purchases!, conditionalExpectedPurchases(bg, months, r.x, r.t_x, r.T), 1e-12);
      expectClose(r.expected_holdout_purchases!, conditionalExpectedPurchases(bg, 39, r.x, r.t_x, r.T), 1e-12);
      expectClose(r.expected_spend!, conditionalExpectedSpend(gg, r.x, r.mean_repeat_value ?? Number.NaN), 1e-12);
    }
    const column = (name: 'x' | 't_x' | 'T') => Float64Array.from(rows, (r) => r[name]);
    const clv = customerLifetimeValue(
      bg,
      gg,
      { x: column('x'), tx: column('t_x'), T: column('T'), mbar: Float64Array.from(rows, (r) => r.mean_repeat_value ?? Number.NaN) },
      { horizon: 12, discountRate: fit.periodDiscountRate, periodLength: fit.periodLength }
    );
    rows.forEach((r, i) => expectClose(r.predicted_clv!, clv[i], 1e-12));
  });

  it('checks the 39-week holdout per calibration frequency against purchase days counted in SQL', async () => {
    const counted = await db.rows<{ bucket: number; customers: number; actual: number }>(`
      WITH calibration AS (SELECT customer, count(DISTINCT day) - 1 AS x FROM cdnow WHERE day <= DATE '1997-09-30' GROUP BY customer),
      holdout AS (SELECT customer, count(DISTINCT day) AS n FROM cdnow WHERE day > DATE '1997-09-30' GROUP BY customer)
      SELECT least(x, 7)::INTEGER AS bucket, count(*)::DOUBLE AS customers, avg(coalesce(n, 0)) AS actual
      FROM calibration LEFT JOIN holdout USING (customer) GROUP BY 1 ORDER BY 1`);
    expect(fit.holdout?.length).toBe(39);
    const buckets = fit.holdout!.buckets;
    expect(buckets.map((b) => b.x)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    buckets.forEach((b, k) => {
      expect(b.customers).toBe(counted[k].customers);
      expectClose(b.actual, counted[k].actual, 1e-12);
      const members = rows.filter((r) => Math.min(r.x, 7) === k);
      const predicted = members.reduce((s, r) => s + conditionalExpectedPurchases(fit.bgnbd.params, 39, r.x, r.t_x, r.T), 0) / members.length;
      expectClose(b.predicted!, predicted, 1e-12);
    });
    expect(buckets[0].customers).toBe(1411);
  });

  it('replaces an existing result table', async () => {
    await fitClv(db, { ...CDNOW, holdoutEnd: undefined }, { ...OPTIONS, resultTable: 'replaced' });
    const again = await fitClv(db, { ...CDNOW, holdoutEnd: undefined }, { ...OPTIONS, resultTable: 'replaced', horizon: 24 });
    const [{ n, longer }] = await db.rows<{ n: number; longer: number }>(
      `SELECT count(*)::DOUBLE AS n, count(*) FILTER (WHERE r.predicted_clv > c.predicted_clv)::DOUBLE AS longer FROM replaced r JOIN cdnow_clv c USING (customer)`
    );
    expect([n, longer]).toEqual([2357, 2357]);
    expect(again.holdout).toBeUndefined();
  });

  it('leaves CLV and expected spend NULL and warns when Gamma-Gamma gives q ≤ 1', async () => {
    await simulate('heavy', 3000, 0.8, 1);
    const heavy = await fitClv(db, { table: 'heavy', key: 'cust', date: 'day', amount: 'amount', calibrationEnd: '1997-09-30', unit: 'week', valueBy: 'revenue' }, { ...OPTIONS, resultTable: 'heavy_clv' });
    expect(heavy.bgnbd.converged).toBe(true);
    expect(heavy.gammaGamma?.converged).toBe(true);
    expect(heavy.gammaGamma!.params.q).toBeLessThanOrEqual(1);
    expect(heavy.warnings.map((w) => w.code)).toEqual(['MEAN_SPEND_UNDEFINED']);
    expect(heavy.valuePredicted).toBe(false);
    const [counts] = await db.rows(
      `SELECT count(*)::DOUBLE AS n, count(p_alive)::DOUBLE AS alive, count(expected_purchases)::DOUBLE AS purchases, count(expected_spend)::DOUBLE AS spend, count(predicted_clv)::DOUBLE AS clv FROM heavy_clv`
    );
    expect(counts).toEqual({ n: 3000, alive: 3000, purchases: 3000, spend: 0, clv: 0 });
  });

  it('predicts CLV on data simulated with q = 3 (the control of the q ≤ 1 case)', async () => {
    await simulate('light', 3000, 3, 4);
    const light = await fitClv(db, { table: 'light', key: 'cust', date: 'day', amount: 'amount', calibrationEnd: '1997-09-30', unit: 'week', valueBy: 'revenue' }, { ...OPTIONS, resultTable: 'light_clv' });
    expect(light.warnings).toEqual([]);
    const [{ clv }] = await db.rows<{ clv: number }>(`SELECT count(predicted_clv)::DOUBLE AS clv FROM light_clv`);
    expect(clv).toBe(3000);
  });

  it('leaves every model column NULL and says so when BG/NBD does not converge', async () => {
    const capped = await fitClv(db, CDNOW, { ...OPTIONS, resultTable: 'capped', bgnbd: { maxIterations: 2 } });
    expect(capped.warnings.map((w) => w.code)).toEqual(['BGNBD_NOT_CONVERGED']);
    expect(capped.warnings[0].message).toMatch(/stopped after 2 iterations/);
    expect(capped.holdout?.buckets.every((b) => b.predicted === null)).toBe(true);
    const [counts] = await db.rows(
      `SELECT count(p_alive)::DOUBLE AS a, count(expected_purchases)::DOUBLE AS b, count(predicted_clv)::DOUBLE AS c, count(expected_holdout_purchases)::DOUBLE AS d, count(x)::DOUBLE AS x FROM capped`
    );
    expect(counts).toEqual({ a: 0, b: 0, c: 0, d: 0, x: 2357 });
  });

  it('fits Gamma-Gamma without repeat customers whose mean margin is not positive, and leaves their CLV NULL', async () => {
    await db.exec(`CREATE OR REPLACE TABLE cdnow_margin AS SELECT *, dollars - 15 AS margin FROM cdnow`);
    const margin = await fitClv(db, { ...CDNOW, table: 'cdnow_margin', margin: 'margin', valueBy: 'margin' }, { ...OPTIONS, resultTable: 'margin_clv' });
    const [{ dropped }] = await db.rows<{ dropped: number }>(`SELECT count(*)::DOUBLE AS dropped FROM margin_clv WHERE x > 0 AND mean_repeat_value <= 0`);
    expect(dropped).toBeGreaterThan(0);
    const warning = margin.warnings.find((w) => w.code === 'NON_POSITIVE_SPEND');
    expect(warning?.value).toBe(dropped);
    expect(margin.gammaGamma?.customers).toBe(946 - dropped);
    expect(margin.valuePredicted).toBe(true);
    const [nulls] = await db.rows(
      `SELECT count(*) FILTER (WHERE predicted_clv IS NULL)::DOUBLE AS clv, count(*) FILTER (WHERE expected_spend IS NULL)::DOUBLE AS spend FROM margin_clv`
    );
    expect(nulls).toEqual({ clv: dropped, spend: dropped });
  });

  it('writes the same table on native DuckDB (through its appender) as on DuckDB-WASM', async () => {
    const native = await NativeDb.open({ threads: 2 });
    try {
      expect((native as Db).insertArrow).toBeUndefined();
      await loadCdnowSample(native, 'cdnow');
      const nativeFit = await fitClv(native, CDNOW, OPTIONS);
      for (const name of ['r', 'alpha', 'a', 'b'] as const) expectClose(nativeFit.bgnbd.params[name], fit.bgnbd.params[name], 1e-9);
      const nativeRows = await native.rows<ResultRow>('SELECT * FROM cdnow_clv');
      expect(nativeRows).toHaveLength(2357);
      nativeRows.forEach((r, i) => {
        expect(r.customer).toBe(rows[i].customer);
        expectClose(r.predicted_clv!, rows[i].predicted_clv!, 1e-9);
        expectClose(r.p_alive!, rows[i].p_alive!, 1e-9);
      });
    } finally {
      await native.close();
    }
  });
});

describe('periodDiscountRate(annual, periodDays)', () => {
  it('compounds to the annual rate over a year of periods', () => {
    expectClose((1 + periodDiscountRate(0.1, PERIOD_DAYS.month)) ** 12, 1.1, 1e-14);
    expectClose((1 + periodDiscountRate(0.1, PERIOD_DAYS.day)) ** 365.25, 1.1, 1e-12);
    expect(periodDiscountRate(0, PERIOD_DAYS.week)).toBe(0);
    expect(() => periodDiscountRate(-1, 7)).toThrow(/must be above −100 %, not -100%/);
  });
});
