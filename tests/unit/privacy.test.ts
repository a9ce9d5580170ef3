// Issue 8, point 2: personal data in exports, pseudonyms, notebook files without data rows.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskValue } from '../../src/lib/analysis/pii';
import type { Engine } from '../../src/lib/engine/engine';
import { exportCsv } from '../../src/lib/engine/export';
import { personalColumns, personalExport, personalMarks, type RowsFn } from '../../src/lib/analysis/personal';
import { runNotebook } from '../../src/lib/engine/run-notebook';
import { emptyNotebook, type Notebook } from '../../src/lib/notebook/model';
import { serializeNotebook } from '../../src/lib/notebook/serialize';
import { parseNotebook } from '../../src/lib/notebook/validate';
import { dropStatements, userObjectsQuery, type DbObject } from '../../src/lib/sql/drop-all';
import { personalExportQuery, pseudonymSql } from '../../src/lib/sql/personal-export';
import { lit, sql, SqlFragment } from '../../src/lib/sql/quote';
import { newSalt } from '../../src/lib/ui/privacy/personal.svelte';
import { describeRequest } from '../../src/lib/ui/privacy/requests.svelte';
import { file, openTestEngine } from './helpers/db';

const FIXTURE = path.resolve(__dirname, '../fixtures/privacy/kontakte.csv');
const SALT = 'c0ffee-Grüße';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

let engine: Engine;
let rows: RowsFn;
/** The fixture's rows as written (text), by column. */
const CSV = readFileSync(FIXTURE, 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split(';'));
const HEADER = CSV[0];
const DATA = CSV.slice(1);
const values = (column: string) => DATA.map((r) => r[HEADER.indexOf(column)]);

async function csvOf(query: SqlFragment): Promise<string[][]> {
  const { bytes } = await exportCsv(engine.db, { sql: String(query) });
  return new TextDecoder()
    .decode(bytes)
    .trim()
    .split('\n')
    .map((l) => l.split(','));
}

beforeAll(async () => {
  engine = await openTestEngine();
  rows = (q) => engine.db.rows(q);
  await engine.load(file('kontakte.csv', readFileSync(FIXTURE)), { table: 'kontakte' });
});
afterAll(async () => {
  await engine.db.close();
});

describe('personalColumns(rows, table, marks)', () => {
  it('flags e-mail (by values), phone and IBAN with evidence, and lets marks overrule detection', async () => {
    const detected = await personalColumns(rows, 'kontakte', {});
    expect(detected.filter((c) => c.personal).map((c) => [c.name, c.pii?.kind])).toEqual([
      ['Kontakt', 'email'],
      ['Telefon', 'phone'],
      ['IBAN', 'iban']
    ]);
    expect(detected.find((c) => c.name === 'Kontakt')?.pii).toMatchObject({ matched: 6, sampled: 6, evidence: '6 of 6 sampled values look like e-mail addresses' });
    expect(detected.find((c) => c.name === 'Kontakt')?.pii?.example).toMatch(/^[a-zü]•••@•••\.(de|com|org)$/);
    const marked = await personalColumns(rows, 'kontakte', { Telefon: false, Ort: true });
    expect(marked.filter((c) => c.personal).map((c) => c.name)).toEqual(['Kontakt', 'IBAN', 'Ort']);
    expect(marked.find((c) => c.name === 'Telefon')).toMatchObject({ mark: false, personal: false, pii: { kind: 'phone' } });
  });
});

describe('personalMarks(sources)', () => {
  it('merges marks by column name; a personal mark in any source wins', () => {
    expect(personalMarks([{ personal: { A: false, B: true } }, { personal: { A: true, C: false } }, {}])).toEqual({ A: true, B: true, C: false });
  });
});

describe('personalExportQuery(options)', () => {
  it('leaves personal columns out by default and keeps the column order', async () => {
    const out = await csvOf(await personalExport(rows, 'kontakte', {}));
    expect(out[0]).toEqual(['Kundennummer', 'Ort', 'Umsatz']);
    const text = out.flat().join('\n');
    for (const column of ['Kontakt', 'Telefon', 'IBAN']) for (const v of values(column)) expect(text).not.toContain(v.split(' ')[0]);
  });

  it('includes only the columns this export opts in to', async () => {
    const out = await csvOf(await personalExport(rows, 'kontakte', {}, { include: ['Kontakt'] }));
    expect(out[0]).toEqual(['Kundennummer', 'Kontakt', 'Ort', 'Umsatz']);
    expect(out.slice(1).map((r) => r[1])).toEqual(values('Kontakt'));
  });

  it("pseudonymises with DuckDB's sha256(salt || value), equal to Node's sha256 over UTF-8, umlauts included", async () => {
    const out = await csvOf(await personalExport(rows, 'kontakte', {}, { include: ['Telefon'], salt: SALT }));
    expect(out[0]).toEqual(HEADER);
    const col = (name: string) => out.slice(1).map((r) => r[HEADER.indexOf(name)]);
    expect(col('Kontakt')).toEqual(values('Kontakt').map((v) => sha256(SALT + v)));
    expect(values('Kontakt').some((v) => /[äöüß]/.test(v))).toBe(true);
    expect(col('IBAN')).toEqual(values('IBAN').map((v) => sha256(SALT + v)));
    // Included as it is, except that a value Excel would run as a formula (+49 …) gets a leading '.
    expect(col('Telefon')).toEqual(values('Telefon').map((v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)));
    expect(col('Telefon')).toContain("'+49 30 1234567");
  });

  it('hashes umlauts, ß, emoji and NULL like Node', async () => {
    const inputs = ['Jürgen Schäfer', 'Straße 1', 'ÄÖÜäöüß', '👩‍💻 dev', ''];
    for (const v of inputs) {
      const [{ h }] = await engine.db.rows<{ h: string }>(String(sql`SELECT ${pseudonymSql(lit(v), SALT)} AS h`));
      expect(h, v).toBe(sha256(SALT + v));
    }
    const [{ h }] = await engine.db.rows<{ h: string | null }>(String(sql`SELECT ${pseudonymSql(lit(null), SALT)} AS h`));
    expect(h).toBeNull();
  });

  it('is SELECT * without personal columns, exports from a subquery, and refuses to export nothing', () => {
    expect(String(personalExportQuery({ from: 't', columns: ['a'], personal: [] }))).toBe('SELECT * FROM "t"');
    expect(String(personalExportQuery({ from: 't', columns: ['a', 'b"c'], personal: ['b"c'] }))).toBe('SELECT * EXCLUDE ("b""c") FROM "t"');
    expect(String(personalExportQuery({ from: new SqlFragment('SELECT 1 AS a, 2 AS b'), columns: ['a', 'b'], personal: ['b'] }))).toBe(
      'SELECT * EXCLUDE ("b") FROM (SELECT 1 AS a, 2 AS b) AS "export"'
    );
    expect(() => personalExportQuery({ from: 't', columns: ['a'], personal: ['a'] })).toThrow('Every column');
  });
});

describe('serializeNotebook(notebook) after loading personal data', () => {
  it('writes SQL, settings and marks but no value of the data', async () => {
    const nb: Notebook = {
      ...emptyNotebook('Kontakte'),
      settings: { locale: 'de', pseudonymSalt: newSalt() },
      sources: [{ name: 'kontakte', path: 'kontakte.csv', personal: { Ort: true, Telefon: false } }],
      cells: [
        { id: 'all', kind: 'sql', name: 'alle', sql: 'SELECT * FROM kontakte' },
        { id: 'top', kind: 'sql', sql: 'SELECT "Kontakt", "Umsatz" FROM alle ORDER BY "Umsatz" DESC LIMIT 3' }
      ]
    };
    const run = await runNotebook(engine, nb, { openSource: () => file('kontakte.csv', readFileSync(FIXTURE)) });
    expect(run.ok).toBe(true);
    const text = serializeNotebook(nb);
    for (const row of DATA) for (const v of row) if (!HEADER.includes(v)) expect(text, v).not.toContain(v);
    const parsed = parseNotebook(text);
    expect(parsed.ok && parsed.notebook.sources[0].personal).toEqual({ Ort: true, Telefon: false });
    expect(parsed.ok && parsed.notebook.settings?.pseudonymSalt).toMatch(/^[0-9a-f]{64}$/);
    expect(serializeNotebook(parsed.ok ? parsed.notebook : nb)).toBe(text);
  });

  it('refuses marks that are not booleans and an empty salt', () => {
    const bad = parseNotebook(
      JSON.stringify({ ...emptyNotebook('x'), settings: { pseudonymSalt: ' ' }, sources: [{ name: 'k', path: 'k.csv', personal: { a: 'yes' } }] })
    );
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(['sources[0].personal.a', 'settings.pseudonymSalt']);
  });
});

describe('newSalt(random)', () => {
  it('gives 64 hex digits from 32 random bytes, different each time', () => {
    expect(newSalt(() => new Uint8Array(32).fill(171))).toBe('ab'.repeat(32));
    const a = newSalt();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(newSalt()).not.toBe(a);
  });
});

describe('maskValue(value, kind)', () => {
  it('keeps the shape, not the person', () => {
    expect(maskValue('max.mustermann@firma.de', 'email')).toBe('m•••@•••.de');
    expect(maskValue('+49 30 1234567', 'phone')).toBe('+49•••67');
    expect(maskValue('DE89 3704 0044 0532 0130 00', 'iban')).toBe('DE•••00');
    expect(maskValue('192.168.0.1', 'ip')).toBe('192.•••');
    expect(maskValue('Jürgen', 'name')).toBe('J•••');
  });
});

describe('describeRequest(url, type, pageOrigin)', () => {
  const origin = 'http://127.0.0.1:4341';
  it('marks same-origin, data: and blob: addresses as local and others as not', () => {
    expect(describeRequest(`${origin}/_app/x.js?v=1`, 'script', origin)).toEqual({
      url: `${origin}/_app/x.js?v=1`,
      origin,
      label: '/_app/x.js?v=1',
      type: 'script',
      sameOrigin: true
    });
    expect(describeRequest('data:image/png;base64,AAAA', 'img', origin)).toMatchObject({ origin: 'data', sameOrigin: true });
    expect(describeRequest('https://cdn.example.com/lib.js', 'script', origin)).toMatchObject({ origin: 'https://cdn.example.com', sameOrigin: false });
  });
});

describe('dropStatements(objects)', () => {
  it('drops every user table and view, temp ones included', async () => {
    await engine.db.exec('CREATE TABLE "we""ird" AS SELECT 1 AS a; CREATE VIEW v AS SELECT * FROM kontakte; CREATE TEMP VIEW tv AS SELECT 1');
    const before = await engine.db.rows<DbObject>(String(userObjectsQuery()));
    expect(before.map((o) => o.name)).toEqual(expect.arrayContaining(['we"ird', 'v', 'tv', 'kontakte']));
    for (const statement of dropStatements(before)) await engine.db.exec(statement);
    expect(await engine.db.rows(String(userObjectsQuery()))).toEqual([]);
  });
});
