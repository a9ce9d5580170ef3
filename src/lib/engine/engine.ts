import { ident, lit, sql } from '../sql/quote';
import { tableNameFromFile, uniqueName } from '../sql/names';
import type { EngineInfo, EngineMemory, LoadEstimate, LoadOptions, LoadProgress, TableInfo, TableProfile } from './api';
import type { Db } from './db';
import { said } from '../i18n/note';
import { EngineError, fileError } from './errors';
import { cancelledError } from './loaders/common';
import { detectFormat } from './loaders/detect';
import { LOADERS } from './loaders/index';
import type { InspectContext } from './loaders/types';
import { profileTable } from './profile';
import type { ByteSource } from './source';

const STAGING_PREFIX = '__seglab_loading_';

/**
 * The share of the engine's memory that loaded tables may fill; the rest stays free for what the
 * analyses build (hash tables of a GROUP BY, sorts of a window). Measured with bench/xl-browser.ts:
 * 50 M orders × 3 columns filled 1.7 of the tab's 2 GiB, and the RFM cell over them then failed
 * with DuckDB's "Out of Memory"; 20 M orders (0.7 GB) ran it.
 */
export const TABLE_SHARE = 0.6;

/**
 * The environment-neutral engine: the same class runs in the browser worker and in Node (tests,
 * runner). It owns the table catalogue and turns files into tables through the loaders.
 */
export class Engine {
  readonly #tables = new Map<string, TableInfo>();
  #abort: AbortController | null = null;
  #staging = 0;

  /**
   * @param db the database backend
   * @param memoryLimitBytes what the engine may use in all (the wasm32 heap, or the machine)
   * @param bundle which DuckDB build is running, for `info()`
   * @param assets URLs of the files that build loads (browser only), for `info()`
   */
  constructor(
    readonly db: Db,
    readonly memoryLimitBytes: number,
    readonly bundle: string = db.kind,
    readonly assets: readonly string[] = []
  ) {}

  /** Facts about the running engine. */
  async info(): Promise<EngineInfo> {
    const [{ threads }] = await this.db.rows<{ threads: number }>(
      "SELECT current_setting('threads')::INTEGER AS threads"
    );
    return { duckdb: this.db.version, bundle: this.bundle, threads, memoryLimitBytes: this.memoryLimitBytes, assets: [...this.assets] };
  }

  /** Bytes DuckDB holds now (buffer manager), to estimate what is left. */
  async usedBytes(): Promise<number> {
    const [{ used }] = await this.db.rows<{ used: number | null }>(
      'SELECT sum(memory_usage_bytes)::DOUBLE AS used FROM duckdb_memory()'
    );
    return used ?? 0;
  }

  /** Used bytes against the budget, for the memory gauge. */
  async memory(): Promise<EngineMemory> {
    return { usedBytes: await this.usedBytes(), budgetBytes: this.memoryLimitBytes };
  }

  /**
   * Sniffs a file and estimates whether it fits, without loading it.
   * @param source the file
   * @param options overrides (format, CSV dialect, sheet)
   */
  async inspect(source: ByteSource, options: LoadOptions = {}): Promise<LoadEstimate> {
    try {
      const ctx = await this.#context(source, options);
      const format = options.format ?? (await detectFormat(source));
      return await LOADERS[format].inspect(ctx);
    } catch (e) {
      throw fileError(source.name, e);
    }
  }

  /**
   * Loads a file as one new table. On failure nothing is left behind and other tables are untouched.
   * @param source the file
   * @param options table name, format and dialect overrides, column subset, sample
   * @param onProgress called with bytes and rows as the load advances
   */
  async load(source: ByteSource, options: LoadOptions = {}, onProgress?: (p: LoadProgress) => void): Promise<TableInfo> {
    const started = Date.now();
    const staging = `${STAGING_PREFIX}${++this.#staging}`;
    const abort = new AbortController();
    this.#abort = abort;
    try {
      const format = options.format ?? (await detectFormat(source));
      const ctx = await this.#context(source, options);
      const result = await LOADERS[format].load({
        ...ctx,
        table: staging,
        signal: abort.signal,
        onProgress: (p) => onProgress?.({ file: source.name, ...p })
      });
      if (abort.signal.aborted) throw cancelledError(source.name);
      const name = uniqueName(options.table?.trim() || tableNameFromFile(source.name), this.#tables.keys());
      await this.db.exec(String(sql`ALTER TABLE ${ident(staging)} RENAME TO ${ident(name)}`));
      const described = await this.#describe(name);
      const rows = await this.#count(name);
      const info: TableInfo = {
        name,
        file: source.name,
        format,
        rows,
        columns: described.map((c) => ({ ...c, conversion: result.conversions[c.name] })),
        warnings: result.warnings,
        ms: Date.now() - started,
        read: result.read ?? (format === 'csv' ? undefined : { format, columns: described, ...(options.sampleRows ? { limit: rows } : {}) })
      };
      this.#tables.set(name, info);
      return info;
    } catch (e) {
      await this.db.exec(String(sql`DROP TABLE IF EXISTS ${ident(staging)}`)).catch(() => undefined);
      if (abort.signal.aborted) throw cancelledError(source.name);
      throw fileError(source.name, e);
    } finally {
      if (this.#abort === abort) this.#abort = null;
    }
  }

  /** Cancels the running load (between chunks) and interrupts the running statement. */
  async cancel(): Promise<void> {
    this.#abort?.abort();
    await this.db.cancel();
  }

  /**
   * Runs SQL and returns Arrow IPC bytes.
   * @param text the query
   */
  async query(text: string): Promise<Uint8Array> {
    return this.db.arrow(text);
  }

  /** The loaded tables, in load order. */
  tables(): TableInfo[] {
    return [...this.#tables.values()];
  }

  /**
   * Renames a table; the new name is trimmed and must be unused.
   * @param from current name
   * @param to wanted name (any characters; it is quoted)
   */
  async renameTable(from: string, to: string): Promise<TableInfo> {
    const info = this.#get(from);
    const name = to.trim();
    if (!name) throw new EngineError({ code: 'SQL_BIND', ...said('tableNameEmpty') });
    if (name.toLowerCase() !== from.toLowerCase() && this.#has(name)) {
      throw new EngineError({ code: 'SQL_BIND', ...said('tableExists', { name }) });
    }
    await this.db.exec(String(sql`ALTER TABLE ${ident(from)} RENAME TO ${ident(name)}`));
    this.#tables.delete(from);
    const renamed = { ...info, name };
    this.#tables.set(name, renamed);
    return renamed;
  }

  /**
   * Drops a table.
   * @param name the table
   */
  async dropTable(name: string): Promise<void> {
    this.#get(name);
    await this.db.exec(String(sql`DROP TABLE IF EXISTS ${ident(name)}`));
    this.#tables.delete(name);
  }

  /**
   * Profiles a table: per column type, null share, distinct count, min / max / mean, top values, bins.
   * @param name the table
   */
  async profile(name: string): Promise<TableProfile> {
    this.#get(name);
    return profileTable(this.db, name);
  }

  async #context(source: ByteSource, options: LoadOptions): Promise<InspectContext> {
    const forTables = this.memoryLimitBytes * TABLE_SHARE;
    return { db: this.db, source, options, availableBytes: Math.max(0, forTables - (await this.usedBytes())) };
  }

  async #count(name: string): Promise<number> {
    const [{ n }] = await this.db.rows<{ n: number }>(String(sql`SELECT count(*) AS n FROM ${ident(name)}`));
    return n;
  }

  async #describe(name: string): Promise<{ name: string; type: string }[]> {
    return this.db.rows<{ name: string; type: string }>(
      String(
        sql`SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = ${lit(name)} ORDER BY ordinal_position`
      )
    );
  }

  #has(name: string): boolean {
    return [...this.#tables.keys()].some((t) => t.toLowerCase() === name.toLowerCase());
  }

  #get(name: string): TableInfo {
    const info = this.#tables.get(name);
    if (!info) throw new EngineError({ code: 'SQL_BIND', ...said('noTable', { name }) });
    return info;
  }
}
