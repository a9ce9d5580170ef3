import type { Cell, Notebook } from '../notebook/model';
import { notebookSqlScript, SqlScriptError, type ScriptCell, type ScriptSource } from '../notebook/sql-script';
import { clusterDetails } from './cluster';
import type { Engine } from './engine';
import { said } from '../i18n/note';
import { EngineError } from './errors';
import type { RecordingDb } from './recording-db';
import type { RunNotebookOptions } from './run-notebook';
import { clvDetails } from './value-cells';

/** The notebook facts a script's header states. */
export interface ScriptMeta {
  /** seglab's version. */
  version: string;
  /** The export date, `YYYY-MM-DD`. */
  date: string;
  /** The script's file name. */
  fileName: string;
}

/**
 * Writes the notebook as one DuckDB SQL script (`notebookSqlScript`) from the engine's loaded
 * tables and what each cell did in its last run, with the fitted parameters of cells whose
 * results were computed in JS named in a comment. Throws `EngineError` `UNSUPPORTED` when a source
 * is not loaded or a cell's result cannot be written as SQL.
 * @param engine the engine that ran the notebook
 * @param notebook the notebook
 * @param cells cell id → the steps its last successful run recorded (`RecordingDb`)
 * @param meta version, date and file name for the header
 */
export async function exportNotebookScript(engine: Engine, notebook: Notebook, cells: ReadonlyMap<string, ScriptCell>, meta: ScriptMeta): Promise<string> {
  const tables = new Map(engine.tables().map((t) => [t.name, t]));
  const sources: ScriptSource[] = notebook.sources.map((s) => {
    const table = tables.get(s.name);
    if (!table?.read) throw new EngineError({ code: 'UNSUPPORTED', ...said('scriptSourceNotLoaded', { name: s.name }) });
    return { name: s.name, path: s.path, read: table.read, ...(s.options?.sheet ? { sheet: s.options.sheet } : {}) };
  });
  const noted = new Map<string, ScriptCell>();
  for (const cell of notebook.cells) {
    const run = cells.get(cell.id);
    if (!run) continue;
    const note = run.steps.some((s) => s.kind === 'values') ? await fitNote(engine, cell) : undefined;
    noted.set(cell.id, note ? { ...run, note } : run);
  }
  try {
    return notebookSqlScript({ notebook, ...meta, sources, cells: noted });
  } catch (e) {
    if (e instanceof SqlScriptError) throw new EngineError({ code: 'UNSUPPORTED', message: e.message, key: e.note.key, values: e.note.values }, { cause: e });
    throw e;
  }
}

/**
 * Run options that record, with `recorder`, what each cell of a `runNotebook` run does: the steps
 * between one cell's end and the next cell's end belong to the later cell; whatever a source load
 * does is dropped (sources are read by the script's own `read_csv`). Only successful cells are kept.
 * Recording starts at once.
 * @param recorder the recording backend under the run's engine
 * @param options the run's own options, whose callbacks still fire
 */
export function recordingRun(recorder: RecordingDb, options: RunNotebookOptions): { options: RunNotebookOptions; cells: Map<string, ScriptCell> } {
  const cells = new Map<string, ScriptCell>();
  recorder.start();
  return {
    cells,
    options: {
      ...options,
      onSource(run) {
        recorder.start();
        options.onSource?.(run);
      },
      onCell(run) {
        const steps = recorder.stop();
        if (run.status === 'ok') cells.set(run.id, { steps });
        recorder.start();
        options.onCell?.(run);
      }
    }
  };
}

/**
 * How a cell's JS-computed values came about, for the comment above them.
 * @param engine the engine holding the cell's cached fit
 * @param cell the cell
 */
async function fitNote(engine: Engine, cell: Cell): Promise<string | undefined> {
  if (cell.kind === 'clv') {
    const fit = await clvDetails(engine, cell);
    const params = (p: object) => Object.entries(p).map(([k, v]) => `${k} = ${Number(v).toPrecision(6)}`).join(', ');
    const gg = fit.gammaGamma ? `; Gamma-Gamma ${params(fit.gammaGamma.params)}` : '';
    return `BG/NBD ${params(fit.bgnbd.params)}${gg}`;
  }
  if (cell.kind === 'cluster') {
    const fit = await clusterDetails(engine, cell);
    return `${fit.algorithm === 'kmodes' ? 'k-modes' : 'k-means'}, k = ${fit.k}, seed ${cell.seed ?? 'default'}, ${fit.iterations} iterations`;
  }
  if (cell.kind === 'lookalike') return `lookalike scores, ${cell.method} model`;
  return undefined;
}
