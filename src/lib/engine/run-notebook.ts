import { tableFromIPC } from 'apache-arrow';
import { checkChart } from '../charts/chart-spec';
import { chartQuery } from '../charts/chart-query';
import { cellDependencies, skipReason, sqlWords, type CellDeps, type ResultCell, type RunStatus } from '../notebook/graph';
import { campaignSegmentCell, cellView, type Cell, type Notebook, type SegmentGuards, type Source } from '../notebook/model';
import { dropStatements, userObjectsQuery, type DbObject } from '../sql/drop-all';
import { ident, lit, sql } from '../sql/quote';
import { RuleError, segmentQuery } from '../sql/segment-rules';
import { leadTierQuery } from '../sql/lead-tiers';
import { abTestCellQuery, kpisCellQuery } from './campaign';
import { clusterCellQuery } from './cluster';
import { lookalikeCellQuery } from './lookalike';
import { clvCellQuery, cohortCellQuery, rfmCellQuery, tiersCellQuery } from './value-cells';
import type { LoadOptions, TableInfo } from './api';
import type { Engine } from './engine';
import { note, NoteError, said, type NoteKey, type NoteValues } from '../i18n/note';
import { EngineError, notedEngineError, type EngineErrorCode } from './errors';
import type { ByteSource } from './source';

/** How loading one source ended. */
export interface SourceRun {
  name: string;
  status: RunStatus;
  rows: number | null;
  ms: number;
  /** Why it failed. */
  error?: string;
  code?: EngineErrorCode;
  /** The message in `notes` that says `error` in the UI's language, when the engine made it. */
  errorKey?: NoteKey;
  errorValues?: NoteValues;
  /** The loaded table (columns, conversions, warnings) when it succeeded. */
  table?: TableInfo;
}

/** How one cell ended. */
export interface CellRun {
  id: string;
  name?: string;
  kind: Cell['kind'];
  status: RunStatus;
  /** Rows in the result; `null` for cells without one (Markdown, failed, skipped). */
  rows: number | null;
  ms: number;
  /** Why it failed (DuckDB's first line) or why it was skipped. */
  error?: string;
  code?: EngineErrorCode;
  /** The message in `notes` that says `error` in the UI's language, when the engine made it. */
  errorKey?: NoteKey;
  errorValues?: NoteValues;
  /** 1-based position of a SQL error inside the cell's own text. */
  line?: number;
  column?: number;
  /** The table or view holding the cell's result (its name, or a hidden one for an unnamed cell). */
  table?: string;
  /** What the cell reads: sources by name, cells by id. */
  deps?: CellDeps;
  /** The result's columns and their DuckDB types. */
  columns?: { name: string; type: string }[];
}

/** The outcome of a whole run. */
export interface NotebookRun {
  ok: boolean;
  sources: SourceRun[];
  cells: CellRun[];
  ms: number;
}

/** How a run reaches files and hands out results; the browser and the CLI differ only here. */
export interface RunNotebookOptions {
  /** Opens a source's file (a `File` in the browser, a path in Node). */
  openSource(source: Source): ByteSource | Promise<ByteSource>;
  /**
   * Reads a cell's result once its table or view exists, e.g. writes it as CSV or fetches a preview, and
   * reports the row count. Default: counts the rows. A throw marks the cell failed.
   */
  consume?(table: string, cell: ResultCell): Promise<{ rows: number }>;
  onSource?(run: SourceRun): void;
  onCell?(run: CellRun): void;
  /** Aborting skips the cells not yet started. */
  signal?: AbortSignal;
}

/**
 * Runs a notebook on an engine: loads the sources as tables named after them, then runs the
 * cells in document order. A named cell's result is a table or view of its name (see `runCell`)
 * that later cells can read; an unnamed one's a hidden temp one. A cell whose source or upstream
 * cell failed is skipped with the reason; independent cells still run. Never throws for a failing cell.
 * @param engine the engine (any backend)
 * @param notebook a validated notebook
 * @param options file access, result handling, progress callbacks
 */
export async function runNotebook(engine: Engine, notebook: Notebook, options: RunNotebookOptions): Promise<NotebookRun> {
  const started = now();
  const consume = options.consume ?? ((table: string) => countRows(engine, table));
  if (notebook.settings?.referenceDate) {
    await engine.db.exec(String(sql`SET VARIABLE reference_date = CAST(${lit(notebook.settings.referenceDate)} AS DATE)`));
  }

  const sources: SourceRun[] = [];
  for (const source of notebook.sources) {
    const run = await loadSource(engine, source, options);
    sources.push(run);
    options.onSource?.(run);
  }

  // DuckDB binds a query to list its tables, so each cell is asked right before it runs, when
  // every upstream view that succeeded exists.
  const reads = new Map<string, readonly string[]>();
  const sourceStatus = new Map(sources.map((s) => [s.name, s.status]));
  const cellStatus = new Map<string, RunStatus>();
  const labels = new Map(notebook.cells.map((c) => [c.id, (c.kind !== 'markdown' && c.name) || c.id]));
  const byId = new Map(notebook.cells.map((c) => [c.id, c]));

  const cells: CellRun[] = [];
  for (const cell of notebook.cells) {
    let run: CellRun;
    if (cell.kind === 'markdown') {
      run = { id: cell.id, kind: cell.kind, status: 'ok', rows: null, ms: 0 };
    } else {
      if (cell.kind === 'sql') reads.set(cell.id, await tablesRead(engine, cell.sql));
      const cellDeps = cellDependencies(notebook, (c) => reads.get(c.id) ?? []).get(cell.id) ?? { sources: [], cells: [] };
      const reason = options.signal?.aborted
        ? note('skipRunCancelled')
        : skipReason(cellDeps, sourceStatus, cellStatus, (id) => labels.get(id) ?? id);
      const fromId = cell.kind === 'chart' ? cell.from : cell.kind === 'lookalike' && cell.seeds?.kind === 'segment' ? cell.seeds.from : campaignSegmentCell(cell);
      const from = fromId === undefined ? undefined : byId.get(fromId);
      const input = from && from.kind !== 'markdown' ? cellView(from) : undefined;
      if (!reason) await clearResultName(engine, cell);
      run = reason
        ? { ...base(cell, cellDeps), status: 'skipped', rows: null, ms: 0, error: reason.text, ...noteOf(reason) }
        : await runCell(engine, cell, { deps: cellDeps, input, consume, referenceDate: notebook.settings?.referenceDate, locale: notebook.settings?.locale, guards: notebook.settings?.guards });
      cellStatus.set(cell.id, run.status);
    }
    cells.push(run);
    options.onCell?.(run);
  }

  const ok = sources.every((s) => s.status === 'ok') && cells.every((c) => c.status === 'ok');
  return { ok, sources, cells, ms: Math.round(now() - started) };
}

async function loadSource(engine: Engine, source: Source, options: RunNotebookOptions): Promise<SourceRun> {
  const started = now();
  try {
    if (engine.tables().some((t) => t.name === source.name)) await engine.dropTable(source.name);
    const file = await options.openSource(source);
    const load: LoadOptions = { ...source.options, table: source.name };
    if (source.format) load.format = source.format;
    const table = await engine.load(file, load);
    if (table.name !== source.name) {
      await engine.dropTable(table.name);
      throw new EngineError({ code: 'SQL_BIND', ...said('sourceExists', { name: source.name }) });
    }
    return { name: source.name, status: 'ok', rows: table.rows, ms: elapsed(started), table };
  } catch (e) {
    const err = asEngineError(e);
    return { name: source.name, status: 'error', rows: null, ms: elapsed(started), error: err.message, code: err.code, ...noteOf(err) };
  }
}

/** What `runCell` needs besides the cell. */
export interface RunCellOptions {
  /** What the cell reads (reported back in its run). */
  deps?: CellDeps;
  /** Chart cells: the table or view holding the charted cell's result; lookalike cells: the one of their seed cell; campaign cells: the one of their segmentation cell. */
  input?: string;
  /** Reads the result once its table or view exists (default: counts the rows). */
  consume?: (table: string, cell: ResultCell) => Promise<{ rows: number }>;
  /** The notebook's reference date, for segment rules relative to it. */
  referenceDate?: string;
  /** The notebook's language, for the names a cell writes (tiers). */
  locale?: 'de' | 'en';
  /** The notebook's guards (A/B test cells warn about arms smaller than `minSize`). */
  guards?: SegmentGuards;
}

/**
 * Runs one cell. An analysis cell's result (every kind but SQL and chart) becomes a table, so
 * reading it again (row count, grid pages, reports, charts, later cells) does not recompute the
 * analysis; a SQL cell's (the user's own query) and a chart cell's (a small aggregate) a view.
 * Named cells: `CREATE OR REPLACE TABLE|VIEW name`, others a hidden temp one. A name that is a
 * loaded table keeps the view form, which DuckDB refuses as it refuses a SQL cell of that name
 * (the table form would replace the loaded table). A SQL cell's text goes in verbatim; a chart
 * cell's aggregation is built from its config over the input; a segment cell's query is compiled
 * from its rules. A result of the other kind under the same name must be gone first
 * (`clearResultName`). Never throws: a failure is the run's `error` (with the line and column
 * inside the cell's own text for SQL errors).
 * @param engine the engine
 * @param cell a result cell
 * @param options dependencies, input, result handling
 */
export async function runCell(engine: Engine, cell: ResultCell, options: RunCellOptions = {}): Promise<CellRun> {
  const started = now();
  const deps = options.deps ?? { sources: [], cells: [] };
  const consume = options.consume ?? ((table: string) => countRows(engine, table));
  const view = cellView(cell);
  const kind = resultKind(engine, cell) === 'TABLE' ? sql`TABLE` : sql`VIEW`;
  const create = cell.name ? sql`CREATE OR REPLACE ${kind} ${ident(view)} AS` : sql`CREATE OR REPLACE TEMP ${kind} ${ident(view)} AS`;
  try {
    let body: string;
    if (cell.kind === 'sql') {
      // The cell's SQL is the user's own query: it goes in verbatim, on its own line so error
      // positions map back to the cell (line - 1).
      body = cellQuery(cell.sql);
    } else if (cell.kind === 'segment') {
      body = String(segmentQuery(cell, options.referenceDate));
    } else if (cell.kind === 'cluster') {
      body = String(await clusterCellQuery(engine, cell));
    } else if (cell.kind === 'rfm') {
      body = String(await rfmCellQuery(engine, cell, options.referenceDate));
    } else if (cell.kind === 'clv') {
      body = String(await clvCellQuery(engine, cell));
    } else if (cell.kind === 'tiers') {
      body = String(tiersCellQuery(cell, options.locale ?? 'en'));
    } else if (cell.kind === 'cohort') {
      body = String(cohortCellQuery(cell, options.referenceDate));
    } else if (cell.kind === 'lookalike') {
      body = String(await lookalikeCellQuery(engine, cell, options.input, options.referenceDate, options.locale ?? 'en'));
    } else if (cell.kind === 'leads') {
      body = String(leadTierQuery(cell, options.referenceDate));
    } else if (cell.kind === 'abtest') {
      body = String(await abTestCellQuery(engine, cell, options.input, options.guards?.minSize, options.locale ?? 'en'));
    } else if (cell.kind === 'kpis') {
      body = String(kpisCellQuery(cell, options.input, options.referenceDate, options.locale ?? 'en'));
    } else {
      if (!options.input) throw new EngineError({ code: 'SQL_BIND', ...said('chartNoInput', { cell: cell.from }) });
      const inputColumns = await describe(engine, options.input);
      const problem = checkChart(cell.chart, inputColumns);
      if (problem) throw new EngineError({ code: 'SQL_BIND', message: problem.text, key: problem.key, values: problem.values });
      body = chartQuery(cell.chart, options.input, inputColumns);
    }
    await engine.db.exec(`${create}\n${body}\n`);
    const columns = await describe(engine, view);
    const { rows } = await consume(view, cell);
    return { ...base(cell, deps), status: 'ok', rows, ms: elapsed(started), table: view, columns };
  } catch (e) {
    const err = asEngineError(e);
    const run: CellRun = { ...base(cell, deps), status: 'error', rows: null, ms: elapsed(started), error: err.message, code: err.code, ...noteOf(err) };
    if (cell.kind === 'sql' && err.line !== undefined && err.line > 1 && err.sql?.startsWith(String(create))) {
      run.line = err.line - 1;
      run.column = err.column;
    }
    return run;
  }
}

/**
 * Whether a cell's result is a table or a view (see `runCell`).
 * @param engine the engine, for its loaded tables
 * @param cell the cell
 */
function resultKind(engine: Engine, cell: ResultCell): DbObject['kind'] {
  return cell.kind === 'sql' || cell.kind === 'chart' || isLoaded(engine, cellView(cell)) ? 'VIEW' : 'TABLE';
}

/**
 * Drops what holds a result of the other kind under a cell's name (a view where the cell now makes
 * a table, e.g. after its kind or name changed, or the reverse), which DuckDB's `CREATE OR REPLACE`
 * refuses to replace. Never drops a loaded table. Called before `runCell` (in the worker before
 * recording starts): the drop depends on what an earlier run left, so a script must not repeat it.
 * @param engine the engine
 * @param cell the cell about to run
 */
export async function clearResultName(engine: Engine, cell: ResultCell): Promise<void> {
  const kind = resultKind(engine, cell);
  const temp = !cell.name;
  const stale = (await resultObjects(engine, cellView(cell))).filter((o) => o.kind !== kind && (o.database_name === 'temp') === temp);
  for (const statement of dropStatements(stale)) await engine.db.exec(statement);
}

/**
 * Drops a cell's result, table or view, named or hidden (the cell was deleted or renamed). Never
 * drops a loaded table.
 * @param engine the engine
 * @param name the result's name (`cellView`)
 */
export async function dropResult(engine: Engine, name: string): Promise<void> {
  for (const statement of dropStatements(await resultObjects(engine, name))) await engine.db.exec(statement);
}

/** The tables and views named `name` (DuckDB compares names case-insensitively), loaded tables left out. */
async function resultObjects(engine: Engine, name: string): Promise<DbObject[]> {
  const lower = name.toLowerCase();
  const objects = await engine.db.rows<DbObject>(String(userObjectsQuery()));
  return objects.filter((o) => o.name.toLowerCase() === lower && !(o.kind === 'TABLE' && o.database_name !== 'temp' && isLoaded(engine, o.name)));
}

function isLoaded(engine: Engine, name: string): boolean {
  const lower = name.toLowerCase();
  return engine.tables().some((t) => t.name.toLowerCase() === lower);
}

async function describe(engine: Engine, view: string): Promise<{ name: string; type: string }[]> {
  const rows = await engine.db.rows<{ column_name: string; column_type: string }>(String(sql`DESCRIBE SELECT * FROM ${ident(view)}`));
  return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
}

/**
 * The tables a query reads, by DuckDB when the backend offers it, else by the conservative word
 * scan. DuckDB binds the query to answer, so it fails (WASM) or answers nothing (native) when a
 * table it reads is missing, e.g. because the cell that makes it failed: the word scan covers that.
 * @param engine the engine
 * @param text the cell's SQL
 */
export async function tablesRead(engine: Engine, text: string): Promise<readonly string[]> {
  if (engine.db.tableNames) {
    try {
      const names = await engine.db.tableNames(cellQuery(text));
      if (names.length) return names;
    } catch {
      // Fall back to the word scan; the cell reports its own error when it runs.
    }
  }
  return sqlWords(text);
}

function cellQuery(text: string): string {
  return text.replace(/[\s;]+$/, '');
}

/**
 * A `consume` for `runCell` that keeps the first `limit` rows of the result as Arrow IPC and runs
 * the extra `count(*)` only when the head was cut off, so a result that fits is queried once.
 * @param engine the engine
 * @param limit rows to keep
 */
export function headConsumer(engine: Engine, limit: number): { consume: (table: string) => Promise<{ rows: number }>; bytes: () => Uint8Array } {
  let bytes: Uint8Array = new Uint8Array();
  const consume = async (table: string) => {
    const cap = Math.max(0, Math.floor(limit));
    bytes = await engine.query(String(sql`SELECT * FROM ${ident(table)} LIMIT ${cap}`));
    const kept = tableFromIPC(bytes).numRows;
    return kept < cap ? { rows: kept } : countRows(engine, table);
  };
  return { consume, bytes: () => bytes };
}

async function countRows(engine: Engine, table: string): Promise<{ rows: number }> {
  const [{ n }] = await engine.db.rows<{ n: number }>(String(sql`SELECT count(*) AS n FROM ${ident(table)}`));
  return { rows: n };
}

function base(cell: ResultCell, deps: CellDeps): Pick<CellRun, 'id' | 'name' | 'kind' | 'deps'> {
  const out: Pick<CellRun, 'id' | 'name' | 'kind' | 'deps'> = { id: cell.id, kind: cell.kind, deps };
  if (cell.name) out.name = cell.name;
  return out;
}

/**
 * The key and values of a run's `error`, when the engine made it.
 * @param said an engine error or a note
 */
function noteOf(said: { key?: NoteKey; values?: NoteValues }): Pick<CellRun, 'errorKey' | 'errorValues'> {
  return said.key ? { errorKey: said.key, ...(said.values ? { errorValues: said.values } : {}) } : {};
}

function asEngineError(e: unknown): EngineError {
  if (e instanceof EngineError) return e;
  if (e instanceof NoteError) return notedEngineError(e, e instanceof RuleError ? 'SQL_BIND' : 'INTERNAL');
  return new EngineError({ code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) }, { cause: e });
}

function now(): number {
  return performance.now();
}

function elapsed(started: number): number {
  return Math.round(now() - started);
}
