import type { TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLV_CHART_LABELS, holdoutCheckSpec, pAliveHistogramSpec, valueDecileSpec, type PAliveBinRow, type ValueDecileRow } from '../../src/lib/charts/clv-charts';
import { fitClv, type ClvFit } from '../../src/lib/engine/clv';
import type { Db } from '../../src/lib/engine/db';
import { clvTotalsQuery, pAliveBinsQuery, topCustomersQuery, valueDecileQuery, type ClvTotals } from '../../src/lib/ui/value/clv-queries';
import { loadCdnowSample } from './helpers/cdnow';
import { openTestDb } from './helpers/db';
import { countRole, expectValidSpec, renderSvg } from './helpers/vega-render';

const LOCALES = ['de', 'en'] as const;
const CUSTOMERS = 2357;

let db: Db;
let fit: ClvFit;

beforeAll(async () => {
  db = await openTestDb();
  await loadCdnowSample(db, 'cdnow');
  fit = await fitClv(
    db,
    { table: 'cdnow', key: 'customer', date: 'day', amount: 'dollars', calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30', unit: 'week', valueBy: 'revenue' },
    { resultTable: 'cdnow_clv', horizon: 12, period: 'month', discountRate: 0.1 }
  );
});

afterAll(async () => {
  await db.close();
});

async function draw(spec: TopLevelSpec, rows: object[], what: string): Promise<string> {
  expectValidSpec(spec, what);
  return renderSvg(spec, rows);
}

describe('holdoutCheckSpec', () => {
  it('validates and draws the actual and the predicted line over the eight frequency buckets', async () => {
    const buckets = fit.holdout!.buckets;
    expect(buckets.map((b) => b.x)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    for (const locale of LOCALES) {
      const svg = await draw(holdoutCheckSpec({ locale }), buckets, `holdout ${locale}`);
      expect(countRole(svg, 'line mark')).toBe(2);
      expect(countRole(svg, 'point')).toBe(16);
      expect(svg).toContain(`>${CLV_CHART_LABELS[locale].actual}<`);
      expect(svg).toContain(`>${CLV_CHART_LABELS[locale].predicted}<`);
      expect(svg).toContain('>7+<');
    }
  });

  it('draws only the actual line when there is no prediction', async () => {
    const svg = await draw(holdoutCheckSpec({ locale: 'en' }), fit.holdout!.buckets.map((b) => ({ ...b, predicted: null })), 'holdout without prediction');
    expect(countRole(svg, 'line mark')).toBe(1);
    expect(countRole(svg, 'point')).toBe(8);
  });
});

describe('valueDecileSpec', () => {
  it('draws ten bars whose shares add up to the whole predicted CLV, the top decile first', async () => {
    const rows = await db.rows<ValueDecileRow>(String(valueDecileQuery('cdnow_clv', 'customer', 'predicted_clv')));
    const [totals] = await db.rows<ClvTotals>(String(clvTotalsQuery('cdnow_clv')));
    expect(rows.map((r) => r.decile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rows.reduce((n, r) => n + r.customers, 0)).toBe(totals.predicted);
    expect(rows.reduce((s, r) => s + r.total, 0)).toBeCloseTo(totals.predicted_clv!, 6);
    expect(rows.reduce((s, r) => s + r.share!, 0)).toBeCloseTo(1, 12);
    expect(rows[0].mean).toBeGreaterThan(rows[1].mean);
    for (const locale of LOCALES) {
      const svg = await draw(valueDecileSpec({ locale, labels: { totalValue: 'CLV' } }), rows, `deciles ${locale}`);
      expect(countRole(svg, 'bar')).toBe(10);
      const top = `${(rows[0].share! * 100).toFixed(1).replace('.', locale === 'de' ? ',' : '.')}%`;
      expect(svg).toContain(`>${top}<`);
    }
  });

  it('draws no bar when the total value is not positive', async () => {
    const rows = await db.rows<ValueDecileRow>(String(valueDecileQuery('cdnow_clv', 'customer', 'historical_value')));
    expect(rows.reduce((n, r) => n + r.customers, 0)).toBe(CUSTOMERS);
    const svg = await draw(valueDecileSpec({ locale: 'en' }), rows.map((r) => ({ ...r, share: null })), 'deciles without total');
    expect(countRole(svg, 'bar')).toBe(0);
  });
});

describe('pAliveHistogramSpec', () => {
  it('counts every customer once in tenths of P(alive) and draws a bar per non-empty tenth', async () => {
    const rows = await db.rows<PAliveBinRow>(String(pAliveBinsQuery('cdnow_clv')));
    const inRange = await db.rows<{ n: number }>('SELECT CAST(count(*) AS DOUBLE) AS n FROM cdnow_clv WHERE p_alive >= 0.9');
    expect(rows.reduce((n, r) => n + r.customers, 0)).toBe(CUSTOMERS);
    expect(rows.at(-1)).toEqual({ bin_start: 0.9, bin_end: 1, customers: inRange[0].n });
    for (const locale of LOCALES) {
      const svg = await draw(pAliveHistogramSpec({ locale }), rows, `p_alive ${locale}`);
      expect(countRole(svg, 'bar')).toBe(rows.length);
      expect(svg).toContain(`>${CLV_CHART_LABELS[locale].pAlive}<`);
    }
  });
});

describe('topCustomersQuery', () => {
  it('lists the customers with the highest value first', async () => {
    const top = await db.rows<{ customer: number; predicted_clv: number }>(String(topCustomersQuery('cdnow_clv', 'customer', 'predicted_clv', 5)));
    const [max] = await db.rows<{ m: number }>('SELECT max(predicted_clv) AS m FROM cdnow_clv');
    expect(top).toHaveLength(5);
    expect(top[0].predicted_clv).toBe(max.m);
    expect(top.every((r, i) => i === 0 || r.predicted_clv <= top[i - 1].predicted_clv)).toBe(true);
  });
});
