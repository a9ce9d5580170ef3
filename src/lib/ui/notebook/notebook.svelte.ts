import { tableFromIPC } from '@uwdata/flechette';
import type { CellRun, ClusterDetails, ClvFit, CsvExportOptions, KSelection, LookalikeDetails } from '../../engine/api';
import { cellDependencies, dependants, skipReason, type CellDeps, type ResultCell, type RunStatus } from '../../notebook/graph';
import {
  cellView,
  CHART_MARKS,
  NOTEBOOK_FORMAT,
  NOTEBOOK_VERSION,
  type Cell,
  type ChartConfig,
  type ClusterCell,
  type ClvCell,
  type CohortCell,
  type RfmCell,
  type TiersCell,
  type LeadsCell,
  type LookalikeCell,
  type AbTestCell,
  type KpisCell,
  campaignSegmentCell,
  baseTable,
  segmentNames,
  type Notebook,
  type NotebookSettings,
  type SegmentCell,
  type SegmentationReport,
  type SegmentGuards,
  type Source,
  DEFAULT_GUARDS
} from '../../notebook/model';
import { ident, lit, sql } from '../../sql/quote';
import { distinctTextQuery } from '../../sql/abtest';
import { defaultRfmSegments } from '../../sql/rfm';
import { columnKind, guessKey } from '../../sql/segment-templates';
import { guessTransactions } from '../../sql/value-templates';
import { featureFor, isQuantity } from '../cluster/features';
import { newBehaviour } from '../segment/rule-edit';
import { describeError } from '../describe-error';
import { newSalt } from '../privacy/personal.svelte';
import { Ticket, type EngineQueue } from '../engine-queue';
import { guessAbTest, guessKpis, pickControl, pickConversion } from '../campaign/campaign-defaults';
import { t } from '../strings';

/** Rows of a cell's result the grid may hold (sort and filter work on these). */
export const GRID_ROW_CAP = 2_000_000;
/**
 * Rows a run brings to the grid. A larger result loads up to `GRID_ROW_CAP` rows when the user
 * sorts, filters, scrolls to the end or asks, so a run over a million customers does not wait for
 * a million rows to cross two workers and be decoded.
 */
export const GRID_FIRST_ROWS = 10_000;
/** Rows of a chart's aggregated result the page receives; chart queries stay far below it. */
export const CHART_ROW_CAP = 50_000;

/** Where a cell is in its life: `queued` waits for an upstream cell, `running` runs in the worker. */
export type CellStatus = 'idle' | 'queued' | 'running' | 'ok' | 'error' | 'skipped' | 'cancelled';

/** The notebook root's `data-run-state`. */
export type RunState = 'idle' | 'running' | 'error';

/** A kind of cell the user can add. */
export type NewCellKind = Cell['kind'];

/** What a result grid shows: Arrow IPC of the first rows and the result's row count. */
export interface GridResult {
  bytes: Uint8Array;
  total: number;
  /** The rest of the result: absent when `bytes` holds all of it. */
  more?: MoreRows;
}

/** The rest of a result a grid can load: `load` puts up to `rows` rows into the cell's result. */
export interface MoreRows {
  rows: number;
  load: () => Promise<void>;
}

/** One cell with its last run and result. */
export class CellState {
  cell = $state() as Cell;
  status = $state<CellStatus>('idle');
  run = $state.raw<CellRun | null>(null);
  /** Cells with a grid: the first rows as Arrow IPC and the whole result's row count. */
  result = $state.raw<GridResult | null>(null);
  /** Chart cells: the aggregated rows as plain objects. */
  values = $state.raw<Record<string, unknown>[] | null>(null);
  /**
   * Something the last run read has changed since (an upstream cell ran, the table was reloaded,
   * the reference date or the result language changed) and this cell has not run again, e.g.
   * because the user cancelled: its result is of the old inputs.
   */
  stale = $state(false);
  /** `performance.now()` when the current run started. */
  startedAt = $state<number | null>(null);
  /** The SQL text of the last run, to tell whether an edit needs a re-run. */
  ranText: string | null = null;

  /** @param cell the document cell */
  constructor(cell: Cell) {
    this.cell = cell;
  }
}

/** How the notebook reaches what it does not own: the engine queue and the loaded tables. */
export interface NotebookHost {
  queue: EngineQueue;
  /** Tables loaded now, with their columns. */
  tables(): { name: string; rows: number; columns: { name: string; type: string }[] }[];
  /** Sources as the saved document should list them (loaded tables plus remembered ones). */
  sources(): Source[];
  /** Called after every change to the document (autosave). */
  changed(): void;
  /** Loads files as tables; resolves when the loads have ended. */
  addFiles(files: File[]): Promise<void>;
}

/**
 * The notebook: the ordered cells, their runs and results, and the run loop. Editing a cell
 * queues it and every cell that reads it; the loop runs them one by one in document order in the
 * engine worker, skipping a cell whose input failed with the reason.
 */
export class NotebookState {
  title = $state(t.notebook.untitled);
  cells = $state<CellState[]>([]);
  settings = $state<NotebookSettings>({});
  /** Ticks while something runs, so elapsed times update. */
  now = $state(0);
  readonly #pending = new Set<string>();
  #loop: Promise<void> | null = null;
  #ticket: Ticket | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #reads = new Map<string, readonly string[]>();

  /** @param host engine queue, tables and change notification */
  constructor(private readonly host: NotebookHost) {}

  /** `running` while any cell is queued or running, `error` when a cell failed, else `idle`. */
  get runState(): RunState {
    if (this.cells.some((c) => c.status === 'running' || c.status === 'queued')) return 'running';
    if (this.cells.some((c) => c.status === 'error')) return 'error';
    return 'idle';
  }

  /**
   * The cell with this id.
   * @param id cell id
   */
  get(id: string): CellState | undefined {
    return this.cells.find((c) => c.cell.id === id);
  }

  /**
   * Adds a cell after `afterId` (or at the end) and returns it; SQL, chart, and segment and cluster
   * cells with a table run at once.
   * @param kind the new cell's kind
   * @param afterId insert after this cell
   * @param init fields of the new cell (text, SQL, chart input)
   */
  add(kind: NewCellKind, afterId?: string, init: { sql?: string; text?: string; from?: string; chart?: ChartConfig } = {}): CellState {
    const id = this.#newId(kind);
    let cell: Cell;
    if (kind === 'sql') cell = { id, kind, sql: init.sql ?? '' };
    else if (kind === 'markdown') cell = { id, kind, text: init.text ?? '' };
    else if (kind === 'segment') cell = this.#newSegment(id);
    else if (kind === 'cluster') cell = this.#newCluster(id);
    else if (kind === 'rfm' || kind === 'clv' || kind === 'cohort' || kind === 'tiers') cell = this.#newValueCell(id, kind, afterId);
    else if (kind === 'leads') cell = this.#newLeads(id);
    else if (kind === 'lookalike') cell = this.#newLookalike(id);
    else if (kind === 'abtest' || kind === 'kpis') cell = this.#newCampaign(id, kind);
    else {
      const from = init.from ?? this.#lastResultAbove(afterId)?.cell.id ?? '';
      cell = { id, kind, from, chart: init.chart ?? { mark: CHART_MARKS[0] } };
    }
    const state = new CellState(cell);
    const at = afterId ? this.cells.findIndex((c) => c.cell.id === afterId) + 1 : this.cells.length;
    this.cells.splice(at > 0 ? at : this.cells.length, 0, state);
    this.host.changed();
    if (cell.kind === 'clv' && cell.table) void this.#fillClvPeriods(cell);
    else if ((cell.kind === 'abtest' || cell.kind === 'kpis') && cell.table) void this.#fillCampaign(cell);
    else if (
      kind === 'chart' ||
      (cell.kind === 'segment' && cell.table) ||
      (cell.kind === 'cluster' && cell.features.length) ||
      (cell.kind === 'lookalike' && cell.features.length && (cell.seeds?.kind === 'segment' || cell.label)) ||
      ((cell.kind === 'rfm' || cell.kind === 'cohort' || cell.kind === 'tiers' || cell.kind === 'leads') && cell.table) ||
      (kind === 'sql' && init.sql)
    ) {
      this.request([id]);
    }
    return this.get(id)!;
  }

  /**
   * Deletes a cell; its view is dropped and the cells that read it re-run (and say what is missing).
   * @param id cell id
   */
  async remove(id: string): Promise<void> {
    const state = this.get(id);
    if (!state) return;
    const before = await this.#graph();
    const hit = dependants(before, id);
    this.cells = this.cells.filter((c) => c.cell.id !== id);
    if (state.cell.kind !== 'markdown') await this.#dropView(cellView(state.cell));
    this.host.changed();
    this.#rerun(hit);
  }

  /**
   * Moves a cell by `delta` places (keyboard, buttons) and re-runs what the new order changes.
   * @param id cell id
   * @param delta -1 up, +1 down
   */
  move(id: string, delta: number): void {
    const from = this.cells.findIndex((c) => c.cell.id === id);
    this.moveTo(id, from + delta);
  }

  /**
   * Moves a cell to `index` (drag and drop).
   * @param id cell id
   * @param index its new position
   */
  moveTo(id: string, index: number): void {
    const from = this.cells.findIndex((c) => c.cell.id === id);
    const to = Math.max(0, Math.min(this.cells.length - 1, index));
    if (from < 0 || from === to) return;
    const [state] = this.cells.splice(from, 1);
    this.cells.splice(to, 0, state);
    this.host.changed();
    // A named cell above a reader is what makes it a dependency, so the order changes results.
    this.request(this.cells.filter((c) => c.cell.kind !== 'markdown').map((c) => c.cell.id));
  }

  /**
   * Collapses or expands a cell.
   * @param id cell id
   * @param collapsed the new state
   */
  setCollapsed(id: string, collapsed: boolean): void {
    const state = this.get(id);
    if (!state) return;
    if (collapsed) state.cell.collapsed = true;
    else delete state.cell.collapsed;
    this.host.changed();
  }

  /**
   * Renames a cell (its view). An empty name makes it unnamed. The old view is dropped; the cell
   * and its readers re-run.
   * @param id cell id
   * @param name the new name
   */
  async rename(id: string, name: string): Promise<void> {
    const state = this.get(id);
    if (!state || state.cell.kind === 'markdown') return;
    const next = name.trim() || undefined;
    if (next === state.cell.name) return;
    const readers = dependants(await this.#graph(), id);
    const old = cellView(state.cell);
    if (next) state.cell.name = next;
    else delete state.cell.name;
    await this.#dropView(old);
    this.host.changed();
    this.#rerun([id, ...readers]);
  }

  /**
   * Replaces a SQL cell's text (no run; `commit` or `runCell` runs it).
   * @param id cell id
   * @param text SQL
   */
  setSql(id: string, text: string): void {
    const state = this.get(id);
    if (state?.cell.kind !== 'sql' || state.cell.sql === text) return;
    state.cell.sql = text;
    this.host.changed();
  }

  /**
   * Runs a SQL cell if its text changed since its last run (the editor lost focus).
   * @param id cell id
   */
  commit(id: string): void {
    const state = this.get(id);
    if (state?.cell.kind === 'sql' && state.cell.sql !== state.ranText && state.cell.sql.trim()) this.request([id]);
  }

  /**
   * Replaces a Markdown cell's text.
   * @param id cell id
   * @param text Markdown
   */
  setText(id: string, text: string): void {
    const state = this.get(id);
    if (state?.cell.kind !== 'markdown') return;
    state.cell.text = text;
    this.host.changed();
  }

  /**
   * Changes what a chart cell draws, or the cell it reads, and re-runs it.
   * @param id cell id
   * @param patch new config, input cell or hand-edited spec (`spec: undefined` resets it)
   */
  setChart(id: string, patch: { chart?: ChartConfig; from?: string; spec?: Record<string, unknown> | undefined }): void {
    const state = this.get(id);
    if (state?.cell.kind !== 'chart') return;
    if (patch.chart) state.cell.chart = patch.chart;
    if (patch.from !== undefined) state.cell.from = patch.from;
    if ('spec' in patch) {
      if (patch.spec) state.cell.spec = patch.spec;
      else delete state.cell.spec;
    }
    this.host.changed();
    if (patch.chart || patch.from !== undefined) this.request([id]);
  }

  /**
   * Changes a segment cell (its table, key, segments, KPIs…) and re-runs it when what it computes
   * changed; profile settings (KPIs, columns, comparison) only refresh its views.
   * @param id cell id
   * @param patch the fields to replace
   */
  setSegment(id: string, patch: Partial<Omit<SegmentCell, 'id' | 'kind'>>): void {
    const state = this.get(id);
    if (state?.cell.kind !== 'segment') return;
    const copy = $state.snapshot(patch) as typeof patch;
    for (const [k, v] of Object.entries(copy)) {
      if (v === undefined) delete (state.cell as unknown as Record<string, unknown>)[k];
      else (state.cell as unknown as Record<string, unknown>)[k] = v;
    }
    this.host.changed();
    const computed: (keyof SegmentCell)[] = ['table', 'key', 'exclusive', 'rest', 'segments'];
    if (computed.some((k) => k in patch)) this.request([id]);
  }

  /**
   * Changes an RFM, CLV, tiers, cohort, leads or lookalike cell and re-runs it unless only its name, look or
   * report settings changed.
   * @param id the cell
   * @param patch fields to set (undefined deletes)
   */
  setValueCell<C extends RfmCell | ClvCell | TiersCell | CohortCell | LeadsCell | LookalikeCell | AbTestCell | KpisCell>(id: string, patch: Partial<Omit<C, 'id' | 'kind'>>): void {
    const state = this.get(id);
    const kind = state?.cell.kind;
    if (!state || (kind !== 'rfm' && kind !== 'clv' && kind !== 'tiers' && kind !== 'cohort' && kind !== 'leads' && kind !== 'lookalike' && kind !== 'abtest' && kind !== 'kpis')) return;
    const before = JSON.stringify($state.snapshot(state.cell));
    const copy = $state.snapshot(patch) as Record<string, unknown>;
    for (const [k, v] of Object.entries(copy)) {
      if (v === undefined) delete (state.cell as unknown as Record<string, unknown>)[k];
      else (state.cell as unknown as Record<string, unknown>)[k] = v;
    }
    if (JSON.stringify($state.snapshot(state.cell)) === before) return;
    this.host.changed();
    const quiet = ['name', 'collapsed', 'kpis', 'profileColumns', 'compareWith'];
    if (Object.keys(copy).some((k) => !quiet.includes(k))) this.request([id]);
  }

  /**
   * Changes how a segment or cluster cell is reported (KPIs, profile columns, the earlier
   * membership to compare with); the report updates, the cell does not re-run.
   * @param id the cell
   * @param patch fields to set (undefined deletes)
   */
  setReport(id: string, patch: SegmentationReport): void {
    const kind = this.get(id)?.cell.kind;
    if (kind === 'segment') this.setSegment(id, patch);
    else if (kind === 'cluster') this.setCluster(id, patch);
    else if (kind === 'rfm') this.setValueCell<RfmCell>(id, patch);
    else if (kind === 'tiers') this.setValueCell<TiersCell>(id, patch);
    else if (kind === 'leads') this.setValueCell<LeadsCell>(id, patch);
    else if (kind === 'lookalike') this.setValueCell<LookalikeCell>(id, patch);
  }

  /**
   * A lookalike cell's evaluation, score distribution, key matches and model, from the worker;
   * reuses its last run.
   * @param id cell id
   */
  async lookalikeDetails(id: string): Promise<LookalikeDetails> {
    const cell = this.get(id)?.cell;
    if (cell?.kind !== 'lookalike') throw new Error(`Cell "${id}" is not a lookalike cell.`);
    const snapshot = $state.snapshot(cell) as LookalikeCell;
    const seedView = this.#inputView(snapshot);
    const date = this.settings.referenceDate;
    return this.host.queue.run((c) => c.call((api) => api.lookalikeDetails(snapshot, seedView, date)));
  }

  /**
   * The segmentation cells above a cell, with their segment names (the seeds a lookalike cell may
   * take).
   * @param id the reading cell
   */
  segmentationsAbove(id: string): { id: string; label: string; segments: string[] }[] {
    const out: { id: string; label: string; segments: string[] }[] = [];
    const lang = this.settings.locale ?? 'en';
    for (const c of this.cells) {
      if (c.cell.id === id) break;
      const cell = c.cell;
      if (cell.kind === 'segment' || cell.kind === 'cluster' || cell.kind === 'rfm' || cell.kind === 'tiers' || cell.kind === 'leads' || cell.kind === 'lookalike') {
        out.push({ id: cell.id, label: cell.name ?? cell.id, segments: segmentNames(cell, lang) });
      }
    }
    return out;
  }

  /**
   * Changes a cluster cell and re-runs it when what it computes changed: table, key, features, k,
   * restarts, seed, and also `names`, because the cell's view writes them into its `segment`
   * column. The fit is seeded, so a re-run after a rename gives the same clusters.
   * @param id cell id
   * @param patch the fields to replace (`undefined` removes an optional field)
   */
  setCluster(id: string, patch: Partial<Omit<ClusterCell, 'id' | 'kind'>>): void {
    const state = this.get(id);
    if (state?.cell.kind !== 'cluster') return;
    const copy = $state.snapshot(patch) as typeof patch;
    const before = JSON.stringify($state.snapshot(state.cell));
    for (const [k, v] of Object.entries(copy)) {
      if (v === undefined) delete (state.cell as unknown as Record<string, unknown>)[k];
      else (state.cell as unknown as Record<string, unknown>)[k] = v;
    }
    if (JSON.stringify($state.snapshot(state.cell)) === before) return;
    this.host.changed();
    const computed: (keyof ClusterCell)[] = ['table', 'key', 'features', 'k', 'algorithm', 'restarts', 'seed', 'names'];
    if (computed.some((k) => k in patch)) this.request([id]);
  }

  /**
   * A cluster cell's fit (sizes, quality, centres, PCA map), from the worker; reuses its last run.
   * @param id cell id
   */
  async clusterDetails(id: string): Promise<ClusterDetails> {
    const cell = this.#clusterCell(id);
    return this.host.queue.run((c) => c.call((api) => api.clusterDetails(cell)));
  }

  /**
   * Inertia and silhouette of a cluster cell's features for every k in [kMin, kMax], and the
   * suggested k.
   * @param id cell id
   * @param kMin smallest k
   * @param kMax largest k
   */
  async clusterKSelection(id: string, kMin: number, kMax: number): Promise<KSelection> {
    const cell = this.#clusterCell(id);
    return this.host.queue.run((c) => c.call((api) => api.clusterKSelection(cell, kMin, kMax)));
  }

  /**
   * A CLV cell's fit: parameters, log-likelihoods, convergence, warnings and the holdout check.
   * @param id cell id
   */
  async clvDetails(id: string): Promise<ClvFit> {
    const cell = this.get(id)?.cell;
    if (cell?.kind !== 'clv') throw new Error(`Cell "${id}" is not a CLV cell.`);
    const snapshot = $state.snapshot(cell) as ClvCell;
    return this.host.queue.run((c) => c.call((api) => api.clvDetails(snapshot)));
  }

  #clusterCell(id: string): ClusterCell {
    const cell = this.get(id)?.cell;
    if (cell?.kind !== 'cluster') throw new Error(`Cell "${id}" is not a cluster cell.`);
    return $state.snapshot(cell) as ClusterCell;
  }

  /**
   * A segment or leads cell's rules were edited in place (the rule editor changes the cell's own
   * objects): save and re-run it.
   * @param id cell id
   */
  segmentEdited(id: string): void {
    const kind = this.get(id)?.cell.kind;
    if (kind !== 'segment' && kind !== 'leads' && kind !== 'lookalike') return;
    this.host.changed();
    this.request([id]);
  }

  /**
   * Tables a cell may read, with their columns: the loaded tables and the named cells above it
   * that ran.
   * @param id the reading cell
   */
  tablesFor(id: string): { name: string; columns: { name: string; type: string }[] }[] {
    const out = this.host.tables().map((t) => ({ name: t.name, columns: t.columns }));
    for (const c of this.cells) {
      if (c.cell.id === id) break;
      if (c.cell.kind !== 'markdown' && c.cell.name && c.run?.columns) out.push({ name: c.cell.name, columns: c.run.columns });
    }
    return out;
  }

  /**
   * Runs a read-only query and returns its result as Arrow IPC bytes (for a result grid).
   * @param text the query (built from quoted fragments)
   */
  async queryBytes(text: string): Promise<Uint8Array> {
    return this.host.queue.run((c) => c.call((api) => api.query(text)));
  }

  /**
   * Writes a query's whole result as a file in the worker (CSV by DuckDB, Parquet from Arrow).
   * @param text the query (built from quoted fragments)
   * @param format file format
   * @param csv CSV separator and byte-order mark
   */
  async exportQuery(text: string, format: 'csv' | 'parquet', csv: Partial<CsvExportOptions> = {}): Promise<Uint8Array> {
    return this.host.queue.run((c) => c.call((api) => (format === 'csv' ? api.exportCsv(text, csv) : api.exportParquet(text))));
  }

  /**
   * Loads files as tables, like dropping them on the page (e.g. a membership kept as a baseline),
   * and resolves when they are loaded (or failed, with a notice).
   * @param files the files
   */
  async addFiles(files: File[]): Promise<void> {
    await this.host.addFiles(files);
  }

  /**
   * Runs a read-only query for a view of the notebook (a profile, a list of values) and returns
   * its rows as objects; dates come back as `Date`.
   * @param text the query (built from quoted fragments)
   */
  async rows<T = Record<string, unknown>>(text: string): Promise<T[]> {
    return tableFromIPC(await this.arrow(text), { useDate: true }).toArray() as T[];
  }

  /** Whether engine work (a run, a report's query) runs or waits. */
  get engineBusy(): boolean {
    return this.host.queue.busy;
  }

  /**
   * Runs a read-only query for a view of the notebook and returns its result as Arrow IPC bytes.
   * @param text the query (built from quoted fragments)
   */
  async arrow(text: string): Promise<Uint8Array> {
    return this.host.queue.run((c) => c.call((api) => api.query(text)));
  }

  /**
   * Sets the notebook's language and re-runs the cells whose results carry words in it (the tier
   * names of tiers cells), with their readers.
   * @param locale the new language
   */
  localeChanged(locale: 'de' | 'en'): void {
    if (this.settings.locale === locale) return;
    this.settings.locale = locale;
    const worded = this.cells.filter((c) => (c.cell.kind === 'tiers' || c.cell.kind === 'lookalike') && c.run).map((c) => c.cell.id);
    if (worded.length) this.#rerun(worded);
  }

  /**
   * Sets the notebook's reference date (`YYYY-MM-DD`, or empty to clear) and re-runs everything,
   * since rules and SQL may be relative to it.
   * @param date the new date
   */
  setReferenceDate(date: string): void {
    if ((this.settings.referenceDate ?? '') === date) return;
    if (date) this.settings.referenceDate = date;
    else delete this.settings.referenceDate;
    this.host.changed();
    this.#reads.clear();
    this.#rerun(this.cells.map((c) => c.cell.id));
  }

  /**
   * The salt of pseudonymised exports; a new random one is made and saved when the notebook has none.
   */
  pseudonymSalt(): string {
    if (!this.settings.pseudonymSalt) this.setPseudonymSalt(newSalt());
    return this.settings.pseudonymSalt!;
  }

  /**
   * Replaces the salt of pseudonymised exports (earlier pseudonyms no longer match).
   * @param salt the new salt, non-empty
   */
  setPseudonymSalt(salt: string): void {
    if (!salt.trim()) throw new Error(t.privacy.saltEmpty);
    this.settings.pseudonymSalt = salt;
    this.host.changed();
  }

  /** The notebook's segment guards (its own, else the defaults). */
  get guards(): SegmentGuards {
    return this.settings.guards ?? DEFAULT_GUARDS;
  }

  /**
   * Sets the notebook's segment guards (profiles and exports read them; A/B test cells, which warn
   * by `minSize`, re-run).
   * @param guards the new guards
   */
  setGuards(guards: SegmentGuards): void {
    this.settings.guards = { ...guards };
    this.host.changed();
    this.request(this.cells.filter((c) => c.cell.kind === 'abtest').map((c) => c.cell.id));
  }

  /**
   * Runs one cell and every cell that reads it.
   * @param id cell id
   */
  runCell(id: string): void {
    this.request([id]);
  }

  /** Runs every cell in order. */
  runAll(): void {
    this.#reads.clear();
    this.request(this.cells.map((c) => c.cell.id));
  }

  /**
   * Queues cells (and, as they run, their readers) and starts the run loop if it is idle.
   * @param ids cell ids
   */
  request(ids: string[]): void {
    for (const id of ids) {
      const state = this.get(id);
      if (!state || state.cell.kind === 'markdown') continue;
      this.#pending.add(id);
      if (state.status !== 'running') state.status = 'queued';
    }
    this.#loop ??= this.#drain();
  }

  /**
   * Runs cells again because something they read changed; until they have, the ones with a result
   * are `stale` (a cancel leaves them so).
   * @param ids the cells
   */
  #rerun(ids: Iterable<string>): void {
    const list = [...ids];
    for (const id of list) {
      const state = this.get(id);
      if (state?.run) state.stale = true;
    }
    this.request(list);
  }

  /** Cancels the running cell and forgets the queued ones. */
  async cancel(): Promise<void> {
    for (const id of this.#pending) {
      const state = this.get(id);
      if (state?.status === 'queued') state.status = state.run ? (state.run.status as CellStatus) : 'idle';
    }
    this.#pending.clear();
    if (this.#ticket) await this.host.queue.cancel(this.#ticket);
  }

  /** Forgets cached table reads (tables were loaded, renamed or dropped). */
  tablesChanged(): void {
    this.#reads.clear();
  }

  /**
   * A table was loaded (e.g. a new month's export under the old name): the cells that read it run
   * again, with their readers.
   * @param name the table
   */
  async tableLoaded(name: string): Promise<void> {
    const readers = readersOf(await this.#graph(), name);
    const ran = readers.filter((id) => this.get(id)?.run);
    if (ran.length) this.#rerun(ran);
  }

  /**
   * Marks the cells that read a table, and the cells that read them, out of date without running
   * them: the table was dropped or renamed, and they keep their last result.
   * @param name the table's old name
   */
  async tableGone(name: string): Promise<void> {
    const graph = await this.#graph();
    const readers = readersOf(graph, name);
    for (const id of new Set([...readers, ...readers.flatMap((r) => dependants(graph, r))])) {
      const state = this.get(id);
      if (state?.run) state.stale = true;
    }
  }

  /**
   * Replaces the whole notebook with a document (open, restore) without running it.
   * @param doc the document
   */
  replace(doc: Notebook): void {
    this.#pending.clear();
    this.#reads.clear();
    this.title = doc.title;
    this.settings = { ...doc.settings };
    this.cells = doc.cells.map((c) => new CellState(structuredClone($state.snapshot(c)) as Cell));
  }

  /** The notebook as a document in the saved format. */
  toDocument(): Notebook {
    const doc: Notebook = {
      format: NOTEBOOK_FORMAT,
      version: NOTEBOOK_VERSION,
      title: this.title,
      sources: this.host.sources(),
      cells: this.cells.map((c) => $state.snapshot(c.cell) as Cell)
    };
    const settings = $state.snapshot(this.settings);
    if (Object.keys(settings).length) doc.settings = settings;
    return doc;
  }

  /** Names the completion offers: loaded tables and named cells, with columns. */
  schema(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const t of this.host.tables()) out[t.name] = t.columns.map((c) => c.name);
    for (const c of this.cells) {
      if (c.cell.kind !== 'markdown' && c.cell.name) out[c.cell.name] = c.run?.columns?.map((col) => col.name) ?? [];
    }
    return out;
  }

  /**
   * The result cells above `id` a chart may read (id and label).
   * @param id the chart cell
   */
  inputsFor(id: string): { id: string; label: string }[] {
    const out: { id: string; label: string }[] = [];
    for (const c of this.cells) {
      if (c.cell.id === id) break;
      if (c.cell.kind !== 'markdown') out.push({ id: c.cell.id, label: c.cell.name ?? c.cell.id });
    }
    return out;
  }

  async #drain(): Promise<void> {
    this.#startClock();
    try {
      await this.#applySettings();
      while (this.#pending.size) {
        const next = this.cells.find((c) => this.#pending.has(c.cell.id));
        if (!next) break;
        this.#pending.delete(next.cell.id);
        if (next.cell.kind === 'markdown') continue;
        const graph = await this.#graph();
        const deps = graph.get(next.cell.id) ?? { sources: [], cells: [] };
        const reason = skipReason(deps, this.#sourceStatus(), this.#cellStatus(), (id) => this.#label(id));
        next.stale = false;
        if (reason) {
          next.status = 'skipped';
          next.run = {
            id: next.cell.id,
            kind: next.cell.kind,
            status: 'skipped',
            rows: null,
            ms: 0,
            error: reason.text,
            errorKey: reason.key,
            ...(reason.values ? { errorValues: reason.values } : {}),
            deps
          };
          next.result = null;
          next.values = null;
        } else if (!(await this.#runOne(next, deps))) {
          break;
        }
        this.#rerun(dependants(graph, next.cell.id));
      }
    } finally {
      this.#loop = null;
      this.#stopClock();
      if (this.#pending.size) this.#loop = this.#drain();
    }
  }

  /** Makes `referenceDate` readable in SQL as `getvariable('reference_date')`, as the runner does. */
  async #applySettings(): Promise<void> {
    const date = this.settings.referenceDate;
    const statement = date
      ? String(sql`SET VARIABLE reference_date = CAST(${lit(date)} AS DATE)`)
      : String(sql`RESET VARIABLE reference_date`);
    await this.host.queue.run((c) => c.call((api) => api.exec(statement))).catch(() => undefined);
  }

  /** Runs one cell; false when it was cancelled (the loop stops). */
  async #runOne(state: CellState, deps: CellDeps): Promise<boolean> {
    const cell = $state.snapshot(state.cell) as ResultCell;
    const input = this.#inputView(cell);
    const ticket = new Ticket();
    this.#ticket = ticket;
    state.status = 'running';
    state.startedAt = performance.now();
    if (cell.kind === 'sql') state.ranText = cell.sql;
    try {
      const grid = cell.kind !== 'chart';
      const limit = grid ? GRID_FIRST_ROWS : CHART_ROW_CAP;
      const settings = { referenceDate: this.settings.referenceDate, locale: this.settings.locale, guards: $state.snapshot(this.settings.guards) };
      const { run, bytes } = await this.host.queue.run((c) => c.call((api) => api.runCell(cell, input, limit, settings)), ticket);
      if (run.status === 'ok') {
        if (grid) {
          state.result = this.#gridResult(state, cellView(cell), bytes, run.rows ?? 0);
          state.values = null;
        } else {
          state.values = tableFromIPC(bytes, { useDate: true }).toArray() as Record<string, unknown>[];
          state.result = null;
        }
      } else {
        state.result = null;
        state.values = null;
      }
      if (run.code === 'CANCELLED' || ticket.cancelled) return this.#cancelled(state);
      state.run = { ...run, deps };
      state.status = run.status;
      return true;
    } catch (e) {
      const view = describeError(e);
      if (view.code === 'CANCELLED' || ticket.cancelled) return this.#cancelled(state);
      const died = view.code === 'ENGINE_DIED';
      state.run = {
        id: cell.id,
        kind: cell.kind,
        status: 'error',
        rows: null,
        ms: 0,
        error: view.text,
        ...(view.key ? { errorKey: view.key, errorValues: view.values } : {}),
        code: died ? 'ENGINE_DIED' : 'INTERNAL',
        deps
      };
      state.status = 'error';
      // The engine crashed on this cell: run nothing more until the user asks (no crash loop).
      if (died) this.#forgetQueued();
      return !died;
    } finally {
      state.startedAt = null;
      if (this.#ticket === ticket) this.#ticket = null;
    }
  }

  /** A run's grid result; with `more` when the run brought only the first `GRID_FIRST_ROWS` rows. */
  #gridResult(state: CellState, view: string, bytes: Uint8Array, total: number): GridResult {
    const result: GridResult = { bytes, total };
    if (total <= GRID_FIRST_ROWS) return result;
    let loading: Promise<void> | null = null;
    const load = () =>
      (loading ??= this.queryBytes(String(sql`SELECT * FROM ${ident(view)} LIMIT ${GRID_ROW_CAP}`)).then(
        (all) => {
          // A run since then replaced the result: keep the new one.
          if (state.result === result) state.result = { bytes: all, total };
        },
        (e: unknown) => {
          loading = null;
          throw e;
        }
      ));
    result.more = { rows: Math.min(total, GRID_ROW_CAP), load };
    return result;
  }

  /** The view a cell reads besides tables: a chart's input cell, a lookalike cell's seed cell, a campaign cell's segmentation. */
  #inputView(cell: ResultCell): string | undefined {
    const fromId = cell.kind === 'chart' ? cell.from : cell.kind === 'lookalike' && cell.seeds?.kind === 'segment' ? cell.seeds.from : campaignSegmentCell(cell);
    const from = fromId === undefined ? undefined : this.get(fromId)?.cell;
    return from && from.kind !== 'markdown' ? cellView(from) : undefined;
  }

  #cancelled(state: CellState): false {
    state.status = 'cancelled';
    state.run = null;
    state.result = null;
    state.values = null;
    // `ranText` stays: the editor's blur can arrive after the cancel (CodeMirror reports focus
    // changes late under load) and must not restart the query the user just stopped.
    this.#forgetQueued();
    return false;
  }

  #forgetQueued(): void {
    for (const id of this.#pending) {
      const s = this.get(id);
      if (s?.status === 'queued') s.status = s.run ? (s.run.status as CellStatus) : 'idle';
    }
    this.#pending.clear();
  }

  /** What every cell reads, from DuckDB's parser (cached per SQL text). */
  async #graph(): Promise<Map<string, CellDeps>> {
    const doc = this.toDocument();
    for (const cell of doc.cells) {
      if (cell.kind !== 'sql' || this.#reads.has(cell.sql)) continue;
      const text = cell.sql;
      const names = await this.host.queue.run((c) => c.call((api) => api.reads(text))).catch(() => []);
      this.#reads.set(text, names);
    }
    return cellDependencies(doc, (c) => this.#reads.get(c.sql) ?? []);
  }

  #sourceStatus(): Map<string, RunStatus> {
    const loaded = new Set(this.host.tables().map((t) => t.name));
    return new Map(this.host.sources().map((s) => [s.name, loaded.has(s.name) ? 'ok' : 'error']));
  }

  #cellStatus(): Map<string, RunStatus> {
    const out = new Map<string, RunStatus>();
    for (const c of this.cells) {
      if (c.status === 'error' || c.status === 'cancelled') out.set(c.cell.id, 'error');
      else if (c.status === 'skipped') out.set(c.cell.id, 'skipped');
      else if (c.status === 'ok') out.set(c.cell.id, 'ok');
    }
    return out;
  }

  #label(id: string): string {
    const cell = this.get(id)?.cell;
    return (cell && cell.kind !== 'markdown' && cell.name) || id;
  }

  #lastResultAbove(afterId?: string): CellState | undefined {
    const end = afterId ? this.cells.findIndex((c) => c.cell.id === afterId) + 1 : this.cells.length;
    return this.cells
      .slice(0, end)
      .reverse()
      .find((c) => c.cell.kind === 'sql' || c.cell.kind === 'segment' || c.cell.kind === 'cluster');
  }

  async #dropView(name: string): Promise<void> {
    await this.host.queue.run((c) => c.call((api) => api.dropView(name))).catch(() => undefined);
  }

  /** A segmentation over the first table, keyed by its first key-like column, with one segment for everyone. */
  #newSegment(id: string): SegmentCell {
    const table = this.host.tables()[0];
    const key = table ? guessKey(table.columns) : undefined;
    return {
      id,
      kind: 'segment',
      table: table?.name ?? '',
      key: key?.name ?? '',
      exclusive: true,
      segments: [{ name: 'Segment 1', rule: { type: 'group', op: 'and', rules: [] } }]
    };
  }

  /**
   * k-means with k = 4 over the first table with numeric columns, keyed like a new segmentation,
   * every numeric column but the key and code-like ones a feature (`log1p_z` for money columns).
   */
  #newCluster(id: string): ClusterCell {
    const tables = this.host.tables();
    const numeric = (t: (typeof tables)[number], key: string) =>
      t.columns.filter((c) => c.name !== key && isQuantity(c));
    const table = tables.find((t) => numeric(t, guessKey(t.columns)?.name ?? '').length) ?? tables[0];
    const key = table ? (guessKey(table.columns)?.name ?? '') : '';
    const features = table ? numeric(table, key).map(featureFor) : [];
    return { id, kind: 'cluster', table: table?.name ?? '', key, features, k: 4 };
  }

  /**
   * A value cell over the guessed transactions table (`guessTransactions`), named so later cells
   * can read it; a tiers cell over the last RFM or CLV result above, by margin when there is one,
   * with predicted CLV as the growth potential.
   */
  #newValueCell(id: string, kind: 'rfm' | 'clv' | 'cohort' | 'tiers', afterId?: string): RfmCell | ClvCell | CohortCell | TiersCell {
    const name = this.#freeName(kind === 'cohort' ? 'kohorten' : kind);
    if (kind === 'tiers') {
      const above = this.cells.slice(0, afterId ? this.cells.findIndex((c) => c.cell.id === afterId) + 1 : this.cells.length);
      const source = above.map((c) => c.cell).findLast((c): c is RfmCell | ClvCell => (c.kind === 'rfm' || c.kind === 'clv') && !!c.name);
      const cell: TiersCell = { id, kind, name, table: source?.name ?? '', key: source?.key ?? '', value: '' };
      if (source?.kind === 'clv') {
        cell.value = 'historical_value';
        cell.potential = { column: 'predicted_clv', above: 0 };
      } else if (source) cell.value = source.margin ? 'margin' : 'revenue';
      return cell;
    }
    const found = guessTransactions(this.host.tables()) ?? { table: '', key: '', date: '', amount: '' };
    if (kind === 'cohort') return { id, kind, name, table: found.table, key: found.key, date: found.date, amount: found.amount || undefined };
    if (kind === 'rfm') {
      const segments = defaultRfmSegments(this.settings.locale ?? 'en').map((s) => ({ name: s.name, r: [...s.r] as [number, number], f: [...s.f] as [number, number] }));
      return { id, kind, name, ...found, monetary: 'sum', segments };
    }
    return { id, kind, name, ...found, valueBy: found.margin ? 'margin' : 'revenue', calibrationEnd: '', unit: 'week', horizon: 12, period: 'month', discountRate: 0.1 };
  }

  /**
   * A leads cell over the first table named like leads but not like activities (else the first table), keyed like a new
   * segmentation, fit by points rules still to be written, and engagement +10 points for any
   * activity in the last 30 days (all time without a reference date) in the first other table that
   * has a date and a column named like the key.
   */
  #newLeads(id: string): LeadsCell {
    const tables = this.host.tables();
    const table = tables.find((x) => /lead/i.test(x.name) && !/activ|aktiv|event/i.test(x.name)) ?? tables[0];
    const key = table ? (guessKey(table.columns)?.name ?? '') : '';
    const cell: LeadsCell = { id, kind: 'leads', name: this.#freeName('lead_tiers'), table: table?.name ?? '', key, fit: { kind: 'points', rules: [] }, engagement: { kind: 'points', rules: [] } };
    const events = tables.find((x) => x !== table && x.columns.some((c) => c.name.toLowerCase() === key.toLowerCase()) && x.columns.some((c) => columnKind(c.type) === 'date'));
    if (events) {
      const b = newBehaviour([events], cell.table, key);
      if (this.settings.referenceDate) b.window = { kind: 'last_days', days: 30 };
      cell.engagement = { kind: 'points', rules: [{ label: 'Active', points: 10, rule: { type: 'group', op: 'and', rules: [b] } }] };
    }
    return cell;
  }

  /**
   * Sets a new CLV cell's periods from its data, then runs it: calibration up to two thirds of the
   * way from the first to the last purchase day, holdout from there to the last day.
   */
  async #fillClvPeriods(cell: ClvCell): Promise<void> {
    const day = sql`CAST(${ident(cell.date)} AS DATE)`;
    const query = sql`SELECT CAST(min(${day}) + CAST(round((max(${day}) - min(${day})) * 2 / 3) AS INTEGER) AS VARCHAR) AS calibration, CAST(max(${day}) AS VARCHAR) AS last FROM ${ident(cell.table)}`;
    const [row] = await this.rows<{ calibration: string | null; last: string | null }>(String(query)).catch(() => []);
    if (row?.calibration && row.last && row.last > row.calibration) this.setValueCell<ClvCell>(cell.id, { calibrationEnd: row.calibration, holdoutEnd: row.last });
    else this.request([cell.id]);
  }

  /**
   * A lookalike cell over the first table: seeded by the first segment of the last segmentation
   * above (else an empty key list), features as a new cluster cell's, centroid similarity, the top
   * 10 % as `Lookalikes`.
   */
  #newLookalike(id: string): LookalikeCell {
    const cluster = this.#newCluster(id);
    const from = this.segmentationsAbove(id).findLast((s) => s.segments.length);
    const source = from ? this.get(from.id)?.cell : undefined;
    const seeded = source && source.kind !== 'markdown' && 'key' in source && (source.kind === 'segment' || source.kind === 'cluster' || source.kind === 'rfm' || source.kind === 'tiers' || source.kind === 'leads' || source.kind === 'lookalike');
    const table = seeded ? baseTable(source) : cluster.table;
    const key = seeded ? source.key : cluster.key;
    const seeds: LookalikeCell['seeds'] = from ? { kind: 'segment', from: from.id, segments: [from.segments[0]] } : { kind: 'keys', keys: [] };
    const columns = this.tablesFor(id).find((t) => t.name === table)?.columns ?? [];
    const features = table === cluster.table ? cluster.features : columns.filter((c) => c.name !== key && isQuantity(c)).map(featureFor);
    return { id, kind: 'lookalike', name: this.#freeName('lookalikes'), table, key, seeds, excludeSeeds: true, features, method: 'centroid', cut: { kind: 'top_pct', pct: 10 } };
  }

  /** A new A/B test or KPI board over the guessed tables and columns (see campaign-defaults.ts). */
  #newCampaign(id: string, kind: 'abtest' | 'kpis'): AbTestCell | KpisCell {
    const tables = this.tablesFor(id);
    const above = this.segmentationsAbove(id).map((s) => {
      const cell = this.get(s.id)?.cell;
      return { id: s.id, key: cell && 'key' in cell && typeof cell.key === 'string' ? cell.key : '' };
    });
    if (kind === 'abtest') return { id, kind, name: this.#freeName('ab_test'), ...guessAbTest(tables, above) };
    return { id, kind, name: this.#freeName('kpis'), ...guessKpis(tables, above) };
  }

  /**
   * Completes a new campaign cell from its data, then runs it: an A/B test's control arm (named
   * like a control, else the first value), a KPI board's conversion events (a type column's value
   * named like a purchase).
   */
  async #fillCampaign(cell: AbTestCell | KpisCell): Promise<void> {
    if (cell.kind === 'abtest' && cell.arm) {
      const values = (await this.rows<{ v: string }>(String(distinctTextQuery(cell.table, cell.arm))).catch(() => [])).map((r) => r.v);
      if (values.length) return this.setValueCell<AbTestCell>(cell.id, { control: pickControl(values) });
    }
    if (cell.kind === 'kpis' && cell.events.table) {
      const type = this.tablesFor(cell.id)
        .find((t) => t.name === cell.events.table)
        ?.columns.find((c) => /^(typ|type|event|ereignis|art|aktion|action)$/i.test(c.name));
      if (type) {
        const value = pickConversion((await this.rows<{ v: string }>(String(distinctTextQuery(cell.events.table, type.name))).catch(() => [])).map((r) => r.v));
        if (value !== undefined) return this.setValueCell<KpisCell>(cell.id, { events: { ...cell.events, conversion: { column: type.name, value } } });
      }
    }
    this.request([cell.id]);
  }

  /** `base`, or `base_2`, `base_3` … : a result name no table or cell has yet. */
  #freeName(base: string): string {
    const taken = new Set([...this.host.tables().map((t) => t.name.toLowerCase()), ...this.cells.map((c) => (c.cell.kind === 'markdown' ? '' : (c.cell.name ?? '').toLowerCase()))]);
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : `${base}_${n}`;
      if (!taken.has(name)) return name;
    }
  }

  #newId(kind: NewCellKind): string {
    const prefix = kind === 'markdown' ? 'md' : kind;
    for (let n = this.cells.length + 1; ; n++) {
      const id = `${prefix}${n}`;
      if (!this.get(id)) return id;
    }
  }

  #startClock(): void {
    this.now = performance.now();
    this.#timer ??= setInterval(() => (this.now = performance.now()), 100);
  }

  #stopClock(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}

/**
 * The cells that read a table (names compare case-insensitively, as in DuckDB).
 * @param graph what every cell reads
 * @param name the table
 */
function readersOf(graph: ReadonlyMap<string, CellDeps>, name: string): string[] {
  const lower = name.toLowerCase();
  return [...graph].filter(([, d]) => d.sources.some((s) => s.toLowerCase() === lower)).map(([id]) => id);
}
