import { readFileSync } from 'node:fs';
import type { Db } from '../../../src/lib/engine/db';
import { ident, lit, sql } from '../../../src/lib/sql/quote';
import { dataset } from './datasets';

/**
 * Loads `cdnow/CDNOW_sample.txt` (whitespace-separated, no header: master id, sample id 1..2357,
 * YYYYMMDD, CDs, dollars) into `table` with columns master_id, customer, day DATE, cds, dollars:
 * the whitespace is turned into commas in JS, then DuckDB reads the CSV.
 * @param db the database
 * @param table the table to create
 */
export async function loadCdnowSample(db: Db, table: string): Promise<void> {
  const lines = readFileSync(dataset('cdnow/CDNOW_sample.txt'), 'utf8').trim().split(/\r?\n/);
  const csv = lines.map((line) => line.trim().split(/\s+/).join(',')).join('\n');
  await db.registerBuffer('cdnow_sample.csv', new TextEncoder().encode(csv));
  const columns = sql`{'master_id': 'INTEGER', 'customer': 'INTEGER', 'day': 'VARCHAR', 'cds': 'INTEGER', 'dollars': 'DOUBLE'}`;
  await db.exec(
    String(
      sql`CREATE TABLE ${ident(table)} AS SELECT master_id, customer, CAST(strptime(day, '%Y%m%d') AS DATE) AS day, cds, dollars
FROM read_csv(${lit(db.filePath('cdnow_sample.csv'))}, header = false, columns = ${columns})`
    )
  );
}
