import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { note } from '../../src/lib/i18n/note';
import type { Notebook } from '../../src/lib/notebook/model';
import { comment, notebookSqlScript, SqlScriptError, type LiteralColumn, type ScriptCell, type SqlScriptInput } from '../../src/lib/notebook/sql-script';

const NOTEBOOK: Notebook = {
  format: 'seglab-notebook',
  version: 1,
  title: 'Test',
  sources: [],
  cells: [
    { id: 'md', kind: 'markdown', text: 'Erst\rDROP TABLE t;\nzwei' },
    { id: 'c', kind: 'sql', name: 'labels', sql: 'SELECT 1' }
  ],
  settings: { referenceDate: '2025-06-30' }
};

function input(cells: [string, ScriptCell][], extra: Partial<SqlScriptInput> = {}): SqlScriptInput {
  return { notebook: NOTEBOOK, version: '0.1.0', date: '2026-01-02', fileName: 'x.sql', sources: [], cells: new Map(cells), ...extra };
}

function column(name: string, type: string, values: (string | null)[]): LiteralColumn {
  return { name, type, value: (row) => values[row] };
}

const VALUES: ScriptCell = {
  note: 'k-means, k = 2',
  steps: [
    { kind: 'sql', text: 'DROP TABLE IF EXISTS "__labels"' },
    {
      kind: 'values',
      table: '__labels',
      rows: 3,
      columns: [
        column(`Kunde "ä" '`, 'VARCHAR', [`O'Brien`, null, 'a"b']),
        column('cluster', 'INTEGER', ['1', '2', null]),
        column('score', 'DOUBLE', ['0.1', '1e-7', '-2.5'])
      ]
    },
    { kind: 'sql', text: 'CREATE OR REPLACE VIEW "labels" AS\nSELECT * FROM "__labels"\n-- note' }
  ]
};

describe('comment(text)', () => {
  it('starts every line with -- whatever ends it', () => {
    expect(comment('a\rDROP\r\nb\nc')).toBe('-- a\n-- DROP\n-- b\n-- c');
  });
});

describe('notebookSqlScript(input)', () => {
  it('writes the header, reference date and Markdown as comments only', () => {
    const script = notebookSqlScript(input([]));
    expect(script.split('\n').filter((l) => l && !l.startsWith('--'))).toEqual([`SET VARIABLE reference_date = CAST('2025-06-30' AS DATE);`]);
    expect(script).toContain('-- Exported from seglab 0.1.0 on 2026-01-02.');
    expect(script).toContain('--   duckdb analysis.duckdb < x.sql');
    expect(script).toContain('-- DROP TABLE t;');
    expect(script).toContain('-- Cell c "labels" (sql): did not run in seglab');
  });

  it('writes JS-computed values that native DuckDB reads back exactly', async () => {
    const script = notebookSqlScript(input([['c', VALUES]]));
    expect(script).toContain('-- __labels: 3 rows computed in the browser (k-means, k = 2).');
    expect(script).toContain('-- note\n;');
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run(script);
    const reader = await conn.runAndReadAll('SELECT * FROM labels');
    expect(reader.columnNames()).toEqual([`Kunde "ä" '`, 'cluster', 'score']);
    expect(reader.getRowsJS()).toEqual([
      [`O'Brien`, 1, 0.1],
      [null, 2, 1e-7],
      ['a"b', null, -2.5]
    ]);
    conn.closeSync();
    instance.closeSync();
  });

  it('refuses more literal rows than the limit, naming the cell', () => {
    expect(() => notebookSqlScript(input([['c', VALUES]], { maxLiteralRows: 2 }))).toThrow(/Cell "labels" computed 3 rows in the browser; a script holds at most 2/);
  });

  it('refuses a table the script cannot repeat', () => {
    const opaque: ScriptCell = { steps: [{ kind: 'opaque', what: note('scriptArrowInsert', { table: 't' }) }] };
    expect(() => notebookSqlScript(input([['c', opaque]]))).toThrow(SqlScriptError);
    expect(() => notebookSqlScript(input([['c', opaque]]))).toThrow(/ made a table with an Arrow insert into t, which a SQL script cannot repeat\.$/);
  });

  it('asks for an Excel sheet saved as CSV and casts to the loaded types', () => {
    const script = notebookSqlScript(
      input([], { sources: [{ name: 'kunden', path: 'data/kunden.xlsx', sheet: 'Blatt 1', read: { format: 'xlsx', columns: [{ name: 'Umsatz', type: 'DOUBLE' }] } }] })
    );
    expect(script).toContain('-- The DuckDB CLI reads no Excel file without an extension: save the sheet "Blatt 1" of data/kunden.xlsx as data/kunden.csv');
    expect(script).toContain(`CREATE OR REPLACE TABLE "kunden" AS\nSELECT\n  CAST("Umsatz" AS DOUBLE) AS "Umsatz"\nFROM read_csv('data/kunden.csv', header = true);`);
  });
});
