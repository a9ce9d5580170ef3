/**
 * Clustering on the engine: prepare the features in DuckDB, copy them once into a row-major
 * Float64Array, fit k-means there (src/lib/analysis/kmeans.ts), and write the labels back as a
 * table. Runs wherever an `Engine` runs (browser worker, Node). `kmeansSql` does the same Lloyd
 * iterations in DuckDB instead, so the two can be compared (bench/cluster.ts).
 */
import { makeVector, Table, tableFromIPC, tableToIPC, type Vector } from 'apache-arrow';
import { fitKmeans, silhouette, suggestK, type KCandidate, type KSuggestion } from '../analysis/kmeans';
import {
  clusterViewQuery,
  featureStatsQuery,
  parseFeatureStats,
  PREPARED_KEY,
  preparedQuery,
  type ClusterFeature,
  type ClusterStats,
  type PreparedDim
} from '../sql/cluster-prepare';
import { ident, join, lit, sql, type SqlFragment } from '../sql/quote';
import { segmentNames, type ClusterCell } from '../notebook/model';
import { dimensionScale } from '../charts/cluster-charts';
import { pca2 } from '../analysis/pca';
import { createRng, sampleIndices } from '../analysis/random';
import type { Engine } from './engine';

/** The prepared matrix and what it was made from. */
export interface PreparedFeatures {
  /** The key of each row, in row order (ascending key); an Arrow vector of the key column's type. */
  keys: Vector;
  /** Name of the key column in the source table. */
  keyColumn: string;
  /** n × d prepared values, row-major: `matrix[i * d + j]` is dimension j of row i. */
  matrix: Float64Array;
  n: number;
  d: number;
  /** What each of the d columns holds. */
  dims: PreparedDim[];
  stats: ClusterStats;
  /** Per feature: how many values were missing (and imputed), and their share of the rows. */
  missing: { column: string; count: number; share: number }[];
  /** The prepared-feature query (key, f0, f1, …), e.g. to materialise it for {@link kmeansSql}. */
  query: SqlFragment;
}

/**
 * Prepares the features of a table for k-means: one statistics query, then the prepared query read
 * as Arrow IPC and copied column by column into one Float64Array.
 * @param engine the engine holding the table
 * @param table the source table
 * @param key its key column (should be unique: rows are ordered by it)
 * @param features the features and their preparation
 * @throws RangeError on invalid features, a feature without values, or a non-finite prepared value
 */
export async function prepareFeatures(
  engine: Engine,
  table: string,
  key: string,
  features: readonly ClusterFeature[]
): Promise<PreparedFeatures> {
  const [row] = await engine.db.rows(String(featureStatsQuery(table, features)));
  const stats = parseFeatureStats(features, row);
  const { query, dims } = preparedQuery(table, key, features, stats);
  const result = tableFromIPC(await engine.query(String(query)));
  const n = result.numRows;
  const d = dims.length;
  const matrix = new Float64Array(n * d);
  dims.forEach((dim, j) => {
    const column = result.getChild(dim.name);
    if (column === null) throw new RangeError(`the prepared query has no column ${dim.name}`);
    let row0 = 0;
    for (const chunk of column.data) {
      if (chunk.nullCount > 0) throw new RangeError(`"${dim.feature}" gives a missing prepared value.`);
      const values = chunk.values as Float64Array;
      for (let r = 0; r < chunk.length; r++) {
        const x = values[chunk.offset + r];
        if (!Number.isFinite(x)) {
          throw new RangeError(`"${dim.feature}" gives a non-finite prepared value (${x}) at row ${row0 + r + 1}.`);
        }
        matrix[(row0 + r) * d + j] = x;
      }
      row0 += chunk.length;
    }
  });
  const keys = result.getChild(PREPARED_KEY) as Vector;
  const missing = stats.features.map((s) => ({ column: s.column, count: s.missing, share: s.missingShare }));
  return { keys, keyColumn: key, matrix, n, d, dims, stats, missing, query };
}

/** Options of {@link fitClusters} and {@link kSelection}. */
export interface ClusterFitOptions {
  /** k-means++ starts; the lowest inertia is kept. Default 10. */
  restarts?: number;
  /** Seed of seeding, restarts and the silhouette sample. Default 0. */
  seed?: number;
  /** Silhouette on a seeded sample of this many rows when there are more. Default 10,000. */
  silhouetteSample?: number;
  /** Lloyd iterations per start at most. Default 300. */
  maxIter?: number;
  /** Relative tolerance (see `KmeansOptions.tol`). Default 1e-4. */
  tol?: number;
}

/** A fitted clustering of prepared features. */
export interface ClusterFit {
  k: number;
  /** Cluster index in [0, k) per row (row order of the prepared matrix). */
  labels: Int32Array;
  /** k × d centres in prepared units, row-major. */
  centroids: Float64Array;
  inertia: number;
  iterations: number;
  converged: boolean;
  /** Rows per cluster. */
  sizes: number[];
  /** Mean silhouette (null for k = 1). */
  silhouette: number | null;
  /** Rows the silhouette was computed on (all, or the sample). */
  silhouetteRows: number;
}

const SILHOUETTE_SAMPLE = 10_000;

/**
 * Fits k-means (k-means++ starts, Lloyd iterations, best of `restarts`) on prepared features and
 * scores it with the silhouette on a seeded sample.
 * @param prepared from {@link prepareFeatures} (only matrix, n and d are read)
 * @param k number of clusters
 * @param options restarts, seed, silhouetteSample, maxIter, tol
 */
export function fitClusters(
  prepared: Pick<PreparedFeatures, 'matrix' | 'n' | 'd'>,
  k: number,
  options: ClusterFitOptions = {}
): ClusterFit {
  const { matrix, n, d } = prepared;
  const { restarts = 10, seed = 0, silhouetteSample = SILHOUETTE_SAMPLE, maxIter, tol } = options;
  const fit = fitKmeans(matrix, n, d, k, { restarts, seed, maxIter, tol });
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) sizes[fit.labels[i]]++;
  const silhouetteRows = Math.min(n, silhouetteSample);
  const score = k >= 2 ? silhouette(matrix, n, d, fit.labels, k, { sampleSize: silhouetteSample, seed }) : null;
  return { k, ...fit, sizes, silhouette: score, silhouetteRows };
}

/** One k of a {@link kSelection}. */
export interface KSelectionPoint {
  k: number;
  inertia: number;
  silhouette: number | null;
  iterations: number;
}

/** Inertia and silhouette over a range of k, and the suggested k with the reason in words. */
export interface KSelection {
  points: KSelectionPoint[];
  suggestion: KSuggestion;
  /** Why the suggested k, in a sentence. */
  why: string;
  /** Rows each silhouette was computed on (the same seeded rows for every k). */
  silhouetteRows: number;
}

/**
 * Fits every k in [kMin, kMax] and suggests one (`suggestK`: highest silhouette, else the elbow of
 * the inertia curve, else the smallest k). Each k uses the same seed, and the silhouettes the same
 * sampled rows.
 * @param prepared from {@link prepareFeatures}
 * @param kMin smallest k, ≥ 1
 * @param kMax largest k, ≥ kMin
 * @param options restarts, seed, silhouetteSample, maxIter, tol
 */
export function kSelection(
  prepared: Pick<PreparedFeatures, 'matrix' | 'n' | 'd'>,
  kMin: number,
  kMax: number,
  options: ClusterFitOptions = {}
): KSelection {
  if (!(Number.isInteger(kMin) && Number.isInteger(kMax) && kMin >= 1 && kMax >= kMin)) {
    throw new RangeError(`k range must be integers with 1 ≤ kMin ≤ kMax, got ${kMin}…${kMax}`);
  }
  const points: KSelectionPoint[] = [];
  let silhouetteRows = 0;
  for (let k = kMin; k <= kMax; k++) {
    const fit = fitClusters(prepared, k, options);
    silhouetteRows = fit.silhouetteRows;
    points.push({ k, inertia: fit.inertia, silhouette: fit.silhouette, iterations: fit.iterations });
  }
  const suggestion = suggestK(points satisfies KCandidate[]);
  return { points, suggestion, why: explain(points, suggestion), silhouetteRows };
}

function explain(points: KSelectionPoint[], s: KSuggestion): string {
  const range = `k = ${points[0].k}…${points[points.length - 1].k}`;
  const elbow = s.elbowK === null ? 'the inertia curve shows no clear elbow' : `the inertia curve bends most at k = ${s.elbowK}`;
  if (s.reason === 'max-silhouette') {
    const best = points.find((p) => p.k === s.k) as KSelectionPoint;
    return `k = ${s.k} has the highest silhouette (${(best.silhouette as number).toFixed(3)}) of ${range}; ${elbow}.`;
  }
  if (s.reason === 'elbow') return `No silhouette could be computed for ${range}; ${elbow}.`;
  return `Neither a silhouette nor an elbow singles out a k in ${range}, so the smallest is suggested.`;
}

/**
 * Creates (or replaces) a table `(key, cluster INTEGER)` with clusters numbered from 1: through
 * the backend's Arrow insert when it has one (DuckDB-WASM), else with batched `INSERT … VALUES`.
 * @param engine the engine
 * @param name the table to create; an existing table of that name is replaced
 * @param keys the key per row (`PreparedFeatures.keys`)
 * @param labels cluster index in [0, k) per row
 * @param keyColumn name of the key column in the new table
 */
export async function writeLabels(engine: Engine, name: string, keys: Vector, labels: Int32Array, keyColumn = PREPARED_KEY): Promise<void> {
  if (keys.length !== labels.length) throw new RangeError(`${keys.length} keys but ${labels.length} labels`);
  if (keyColumn === 'cluster') throw new RangeError('The key column cannot be called "cluster" in the label table.');
  const cluster = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) cluster[i] = labels[i] + 1;
  await engine.db.exec(String(sql`DROP TABLE IF EXISTS ${ident(name)}`));
  if (engine.db.insertArrow) {
    const table = new Table({ [keyColumn]: keys, cluster: makeVector(cluster) });
    await engine.db.insertArrow(name, tableToIPC(table, 'stream'), true);
    return;
  }
  await engine.db.exec(String(sql`CREATE TABLE ${ident(name)} (${ident(keyColumn)} ${keySqlType(keys)}, cluster INTEGER)`));
  for (let start = 0; start < cluster.length; start += VALUES_BATCH) {
    const rows: SqlFragment[] = [];
    for (let i = start; i < Math.min(cluster.length, start + VALUES_BATCH); i++) rows.push(sql`(${keyLiteral(keys.get(i))}, ${cluster[i]})`);
    await engine.db.exec(String(sql`INSERT INTO ${ident(name)} VALUES ${join(rows)}`));
  }
}

const VALUES_BATCH = 10_000;

const KEY_TYPES: Record<string, SqlFragment> = {
  Int8: sql`TINYINT`,
  Int16: sql`SMALLINT`,
  Int32: sql`INTEGER`,
  Int64: sql`BIGINT`,
  Uint8: sql`UTINYINT`,
  Uint16: sql`USMALLINT`,
  Uint32: sql`UINTEGER`,
  Uint64: sql`UBIGINT`,
  Float32: sql`FLOAT`,
  Float64: sql`DOUBLE`,
  Utf8: sql`VARCHAR`,
  LargeUtf8: sql`VARCHAR`,
  Bool: sql`BOOLEAN`
};

/** The DuckDB type of an Arrow key vector, for keys that `lit` writes faithfully (integers, floats, text, booleans). */
function keySqlType(keys: Vector): SqlFragment {
  const type = KEY_TYPES[String(keys.type)];
  if (type === undefined) throw new RangeError(`A key of type ${String(keys.type)} can only be written through an Arrow insert; use an integer or text key.`);
  return type;
}

function keyLiteral(key: unknown): SqlFragment {
  if (typeof key === 'string' || typeof key === 'number' || typeof key === 'bigint' || typeof key === 'boolean') return lit(key);
  return lit(null);
}

/** The outcome of {@link kmeansSql}. */
export interface SqlKmeansResult {
  centroids: Float64Array;
  inertia: number;
  iterations: number;
  converged: boolean;
  /** Rows per cluster after the last update. */
  sizes: number[];
}

/**
 * Lloyd's k-means in DuckDB over a prepared-feature table, from given starting centres: each
 * iteration is one query that assigns every row to its nearest centre (the first on a tie) and
 * returns per cluster the row count and the sums of the dimensions; the new centres are the means.
 * Stopping, tolerance and empty-cluster relocation follow `fitKmeans` (scikit-learn): stop when
 * Σ‖centre shift‖² ≤ tol × mean column variance (labels that no longer change give a zero shift);
 * an empty cluster takes the row farthest from its centre (ties: lowest rowid). The final inertia
 * is against the final centres. Unweighted.
 * @param engine the engine
 * @param preparedTable a table with the dimension columns, rows in key order
 * @param dims the dimension columns (`PreparedDim.name`, or any `{ name }`)
 * @param initialCentroids k × d starting centres, row-major
 * @param maxIter iterations at most (default 300)
 * @param tol relative tolerance (default 1e-4)
 */
export async function kmeansSql(
  engine: Engine,
  preparedTable: string,
  dims: readonly { name: string }[],
  initialCentroids: Float64Array,
  maxIter = 300,
  tol = 1e-4
): Promise<SqlKmeansResult> {
  const d = dims.length;
  const k = initialCentroids.length / d;
  if (!(d >= 1 && Number.isInteger(k) && k >= 1)) throw new RangeError(`initialCentroids must hold k × ${d} values, got ${initialCentroids.length}`);
  const cols = dims.map((dim) => ident(dim.name));
  const [{ variance }] = await engine.db.rows<{ variance: number }>(
    String(sql`SELECT (${join(cols.map((c) => sql`var_pop(${c})`), ' + ')}) / ${d} AS variance FROM ${ident(preparedTable)}`)
  );
  const tolAbs = tol * variance;
  const centres = initialCentroids.slice();
  const sums = new Float64Array(k * d);
  const mass = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    const assigned = assignedRows(preparedTable, cols, centres, k);
    const groups = await engine.db.rows<Record<string, number>>(
      String(sql`SELECT l, count(*)::DOUBLE AS m, ${join(cols.map((c, j) => sql`sum(${c}) AS ${ident(`s${j}`)}`))} FROM (${assigned}) GROUP BY l`)
    );
    sums.fill(0);
    mass.fill(0);
    for (const g of groups) {
      mass[g.l] = g.m;
      for (let j = 0; j < d; j++) sums[g.l * d + j] = g[`s${j}`];
    }
    await relocateEmpty(engine, assigned, cols, sums, mass);
    let shiftTotal = 0;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        const value = mass[c] > 0 ? sums[c * d + j] / mass[c] : centres[c * d + j];
        const diff = value - centres[c * d + j];
        shiftTotal += diff * diff;
        centres[c * d + j] = value;
      }
    }
    iterations++;
    if (shiftTotal <= tolAbs) {
      converged = true;
      break;
    }
  }
  const [{ inertia }] = await engine.db.rows<{ inertia: number }>(
    String(sql`SELECT sum(dist) AS inertia FROM (${assignedRows(preparedTable, cols, centres, k)})`)
  );
  return { centroids: centres, inertia, iterations, converged, sizes: Array.from(mass) };
}

/** Rows of the prepared table with their nearest centre `l` (0-based) and squared distance `dist`. */
function assignedRows(table: string, cols: SqlFragment[], centres: Float64Array, k: number): SqlFragment {
  const d = cols.length;
  const distances: SqlFragment[] = [];
  for (let c = 0; c < k; c++) {
    const terms = cols.map((col, j) => {
      const centre = sql`${lit(String(centres[c * d + j]))}::DOUBLE`;
      return sql`(${col} - ${centre}) * (${col} - ${centre})`;
    });
    distances.push(join(terms, ' + '));
  }
  return sql`SELECT rowid AS r, ${cols}, list_position(ds, list_min(ds)) - 1 AS l, list_min(ds) AS dist FROM (SELECT rowid, ${cols}, [${join(distances)}] AS ds FROM ${ident(table)})`;
}

/** Moves each empty cluster onto the row farthest from its centre (with its mass), as `fitKmeans` does. */
async function relocateEmpty(engine: Engine, assigned: SqlFragment, cols: SqlFragment[], sums: Float64Array, mass: Float64Array): Promise<void> {
  const d = cols.length;
  const empty: number[] = [];
  for (let c = 0; c < mass.length; c++) if (!(mass[c] > 0)) empty.push(c);
  if (empty.length === 0) return;
  const far = await engine.db.rows<Record<string, number>>(
    String(sql`SELECT l, ${join(cols.map((c, j) => sql`${c} AS ${ident(`x${j}`)}`))} FROM (${assigned}) ORDER BY dist DESC, r LIMIT ${empty.length}`)
  );
  far.forEach((row, e) => {
    const from = row.l * d;
    const to = empty[e] * d;
    for (let j = 0; j < d; j++) {
      const x = row[`x${j}`];
      sums[from + j] -= x;
      sums[to + j] = x;
    }
    mass[row.l] -= 1;
    mass[empty[e]] = 1;
  });
}

/** The prefix of the tables that hold a cluster cell's labels. */
export const LABELS_PREFIX = '__seglab_labels_';

/**
 * Runs a cluster cell's work in the engine: prepares its features, fits k-means (seeded restarts)
 * and writes the labels to a hidden table; returns the query of the cell's view over it.
 * @param engine the engine
 * @param cell the cluster cell
 */
export async function clusterCellQuery(engine: Engine, cell: ClusterCell): Promise<SqlFragment> {
  const { prepared, fit } = await fitted(engine, cell, true);
  const labels = `${LABELS_PREFIX}${cell.id}`;
  await writeLabels(engine, labels, prepared.keys, fit.labels, cell.key);
  return clusterViewQuery(cell.table, cell.key, labels, segmentNames(cell));
}

/** What a cluster cell's views show besides its members: the fit, the centres and a 2-D map. */
export interface ClusterDetails {
  k: number;
  inertia: number;
  iterations: number;
  converged: boolean;
  silhouette: number | null;
  silhouetteRows: number;
  sizes: number[];
  dims: PreparedDim[];
  /** k × d centres in prepared units, row-major. */
  centroids: Float64Array;
  /** Mean and population sd of each prepared dimension. */
  scale: { mean: Float64Array; sd: Float64Array };
  missing: PreparedFeatures['missing'];
  /** PCA of the prepared rows: a seeded sample of at most `MAP_ROWS` rows, their scores and clusters. */
  map: { projection: Float64Array; labels: Int32Array; explained: [number, number] } | null;
}

/** Rows of the PCA map, at most. */
export const MAP_ROWS = 5000;

/**
 * The last fit per cell (and engine), so its views and the k selection reuse the prepared matrix.
 * A run always fits afresh (the data may have changed); the views reuse the run's fit while the
 * cell's settings are the same.
 */
const fits = new WeakMap<Engine, Map<string, { config: string; prepared: PreparedFeatures; fit: ClusterFit }>>();

async function fitted(engine: Engine, cell: ClusterCell, fresh = false): Promise<{ prepared: PreparedFeatures; fit: ClusterFit }> {
  const config = JSON.stringify([cell.table, cell.key, cell.features, cell.k, cell.restarts ?? 10, cell.seed ?? 0]);
  let byCell = fits.get(engine);
  if (!byCell) fits.set(engine, (byCell = new Map()));
  const cached = byCell.get(cell.id);
  if (!fresh && cached?.config === config) return cached;
  const prepared = await prepareFeatures(engine, cell.table, cell.key, cell.features);
  const fit = fitClusters(prepared, cell.k, { restarts: cell.restarts ?? 10, seed: cell.seed ?? 0 });
  byCell.set(cell.id, { config, prepared, fit });
  return { prepared, fit };
}

/**
 * The fit of a cluster cell that ran (prepared and fitted again if its settings changed): sizes,
 * quality, centres with the dimensions' scale, and a PCA map of a seeded sample of rows.
 * @param engine the engine
 * @param cell the cluster cell
 */
export async function clusterDetails(engine: Engine, cell: ClusterCell): Promise<ClusterDetails> {
  const { prepared, fit } = await fitted(engine, cell);
  const { matrix, n, d } = prepared;
  let map: ClusterDetails['map'] = null;
  if (n >= 2 && d >= 2) {
    const rows = n > MAP_ROWS ? sampleIndices(n, MAP_ROWS, createRng(cell.seed ?? 0)).sort() : Int32Array.from({ length: n }, (_, i) => i);
    const sample = new Float64Array(rows.length * d);
    const labels = new Int32Array(rows.length);
    rows.forEach((r, i) => {
      sample.set(matrix.subarray(r * d, r * d + d), i * d);
      labels[i] = fit.labels[r];
    });
    const pca = pca2(sample, rows.length, d);
    map = { projection: pca.projection, labels, explained: pca.explainedVarianceRatio };
  }
  return {
    k: fit.k,
    inertia: fit.inertia,
    iterations: fit.iterations,
    converged: fit.converged,
    silhouette: fit.silhouette,
    silhouetteRows: fit.silhouetteRows,
    sizes: fit.sizes,
    dims: prepared.dims,
    centroids: fit.centroids.slice(),
    scale: dimensionScale(matrix, n, d),
    missing: prepared.missing,
    map
  };
}

/**
 * Inertia and silhouette of a cluster cell's prepared features for every k in [kMin, kMax], and
 * the suggested k.
 * @param engine the engine
 * @param cell the cluster cell (its features, restarts and seed)
 * @param kMin smallest k
 * @param kMax largest k
 */
export async function clusterKSelection(engine: Engine, cell: ClusterCell, kMin: number, kMax: number): Promise<KSelection> {
  const { prepared } = await fitted(engine, cell);
  return kSelection(prepared, kMin, kMax, { restarts: cell.restarts ?? 10, seed: cell.seed ?? 0 });
}
