import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { BEHAVIOUR_MEASURES, BEHAVIOUR_OPS, CONDITION_OPS, KPI_KINDS, type Rule, type SegmentCell } from '../../src/lib/notebook/model';
import { readNotebook } from '../../src/lib/notebook/validate';
import { makeSamples } from '../../scripts/make-samples';
import { ident, join, lit, sql } from '../../src/lib/sql/quote';
import { file, openTestEngine } from './helpers/db';

const SAMPLES = path.resolve(__dirname, '../../static/samples');
const text = (...names: string[]) => Object.fromEntries(names.map((n) => [n, 'VARCHAR']));
const read = (name: string) => new Uint8Array(readFileSync(path.join(SAMPLES, name)));

describe('makeSamples', () => {
  it('builds exactly the bytes of every file in static/samples', () => {
    const built = makeSamples();
    expect([...built.keys()].sort()).toEqual([
      'aktivitaeten.csv',
      'bestellungen.csv',
      'campaign.notebook.json',
      'churn.notebook.json',
      'firmen.csv',
      'kunden.csv',
      'leads.notebook.json',
      'lookalikes.notebook.json',
      'retail.notebook.json',
      'segments.notebook.json',
      'survey.notebook.json',
      'umfrage.csv',
      'value.notebook.json'
    ]);
    for (const [name, content] of built) {
      const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
      expect(Buffer.from(bytes).equals(Buffer.from(read(name))), name).toBe(true);
    }
  });
});

describe('segments.notebook.json', () => {
  const notebook = readNotebook(readFileSync(path.join(SAMPLES, 'segments.notebook.json'), 'utf8'));
  const segments = notebook.cells.filter((c): c is SegmentCell => c.kind === 'segment');
  const nodes: Rule[] = [];
  const walk = (r: Rule) => {
    nodes.push(r);
    if (r.type === 'group') r.rules.forEach(walk);
    if (r.type === 'behaviour' && r.where) walk(r.where);
  };
  for (const cell of segments) for (const d of cell.segments) if (d.rule) walk(d.rule);
  const behaviours = nodes.flatMap((r) => (r.type === 'behaviour' ? [r] : []));
  const groups = nodes.flatMap((r) => (r.type === 'group' ? [r] : []));

  it('uses every column operator, behaviour measure, comparison, window and KPI kind', () => {
    expect(new Set(nodes.flatMap((r) => (r.type === 'condition' ? [r.op] : [])))).toEqual(new Set(CONDITION_OPS));
    expect(new Set(behaviours.map((b) => b.measure))).toEqual(new Set(BEHAVIOUR_MEASURES));
    expect(new Set(behaviours.flatMap((b) => (b.op ? [b.op] : [])))).toEqual(new Set(BEHAVIOUR_OPS));
    expect(new Set(behaviours.map((b) => b.window?.kind ?? 'all'))).toEqual(new Set(['all', 'last_days', 'this_year', 'between']));
    expect(new Set(segments.flatMap((c) => (c.kpis ?? []).map((k) => k.kind)))).toEqual(new Set(KPI_KINDS));
  });

  it('has AND, OR and NOT groups, a plain-SQL segment, both kinds of segment cell and a chart of one', () => {
    expect(new Set(groups.map((g) => (g.not ? 'not' : g.op)))).toEqual(new Set(['and', 'or', 'not']));
    expect(segments.some((c) => c.segments.some((d) => d.where !== undefined))).toBe(true);
    expect(new Set(segments.map((c) => c.exclusive))).toEqual(new Set([true, false]));
    expect(new Set(segments.map((c) => c.table))).toEqual(new Set(['kunden_kpi', 'befragte', 'firmen']));
    expect(segments.some((c) => c.compareWith) && segments.some((c) => c.profileColumns?.length)).toBe(true);
    const charted = notebook.cells.flatMap((c) => (c.kind === 'chart' ? [c.from] : []));
    expect(charted.filter((id) => segments.some((c) => c.id === id)).length).toBeGreaterThanOrEqual(1);
    expect(notebook.settings).toMatchObject({ locale: 'de', referenceDate: '2025-12-31' });
  });
});

describe('B2B and survey samples', () => {
  let engine: Engine;
  const types: Record<string, Record<string, string>> = {};
  const rows = <T = Record<string, unknown>>(text: string) => engine.db.rows<T>(text);
  const one = async (text: string) => Object.values((await rows(text))[0])[0];

  beforeAll(async () => {
    engine = await openTestEngine();
    for (const name of ['firmen', 'aktivitaeten', 'umfrage', 'kunden']) {
      const info = await engine.load(file(`${name}.csv`, read(`${name}.csv`)));
      expect(info.name).toBe(name);
      expect(info.warnings.map((w) => w.text)).toContain('Read as Windows-1252 (not valid UTF-8).');
      types[name] = Object.fromEntries(info.columns.map((c) => [c.name, c.type]));
    }
  });
  afterAll(async () => {
    await engine.db.close();
  });

  it('loads firmen.csv with German numbers, dates, booleans and postcodes as text', async () => {
    expect(await one('SELECT count(*) FROM firmen')).toBe(1500);
    expect(types.firmen).toEqual({
      ...text('Firmennummer', 'Firma', 'Branche', 'Land', 'Bundesland/Kanton', 'Ort', 'PLZ', 'Quelle'),
      Mitarbeiter: 'BIGINT',
      Jahresumsatz: 'DOUBLE',
      'Kunde seit': 'DATE',
      Gewonnen: 'BOOLEAN'
    });
    expect(await one('SELECT count(DISTINCT Firmennummer) = count(*) AND count(DISTINCT Firma) = count(*) FROM firmen')).toBe(true);
    expect(await one(`SELECT count(*) FROM firmen WHERE Land NOT IN ('DE', 'AT', 'CH') OR length(PLZ) <> CASE Land WHEN 'DE' THEN 5 ELSE 4 END`)).toBe(0);
    expect(await one('SELECT count(*) FROM firmen WHERE Gewonnen <> ("Kunde seit" IS NOT NULL)')).toBe(0);
    expect(await one('SELECT min(Mitarbeiter) >= 1 AND median(Mitarbeiter) < avg(Mitarbeiter) / 2 FROM firmen')).toBe(true);
    expect(await one('SELECT min(Jahresumsatz) > 0 AND count(Jahresumsatz) < count(*) FROM firmen')).toBe(true);
  });

  it('loads aktivitaeten.csv with dates in 2024–2025 and amounts only for purchases', async () => {
    expect(await one('SELECT count(*) FROM aktivitaeten')).toBe(20000);
    expect(types.aktivitaeten).toEqual({ ...text('Firmennummer', 'Typ', 'Kanal', 'Gerät', 'Browser'), Datum: 'DATE', Betrag: 'DOUBLE' });
    expect(await rows('SELECT min(Datum) AS lo, max(Datum) AS hi FROM aktivitaeten')).toEqual([{ lo: '2024-01-01', hi: '2025-12-31' }]);
    expect((await rows<{ Typ: string }>('SELECT DISTINCT Typ FROM aktivitaeten ORDER BY Typ')).map((r) => r.Typ)).toEqual([
      'Angebot',
      'Demo',
      'Kauf',
      'Webinar',
      'Website-Besuch',
      'Whitepaper'
    ]);
    expect(await one(`SELECT count(*) FROM aktivitaeten WHERE (Typ = 'Kauf') <> (Betrag IS NOT NULL)`)).toBe(0);
    expect(await one(`SELECT count(*) FROM aktivitaeten WHERE "Gerät" NOT IN ('Desktop', 'Smartphone', 'Tablet', 'App')`)).toBe(0);
    expect(await one('SELECT count(*) FROM aktivitaeten a ANTI JOIN firmen f USING (Firmennummer)')).toBe(0);
    expect(
      await one(`SELECT count(*) FROM aktivitaeten a JOIN firmen f USING (Firmennummer) WHERE a.Typ = 'Kauf' AND (NOT f.Gewonnen OR a.Datum < f."Kunde seit")`)
    ).toBe(0);
  });

  it('loads umfrage.csv: Likert answers 1–5 of distinct existing customers', async () => {
    expect(await one('SELECT count(*) FROM umfrage')).toBe(800);
    const likert = ['Preis wichtig', 'Nachhaltigkeit wichtig', 'Schnelle Lieferung wichtig', 'Beratung wichtig', 'Qualität wichtig'];
    expect(types.umfrage).toEqual({ ...text('Kundennummer', 'Familienstand', 'Interessen'), ...Object.fromEntries(likert.map((c) => [c, 'BIGINT'])) });
    const outside = join(likert.map((c) => sql`coalesce(${ident(c)} NOT BETWEEN 1 AND 5, true)`), ' OR ');
    expect(await one(String(sql`SELECT count(*) FROM umfrage WHERE ${outside}`))).toBe(0);
    expect(await one('SELECT count(DISTINCT Kundennummer) FROM umfrage u SEMI JOIN kunden k USING (Kundennummer)')).toBe(800);
  });

  it('decodes umlauts and ß in names and values', async () => {
    const has = async (table: string, column: string, value: string) =>
      one(String(sql`SELECT count(*) > 0 FROM ${ident(table)} WHERE ${ident(column)} = ${lit(value)}`));
    expect(await has('firmen', 'Ort', 'München')).toBe(true);
    expect(await has('firmen', 'Ort', 'Zürich')).toBe(true);
    expect(await has('firmen', 'Bundesland/Kanton', 'Kärnten')).toBe(true);
    expect(await has('firmen', 'Branche', 'Großhandel')).toBe(true);
    expect(await has('aktivitaeten', 'Kanal', 'Außendienst')).toBe(true);
  });

  it('plants a won profile: industry, size and source matter, and won accounts saw more demos and offers', async () => {
    const byIndustry = await rows<{ lo: number; hi: number }>(
      'SELECT min(won) AS lo, max(won) AS hi FROM (SELECT avg(Gewonnen::INT) AS won FROM firmen GROUP BY Branche HAVING count(*) >= 40)'
    );
    expect(byIndustry[0].hi - byIndustry[0].lo).toBeGreaterThan(0.3);
    const bySize = await rows<{ small: number; mid: number }>(
      'SELECT avg(Gewonnen::INT) FILTER (Mitarbeiter < 10) AS small, avg(Gewonnen::INT) FILTER (Mitarbeiter BETWEEN 50 AND 999) AS mid FROM firmen'
    );
    expect(bySize[0].mid).toBeGreaterThan(3 * bySize[0].small);
    const bySource = await rows<{ referral: number; cold: number }>(
      `SELECT avg(Gewonnen::INT) FILTER (Quelle = 'Empfehlung') AS referral, avg(Gewonnen::INT) FILTER (Quelle = 'Kaltakquise') AS cold FROM firmen`
    );
    expect(bySource[0].referral).toBeGreaterThan(2 * bySource[0].cold);
    const funnel = await rows<{ won: number; prospect: number }>(`
      WITH per AS (
        SELECT f.Gewonnen, count(a.Typ) FILTER (a.Typ IN ('Demo', 'Angebot')) AS n
        FROM firmen f LEFT JOIN aktivitaeten a USING (Firmennummer) GROUP BY f.Firmennummer, f.Gewonnen)
      SELECT avg(n) FILTER (Gewonnen) AS won, avg(n) FILTER (NOT Gewonnen) AS prospect FROM per`);
    expect(funnel[0].won).toBeGreaterThan(3 * funnel[0].prospect);
  });

  it('plants lookalikes: prospects in industries that are often won see more demos and offers', async () => {
    const [r] = await rows<{ often: number; rarely: number }>(`
      WITH industry AS (SELECT Branche, avg(Gewonnen::INT) > (SELECT avg(Gewonnen::INT) FROM firmen) AS often FROM firmen GROUP BY Branche),
      per AS (
        SELECT i.often, count(a.Typ) FILTER (a.Typ IN ('Demo', 'Angebot')) AS n
        FROM firmen f JOIN industry i USING (Branche) LEFT JOIN aktivitaeten a USING (Firmennummer)
        WHERE NOT f.Gewonnen GROUP BY f.Firmennummer, i.often)
      SELECT avg(n) FILTER (often) AS often, avg(n) FILTER (NOT often) AS rarely FROM per`);
    expect(r.often).toBeGreaterThan(1.5 * r.rarely);
  });

  it('has accounts without activity and accounts active in the last month', async () => {
    const [r] = await rows<{ silent: number; recent: number }>(`
      SELECT count(*) FILTER (n = 0) AS silent, count(*) FILTER (latest >= DATE '2025-12-01') AS recent
      FROM (SELECT f.Firmennummer, count(a.Typ) AS n, max(a.Datum) AS latest FROM firmen f LEFT JOIN aktivitaeten a USING (Firmennummer) GROUP BY 1)`);
    expect(r.silent).toBeGreaterThan(0.05 * 1500);
    expect(r.silent).toBeLessThan(0.3 * 1500);
    expect(r.recent).toBeGreaterThan(100);
  });

  it('plants needs profiles in the survey: price against sustainability and quality, delivery against advice', async () => {
    const [r] = await rows<{ pn: number; nq: number; lb: number }>(`
      SELECT corr("Preis wichtig", "Nachhaltigkeit wichtig") AS pn, corr("Nachhaltigkeit wichtig", "Qualität wichtig") AS nq,
        corr("Schnelle Lieferung wichtig", "Beratung wichtig") AS lb FROM umfrage`);
    expect(r.pn).toBeLessThan(-0.3);
    expect(r.nq).toBeGreaterThan(0.3);
    expect(r.lb).toBeLessThan(-0.3);
  });
});
