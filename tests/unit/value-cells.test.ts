import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { runNotebook } from '../../src/lib/engine/run-notebook';
import { segmentReports } from '../../src/lib/engine/segment-reports';
import { clvDetails, clvReports } from '../../src/lib/engine/value-cells';
import { NOTEBOOK_FORMAT, NOTEBOOK_VERSION, segmentNames, type ClvCell, type Notebook, type RfmCell, type TiersCell } from '../../src/lib/notebook/model';
import { serializeNotebook } from '../../src/lib/notebook/serialize';
import { parseNotebook } from '../../src/lib/notebook/validate';
import { defaultRfmSegments } from '../../src/lib/sql/rfm';
import { guessTransactions } from '../../src/lib/sql/value-templates';
import { openTestEngine } from './helpers/db';

/**
 * Five customers' orders, checked by hand against the reference date 2024-12-31:
 * a: 3 orders, last 2024-12-20 (11 days), 300; b: 1 order 2024-01-10 (356 days), 50;
 * c: 2 orders on one day, 2024-06-01 (213 days), 120; d: 2 orders, last 2024-11-30 (31 days), 80;
 * e: 1 order 2024-12-30 (1 day), 500, and one after the reference date, left out.
 */
const ORDERS = `SELECT * FROM (VALUES
  ('o1', 'a', DATE '2024-01-05', 100.0, 40.0), ('o2', 'a', DATE '2024-06-15', 100.0, 40.0), ('o3', 'a', DATE '2024-12-20', 100.0, 40.0),
  ('o4', 'b', DATE '2024-01-10', 50.0, -20.0),
  ('o5', 'c', DATE '2024-06-01', 60.0, 5.0), ('o6', 'c', DATE '2024-06-01', 60.0, 5.0),
  ('o7', 'd', DATE '2024-03-01', 40.0, 8.0), ('o8', 'd', DATE '2024-11-30', 40.0, 8.0),
  ('o9', 'e', DATE '2024-12-30', 500.0, 100.0), ('o10', 'e', DATE '2025-01-15', 999.0, 1.0)
) AS t(bestellung, kunde, datum, betrag, marge)`;

const rfm: RfmCell = {
  id: 'rfm',
  kind: 'rfm',
  name: 'rfm',
  table: 'orders',
  key: 'kunde',
  date: 'datum',
  amount: 'betrag',
  orderId: 'bestellung',
  margin: 'marge',
  monetary: 'sum',
  segments: defaultRfmSegments('de').map((s) => ({ name: s.name, r: [...s.r] as [number, number], f: [...s.f] as [number, number] }))
};

const tiers: TiersCell = { id: 'tiers', kind: 'tiers', name: 'stufen', table: 'rfm', key: 'kunde', value: 'margin', potential: { column: 'revenue', above: 100 }, subdivide: 'rfm' };

const clv: ClvCell = {
  id: 'clv',
  kind: 'clv',
  name: 'clv',
  table: 'orders',
  key: 'kunde',
  date: 'datum',
  amount: 'betrag',
  orderId: 'bestellung',
  margin: 'marge',
  valueBy: 'revenue',
  calibrationEnd: '2024-09-30',
  holdoutEnd: '2024-12-31',
  unit: 'week',
  horizon: 12,
  period: 'month',
  discountRate: 0.1
};

const notebook: Notebook = {
  format: NOTEBOOK_FORMAT,
  version: NOTEBOOK_VERSION,
  title: 'Kundenwert',
  sources: [],
  settings: { locale: 'de', referenceDate: '2024-12-31' },
  cells: [
    { id: 'orders', kind: 'sql', name: 'orders', sql: ORDERS },
    rfm,
    tiers,
    { id: 'kohorten', kind: 'cohort', name: 'kohorten', table: 'orders', key: 'kunde', date: 'datum', amount: 'betrag' },
    clv
  ]
};

describe('value cells', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
    const run = await runNotebook(engine, notebook, { openSource: () => Promise.reject(new Error('no sources')) });
    expect(run.cells.map((c) => `${c.id}:${c.status}${c.error ? ` ${c.error}` : ''}`)).toEqual(['orders:ok', 'rfm:ok', 'tiers:ok', 'kohorten:ok', 'clv:ok']);
  });

  it('round-trip through the notebook format; validator and JSON Schema reject the same bad cells', () => {
    const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../static/notebook.schema.json'), 'utf8'));
    const validateSchema = new Ajv2020({ allErrors: true }).compile(schema);
    const text = serializeNotebook(notebook);
    const back = parseNotebook(text);
    expect(back.ok && serializeNotebook(back.notebook)).toBe(text);
    expect(validateSchema(JSON.parse(text))).toBe(true);
    const variants = [
      text.replace('"monetary": "sum"', '"monetary": "median"'),
      text.replace('"r": [\n            5,\n            5\n          ]', '"r": [\n            5,\n            6\n          ]'),
      text.replace('"calibrationEnd": "2024-09-30"', '"calibrationEnd": "30.09.2024"'),
      text.replace('"horizon": 12', '"horizon": 0'),
      text.replace('"discountRate": 0.1', '"discountRate": -0.1'),
      text.replace('"value": "margin"', '"value": "margin", "colour": "red"'),
      text.replace('"kind": "cohort"', '"kind": "cohort", "period": "week"')
    ];
    for (const variant of variants) {
      expect(variant, 'the variant changes the text').not.toBe(text);
      expect(parseNotebook(variant).ok, variant).toBe(false);
      expect(validateSchema(JSON.parse(variant)), variant).toBe(false);
    }
  });

  it('writes RFM as a segmentation: hand-checked recency, frequency and value, the map’s names in German', async () => {
    const rows = await engine.db.rows<{ kunde: string; segment: string; tags: string; recency_days: number; frequency: number; revenue: number }>(
      'SELECT kunde, segment, tags, recency_days, frequency, revenue FROM rfm ORDER BY kunde'
    );
    expect(rows.map((r) => [r.kunde, r.recency_days, r.frequency, r.revenue])).toEqual([
      ['a', 11, 3, 300],
      ['b', 356, 1, 50],
      ['c', 213, 2, 120],
      ['d', 31, 2, 80],
      ['e', 1, 1, 500]
    ]);
    const names = segmentNames(rfm);
    expect(rows.every((r) => names.includes(r.segment) && r.tags === '')).toBe(true);
    const columns = (await engine.db.rows<{ column_name: string }>('DESCRIBE rfm')).map((c) => c.column_name);
    expect(columns.slice(0, 3)).toEqual(['kunde', 'segment', 'tags']);
    const profile = (await segmentReports(engine, rfm, 'rfm', undefined, 'de'))[0].text;
    expect(profile.trim().split('\n').at(-1)).toBe(',5,1,,,,,,,,,,,,');
  });

  it('splits customers into tiers by margin, flags potential, subdivides the profitable ones', async () => {
    const rows = await engine.db.rows<{ kunde: string; segment: string; tags: string; profit: number; subsegment: string | null; recency_days: number }>(
      'SELECT kunde, segment, tags, profit, subsegment, recency_days FROM stufen'
    );
    const rfmSegments = new Map((await engine.db.rows<{ kunde: string; segment: string }>('SELECT kunde, segment FROM rfm')).map((r) => [r.kunde, r.segment]));
    // Profitable (margin > 0) first, then unprofitable with revenue > 100 (none: b has 50), then unprofitable.
    expect(rows.map((r) => [r.kunde, r.segment, r.tags, r.profit])).toEqual([
      ['a', 'Profitabel', 'profitable', 120],
      ['c', 'Profitabel', 'profitable', 10],
      ['d', 'Profitabel', 'profitable', 16],
      ['e', 'Profitabel', 'profitable', 100],
      ['b', 'Unprofitabel', 'unprofitable', -20]
    ]);
    for (const r of rows) expect(r.subsegment, r.kunde).toBe(r.tags === 'profitable' ? rfmSegments.get(r.kunde) : null);
    expect(rows.find((r) => r.kunde === 'b')?.recency_days).toBe(356);
    expect(segmentNames(tiers, 'de')).toEqual(['Profitabel', 'Unprofitabel mit Potenzial', 'Unprofitabel']);
  });

  it('counts cohorts by first-purchase month over complete months', async () => {
    const rows = await engine.db.rows<{ cohort: string; month_offset: number; customers: number; cohort_size: number }>(
      "SELECT strftime(cohort, '%Y-%m') AS cohort, month_offset, customers, cohort_size FROM kohorten WHERE month_offset IN (0, 5, 11) ORDER BY cohort, month_offset"
    );
    // January 2024: a and b start; a buys again in June (offset 5) and December (offset 11).
    expect(rows.filter((r) => r.cohort === '2024-01').map((r) => [r.month_offset, r.customers, r.cohort_size])).toEqual([
      [0, 2, 2],
      [5, 1, 2],
      [11, 1, 2]
    ]);
  });

  it('fits the CLV models, writes a row per calibrated customer and reports the fit', async () => {
    const rows = await engine.db.rows<{ kunde: string; x: number; holdout_purchases: number }>('SELECT kunde, x, holdout_purchases FROM clv ORDER BY kunde');
    // e first buys after the calibration end and is left out; a repeats once before 2024-09-30 and
    // once after; c's second order on the first day is a repeat (purchases are orders); d buys once
    // before and once after.
    expect(rows.map((r) => [r.kunde, r.x, r.holdout_purchases])).toEqual([
      ['a', 1, 1],
      ['b', 0, 0],
      ['c', 1, 0],
      ['d', 0, 1]
    ]);
    const fit = await clvDetails(engine, clv);
    expect(fit.customers).toBe(4);
    expect(fit.holdout?.buckets.reduce((n, b) => n + b.customers, 0)).toBe(4);
    const [model, holdout] = await clvReports(engine, clv);
    expect(model.name).toBe('clv.model.csv');
    expect(model.text.split('\n')[0]).toBe('model,parameter,value');
    expect(model.text).toContain('bgnbd,log_likelihood,');
    expect(holdout.name).toBe('clv.holdout.csv');
  });
});

describe('guessTransactions', () => {
  it('finds the customer key, date, amount, order id and margin of the German sample orders', () => {
    const columns = (names: [string, string][]) => names.map(([name, type]) => ({ name, type }));
    const kunden = { name: 'kunden', rows: 2000, columns: columns([['Kundennummer', 'VARCHAR'], ['Kunde seit', 'DATE'], ['Umsatz gesamt', 'DOUBLE']]) };
    const bestellungen = {
      name: 'bestellungen',
      rows: 15000,
      columns: columns([['Bestellnummer', 'VARCHAR'], ['Kundennummer', 'VARCHAR'], ['Bestelldatum', 'DATE'], ['Betrag', 'DOUBLE'], ['Marge', 'DOUBLE'], ['Kanal', 'VARCHAR']])
    };
    expect(guessTransactions([kunden, bestellungen])).toEqual({
      table: 'bestellungen',
      key: 'Kundennummer',
      date: 'Bestelldatum',
      amount: 'Betrag',
      orderId: 'Bestellnummer',
      margin: 'Marge'
    });
    const english = { name: 'tx', rows: 10, columns: columns([['InvoiceNo', 'VARCHAR'], ['InvoiceDate', 'TIMESTAMP'], ['Revenue', 'DOUBLE'], ['CustomerID', 'VARCHAR']]) };
    expect(guessTransactions([english])).toEqual({ table: 'tx', key: 'CustomerID', date: 'InvoiceDate', amount: 'Revenue', orderId: 'InvoiceNo' });
    expect(guessTransactions([{ name: 'survey', rows: 5, columns: columns([['id', 'INTEGER'], ['answer', 'VARCHAR']]) }])).toBeNull();
  });
});
