import { Type, type DataType, type Table } from 'apache-arrow';
import { note, type Note } from '../i18n/note';
import type { LiteralColumn, ScriptStep } from '../notebook/sql-script';
import type { Db } from './db';

/** Statements that make or change tables and views; reads (`SELECT`, `DESCRIBE`, `COPY … TO`) are left out. */
const CHANGES = /^\s*(CREATE|DROP|ALTER|INSERT|UPDATE|DELETE|SET\s+VARIABLE)\b/i;

/**
 * A `Db` that passes everything to another backend and, while recording, keeps in order what
 * changes the database: `exec` statements that create, change or drop tables and views, and
 * `createTable` calls as their data (results computed in JS: cluster labels, CLV predictions,
 * lookalike scores). The steps become a cell's section of the notebook's SQL script.
 */
export class RecordingDb implements Db {
  #steps: ScriptStep[] | null = null;

  /**
   * @param inner the backend that does the work
   */
  constructor(readonly inner: Db) {
    if (inner.insertArrow) this.insertArrow = (table, ipc, create) => this.#opaque(note('scriptArrowInsert', { table }), () => inner.insertArrow!(table, ipc, create));
    if (inner.insertJSON) this.insertJSON = (table, file, create) => this.#opaque(note('scriptJsonInsert', { table }), () => inner.insertJSON!(table, file, create));
    if (inner.tableNames) this.tableNames = (text) => inner.tableNames!(text);
    if (inner.readsInPlace) this.readsInPlace = (p) => inner.readsInPlace!(p);
  }

  get kind(): Db['kind'] {
    return this.inner.kind;
  }

  get version(): string {
    return this.inner.version;
  }

  get hasFileReaders(): boolean {
    return this.inner.hasFileReaders;
  }

  insertArrow?: Db['insertArrow'];
  insertJSON?: Db['insertJSON'];
  tableNames?: Db['tableNames'];
  readsInPlace?: Db['readsInPlace'];

  /** Starts recording, dropping anything recorded before. */
  start(): void {
    this.#steps = [];
  }

  /** Stops recording and returns the steps recorded since `start`. */
  stop(): ScriptStep[] {
    const steps = this.#steps ?? [];
    this.#steps = null;
    return steps;
  }

  async exec(text: string): Promise<void> {
    await this.inner.exec(text);
    if (this.#steps && CHANGES.test(text)) this.#steps.push({ kind: 'sql', text: text.trim().replace(/;+$/, '') });
  }

  arrow(text: string): Promise<Uint8Array> {
    return this.inner.arrow(text);
  }

  rows<T = Record<string, unknown>>(text: string): Promise<T[]> {
    return this.inner.rows<T>(text);
  }

  registerBuffer(name: string, bytes: Uint8Array): Promise<void> {
    return this.inner.registerBuffer(name, bytes);
  }

  dropFile(name: string): Promise<void> {
    return this.inner.dropFile(name);
  }

  filePath(name: string): string {
    return this.inner.filePath(name);
  }

  readFile(name: string): Promise<Uint8Array> {
    return this.inner.readFile(name);
  }

  async createTable(table: string, columns: Table): Promise<void> {
    await this.inner.createTable(table, columns);
    if (this.#steps) this.#steps.push({ kind: 'values', table, rows: columns.numRows, columns: literalColumns(columns) });
  }

  cancel(): Promise<void> {
    return this.inner.cancel();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async #opaque(what: Note, run: () => Promise<void>): Promise<void> {
    await run();
    if (this.#steps) this.#steps.push({ kind: 'opaque', what });
  }
}

/**
 * The columns of a JS-made table as DuckDB types and text values, read from the Arrow vectors
 * when the script is written (`String` of a number is the shortest text that reads back as the
 * same double).
 * @param table the Arrow table given to `createTable`
 */
export function literalColumns(table: Table): LiteralColumn[] {
  return table.schema.fields.map((field, i) => {
    const vector = table.getChildAt(i)!;
    const value = (row: number) => {
      const v: unknown = vector.get(row);
      return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : String(v);
    };
    return { name: field.name, type: duckType(field.type), value };
  });
}

function duckType(type: DataType): string {
  switch (type.typeId) {
    case Type.Int: {
      const { bitWidth, isSigned } = type as DataType & { bitWidth: number; isSigned: boolean };
      const name = { 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' }[bitWidth] ?? 'BIGINT';
      return isSigned ? name : `U${name}`;
    }
    case Type.Float:
      return (type as DataType & { precision: number }).precision === 1 ? 'FLOAT' : 'DOUBLE';
    case Type.Bool:
      return 'BOOLEAN';
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'VARCHAR';
    default:
      throw new RangeError(`A column of Arrow type ${String(type)} cannot be written into a SQL script`);
  }
}
