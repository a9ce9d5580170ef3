// Issue 10, point 6: the notebook exported as one SQL script rebuilds every table on native DuckDB.
import { DuckDBInstance } from '@duckdb/node-api';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { openNodeWasmDb } from '../../src/lib/engine/db-node-wasm';
import { Engine } from '../../src/lib/engine/engine';
import { exportNotebookScript, recordingRun } from '../../src/lib/engine/notebook-script';
import { RecordingDb } from '../../src/lib/engine/recording-db';
import { runNotebook } from '../../src/lib/engine/run-notebook';
import { nodeFileSource } from '../../src/lib/engine/source-node';
import type { Notebook } from '../../src/lib/notebook/model';
import { parseNotebook } from '../../src/lib/notebook/validate';
import { ident, lit, sql } from '../../src/lib/sql/quote';

const SAMPLES = path.resolve('static/samples');

/** Numbers agree when their difference is within this share of the larger (or absolutely, near 0). */
const TOLERANCE = 1e-9;

type Rows = (string | null)[][];

/** Every row of a table as text, in `ORDER BY ALL` order of the typed values. */
function textRows(table: string): string {
  return String(sql`SELECT COLUMNS(*)::VARCHAR FROM (SELECT * FROM ${ident(table)} ORDER BY ALL)`);
}

function sameValue(a: string | null, b: string | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const x = Number(a);
  const y = Number(b);
  if (a.trim() === '' || b.trim() === '' || Number.isNaN(x) || Number.isNaN(y)) return false;
  return Math.abs(x - y) <= TOLERANCE * Math.max(1, Math.abs(x), Math.abs(y));
}

/** The first cell where two tables differ, or null. */
function firstDifference(expected: Rows, actual: Rows): string | null {
  if (expected.length !== actual.length) return `${actual.length} rows, expected ${expected.length}`;
  for (let r = 0; r < expected.length; r++) {
    for (let c = 0; c < expected[r].length; c++) {
      if (!sameValue(expected[r][c], actual[r][c])) return `row ${r + 1}, column ${c + 1}: ${actual[r][c]}, expected ${expected[r][c]}`;
    }
  }
  return null;
}

interface Exported {
  script: string;
  /** Table or view name → its columns and text rows, as the runner made them. */
  tables: Map<string, { columns: string[]; rows: Rows }>;
}

/**
 * Runs a notebook like the runner (DuckDB-WASM, the browser's engine) while recording, keeps every
 * source table and cell view as text rows, and exports the script.
 */
async function runAndExport(notebook: Notebook, dir: string): Promise<Exported> {
  const recorder = new RecordingDb(await openNodeWasmDb());
  const engine = new Engine(recorder, 2 * 1024 ** 3);
  try {
    const tables = new Map<string, { columns: string[]; rows: Rows }>();
    const keep = async (table: string) => {
      const rows = await recorder.rows<Record<string, string | null>>(textRows(table));
      const columns = (await recorder.rows<{ column_name: string }>(String(sql`DESCRIBE ${ident(table)}`))).map((c) => c.column_name);
      tables.set(table, { columns, rows: rows.map((r) => columns.map((c) => r[c])) });
      return { rows: rows.length };
    };
    const recording = recordingRun(recorder, { openSource: (s) => nodeFileSource(path.join(dir, s.path)), consume: keep });
    const run = await runNotebook(engine, notebook, recording.options);
    expect(run.ok, JSON.stringify(run.cells.filter((c) => c.status !== 'ok'))).toBe(true);
    for (const s of notebook.sources) await keep(s.name);
    const script = await exportNotebookScript(engine, notebook, recording.cells, { version: 'test', date: '2026-01-01', fileName: 'notebook.sql' });
    return { script, tables };
  } finally {
    await recorder.close();
  }
}

/** Runs the script on native DuckDB in `dir` and reads the given tables as text rows. */
async function runScript(script: string, dir: string, names: Iterable<string>): Promise<Map<string, { columns: string[]; rows: Rows }>> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(String(sql`SET file_search_path = ${lit(dir)}`));
    await conn.run(script);
    const out = new Map<string, { columns: string[]; rows: Rows }>();
    for (const name of names) {
      const reader = await conn.runAndReadAll(textRows(name));
      out.set(name, { columns: reader.columnNames(), rows: reader.getRowsJson() as Rows });
    }
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function compareExample(notebook: Notebook, dir: string): Promise<number> {
  const { script, tables } = await runAndExport(notebook, dir);
  const scripted = await runScript(script, dir, tables.keys());
  for (const [name, expected] of tables) {
    const actual = scripted.get(name)!;
    expect(actual.columns, name).toEqual(expected.columns);
    expect(firstDifference(expected.rows, actual.rows), name).toBeNull();
  }
  return tables.size;
}

describe('exportNotebookScript on native DuckDB', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'seglab-script-'));
    for (const f of await readdir(SAMPLES)) if (f.endsWith('.csv')) await copyFile(path.join(SAMPLES, f), path.join(dir, f));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const examples = ['campaign', 'churn', 'leads', 'lookalikes', 'retail', 'segments', 'survey', 'value'];
  for (const example of examples) {
    it(`rebuilds every source table and cell view of the ${example} example`, async () => {
      const parsed = parseNotebook(await readFile(path.join(SAMPLES, `${example}.notebook.json`), 'utf8'));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      const compared = await compareExample(parsed.notebook, dir);
      const results = parsed.notebook.cells.filter((c) => c.kind !== 'markdown').length + parsed.notebook.sources.length;
      expect(compared).toBe(results);
    }, 180_000);
  }

  it('writes the script beside the CSVs with `seglab run --sql` on native DuckDB', async () => {
    const out = path.join(dir, 'out');
    const lines: string[] = [];
    const status = await main(['run', path.join(SAMPLES, 'churn.notebook.json'), '--out', out, '--engine', 'native', '--sql', 'churn.sql'], {
      cwd: dir,
      stdout: (t) => lines.push(t),
      stderr: (t) => lines.push(t)
    });
    expect(status, lines.join('')).toBe(0);
    expect(lines.join('')).toContain('wrote the SQL script churn.sql');
    const script = await readFile(path.join(dir, 'churn.sql'), 'utf8');
    expect(script.startsWith('-- Example: churn risk (IBM Telco)\n')).toBe(true);
    expect(script).toContain('--   duckdb analysis.duckdb < churn.sql');
    expect(script).toContain('rows computed in the browser (lookalike scores');
    const scripted = await runScript(script, dir, ['churn_risk']);
    const csv = (await readFile(path.join(out, 'risk.csv'), 'utf8')).trim().split('\n');
    expect(scripted.get('churn_risk')!.rows).toHaveLength(csv.length - 1);
  }, 120_000);

  it('reads Parquet and JSON sources with read_parquet / read_json to the loaded types', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const rows = `SELECT 'K' || range AS "Kunde", range * 1.5 AS "Umsatz €", range::INTEGER AS n, DATE '2025-01-01' + range::INTEGER AS tag,
      TIMESTAMP '2025-01-01 10:00:00' + INTERVAL (range) HOUR AS zeit, range % 2 = 0 AS gerade, CASE WHEN range % 3 = 0 THEN NULL ELSE 'Größe ' || range END AS "Größe" FROM range(50)`;
    await conn.run(`COPY (${rows}) TO '${path.join(dir, 'typen.parquet')}' (FORMAT parquet)`);
    const json = (await conn.runAndReadAll(`SELECT to_json(list(t)) AS j FROM (${rows}) t`)).getRowsJson()[0][0] as string;
    await writeFile(path.join(dir, 'typen.json'), json);
    conn.closeSync();
    instance.closeSync();
    const parsed = parseNotebook(
      JSON.stringify({
        format: 'seglab-notebook',
        version: 1,
        title: 'Typen',
        sources: [
          { name: 'p', path: 'typen.parquet' },
          { name: 'j', path: 'typen.json', format: 'json' }
        ],
        cells: [{ id: 'both', kind: 'sql', name: 'both', sql: 'SELECT p.*, j."Umsatz €" AS j_umsatz FROM p JOIN j USING ("Kunde")' }]
      })
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(await compareExample(parsed.notebook, dir)).toBe(3);
  }, 120_000);

  it('rebuilds a notebook with hostile names, quoted umlaut columns and Windows-1252 text', async () => {
    const csv = [
      'Kunde;"Straße ""alt""";Umsatz;Datum',
      'K1;Hauptstraße;1.234,56;31.12.2025',
      'K2;Bahnhofstr.;12,5;01.02.2024',
      'K3;Gärtnerweg;980,00;15.06.2025',
      'K4;Öhringer Str.;2.000,10;03.03.2023',
      'K5;Ulmenallee;7,25;30.09.2025',
      'K6;Zeile;1.500,00;11.11.2024'
    ];
    await writeFile(path.join(dir, 'böse "datei".csv'), Buffer.from(`${csv.join('\r\n')}\r\n`, 'latin1'));
    const source = `kunden '"`;
    const hostile = `x"; DROP TABLE "kunden '"""; --`;
    const parsed = parseNotebook(
      JSON.stringify({
        format: 'seglab-notebook',
        version: 1,
        title: 'Böse\nDROP TABLE x; --',
        sources: [{ name: source, path: 'böse "datei".csv' }],
        cells: [
          { id: 'md', kind: 'markdown', text: `Erst\nDROP TABLE "kunden '"""; -- \r SELECT 1;` },
          {
            id: 'q',
            kind: 'sql',
            name: hostile,
            sql: `SELECT "Kunde", "Straße ""alt""" AS "Straße 'neu'", "Umsatz", "Datum" FROM "kunden '"""\n-- trailing comment`
          },
          { id: 'c', kind: 'cluster', name: 'gruppen "ü"', table: hostile, key: 'Kunde', features: [{ column: 'Umsatz', prep: 'z' }], k: 2, seed: 1 }
        ]
      })
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(await compareExample(parsed.notebook, dir)).toBe(3);
  }, 120_000);
});
