import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { runNotebook } from '../../src/lib/engine/run-notebook';
import { cellDependencies } from '../../src/lib/notebook/graph';
import { NOTEBOOK_FORMAT, NOTEBOOK_VERSION, type AbTestCell, type KpisCell, type Notebook } from '../../src/lib/notebook/model';
import { serializeNotebook } from '../../src/lib/notebook/serialize';
import { parseNotebook } from '../../src/lib/notebook/validate';
import { guessAbTest, guessKpis, pickControl, pickConversion } from '../../src/lib/ui/campaign/campaign-defaults';
import { file, openTestEngine } from './helpers/db';

const SAMPLES = path.resolve(__dirname, '../../static/samples');
const reference = JSON.parse(readFileSync(path.resolve(__dirname, '../fixtures/reference/abtest.json'), 'utf8')) as {
  cases: { name: string; rows: { segment: string | null; arm: string; p?: number; low?: number; high?: number }[] }[];
};

/**
 * Four members and their events, checked by hand against the reference date 2024-03-31 (months
 * February and March shown, January read for February's retention):
 * x (m1, m2): Feb active m1, m2, converted m2 (Kauf 5 + 7), retained m1 (active in Jan) → retention 1/1;
 *             Mar active m1, converted m1 (Kauf 20), retained m1 → retention 1/2.
 * y (m3, m4): Feb nobody; Mar m3 visits (no conversion), retention NULL (nobody active in Feb).
 * m3's April purchase is after the reference date; m9 is no member.
 */
const MEMBERS = `SELECT * FROM (VALUES ('m1', 'x'), ('m2', 'x'), ('m3', 'y'), ('m4', 'y')) AS t(kunde, seg)`;
const EVENTS = `SELECT * FROM (VALUES
  ('m1', DATE '2024-01-10', 'Kauf', 10.0), ('m1', DATE '2024-02-05', 'Besuch', 0.0), ('m1', DATE '2024-03-15', 'Kauf', 20.0),
  ('m2', DATE '2024-02-20', 'Kauf', 5.0), ('m2', DATE '2024-02-21', 'Kauf', 7.0),
  ('m3', DATE '2024-03-01', 'Besuch', NULL), ('m3', DATE '2024-04-02', 'Kauf', 100.0),
  ('m9', DATE '2024-03-03', 'Kauf', 50.0)
) AS t(kunde, tag, typ, betrag)`;

const byColumn: AbTestCell = {
  id: 'ab',
  kind: 'abtest',
  name: 'ab_test',
  table: 'kampagne_test',
  key: 'Kunden-ID',
  arm: 'Gruppe',
  control: 'Kontrolle',
  outcome: 'konvertiert',
  metric: 'binary',
  by: { kind: 'column', column: 'Segment' }
};

const byCell: AbTestCell = { ...byColumn, id: 'ab2', name: 'ab_stamm', outcome: 'Umsatz', metric: 'numeric', by: { kind: 'cell', from: 'stamm' } };

const kpis: KpisCell = {
  id: 'kpis',
  kind: 'kpis',
  name: 'kpis',
  table: 'mitglieder',
  key: 'kunde',
  by: { kind: 'column', column: 'seg' },
  events: { table: 'ereignisse', key: 'kunde', date: 'tag', amount: 'betrag', conversion: { column: 'typ', value: 'Kauf' } },
  period: 'month',
  periods: 2
};

const notebook: Notebook = {
  format: NOTEBOOK_FORMAT,
  version: NOTEBOOK_VERSION,
  title: 'Kampagne',
  sources: [{ name: 'kampagne_test', path: 'kampagne_test.csv' }],
  settings: { locale: 'de', referenceDate: '2024-03-31' },
  cells: [
    { id: 'stamm', kind: 'segment', name: 'stamm', table: 'kampagne_test', key: 'Kunden-ID', exclusive: true, segments: [{ name: 'Stamm', where: `"Segment" = 'Stammkunden'` }] },
    byColumn,
    byCell,
    { id: 'mitglieder', kind: 'sql', name: 'mitglieder', sql: MEMBERS },
    { id: 'ereignisse', kind: 'sql', name: 'ereignisse', sql: EVENTS },
    kpis,
    { id: 'gruppen', kind: 'segment', name: 'gruppen', table: 'mitglieder', key: 'kunde', exclusive: true, rest: 'Andere', segments: [{ name: 'X', where: `seg = 'x'` }] },
    { ...kpis, id: 'kpis2', name: 'kpis_woche', by: { kind: 'cell', from: 'gruppen' }, events: { table: 'ereignisse', key: 'kunde', date: 'tag' }, period: 'week', periods: 3 }
  ]
};

describe('campaign cells', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
    const bytes = readFileSync(path.join(SAMPLES, 'kampagne_test.csv'));
    const run = await runNotebook(engine, notebook, { openSource: (s) => file(s.path, bytes) });
    expect(run.cells.map((c) => `${c.id}:${c.status}${c.error ? ` ${c.error}` : ''}`)).toEqual([
      'stamm:ok',
      'ab:ok',
      'ab2:ok',
      'mitglieder:ok',
      'ereignisse:ok',
      'kpis:ok',
      'gruppen:ok',
      'kpis2:ok'
    ]);
  }, 60_000);

  it('round-trip through the notebook format; validator and JSON Schema reject the same bad cells', () => {
    const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../static/notebook.schema.json'), 'utf8'));
    const validateSchema = new Ajv2020({ allErrors: true }).compile(schema);
    const text = serializeNotebook(notebook);
    const back = parseNotebook(text);
    expect(back.ok && serializeNotebook(back.notebook)).toBe(text);
    expect(validateSchema(JSON.parse(text))).toBe(true);
    const variants = [
      text.replace('"metric": "binary"', '"metric": "poisson"'),
      text.replace('"metric": "numeric"', '"metric": "numeric",\n      "positive": "ja"'),
      text.replace('"periods": 2', '"periods": 0'),
      text.replace('"period": "week"', '"period": "day"'),
      text.replace('"kind": "column",\n        "column": "seg"', '"kind": "row",\n        "column": "seg"'),
      text.replace('"value": "Kauf"', '"value": "Kauf", "when": "always"'),
      text.replace('"key": "Kunden-ID",\n      "arm": "Gruppe",\n      "control": "Kontrolle",\n      "outcome": "Umsatz"', '"arm": "Gruppe",\n      "control": "Kontrolle",\n      "outcome": "Umsatz"')
    ];
    for (const variant of variants) {
      expect(variant, 'the variant changes the text').not.toBe(text);
      expect(parseNotebook(variant).ok, variant).toBe(false);
      expect(validateSchema(JSON.parse(variant)), variant).toBe(false);
    }
    // A JSON Schema cannot say "a segmentation cell above": only the validator checks the reference.
    const notSegmentation = text.replace('"from": "gruppen"', '"from": "ereignisse"');
    expect(parseNotebook(notSegmentation)).toMatchObject({ ok: false, issues: [{ path: 'cells[7].by.from' }] });
  });

  it('depends on its tables and on the segmentation cell it reads', () => {
    const deps = cellDependencies(notebook, () => []);
    expect(deps.get('ab')).toEqual({ sources: ['kampagne_test'], cells: [] });
    expect(deps.get('ab2')).toEqual({ sources: ['kampagne_test'], cells: ['stamm'] });
    expect(deps.get('kpis')).toEqual({ sources: [], cells: ['mitglieder', 'ereignisse'] });
    expect(deps.get('kpis2')).toEqual({ sources: [], cells: ['gruppen', 'mitglieder', 'ereignisse'] });
  });

  it('writes the A/B read-out with SciPy’s p-values and intervals, and warns on the tiny segment', async () => {
    const rows = await engine.db.rows<{ segment: string; arm: string; p: number | null; ci_low: number | null; ci_high: number | null; warning: string | null }>('SELECT * FROM ab_test');
    const expected = reference.cases.find((c) => c.name === 'campaign-converted')!.rows;
    expect(rows.map((r) => [r.segment, r.arm])).toEqual(expected.map((r) => [r.segment ?? 'Gesamt', r.arm]));
    rows.forEach((r, i) => {
      if (expected[i].p === undefined) return expect(r.p).toBeNull();
      // Rounded to 10 significant digits in the view.
      expect(Math.abs(r.p! - expected[i].p!)).toBeLessThan(1e-9);
      expect(Math.abs(r.ci_low! - expected[i].low!)).toBeLessThan(1e-9);
      expect(Math.abs(r.ci_high! - expected[i].high!)).toBeLessThan(1e-9);
    });
    const tiny = rows.filter((r) => r.segment === 'Rückgewinnung' && r.p !== null);
    expect(tiny.every((r) => r.warning?.split(',').includes('small_sample') && r.warning.includes('normal_approximation'))).toBe(true);
    expect(rows.filter((r) => r.segment === 'Stammkunden' && r.p !== null).every((r) => !r.warning?.includes('small_sample'))).toBe(true);
  });

  it('breaks a numeric outcome down by a segmentation cell joined on the key', async () => {
    const rows = await engine.db.rows<{ segment: string; arm: string; p: number | null }>('SELECT segment, arm, p FROM ab_stamm');
    const expected = reference.cases.find((c) => c.name === 'campaign-revenue')!.rows.filter((r) => r.segment === null || r.segment === 'Stammkunden');
    expect(rows.map((r) => r.segment)).toEqual(['Gesamt', 'Gesamt', 'Gesamt', 'Rest', 'Rest', 'Rest', 'Stamm', 'Stamm', 'Stamm']);
    const stamm = rows.filter((r) => r.segment === 'Stamm');
    expect(stamm.map((r) => r.arm)).toEqual(expected.filter((r) => r.segment).map((r) => r.arm));
    stamm.forEach((r, i) => {
      const p = expected.filter((e) => e.segment)[i].p;
      if (p === undefined) expect(r.p).toBeNull();
      else expect(Math.abs(r.p! - p)).toBeLessThan(1e-9);
    });
  });

  it('computes the KPI board by month (hand-checked)', async () => {
    const rows = await engine.db.rows<Record<string, unknown>>('SELECT CAST(period AS VARCHAR) AS period, * EXCLUDE (period) FROM kpis');
    expect(rows.map((r) => [r.segment, r.period, r.members, r.active, r.converted, r.conversion, r.retained, r.retention, r.revenue, r.revenue_per_member])).toEqual([
      ['x', '2024-02-01', 2, 2, 1, 0.5, 1, 1, 12, 6],
      ['x', '2024-03-01', 2, 1, 1, 0.5, 1, 0.5, 20, 10],
      ['y', '2024-02-01', 2, 0, 0, 0, 0, null, 0, 0],
      ['y', '2024-03-01', 2, 1, 0, 0, 0, null, 0, 0]
    ]);
  });

  it('computes the board by week over a segmentation cell, every event a conversion, without revenue', async () => {
    // Complete weeks up to Sunday 2024-03-31: from Mondays 03-11, 03-18, 03-25; only m1's 03-15 purchase falls in them.
    const rows = await engine.db.rows<Record<string, unknown>>('SELECT CAST(period AS VARCHAR) AS period, * EXCLUDE (period) FROM kpis_woche');
    expect(Object.keys(rows[0])).not.toContain('revenue');
    expect(rows.map((r) => [r.segment, r.period, r.members, r.active, r.converted])).toEqual([
      ['Andere', '2024-03-11', 2, 0, 0],
      ['Andere', '2024-03-18', 2, 0, 0],
      ['Andere', '2024-03-25', 2, 0, 0],
      ['X', '2024-03-11', 2, 1, 1],
      ['X', '2024-03-18', 2, 0, 0],
      ['X', '2024-03-25', 2, 0, 0]
    ]);
  });

  it('fails with a clear message when no row has the control arm', async () => {
    const bad: Notebook = { ...notebook, cells: [{ ...byColumn, control: 'Placebo' }] };
    const bytes = readFileSync(path.join(SAMPLES, 'kampagne_test.csv'));
    const run = await runNotebook(await openTestEngine(), bad, { openSource: (s) => file(s.path, bytes) });
    expect(run.cells[0].status).toBe('error');
    expect(run.cells[0].error).toContain('"Gruppe" = "Placebo"');
  }, 60_000);
});

describe('campaign defaults', () => {
  const kampagne = {
    name: 'kampagne_test',
    columns: [
      { name: 'Kunden-ID', type: 'VARCHAR' },
      { name: 'Segment', type: 'VARCHAR' },
      { name: 'Gruppe', type: 'VARCHAR' },
      { name: 'konvertiert', type: 'BIGINT' },
      { name: 'Umsatz', type: 'DOUBLE' },
      { name: 'Datum', type: 'DATE' }
    ]
  };
  const ereignisse = {
    name: 'kampagne_ereignisse',
    columns: [
      { name: 'Kunden-ID', type: 'VARCHAR' },
      { name: 'Datum', type: 'DATE' },
      { name: 'Typ', type: 'VARCHAR' },
      { name: 'Betrag', type: 'DOUBLE' }
    ]
  };

  it('guesses an A/B test from the campaign sample’s column names', () => {
    expect(guessAbTest([ereignisse, kampagne], [])).toEqual({
      table: 'kampagne_test',
      key: 'Kunden-ID',
      arm: 'Gruppe',
      control: '',
      outcome: 'konvertiert',
      metric: 'binary',
      by: { kind: 'column', column: 'Segment' }
    });
    const noSegment = { name: 'test', columns: kampagne.columns.filter((c) => c.name !== 'Segment' && c.name !== 'konvertiert') };
    expect(guessAbTest([noSegment], [{ id: 'rfm1', key: 'Kunden-ID' }])).toMatchObject({ outcome: 'Umsatz', metric: 'numeric', by: { kind: 'cell', from: 'rfm1' } });
  });

  it('guesses a KPI board: members with segments, the other table as events', () => {
    expect(guessKpis([ereignisse, kampagne], [])).toEqual({
      table: 'kampagne_test',
      key: 'Kunden-ID',
      by: { kind: 'column', column: 'Segment' },
      events: { table: 'kampagne_ereignisse', key: 'Kunden-ID', date: 'Datum', amount: 'Betrag' },
      period: 'month',
      periods: 12
    });
  });

  it('picks the control and the conversion event by name', () => {
    expect(pickControl(['Variante A', 'Kontrolle', 'Variante B'])).toBe('Kontrolle');
    expect(pickControl(['treatment', 'control'])).toBe('control');
    expect(pickControl(['B', 'C'])).toBe('B');
    expect(pickConversion(['Besuch', 'Kauf'])).toBe('Kauf');
    expect(pickConversion(['view', 'click'])).toBeUndefined();
  });
});
