import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { EngineError } from '../../src/lib/engine/errors';
import { LOADERS } from '../../src/lib/engine/loaders/index';
import { createCsvLoader } from '../../src/lib/engine/loaders/csv';
import type { LoadProgress } from '../../src/lib/engine/api';
import { ident, sql } from '../../src/lib/sql/quote';
import { IntlMessageFormat } from 'intl-messageformat';
import de from '../../src/lib/i18n/de.json';
import { flatValues, type Note } from '../../src/lib/i18n/note';
import { CSV_FIXTURE_DIR, encode1252 } from '../fixtures/make-csv-fixtures';
import { file, openTestEngine } from './helpers/db';

/** A note in German, formatted from de.json as the UI does. */
function german(n: Note): string {
  const message = (de.notes as Record<string, string>)[n.key];
  return String(new IntlMessageFormat(message, 'de', undefined, { ignoreTag: true }).format(flatValues(n.values, german)));
}

const fixture = (name: string) => file(name, new Uint8Array(readFileSync(path.join(CSV_FIXTURE_DIR, name))));

describe('csvLoader', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });

  const rows = (table: string, order = '') =>
    engine.db.rows<Record<string, unknown>>(`${sql`SELECT * FROM ${ident(table)}`}${order ? ` ORDER BY ${order}` : ''}`);
  const types = (info: { columns: { name: string; type: string }[] }) => Object.fromEntries(info.columns.map((c) => [c.name, c.type]));

  it('reads a German Windows-1252 file with numbers, dates, umlauts and postcodes', async () => {
    const info = await engine.load(fixture('kunden_de_1252.csv'));
    expect(info.rows).toBe(20);
    expect(types(info)).toEqual({
      Kundennr: 'VARCHAR',
      Name: 'VARCHAR',
      Straße: 'VARCHAR',
      PLZ: 'VARCHAR',
      Ort: 'VARCHAR',
      'Umsatz €': 'DOUBLE',
      Käufe: 'BIGINT',
      'Letzter Kauf': 'DATE',
      Registriert: 'TIMESTAMP',
      Newsletter: 'BOOLEAN'
    });
    expect(info.warnings.map((w) => w.text)).toEqual(['Read as Windows-1252 (not valid UTF-8).']);
    const conversion = Object.fromEntries(info.columns.map((c) => [c.name, c.conversion?.text]));
    expect(conversion).toMatchObject({
      'Umsatz €': 'German number (1.234,56)',
      Käufe: 'German integer (1.234)',
      'Letzter Kauf': 'date %d.%m.%Y',
      Registriert: 'timestamp %d.%m.%Y %H:%M',
      Newsletter: 'boolean (ja/nein)',
      PLZ: 'text (leading zeros kept)'
    });
    const all = await rows(info.name);
    expect(all[0]).toEqual({
      Kundennr: '00017',
      Name: 'Jürgen Müller',
      Straße: 'Königsallee 12',
      PLZ: '40213',
      Ort: 'Düsseldorf',
      'Umsatz €': 1234.56,
      Käufe: 12,
      'Letzter Kauf': '2025-12-31',
      Registriert: '2023-01-02T09:15:00.000Z',
      Newsletter: true
    });
    expect(all[3]).toMatchObject({ Name: 'Ömer Öztürk', PLZ: '01067', Ort: 'Dresden', 'Umsatz €': 12345678.9, Käufe: 1234 });
    expect(all[5]).toMatchObject({ Name: 'Meier; Söhne GmbH', PLZ: '09111', 'Umsatz €': 45000 });
    expect(all[1]).toMatchObject({ Name: 'Änne Weiß', 'Umsatz €': -12.5, Newsletter: false });
    expect(all[17]).toMatchObject({ PLZ: '02826', 'Umsatz €': -1050.25 });
    const [sum] = await engine.db.rows<{ s: number }>(String(sql`SELECT round(sum(${ident('Umsatz €')}), 2) AS s FROM ${ident(info.name)}`));
    expect(sum.s).toBe(12414396.67);
  });

  it('inspects the German file: dialect, encoding, types and a size estimate', async () => {
    const est = await engine.inspect(fixture('kunden_de_1252.csv'));
    expect(est.csv).toEqual({ delimiter: ';', quote: '"', header: true, encoding: 'windows-1252', numberLocale: 'de', dateFormat: '%d.%m.%Y' });
    expect(est.rows).toBe(20);
    expect(est.columns.find((c) => c.name === 'Umsatz €')?.type).toBe('DOUBLE');
    expect(est.memoryBytes).toBeGreaterThan(20 * 10 * 8);
    expect(est.memoryBytes).toBeLessThan(20_000);
    expect(est.fits).toBe(true);
    expect(est.warnings.map((w) => w.text)).toContain('Read as Windows-1252 (not valid UTF-8).');
  });

  it('strips a UTF-8 byte-order mark and reports no encoding warning', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Größe;Anzahl\n1,5;2\n2,25;3\n')]);
    const info = await engine.load(file('bom.csv', bytes));
    expect(info.columns.map((c) => c.name)).toEqual(['Größe', 'Anzahl']);
    expect(info.warnings.map((w) => w.text)).toEqual([]);
    expect(await rows(info.name)).toEqual([
      { Größe: 1.5, Anzahl: 2 },
      { Größe: 2.25, Anzahl: 3 }
    ]);
  });

  it('reads tab-separated files with English numbers and ISO dates', async () => {
    const info = await engine.load(fixture('tabs.tsv'));
    expect(types(info)).toEqual({ id: 'BIGINT', product: 'VARCHAR', price: 'DOUBLE', qty: 'BIGINT', ordered: 'DATE' });
    expect(await rows(info.name)).toEqual([
      { id: 1, product: 'Coffee, dark roast', price: 12.5, qty: 2, ordered: '2025-01-15' },
      { id: 2, product: 'Tea "Earl Grey"', price: 4.99, qty: 10, ordered: '2025-02-01' },
      { id: 3, product: 'Cocoa', price: 1234, qty: 1, ordered: '2025-03-31' }
    ]);
  });

  it('keeps line breaks, delimiters and quotes inside quoted fields', async () => {
    const info = await engine.load(fixture('quoted_newlines.csv'));
    expect(await rows(info.name)).toEqual([
      { id: 1, note: 'first line\nsecond line', amount: 10 },
      { id: 2, note: 'comma, inside', amount: 20 },
      { id: 3, note: 'she said "hallo"', amount: 30 },
      { id: 4, note: 'three\nlines, and\na comma', amount: 40 }
    ]);
  });

  it('keeps postcodes, IDs with leading zeros and very long numbers as text', async () => {
    const info = await engine.load(file('ids.csv', 'plz,kunde,konto,menge\n01067,007,12345678901234567890,5\n80331,120,1,6\n'));
    expect(types(info)).toEqual({ plz: 'VARCHAR', kunde: 'VARCHAR', konto: 'VARCHAR', menge: 'BIGINT' });
    expect(await rows(info.name)).toEqual([
      { plz: '01067', kunde: '007', konto: '12345678901234567890', menge: 5 },
      { plz: '80331', kunde: '120', konto: '1', menge: 6 }
    ]);
    const named = await engine.load(file('plz.csv', 'PLZ;Ort\n10115;Berlin\n80331;München\n'));
    expect(types(named)).toEqual({ PLZ: 'VARCHAR', Ort: 'VARCHAR' });
  });

  it('reads English thousands separators', async () => {
    const info = await engine.load(file('en.csv', 'id,amount\n1,"1,234.56"\n2,"12,345"\n3,7.5\n'));
    expect(info.columns[1]).toMatchObject({ type: 'DOUBLE', conversion: { key: 'convEnglishNumber', text: 'English number (1,234.56)' } });
    expect((await rows(info.name)).map((r) => r.amount)).toEqual([1234.56, 12345, 7.5]);
  });

  it('keeps numbers that could be German or English as text unless the locale is known', async () => {
    const csv = 'id,amount\n1,1.234\n2,2.500\n';
    const auto = await engine.load(file('amb.csv', csv));
    expect(types(auto)).toEqual({ id: 'BIGINT', amount: 'VARCHAR' });
    expect(auto.warnings.map((w) => w.text)[0]).toMatch(/"amount".*could be German or English; kept as text/);
    const de = await engine.load(file('amb.csv', csv), { csv: { numberLocale: 'de' } });
    expect((await rows(de.name)).map((r) => r.amount)).toEqual([1234, 2500]);
    const en = await engine.load(file('amb.csv', csv), { csv: { numberLocale: 'en' } });
    expect((await rows(en.name)).map((r) => r.amount)).toEqual([1.234, 2.5]);
  });

  it('reads 1.234 as German thousands when another column proves the locale', async () => {
    const info = await engine.load(file('de.csv', 'Stück;Preis\n1.234;12,50\n7;3,99\n'));
    expect(await rows(info.name)).toEqual([
      { Stück: 1234, Preis: 12.5 },
      { Stück: 7, Preis: 3.99 }
    ]);
    expect(info.warnings.map((w) => w.text)).toEqual([]);
  });

  it('applies delimiter, encoding and header overrides', async () => {
    const byComma = await engine.load(file('o.csv', 'a;b,c\n1;2,3\n'), { csv: { delimiter: ',' } });
    expect(byComma.columns.map((c) => c.name)).toEqual(['a;b', 'c']);
    const asLatin = await engine.load(file('o.csv', 'Name\nMüller\n'), { csv: { encoding: 'windows-1252' } });
    expect(await rows(asLatin.name)).toEqual([{ Name: 'MÃ¼ller' }]);
    const noHeader = await engine.load(file('o.csv', 'x;y\n1;2\n'), { csv: { header: false } });
    expect(noHeader.columns.map((c) => c.name)).toEqual(['column_1', 'column_2']);
    expect(noHeader.rows).toBe(2);
    const asHeader = await engine.load(file('o.csv', '1;2\n3;4\n'), { csv: { header: true } });
    expect(asHeader.columns.map((c) => c.name)).toEqual(['1', '2']);
  });

  it('detects a file without a header', async () => {
    const info = await engine.load(file('nohead.csv', '1;Anna;12,5;01.02.2025\n2;Bob;7;31.12.2025\n'));
    expect(types(info)).toEqual({ column_1: 'BIGINT', column_2: 'VARCHAR', column_3: 'DOUBLE', column_4: 'DATE' });
    expect(info.rows).toBe(2);
  });

  it('reads booleans only when unambiguous, and ISO timestamps without offsets', async () => {
    const info = await engine.load(
      file('b.csv', 'land;aktiv;abo;tag;zeit;mit_zone\nNO;true;yes;2025-01-31;2025-01-31 10:00:00;2025-01-31T10:00:00+02:00\nNO;FALSE;no;2025-02-01;2025-02-01T11:30;2025-01-31T11:00:00+02:00\n')
    );
    expect(types(info)).toEqual({ land: 'VARCHAR', aktiv: 'BOOLEAN', abo: 'BOOLEAN', tag: 'DATE', zeit: 'TIMESTAMP', mit_zone: 'VARCHAR' });
    expect((await rows(info.name))[1]).toMatchObject({ aktiv: false, abo: false, zeit: '2025-02-01T11:30:00.000Z' });
  });

  it('applies per-column types and reports values that do not fit', async () => {
    const info = await engine.load(file('t.csv', 'Betrag;Menge;Tag\n1,5;2;05.03.2025\n2,5;x;06.03.2025\n'), {
      csv: { columnTypes: { Betrag: 'VARCHAR', Menge: 'DOUBLE', Tag: 'VARCHAR' } }
    });
    expect(types(info)).toEqual({ Betrag: 'VARCHAR', Menge: 'DOUBLE', Tag: 'VARCHAR' });
    expect(await rows(info.name)).toEqual([
      { Betrag: '1,5', Menge: 2, Tag: '05.03.2025' },
      { Betrag: '2,5', Menge: null, Tag: '06.03.2025' }
    ]);
    expect(info.warnings.map((w) => w.text)).toContain('Column "Menge": 1 value did not fit the chosen type and became NULL.');
  });

  it('uses a user date format', async () => {
    const info = await engine.load(file('d.csv', 'tag\n2025/12/31\n2024/01/02\n'), { csv: { dateFormat: '%Y/%m/%d' } });
    expect(info.columns[0]).toMatchObject({ type: 'DATE', conversion: { key: 'convDate', values: { format: '%Y/%m/%d' }, text: 'date %Y/%m/%d' } });
    expect((await rows(info.name)).map((r) => r.tag)).toEqual(['2025-12-31', '2024-01-02']);
  });

  it('pads short rows, drops extra fields and says how many rows were affected', async () => {
    const info = await engine.load(fixture('ragged.csv'));
    expect(info.rows).toBe(5);
    expect(await rows(info.name)).toEqual([
      { a: 1, b: 2, c: 3 },
      { a: 4, b: 5, c: null },
      { a: 6, b: 7, c: 8 },
      { a: 10, b: 11, c: 12 },
      { a: 13, b: null, c: null }
    ]);
    expect(info.warnings.map((w) => w.text)).toEqual([
      '2 rows had fewer than 3 fields; the missing values are NULL.',
      '1 row had more than 3 fields; the extra fields were dropped.'
    ]);
  });

  it('creates an empty table with the columns of a header-only file', async () => {
    const info = await engine.load(fixture('header_only.csv'));
    expect(info.rows).toBe(0);
    expect(info.columns.map((c) => c.name)).toEqual(['Kundennr', 'Name', 'Umsatz']);
  });

  it('rejects binary junk with FILE_FORMAT and the file name', async () => {
    const err = await engine.load(fixture('junk.csv')).catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'FILE_FORMAT', file: 'junk.csv' });
    expect(err.message).toMatch(/not a text file/);
    const nul = await engine.load(file('nul.csv', 'a,b\n1,2\u0000\n')).catch((e) => e);
    expect(nul).toMatchObject({ code: 'FILE_FORMAT', file: 'nul.csv' });
  });

  it('rejects UTF-16 text with advice', async () => {
    const text = 'a\tb\r\n1\t2\r\n';
    const bytes = new Uint8Array([0xff, 0xfe, ...[...text].flatMap((c) => [c.charCodeAt(0), 0])]);
    const err = await engine.load(file('unicode.txt', bytes)).catch((e) => e);
    expect(err).toMatchObject({ code: 'FILE_FORMAT' });
    expect(err.message).toMatch(/UTF-16/);
  });

  it('reports an unbalanced quote and DuckDB read errors with a line number', async () => {
    const open = await engine.load(file('q.csv', 'a,b\n1,"open\n2,3\n')).catch((e) => e);
    expect(open).toMatchObject({ code: 'FILE_FORMAT', file: 'q.csv' });
    expect(open.message).toMatch(/never ends/);
    const bad = await engine.load(file('q2.csv', 'a;b\n1;2\n"abc"def;3\n')).catch((e) => e);
    expect(bad).toMatchObject({ code: 'FILE_FORMAT', file: 'q2.csv' });
    expect(bad.message).toMatch(/line 3/);
  });

  it('keeps awkward column names usable', async () => {
    const info = await engine.load(fixture('weird_columns.csv'));
    expect(info.columns.map((c) => c.name)).toEqual([
      'Vorname Nachname',
      'Say "hi"',
      'Größe',
      'select',
      'from',
      'Name',
      'name_2',
      'column_8',
      'Umsatz',
      'column_10'
    ]);
    const [first] = await rows(info.name);
    expect(first).toMatchObject({ 'Say "hi"': 'yo', Größe: 1.7, select: 'a', from: 'b', name_2: 'y', column_8: 'z', column_10: 'w' });
  });

  it('loads only the requested columns, in the requested order', async () => {
    const info = await engine.load(fixture('kunden_de_1252.csv'), { columns: ['Umsatz €', 'Ort'] });
    expect(types(info)).toEqual({ 'Umsatz €': 'DOUBLE', Ort: 'VARCHAR' });
    expect((await rows(info.name))[0]).toEqual({ 'Umsatz €': 1234.56, Ort: 'Düsseldorf' });
    const err = await engine.load(fixture('kunden_de_1252.csv'), { columns: ['Gibtsnicht'] }).catch((e) => e);
    expect(err).toMatchObject({ code: 'SQL_BIND' });
    expect(err.message).toMatch(/no column "Gibtsnicht"/);
  });

  it('reads placeholders such as - and #NV as NULL in typed columns only', async () => {
    const info = await engine.load(file('nv.csv', 'Betrag;Land\n1,5;NA\n-;DE\n#NV;-\n'));
    expect(types(info)).toEqual({ Betrag: 'DOUBLE', Land: 'VARCHAR' });
    expect(await rows(info.name)).toEqual([
      { Betrag: 1.5, Land: 'NA' },
      { Betrag: null, Land: 'DE' },
      { Betrag: null, Land: '-' }
    ]);
  });

  it('loads the first rows of a small file as a sample only when it has more', async () => {
    const sample = await engine.load(fixture('kunden_de_1252.csv'), { sampleRows: 5 });
    expect(sample.rows).toBe(5);
    expect(sample.warnings.map((w) => w.text).at(-1)).toBe('Loaded a sample: the first 5 rows of 20.');
    const whole = await engine.load(fixture('kunden_de_1252.csv'), { sampleRows: 100 });
    expect(whole.rows).toBe(20);
    expect(whole.warnings.map((w) => w.text)).toEqual(['Read as Windows-1252 (not valid UTF-8).']);
  });

  it('infers types of wide files (more columns than one statistics query holds)', async () => {
    const header = Array.from({ length: 95 }, (_, i) => `Spalte ${i + 1}`).join(';');
    const row = (r: number) => Array.from({ length: 95 }, (_, i) => (i % 2 ? `${r},${i}` : `${r + i}`)).join(';');
    const info = await engine.load(file('breit.csv', `${header}\n${row(1)}\n${row(2)}\n`));
    expect(info.columns).toHaveLength(95);
    expect(info.columns[93]).toMatchObject({ name: 'Spalte 94', type: 'DOUBLE' });
    expect(info.columns[94]).toMatchObject({ name: 'Spalte 95', type: 'BIGINT' });
    const [first] = await rows(info.name);
    expect(first['Spalte 94']).toBe(1.93);
  });

  describe('in chunks', () => {
    const original = LOADERS.csv;
    beforeAll(() => {
      LOADERS.csv = createCsvLoader({ chunkBytes: 2048 });
    });
    afterAll(() => {
      LOADERS.csv = original;
    });

    /** 3,000 rows; Kennung gets a leading zero at row 2,800 and Anzahl a decimal at row 2,900. */
    function bigCsv(): string {
      const lines = ['Kennung;Notiz;Betrag;Anzahl;Datum'];
      for (let i = 1; i <= 3000; i++) {
        const kennung = i === 2800 ? '01067' : String(10000 + i);
        const notiz = i % 97 === 0 ? `"Grüße;\nZeile ${i}"` : `Grüße ${i}`;
        const betrag = `${Math.floor(i / 10)}.${String(i % 1000).padStart(3, '0')},${String(i % 100).padStart(2, '0')}`;
        const anzahl = i === 2900 ? '12,5' : String(i % 50);
        const datum = `${String((i % 28) + 1).padStart(2, '0')}.${String((i % 12) + 1).padStart(2, '0')}.2025`;
        lines.push([kennung, notiz, i < 10 ? `${i % 1000},${String(i % 100).padStart(2, '0')}` : betrag, anzahl, datum].join(';'));
      }
      return lines.join('\n') + '\n';
    }

    it('streams a multi-chunk file, widening columns when late values do not fit', async () => {
      const progress: LoadProgress[] = [];
      const text = bigCsv();
      const size = new TextEncoder().encode(text).length;
      const info = await engine.load(file('gross.csv', text), {}, (p) => progress.push(p));
      expect(info.rows).toBe(3000);
      expect(types(info)).toEqual({ Kennung: 'VARCHAR', Notiz: 'VARCHAR', Betrag: 'DOUBLE', Anzahl: 'DOUBLE', Datum: 'DATE' });
      expect(info.warnings.map((w) => w.text)).toEqual([
        'Column "Kennung" changed to text: row 2,800 has "01067", which is not a integer.',
        'Column "Anzahl" changed from whole numbers to DOUBLE at row 2,900 ("12,5").'
      ]);
      const kennung = info.columns.find((c) => c.name === 'Kennung')?.conversion;
      expect(kennung?.text).toBe('text (was integer until row 2,800)');
      expect(kennung && german(kennung)).toBe('Text (bis Zeile 2.800: Ganzzahl)');
      expect(german(info.warnings[0])).toBe('Spalte „Kennung“ wurde zu Text: Zeile 2.800 enthält „01067“, das kein Wert vom Typ Ganzzahl ist.');
      const all = await rows(info.name);
      expect(all[0]).toMatchObject({ Kennung: '10001', Notiz: 'Grüße 1', Betrag: 1.01, Anzahl: 1, Datum: '2025-02-02' });
      expect(all[96]).toMatchObject({ Notiz: 'Grüße;\nZeile 97' });
      expect(all[2799]).toMatchObject({ Kennung: '01067' });
      expect(all[2899]).toMatchObject({ Anzahl: 12.5 });
      expect(all[2999]).toMatchObject({ Kennung: '13000', Betrag: 300000, Anzahl: 0 });
      expect(all[1233]).toMatchObject({ Betrag: 123234.34 });
      expect(progress.length).toBeGreaterThan(20);
      expect(progress.at(-1)).toEqual({ file: 'gross.csv', phase: 'reading', bytesRead: size, bytesTotal: size, rows: 3000 });
    });

    it('switches to Windows-1252 where a later chunk is not valid UTF-8', async () => {
      const head = Array.from({ length: 400 }, (_, i) => `${i};plain`).join('\n');
      const bytes = new Uint8Array([...encode1252(`id;name\n${head}\n400;Bär\n401;€uro\n`)]);
      const info = await engine.load(file('mixed.csv', bytes));
      expect(info.rows).toBe(402);
      expect(info.warnings.map((w) => w.text)).toHaveLength(1);
      expect(info.warnings.map((w) => w.text)[0]).toMatch(/^Read as Windows-1252 from byte [\d,]+ on/);
      expect((await rows(info.name, 'id')).slice(-2)).toEqual([
        { id: 400, name: 'Bär' },
        { id: 401, name: '€uro' }
      ]);
    });

    it('estimates rows and memory from the first chunk', async () => {
      const est = await engine.inspect(file('gross.csv', bigCsv()));
      expect(Math.abs(est.rows - 3000) / 3000).toBeLessThan(0.15);
      expect(est.columns.map((c) => c.type)).toEqual(['BIGINT', 'VARCHAR', 'DOUBLE', 'BIGINT', 'DATE']);
      expect(est.warnings.map((w) => w.text)).toContain('Row count and types estimated from the first 2 KB.');
      expect(est.memoryBytes).toBeGreaterThan(3000 * 40);
      expect(est.memoryBytes).toBeLessThan(3000 * 120);
    });

    it('loads a sample of about the requested size and says so', async () => {
      const info = await engine.load(file('gross.csv', bigCsv()), { sampleRows: 100 });
      expect(info.rows).toBe(100);
      expect(info.warnings.map((w) => w.text).at(-1)).toMatch(/^Loaded a sample: the first 100 rows of about [\d,]+\.$/);
      expect((await rows(info.name)).at(-1)).toMatchObject({ Kennung: 10100 });
    });

    it('stops between chunks when cancelled and leaves nothing behind', async () => {
      const before = engine.tables().length;
      let calls = 0;
      const err = await engine
        .load(file('gross.csv', bigCsv()), {}, () => {
          if (++calls === 2) void engine.cancel();
        })
        .catch((e) => e);
      expect(err).toBeInstanceOf(EngineError);
      expect(err).toMatchObject({ code: 'CANCELLED', file: 'gross.csv' });
      expect(calls).toBe(2);
      expect(engine.tables().length).toBe(before);
      const left = await engine.db.rows("SELECT table_name FROM information_schema.tables WHERE table_name LIKE '__seglab%'");
      expect(left).toEqual([]);
    });
  });
});
