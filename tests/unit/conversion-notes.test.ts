import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { EngineError } from '../../src/lib/engine/errors';
import { planParquetColumns } from '../../src/lib/engine/loaders/parquet-columns';
import de from '../../src/lib/i18n/de.json';
import { flatValues, formatIcu, note, type Note } from '../../src/lib/i18n/note';
import { notebookSqlScript, SqlScriptError } from '../../src/lib/notebook/sql-script';
import type { Notebook } from '../../src/lib/notebook/model';
import { language, noteText } from '../../src/lib/ui/language.svelte';
import { CSV_FIXTURE_DIR } from '../fixtures/make-csv-fixtures';
import { file, openTestEngine } from './helpers/db';

/** A note in German straight from de.json, without the UI's store. */
function german(n: Note): string {
  const message = (de.notes as Record<string, string>)[n.key];
  return formatIcu(message, 'de', flatValues(n.values, german));
}

describe('column conversion labels are notes', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });
  afterEach(() => language.set('en'));

  it('a German CSV profile says its conversions in German and keeps the English text', async () => {
    const bytes = new Uint8Array(readFileSync(path.join(CSV_FIXTURE_DIR, 'kunden_de_1252.csv')));
    const info = await engine.load(file('kunden_de_1252.csv', bytes));
    const conversion = Object.fromEntries(info.columns.flatMap((c) => (c.conversion ? [[c.name, c.conversion]] : [])));
    // The English stays as it was before the labels became notes (the runner and files read `.text`).
    expect(Object.fromEntries(Object.entries(conversion).map(([k, v]) => [k, v.text]))).toMatchObject({
      'Umsatz €': 'German number (1.234,56)',
      Käufe: 'German integer (1.234)',
      'Letzter Kauf': 'date %d.%m.%Y',
      Registriert: 'timestamp %d.%m.%Y %H:%M',
      Newsletter: 'boolean (ja/nein)',
      PLZ: 'text (leading zeros kept)'
    });
    expect(conversion['Letzter Kauf']).toEqual({ key: 'convDate', values: { format: '%d.%m.%Y' }, text: 'date %d.%m.%Y' });
    // A copy across the worker boundary (structured clone / JSON) keeps key and values.
    const copied = JSON.parse(JSON.stringify(conversion)) as Record<string, Note>;
    language.set('de');
    const shown = Object.fromEntries(Object.entries(copied).map(([k, v]) => [k, noteText(v)]));
    expect(shown).toMatchObject({
      'Umsatz €': 'Zahl deutsch (1.234,56)',
      Käufe: 'Ganzzahl deutsch (1.234)',
      'Letzter Kauf': 'Datum %d.%m.%Y',
      Registriert: 'Zeitstempel %d.%m.%Y %H:%M',
      Newsletter: 'Wahrheitswert (ja/nein)',
      PLZ: 'Text (führende Nullen erhalten)'
    });
    for (const n of Object.values(copied)) expect(noteText(n)).toBe(german(n));
    language.set('en');
    expect(noteText(copied['Umsatz €'])).toBe('German number (1.234,56)');
  });

  it('ISO dates, postcodes and columns that turned to text late', async () => {
    const info = await engine.load(file('iso.csv', 'PLZ;Tag;Zeit\n80331;2025-12-31;2025-12-31 10:00\n20095;2024-01-02;2024-01-02 11:30\n'));
    const c = Object.fromEntries(info.columns.map((x) => [x.name, x.conversion]));
    expect([c.PLZ?.text, c.Tag?.text, c.Zeit?.text]).toEqual(['text (postcode)', 'ISO date', 'ISO timestamp']);
    language.set('de');
    expect([c.PLZ, c.Tag, c.Zeit].map((n) => noteText(n!))).toEqual(['Text (Postleitzahl)', 'ISO-Datum', 'ISO-Zeitstempel']);
    const since = note('convTextSince', { was: note('convGermanInteger'), row: 12345 });
    expect(since.text).toBe('text (was German integer (1.234) until row 12,345)');
    expect(noteText(since)).toBe('Text (bis Zeile 12.345: Ganzzahl deutsch (1.234))');
  });

  it('Parquet, JSON and Arrow labels keep their English and have German', () => {
    const el = (e: Record<string, unknown>) => ({ element: { name: 'x', ...e }, children: [] }) as never;
    const plan = planParquetColumns([
      el({ type: 'INT64', converted_type: 'UINT_64' }),
      el({ type: 'INT96' }),
      el({ type: 'INT32', converted_type: 'TIME_MILLIS' }),
      el({ type: 'FIXED_LEN_BYTE_ARRAY', logical_type: { type: 'UUID' } }),
      el({ type: 'FIXED_LEN_BYTE_ARRAY' }),
      el({ type: 'BYTE_ARRAY', logical_type: { type: 'GEOMETRY' } }),
      el({ type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' } })
    ]);
    expect(plan.map((c) => c.conversion?.text)).toEqual([
      'UINT64 → DOUBLE',
      'INT96 timestamp → TIMESTAMP',
      'TIME → text HH:MM:SS',
      'UUID → text',
      'binary → hex text',
      'GEOMETRY → GeoJSON text',
      'UTC timestamp → TIMESTAMP (UTC time); nanoseconds truncated to microseconds'
    ]);
    expect(plan.map((c) => german(c.conversion!))).toEqual([
      'UINT64 → DOUBLE',
      'INT96-Zeitstempel → TIMESTAMP',
      'TIME → Text HH:MM:SS',
      'UUID → Text',
      'Binärdaten → Hex-Text',
      'GEOMETRY → GeoJSON-Text',
      'UTC-Zeitstempel → TIMESTAMP (UTC-Zeit); Nanosekunden auf Mikrosekunden gekürzt'
    ]);
    expect(note('convType', { from: 'DECIMAL(10,2)', to: 'DOUBLE' }).text).toBe('DECIMAL(10,2) → DOUBLE');
    expect(note('convJsonNested').text).toBe('nested object/array → JSON text');
    expect(german(note('convJsonNested'))).toBe('verschachteltes Objekt/Array → JSON-Text');
    expect(note('convMixed').text).toBe('mixed values → text');
    expect(german(note('convMixed'))).toBe('gemischte Werte → Text');
    const zoned = note('convZonedTimestamp', { zone: 'Europe/Berlin' });
    expect(zoned.text).toBe('timestamp in Europe/Berlin → TIMESTAMP (UTC time)');
    expect(german(zoned)).toBe('Zeitstempel in Europe/Berlin → TIMESTAMP (UTC-Zeit)');
  });

  it('a SQL script refusal is a note: English message as before, German in the UI', () => {
    const notebook: Notebook = { format: 'seglab-notebook', version: 1, title: 't', sources: [], cells: [{ id: 'c', kind: 'sql', name: 'labels', sql: 'SELECT 1' }] } as never;
    const values = { kind: 'values' as const, table: 'labels', rows: 3, columns: [] };
    const run = (steps: never[]) => () => notebookSqlScript({ notebook, version: '0', date: '2026-01-01', fileName: 'a.sql', sources: [], cells: new Map([['c', { steps }]]), maxLiteralRows: 2 });
    const tooMany = (() => {
      try {
        run([values as never])();
      } catch (e) {
        return e as SqlScriptError;
      }
    })();
    expect(tooMany).toBeInstanceOf(SqlScriptError);
    expect(tooMany?.message).toBe(
      'Cell "labels" computed 3 rows in the browser; a script holds at most 2 as literal values. Export its result as Parquet instead.'
    );
    expect(german(tooMany!.note)).toBe(
      'Zelle „labels“ hat 3 Zeilen im Browser berechnet; ein Skript enthält höchstens 2 als literale Werte. Exportieren Sie ihr Ergebnis stattdessen als Parquet.'
    );
    const opaque = { kind: 'opaque' as const, what: note('scriptJsonInsert', { table: 'x' }) };
    expect(run([opaque as never])).toThrow('Cell "labels" made a table with a JSON insert into x, which a SQL script cannot repeat.');
    const copy = new EngineError({ code: 'UNSUPPORTED', message: 'x', key: 'scriptLiteralType', values: { type: '"DATE"' } });
    language.set('de');
    expect(noteText({ key: copy.key, values: copy.values, text: copy.message })).toBe('Der Typ "DATE" lässt sich nicht als literale Werte schreiben.');
  });
});
