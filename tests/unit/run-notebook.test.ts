import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { clearResultName, dropResult, runCell, runNotebook } from '../../src/lib/engine/run-notebook';
import type { ResultCell } from '../../src/lib/notebook/graph';
import { NOTEBOOK_FORMAT, NOTEBOOK_VERSION, type Notebook, type RfmCell, type SegmentCell, type SqlCell } from '../../src/lib/notebook/model';
import { lit, sql } from '../../src/lib/sql/quote';
import { defaultRfmSegments } from '../../src/lib/sql/rfm';
import { file, openTestEngine } from './helpers/db';

const ORDERS = `SELECT * FROM (VALUES
  ('o1', 'a', DATE '2024-01-05', 100.0), ('o2', 'a', DATE '2024-12-20', 100.0),
  ('o3', 'b', DATE '2024-01-10', 50.0), ('o4', 'c', DATE '2024-06-01', 60.0)
) AS t(bestellung, kunde, datum, betrag)`;

const rfm: RfmCell = {
  id: 'rfm',
  kind: 'rfm',
  name: 'rfm',
  table: 'orders',
  key: 'kunde',
  date: 'datum',
  amount: 'betrag',
  orderId: 'bestellung',
  monetary: 'sum',
  segments: defaultRfmSegments('en').map((s) => ({ name: s.name, r: [...s.r] as [number, number], f: [...s.f] as [number, number] }))
};

/** A segment cell over the loaded `kunden` table. */
function segment(name?: string): SegmentCell {
  return { id: 'seg', kind: 'segment', ...(name ? { name } : {}), table: 'kunden', key: 'id', exclusive: true, segments: [{ name: 'Gross', where: 'umsatz > 100' }] };
}

function sqlCell(name: string, text = 'SELECT 1 AS one'): SqlCell {
  return { id: 'q', kind: 'sql', name, sql: text };
}

/** Runs a cell as the worker does: the name is cleared of a result of the other kind first. */
async function run(engine: Engine, cell: ResultCell) {
  await clearResultName(engine, cell);
  return runCell(engine, cell);
}

/** What DuckDB holds under `name` (any case): `main TABLE`, `temp VIEW`, … */
async function objects(engine: Engine, name: string): Promise<string[]> {
  const rows = await engine.db.rows<{ what: string }>(
    String(sql`SELECT database_name || ' TABLE' AS what FROM duckdb_tables() WHERE lower(table_name) = lower(${lit(name)})
     UNION ALL SELECT database_name || ' VIEW' FROM duckdb_views() WHERE NOT internal AND lower(view_name) = lower(${lit(name)})
     ORDER BY 1`)
  );
  return rows.map((r) => r.what.replace(/^memory /, 'main '));
}

describe('runCell results', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
    await engine.load(file('kunden.csv', 'id,umsatz\n1,50\n2,150\n3,300\n'), { table: 'kunden' });
  });

  it('materialises an analysis cell as a base table and keeps a SQL cell a view', async () => {
    const notebook: Notebook = {
      format: NOTEBOOK_FORMAT,
      version: NOTEBOOK_VERSION,
      title: 't',
      sources: [],
      settings: { referenceDate: '2024-12-31' },
      cells: [{ id: 'orders', kind: 'sql', name: 'orders', sql: ORDERS }, rfm, { ...segment(), id: 'hidden' }]
    };
    const result = await runNotebook(engine, notebook, { openSource: () => Promise.reject(new Error('no sources')) });
    expect(result.cells.map((c) => `${c.id}:${c.status}`)).toEqual(['orders:ok', 'rfm:ok', 'hidden:ok']);
    expect(result.cells[1]).toMatchObject({ table: 'rfm', rows: 3 });
    expect(await objects(engine, 'orders')).toEqual(['main VIEW']);
    expect(await objects(engine, 'rfm')).toEqual(['main TABLE']);
    expect(await objects(engine, '__seglab_cell_hidden')).toEqual(['temp TABLE']);
    const [{ type }] = await engine.db.rows<{ type: string }>("SELECT table_type AS type FROM information_schema.tables WHERE table_name = 'rfm'");
    expect(type).toBe('BASE TABLE');
  });

  it('switches a name from a SQL cell to an analysis cell and back', async () => {
    expect(await run(engine, sqlCell('wechsel'))).toMatchObject({ status: 'ok', rows: 1 });
    expect(await objects(engine, 'wechsel')).toEqual(['main VIEW']);
    expect(await run(engine, segment('wechsel'))).toMatchObject({ status: 'ok', rows: 3 });
    expect(await objects(engine, 'wechsel')).toEqual(['main TABLE']);
    expect(await engine.db.rows('SELECT id, segment FROM wechsel ORDER BY id')).toEqual([
      { id: 1, segment: 'Rest' },
      { id: 2, segment: 'Gross' },
      { id: 3, segment: 'Gross' }
    ]);
    expect(await run(engine, sqlCell('WECHSEL', 'SELECT 2 AS two'))).toMatchObject({ status: 'ok', rows: 1 });
    expect(await objects(engine, 'wechsel')).toEqual(['main VIEW']);
    expect(await engine.db.rows('SELECT * FROM wechsel')).toEqual([{ two: 2 }]);
  });

  it('refuses a cell named like a loaded table with the same error for every kind, and keeps the table', async () => {
    const error = /^Catalog Error: Existing object kunden is of type Table, trying to replace with type View/;
    for (const cell of [sqlCell('kunden'), segment('kunden'), { ...segment('Kunden'), id: 'upper' }]) {
      const result = await run(engine, cell);
      expect(result).toMatchObject({ status: 'error', code: 'SQL_BIND', rows: null });
      expect(result.error).toMatch(cell.name === 'Kunden' ? /Existing object Kunden is of type Table/ : error);
    }
    expect(await objects(engine, 'kunden')).toEqual(['main TABLE']);
    expect(await engine.db.rows('SELECT count(*)::INTEGER AS n FROM kunden')).toEqual([{ n: 3 }]);
  });

  it('drops a result table or view but never a loaded table', async () => {
    await run(engine, segment('weg_tabelle'));
    await run(engine, sqlCell('weg_sicht'));
    await run(engine, segment());
    expect(await objects(engine, '__seglab_cell_seg')).toEqual(['temp TABLE']);
    for (const name of ['weg_tabelle', 'weg_sicht', '__seglab_cell_seg', 'kunden', 'nie_da']) await dropResult(engine, name);
    for (const name of ['weg_tabelle', 'weg_sicht', '__seglab_cell_seg', 'nie_da']) expect(await objects(engine, name)).toEqual([]);
    expect(await objects(engine, 'kunden')).toEqual(['main TABLE']);
    expect(engine.tables().map((t) => t.name)).toEqual(['kunden']);
  });
});
