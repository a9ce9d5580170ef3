/**
 * Writing typed columns into DuckDB: `Db.createTable` on native DuckDB (appender fed whole data
 * chunks) and on DuckDB-WASM (Arrow IPC insert), beside the batched `INSERT … VALUES` that native
 * writes used before `createTable` existed.
 *
 *   npx tsx bench/insert-native.ts [--n 1000000] [--runs 3] [--values-runs 1]
 *
 * The table is a cluster label table: key BIGINT, cluster INTEGER (what `writeLabels` writes), and a
 * CLV-like table: row INTEGER plus four DOUBLE columns with some NULLs (what `fitClv` writes back).
 */
import { parseArgs } from 'node:util';
import { Float64, makeData, makeVector, Table } from 'apache-arrow';
import type { Db } from '../src/lib/engine/db.ts';
import { NativeDb } from '../src/lib/engine/db-native.ts';
import { openNodeWasmDb } from '../src/lib/engine/db-node-wasm.ts';
import { ident, join, sql, type SqlFragment } from '../src/lib/sql/quote.ts';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function timed(runs: number, f: (run: number) => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    await f(r);
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

function labelTable(n: number): Table {
  const keys = BigInt64Array.from({ length: n }, (_, i) => BigInt(1_000_000_000 + i));
  const cluster = Int32Array.from({ length: n }, (_, i) => 1 + ((i * 7919) % 6));
  return new Table({ id: makeVector(keys), cluster: makeVector(cluster) });
}

function clvTable(n: number): Table {
  const columns: Record<string, ReturnType<typeof makeVector>> = { __row: makeVector(Int32Array.from({ length: n }, (_, i) => i)) };
  for (const name of ['p_alive', 'expected_purchases', 'expected_spend', 'predicted_clv']) {
    const data = Float64Array.from({ length: n }, (_, i) => Math.sqrt(i + name.length));
    const bitmap = new Uint8Array((n + 7) >> 3).fill(255);
    let nulls = 0;
    for (let i = 0; i < n; i += 97) {
      bitmap[i >> 3] &= ~(1 << (i & 7));
      nulls++;
    }
    columns[name] = makeVector(makeData({ type: new Float64(), length: n, nullCount: nulls, nullBitmap: bitmap, data }));
  }
  return new Table(columns);
}

/** The former native path of `writeLabels`: CREATE TABLE, then INSERT … VALUES in batches of 10,000 rows. */
async function valuesInsert(db: Db, name: string, table: Table): Promise<void> {
  const id = table.getChild('id');
  const cluster = table.getChild('cluster');
  if (!id || !cluster) throw new Error('label table expected');
  await db.exec(String(sql`CREATE TABLE ${ident(name)} (id BIGINT, cluster INTEGER)`));
  for (let start = 0; start < table.numRows; start += 10_000) {
    const rows: SqlFragment[] = [];
    for (let i = start; i < Math.min(table.numRows, start + 10_000); i++) rows.push(sql`(${id.get(i) as bigint}, ${cluster.get(i) as number})`);
    await db.exec(String(sql`INSERT INTO ${ident(name)} VALUES ${join(rows)}`));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { n: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' }, 'values-runs': { type: 'string', default: '1' } }
  });
  const n = Number(values.n);
  const runs = Number(values.runs);
  const valuesRuns = Number(values['values-runs']);
  const native = await NativeDb.open();
  const wasm = await openNodeWasmDb();
  const labels = labelTable(n);
  const clv = clvTable(n);
  console.log(`native DuckDB ${native.version}, DuckDB-WASM ${wasm.version} (Node ${process.version}); ${n.toLocaleString('en')} rows, median of ${runs}\n`);
  const rows: [string, number][] = [];
  for (const [backend, db] of [['native', native], ['wasm', wasm]] as const) {
    rows.push([`${backend}: createTable, labels (BIGINT, INTEGER)`, await timed(runs, (r) => db.createTable(`labels_${r}`, labels))]);
    rows.push([`${backend}: createTable, CLV (INTEGER, 4 × DOUBLE with NULLs)`, await timed(runs, (r) => db.createTable(`clv_${r}`, clv))]);
  }
  if (valuesRuns > 0) rows.push([`native: INSERT … VALUES batches, labels (median of ${valuesRuns})`, await timed(valuesRuns, (r) => valuesInsert(native, `values_${r}`, labels))]);
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [step, s] of rows) console.log(`${step.padEnd(width)}  ${s.toFixed(3).padStart(7)} s`);
  if (valuesRuns > 0) {
    const [{ same }] = await native.rows<{ same: number }>('SELECT count(*)::DOUBLE AS same FROM labels_0 JOIN values_0 USING (id, cluster)');
    console.log(`\nappender and VALUES tables agree on ${same.toLocaleString('en')} of ${n.toLocaleString('en')} rows`);
  }
  await native.close();
  await wasm.close();
}

await main();
