import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/engine/db';
import type { RfmSegment } from '../../src/lib/notebook/model';
import { defaultRfmSegments } from '../../src/lib/sql/rfm';
import type { ValueTierSummaryRow } from '../../src/lib/sql/value-tiers';
import { ascending, DEFAULT_BREAKPOINTS, mapCells, quintileQuery, suggestBreakpoints } from '../../src/lib/ui/value/rfm-map';
import { subsegmentQuery, tierLines } from '../../src/lib/ui/value/tiers-tree';
import { openTestDb } from './helpers/db';

let db: Db;
beforeAll(async () => {
  db = await openTestDb();
  await db.exec(`CREATE TABLE rfm AS SELECT * FROM (VALUES
    ('a', 1, 1.0, 10.0), ('b', 5, 1.0, 20.0), ('c', 10, 2.0, 30.0), ('d', 20, 2.0, 40.0), ('e', 40, 3.0, 150.5),
    ('f', 60, 4.0, 160.0), ('g', 90, 5.0, 170.0), ('h', 120, 6.0, 180.0), ('i', 200, 8.0, 190.0), ('j', 400, 9.0, 200.0)
  ) t(k, recency_days, frequency, monetary)`);
  await db.exec(`CREATE TABLE tiers AS SELECT * FROM (VALUES
    ('a', 'profitable', 'X', 10.25), ('b', 'profitable', 'X', 5.5), ('c', 'profitable', 'Y', 7.0), ('d', 'profitable', NULL, 1.0),
    ('e', 'unprofitable', NULL, -3.0)
  ) t(k, tier, subsegment, profit)`);
});

describe('mapCells(segments)', () => {
  it('gives every cell of the standard map one segment and labels each segment once', () => {
    const cells = mapCells(defaultRfmSegments('en'))!;
    expect(cells).toHaveLength(25);
    expect(cells.every((c) => c.winner >= 0 && c.covering.length === 1)).toBe(true);
    expect(cells.filter((c) => c.labelled)).toHaveLength(11);
    expect(cells[0]).toMatchObject({ r: 5, f: 1, winner: 3, labelled: true });
    expect(cells.find((c) => c.r === 5 && c.f === 5)).toMatchObject({ winner: 0, labelled: false });
  });

  it('shows gaps and lets the first of overlapping segments win', () => {
    const map: RfmSegment[] = [
      { name: 'A', r: [4, 5], f: [4, 5] },
      { name: 'B', r: [5, 5], f: [1, 5] }
    ];
    const cells = mapCells(map)!;
    expect(cells.filter((c) => c.winner < 0)).toHaveLength(25 - 4 - 3);
    expect(cells.find((c) => c.r === 5 && c.f === 5)).toMatchObject({ winner: 0, covering: [0, 1] });
    expect(cells.find((c) => c.r === 5 && c.f === 1)).toMatchObject({ winner: 1, labelled: true });
  });

  it('is null for a range outside the scores', () => {
    expect(mapCells([{ name: 'A', r: [0, 5], f: [1, 5] }])).toBeNull();
  });
});

describe('suggestBreakpoints(quintiles)', () => {
  it('reads the quantiles of a result so each limit keeps customers at a quantile in the lower score', async () => {
    const [q] = await db.rows<{ recency: number[]; frequency: number[]; monetary: number[] }>(String(quintileQuery('rfm')));
    expect(Array.from(q.recency)).toEqual([5, 20, 60, 120]);
    expect(Array.from(q.frequency)).toEqual([1, 2, 4, 6]);
    const bp = suggestBreakpoints({ recency: Array.from(q.recency), frequency: Array.from(q.frequency), monetary: Array.from(q.monetary) });
    expect(bp).toEqual({ recency: [5, 20, 60, 120], frequency: [2, 3, 5, 7], monetary: [20.01, 40.01, 161, 181] });
    expect(ascending(bp.recency) && ascending(bp.frequency) && ascending(bp.monetary)).toBe(true);
  });

  it('makes tied quantiles strictly ascending and falls back to defaults without a result', () => {
    expect(suggestBreakpoints({ recency: [3, 3, 3, 10], frequency: [1, 1, 1, 1], monetary: [99.995, 99.995, 150, 150] })).toEqual({
      recency: [3, 4, 5, 10],
      frequency: [2, 3, 4, 5],
      monetary: [100, 101, 151, 152]
    });
    expect(suggestBreakpoints(undefined)).toEqual(DEFAULT_BREAKPOINTS);
    expect(suggestBreakpoints({ recency: null, frequency: [1, 2], monetary: null }).frequency).toEqual(DEFAULT_BREAKPOINTS.frequency);
  });
});

describe('ascending(values)', () => {
  it('accepts four strictly ascending finite numbers only', () => {
    expect(ascending([1, 2, 3, 4])).toBe(true);
    expect(ascending([1, 2, 2, 4])).toBe(false);
    expect(ascending([1, 2, 3])).toBe(false);
    expect(ascending([1, 2, 3, Number.NaN])).toBe(false);
  });
});

describe('subsegmentQuery(tiers) and tierLines(tiers, subsegments)', () => {
  it('lists the profitable tier with its sub-segments, shares of the net total', async () => {
    const subs = await db.rows<{ subsegment: string | null; customers: number; total_profit: number }>(String(subsegmentQuery('tiers')));
    expect(subs).toEqual([
      { subsegment: 'X', customers: 2, total_profit: 15.75 },
      { subsegment: 'Y', customers: 1, total_profit: 7 },
      { subsegment: null, customers: 1, total_profit: 1 }
    ]);
    const summary: ValueTierSummaryRow[] = [
      { tier: 'profitable', customers: 4, share: 0.8, total_profit: 23.75, profit_share: 23.75 / 20.75, mean_profit: 23.75 / 4 },
      { tier: 'unprofitable_potential', customers: 0, share: 0, total_profit: 0, profit_share: 0, mean_profit: null },
      { tier: 'unprofitable', customers: 1, share: 0.2, total_profit: -3, profit_share: -3 / 20.75, mean_profit: -3 }
    ];
    const lines = tierLines(summary, subs);
    expect(lines.map((l) => [l.tier, l.subsegment, l.customers])).toEqual([
      ['profitable', undefined, 4],
      ['profitable', 'X', 2],
      ['profitable', 'Y', 1],
      ['profitable', null, 1],
      ['unprofitable_potential', undefined, 0],
      ['unprofitable', undefined, 1]
    ]);
    expect(lines[0].profitShare).toBeCloseTo(23.75 / 20.75, 12);
    expect(lines[1]).toMatchObject({ share: 0.4, meanProfit: 7.875 });
    expect(lines[1].profitShare).toBeCloseTo(15.75 / 20.75, 12);
    expect(lines[4]).toMatchObject({ share: 0, profitShare: 0, meanProfit: null });
  });

  it('leaves shares of value out when the net total is not positive', () => {
    const summary: ValueTierSummaryRow[] = [
      { tier: 'profitable', customers: 1, share: 0.5, total_profit: 2, profit_share: null, mean_profit: 2 },
      { tier: 'unprofitable', customers: 1, share: 0.5, total_profit: -5, profit_share: null, mean_profit: -5 }
    ];
    expect(tierLines(summary, []).map((l) => l.profitShare)).toEqual([null, null]);
  });
});

