/**
 * The suite's steps on a DuckDB backend in Node (native DuckDB with 1 or all threads, DuckDB-WASM's
 * Node build), through the same `Engine`, loaders and `runCell` as the runner and the browser
 * worker, so every backend runs the same SQL.
 */
import path from 'node:path';
import type { Db } from '../../src/lib/engine/db';
import { Engine } from '../../src/lib/engine/engine';
import { headConsumer, runCell } from '../../src/lib/engine/run-notebook';
import { nodeFileSource } from '../../src/lib/engine/source-node';
import type { Notebook } from '../../src/lib/notebook/model';
import type { ResultCell } from '../../src/lib/notebook/graph';
import { CELLS } from './bench-notebook';
import type { StepFigures, StepId } from './suite';

/** The rows the app fetches with a cell's run (`GRID_FIRST_ROWS` in the notebook UI; the grid loads more on demand). */
export const GRID_FIRST_ROWS = 10_000;

/** What `runNodeSteps` reads. */
export interface NodeStepInput {
  /** Directory with customers.parquet, transactions.parquet and transactions.csv. */
  dir: string;
  notebook: Notebook;
  runs: number;
  /** Told each step's run time as it ends. */
  log?: (text: string) => void;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

/**
 * Runs every step `runs` times on a fresh engine over `db`: loading transactions from CSV and from
 * Parquet, profiling them, then (after one untimed run of the whole notebook, as the browser's
 * run-all) each analysis cell. Closes `db` at the end.
 * @param db an opened backend
 * @param memoryLimitBytes the engine's memory budget
 * @param input data directory, notebook, number of runs
 */
export async function runNodeSteps(db: Db, memoryLimitBytes: number, input: NodeStepInput): Promise<Partial<Record<StepId, StepFigures>>> {
  const engine = new Engine(db, memoryLimitBytes);
  const file = (name: string) => nodeFileSource(path.join(input.dir, name));
  const out: Partial<Record<StepId, StepFigures>> = {};
  const record = (step: StepId, seconds: number) => {
    (out[step] ??= { seconds: [] }).seconds.push(seconds);
    input.log?.(`${step} ${seconds.toFixed(3)} s`);
  };
  try {
    for (let r = 0; r < input.runs; r++) {
      record('load_csv', await timed(() => engine.load(file('transactions.csv'), { table: 'transactions_csv', format: 'csv' })));
      await engine.dropTable('transactions_csv');
    }
    for (let r = 0; r < input.runs; r++) {
      record('load_parquet', await timed(() => engine.load(file('transactions.parquet'), { table: 'transactions', format: 'parquet' })));
      if (r < input.runs - 1) await engine.dropTable('transactions');
    }
    for (let r = 0; r < input.runs; r++) record('profile', await timed(() => engine.profile('transactions')));
    await engine.load(file('customers.parquet'), { table: 'customers', format: 'parquet' });

    const settings = { referenceDate: input.notebook.settings?.referenceDate, locale: input.notebook.settings?.locale };
    const cells = input.notebook.cells.filter((c): c is ResultCell => c.kind !== 'markdown');
    const run = async (cell: ResultCell) => {
      const head = headConsumer(engine, GRID_FIRST_ROWS);
      const result = await runCell(engine, cell, { consume: head.consume, ...settings });
      if (result.status !== 'ok') throw new Error(`cell ${cell.id} ${result.status}: ${result.error}`);
    };
    for (const cell of cells) await run(cell);
    const timedCells: [StepId, string][] = [['segment', CELLS.segment], ['rfm', CELLS.rfm], ['clv', CELLS.clv], ['kmeans', CELLS.kmeans], ['lookalike', CELLS.lookalike]];
    for (const [step, id] of timedCells) {
      const cell = cells.find((c) => c.id === id)!;
      for (let r = 0; r < input.runs; r++) record(step, await timed(() => run(cell)));
    }
    return out;
  } finally {
    await db.close();
  }
}
