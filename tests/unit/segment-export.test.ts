import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeDb } from '../../src/lib/engine/db-native';
import type { Engine } from '../../src/lib/engine/engine';
import { exportCsv } from '../../src/lib/engine/export';
import { ident, join, lit, sql, SqlFragment } from '../../src/lib/sql/quote';
import {
  aggregateExportQuery,
  membershipExportQuery,
  neutralizeText,
  type ExportColumn,
  type MembershipExport
} from '../../src/lib/sql/segment-export';
import { file, openTestEngine } from './helpers/db';

const EVIL_HEADER = '=HYPERLINK("http://x.example";"klick")';
const SQL_HEADER = 'a"; DROP TABLE members; --';
const EVIL_SEGMENT = '=Böse;"x"';

interface Member {
  Kundennummer: string;
  segment: string;
  tags: string;
  Name: string | null;
  'E-Mail': string | null;
  Telefon: string | null;
  Notiz: string | null;
  Saldo: number;
  Umsatz: number | null;
  Seit: string;
  [EVIL_HEADER]: string;
  [SQL_HEADER]: number;
}

/** Notes that a spreadsheet would run as formulas, and what the export must write instead. */
const HOSTILE: Record<string, string> = {
  '=1+1': "'=1+1",
  '+49 170 1234567': "'+49 170 1234567",
  '-5': "'-5",
  '@SUM(A1:A2)': "'@SUM(A1:A2)",
  '\tTab': "'\tTab",
  '\rCR': "'\rCR",
  '=HYPERLINK("http://x.example";"klick")': '\'=HYPERLINK("http://x.example";"klick")'
};
const HARMLESS = ['Grüße aus Köln', 'Straße; "zitiert"\nZeile 2', 'a-5', ' =1', ''];

function member(i: number, segment: string, note: string | null): Member {
  return {
    Kundennummer: `K${String(i).padStart(2, '0')}`,
    segment,
    tags: segment === 'Gold' ? 'crm;newsletter' : '',
    Name: i % 5 === 0 ? null : `Kundin ${i} Müller`,
    'E-Mail': i % 4 === 0 ? null : `k${i}@example.de`,
    Telefon: i % 3 === 0 ? null : `+49 170 ${1000000 + i}`,
    Notiz: note,
    Saldo: i % 2 === 0 ? -5 : i,
    Umsatz: i % 7 === 0 ? null : i * 10.5,
    Seit: new Date(Date.UTC(2024, 0, i)).toISOString().slice(0, 10),
    [EVIL_HEADER]: '-x',
    [SQL_HEADER]: i
  };
}

const notes = [...Object.keys(HOSTILE), ...HARMLESS, null];
const MEMBERS: Member[] = [
  ...Array.from({ length: 20 }, (_, i) => member(i + 1, 'Gold', i === 0 ? 'Stammkundin' : `Notiz ${i + 1}`)),
  ...notes.map((note, i) => member(21 + i, 'Neu', note)),
  member(1, 'Neu', 'auch Gold'),
  member(2, 'Gold', 'Dublette: K02 steht zweimal in der Kundentabelle'),
  member(40, EVIL_SEGMENT, '=2*3'),
  member(41, EVIL_SEGMENT, 'ok')
];
const COLUMNS = Object.keys(MEMBERS[0]) as (keyof Member)[];
const TYPES: Record<keyof Member, string> = {
  Kundennummer: 'VARCHAR',
  segment: 'VARCHAR',
  tags: 'VARCHAR',
  Name: 'VARCHAR',
  'E-Mail': 'VARCHAR',
  Telefon: 'VARCHAR',
  Notiz: 'VARCHAR',
  Saldo: 'INTEGER',
  Umsatz: 'DOUBLE',
  Seit: 'DATE',
  [EVIL_HEADER]: 'VARCHAR',
  [SQL_HEADER]: 'INTEGER'
};
const PII = ['Name', 'E-Mail', 'Telefon'];
const SALT = 'pfeffer-2025';

function createMembers(): SqlFragment {
  const rows = MEMBERS.map((m) => sql`(${join(COLUMNS.map((c) => lit(m[c])))})`);
  const casts = COLUMNS.map((c) => sql`CAST(${ident(c)} AS ${new SqlFragment(TYPES[c])}) AS ${ident(c)}`);
  return sql`CREATE TABLE members AS SELECT ${casts} FROM (VALUES ${join(rows, ',\n')}) t(${COLUMNS.map((c) => ident(c))})`;
}

/** Distinct members per segment, by exported (neutralised) segment name. */
function segmentSizes(): Map<string, number> {
  const keys = new Map<string, Set<string>>();
  for (const m of MEMBERS) keys.set(neutralizeText(m.segment), (keys.get(neutralizeText(m.segment)) ?? new Set()).add(m.Kundennummer));
  return new Map([...keys].map(([segment, set]) => [segment, set.size]));
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let engine: Engine;
let schema: ExportColumn[];
const rows = <T = Record<string, unknown>>(query: SqlFragment) => engine.db.rows<T>(String(query));
const base = (): MembershipExport => ({ members: 'members', schema, key: 'Kundennummer', pii: PII, minSize: 10 });

beforeAll(async () => {
  engine = await openTestEngine();
  await engine.db.exec(String(createMembers()));
  schema = (await rows<{ column_name: string; column_type: string }>(sql`DESCRIBE members`)).map((c) => ({ name: c.column_name, type: c.column_type }));
});
afterAll(async () => {
  await engine.db.close();
});

describe('membershipExportQuery', () => {
  it('exports the key, segment, tags, the chosen columns and small_segment, ordered by segment and key', async () => {
    const out = await rows(membershipExportQuery({ ...base(), columns: ['Notiz', 'Saldo', 'Notiz', 'segment'] }));
    expect(Object.keys(out[0])).toEqual(['Kundennummer', 'segment', 'tags', 'Notiz', 'Saldo', 'small_segment']);
    expect(out).toHaveLength(MEMBERS.length);
    const order = MEMBERS.map((m) => [neutralizeText(m.segment), m.Kundennummer].join('\u0000')).sort();
    expect(out.map((r) => [r.segment, r.Kundennummer].join('\u0000'))).toEqual(order);
  });

  it('leaves personal-data columns out, even chosen ones, unless the export includes them', async () => {
    const byDefault = await rows(membershipExportQuery(base()));
    expect(Object.keys(byDefault[0])).toEqual([
      'Kundennummer',
      'segment',
      'tags',
      'Notiz',
      'Saldo',
      'Umsatz',
      'Seit',
      neutralizeText(EVIL_HEADER),
      SQL_HEADER,
      'small_segment'
    ]);
    const chosen = await rows(membershipExportQuery({ ...base(), columns: ['E-Mail', 'Saldo'] }));
    expect(Object.keys(chosen[0])).toEqual(['Kundennummer', 'segment', 'tags', 'Saldo', 'small_segment']);
    const included = await rows(membershipExportQuery({ ...base(), columns: ['E-Mail', 'Name'], include: ['E-Mail'] }));
    expect(Object.keys(included[0])).toEqual(['Kundennummer', 'segment', 'tags', 'E-Mail', 'small_segment']);
    expect(included.find((r) => r.Kundennummer === 'K02')?.['E-Mail']).toBe('k2@example.de');
  });

  it('refuses a personal key unless the export pseudonymises or includes it', async () => {
    expect(() => membershipExportQuery({ ...base(), key: 'E-Mail', columns: [] })).toThrow('the key "E-Mail" is personal data');
    const out = await rows(membershipExportQuery({ ...base(), key: 'E-Mail', columns: [], include: ['E-Mail'] }));
    expect(new Set(out.map((r) => r['E-Mail']))).toEqual(new Set(MEMBERS.map((m) => m['E-Mail'])));
  });

  it('neutralises text that starts like a formula and leaves numbers and dates alone', async () => {
    const out = await rows<Record<string, unknown>>(membershipExportQuery({ ...base(), columns: ['Notiz', 'Telefon', 'Saldo', 'Seit'], include: ['Telefon'] }));
    const neu = new Map(out.filter((r) => r.segment === 'Neu').map((r) => [r.Kundennummer, r.Notiz]));
    const inputs = MEMBERS.filter((m) => m.segment === 'Neu');
    expect(inputs.map((m) => neu.get(m.Kundennummer))).toEqual(inputs.map((m) => (m.Notiz === null ? null : (HOSTILE[m.Notiz] ?? m.Notiz))));
    expect(inputs.filter((m) => m.Notiz !== null && m.Notiz in HOSTILE)).toHaveLength(Object.keys(HOSTILE).length);
    expect(out.find((r) => r.Kundennummer === 'K02')?.Telefon).toBe("'+49 170 1000002");
    expect(out.filter((r) => r.Saldo === -5).length).toBe(MEMBERS.filter((m) => m.Saldo === -5).length);
    expect(out.find((r) => r.Kundennummer === 'K02')).toMatchObject({ Saldo: -5, Seit: '2024-01-02' });
    expect(out.filter((r) => r.segment === EVIL_SEGMENT)).toHaveLength(0);
    expect(out.filter((r) => r.segment === `'${EVIL_SEGMENT}`)).toHaveLength(2);
    const types = await rows<{ column_name: string; column_type: string }>(
      sql`DESCRIBE ${membershipExportQuery({ ...base(), columns: ['Notiz', 'Saldo', 'Umsatz', 'Seit'] })}`
    );
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toMatchObject({
      Notiz: 'VARCHAR',
      Saldo: 'INTEGER',
      Umsatz: 'DOUBLE',
      Seit: 'DATE',
      small_segment: 'BOOLEAN'
    });
  });

  it("hashes chosen personal data as Node's sha256(salt + value) in hex and keeps NULLs", async () => {
    const out = await rows<Record<string, string | null>>(membershipExportQuery({ ...base(), columns: ['Name', 'E-Mail', 'Notiz'], hashSalt: SALT }));
    expect(Object.keys(out[0])).toEqual(['Kundennummer', 'segment', 'tags', 'Name', 'E-Mail', 'Notiz', 'small_segment']);
    for (const r of out) {
      const m = MEMBERS.find((x) => x.Kundennummer === r.Kundennummer && neutralizeText(x.segment) === r.segment);
      expect(m).toBeDefined();
      expect(r.Name).toBe(m!.Name === null ? null : sha256(SALT + m!.Name));
      expect(r['E-Mail']).toBe(m!['E-Mail'] === null ? null : sha256(SALT + m!['E-Mail']));
      expect(r.Kundennummer).toBe(m!.Kundennummer);
    }
    expect(out.filter((r) => r.Name === null).length).toBe(MEMBERS.filter((m) => m.Name === null).length);
    expect(out.every((r) => r.Name === null || /^[0-9a-f]{64}$/.test(r.Name))).toBe(true);
  });

  it('hashes a personal key too, and an empty salt gives the plain sha256', async () => {
    const out = await rows<Record<string, string | number | null>>(
      membershipExportQuery({ ...base(), key: 'E-Mail', columns: ['Saldo'], hashSalt: '' })
    );
    const keys = new Set(MEMBERS.map((m) => m['E-Mail']).map((v) => (v === null ? null : sha256(v))));
    expect(new Set(out.map((r) => r['E-Mail']))).toEqual(keys);
    expect(out.find((r) => r['E-Mail'] === sha256('k2@example.de'))?.Saldo).toBe(-5);
  });

  it('flags segments with fewer than minSize distinct members', async () => {
    const sizes = segmentSizes();
    expect([...sizes.values()]).toEqual([20, 14, 2]);
    for (const minSize of [0, 2, 3, 14, 15, 20, 21]) {
      const out = await rows<{ segment: string; small_segment: boolean }>(membershipExportQuery({ ...base(), columns: [], minSize }));
      expect(out).toHaveLength(MEMBERS.length);
      expect(Object.fromEntries(out.map((r) => [r.segment, r.small_segment]))).toEqual(Object.fromEntries([...sizes].map(([s, n]) => [s, n < minSize])));
    }
  });

  it('quotes hostile column names and neutralises them in the header', async () => {
    const out = await rows(membershipExportQuery({ ...base(), columns: [EVIL_HEADER, SQL_HEADER] }));
    expect(Object.keys(out[0])).toEqual(['Kundennummer', 'segment', 'tags', `'${EVIL_HEADER}`, SQL_HEADER, 'small_segment']);
    expect(out.every((r) => r[`'${EVIL_HEADER}`] === "'-x")).toBe(true);
    expect(out.map((r) => r[SQL_HEADER]).sort()).toEqual(MEMBERS.map((m) => m[SQL_HEADER]).sort());
    expect(await rows(sql`SELECT count(*) AS n FROM members`)).toEqual([{ n: MEMBERS.length }]);
  });

  it('gives the same rows on native DuckDB', async () => {
    const native = await NativeDb.open({ threads: 1 });
    try {
      await native.exec(String(createMembers()));
      for (const query of [
        membershipExportQuery({ ...base(), columns: ['Name', 'Notiz', 'Saldo', 'Umsatz', 'Seit'], hashSalt: SALT }),
        aggregateExportQuery({ members: 'members', key: 'Kundennummer', minSize: 15, measures: [{ column: 'Umsatz' }] })
      ]) {
        expect(await native.rows(String(query))).toEqual(await rows(query));
      }
    } finally {
      await native.close();
    }
  });

  it('refuses unknown columns, a clash with small_segment and a minimum that is not a number', () => {
    expect(() => membershipExportQuery({ ...base(), columns: ['Nope'] })).toThrow('has no column "Nope"');
    expect(() => membershipExportQuery({ ...base(), key: 'id' })).toThrow('has no column "id"');
    const clash = [...schema, { name: 'small_segment', type: 'BOOLEAN' }];
    expect(() => membershipExportQuery({ ...base(), schema: clash, columns: ['small_segment'] })).toThrow('clashes');
    expect(() => membershipExportQuery({ ...base(), minSize: Number.NaN })).toThrow(/minimum segment size must be a number ≥ 0, not NaN/);
  });
});

describe('aggregateExportQuery', () => {
  const measures = [{ column: 'Umsatz' }, { column: 'Saldo', as: '-Saldo' }];
  const expected = (minSize: number) =>
    [...segmentSizes()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([segment, n]) => {
      const of = MEMBERS.filter((m) => neutralizeText(m.segment) === segment);
      const hide = n < minSize;
      return {
        segment,
        members: hide ? null : n,
        sum_Umsatz: hide ? null : of.reduce((s, m) => s + (m.Umsatz ?? 0), 0),
        "'-Saldo": hide ? null : of.reduce((s, m) => s + m.Saldo, 0),
        suppressed: hide
      };
    });

  it('counts distinct members and sums measures per segment, suppressing segments under minSize', async () => {
    for (const minSize of [0, 10, 15, 21]) {
      const out = await rows(aggregateExportQuery({ members: 'members', key: 'Kundennummer', minSize, measures }));
      expect(out).toEqual(expected(minSize));
    }
    const out = await rows<{ segment: string; suppressed: boolean }>(aggregateExportQuery({ members: 'members', key: 'Kundennummer', minSize: 15, measures }));
    expect(out.map((r) => [r.segment, r.suppressed])).toEqual([
      [`'${EVIL_SEGMENT}`, true],
      ['Gold', false],
      ['Neu', true]
    ]);
  });

  it('refuses a minimum that is not a number', () => {
    expect(() => aggregateExportQuery({ members: 'members', key: 'Kundennummer', minSize: -1 })).toThrow(/minimum segment size must be a number ≥ 0, not -1/);
  });
});

describe('exportCsv', () => {
  const tiny = sql`SELECT ${lit('a;b')} AS ${ident('x;y')}, ${lit('say "hi"')} AS q, ${lit('l1\nl2')} AS nl, ${lit('Grüße')} AS u, NULL AS n, ${lit('')} AS e, -5 AS num`;

  it('writes ; with a UTF-8 BOM and quotes delimiters, quotes, line breaks and empty text', async () => {
    const { bytes, rows: n } = await exportCsv(engine.db, { sql: String(tiny) }, { delimiter: ';', bom: true });
    expect(n).toBe(1);
    expect(Array.from(bytes.subarray(0, 3))).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.subarray(3))).toBe('"x;y";q;nl;u;n;e;num\n"a;b";"say ""hi""";"l1\nl2";Grüße;;"";-5\n');
  });

  it('keeps , without a BOM by default', async () => {
    const { bytes } = await exportCsv(engine.db, { sql: String(tiny) });
    expect(bytes[0]).toBe('x'.charCodeAt(0));
    expect(new TextDecoder().decode(bytes)).toBe('x;y,q,nl,u,n,e,num\na;b,"say ""hi""","l1\nl2",Grüße,,"",-5\n');
  });

  it('refuses other delimiters', async () => {
    await expect(exportCsv(engine.db, { sql: 'SELECT 1' }, { delimiter: '\t' as ';' })).rejects.toThrow(RangeError);
  });

  it('writes a membership export that the CSV loader reads back unchanged (empty text as NULL, as it reads any CSV)', async () => {
    const query = membershipExportQuery({ ...base(), columns: ['Name', 'Notiz', 'Saldo', 'Umsatz', 'Seit', EVIL_HEADER], include: ['Name'] });
    const { bytes } = await exportCsv(engine.db, { sql: String(query) }, { delimiter: ';', bom: true });
    const info = await engine.load(file('export.csv', bytes));
    expect(info.columns.map((c) => [c.name, c.type])).toEqual([
      ['Kundennummer', 'VARCHAR'],
      ['segment', 'VARCHAR'],
      ['tags', 'VARCHAR'],
      ['Name', 'VARCHAR'],
      ['Notiz', 'VARCHAR'],
      ['Saldo', 'BIGINT'],
      ['Umsatz', 'DOUBLE'],
      ['Seit', 'DATE'],
      [`'${EVIL_HEADER}`, 'VARCHAR'],
      ['small_segment', 'BOOLEAN']
    ]);
    const back = await rows(sql`SELECT * FROM ${ident(info.name)}`);
    const emptyAsNull = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === '' ? null : v]));
    expect(back).toEqual((await rows(query)).map(emptyAsNull));
    expect(back.some((r) => r.Notiz === 'Straße; "zitiert"\nZeile 2')).toBe(true);
    expect(back.some((r) => r.Name === 'Kundin 1 Müller')).toBe(true);
  });
});
