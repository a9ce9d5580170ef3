import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/engine/db';
import type { Engine } from '../../src/lib/engine/engine';
import { VALUE_TIER_LABELS, VALUE_TIERS } from '../../src/lib/notebook/model';
import {
  paretoQuery,
  topShareQuery,
  valueTierQuery,
  valueTierSummaryQuery,
  type ParetoRow,
  type TopShareRow,
  type ValueTierConfig,
  type ValueTierSummaryRow
} from '../../src/lib/sql/value-tiers';
import { openTestEngine } from './helpers/db';
import { loadRetail, retailReference } from './helpers/online-retail';

const TABLE = 'Kunden "Wert"';
const COL = { key: 'Kunden-Nr.', value: "Marge's", cost: 'Kosten €', clv: 'CLV (erwartet)' };

/** Profit = margin − cost (NULL read as 0): 400, 250, 0, −70, 20, −30, 50, −50; net total 570. */
const CUSTOMERS: [string, number | null, number | null, number | null][] = [
  ['k1', 500, 100, 900],
  ['k2', 300, 50, null],
  ['k3', 100, 100, 800],
  ['k4', 50, 120, 200],
  ['k5', 20, null, 600],
  ['k6', null, 30, 1000],
  ['k7', 80, 30, null],
  ['k8', 10, 60, 500]
];

const n = (x: number | null) => (x === null ? 'NULL' : String(x));
const id = (s: string) => `"${s.replaceAll('"', '""')}"`;

const BASE: ValueTierConfig = { table: TABLE, key: COL.key, value: COL.value, cost: COL.cost, potential: { column: COL.clv, above: 500 } };

let engine: Engine;
let db: Db;

beforeAll(async () => {
  engine = await openTestEngine();
  db = engine.db;
  const values = CUSTOMERS.map(([k, v, c, p]) => `('${k}', ${n(v)}, ${n(c)}, ${n(p)})`);
  await db.exec(`CREATE TABLE ${id(TABLE)} AS SELECT k AS ${id(COL.key)}, CAST(v AS DECIMAL(12, 2)) AS ${id(COL.value)}, CAST(c AS DOUBLE) AS ${id(COL.cost)},
    CAST(p AS DOUBLE) AS ${id(COL.clv)} FROM (VALUES ${values.join(', ')}) t(k, v, c, p)`);
});

describe('valueTierQuery', () => {
  it('splits by profit, then flags unprofitable customers with potential above the threshold', async () => {
    const rows = await db.rows(String(valueTierQuery(BASE)));
    expect(rows.map((r) => [r[COL.key], r.value, r.cost, r.profit, r.potential, r.tier])).toEqual([
      ['k1', 500, 100, 400, 900, 'profitable'],
      ['k2', 300, 50, 250, null, 'profitable'],
      // A profit of exactly 0 is not above the threshold of 0.
      ['k3', 100, 100, 0, 800, 'unprofitable_potential'],
      ['k4', 50, 120, -70, 200, 'unprofitable'],
      ['k5', 20, null, 20, 600, 'profitable'],
      ['k6', null, 30, -30, 1000, 'unprofitable_potential'],
      ['k7', 80, 30, 50, null, 'profitable'],
      // A potential of exactly 500 is not above 500.
      ['k8', 10, 60, -50, 500, 'unprofitable']
    ]);
  });

  it('takes an editable profit threshold and works without cost or potential', async () => {
    const raised = await db.rows(String(valueTierQuery({ ...BASE, profitableAbove: 100 })));
    expect(raised.map((r) => r.tier)).toEqual([
      'profitable',
      'profitable',
      'unprofitable_potential',
      'unprofitable',
      'unprofitable_potential',
      'unprofitable_potential',
      'unprofitable',
      'unprofitable'
    ]);
    const plain = await db.rows(String(valueTierQuery({ table: TABLE, key: COL.key, value: COL.value })));
    expect(Object.keys(plain[0])).toEqual([COL.key, 'value', 'profit', 'tier']);
    expect(plain.map((r) => r.tier)).toEqual(['profitable', 'profitable', 'profitable', 'profitable', 'profitable', 'unprofitable', 'profitable', 'profitable']);
  });

  it('rejects a key named like an output column and non-finite thresholds', () => {
    expect(() => valueTierQuery({ ...BASE, key: 'tier' })).toThrow(/output column/);
    expect(() => valueTierQuery({ ...BASE, profitableAbove: NaN })).toThrow(/profit threshold/);
    expect(() => valueTierQuery({ ...BASE, potential: { column: COL.clv, above: Infinity } })).toThrow(/potential threshold/);
  });

  it('has a German and an English label for every tier', () => {
    for (const locale of ['de', 'en'] as const) expect(Object.keys(VALUE_TIER_LABELS[locale])).toEqual([...VALUE_TIERS]);
    expect(VALUE_TIER_LABELS.de.unprofitable_potential).toBe('Unprofitabel mit Potenzial');
  });
});

describe('valueTierSummaryQuery', () => {
  it('gives sizes and shares of the net profit per tier, all tiers in order', async () => {
    await db.exec(`CREATE VIEW tiers AS ${valueTierQuery(BASE)}`);
    const rows = await db.rows<ValueTierSummaryRow>(String(valueTierSummaryQuery({ tiers: 'tiers' })));
    expect(rows).toEqual([
      { tier: 'profitable', customers: 4, share: 0.5, total_profit: 720, profit_share: 720 / 570, mean_profit: 180 },
      { tier: 'unprofitable_potential', customers: 2, share: 0.25, total_profit: -30, profit_share: -30 / 570, mean_profit: -15 },
      { tier: 'unprofitable', customers: 2, share: 0.25, total_profit: -120, profit_share: -120 / 570, mean_profit: -60 }
    ]);
    await db.exec(`CREATE VIEW top_tiers AS ${valueTierQuery({ ...BASE, profitableAbove: -1000 })}`);
    const all = await db.rows<ValueTierSummaryRow>(String(valueTierSummaryQuery({ tiers: 'top_tiers' })));
    expect(all.map((r) => [r.tier, r.customers, r.mean_profit])).toEqual([
      ['profitable', 8, 570 / 8],
      ['unprofitable_potential', 0, null],
      ['unprofitable', 0, null]
    ]);
  });
});

describe('paretoQuery', () => {
  it('draws the whale curve over the net total: above 1 at the peak, 1 at the last customer', async () => {
    // Sorted profits 400, 250, 50, 20, 0, −30, −50, −70; cumulative 400 … 720 (peak after 4) … 570.
    const rows = await db.rows<ParetoRow>(String(paretoQuery(BASE)));
    expect(rows.map((r) => [r.customers, r.customer_share, r.cumulative_value])).toEqual([
      [0, 0, 0],
      [1, 0.125, 400],
      [2, 0.25, 650],
      [3, 0.375, 700],
      [4, 0.5, 720],
      [5, 0.625, 720],
      [6, 0.75, 690],
      [7, 0.875, 640],
      [8, 1, 570]
    ]);
    expect(rows.map((r) => r.value_share)).toEqual([0, 400, 650, 700, 720, 720, 690, 640, 570].map((v) => v / 570));
  });

  it('downsamples to the steps of ⌊i · points / n⌋ and keeps the origin, the peak and the end', async () => {
    // points = 3, n = 8: ⌊3i / 8⌋ steps up at i = 3, 6 and 8; the peak is at 4.
    const rows = await db.rows<ParetoRow>(String(paretoQuery({ ...BASE, points: 3 })));
    expect(rows.map((r) => [r.customers, r.cumulative_value])).toEqual([
      [0, 0],
      [3, 700],
      [4, 720],
      [6, 690],
      [8, 570]
    ]);
  });

  it('gives no shares when the net total is not positive, and no rows for an empty table', async () => {
    await db.exec(`CREATE VIEW losses AS SELECT ${id(COL.key)}, -abs(coalesce(${id(COL.value)}, 1)) AS v FROM ${id(TABLE)}`);
    const rows = await db.rows<ParetoRow>(String(paretoQuery({ table: 'losses', value: 'v' })));
    expect(rows).toHaveLength(9);
    expect(rows.every((r) => r.value_share === null)).toBe(true);
    expect(rows.at(-1)!.cumulative_value).toBe(-1061);
    await db.exec(`CREATE VIEW nobody AS SELECT * FROM ${id(TABLE)} WHERE false`);
    expect(await db.rows(String(paretoQuery({ ...BASE, table: 'nobody' })))).toEqual([]);
    expect(await db.rows(String(topShareQuery({ ...BASE, table: 'nobody' })))).toEqual([]);
  });

  it('rejects fewer than two points', () => {
    expect(() => paretoQuery({ ...BASE, points: 1 })).toThrow(RangeError);
  });
});

describe('topShareQuery', () => {
  it('reads the share of the top customers off the curve, interpolating between customers', async () => {
    const at = async (customerShare: number) => (await db.rows<TopShareRow>(String(topShareQuery({ ...BASE, customerShare }))))[0];
    // P = 0.2: m = 1.6 → 400 + 0.6 · 250 = 550.
    const top = await at(0.2);
    expect(top.customer_share).toBe(0.2);
    expect(top.customers).toBeCloseTo(1.6, 12);
    expect(top.top_value).toBeCloseTo(550, 10);
    expect(top.total_value).toBe(570);
    expect(top.value_share).toBeCloseTo(550 / 570, 12);
    expect(await at(0.5)).toEqual({ customer_share: 0.5, customers: 4, top_value: 720, total_value: 570, value_share: 720 / 570 });
    expect((await at(1)).value_share).toBe(1);
    expect((await at(0.1)).top_value).toBeCloseTo(0.8 * 400, 10);
  });

  it('rejects a share outside (0, 1]', () => {
    expect(() => topShareQuery({ ...BASE, customerShare: 0 })).toThrow(RangeError);
    expect(() => topShareQuery({ ...BASE, customerShare: 1.2 })).toThrow(RangeError);
  });
});

describe('paretoQuery / topShareQuery on the Online Retail data', () => {
  const ref = retailReference.pareto;
  const REL = 1e-12;
  const close = (got: number, want: number, what: string) => expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(REL * Math.abs(want));

  beforeAll(async () => {
    await loadRetail(engine);
    await db.exec(`CREATE VIEW retail_revenue AS SELECT CustomerID, sum(amount) AS revenue FROM retail_clean GROUP BY CustomerID`);
    await db.exec(`CREATE VIEW retail_net AS SELECT CustomerID, sum(Quantity * UnitPrice) AS revenue FROM retail WHERE CustomerID IS NOT NULL GROUP BY CustomerID`);
  }, 60_000);

  for (const [name, view] of [
    ['revenue', 'retail_revenue'],
    ['netRevenue', 'retail_net']
  ] as const) {
    it(`matches pandas on ${name}: the Lorenz points, the peak and the top 20 %`, async () => {
      const want = ref[name];
      expect(want.negative > 0, 'net revenue has unprofitable customers').toBe(name === 'netRevenue');
      const input = { table: view, value: 'revenue' };
      const all = await db.rows<ParetoRow>(String(paretoQuery({ ...input, points: 10_000 })));
      expect(all).toHaveLength(want.customers + 1);
      for (const p of want.lorenz) {
        const got = all[p.customers];
        expect(got.customers).toBe(p.customers);
        close(got.cumulative_value, p.cumulative, `${name} cumulative at ${p.customers}`);
        close(got.value_share!, p.share, `${name} share at ${p.customers}`);
      }
      const peak = all.reduce((best, r) => (r.value_share! > best.value_share! ? r : best));
      expect(peak.customers).toBe(want.peak.customers);
      close(peak.value_share!, want.peak.share, `${name} peak`);
      expect(all.filter((r, i) => i > 0 && r.cumulative_value < all[i - 1].cumulative_value)).toHaveLength(want.negative);

      const sampled = await db.rows<ParetoRow>(String(paretoQuery(input)));
      expect(sampled.length).toBeLessThanOrEqual(202);
      expect(sampled[0]).toEqual({ customers: 0, customer_share: 0, cumulative_value: 0, value_share: 0 });
      expect(sampled.at(-1)).toEqual(all.at(-1));
      expect(sampled.find((r) => r.customers === want.peak.customers)).toEqual(all[want.peak.customers]);

      const [top] = await db.rows<TopShareRow>(String(topShareQuery(input)));
      close(top.customers, want.top20.customers, `${name} top customers`);
      close(top.top_value, want.top20.value, `${name} top value`);
      close(top.value_share!, want.top20.share, `${name} top share`);
    });
  }
});
