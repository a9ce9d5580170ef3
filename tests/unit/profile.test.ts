import { beforeAll, describe, expect, it } from 'vitest';
import type { ColumnProfile } from '../../src/lib/engine/api';
import type { Db } from '../../src/lib/engine/db';
import { profileTable } from '../../src/lib/engine/profile';
import { openTestDb } from './helpers/db';

function column(profile: { columns: ColumnProfile[] }, name: string): ColumnProfile {
  const c = profile.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
}

describe('profileTable', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb();
    await db.exec(`
      CREATE TABLE kunden (id INTEGER, betrag DOUBLE, stadt VARCHAR, datum DATE, aktiv BOOLEAN);
      INSERT INTO kunden VALUES
        (1, 10.5, 'Berlin',  DATE '2025-01-15', true),
        (2, 20.0, 'Hamburg', DATE '2025-01-20', false),
        (3, NULL, 'Berlin',  DATE '2025-02-03', true),
        (4, 30.5, 'Hamburg', NULL,              NULL),
        (5, 10.5, 'München', DATE '2025-03-31', true),
        (6, 40.0, NULL,      DATE '2025-03-01', true);
    `);
  });

  it('profiles a small table exactly', async () => {
    const p = await profileTable(db, 'kunden');
    expect(p.table).toBe('kunden');
    expect(p.rows).toBe(6);
    expect(p.ms).toBeGreaterThanOrEqual(0);
    expect(p.columns.map((c) => c.name)).toEqual(['id', 'betrag', 'stadt', 'datum', 'aktiv']);

    expect(column(p, 'id')).toEqual({
      name: 'id',
      type: 'INTEGER',
      kind: 'number',
      nullShare: 0,
      distinct: 6,
      min: 1,
      max: 6,
      mean: 3.5,
      top: ['1', '2', '3', '4', '5'].map((value) => ({ value, count: 1 })),
      bins: [1, 2, 3, 4, 5, 6].map((x0) => ({ x0, x1: x0 + 1, count: 1 }))
    });

    const betragBins = Array.from({ length: 15 }, (_, k) => ({ x0: 10 + 2 * k, x1: 12 + 2 * k, count: 0 }));
    betragBins[0].count = 2;
    betragBins[5].count = 1;
    betragBins[10].count = 1;
    betragBins[14].count = 1;
    expect(column(p, 'betrag')).toEqual({
      name: 'betrag',
      type: 'DOUBLE',
      kind: 'number',
      nullShare: 1 / 6,
      distinct: 4,
      min: 10.5,
      max: 40,
      mean: 22.3,
      top: [
        { value: '10.5', count: 2 },
        { value: '20.0', count: 1 },
        { value: '30.5', count: 1 },
        { value: '40.0', count: 1 },
        { value: null, count: 1 }
      ],
      bins: betragBins
    });

    expect(column(p, 'stadt')).toEqual({
      name: 'stadt',
      type: 'VARCHAR',
      kind: 'string',
      nullShare: 1 / 6,
      distinct: 3,
      min: 'Berlin',
      max: 'München',
      mean: null,
      top: [
        { value: 'Berlin', count: 2 },
        { value: 'Hamburg', count: 2 },
        { value: 'München', count: 1 },
        { value: null, count: 1 }
      ],
      bins: []
    });

    const mondays = ['01-13', '01-20', '01-27', '02-03', '02-10', '02-17', '02-24', '03-03', '03-10', '03-17', '03-24', '03-31', '04-07'];
    const counts: Record<string, number> = { '01-13': 1, '01-20': 1, '02-03': 1, '02-24': 1, '03-31': 1 };
    expect(column(p, 'datum')).toEqual({
      name: 'datum',
      type: 'DATE',
      kind: 'date',
      nullShare: 1 / 6,
      distinct: 5,
      min: '2025-01-15',
      max: '2025-03-31',
      mean: null,
      top: ['2025-01-15', '2025-01-20', '2025-02-03', '2025-03-01', '2025-03-31'].map((value) => ({ value, count: 1 })),
      bins: mondays.slice(0, -1).map((d, i) => ({ x0: `2025-${d}`, x1: `2025-${mondays[i + 1]}`, count: counts[d] ?? 0 }))
    });

    expect(column(p, 'aktiv')).toEqual({
      name: 'aktiv',
      type: 'BOOLEAN',
      kind: 'boolean',
      nullShare: 1 / 6,
      distinct: 2,
      min: null,
      max: null,
      mean: null,
      top: [
        { value: 'true', count: 4 },
        { value: 'false', count: 1 },
        { value: null, count: 1 }
      ],
      bins: []
    });
  });

  it('returns plain JSON-safe values (no BigInt, no decimal words)', async () => {
    await db.exec(`
      CREATE TABLE gross AS SELECT 9007199254740993::BIGINT AS b, 12.34::DECIMAL(10,2) AS d, 170141183460469231731687303715884105727::HUGEINT AS h
      UNION ALL SELECT 1, 0.5, 0`);
    const p = await profileTable(db, 'gross');
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    expect(column(p, 'b')).toMatchObject({ kind: 'number', min: 1, max: 9007199254740992, distinct: 2 });
    expect(column(p, 'b').top).toEqual([
      { value: '1', count: 1 },
      { value: '9007199254740993', count: 1 }
    ]);
    expect(column(p, 'd')).toMatchObject({ kind: 'number', type: 'DECIMAL(10,2)', min: 0.5, max: 12.34, mean: 6.42 });
    expect(column(p, 'h')).toMatchObject({ kind: 'number', min: 0, max: 1.7014118346046923e38 });
  });

  it('quotes table and column names with quotes, spaces, umlauts and keywords', async () => {
    await db.exec(`CREATE TABLE "Sonder ""Fälle"" 2025" ("Straße ""alt""" VARCHAR, "select" INTEGER, "Umsatz in €" DOUBLE, "from" DATE);
      INSERT INTO "Sonder ""Fälle"" 2025" VALUES ('a''b', 1, 2.5, DATE '2025-01-01'), ('a''b', 2, 3.5, DATE '2025-01-02');`);
    const p = await profileTable(db, 'Sonder "Fälle" 2025');
    expect(p.rows).toBe(2);
    expect(p.columns.map((c) => c.name)).toEqual(['Straße "alt"', 'select', 'Umsatz in €', 'from']);
    expect(column(p, 'Straße "alt"').top).toEqual([{ value: "a'b", count: 2 }]);
    expect(column(p, 'select')).toMatchObject({ min: 1, max: 2, mean: 1.5, distinct: 2 });
    expect(column(p, 'Umsatz in €')).toMatchObject({ min: 2.5, max: 3.5 });
    expect(column(p, 'from')).toMatchObject({ min: '2025-01-01', max: '2025-01-02' });
  });

  it('profiles an empty table', async () => {
    await db.exec('CREATE TABLE leer (a INTEGER, b VARCHAR, c TIMESTAMP, d BOOLEAN)');
    const p = await profileTable(db, 'leer');
    expect(p.rows).toBe(0);
    for (const c of p.columns) {
      expect(c).toMatchObject({ nullShare: 0, distinct: 0, min: null, max: null, mean: null, top: [], bins: [] });
    }
  });

  it('profiles an all-NULL column', async () => {
    await db.exec('CREATE TABLE nullen AS SELECT NULL::DOUBLE AS x, NULL::VARCHAR AS s, NULL::DATE AS d FROM range(3)');
    const p = await profileTable(db, 'nullen');
    for (const c of p.columns) {
      expect(c).toMatchObject({ nullShare: 1, distinct: 0, min: null, max: null, mean: null, top: [{ value: null, count: 3 }], bins: [] });
    }
  });

  it('puts a single distinct value into one bin', async () => {
    await db.exec(`CREATE TABLE gleich AS SELECT 7 AS i, 2.5::DOUBLE AS f, DATE '2025-06-01' AS d, TIMESTAMP '2025-06-01 10:30:00' AS t FROM range(4)`);
    const p = await profileTable(db, 'gleich');
    expect(column(p, 'i').bins).toEqual([{ x0: 7, x1: 8, count: 4 }]);
    expect(column(p, 'f').bins).toEqual([{ x0: 2.5, x1: 2.7, count: 4 }]);
    expect(column(p, 'd').bins).toEqual([{ x0: '2025-06-01', x1: '2025-06-02', count: 4 }]);
    expect(column(p, 't').bins).toEqual([{ x0: '2025-06-01T00:00:00', x1: '2025-06-02T00:00:00', count: 4 }]);
    expect(column(p, 'i')).toMatchObject({ distinct: 1, min: 7, max: 7, mean: 7 });
  });

  it('leaves NaN and Infinity out of min, max, mean and bins and counts them', async () => {
    await db.exec(`CREATE TABLE schraeg AS SELECT * FROM (VALUES (1.0::DOUBLE), ('nan'::DOUBLE), ('inf'::DOUBLE), ('-inf'::DOUBLE), (3.0), (NULL)) v(x)`);
    const p = await profileTable(db, 'schraeg');
    const x = column(p, 'x');
    expect(x).toMatchObject({ min: 1, max: 3, mean: 2, nonFinite: 3, nullShare: 1 / 6, distinct: 5 });
    expect(x.bins.reduce((s, b) => s + b.count, 0)).toBe(2);
    expect(x.bins[0]).toEqual({ x0: 1, x1: 1.1, count: 1 });
    expect(x.bins.at(-1)).toEqual({ x0: 2.9, x1: 3, count: 1 });
    expect(x.top.map((t) => t.value)).toEqual(['-inf', '1.0', '3.0', 'inf', 'nan']);
  });

  it('bins timestamps by a calendar unit', async () => {
    await db.exec(`CREATE TABLE zeiten AS SELECT TIMESTAMP '2024-01-01 00:00:00' + to_days(d) AS t FROM range(0, 366, 3) r(d)`);
    const p = await profileTable(db, 'zeiten');
    const t = column(p, 't');
    expect(t).toMatchObject({ kind: 'date', min: '2024-01-01T00:00:00', max: '2024-12-29T00:00:00', mean: null });
    expect(t.bins).toHaveLength(12);
    expect(t.bins[0]).toEqual({ x0: '2024-01-01T00:00:00', x1: '2024-02-01T00:00:00', count: 11 });
    expect(t.bins.at(-1)).toMatchObject({ x0: '2024-12-01T00:00:00', x1: '2025-01-01T00:00:00' });
    expect(t.bins.reduce((s, b) => s + b.count, 0)).toBe(122);
  });

  it('truncates very long strings to 80 characters for display', async () => {
    await db.exec(`CREATE TABLE lang AS SELECT repeat('ä', 500) AS s UNION ALL SELECT repeat('b', 80)`);
    const p = await profileTable(db, 'lang');
    const s = column(p, 's');
    expect(s.top).toEqual([
      { value: 'b'.repeat(80), count: 1 },
      { value: 'ä'.repeat(79) + '…', count: 1 }
    ]);
    expect(s.max).toBe('ä'.repeat(79) + '…');
    expect(s.min).toBe('b'.repeat(80));
  });

  it('profiles lists and other types through their text form', async () => {
    await db.exec(`CREATE TABLE andere AS SELECT [1, 2] AS l, TIME '10:00:00' AS z UNION ALL SELECT [1, 2], TIME '11:00:00' UNION ALL SELECT NULL, NULL`);
    const p = await profileTable(db, 'andere');
    expect(column(p, 'l')).toMatchObject({ kind: 'other', distinct: 1, top: [{ value: '[1, 2]', count: 2 }, { value: null, count: 1 }], bins: [] });
    expect(column(p, 'z')).toMatchObject({ kind: 'other', distinct: 2, min: null });
  });

  it('flags personal data by German column names and by values', async () => {
    const found = (matched: number, sampled: number, example: unknown) => ({ matched, sampled, example });
    await db.exec(`
      CREATE TABLE personen ("E-Mail" VARCHAR, "Telefon" VARCHAR, "IBAN" VARCHAR, "Straße" VARCHAR, "Geburtsdatum" DATE,
        "Vorname" VARCHAR, "Kontakt" VARCHAR, "PLZ" VARCHAR, "Produktname" VARCHAR, "Firma" VARCHAR, "Umsatz" DOUBLE);
      INSERT INTO personen VALUES
        ('anna@example.de',  '+49 30 1234567', 'DE89 3704 0044 0532 0130 00', 'Hauptstraße 12', DATE '1980-02-01', 'Anna',  'a@kunde.de', '10115', 'Kaffee 500 g', 'Muster GmbH', 12.5),
        ('bernd@example.de', '0171-1234567',   'DE44 5001 0517 5407 3249 31', 'Lindenweg 3a',   DATE '1975-07-12', 'Bernd', 'b@kunde.de', '20095', 'Tee',          'Beispiel AG', 7.0),
        ('clara@example.de', '030/987654',     'GB82 WEST 1234 5698 7654 32', 'Main St 5',      DATE '1990-11-30', 'Clara', 'c@kunde.de', '80331', 'Milch 1 l',    'Acme KG',     3.2),
        ('dora@example.de',  '+49 89 7654321', 'AT61 1904 3002 3457 3201',    'Am Ring 7',      NULL,              'Dora',  'd@kunde.de', '50667', 'Zucker',       'Foo OHG',     1.0);
    `);
    const p = await profileTable(db, 'personen');
    const pii = Object.fromEntries(p.columns.map((c) => [c.name, c.pii]));
    expect(pii).toEqual({
      'E-Mail': { kind: 'email', evidence: 'column name "E-Mail" and 4 of 4 sampled values look like e-mail addresses', ...found(4, 4, expect.stringMatching(/^[abcd]•••@•••\.de$/)) },
      Telefon: { kind: 'phone', evidence: 'column name "Telefon" and 4 of 4 sampled values look like phone numbers', ...found(4, 4, expect.stringMatching(/^(\+49|017|030)•••\d\d$/)) },
      IBAN: { kind: 'iban', evidence: 'column name "IBAN" and 4 of 4 sampled values look like IBANs with a valid checksum', ...found(4, 4, expect.stringMatching(/^(DE|GB|AT)•••\d\d$/)) },
      Straße: { kind: 'street', evidence: 'column name "Straße" and 4 of 4 sampled values look like street addresses', ...found(4, 4, expect.stringMatching(/^[HLMA]•••$/)) },
      Geburtsdatum: { kind: 'birthdate', evidence: 'column name "Geburtsdatum"', quasi: true },
      Vorname: { kind: 'name', evidence: 'column name "Vorname"', sampled: 4, example: expect.stringMatching(/^[ABCD]•••$/) },
      Kontakt: { kind: 'email', evidence: '4 of 4 sampled values look like e-mail addresses', ...found(4, 4, expect.stringMatching(/^[abcd]•••@•••\.de$/)) },
      PLZ: { kind: 'postcode', evidence: 'column name "PLZ"', quasi: true, sampled: 4, example: expect.stringMatching(/^[1258]•••$/) },
      Produktname: undefined,
      Firma: undefined,
      Umsatz: undefined
    });
  });

  it('samples at most 200 values of a large text column', async () => {
    await db.exec(`CREATE TABLE viele AS SELECT CASE WHEN r % 10 = 0 THEN 'keine Angabe' ELSE 'kunde' || r || '@example.com' END AS kontakt FROM range(5000) t(r)`);
    const p = await profileTable(db, 'viele');
    const evidence = column(p, 'kontakt').pii?.evidence ?? '';
    const m = /^(\d+) of (\d+) sampled values look like e-mail addresses$/.exec(evidence);
    expect(m, evidence).not.toBeNull();
    expect(Number(m![2])).toBe(200);
    expect(Number(m![1])).toBeGreaterThan(150);
    expect(Number(m![1])).toBeLessThan(200);
    const again = await profileTable(db, 'viele');
    expect(column(again, 'kontakt').pii).toEqual(column(p, 'kontakt').pii);
  });

  it('rejects an unknown table with a bind error', async () => {
    await expect(profileTable(db, 'gibt_es_nicht')).rejects.toMatchObject({ code: 'SQL_BIND' });
  });
});
