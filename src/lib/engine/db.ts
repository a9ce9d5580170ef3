import type { Table } from 'apache-arrow';

/**
 * The narrow database contract every engine backend implements: DuckDB-WASM in the browser
 * worker, DuckDB-WASM's blocking build in Node, and native DuckDB (`@duckdb/node-api`) in the
 * runner. Loaders, profiling and the notebook runner are written against this and nothing else.
 */
export interface Db {
  readonly kind: 'wasm' | 'native';
  /** DuckDB version string, e.g. `v1.4.3`. */
  readonly version: string;
  /** Runs one statement (or several separated by `;`), discarding results. */
  exec(sql: string): Promise<void>;
  /** Runs a query and returns the result as an Arrow IPC stream. */
  arrow(sql: string): Promise<Uint8Array>;
  /**
   * Runs a small query and returns plain JS rows: BIGINT/HUGEINT become numbers (or strings past
   * 2^53), DECIMAL becomes number, DATE/TIMESTAMP become ISO strings.
   */
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Makes bytes readable by SQL under `filePath(name)`. */
  registerBuffer(name: string, bytes: Uint8Array): Promise<void>;
  /** Removes a registered file. */
  dropFile(name: string): Promise<void>;
  /** The string to put (as a literal) into SQL to reach a registered or written file. */
  filePath(name: string): string;
  /** Reads a file that SQL wrote (e.g. `COPY … TO filePath(name)`). */
  readFile(name: string): Promise<Uint8Array>;
  /**
   * Creates `table` (which must not exist) from typed columns, without SQL text per row: an Arrow
   * IPC insert on DuckDB-WASM, the appender fed whole data chunks on native DuckDB. Columns may be
   * signed or unsigned integers, floats, text or booleans; nulls are kept.
   * @param table the table to create
   * @param columns the columns, named and typed by the Arrow schema
   */
  createTable(table: string, columns: Table): Promise<void>;
  /** Appends (or creates) `table` from an Arrow IPC stream. Not available on native. */
  insertArrow?(table: string, ipc: Uint8Array, create: boolean): Promise<void>;
  /**
   * Creates (`create`) or appends to `table` from a registered file holding one JSON array of
   * objects, with DuckDB-WASM's own JSON reader (no extension). Columns are the union of the keys
   * (in alphabetical order), nested values become STRUCT / LIST. WASM only.
   */
  insertJSON?(table: string, fileName: string, create: boolean): Promise<void>;
  /** Whether `read_parquet` / `read_json` work (native only; WASM has no such extensions offline). */
  readonly hasFileReaders: boolean;
  /**
   * The tables and views a query reads, from DuckDB (CTE names excluded). DuckDB binds the query
   * to answer: when it cannot (syntax error, a missing table in a join) it throws (WASM) or
   * returns nothing (native).
   */
  tableNames?(sql: string): Promise<string[]>;
  /** Interrupts the running statement, if any. */
  cancel(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Statements every backend runs first: no extension may be installed or loaded from the network,
 * and SQL may not reach remote files.
 */
export const LOCKDOWN_SQL = [
  'SET autoinstall_known_extensions = false',
  'SET autoload_known_extensions = false'
];
