import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/engine/db';
import type { BehaviourCondition, ColumnCondition, Rule, RuleGroup, SegmentCell } from '../../src/lib/notebook/model';
import { note } from '../../src/lib/i18n/note';
import { compileRule, ENTITY_ALIAS, RuleError, segmentQuery, type RuleContext } from '../../src/lib/sql/segment-rules';
import { ident, sql } from '../../src/lib/sql/quote';
import { openTestDb } from './helpers/db';

let db: Db;
const REF = '2025-12-31';
const ctx: RuleContext = { table: 'kunden', alias: ENTITY_ALIAS, key: 'id', referenceDate: REF };

beforeAll(async () => {
  db = await openTestDb();
  await db.exec(`
    CREATE TABLE kunden (id VARCHAR, "Land" VARCHAR, "Alter" INTEGER, "Umsatz €" DOUBLE, "seit" DATE, "App" BOOLEAN, "Name ""x""" VARCHAR);
    INSERT INTO kunden VALUES
      ('k1', 'DE', 25, 100, DATE '2025-12-01', true,  'O''Brien'),
      ('k2', 'AT', 41, 900, DATE '2024-01-15', false, 'Müller'),
      ('k3', NULL, 67, 50,  DATE '2025-10-02', NULL,  ''),
      ('k4', 'DE', NULL, 400, NULL,            true,  '=1+1'),
      ('k5', 'CH', 33, 2500, DATE '2023-06-30', false, 'Anna');
    CREATE TABLE orders (kid VARCHAR, datum DATE, betrag DOUBLE, typ VARCHAR, kanal VARCHAR);
    INSERT INTO orders VALUES
      ('k1', DATE '2025-12-20', 50, 'kauf', 'Web'),
      ('k1', DATE '2025-11-01', 70, 'kauf', 'App'),
      ('k1', DATE '2025-01-10', 30, 'view', 'Web'),
      ('k2', DATE '2025-03-01', 600, 'kauf', 'Web'),
      ('k2', DATE '2024-05-01', 300, 'kauf', 'Shop'),
      ('k3', DATE '2025-12-30', NULL, 'view', 'App'),
      ('k5', DATE '2023-07-01', 2500, 'kauf', 'Shop');
  `);
});

/** The sorted ids of `kunden` rows the rule matches. */
async function matches(rule: Rule, context = ctx): Promise<string[]> {
  const where = compileRule(rule, context);
  const rows = await db.rows<{ id: string }>(String(sql`SELECT id FROM kunden AS ${ident(ENTITY_ALIAS)} WHERE ${where} ORDER BY id`));
  return rows.map((r) => r.id);
}

const cond = (column: string, op: ColumnCondition['op'], value?: ColumnCondition['value'], values?: ColumnCondition['values']): ColumnCondition => ({
  type: 'condition',
  column,
  op,
  value,
  values
});
const and = (...rules: Rule[]): RuleGroup => ({ type: 'group', op: 'and', rules });
const or = (...rules: Rule[]): RuleGroup => ({ type: 'group', op: 'or', rules });
const not = (group: RuleGroup): RuleGroup => ({ ...group, not: true });
const behaviour = (b: Omit<BehaviourCondition, 'type' | 'table' | 'key'>): BehaviourCondition => ({ type: 'behaviour', table: 'orders', key: 'kid', ...b });

describe('compileRule(rule, ctx): column conditions', () => {
  it.each([
    ['eq', cond('Land', 'eq', 'DE'), ['k1', 'k4']],
    ['neq leaves out empty values', cond('Land', 'neq', 'DE'), ['k2', 'k5']],
    ['in', cond('Land', 'in', undefined, ['AT', 'CH']), ['k2', 'k5']],
    ['not_in leaves out empty values', cond('Land', 'not_in', undefined, ['AT', 'CH']), ['k1', 'k4']],
    ['contains ignores case', cond('Name "x"', 'contains', 'ÜLL'), ['k2']],
    ['starts_with ignores case', cond('Name "x"', 'starts_with', "o'b"), ['k1']],
    ['between is inclusive', cond('Alter', 'between', undefined, [25, 41]), ['k1', 'k2', 'k5']],
    ['lt', cond('Alter', 'lt', 33), ['k1']],
    ['lte', cond('Alter', 'lte', 33), ['k1', 'k5']],
    ['gt', cond('Umsatz €', 'gt', 400), ['k2', 'k5']],
    ['gte', cond('Umsatz €', 'gte', 400), ['k2', 'k4', 'k5']],
    ['empty counts NULL and blank text', cond('Name "x"', 'empty'), ['k3']],
    ['empty on a number', cond('Alter', 'empty'), ['k4']],
    ['not_empty', cond('Land', 'not_empty'), ['k1', 'k2', 'k4', 'k5']],
    ['eq true on a boolean', cond('App', 'eq', true), ['k1', 'k4']],
    ['before', cond('seit', 'before', '2024-01-15'), ['k5']],
    ['after', cond('seit', 'after', '2025-10-02'), ['k1']],
    ['eq on a date', cond('seit', 'eq', '2024-01-15'), ['k2']],
    ['within_last counts the reference day and N-1 before', cond('seit', 'within_last', 91), ['k1', 'k3']],
    ['within_last excludes the day N days back', cond('seit', 'within_last', 90), ['k1']],
    ['not_within_last is more than N days ago', cond('seit', 'not_within_last', 90), ['k2', 'k3', 'k5']],
    ['top_pct takes the ⌈p·n⌉ largest', cond('Umsatz €', 'top_pct', 40), ['k2', 'k5']],
    ['top_pct takes at least one', cond('Umsatz €', 'top_pct', 1), ['k5']],
    ['top_pct rounds up', cond('Umsatz €', 'top_pct', 41), ['k2', 'k4', 'k5']],
    ['bottom_pct', cond('Umsatz €', 'bottom_pct', 20), ['k3']],
    ['bottom_pct skips empty values', cond('Alter', 'bottom_pct', 50), ['k1', 'k5']],
    ['text with a quote is a literal, not SQL', cond('Land', 'eq', "DE' OR '1'='1"), []],
    ['formula-looking text is just text', cond('Name "x"', 'eq', '=1+1'), ['k4']]
  ])('%s', async (_label, rule, expected) => {
    expect(await matches(rule)).toEqual(expected);
  });

  it('quotes column names with quotes, spaces and symbols', () => {
    expect(String(compileRule(cond('Name "x"', 'eq', 'a'), ctx))).toBe(`"__e"."Name ""x""" = 'a'`);
  });

  it('top_pct includes values tied with the cut', async () => {
    await db.exec(`CREATE OR REPLACE TABLE ties AS SELECT * FROM (VALUES ('a', 1), ('b', 5), ('c', 5), ('d', 2)) t(id, v)`);
    const rows = await db.rows<{ id: string }>(
      String(sql`SELECT id FROM ties AS ${ident(ENTITY_ALIAS)} WHERE ${compileRule(cond('v', 'top_pct', 25), { ...ctx, table: 'ties' })} ORDER BY id`)
    );
    expect(rows.map((r) => r.id)).toEqual(['b', 'c']);
  });

  it('refuses a column name that would break out of the identifier', async () => {
    const evil = cond('Land" = "Land" OR 1=1 --', 'eq', 'DE');
    await expect(matches(evil)).rejects.toThrow(/Land" = "Land" OR 1=1 --/);
  });
});

describe('compileRule(rule, ctx): groups and NULL semantics', () => {
  it('combines with AND and OR', async () => {
    expect(await matches(and(cond('Land', 'eq', 'DE'), cond('App', 'eq', true), cond('Alter', 'lt', 30)))).toEqual(['k1']);
    expect(await matches(or(cond('Land', 'eq', 'AT'), cond('Alter', 'gt', 60)))).toEqual(['k2', 'k3']);
  });

  it('nests groups', async () => {
    const rule = or(and(cond('Land', 'eq', 'DE'), cond('Umsatz €', 'gt', 200)), and(cond('Land', 'in', undefined, ['CH']), not(or(cond('App', 'eq', true)))));
    expect(await matches(rule)).toEqual(['k4', 'k5']);
  });

  it('NOT includes entities whose value is empty, unlike ≠', async () => {
    expect(await matches(not(and(cond('Land', 'eq', 'DE'))))).toEqual(['k2', 'k3', 'k5']);
    expect(await matches(cond('Land', 'neq', 'DE'))).toEqual(['k2', 'k5']);
  });

  it('NOT of a group that is unknown for an entity counts the group as false', async () => {
    expect(await matches(not(and(cond('App', 'eq', true), cond('Alter', 'gt', 20))))).toEqual(['k2', 'k3', 'k4', 'k5']);
  });

  it('an empty group matches everyone, an empty NOT group no one', async () => {
    expect(await matches(and())).toHaveLength(5);
    expect(await matches(not(and()))).toEqual([]);
  });
});

describe('compileRule(rule, ctx): behavioural conditions', () => {
  it('counts orders in the last N days relative to the reference date', async () => {
    const rule = behaviour({ measure: 'count', dateColumn: 'datum', window: { kind: 'last_days', days: 90 }, where: and(cond('typ', 'eq', 'kauf')), op: 'gte', value: 2 });
    expect(await matches(rule)).toEqual(['k1']);
  });

  it('counts 0 for entities without rows', async () => {
    expect(await matches(behaviour({ measure: 'count', op: 'eq', value: 0 }))).toEqual(['k4']);
  });

  it('counts entities without rows as 0 for < and ≤, and not for >', async () => {
    expect(await matches(behaviour({ measure: 'count', op: 'lt', value: 2 }))).toEqual(['k3', 'k4', 'k5']);
    expect(await matches(behaviour({ measure: 'sum', column: 'betrag', op: 'lte', value: 100 }))).toEqual(['k3', 'k4']);
    expect(await matches(behaviour({ measure: 'sum', column: 'betrag', op: 'between', values: [-1, 1000] }))).toEqual(['k1', 'k2', 'k3', 'k4']);
    expect(await matches(behaviour({ measure: 'count', op: 'gt', value: 0 }))).toEqual(['k1', 'k2', 'k3', 'k5']);
  });

  it('sums spend this year', async () => {
    const rule = behaviour({ measure: 'sum', column: 'betrag', dateColumn: 'datum', window: { kind: 'this_year' }, op: 'gt', value: 500 });
    expect(await matches(rule)).toEqual(['k2']);
  });

  it('finds "viewed but never bought"', async () => {
    const rule = and(behaviour({ measure: 'exists', where: and(cond('typ', 'eq', 'view')) }), behaviour({ measure: 'not_exists', where: and(cond('typ', 'eq', 'kauf')) }));
    expect(await matches(rule)).toEqual(['k3']);
  });

  it('measures days since the last activity; no activity is not a match', async () => {
    expect(await matches(behaviour({ measure: 'days_since_last', dateColumn: 'datum', op: 'gt', value: 60 }))).toEqual(['k2', 'k5']);
  });

  it('compares the last value by date', async () => {
    expect(await matches(behaviour({ measure: 'last', column: 'kanal', dateColumn: 'datum', op: 'eq', value: 'App' }))).toEqual(['k3']);
    expect(await matches(behaviour({ measure: 'last', column: 'kanal', dateColumn: 'datum', op: 'eq', value: 'Web' }))).toEqual(['k1', 'k2']);
  });

  it('breaks ties on the latest date by the largest value', async () => {
    await db.exec(`CREATE OR REPLACE TABLE tie_orders AS SELECT * FROM (VALUES ('k1', DATE '2025-12-20', 'Web'), ('k1', DATE '2025-12-20', 'App')) t(kid, datum, kanal)`);
    const rule: BehaviourCondition = { type: 'behaviour', table: 'tie_orders', key: 'kid', measure: 'last', column: 'kanal', dateColumn: 'datum', op: 'eq', value: 'Web' };
    expect(await matches(rule)).toEqual(['k1']);
  });

  it('takes min, max and avg; NULL without rows', async () => {
    expect(await matches(behaviour({ measure: 'max', column: 'betrag', op: 'gte', value: 600 }))).toEqual(['k2', 'k5']);
    expect(await matches(behaviour({ measure: 'min', column: 'betrag', op: 'lt', value: 50 }))).toEqual(['k1']);
    expect(await matches(behaviour({ measure: 'avg', column: 'betrag', op: 'between', values: [40, 60] }))).toEqual(['k1']);
  });

  it('uses a fixed date range', async () => {
    const rule = behaviour({ measure: 'exists', dateColumn: 'datum', window: { kind: 'between', from: '2024-01-01', to: '2024-12-31' } });
    expect(await matches(rule)).toEqual(['k2']);
  });

  it('combines behaviour with columns under NOT', async () => {
    const rule = and(cond('Land', 'eq', 'DE'), not(and(behaviour({ measure: 'exists' }))));
    expect(await matches(rule)).toEqual(['k4']);
  });

  it('replays: the reference date, not the clock, decides', async () => {
    const rule = behaviour({ measure: 'exists', dateColumn: 'datum', window: { kind: 'last_days', days: 30 } });
    expect(await matches(rule)).toEqual(['k1', 'k3']);
    expect(await matches(rule, { ...ctx, referenceDate: '2023-07-15' })).toEqual(['k5']);
  });
});

describe('compileRule(rule, ctx): errors name the rule and the field', () => {
  it.each([
    [cond('', 'eq', 'x'), 'column'],
    [cond('Land', 'eq'), 'value'],
    [cond('Land', 'in', undefined, []), 'values'],
    [cond('Alter', 'between', undefined, [1]), 'values'],
    [cond('seit', 'before', '31.12.2024'), 'value'],
    [cond('seit', 'within_last', 0), 'value'],
    [cond('Umsatz €', 'top_pct', 120), 'value'],
    [behaviour({ measure: 'sum', op: 'gt', value: 1 }), 'column'],
    [behaviour({ measure: 'count', value: 1 }), 'op'],
    [behaviour({ measure: 'count', window: { kind: 'last_days', days: 30 }, op: 'gt', value: 1 }), 'dateColumn']
  ])('%o → field %s', (rule, field) => {
    try {
      compileRule(and(cond('Land', 'eq', 'DE'), rule), ctx, note('pathSegment', { name: 'VIP' }));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RuleError);
      expect((e as RuleError).field).toBe(field);
      expect((e as RuleError).message).toMatch(/^segment "VIP" › 2/);
    }
  });

  it('asks for the reference date when a relative condition has none', () => {
    expect(() => compileRule(cond('seit', 'within_last', 30), { ...ctx, referenceDate: undefined })).toThrow(/reference date/);
  });
});

describe('segmentQuery(cell)', () => {
  const base: SegmentCell = {
    id: 's',
    kind: 'segment',
    table: 'kunden',
    key: 'id',
    exclusive: true,
    segments: [
      { name: 'DACH-Kernkunden', tags: ['dach', 'kern'], rule: and(cond('Land', 'eq', 'DE'), cond('Umsatz €', 'gte', 100)) },
      { name: 'Große Käufer', rule: and(cond('Umsatz €', 'gte', 400)) }
    ]
  };

  async function run(cell: SegmentCell) {
    return db.rows<Record<string, unknown>>(String(segmentQuery(cell, REF)));
  }

  it('gives a segmentation: first match wins, the rest is named, every entity once', async () => {
    const rows = await run(base);
    expect(rows.map((r) => [r.id, r.segment, r.tags])).toEqual([
      ['k1', 'DACH-Kernkunden', 'dach;kern'],
      ['k4', 'DACH-Kernkunden', 'dach;kern'],
      ['k2', 'Große Käufer', ''],
      ['k5', 'Große Käufer', ''],
      ['k3', 'Rest', '']
    ]);
    expect(Object.keys(rows[0])).toEqual(['id', 'segment', 'tags', 'Land', 'Alter', 'Umsatz €', 'seit', 'App', 'Name "x"']);
  });

  it('gives overlapping segments: one row per entity and matching segment', async () => {
    const rows = await run({ ...base, exclusive: false });
    expect(rows.map((r) => `${r.id}:${r.segment}`)).toEqual(['k1:DACH-Kernkunden', 'k4:DACH-Kernkunden', 'k2:Große Käufer', 'k4:Große Käufer', 'k5:Große Käufer']);
  });

  it('accepts a plain SQL condition instead of rules', async () => {
    const rows = await run({ ...base, rest: 'Sonstige', segments: [{ name: 'Ältere', where: '"Alter" >= 60;' }] });
    expect(rows.map((r) => `${r.id}:${r.segment}`)).toEqual(['k3:Ältere', 'k1:Sonstige', 'k2:Sonstige', 'k4:Sonstige', 'k5:Sonstige']);
  });

  it('keeps a segment or tag name with quotes as text', async () => {
    const rows = await run({ ...base, segments: [{ name: "x', 'y", tags: ["a'); DROP TABLE kunden; --"], rule: and(cond('Land', 'eq', 'AT')) }] });
    expect(rows[0]).toMatchObject({ id: 'k2', segment: "x', 'y", tags: "a'); DROP TABLE kunden; --" });
    expect(await db.rows('SELECT count(*)::INT AS n FROM kunden')).toEqual([{ n: 5 }]);
  });

  it('drops entity columns named like the added ones', async () => {
    await db.exec(`CREATE OR REPLACE TABLE leads AS SELECT id, 'alt' AS segment, 1 AS wert FROM kunden`);
    const rows = await run({ ...base, table: 'leads', segments: [{ name: 'Alle', rule: and() }] });
    expect(Object.keys(rows[0])).toEqual(['id', 'segment', 'tags', 'wert']);
    expect(rows.every((r) => r.segment === 'Alle')).toBe(true);
  });

  it('refuses duplicate names, a rest named like a segment, no segments', () => {
    expect(() => segmentQuery({ ...base, segments: [base.segments[0], { ...base.segments[1], name: 'DACH-Kernkunden' }] })).toThrow(/used twice/);
    expect(() => segmentQuery({ ...base, rest: 'Große Käufer' })).toThrow(/used twice/);
    expect(() => segmentQuery({ ...base, segments: [] })).toThrow(/at least one segment/);
    expect(() => segmentQuery({ ...base, segments: [{ name: 'x', where: '  ' }] })).toThrow(/SQL condition is empty/);
  });
});
