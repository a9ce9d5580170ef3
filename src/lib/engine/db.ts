import type { Table } from 'apache-arrow';
import { join, lit, sql } from '../sql/quote';

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
  /**
   * Whether SQL may read this file on disk where it is, despite the lockdown (native: the runner's
   * declared sources). Loaders register a copy of any other file.
   */
  readsInPlace?(path: string): boolean;
  /** Interrupts the running statement, if any. */
  cancel(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Statements every backend runs first, so that SQL (a notebook opened from a file or a link
 * included) reaches only the tables in the database and the backend's own scratch directory:
 * no extension is installed or loaded, no file outside `scratchDir` (no `https://`, `s3://`,
 * `/etc/…`) is read, written, attached or globbed, and `lock_configuration` comes last so no later
 * statement can `SET` any of this back.
 * @param scratchDir the directory the backend's registered and written files live in (ends with `/`)
 * @param readable files SQL may also read where they are (the runner's declared sources)
 */
export function lockdownSql(scratchDir: string, readable: readonly string[] = []): string[] {
  const paths = readable.length ? [sql`SET allowed_paths = [${join(readable.map((p) => lit(p)))}]`] : [];
  return [
    ...paths,
    sql`SET autoinstall_known_extensions = false`,
    sql`SET autoload_known_extensions = false`,
    sql`SET allow_community_extensions = false`,
    sql`SET allowed_directories = [${lit(scratchDir)}]`,
    sql`SET enable_external_access = false`,
    sql`SET lock_configuration = true`
  ].map(String);
}
