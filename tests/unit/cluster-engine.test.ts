import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { kmeansPlusPlus, fitKmeans } from '../../src/lib/analysis/kmeans';
import { createRng, normal } from '../../src/lib/analysis/random';
import { fitClusters, kmeansSql, kSelection, prepareFeatures, writeLabels, type PreparedFeatures } from '../../src/lib/engine/cluster';
import { NativeDb } from '../../src/lib/engine/db-native';
import { Engine } from '../../src/lib/engine/engine';
import type { ClusterFeature } from '../../src/lib/sql/cluster-prepare';
import { ident, lit, sql } from '../../src/lib/sql/quote';
import { file, openTestEngine } from './helpers/db';

/** Fixture written by scripts/reference/kmeans_reference.py (scikit-learn KMeans(n_init=10) / silhouette_score). */
interface ReferenceDataset {
  name: string;
  n: number;
  d: number;
  columns: string[];
  data: number[];
  kmeans: { k: number; inertia: number; silhouette: number }[];
}
const reference: { datasets: ReferenceDataset[] } = JSON.parse(readFileSync(new URL('../fixtures/reference/kmeans.json', import.meta.url), 'utf8'));
const wholesale = reference.datasets.find((ds) => ds.name === 'wholesale') as ReferenceDataset;
const WHOLESALE_CSV = '/work/shared/datasets/wholesale/customers.csv';

/** n points in d dimensions around k seeded centres, as a table `blobs(id, x0 … x{d-1})`. */
async function createBlobs(engine: Engine, name: string, n: number, d: number, k: number, seed: number): Promise<void> {
  const rng = createRng(seed);
  const centres = Array.from({ length: k * d }, () => 6 * rng.next());
  const rows = Array.from({ length: n }, (_, i) => {
    const c = rng.nextInt(k);
    return sql`(${i}, ${Array.from({ length: d }, (_, j) => lit(centres[c * d + j] + normal(rng)))})`;
  });
  const cols = Array.from({ length: d }, (_, j) => ident(`x${j}`));
  await engine.db.exec(String(sql`CREATE TABLE ${ident(name)} AS SELECT * FROM (VALUES ${rows}) AS t(id, ${cols})`));
}

/** An engine over native DuckDB (the runner's `--engine native`). */
async function nativeEngine(): Promise<Engine> {
  return new Engine(await NativeDb.open({ threads: 1 }), 2 * 1024 ** 3);
}

describe('prepareFeatures', () => {
  let engine: Engine;
  let prepared: PreparedFeatures;

  beforeAll(async () => {
    engine = await openTestEngine();
    const info = await engine.load(file('customers.csv', new Uint8Array(readFileSync(WHOLESALE_CSV))), { table: 'wholesale raw' });
    await engine.db.exec(String(sql`CREATE TABLE wholesale AS SELECT rowid + 1 AS customer, * FROM ${ident(info.name)}`));
    const features: ClusterFeature[] = wholesale.columns.map((column) => ({ column, prep: 'log1p_z' }));
    prepared = await prepareFeatures(engine, 'wholesale', 'customer', features);
  });

  // The fixture matrix is numpy's log1p + z-score (ddof=0) rounded to 1e-9, so 1e-9 covers the rounding.
  it('gives the scikit-learn reference matrix for log1p_z on the wholesale spend columns (1e-9)', () => {
    expect([prepared.n, prepared.d]).toEqual([wholesale.n, wholesale.d]);
    let worst = 0;
    prepared.matrix.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - wholesale.data[i]));
    });
    expect(worst).toBeLessThan(1e-9);
    expect(prepared.keys.get(0)).toBe(1n);
    expect(prepared.keys.get(prepared.n - 1)).toBe(440n);
    expect(prepared.missing.every((m) => m.count === 0 && m.share === 0)).toBe(true);
    expect(prepared.dims.map((d) => d.feature)).toEqual(wholesale.columns);
  });

  // Tolerances as in kmeans.test.ts: our best-of-10 inertia at most 1 % above scikit-learn's
  // (lower passes), the silhouette of our labels within 0.01 of scikit-learn's.
  it.each(wholesale.kmeans.map((fit) => ({ ...fit, name: `k=${fit.k}` })))(
    'reaches scikit-learn inertia within 1 % and its silhouette within 0.01 on wholesale $name',
    ({ k, inertia, silhouette }) => {
      const fit = fitClusters(prepared, k, { restarts: 10, seed: 0 });
      expect(fit.inertia).toBeLessThanOrEqual(inertia * 1.01);
      expect(Math.abs((fit.silhouette as number) - silhouette)).toBeLessThanOrEqual(0.01);
      expect(fit.sizes.reduce((s, x) => s + x, 0)).toBe(wholesale.n);
      expect(fit.silhouetteRows).toBe(wholesale.n);
    }
  );

  it('replays for the same seed', () => {
    const a = fitClusters(prepared, 4, { seed: 3, silhouetteSample: 100 });
    const b = fitClusters(prepared, 4, { seed: 3, silhouetteSample: 100 });
    expect(b.labels).toEqual(a.labels);
    expect(b.silhouette).toBe(a.silhouette);
    expect(a.silhouetteRows).toBe(100);
  });
});

describe('kSelection', () => {
  it('suggests the planted number of clusters by silhouette and explains why', async () => {
    const engine = await openTestEngine();
    await createBlobs(engine, 'blobs', 600, 3, 4, 11);
    const features: ClusterFeature[] = ['x0', 'x1', 'x2'].map((column) => ({ column, prep: 'z' }));
    const prepared = await prepareFeatures(engine, 'blobs', 'id', features);
    const selection = kSelection(prepared, 2, 7, { silhouetteSample: 300 });
    expect(selection.points.map((p) => p.k)).toEqual([2, 3, 4, 5, 6, 7]);
    for (let i = 1; i < selection.points.length; i++) expect(selection.points[i].inertia).toBeLessThan(selection.points[i - 1].inertia);
    expect(selection.suggestion).toMatchObject({ k: 4, reason: 'max-silhouette' });
    expect(selection.why).toMatch(/^k = 4 has the highest silhouette \(0\.\d{3}\) of k = 2…7; the inertia curve bends most at k = \d\.$/);
    expect(selection.silhouetteRows).toBe(300);
  });
});

describe('kmeansSql', () => {
  let engine: Engine;
  let prepared: PreparedFeatures;

  beforeAll(async () => {
    engine = await openTestEngine();
    await createBlobs(engine, 'blobs', 2000, 4, 5, 5);
    const features: ClusterFeature[] = ['x0', 'x1', 'x2', 'x3'].map((column) => ({ column, prep: 'z' }));
    prepared = await prepareFeatures(engine, 'blobs', 'id', features);
    await engine.db.exec(String(sql`CREATE TABLE prepared AS ${prepared.query}`));
  });

  // Same steps from the same centres: equal iteration counts and inertia to 1e-9 relative.
  it.each([3, 5, 8])('reaches the typed-array kernel inertia from the same k-means++ centres, k=%i', async (k) => {
    const init = kmeansPlusPlus(prepared.matrix, prepared.n, prepared.d, k, createRng(k)).centroids;
    const typed = fitKmeans(prepared.matrix, prepared.n, prepared.d, k, { init });
    const viaSql = await kmeansSql(engine, 'prepared', prepared.dims, init);
    expect(Math.abs(viaSql.inertia / typed.inertia - 1)).toBeLessThan(1e-9);
    expect(viaSql.iterations).toBe(typed.iterations);
    expect(viaSql.converged).toBe(typed.converged);
    viaSql.centroids.forEach((c, i) => expect(c).toBeCloseTo(typed.centroids[i], 9));
  });

  it('relocates an empty cluster as the typed-array kernel does', async () => {
    const init = kmeansPlusPlus(prepared.matrix, prepared.n, prepared.d, 4, createRng(1)).centroids;
    init.fill(1000, 3 * prepared.d);
    const typed = fitKmeans(prepared.matrix, prepared.n, prepared.d, 4, { init });
    const viaSql = await kmeansSql(engine, 'prepared', prepared.dims, init);
    expect(Math.abs(viaSql.inertia / typed.inertia - 1)).toBeLessThan(1e-9);
    expect(viaSql.iterations).toBe(typed.iterations);
    expect(viaSql.sizes.every((s) => s > 0)).toBe(true);
  });
});

describe('writeLabels', () => {
  it('writes key and 1-based cluster alike on DuckDB-WASM and native DuckDB', async () => {
    const engine = await openTestEngine();
    await engine.db.exec(`CREATE TABLE people AS SELECT 'Kundin ' || (20 - range) || ' "ü"' AS "Kunden Nr", range::DOUBLE AS v FROM range(20)`);
    const prepared = await prepareFeatures(engine, 'people', 'Kunden Nr', [{ column: 'v', prep: 'z' }]);
    const fit = fitClusters(prepared, 2, { seed: 1 });
    await writeLabels(engine, 'labels "wasm"', prepared.keys, fit.labels, prepared.keyColumn);
    const native = await nativeEngine();
    await writeLabels(native, 'labels native', prepared.keys, fit.labels, prepared.keyColumn);
    const expected = await engine.db.rows(
      `SELECT "Kunden Nr", CASE WHEN v < 10 THEN 'low' ELSE 'high' END AS half FROM people ORDER BY "Kunden Nr"`
    );
    for (const [db, table] of [[engine.db, 'labels "wasm"'], [native.db, 'labels native']] as const) {
      const types = await db.rows<{ column_name: string; data_type: string }>(
        String(sql`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ${lit(table)} ORDER BY ordinal_position`)
      );
      expect(types).toEqual([
        { column_name: 'Kunden Nr', data_type: 'VARCHAR' },
        { column_name: 'cluster', data_type: 'INTEGER' }
      ]);
      const rows = await db.rows<{ 'Kunden Nr': string; cluster: number }>(String(sql`SELECT * FROM ${ident(table)} ORDER BY "Kunden Nr"`));
      expect(rows.map((r) => r['Kunden Nr'])).toEqual(expected.map((r) => r['Kunden Nr']));
      const clusterOf = (half: string) => new Set(rows.filter((_, i) => expected[i].half === half).map((r) => r.cluster));
      expect([...clusterOf('low')].length).toBe(1);
      expect([...clusterOf('high')].length).toBe(1);
      expect(new Set(rows.map((r) => r.cluster))).toEqual(new Set([1, 2]));
    }
    await native.db.close();
  });

  it('keeps a BIGINT key beyond 2^31 on native DuckDB', async () => {
    const engine = await openTestEngine();
    await engine.db.exec(`CREATE TABLE big AS SELECT 3000000000 + range AS id, range::DOUBLE AS v FROM range(4)`);
    const prepared = await prepareFeatures(engine, 'big', 'id', [{ column: 'v', prep: 'none' }]);
    const native = await nativeEngine();
    await writeLabels(native, 'big labels', prepared.keys, Int32Array.from([0, 0, 1, 1]), 'id');
    expect(await native.db.rows('SELECT id, cluster, typeof(id) AS t FROM "big labels" ORDER BY id')).toEqual([
      { id: 3000000000, cluster: 1, t: 'BIGINT' },
      { id: 3000000001, cluster: 1, t: 'BIGINT' },
      { id: 3000000002, cluster: 2, t: 'BIGINT' },
      { id: 3000000003, cluster: 2, t: 'BIGINT' }
    ]);
    await native.db.close();
  });
});
