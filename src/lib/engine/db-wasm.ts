import type { AsyncDuckDB } from '@duckdb/duckdb-wasm';
import { tableToIPC, type Table } from 'apache-arrow';
import { ipcToRows } from './arrow-rows';
import { lockdownSql, type Db } from './db';
import { fromDuckDBError } from './errors';

/**
 * The subset of DuckDB-WASM's bindings we use. `AsyncDuckDB` (browser worker) returns promises,
 * the blocking Node bindings return values; `await` treats both alike.
 */
export interface WasmBindings {
  runQuery(conn: number, text: string): Uint8Array | Promise<Uint8Array>;
  registerFileBuffer(name: string, buffer: Uint8Array): void | Promise<void>;
  dropFile(name: string): unknown;
  copyFileToBuffer(name: string): Uint8Array | Promise<Uint8Array>;
  insertArrowFromIPCStream(conn: number, buffer: Uint8Array, options: { name: string; create?: boolean }): unknown;
  getTableNames(conn: number, text: string): string[] | Promise<string[]>;
  insertJSONFromPath(conn: number, path: string, options: { name: string; create?: boolean }): unknown;
}

interface PendingQueries {
  startPendingQuery(conn: number, text: string, allowStreamResult?: boolean): Promise<Uint8Array | null>;
  pollPendingQuery(conn: number): Promise<Uint8Array | null>;
  cancelPendingQuery(conn: number): Promise<boolean>;
  fetchQueryResults(conn: number): Promise<Uint8Array>;
}

/**
 * Where files live: every registered or written file is `directory` + its URI-encoded name, and
 * the lockdown (`lockdownSql`) lets SQL reach that directory only. In the browser it is a name
 * prefix in DuckDB-WASM's in-memory file system (`/seglab/`). In Node, DuckDB-WASM resolves names
 * that were not registered (e.g. `COPY … TO`) against the real disk, so it is a private temp
 * directory, `unlink` deletes a written file when it is dropped and `remove` the directory on close.
 */
export interface WasmFileOptions {
  /** The scratch directory, ending with `/`, e.g. `/seglab/` or `/tmp/seglab-wasm-x7Tq/`. */
  directory: string;
  /** Deletes a real file written by SQL (Node only); must not throw when there is none. */
  unlink?: (path: string) => void | Promise<void>;
  /** Deletes the scratch directory (Node only). */
  remove?: () => void | Promise<void>;
}

/** `Db` over DuckDB-WASM: `AsyncDuckDB` in the browser worker or the blocking bindings in Node. */
export class WasmDb implements Db {
  readonly kind = 'wasm' as const;
  readonly hasFileReaders = false;
  version = '';
  #running = false;

  private constructor(
    private readonly bindings: WasmBindings,
    private readonly conn: number,
    private readonly files: WasmFileOptions
  ) {}

  /**
   * Wraps opened bindings and a connection id, and locks the database down (`lockdownSql`).
   * @param bindings `AsyncDuckDB` or the blocking bindings
   * @param conn a connection id (`connectInternal()` / `connect()._conn`)
   * @param files the scratch directory, and in Node how to clean up (see `WasmFileOptions`)
   */
  static async open(bindings: WasmBindings, conn: number, files: WasmFileOptions): Promise<WasmDb> {
    const db = new WasmDb(bindings, conn, files);
    for (const s of lockdownSql(files.directory)) await db.exec(s);
    const [{ v }] = await db.rows<{ v: string }>('SELECT version() AS v');
    db.version = v;
    return db;
  }

  async exec(sql: string): Promise<void> {
    await this.arrow(sql);
  }

  async arrow(sql: string): Promise<Uint8Array> {
    try {
      if (isPending(this.bindings)) return await this.#runPending(this.bindings, sql);
      return await this.bindings.runQuery(this.conn, sql);
    } catch (e) {
      throw fromDuckDBError(e, sql);
    }
  }

  async #runPending(b: PendingQueries, sql: string): Promise<Uint8Array> {
    this.#running = true;
    try {
      let header = await b.startPendingQuery(this.conn, sql, false);
      while (!header) header = await b.pollPendingQuery(this.conn);
      // The pending-query API answers with the schema message only; the record batches follow
      // through fetchQueryResults until an empty chunk (duckdb-wasm AsyncResultStreamIterator).
      const parts = [header];
      for (let chunk = await b.fetchQueryResults(this.conn); chunk.length > 0; chunk = await b.fetchQueryResults(this.conn)) {
        parts.push(chunk);
      }
      return concatBytes(parts);
    } finally {
      this.#running = false;
    }
  }

  async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    return ipcToRows<T>(await this.arrow(sql));
  }

  async registerBuffer(name: string, bytes: Uint8Array): Promise<void> {
    await this.bindings.registerFileBuffer(this.filePath(name), bytes);
  }

  async dropFile(name: string): Promise<void> {
    await this.bindings.dropFile(this.filePath(name));
    await this.files.unlink?.(this.filePath(name));
  }

  filePath(name: string): string {
    const safe = encodeURIComponent(name).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    return `${this.files.directory}${safe}`;
  }

  async readFile(name: string): Promise<Uint8Array> {
    return await this.bindings.copyFileToBuffer(this.filePath(name));
  }

  async insertArrow(table: string, ipc: Uint8Array, create: boolean): Promise<void> {
    try {
      await this.bindings.insertArrowFromIPCStream(this.conn, ipc, { name: table, create });
    } catch (e) {
      throw fromDuckDBError(e);
    }
  }

  async createTable(table: string, columns: Table): Promise<void> {
    await this.insertArrow(table, tableToIPC(columns, 'stream'), true);
  }

  async tableNames(sql: string): Promise<string[]> {
    try {
      return [...(await this.bindings.getTableNames(this.conn, sql))];
    } catch (e) {
      throw fromDuckDBError(wasmErrorMessage(e), sql);
    }
  }

  async insertJSON(table: string, fileName: string, create: boolean): Promise<void> {
    try {
      // No `shape` option: with `shape: 'row-array'` duckdb-wasm 1.32 fails with "Provided
      // table/dataframe must have at least one column"; without it the shape is detected.
      await this.bindings.insertJSONFromPath(this.conn, this.filePath(fileName), { name: table, create });
    } catch (e) {
      throw fromDuckDBError(e);
    }
  }

  async cancel(): Promise<void> {
    if (this.#running && isPending(this.bindings)) await this.bindings.cancelPendingQuery(this.conn);
  }

  async close(): Promise<void> {
    await this.files.remove?.();
  }
}

function isPending(b: WasmBindings): b is WasmBindings & PendingQueries {
  return typeof (b as Partial<PendingQueries>).pollPendingQuery === 'function' && isAsync(b);
}

function isAsync(b: WasmBindings): b is WasmBindings & AsyncDuckDB {
  return typeof (b as Partial<AsyncDuckDB>).connectInternal === 'function';
}


/** `getTableNames` throws DuckDB's JSON error object as its message; turn it into `Type Error: …`. */
function wasmErrorMessage(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  try {
    const parsed = JSON.parse(e.message) as { exception_type?: string; exception_message?: string };
    if (parsed.exception_type && parsed.exception_message) {
      return new Error(`${parsed.exception_type} Error: ${parsed.exception_message}`);
    }
  } catch {
    // not JSON: keep the message as it is
  }
  return e;
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
