import { ident, join, lit, sql, SqlFragment } from '../sql/quote';
import { neutralizeSql, neutralizeText } from '../sql/segment-export';
import type { Db } from './db';

/** What `exportCsv` reads: a table or view by name, or a query's text. */
export type CsvExportFrom = { table: string } | { sql: string };

/** How `exportCsv` writes: the field separator, and whether a UTF-8 byte-order mark comes first. */
export interface CsvExportOptions {
  /** `,` (default) or `;`, which German Excel expects. */
  delimiter: ',' | ';';
  /** Prepend the UTF-8 BOM (`EF BB BF`) so Excel reads umlauts as UTF-8; default false. */
  bom: boolean;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** A CSV file written by DuckDB. */
export interface CsvExport {
  bytes: Uint8Array;
  rows: number;
}

let exports = 0;

/**
 * Writes a table, view or query as CSV with DuckDB's own writer (header, `,` unless told `;`,
 * UTF-8, rows in the query's order), so the browser's download and the runner's files are the same
 * bytes for the same DuckDB version. A value holding the delimiter, `"`, a line break or nothing
 * (`''`, unlike NULL) is quoted, with `"` doubled. Text values and header names that a spreadsheet
 * would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) get a leading
 * `'` (OWASP's advice against CSV injection); numbers, dates and booleans are written as they are.
 * @param db the backend
 * @param from a table/view name, or the SQL of a query
 * @param options delimiter and byte-order mark
 */
export async function exportCsv(db: Db, from: CsvExportFrom, options: Partial<CsvExportOptions> = {}): Promise<CsvExport> {
  const { delimiter = ',', bom = false } = options;
  if (delimiter !== ',' && delimiter !== ';') throw new RangeError(`CSV export: the delimiter must be "," or ";", not ${JSON.stringify(delimiter)}`);
  const name = `__seglab_export_${++exports}.csv`;
  const source = 'table' in from ? sql`SELECT * FROM ${ident(from.table)}` : new SqlFragment(queryText(from.sql));
  const query = await neutralized(db, source);
  const copy = sql`COPY (${query}\n) TO ${lit(db.filePath(name))} (HEADER, DELIMITER ${lit(delimiter)})`;
  try {
    const result = await db.rows<Record<string, unknown>>(String(copy));
    const written = await db.readFile(name);
    const bytes = bom ? withBom(written) : written;
    return { bytes, rows: copiedRows(result) };
  } finally {
    await db.dropFile(name).catch(() => undefined);
  }
}

/** Types written as free text; lists, structs, numbers and dates cannot start like a formula. */
const TEXT_TYPE = /^(VARCHAR|ENUM\(|JSON$)/;

/** The query with its text columns and formula-like header names neutralised (`neutralizeSql`). */
async function neutralized(db: Db, query: SqlFragment): Promise<SqlFragment> {
  const columns = await db.rows<{ column_name: string; column_type: string }>(String(sql`DESCRIBE SELECT * FROM (${query}\n) AS "q"`));
  const risky = columns.some((c) => TEXT_TYPE.test(c.column_type) || neutralizeText(c.column_name) !== c.column_name);
  if (!risky) return query;
  const aliases = columns.map((_, i) => ident(`c${i + 1}`));
  const value = (type: string, v: SqlFragment) => (TEXT_TYPE.test(type) ? neutralizeSql(sql`CAST(${v} AS VARCHAR)`) : v);
  const select = columns.map((c, i) => sql`${value(c.column_type, aliases[i])} AS ${ident(neutralizeText(c.column_name))}`);
  return sql`SELECT ${select} FROM (${query}\n) AS "q"(${join(aliases)})`;
}

function withBom(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(UTF8_BOM.length + bytes.length);
  out.set(UTF8_BOM);
  out.set(bytes, UTF8_BOM.length);
  return out;
}

function queryText(text: string): string {
  return text.replace(/[\s;]+$/, '');
}

/** `COPY … TO` answers with one row holding the number of rows written. */
function copiedRows(result: Record<string, unknown>[]): number {
  const n = result[0] ? Object.values(result[0])[0] : 0;
  return Number(n ?? 0);
}
