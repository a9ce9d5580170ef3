/**
 * The engine's public contract: the types shared by the worker (`worker.ts`), the Node runner and
 * the UI (`client.ts`). Everything here is structured-clone safe.
 */

export type FileFormat = 'csv' | 'parquet' | 'json' | 'ndjson' | 'xlsx' | 'arrow';

import type { ResultCell } from '../notebook/graph';
import type { ClusterCell, ClvCell, CsvOptions, LookalikeCell, Notebook, NotebookSettings } from '../notebook/model';
import type { ClvFit } from './clv';
import type { ClusterDetails, KSelection } from './cluster';
import type { LookalikeDetails } from './lookalike';
import type { CsvExportOptions } from './export';
import type { CellRun } from './run-notebook';
import type { ScriptMeta } from './notebook-script';
import type { SourceRead } from '../sql/source-read';
import type { Note } from '../i18n/note';

export type { CellRun, ClusterDetails, ClvFit, CsvExportOptions, CsvOptions, KSelection, LookalikeDetails, ScriptMeta };

export interface LoadOptions {
  /** Table name to use; derived from the file name when absent. Made unique. */
  table?: string;
  /** Force a format instead of detecting it from the name and content. */
  format?: FileFormat;
  csv?: CsvOptions;
  /** Excel: the sheet to load (default: first). */
  sheet?: string;
  /** Load only these columns (original names). */
  columns?: string[];
  /** Load only a sample of about this many rows. */
  sampleRows?: number;
}

/** What the user sees before a load: the detected format and dialect, and whether it will fit. */
export interface LoadEstimate {
  file: string;
  format: FileFormat;
  bytes: number;
  /** Estimated rows (exact for Parquet / Arrow footers, extrapolated for text formats). */
  rows: number;
  /** Estimated bytes DuckDB will need to hold the table. */
  memoryBytes: number;
  /** Memory the engine can still use. */
  availableBytes: number;
  fits: boolean;
  columns: { name: string; type: string }[];
  /** Excel sheet names. */
  sheets?: string[];
  /** CSV: what the sniffer decided (overridable through `LoadOptions.csv`). */
  csv?: Required<Pick<CsvOptions, 'delimiter' | 'quote' | 'header' | 'encoding' | 'numberLocale'>> & {
    dateFormat?: string;
  };
  warnings: Note[];
}

export interface LoadProgress {
  file: string;
  phase: 'reading' | 'converting' | 'finishing';
  bytesRead: number;
  bytesTotal: number;
  rows: number;
}

export interface ColumnInfo {
  name: string;
  type: string;
  /** How the loader converted it, e.g. `German number (1.234,56)`, `date %d.%m.%Y`: a note the UI says in its language. */
  conversion?: Note;
}

export interface TableInfo {
  name: string;
  file: string;
  format: FileFormat;
  rows: number;
  columns: ColumnInfo[];
  /** Non-fatal notes from the load (e.g. `12 ragged rows padded`, `encoding: windows-1252`). */
  warnings: Note[];
  /** Milliseconds the load took. */
  ms: number;
  /** How DuckDB's own readers repeat the load, for the notebook's SQL script. */
  read?: SourceRead;
}

export type PiiKind = 'email' | 'phone' | 'iban' | 'name' | 'street' | 'birthdate' | 'ip' | 'postcode';

export interface PiiFlag {
  kind: PiiKind;
  /** Why: `column name "E-Mail"`, `48 of 50 sampled values look like e-mail addresses`. */
  evidence: string;
  /** True for quasi-identifiers (postcode, birthdate): personal only in combination with other columns. */
  quasi?: boolean;
  /** Sampled values that matched the kind's pattern (value evidence only). */
  matched?: number;
  /** Non-empty values sampled. */
  sampled?: number;
  /** A sampled value, masked (`m•••@•••.de`). */
  example?: string;
}

export interface ColumnProfile {
  name: string;
  type: string;
  kind: 'number' | 'date' | 'string' | 'boolean' | 'other';
  nullShare: number;
  /** Distinct non-null values (exact: counted by the same GROUP BY that finds the top values). */
  distinct: number;
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
  top: { value: string | null; count: number }[];
  /** Histogram bins for numbers and dates; empty for strings (use `top`). */
  bins: { x0: number | string; x1: number | string; count: number }[];
  /** Numbers: NaN and ±Infinity values, left out of min / max / mean / bins (absent when none). */
  nonFinite?: number;
  pii?: PiiFlag;
}

export interface TableProfile {
  table: string;
  rows: number;
  columns: ColumnProfile[];
  ms: number;
}

export interface EngineInfo {
  duckdb: string;
  bundle: string;
  threads: number;
  memoryLimitBytes: number;
  /** Absolute URLs of the engine's own files (DuckDB's worker and WebAssembly module), for the offline cache. */
  assets: string[];
}

/** What the engine's memory holds now, for the memory gauge. */
export interface EngineMemory {
  /** Bytes DuckDB's buffer manager holds (`duckdb_memory()`): tables, indexes, running queries. */
  usedBytes: number;
  /** What the engine may use in all (`InitOptions.memoryBudgetBytes`, at most the safe wasm32 heap). */
  budgetBytes: number;
}

/** Progress callback passed across the worker boundary (wrapped with `Comlink.proxy`). */
export type ProgressFn = (p: LoadProgress) => void;

/** The worker's API, exposed with Comlink. Coarse methods; results cross as bytes. */
export interface InitOptions {
  /** Memory the engine may use for tables (default 2 GiB, the safe part of the wasm32 heap); lower it to rehearse a small device. */
  memoryBudgetBytes?: number;
}

export interface EngineApi {
  /** Starts DuckDB once (later calls share the same start) and reports what runs. */
  init(options?: InitOptions): Promise<EngineInfo>;
  /** Sniffs a file and estimates its in-memory size without loading it. */
  inspect(file: File, options?: LoadOptions): Promise<LoadEstimate>;
  /** Loads a file as one table. Rejects with an `EngineError` naming the file; other tables stay. */
  load(file: File, options: LoadOptions, onProgress?: ProgressFn): Promise<TableInfo>;
  /** Cancels the running load or query. */
  cancel(): Promise<void>;
  /** Answers at once without touching DuckDB: the client's heartbeat. */
  ping(): Promise<'pong'>;
  /** What DuckDB holds now against the engine's budget. */
  memory(): Promise<EngineMemory>;
  /** Runs SQL and returns the result as Arrow IPC bytes (transferred). */
  query(sql: string): Promise<Uint8Array>;
  exec(sql: string): Promise<void>;
  /** Writes a query's result as CSV with DuckDB's own writer (the runner uses the same code). */
  exportCsv(sql: string, options?: Partial<CsvExportOptions>): Promise<Uint8Array>;
  /** Runs a query and writes its result as Parquet (`hyparquet-writer`, types kept), transferred. */
  exportParquet(sql: string): Promise<Uint8Array>;
  tables(): Promise<TableInfo[]>;
  renameTable(from: string, to: string): Promise<TableInfo>;
  dropTable(name: string): Promise<void>;
  profile(table: string): Promise<TableProfile>;
  /**
   * Runs one notebook cell into its table or view (chart cells read `input`, the result of their `from` cell)
   * and returns the run with the first `limit` rows as Arrow IPC bytes (transferred; empty when
   * the cell failed). Never rejects for a failing cell.
   */
  runCell(cell: ResultCell, input: string | undefined, limit: number, settings?: Pick<NotebookSettings, 'referenceDate' | 'locale' | 'guards'>): Promise<{ run: CellRun; bytes: Uint8Array }>;
  /** The table names a SQL text reads (DuckDB's parser, else a word scan), for the dependency graph. */
  reads(sql: string): Promise<string[]>;
  /** Drops a cell's result, table or view, if it exists (the cell was deleted or renamed); never a loaded table. */
  dropView(name: string): Promise<void>;
  /**
   * The notebook as one DuckDB SQL script (`exportNotebookScript`) from the loaded tables and what
   * each cell's last `runCell` did; cells that have not run are left out with a note. Rejects with
   * `UNSUPPORTED` when a source is not loaded or a cell's result cannot be written as SQL.
   */
  sqlScript(notebook: Notebook, meta: ScriptMeta): Promise<string>;
  /** A cluster cell's fit: sizes, quality, centres and a PCA map of a sample (reuses the run's fit). */
  clusterDetails(cell: ClusterCell): Promise<ClusterDetails>;
  /** Inertia and silhouette of a cluster cell's features for k in [kMin, kMax], and the suggested k. */
  clusterKSelection(cell: ClusterCell, kMin: number, kMax: number): Promise<KSelection>;
  /** A CLV cell's fit: parameters, log-likelihoods, convergence, warnings, holdout check (reuses the run's fit). */
  clvDetails(cell: ClvCell): Promise<ClvFit>;
  /** A lookalike cell's evaluation, score distribution, key matches and model (reuses the run's scoring); `seedView` holds its seed cell's result. */
  lookalikeDetails(cell: LookalikeCell, seedView: string | undefined, referenceDate?: string): Promise<LookalikeDetails>;
}
