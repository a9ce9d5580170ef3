import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/engine/db';
import type { BehaviourCondition, LeadRule, LeadsCell, RuleGroup } from '../../src/lib/notebook/model';
import {
  leadDistributionQuery,
  leadGridMembersQuery,
  leadGridQuery,
  leadTierQuery,
  leadTierStatsQuery,
  type LeadDistributionRow,
  type LeadGridRow,
  type LeadTierStatsRow
} from '../../src/lib/sql/lead-tiers';
import { RuleError } from '../../src/lib/sql/segment-rules';
import { openTestDb } from './helpers/db';

const LEADS = 'Leads "Tabelle"';
const EVENTS = 'Aktivitäten';
const UPSTREAM = 'lookalike';
const KEY = 'Lead-Nr.';
const REFERENCE = '2025-06-30';

/** Key, industry, employees, an old `segment` column (left out of the result). */
const ROWS: [string, string | null, number | null][] = [
  ['L01', 'Maschinenbau', 200],
  ['L02', 'Maschinenbau', 40],
  ['L03', 'Chemie', 300],
  ['L04', 'Handel', 100],
  ['L05', 'Maschinenbau', null],
  ['L06', 'Handel', 20],
  ['L07', 'Chemie', 80],
  ['L08', 'Handel', null],
  ['L09', 'Maschinenbau', 700],
  ['L10', null, 60]
];

/** Key, day, type; the window of the last 30 days starts on 2025-06-01, the one of 90 days on 2025-04-02. */
const ACTIVITIES: [string | null, string, string][] = [
  ['L01', '2025-06-29', 'Website-Besuch'],
  ['L01', '2025-06-20', 'Website-Besuch'],
  ['L01', '2025-06-01', 'Website-Besuch'],
  ['L01', '2025-04-01', 'Demo'],
  ['L02', '2025-06-29', 'Website-Besuch'],
  ['L02', '2025-06-28', 'Website-Besuch'],
  ['L02', '2025-04-02', 'Demo'],
  ['L03', '2025-05-31', 'Website-Besuch'],
  ['L03', '2025-05-31', 'Website-Besuch'],
  ['L03', '2025-05-31', 'Website-Besuch'],
  ['L05', '2025-06-15', 'Demo'],
  ['L05', '2025-06-10', 'Website-Besuch'],
  ['L05', '2025-06-11', 'Website-Besuch'],
  ['L05', '2025-06-12', 'Website-Besuch'],
  ['L06', '2024-12-01', 'Website-Besuch'],
  ['L07', '2025-06-30', 'Website-Besuch'],
  ['L07', '2025-06-25', 'Website-Besuch'],
  ['L07', '2025-06-26', 'Website-Besuch'],
  ['L08', '2025-07-05', 'Demo'],
  ['L09', '2025-06-01', 'Whitepaper'],
  ['L10', '2025-06-02', 'Website-Besuch'],
  ['L10', '2025-06-03', 'Website-Besuch'],
  ['L10', '2025-06-04', 'Website-Besuch'],
  ['L10', '2025-05-05', 'Demo'],
  [null, '2025-06-29', 'Demo']
];

const group = (...rules: RuleGroup['rules']): RuleGroup => ({ type: 'group', op: 'and', rules });
const acted = (b: Partial<BehaviourCondition>): BehaviourCondition => ({ type: 'behaviour', table: EVENTS, key: KEY, dateColumn: 'Datum', measure: 'count', ...b });
const ofType = (typ: string): RuleGroup => group({ type: 'condition', column: 'Typ', op: 'eq', value: typ });

/** Fit: 35, 20, 35, 10, 20, −5, 35, −5, 20, 15 (NULL industry or size matches no rule on it). */
const FIT: LeadRule[] = [
  { label: 'Zielbranche', points: 20, rule: group({ type: 'condition', column: 'Branche', op: 'in', values: ['Maschinenbau', 'Chemie'] }) },
  { label: 'Größe', points: 15, rule: group({ type: 'condition', column: 'Mitarbeiter', op: 'between', values: [50, 500] }) },
  { label: 'Handel', points: -5, rule: group({ type: 'condition', column: 'Branche', op: 'eq', value: 'Handel' }) }
];

/** Engagement: 10, 20, 0, −10, 30, −10, 10, −10, 0, 30. */
const ENGAGEMENT: LeadRule[] = [
  { label: '≥ 3 Besuche in 30 Tagen', points: 10, rule: group(acted({ window: { kind: 'last_days', days: 30 }, where: ofType('Website-Besuch'), op: 'gte', value: 3 })) },
  { label: 'Demo in 90 Tagen', points: 20, rule: group(acted({ measure: 'exists', window: { kind: 'last_days', days: 90 }, where: ofType('Demo') })) },
  { label: 'Inaktiv', points: -10, rule: group(acted({ measure: 'not_exists', window: { kind: 'last_days', days: 90 } })) }
];

const CELL: LeadsCell = { id: 'leads1', kind: 'leads', table: LEADS, key: KEY, fit: { kind: 'points', rules: FIT }, engagement: { kind: 'points', rules: ENGAGEMENT } };

const id = (s: string) => `"${s.replaceAll('"', '""')}"`;
const text = (s: string | null) => (s === null ? 'NULL' : `'${s}'`);

let db: Db;

beforeAll(async () => {
  db = await openTestDb();
  const leads = ROWS.map(([k, b, m]) => `(${text(k)}, ${text(b)}, ${m ?? 'NULL'}, 'alt')`);
  await db.exec(`CREATE TABLE ${id(LEADS)} AS SELECT k AS ${id(KEY)}, b AS Branche, CAST(m AS INTEGER) AS Mitarbeiter, s AS segment FROM (VALUES ${leads.join(', ')}) t(k, b, m, s)`);
  const events = ACTIVITIES.map(([k, d, typ]) => `(${text(k)}, DATE '${d}', '${typ}')`);
  await db.exec(`CREATE TABLE ${id(EVENTS)} AS SELECT k AS ${id(KEY)}, d AS Datum, typ AS Typ FROM (VALUES ${events.join(', ')}) t(k, d, typ)`);
  // L03 and L04 have no lookalike score; L05 has two rows (the larger counts).
  await db.exec(`CREATE TABLE ${UPSTREAM} AS SELECT * FROM (VALUES ('L01', 0.9), ('L02', 0.8), ('L05', 0.5), ('L05', 0.7), ('L06', 0.1), ('L07', 0.6), ('L08', 0.2), ('L09', 0.3), ('L10', 0.4)) t(id, score)`);
});

type Row = Record<string, unknown>;

async function run(cell: LeadsCell): Promise<Row[]> {
  return db.rows(String(leadTierQuery(cell, REFERENCE)));
}

/** Key → value of a column. */
function byKey(rows: Row[], column: string): Record<string, unknown> {
  return Object.fromEntries(rows.map((r) => [r[KEY] as string, r[column]]));
}

describe('leadTierQuery', () => {
  it('sums the points of the rules each lead matches', async () => {
    const rows = await run(CELL);
    expect(byKey(rows, 'fit')).toEqual({ L01: 35, L02: 20, L03: 35, L04: 10, L05: 20, L06: -5, L07: 35, L08: -5, L09: 20, L10: 15 });
    // Windows end on the reference date and start days − 1 before it; later events and NULL keys count nowhere.
    expect(byKey(rows, 'engagement')).toEqual({ L01: 10, L02: 20, L03: 0, L04: -10, L05: 30, L06: -10, L07: 10, L08: -10, L09: 0, L10: 30 });
  });

  it('puts the result columns first and leaves out lead columns named like them', async () => {
    const rows = await run(CELL);
    expect(Object.keys(rows[0])).toEqual([KEY, 'segment', 'tags', 'fit', 'fit_tier', 'engagement', 'engagement_tier', 'Branche', 'Mitarbeiter']);
    expect(rows).toHaveLength(ROWS.length);
  });

  it('cuts by shares without splitting ties: a tie across a cut goes to the lower tier', async () => {
    const rows = await run(CELL);
    // Fit: the three leads at 35 are 30 % > 20 %, so tier A stays empty; they fit the 50 % of A and B.
    expect(byKey(rows, 'fit_tier')).toEqual({ L01: 'B', L02: 'C', L03: 'B', L04: 'C', L05: 'C', L06: 'C', L07: 'B', L08: 'C', L09: 'C', L10: 'C' });
    // Engagement: 30 (2 leads = 20 %) is tier 1; 20 and 10 (5 leads = 50 %) tier 2; the ties at 0 and −10 tier 3.
    expect(byKey(rows, 'engagement_tier')).toEqual({ L01: 2, L02: 2, L03: 3, L04: 3, L05: 1, L06: 3, L07: 2, L08: 3, L09: 3, L10: 1 });
    expect(rows.map((r) => [r[KEY], r.segment])).toEqual([
      ['L01', 'B2'],
      ['L07', 'B2'],
      ['L03', 'B3'],
      ['L05', 'C1'],
      ['L10', 'C1'],
      ['L02', 'C2'],
      ['L04', 'C3'],
      ['L06', 'C3'],
      ['L08', 'C3'],
      ['L09', 'C3']
    ]);
  });

  it('includes a lead whose share of leads at least as good is exactly the cut', async () => {
    const rows = await run({ ...CELL, fitCuts: { by: 'share', first: 0.3, second: 0.3 } });
    expect(byKey(rows, 'fit_tier')).toEqual({ L01: 'A', L02: 'B', L03: 'A', L04: 'C', L05: 'B', L06: 'C', L07: 'A', L08: 'C', L09: 'B', L10: 'C' });
    const below = await run({ ...CELL, fitCuts: { by: 'share', first: 0.29, second: 0.3 } });
    expect(Object.values(byKey(below, 'fit_tier')).filter((t) => t === 'A')).toHaveLength(0);
  });

  it('cuts by score limits, a score equal to a limit in the better tier', async () => {
    const rows = await run({ ...CELL, fitCuts: { by: 'score', first: 30, second: 15 }, engagementCuts: { by: 'score', first: 30, second: 0 } });
    expect(byKey(rows, 'fit_tier')).toEqual({ L01: 'A', L02: 'B', L03: 'A', L04: 'C', L05: 'B', L06: 'C', L07: 'A', L08: 'C', L09: 'B', L10: 'B' });
    expect(byKey(rows, 'engagement_tier')).toEqual({ L01: 2, L02: 2, L03: 2, L04: 3, L05: 1, L06: 3, L07: 2, L08: 3, L09: 2, L10: 1 });
  });

  it('reads a score column of an upstream table by key; leads without one are unscored and in the last tier', async () => {
    const rows = await run({ ...CELL, fit: { kind: 'column', table: UPSTREAM, key: 'id', column: 'score' } });
    expect(byKey(rows, 'fit')).toEqual({ L01: 0.9, L02: 0.8, L03: null, L04: null, L05: 0.7, L06: 0.1, L07: 0.6, L08: 0.2, L09: 0.3, L10: 0.4 });
    // 8 scored leads: A holds ≤ 1.6 of them, A and B ≤ 4.
    expect(byKey(rows, 'fit_tier')).toEqual({ L01: 'A', L02: 'B', L03: 'C', L04: 'C', L05: 'B', L06: 'C', L07: 'B', L08: 'C', L09: 'C', L10: 'C' });
  });

  it('reads a score column of the lead table itself', async () => {
    const rows = await run({ ...CELL, fit: { kind: 'column', column: 'Mitarbeiter' }, fitCuts: { by: 'score', first: 200, second: 60 } });
    expect(byKey(rows, 'fit_tier')).toEqual({ L01: 'A', L02: 'C', L03: 'A', L04: 'B', L05: 'C', L06: 'C', L07: 'B', L08: 'C', L09: 'A', L10: 'B' });
  });

  it('scores 0 without rules, so every lead ties in the last tier', async () => {
    const rows = await run({ ...CELL, fit: { kind: 'points', rules: [] } });
    expect(new Set(rows.map((r) => `${r.fit}${r.fit_tier}`))).toEqual(new Set(['0C']));
  });

  it("writes the grid cells' names as segments and their actions as tags", async () => {
    const rows = await run({ ...CELL, grid: { C1: { name: 'C1 · pflegen', action: 'Nurture-Kampagne' }, B2: { name: ' ', action: '' } } });
    expect(rows.slice(2, 5).map((r) => [r[KEY], r.segment, r.tags])).toEqual([
      ['L03', 'B3', ''],
      ['L05', 'C1 · pflegen', 'Nurture-Kampagne'],
      ['L10', 'C1 · pflegen', 'Nurture-Kampagne']
    ]);
    expect(rows[0].segment).toBe('B2');
  });

  it('names the rule and field that cannot be compiled', () => {
    const bad: LeadsCell = { ...CELL, engagement: { kind: 'points', rules: [{ label: 'Besuche', points: 5, rule: group(acted({ window: { kind: 'last_days', days: 30 }, op: 'gte', value: 1 })) }] } };
    expect(() => leadTierQuery(bad)).toThrow(/engagement score › rule 1 "Besuche".*reference date/);
    expect(() => leadTierQuery({ ...CELL, fitCuts: { by: 'share', first: 0.6, second: 0.5 } }, REFERENCE)).toThrow(RuleError);
    expect(() => leadTierQuery({ ...CELL, engagementCuts: { by: 'score', first: 1, second: 2 } }, REFERENCE)).toThrow(/engagement tiers/);
    expect(() => leadTierQuery({ ...CELL, grid: { A1: { name: 'Top' }, A2: { name: 'Top' } } }, REFERENCE)).toThrow(/"Top" is used for two grid cells/);
    expect(() => leadTierQuery({ ...CELL, fit: { kind: 'column', column: '' } }, REFERENCE)).toThrow(/fit score: choose the score column/);
  });
});

describe('leadGridQuery', () => {
  it('counts every one of the nine grid cells, empty ones too', async () => {
    await db.exec(`CREATE OR REPLACE VIEW leads_view AS ${leadTierQuery(CELL, REFERENCE)}`);
    const names = ['A1', 'A2', 'A3', 'B1', 'B2', 'B3', 'C1', 'C2', 'C3'];
    const rows = await db.rows<LeadGridRow>(String(leadGridQuery({ leads: 'leads_view', names })));
    expect(rows.map((r) => [r.code, r.fit_tier, r.engagement_tier, r.leads, r.share])).toEqual([
      ['A1', 'A', 1, 0, 0],
      ['A2', 'A', 2, 0, 0],
      ['A3', 'A', 3, 0, 0],
      ['B1', 'B', 1, 0, 0],
      ['B2', 'B', 2, 2, 0.2],
      ['B3', 'B', 3, 1, 0.1],
      ['C1', 'C', 1, 2, 0.2],
      ['C2', 'C', 2, 1, 0.1],
      ['C3', 'C', 3, 4, 0.4]
    ]);
  });
});

describe('leadGridMembersQuery', () => {
  it('lists the leads of one grid cell', async () => {
    const rows = await db.rows(String(leadGridMembersQuery({ leads: 'leads_view', code: 'C1' })));
    expect(rows.map((r) => r[KEY])).toEqual(['L05', 'L10']);
    expect(() => leadGridMembersQuery({ leads: 'leads_view', code: 'D1' })).toThrow(RangeError);
  });
});

describe('leadTierStatsQuery', () => {
  it("gives each tier's size and score range, the lowest score of a tier being where its cut fell", async () => {
    const rows = await db.rows<LeadTierStatsRow>(String(leadTierStatsQuery({ leads: 'leads_view', score: 'engagement' })));
    expect(rows).toEqual([
      { tier: '1', leads: 2, share: 0.2, min_score: 30, max_score: 30, mean_score: 30, unscored: 0 },
      { tier: '2', leads: 3, share: 0.3, min_score: 10, max_score: 20, mean_score: 40 / 3, unscored: 0 },
      { tier: '3', leads: 5, share: 0.5, min_score: -10, max_score: 0, mean_score: -6, unscored: 0 }
    ]);
    const fit = await db.rows<LeadTierStatsRow>(String(leadTierStatsQuery({ leads: 'leads_view', score: 'fit' })));
    expect(fit[0]).toEqual({ tier: 'A', leads: 0, share: 0, min_score: null, max_score: null, mean_score: null, unscored: 0 });
  });
});

describe('leadDistributionQuery', () => {
  it('bins the scores from lowest to highest and counts each bin per tier', async () => {
    const rows = await db.rows<LeadDistributionRow>(String(leadDistributionQuery({ leads: 'leads_view', score: 'engagement', bins: 4 })));
    // Width (30 − (−10)) / 4 = 10: [−10, 0) 3, [0, 10) 2, [10, 20) 2, [20, 30] 1 + 2 (the maximum falls in the last bin).
    expect(rows).toEqual([
      { bin_start: -10, bin_end: 0, tier: '3', leads: 3 },
      { bin_start: 0, bin_end: 10, tier: '3', leads: 2 },
      { bin_start: 10, bin_end: 20, tier: '2', leads: 2 },
      { bin_start: 20, bin_end: 30, tier: '1', leads: 2 },
      { bin_start: 20, bin_end: 30, tier: '2', leads: 1 }
    ]);
    await db.exec(`CREATE OR REPLACE VIEW flat AS SELECT 5.0 AS fit, 'C' AS fit_tier FROM range(3)`);
    expect(await db.rows(String(leadDistributionQuery({ leads: 'flat', score: 'fit' })))).toEqual([{ bin_start: 5, bin_end: 6, tier: 'C', leads: 3 }]);
    expect(() => leadDistributionQuery({ leads: 'flat', score: 'fit', bins: 0 })).toThrow(RangeError);
  });
});
