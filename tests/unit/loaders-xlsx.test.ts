import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { Engine } from '../../src/lib/engine/engine';
import { EngineError } from '../../src/lib/engine/errors';
import { readZipDirectory } from '../../src/lib/engine/loaders/xlsx-zip';
import type { ByteSource } from '../../src/lib/engine/source';
import { file, openTestEngine } from './helpers/db';

const FIXTURES = path.resolve(__dirname, '../fixtures/xlsx');

function bytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(FIXTURES, name)));
}

function fixture(name: string): ByteSource {
  return file(name, bytes(name));
}

/** Rewrites the declared uncompressed size of one entry in the central directory. */
function declareSize(zip: Uint8Array, entry: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const name = new TextEncoder().encode(entry);
  for (let i = 0; i + 46 < out.length; i++) {
    if (view.getUint32(i, true) !== 0x02014b50) continue;
    const len = view.getUint16(i + 28, true);
    if (len === name.length && out.subarray(i + 46, i + 46 + len).every((b, k) => b === name[k])) {
      view.setUint32(i + 24, size, true);
      return out;
    }
  }
  throw new Error(`no entry ${entry}`);
}

describe('xlsxLoader', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });

  it('lists the sheets and the first sheet columns', async () => {
    const est = await engine.inspect(fixture('two_sheets.xlsx'));
    expect(est).toMatchObject({ format: 'xlsx', sheets: ['Kunden', 'Umsatz'], rows: 3, fits: true });
    expect(est.columns).toEqual([
      { name: 'Kunden-Nr', type: 'BIGINT' },
      { name: 'Name', type: 'VARCHAR' },
      { name: 'Ort', type: 'VARCHAR' },
      { name: 'Seit', type: 'DATE' },
      { name: 'Aktiv', type: 'BOOLEAN' },
      { name: 'Name_2', type: 'VARCHAR' }
    ]);
  });

  it('loads the first sheet with umlauts, dates, booleans and duplicate headers', async () => {
    const info = await engine.load(fixture('two_sheets.xlsx'));
    expect(info).toMatchObject({ name: 'two_sheets', rows: 3 });
    expect(info.warnings.map((w) => w.text)).toContain('Loaded sheet "Kunden" of 2 ("Kunden", "Umsatz").');
    const rows = await engine.db.rows(`SELECT "Kunden-Nr" AS nr, "Name" AS name, "Ort" AS ort, "Seit"::VARCHAR AS seit, "Aktiv" AS aktiv, "Name_2" AS n2 FROM two_sheets ORDER BY 1`);
    expect(rows).toEqual([
      { nr: 1001, name: 'Müller GmbH', ort: 'München', seit: '2021-03-01', aktiv: true, n2: 'Dup A' },
      { nr: 1002, name: 'Schäfer & Söhne', ort: 'Köln', seit: '2022-11-15', aktiv: false, n2: 'Dup B' },
      { nr: 1003, name: 'Öztürk Straße', ort: 'Düsseldorf', seit: '2023-07-30', aktiv: true, n2: null }
    ]);
  });

  it('loads the chosen sheet with doubles and integers', async () => {
    const info = await engine.load(fixture('two_sheets.xlsx'), { sheet: 'Umsatz', table: 'umsatz' });
    expect(info.columns.map((c) => `${c.name} ${c.type}`)).toEqual(['Monat DATE', 'Umsatz € DOUBLE', 'Stück BIGINT', 'Kommentar VARCHAR']);
    const rows = await engine.db.rows(`SELECT "Monat"::VARCHAR AS m, "Umsatz €" AS u, "Stück" AS s, "Kommentar" AS k FROM umsatz ORDER BY m`);
    expect(rows).toEqual([
      { m: '2025-01-01', u: 1234.56, s: 10, k: 'Jänner' },
      { m: '2025-02-01', u: 99.5, s: 3, k: null },
      { m: '2025-03-01', u: -12, s: 0, k: 'Rückgabe' }
    ]);
  });

  it('names the sheets when the asked one is missing', async () => {
    const err = await engine.load(fixture('two_sheets.xlsx'), { sheet: 'Nope' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'FILE_FORMAT', message: 'The workbook has no sheet "Nope". Its sheets are: "Kunden", "Umsatz".' });
  });

  it('types timestamps, mixed columns, columns and samples', async () => {
    const data = [
      [{ value: 'when' }, { value: 'mixed' }, { value: 'x' }],
      ...Array.from({ length: 20 }, (_, i) => [
        { value: new Date(Date.UTC(2025, 0, 1, 8, i)), format: 'yyyy-mm-dd hh:mm' },
        i % 2 ? { value: i } : { value: `t${i}` },
        { value: i + 0.5 }
      ])
    ];
    const xlsx = new Uint8Array(await writeXlsxFile(data as never).toBuffer());
    const info = await engine.load(file('mix.xlsx', xlsx), { columns: ['when', 'mixed'], sampleRows: 5 });
    expect(info.rows).toBe(5);
    expect(info.columns.map((c) => ({ ...c, conversion: c.conversion?.text }))).toEqual([
      { name: 'when', type: 'TIMESTAMP', conversion: undefined },
      { name: 'mixed', type: 'VARCHAR', conversion: 'mixed values → text' }
    ]);
    expect(info.warnings.map((w) => w.text)).toContain('Loaded the first 5 of 20 rows (sample).');
    const rows = await engine.db.rows(`SELECT "when"::VARCHAR AS w, mixed FROM ${info.name} ORDER BY w LIMIT 2`);
    expect(rows).toEqual([
      { w: '2025-01-01 08:00:00', mixed: 't0' },
      { w: '2025-01-01 08:01:00', mixed: '1' }
    ]);
  });

  it('reports a corrupt file and a ZIP without a workbook clearly', async () => {
    const err = await engine.load(fixture('corrupt.xlsx')).catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'FILE_FORMAT', file: 'corrupt.xlsx' });
    expect(err.message).toMatch(/not a readable ZIP archive/);
    const dir = await readZipDirectory(fixture('two_sheets.xlsx'));
    expect(dir?.map((e) => e.name)).toContain('xl/workbook.xml');
    const renamed = bytes('two_sheets.xlsx');
    const at = Buffer.from(renamed).lastIndexOf('xl/workbook.xml');
    renamed.set(new TextEncoder().encode('xl/workbook.xmX'), at);
    const err2 = await engine.load(file('kein_excel.xlsx', renamed)).catch((e) => e);
    expect(err2).toMatchObject({ code: 'FILE_FORMAT' });
    expect(err2.message).toMatch(/no workbook inside/);
    const cut = bytes('two_sheets.xlsx').subarray(0, 2000);
    const err3 = await engine.load(file('cut.xlsx', cut)).catch((e) => e);
    expect(err3).toMatchObject({ code: 'FILE_FORMAT' });
  });

  it('refuses a zip bomb from its declared sizes before unpacking', async () => {
    const bomb = declareSize(bytes('two_sheets.xlsx'), 'xl/worksheets/sheet1.xml', 0xfffffff0);
    const err = await engine.load(file('bomb.xlsx', bomb)).catch((e) => e);
    expect(err).toMatchObject({ code: 'FILE_TOO_LARGE', file: 'bomb.xlsx' });
    expect(err.message).toMatch(/zip bomb/);
    const inspected = await engine.inspect(file('bomb.xlsx', bomb)).catch((e) => e);
    expect(inspected).toMatchObject({ code: 'FILE_TOO_LARGE', file: 'bomb.xlsx' });
  });

  it('refuses a workbook larger than the memory left', async () => {
    const small = new Engine(engine.db, 1000);
    const err = await small.load(fixture('two_sheets.xlsx')).catch((e) => e);
    expect(err).toMatchObject({ code: 'FILE_TOO_LARGE' });
    expect(err.message).toMatch(/more than the .* of memory left/);
  });
});
