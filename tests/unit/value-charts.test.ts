import type { TopLevelSpec } from 'vega-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cohortHeatmapSpec,
  cohortLineSpec,
  lorenzSpec,
  rfmGridSpec,
  rfmSegmentSpec,
  VALUE_CHART_LABELS,
  type CohortMeasure,
  type RfmSegmentMeasure
} from '../../src/lib/charts/value-charts';
import type { Db } from '../../src/lib/engine/db';
import { cohortQuery, type CohortRow } from '../../src/lib/sql/cohorts';
import { rfmGridQuery, rfmQuery, rfmSegmentSummaryQuery, type RfmGridRow, type RfmSegmentSummaryRow } from '../../src/lib/sql/rfm';
import { paretoQuery, topShareQuery, type ParetoRow, type TopShareRow } from '../../src/lib/sql/value-tiers';
import { openTestDb } from './helpers/db';
import { countRole, expectValidSpec, renderSvg } from './helpers/vega-render';

const LOCALES = ['de', 'en'] as const;

let db: Db;
let grid: RfmGridRow[];
let summary: RfmSegmentSummaryRow[];
let cohorts: CohortRow[];
let pareto: ParetoRow[];
let top: TopShareRow;

beforeAll(async () => {
  db = await openTestDb();
  // 3,000 orders of about 300 customers in 2023: customer k buys from day k on, amounts up to 100, and
  // every tenth customer's orders are refunds, so the Lorenz curve has losses.
  await db.exec(`CREATE TABLE tx AS SELECT 'c' || k AS customer, 'o' || i AS order_id, DATE '2023-01-01' + CAST(k + hash(i * 3) % 65 AS INTEGER) AS day,
      (hash(i * 7) % 10000) / 100.0 * CASE WHEN k % 10 = 3 THEN -1 ELSE 1 END AS amount
    FROM (SELECT i, hash(i) % 300 AS k FROM range(3000) t(i))`);
  const rfm = rfmQuery({
    table: 'tx',
    key: 'customer',
    date: 'day',
    amount: 'amount',
    orderId: 'order_id',
    referenceDate: '2023-12-31',
    monetary: 'sum',
    scoring: { kind: 'quintiles' }
  });
  await db.exec(`CREATE VIEW rfm AS ${rfm}`);
  grid = await db.rows<RfmGridRow>(String(rfmGridQuery({ rfm: 'rfm' })));
  summary = await db.rows<RfmSegmentSummaryRow>(String(rfmSegmentSummaryQuery({ rfm: 'rfm' })));
  cohorts = await db.rows<CohortRow>(String(cohortQuery({ table: 'tx', key: 'customer', date: 'day', amount: 'amount', referenceDate: '2023-12-31', period: 'month' })));
  await db.exec(`CREATE VIEW customer_value AS SELECT customer, sum(amount) AS value FROM tx GROUP BY customer`);
  pareto = await db.rows<ParetoRow>(String(paretoQuery({ table: 'customer_value', value: 'value', points: 50 })));
  [top] = await db.rows<TopShareRow>(String(topShareQuery({ table: 'customer_value', value: 'value' })));
});

async function draw(spec: TopLevelSpec, rows: object[], what: string): Promise<string> {
  expectValidSpec(spec, what);
  return renderSvg(spec, rows);
}

describe('rfmGridSpec', () => {
  it('validates and draws 25 cells, with the mean monetary value in each non-empty one', async () => {
    expect(grid).toHaveLength(25);
    expect(grid.every((r) => r.customers > 0)).toBe(true);
    const rows = grid.map((r) => (r.r_score === 5 && r.f_score === 1 ? { ...r, customers: 0, share: 0, mean_monetary: null, mean_recency_days: null, segment: null } : r));
    for (const locale of LOCALES) {
      const svg = await draw(rfmGridSpec({ locale, title: 'R×F' }), rows, `grid ${locale}`);
      expect(countRole(svg, 'rect mark')).toBe(25);
      expect(countRole(svg, 'text mark')).toBe(24);
      expect(svg).toContain(`>${VALUE_CHART_LABELS[locale].recencyScore}<`);
      expect(svg).toContain(`>${VALUE_CHART_LABELS[locale].frequencyScore}<`);
    }
  });

  it('formats the cell text in the locale', async () => {
    const big = grid.map((r) => (r.customers > 0 ? { ...r, mean_monetary: 12345.6 } : r));
    expect(await renderSvg(rfmGridSpec({ locale: 'de' }), big)).toContain('>12.346<');
    expect(await renderSvg(rfmGridSpec({ locale: 'en' }), big)).toContain('>12,346<');
  });
});

describe('rfmSegmentSpec', () => {
  it('validates and draws a bar per segment of the map in its order, for every measure', async () => {
    expect(summary).toHaveLength(11);
    expect(summary.filter((r) => r.customers > 0).length).toBeGreaterThan(7);
    for (const measure of ['customers', 'mean_monetary', 'total_monetary', 'total_revenue'] as RfmSegmentMeasure[]) {
      for (const locale of LOCALES) {
        const svg = await draw(rfmSegmentSpec(measure, { locale }), summary, `${measure} ${locale}`);
        expect(countRole(svg, 'bar'), measure).toBe(summary.filter((r) => r[measure] !== null).length);
        expect(svg.indexOf('>Champions<')).toBeLessThan(svg.indexOf('>Lost<'));
      }
    }
  });

  it('labels customers without a segment', async () => {
    const rows = [...summary, { ...summary[0], segment: null, position: null }];
    const svg = await renderSvg(rfmSegmentSpec('customers', { locale: 'de' }), rows);
    expect(countRole(svg, 'bar')).toBe(12);
    expect(svg).toContain('>(ohne Segment)<');
  });
});

describe('cohortHeatmapSpec', () => {
  it('validates and draws a cell per cohort and month with the retention as text', async () => {
    // Customers start on days 0 … 299 of 2023 (plus up to 64 days): cohorts January … December.
    const months = new Set(cohorts.map((r) => r.cohort));
    expect(months.size).toBeGreaterThan(9);
    expect(cohorts.length).toBe([...months].reduce((n, m) => n + 12 - Number(m.slice(5, 7)) + 1, 0));
    for (const locale of LOCALES) {
      const svg = await draw(cohortHeatmapSpec({ locale }), cohorts, `cohorts ${locale}`);
      expect(countRole(svg, 'rect mark')).toBe(cohorts.length);
      expect(countRole(svg, 'text mark')).toBe(cohorts.length);
      expect(svg).toContain('>2023-01<');
      expect(svg).toContain('>100%<');
    }
  });
});

describe('cohortLineSpec', () => {
  it('validates and draws a line per cohort for every measure', async () => {
    const months = new Set(cohorts.map((r) => r.cohort)).size;
    for (const measure of ['retention', 'revenue_per_customer', 'cumulative_revenue_per_customer'] as CohortMeasure[]) {
      for (const locale of LOCALES) {
        const svg = await draw(cohortLineSpec(measure, { locale }), cohorts, `${measure} ${locale}`);
        expect(countRole(svg, 'line mark'), measure).toBe(months);
        expect(countRole(svg, 'point'), measure).toBe(cohorts.length);
      }
    }
  });
});

describe('lorenzSpec', () => {
  it('validates and draws the curve, the diagonal and the marked top share', async () => {
    // Refunds make some customers negative: the curve peaks above 1 and ends at 1.
    expect(Math.max(...pareto.map((r) => r.value_share!))).toBeGreaterThan(1);
    expect(pareto.at(-1)!.value_share).toBeCloseTo(1, 12);
    for (const locale of LOCALES) {
      const highlight = { customerShare: top.customer_share, valueShare: top.value_share! };
      const svg = await draw(lorenzSpec({ locale, highlight }), pareto, `lorenz ${locale}`);
      expect(countRole(svg, 'line mark')).toBe(1);
      expect(svg.match(/<g class="mark-rule role-mark[^"]*"[^>]*><line/g)).toHaveLength(1);
      const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
      expect(svg).toContain(`>${percent.format(0.2)} → ${percent.format(top.value_share!)}<`);
      expect(svg).toContain(`>${VALUE_CHART_LABELS[locale].valueShare}<`);
      // The marked point and its label are named for screen readers (axe svg-img-alt).
      expect(svg).toContain(`aria-label="${percent.format(0.2)} → ${percent.format(top.value_share!)}"`);
    }
  });

  it('draws no curve when the net total is not positive', async () => {
    const svg = await draw(lorenzSpec({ locale: 'en' }), pareto.map((r) => ({ ...r, value_share: null })), 'lorenz empty');
    expect(countRole(svg, 'line mark')).toBe(0);
  });
});
