import type { AsyncDuckDB } from '@duckdb/duckdb-wasm';
import { ipcToRows } from './arrow-rows';
import { LOCKDOWN_SQL, type Db } from './db';
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
}

interface PendingQueries {
  startPendingQuery(conn: number, text: string, allowStreamResult?: boolean): Promise<Uint8Array | null>;
  pollPendingQuery(conn: number): Promise<Uint8Array | null>;
  cancelPendingQuery(conn: number): Promise<boolean>;
}

/** `Db` over DuckDB-WASM: `AsyncDuckDB` in the browser worker or the blocking bindings in Node. */
export class WasmDb implements Db {
  readonly kind = 'wasm' as const;
  readonly hasFileReaders = false;
  version = '';
  #running = false;

  private constructor(
    private readonly bindings: WasmBindings,
    private readonly conn: number
  ) {}

  /**
   * Wraps opened bindings and a connection id, and locks extension loading down.
   * @param bindings `AsyncDuckDB` or the blocking bindings
   * @param conn a connection id (`connectInternal()` / `connect()._conn`)
   */
  static async open(bindings: WasmBindings, conn: number): Promise<WasmDb> {
    const db = new WasmDb(bindings, conn);
    for (const s of LOCKDOWN_SQL) await db.exec(s);
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
      let result = await b.startPendingQuery(this.conn, sql, false);
      while (!result) result = await b.pollPendingQuery(this.conn);
      return result;
    } finally {
      this.#running = false;
    }
  }

  async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    return ipcToRows<T>(await this.arrow(sql));
  }

  async registerBuffer(name: string, bytes: Uint8Array): Promise<void> {
    await this.bindings.registerFileBuffer(name, bytes);
  }

  async dropFile(name: string): Promise<void> {
    await this.bindings.dropFile(name);
  }

  filePath(name: string): string {
    return name;
  }

  async readFile(name: string): Promise<Uint8Array> {
    return await this.bindings.copyFileToBuffer(name);
  }

  async insertArrow(table: string, ipc: Uint8Array, create: boolean): Promise<void> {
    try {
      await this.bindings.insertArrowFromIPCStream(this.conn, ipc, { name: table, create });
    } catch (e) {
      throw fromDuckDBError(e);
    }
  }

  async cancel(): Promise<void> {
    if (this.#running && isPending(this.bindings)) await this.bindings.cancelPendingQuery(this.conn);
  }

  async close(): Promise<void> {}
}

function isPending(b: WasmBindings): b is WasmBindings & PendingQueries {
  return typeof (b as Partial<PendingQueries>).pollPendingQuery === 'function' && isAsync(b);
}

function isAsync(b: WasmBindings): b is WasmBindings & AsyncDuckDB {
  return typeof (b as Partial<AsyncDuckDB>).connectInternal === 'function';
}

