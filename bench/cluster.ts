/**
 * The Cluster cell's steps on DuckDB-WASM (Node build), and SQL Lloyd against the typed-array kernel.
 *
 *   npx tsx bench/cluster.ts [--n 1000000] [--k 6] [--runs 3]
 *
 * Builds a seeded table of n customers × 8 numeric features around 6 planted clusters (4 log-normal
 * "spend" columns prepared with log1p_z, 4 normal columns with z), then prints the median of `runs`
 * wall times for: prepare (statistics query, prepared query as Arrow IPC, copy into a Float64Array),
 * the typed-array fit (fitKmeans, 10 k-means++ restarts), one typed-array Lloyd run and the SQL Lloyd
 * run (kmeansSql) from the same k-means++ centres, silhouette on a 10,000-row sample, and writeLabels
 * (`Db.createTable`; native DuckDB's is measured in bench/insert-native.ts). Both Lloyd runs print
 * their inertia and iterations, so a mismatch shows.
 */
import { parseArgs } from 'node:util';
import { makeVector, Table, tableToIPC } from 'apache-arrow';
import { fitKmeans, kmeansPlusPlus, silhouette } from '../src/lib/analysis/kmeans.ts';
import { createRng, normal } from '../src/lib/analysis/random.ts';
import { kmeansSql, prepareFeatures, writeLabels, type PreparedFeatures } from '../src/lib/engine/cluster.ts';
import { openNodeWasmDb } from '../src/lib/engine/db-node-wasm.ts';
import type { Db } from '../src/lib/engine/db.ts';
import { Engine } from '../src/lib/engine/engine.ts';
import type { ClusterFeature } from '../src/lib/sql/cluster-prepare.ts';
import { ident, sql } from '../src/lib/sql/quote.ts';

const D = 8;
const PLANTED = 6;
const SAMPLE = 10_000;
const SEED = 42;

/** n rows: id, then spend0…spend3 = exp(normal) around a cluster level, score0…score3 normal. */
async function createCustomers(engine: Engine, n: number): Promise<void> {
  const rng = createRng(SEED);
  const centres = Float64Array.from({ length: PLANTED * D }, () => 4 * rng.next());
  const columns = Array.from({ length: D }, () => new Float64Array(n));
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    ids[i] = i + 1;
    const c = rng.nextInt(PLANTED);
    for (let j = 0; j < D; j++) {
      const z = centres[c * D + j] + 0.5 * normal(rng);
      columns[j][i] = j < 4 ? Math.round(Math.exp(2 + z)) : z;
    }
  }
  const vectors = Object.fromEntries(columns.map((values, j) => [j < 4 ? `spend${j}` : `score${j - 4}`, makeVector(values)]));
  const table = new Table({ id: makeVector(ids), ...vectors });
  await (engine.db.insertArrow as NonNullable<Db['insertArrow']>)('customers', tableToIPC(table, 'stream'), true);
}

const FEATURES: ClusterFeature[] = Array.from({ length: D }, (_, j) =>
  j < 4 ? { column: `spend${j}`, prep: 'log1p_z' } : { column: `score${j - 4}`, prep: 'z' }
);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function timed<T>(runs: number, f: () => T | Promise<T>): Promise<{ seconds: number; result: T }> {
  const times: number[] = [];
  let result: T | undefined;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    result = await f();
    times.push((performance.now() - start) / 1000);
  }
  return { seconds: median(times), result: result as T };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '1000000' },
      k: { type: 'string', default: '6' },
      runs: { type: 'string', default: '3' }
    }
  });
  const n = Number(values.n);
  const k = Number(values.k);
  const runs = Number(values.runs);

  const db = await openNodeWasmDb();
  const engine = new Engine(db, 2 * 1024 ** 3);
  const made = await timed(1, () => createCustomers(engine, n));
  console.log(`DuckDB ${db.version} (WASM, Node ${process.version}); ${n.toLocaleString('en')} rows × ${D} features, k = ${k}, median of ${runs}`);
  console.log(`table built in ${made.seconds.toFixed(2)} s\n`);

  const rows: [string, number, string][] = [];
  const prepare = await timed(runs, () => prepareFeatures(engine, 'customers', 'id', FEATURES));
  const prepared: PreparedFeatures = prepare.result;
  rows.push(['prepare (stats + prepared query + copy)', prepare.seconds, `${prepared.n} × ${prepared.d}`]);

  const fit = await timed(runs, () => fitKmeans(prepared.matrix, prepared.n, prepared.d, k, { restarts: 10, seed: 0 }));
  rows.push(['typed fit, 10 restarts', fit.seconds, `inertia ${fit.result.inertia.toPrecision(10)}, ${fit.result.iterations} it (kept start)`]);

  const init = kmeansPlusPlus(prepared.matrix, prepared.n, prepared.d, k, createRng(1)).centroids;
  const typedOne = await timed(runs, () => fitKmeans(prepared.matrix, prepared.n, prepared.d, k, { init }));
  rows.push(['typed Lloyd, 1 start (fixed init)', typedOne.seconds, `inertia ${typedOne.result.inertia.toPrecision(10)}, ${typedOne.result.iterations} it`]);

  const materialise = await timed(1, () => engine.db.exec(String(sql`CREATE OR REPLACE TABLE prepared AS ${prepared.query}`)));
  rows.push(['SQL: materialise prepared table', materialise.seconds, '']);
  const sqlOne = await timed(runs, () => kmeansSql(engine, 'prepared', prepared.dims, init));
  const perIter = sqlOne.seconds / sqlOne.result.iterations;
  rows.push([
    'SQL Lloyd, 1 start (fixed init)',
    sqlOne.seconds,
    `inertia ${sqlOne.result.inertia.toPrecision(10)}, ${sqlOne.result.iterations} it, ${perIter.toFixed(3)} s/it`
  ]);

  const sil = await timed(runs, () => silhouette(prepared.matrix, prepared.n, prepared.d, fit.result.labels, k, { sampleSize: SAMPLE, seed: 0 }));
  rows.push([`silhouette, ${SAMPLE} sample`, sil.seconds, sil.result.toFixed(4)]);

  const arrow = await timed(runs, () => writeLabels(engine, 'labels', prepared.keys, fit.result.labels, 'id'));
  rows.push(['writeLabels (Db.createTable: Arrow insert)', arrow.seconds, '']);
  const [{ same }] = await engine.db.rows<{ same: number }>(
    String(sql`SELECT count(*) AS same FROM ${ident('labels')} JOIN customers USING (id)`)
  );

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`${'step'.padEnd(width)}  seconds  notes`);
  for (const [step, s, note] of rows) console.log(`${step.padEnd(width)}  ${s.toFixed(3).padStart(7)}  ${note}`);
  console.log(`\nSQL / typed, one Lloyd run from the same centres: ${(sqlOne.seconds / typedOne.seconds).toFixed(1)}×`);
  console.log(`inertia SQL / typed − 1: ${(sqlOne.result.inertia / typedOne.result.inertia - 1).toExponential(2)}; labels table joins ${same} of ${n} customers`);
}

await main();
