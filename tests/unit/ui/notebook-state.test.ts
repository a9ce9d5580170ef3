import { tableFromArrays, tableToIPC } from '@uwdata/flechette';
import { describe, expect, it } from 'vitest';
import type { CellRun } from '../../../src/lib/engine/api';
import type { EngineClient } from '../../../src/lib/engine/client';
import { EngineError } from '../../../src/lib/engine/errors';
import { sqlWords } from '../../../src/lib/notebook/graph';
import { cellView, type ChartCell, type ClusterCell, type Notebook, type SqlCell } from '../../../src/lib/notebook/model';
import { EngineQueue } from '../../../src/lib/ui/engine-queue';
import { NotebookState } from '../../../src/lib/ui/notebook/notebook.svelte';

/**
 * An engine that "runs" a SQL cell by looking at its text: `fail` fails with a position, `slow`
 * waits until cancelled; everything else yields 3 rows. It records what ran, in order.
 */
function fakeEngine(tables: string[] = ['kunden'], sources: string[] = tables, columns: { name: string; type: string }[] = [{ name: 'id', type: 'BIGINT' }]) {
  const ran: string[] = [];
  const dropped: string[] = [];
  let cancelSlow: (() => void) | null = null;
  const api = {
    reads: async (text: string) => sqlWords(text),
    runCell: async (cell: SqlCell | ChartCell | ClusterCell, input?: string): Promise<{ run: CellRun; bytes: Uint8Array }> => ({
      run: await run(cell, input),
      bytes: tableToIPC(tableFromArrays({ v: [1, 2, 3] }), { format: 'stream' })!
    }),
    dropView: async (name: string) => {
      dropped.push(name);
    },
    cancel: async () => cancelSlow?.()
  };
  async function run(cell: SqlCell | ChartCell | ClusterCell, input?: string): Promise<CellRun> {
    ran.push(cell.id);
    const base = { id: cell.id, kind: cell.kind, ms: 1 } as const;
    if (cell.kind === 'sql' && cell.sql.includes('fail')) {
      return { ...base, status: 'error', rows: null, error: 'Parser Error: syntax error at or near "fail"', code: 'SQL_PARSE', line: 1, column: 8 };
    }
    if (cell.kind === 'sql' && cell.sql.includes('slow')) {
      await new Promise<void>((_, reject) => (cancelSlow = () => reject(new EngineError({ code: 'CANCELLED', message: 'cancelled' }))));
    }
    if (cell.kind === 'chart' && !input) throw new Error('chart without input');
    return { ...base, status: 'ok', rows: 3, table: cellView(cell), columns: [{ name: 'v', type: 'BIGINT' }] };
  }
  const client = { call: <T>(fn: (a: typeof api) => Promise<T>) => fn(api) } as unknown as EngineClient;
  const queue = new EngineQueue(client);
  let changes = 0;
  const nb = new NotebookState({
    queue,
    tables: () => tables.map((name) => ({ name, rows: 0, columns })),
    sources: () => sources.map((name) => ({ name, path: `${name}.csv` })),
    changed: () => changes++,
    addFiles: () => Promise.reject(new Error('not used here'))
  });
  return { nb, ran, dropped, changes: () => changes };
}

function doc(cells: Notebook['cells']): Notebook {
  return { format: 'seglab-notebook', version: 1, title: 't', sources: [], cells };
}

async function settle(nb: NotebookState): Promise<void> {
  for (let i = 0; i < 200 && nb.runState === 'running'; i++) await new Promise((r) => setTimeout(r, 5));
}

/** Opens the cells as a notebook and runs them all. */
async function ranAll(nb: NotebookState, cells: Notebook['cells']): Promise<void> {
  nb.replace(doc(cells));
  nb.runAll();
  await settle(nb);
}

const chain = doc([
  { id: 'a', kind: 'sql', name: 'base', sql: 'SELECT * FROM kunden' },
  { id: 'm', kind: 'markdown', text: '# x' },
  { id: 'b', kind: 'sql', name: 'mid', sql: 'SELECT * FROM base' },
  { id: 'c', kind: 'sql', sql: 'SELECT * FROM mid' },
  { id: 'd', kind: 'sql', sql: 'SELECT 1' },
  { id: 'ch', kind: 'chart', from: 'b', chart: { mark: 'bar', x: 'v' } }
]);

describe('NotebookState', () => {
  it('runs every cell in document order and counts rows', async () => {
    const { nb, ran } = fakeEngine();
    nb.replace(chain);
    nb.runAll();
    await settle(nb);
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'ch']);
    expect(nb.runState).toBe('idle');
    expect(nb.get('c')!.run!.rows).toBe(3);
    expect(nb.get('c')!.result!.total).toBe(3);
    expect(nb.get('ch')!.values).toEqual([{ v: 1 }, { v: 2 }, { v: 3 }]);
  });

  it('re-runs an edited cell and exactly the cells that read it', async () => {
    const { nb, ran } = fakeEngine();
    nb.replace(chain);
    nb.runAll();
    await settle(nb);
    ran.length = 0;
    nb.setSql('b', 'SELECT * FROM base WHERE true');
    nb.commit('b');
    await settle(nb);
    expect(ran).toEqual(['b', 'c', 'ch']);
  });

  it('does not re-run a cell whose text did not change', async () => {
    const { nb, ran } = fakeEngine();
    nb.replace(chain);
    nb.runAll();
    await settle(nb);
    ran.length = 0;
    nb.commit('a');
    await settle(nb);
    expect(ran).toEqual([]);
  });

  it('skips the readers of a failed cell and says why', async () => {
    const { nb, ran } = fakeEngine();
    nb.replace(chain);
    nb.setSql('a', 'SELECT fail FROM kunden');
    nb.runAll();
    await settle(nb);
    expect(ran).toEqual(['a', 'd']);
    expect(nb.runState).toBe('error');
    expect(nb.get('a')!.run).toMatchObject({ status: 'error', line: 1, column: 8 });
    expect(nb.get('b')!.status).toBe('skipped');
    expect(nb.get('b')!.run!.error).toBe('depends on cell "base", which failed');
    expect(nb.get('c')!.run!.error).toBe('depends on cell "mid", which was skipped');
    expect(nb.get('ch')!.status).toBe('skipped');
  });

  it('re-runs what a reloaded table or a new reference date changes, readers of readers included', async () => {
    const { nb, ran } = fakeEngine();
    nb.replace(chain);
    nb.runAll();
    await settle(nb);
    ran.length = 0;
    await nb.tableLoaded('KUNDEN');
    await settle(nb);
    expect(ran).toEqual(['a', 'b', 'c', 'ch']);
    ran.length = 0;
    nb.setReferenceDate('2025-01-01');
    await settle(nb);
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'ch']);
  });

  it('skips a cell whose source table is not loaded', async () => {
    const { nb, ran } = fakeEngine([], ['kunden']);
    nb.replace(doc([{ id: 'a', kind: 'sql', sql: 'SELECT * FROM kunden' }]));
    nb.runAll();
    await settle(nb);
    expect(ran).toEqual([]);
    expect(nb.get('a')!.run!.error).toBe('depends on source "kunden", which could not be loaded');
  });

  it('cancels the running cell and forgets the queued ones', async () => {
    const { nb, ran } = fakeEngine();
    nb.replace(
      doc([
        { id: 'a', kind: 'sql', name: 'base', sql: 'SELECT slow FROM kunden' },
        { id: 'b', kind: 'sql', sql: 'SELECT * FROM base' }
      ])
    );
    nb.runAll();
    await new Promise((r) => setTimeout(r, 20));
    expect(nb.get('a')!.status).toBe('running');
    expect(nb.get('b')!.status).toBe('queued');
    await nb.cancel();
    await settle(nb);
    expect(ran).toEqual(['a']);
    expect(nb.get('a')!.status).toBe('cancelled');
    expect(nb.get('b')!.status).toBe('idle');
    expect(nb.runState).toBe('idle');
    // The editor losing focus after the cancel does not restart the stopped query.
    nb.commit('a');
    await settle(nb);
    expect(ran).toEqual(['a']);
    expect(nb.get('a')!.status).toBe('cancelled');
  });

  it('marks a reader out of date when its input ran again and the user cancelled before the reader ran', async () => {
    const { nb, ran } = fakeEngine();
    await ranAll(nb, [
      { id: 'a', kind: 'sql', name: 'base', sql: 'SELECT * FROM kunden' },
      { id: 's', kind: 'sql', sql: 'SELECT * FROM base' },
      { id: 'b', kind: 'sql', sql: 'SELECT * FROM base' }
    ]);
    expect(['a', 's', 'b'].map((id) => nb.get(id)!.stale)).toEqual([false, false, false]);
    nb.setSql('s', 'SELECT slow FROM base');
    ran.length = 0;
    nb.runCell('a');
    await new Promise((r) => setTimeout(r, 20));
    expect(nb.get('s')!.status).toBe('running');
    expect(nb.get('b')!.status).toBe('queued');
    await nb.cancel();
    await settle(nb);
    expect(ran).toEqual(['a', 's']);
    expect(nb.get('a')!.stale).toBe(false);
    expect(nb.get('b')!.status).toBe('ok');
    expect(nb.get('b')!.stale).toBe(true);
    nb.runCell('b');
    await settle(nb);
    expect(nb.get('b')!.stale).toBe(false);
  });

  it('marks the readers of a dropped or renamed table, and their readers, out of date without running them', async () => {
    const { nb, ran } = fakeEngine(['kunden', 'orte']);
    await ranAll(nb, [
      { id: 'a', kind: 'sql', name: 'base', sql: 'SELECT * FROM kunden' },
      { id: 'b', kind: 'sql', sql: 'SELECT * FROM base' },
      { id: 'c', kind: 'sql', sql: 'SELECT * FROM orte' }
    ]);
    ran.length = 0;
    await nb.tableGone('Kunden');
    expect(['a', 'b', 'c'].map((id) => nb.get(id)!.stale)).toEqual([true, true, false]);
    expect(ran).toEqual([]);
    expect(nb.runState).toBe('idle');
  });

    it('adds, moves, collapses and deletes cells, dropping the deleted view', async () => {
    const { nb, dropped, changes } = fakeEngine();
    const first = nb.add('markdown');
    const sqlCell = nb.add('sql', first.cell.id, { sql: 'SELECT 1' });
    const chart = nb.add('chart');
    await settle(nb);
    expect(nb.cells.map((c) => c.cell.kind)).toEqual(['markdown', 'sql', 'chart']);
    expect((chart.cell as ChartCell).from).toBe(sqlCell.cell.id);
    nb.move(chart.cell.id, -2);
    expect(nb.cells.map((c) => c.cell.kind)).toEqual(['chart', 'markdown', 'sql']);
    nb.setCollapsed(first.cell.id, true);
    expect(nb.get(first.cell.id)!.cell.collapsed).toBe(true);
    await settle(nb);
    await nb.remove(sqlCell.cell.id);
    await settle(nb);
    expect(dropped).toEqual([`__seglab_cell_${sqlCell.cell.id}`]);
    expect(nb.cells).toHaveLength(2);
    expect(changes()).toBeGreaterThanOrEqual(5);
  });

  it('renames a cell: drops the old view and re-runs it and its readers', async () => {
    const { nb, ran, dropped } = fakeEngine();
    nb.replace(chain);
    nb.runAll();
    await settle(nb);
    ran.length = 0;
    await nb.rename('b', 'middle');
    await settle(nb);
    expect(dropped).toEqual(['mid']);
    expect(ran[0]).toBe('b');
    expect(ran).toContain('c');
  });

  it('writes the document back with the same cells', () => {
    const { nb } = fakeEngine();
    nb.replace(chain);
    const out = nb.toDocument();
    expect(out.cells).toEqual(chain.cells);
    expect(out.sources).toEqual([{ name: 'kunden', path: 'kunden.csv' }]);
  });

  it('adds a cluster cell over the quantities of the first table, with k = 4, and runs it', async () => {
    const columns = [
      { name: 'Kundennummer', type: 'VARCHAR' },
      { name: 'PLZ', type: 'BIGINT' },
      { name: 'Alter', type: 'INTEGER' },
      { name: 'Kanal', type: 'VARCHAR' },
      { name: 'Umsatz gesamt', type: 'DECIMAL(18,2)' },
      { name: 'spend', type: 'DOUBLE' }
    ];
    const { nb, ran } = fakeEngine(['kunden'], ['kunden'], columns);
    const added = nb.add('cluster');
    await settle(nb);
    expect(added.cell).toEqual({
      id: 'cluster1',
      kind: 'cluster',
      table: 'kunden',
      key: 'Kundennummer',
      features: [
        { column: 'Alter', prep: 'z' },
        { column: 'Umsatz gesamt', prep: 'log1p_z' },
        { column: 'spend', prep: 'log1p_z' }
      ],
      k: 4
    });
    expect(ran).toEqual(['cluster1']);
  });

  it('re-runs a cluster cell when what it computes or its names change, and not for an equal patch', async () => {
    const { nb, ran, changes } = fakeEngine(['kunden'], ['kunden'], [
      { name: 'id', type: 'BIGINT' },
      { name: 'x', type: 'DOUBLE' }
    ]);
    const { cell } = nb.add('cluster');
    await settle(nb);
    ran.length = 0;
    const saved = changes();
    nb.setCluster(cell.id, { k: 4 });
    await settle(nb);
    expect([ran.length, changes()]).toEqual([0, saved]);
    nb.setCluster(cell.id, { k: 3 });
    await settle(nb);
    nb.setCluster(cell.id, { names: ['Loyal', '', 'New'] });
    await settle(nb);
    nb.setCluster(cell.id, { seed: 7, restarts: 20 });
    await settle(nb);
    expect(ran).toEqual([cell.id, cell.id, cell.id]);
    expect(changes()).toBe(saved + 3);
    expect(nb.toDocument().cells[0]).toMatchObject({ k: 3, names: ['Loyal', '', 'New'], seed: 7, restarts: 20 });
    nb.setCluster(cell.id, { names: undefined });
    expect('names' in nb.get(cell.id)!.cell).toBe(false);
  });
});
