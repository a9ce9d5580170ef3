import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTypeId,
  FLOAT,
  INTEGER,
  SMALLINT,
  TINYINT,
  UBIGINT,
  UINTEGER,
  USMALLINT,
  UTINYINT,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBResultReader,
  type DuckDBType
} from '@duckdb/node-api';
import {
  Bool,
  DateDay,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
  Precision,
  Type,
  makeBuilder,
  makeData,
  tableToIPC,
  type Data,
  type DataType,
  type Float,
  type Int,
  type Vector
} from 'apache-arrow';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ident, join, lit, sql, type SqlFragment } from '../sql/quote';
import { lockdownSql, type Db } from './db';
import { EngineError, fromDuckDBError } from './errors';

/**
 * `Db` over native DuckDB (`@duckdb/node-api`), for the runner's `--engine native`: the same SQL as
 * the browser, without the wasm32 memory ceiling, and with `read_parquet` / `read_json` built in.
 * Registered buffers and written files live in a private temp directory removed by `close()`.
 */
export class NativeDb implements Db {
  readonly kind = 'native' as const;
  readonly hasFileReaders = true;
  version = '';

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly dir: string,
    private readonly readable: ReadonlySet<string>
  ) {}

  readsInPlace(file: string): boolean {
    return this.readable.has(path.resolve(file));
  }

  /**
   * Opens an in-memory database, locked down (`lockdownSql`) to its private temp directory, where
   * it also spills what does not fit in memory, and to the files named in `readable`.
   * @param options `threads` to cap DuckDB's worker threads (default: all cores); `readable`: files
   *   SQL may read where they are (the runner passes the notebook's declared sources, nothing else)
   */
  static async open(options: { threads?: number; readable?: readonly string[] } = {}): Promise<NativeDb> {
    const instance = await DuckDBInstance.create(':memory:', options.threads ? { threads: String(options.threads) } : {});
    const conn = await instance.connect();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'seglab-'));
    const readable = (options.readable ?? []).map((p) => path.resolve(p));
    const db = new NativeDb(instance, conn, dir, new Set(readable));
    await db.exec(String(sql`SET temp_directory = ${lit(path.join(dir, 'spill'))}`));
    for (const s of lockdownSql(`${dir}${path.sep}`, readable)) await db.exec(s);
    const [{ v }] = await db.rows<{ v: string }>('SELECT version() AS v');
    db.version = v;
    return db;
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.conn.run(sql);
    } catch (e) {
      throw fromDuckDBError(e, sql);
    }
  }

  async arrow(sql: string): Promise<Uint8Array> {
    return readerToIpc(await this.#read(sql));
  }

  async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const reader = await this.#read(sql);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const columns = reader.getColumnsJS();
    const out: T[] = [];
    for (let r = 0; r < reader.currentRowCount; r++) {
      const row: Record<string, unknown> = {};
      names.forEach((name, c) => {
        row[name] = plain(columns[c][r], types[c]);
      });
      out.push(row as T);
    }
    return out;
  }

  async registerBuffer(name: string, bytes: Uint8Array): Promise<void> {
    await writeFile(this.filePath(name), bytes);
  }

  async dropFile(name: string): Promise<void> {
    await rm(this.filePath(name), { force: true });
  }

  filePath(name: string): string {
    return path.join(this.dir, safeFileName(name));
  }

  async readFile(name: string): Promise<Uint8Array> {
    const buffer = await readFile(this.filePath(name));
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  async createTable(table: string, columns: Table): Promise<void> {
    const fields = columns.schema.fields;
    const specs = fields.map((f) => nativeColumnType(f.name, f.type));
    const types = specs.map((t) => t.type);
    const definitions = fields.map((f, c) => sql`${ident(f.name)} ${specs[c].sql}`);
    await this.exec(String(sql`CREATE TABLE ${ident(table)} (${join(definitions)})`));
    const vectors = fields.map((_, c) => columns.getChildAt(c) as Vector);
    try {
      const appender = await this.conn.createAppender(table);
      try {
        for (let start = 0; start < columns.numRows; start += CHUNK_ROWS) {
          const length = Math.min(CHUNK_ROWS, columns.numRows - start);
          const chunk = DuckDBDataChunk.create(types, length);
          vectors.forEach((column, c) => {
            const target = chunk.getColumnVector(c);
            for (let i = 0; i < length; i++) target.setItem(i, column.get(start + i) as never);
            target.flush();
          });
          appender.appendDataChunk(chunk);
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    } catch (e) {
      throw fromDuckDBError(e);
    }
  }

  async tableNames(sql: string): Promise<string[]> {
    try {
      return [...this.conn.getTableNames(sql, false)];
    } catch (e) {
      throw fromDuckDBError(e, sql);
    }
  }

  async cancel(): Promise<void> {
    this.conn.interrupt();
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
    await rm(this.dir, { recursive: true, force: true });
  }

  async #read(sql: string): Promise<DuckDBResultReader> {
    try {
      return await this.conn.runAndReadAll(sql);
    } catch (e) {
      throw fromDuckDBError(e, sql);
    }
  }
}

/** Rows of one data chunk: DuckDB's standard vector size, the most a chunk holds. */
const CHUNK_ROWS = 2048;

/** A DuckDB column type for an Arrow type: what the appender writes, and its SQL name. */
interface NativeColumnType {
  type: DuckDBType;
  sql: SqlFragment;
}

/**
 * The DuckDB type {@link NativeDb.createTable} gives an Arrow column: integers keep their width and
 * sign, floats their precision; text is VARCHAR.
 * @param name the column, for the error
 * @param type its Arrow type
 * @throws EngineError (UNSUPPORTED) for other types (dates, decimals, nested)
 */
function nativeColumnType(name: string, type: DataType): NativeColumnType {
  switch (type.typeId) {
    case Type.Int: {
      const { bitWidth, isSigned } = type as Int;
      const byWidth: Record<number, NativeColumnType> = isSigned
        ? { 8: { type: TINYINT, sql: sql`TINYINT` }, 16: { type: SMALLINT, sql: sql`SMALLINT` }, 32: { type: INTEGER, sql: sql`INTEGER` }, 64: { type: BIGINT, sql: sql`BIGINT` } }
        : { 8: { type: UTINYINT, sql: sql`UTINYINT` }, 16: { type: USMALLINT, sql: sql`USMALLINT` }, 32: { type: UINTEGER, sql: sql`UINTEGER` }, 64: { type: UBIGINT, sql: sql`UBIGINT` } };
      return byWidth[bitWidth];
    }
    case Type.Float:
      return (type as Float).precision === Precision.SINGLE ? { type: FLOAT, sql: sql`FLOAT` } : { type: DOUBLE, sql: sql`DOUBLE` };
    case Type.Utf8:
    case Type.LargeUtf8:
      return { type: VARCHAR, sql: sql`VARCHAR` };
    case Type.Bool:
      return { type: BOOLEAN, sql: sql`BOOLEAN` };
    default:
      throw new EngineError({ code: 'UNSUPPORTED', message: `Column "${name}" has the type ${String(type)}, which cannot be written to native DuckDB; use a number, text or boolean.` });
  }
}

/**
 * Maps any registered name to one file name inside the temp directory: injective, no path
 * separators, no glob characters DuckDB would expand (`*`, `?`, `[`).
 * @param name the name a loader registered
 */
export function safeFileName(name: string): string {
  return `f-${encodeURIComponent(name).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

function plain(value: unknown, type: DuckDBType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case DuckDBTypeId.DATE:
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return value instanceof Date ? value.toISOString() : String(value);
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return (value as unknown[]).map((v) => plain(v, type.valueType));
    case DuckDBTypeId.STRUCT: {
      const obj: Record<string, unknown> = {};
      type.entryNames.forEach((n, i) => {
        obj[n] = plain((value as Record<string, unknown>)[n], type.entryTypes[i]);
      });
      return obj;
    }
    default:
      return deepPlain(value);
  }
}

function deepPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return bigintToPlain(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(deepPlain);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepPlain(v)]));
  }
  return value;
}

function bigintToPlain(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** The Arrow type a DuckDB column is sent as, and how to turn a JS value into it. */
interface ArrowColumn {
  type: DataType;
  value(v: unknown): unknown;
}

function arrowColumn(type: DuckDBType): ArrowColumn {
  const same = (t: DataType): ArrowColumn => ({ type: t, value: (v) => v });
  const toNumber = (t: DataType): ArrowColumn => ({ type: t, value: (v) => Number(v) });
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return same(new Bool());
    case DuckDBTypeId.TINYINT:
      return same(new Int8());
    case DuckDBTypeId.SMALLINT:
      return same(new Int16());
    case DuckDBTypeId.INTEGER:
      return same(new Int32());
    case DuckDBTypeId.BIGINT:
      return same(new Int64());
    case DuckDBTypeId.UTINYINT:
      return same(new Uint8());
    case DuckDBTypeId.USMALLINT:
      return same(new Uint16());
    case DuckDBTypeId.UINTEGER:
      return same(new Uint32());
    case DuckDBTypeId.UBIGINT:
      return same(new Uint64());
    case DuckDBTypeId.FLOAT:
      return same(new Float32());
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return toNumber(new Float64());
    case DuckDBTypeId.DATE:
      return { type: new DateDay(), value: (v) => (v instanceof Date ? v : new Date(String(v))) };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return { type: new TimestampMillisecond(), value: (v) => (v instanceof Date ? v.getTime() : Number(v)) };
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { type: new TimestampMillisecond('UTC'), value: (v) => (v instanceof Date ? v.getTime() : Number(v)) };
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
    case DuckDBTypeId.UUID:
      return { type: new Utf8(), value: (v) => String(v) };
    default:
      return { type: new Utf8(), value: (v) => (typeof v === 'string' ? v : JSON.stringify(deepPlain(v))) };
  }
}

/**
 * Encodes a materialised result as an Arrow IPC stream (one record batch). Decimals and 128-bit
 * integers travel as DOUBLE, nested and exotic types as JSON text.
 * @param reader a fully read result
 */
export function readerToIpc(reader: DuckDBResultReader): Uint8Array {
  const names = reader.columnNames();
  const specs = reader.columnTypes().map(arrowColumn);
  const columns = reader.getColumnsJS();
  const rows = reader.currentRowCount;
  const fields = names.map((n, i) => new Field(n, specs[i].type, true));
  const children: Data[] = specs.map((spec, i) => {
    const builder = makeBuilder({ type: spec.type, nullValues: [null, undefined] });
    for (const v of columns[i]) builder.append(v === null || v === undefined ? null : spec.value(v));
    return builder.finish().flush();
  });
  const schema = new Schema(fields);
  const data = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children });
  return tableToIPC(new Table(schema, [new RecordBatch(schema, data)]), 'stream');
}
