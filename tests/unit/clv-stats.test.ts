import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/engine/db';
import { clvStatsQuery, frequencyBucketQuery, holdoutDays, type ClvStatsConfig } from '../../src/lib/sql/clv-stats';
import { loadCdnowSample } from './helpers/cdnow';
import { readSummary } from './helpers/clv';
import { openTestDb } from './helpers/db';

/** The published summaries are rounded to 2 decimals, so a correct value is within half a unit of the last digit. */
const ROUNDED = 0.005 + 1e-9;

let db: Db;

beforeAll(async () => {
  db = await openTestDb();
  await loadCdnowSample(db, 'cdnow');
  await db.exec(`CREATE TABLE lines (cust VARCHAR, bought TIMESTAMP, order_no VARCHAR, amount DOUBLE, margin DOUBLE);
INSERT INTO lines VALUES
  ('A', '2024-01-01 09:00', 'o1', 10, 1), ('A', '2024-01-01 17:30', 'o1', 5, 1), ('A', '2024-01-01 12:00', 'o2', 20, 4),
  ('A', '2024-01-15 08:00', 'o3', 30, -2), ('A', '2024-02-10 10:00', 'o4', 40, 8), ('A', '2024-03-05 10:00', 'o5', 99, 9),
  ('B', '2024-01-31 23:59', 'o6', 12, 3),
  ('C', '2024-02-05 10:00', 'o7', 50, 5),
  ('D', '2024-01-03 10:00', NULL, 7, 1), ('D', '2024-01-03 11:00', NULL, 8, 1), ('D', '2024-01-10 10:00', 'o8', NULL, 2),
  (NULL, '2024-01-05 10:00', 'o9', 1000, 100), ('D', NULL, 'o10', 1000, 100)`);
});

afterAll(async () => {
  await db.close();
});

interface StatsRow {
  cust: string;
  x: number;
  t_x: number;
  T: number;
  mean_repeat_value: number | null;
  historical_value: number;
  holdout_purchases?: number;
  holdout_value?: number;
}

const lines: ClvStatsConfig = {
  table: 'lines',
  key: 'cust',
  date: 'bought',
  amount: 'amount',
  margin: 'margin',
  calibrationEnd: '2024-01-31',
  unit: 'day',
  valueBy: 'revenue'
};

describe('clvStatsQuery(config)', () => {
  it('reproduces x, t_x and T of cdnow_customers_summary.csv for all 2,357 customers (t_x, T within 0.005 weeks)', async () => {
    const summary = readSummary('cdnow/cdnow_customers_summary.csv');
    const config: ClvStatsConfig = { table: 'cdnow', key: 'customer', date: 'day', amount: 'dollars', calibrationEnd: '1997-09-30', unit: 'week', valueBy: 'revenue' };
    const rows = await db.rows<{ customer: number; x: number; t_x: number; T: number }>(String(clvStatsQuery(config)));
    expect(rows).toHaveLength(2357);
    rows.forEach((row, i) => {
      expect(row.customer).toBe(summary.ID[i]);
      expect(row.x).toBe(summary.frequency[i]);
      expect(Math.abs(row.t_x - summary.recency[i])).toBeLessThanOrEqual(ROUNDED);
      expect(Math.abs(row.T - summary.T[i])).toBeLessThanOrEqual(ROUNDED);
    });
  });

  it('reproduces zbar of cdnow_customers_summary_with_transactions.csv for the 946 repeat customers within 0.005 dollars', async () => {
    const summary = readSummary('cdnow/cdnow_customers_summary_with_transactions.csv');
    const config: ClvStatsConfig = { table: 'cdnow', key: 'customer', date: 'day', amount: 'dollars', calibrationEnd: '1997-09-30', unit: 'week', valueBy: 'revenue' };
    const rows = await db.rows<{ customer: number; x: number; mean_repeat_value: number | null }>(String(clvStatsQuery(config)));
    let repeaters = 0;
    rows.forEach((row, i) => {
      expect(row.customer).toBe(summary.ID[i]);
      expect(row.x).toBe(summary.x[i]);
      if (row.x === 0) {
        expect(row.mean_repeat_value).toBeNull();
        return;
      }
      repeaters++;
      expect(Math.abs((row.mean_repeat_value as number) - summary.zbar[i])).toBeLessThanOrEqual(ROUNDED);
    });
    expect(repeaters).toBe(946);
  });

  it('counts orders, takes the smallest order id of the first day as the first purchase, and groups NULL order ids by day', async () => {
    const rows = await db.rows<StatsRow>(String(clvStatsQuery({ ...lines, orderId: 'order_no' })));
    expect(rows).toEqual([
      { cust: 'A', x: 2, t_x: 14, T: 30, mean_repeat_value: 25, historical_value: 65 },
      { cust: 'B', x: 0, t_x: 0, T: 0, mean_repeat_value: null, historical_value: 12 },
      { cust: 'D', x: 1, t_x: 7, T: 28, mean_repeat_value: 0, historical_value: 15 }
    ]);
  });

  it('counts purchase days without an order id, in weeks when asked', async () => {
    const rows = await db.rows<StatsRow>(String(clvStatsQuery({ ...lines, unit: 'week' })));
    expect(rows.map((r) => [r.cust, r.x, r.t_x, r.T, r.mean_repeat_value, r.historical_value])).toEqual([
      ['A', 1, 2, 30 / 7, 30, 65],
      ['B', 0, 0, 0, null, 12],
      ['D', 1, 1, 4, 0, 15]
    ]);
  });

  it('sums the margin column when valuing by margin', async () => {
    const rows = await db.rows<StatsRow>(String(clvStatsQuery({ ...lines, orderId: 'order_no', valueBy: 'margin' })));
    expect(rows.map((r) => [r.cust, r.mean_repeat_value, r.historical_value])).toEqual([
      ['A', 1, 4],
      ['B', null, 3],
      ['D', 2, 4]
    ]);
  });

  it('counts holdout purchases and value in (calibrationEnd, holdoutEnd] and leaves out customers who start after calibrationEnd', async () => {
    const rows = await db.rows<StatsRow>(String(clvStatsQuery({ ...lines, orderId: 'order_no', holdoutEnd: '2024-02-29' })));
    expect(rows.map((r) => [r.cust, r.x, r.holdout_purchases, r.holdout_value])).toEqual([
      ['A', 2, 1, 40],
      ['B', 0, 0, 0],
      ['D', 1, 0, 0]
    ]);
  });

  it('rejects malformed dates, a holdout that does not end later, margin without a column and a key named like an output column', () => {
    expect(() => clvStatsQuery({ ...lines, calibrationEnd: '2024-02-30' })).toThrow(/calibration end must be a date written YYYY-MM-DD/);
    expect(() => clvStatsQuery({ ...lines, holdoutEnd: '2024-01-31' })).toThrow(/must come after the calibration end/);
    expect(() => clvStatsQuery({ ...lines, margin: undefined, valueBy: 'margin' })).toThrow(/needs a margin column/);
    expect(() => clvStatsQuery({ ...lines, key: 't' })).toThrow(/cannot be called "t": the result has a column "T"/);
  });

  it('quotes table and column names', async () => {
    await db.exec(`CREATE TABLE "odd ""name""" AS SELECT cust AS "Kunde Nr.", bought AS "Datum's", amount AS "€" FROM lines`);
    const rows = await db.rows(String(clvStatsQuery({ table: 'odd "name"', key: 'Kunde Nr.', date: "Datum's", amount: '€', calibrationEnd: '2024-01-31', unit: 'day', valueBy: 'revenue' })));
    expect(rows.map((r) => r['Kunde Nr.'])).toEqual(['A', 'B', 'D']);
  });
});

describe('holdoutDays(config)', () => {
  it('counts the days of the holdout period, 0 without one', () => {
    expect(holdoutDays({ calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30' })).toBe(273);
    expect(holdoutDays({ calibrationEnd: '1997-09-30' })).toBe(0);
  });
});

describe('frequencyBucketQuery(resultTable)', () => {
  it('averages actual and predicted holdout purchases per calibration frequency, with 7 and more in one bucket', async () => {
    await db.exec(`CREATE TABLE result AS SELECT * FROM (VALUES
      (0.0, 0.0, 0.1), (0.0, 1.0, 0.3), (1.0, 2.0, 0.5), (7.0, 3.0, 2.0), (12.0, 5.0, 4.0), (3.0, 0.0, NULL))
      t(x, holdout_purchases, expected_holdout_purchases)`);
    const rows = await db.rows(String(frequencyBucketQuery('result')));
    expect(rows).toEqual([
      { bucket: '0', customers: 2, actual: 0.5, predicted: 0.2 },
      { bucket: '1', customers: 1, actual: 2, predicted: 0.5 },
      { bucket: '3', customers: 1, actual: 0, predicted: null },
      { bucket: '7+', customers: 2, actual: 4, predicted: 3 }
    ]);
  });
});
