import { ident, lit, sql, SqlFragment } from '../sql/quote';
import type { Db } from './db';

/** What `exportCsv` reads: a table or view by name, or a query's text. */
export type CsvExportFrom = { table: string } | { sql: string };

/** A CSV file written by DuckDB. */
export interface CsvExport {
  bytes: Uint8Array;
  rows: number;
}

let exports = 0;

/**
 * Writes a table, view or query as CSV with DuckDB's own writer (header, `,`, UTF-8, rows in the
 * query's order), so the browser's download and the runner's files are the same bytes for the same
 * DuckDB version.
 * @param db the backend
 * @param from a table/view name, or the SQL of a query
 */
export async function exportCsv(db: Db, from: CsvExportFrom): Promise<CsvExport> {
  const name = `__seglab_export_${++exports}.csv`;
  const query = 'table' in from ? sql`SELECT * FROM ${ident(from.table)}` : new SqlFragment(queryText(from.sql));
  const copy = sql`COPY (${query}\n) TO ${lit(db.filePath(name))} (HEADER, DELIMITER ',')`;
  try {
    const result = await db.rows<Record<string, unknown>>(String(copy));
    const bytes = await db.readFile(name);
    return { bytes, rows: copiedRows(result) };
  } finally {
    await db.dropFile(name).catch(() => undefined);
  }
}

function queryText(text: string): string {
  return text.replace(/[\s;]+$/, '');
}

/** `COPY … TO` answers with one row holding the number of rows written. */
function copiedRows(result: Record<string, unknown>[]): number {
  const n = result[0] ? Object.values(result[0])[0] : 0;
  return Number(n ?? 0);
}
