/**
 * Clustering on the engine: prepare the features in DuckDB, copy them once into a row-major
 * Float64Array, fit k-means there (src/lib/analysis/kmeans.ts), and write the labels back as a
 * table. For k-modes, the features' values are coded as integer categories in DuckDB instead and
 * fitted with src/lib/analysis/kmodes.ts. Runs wherever an `Engine` runs (browser worker, Node). `kmeansSql` does the same Lloyd
 * iterations in DuckDB instead, so the two can be compared (bench/cluster.ts).
 */
import { makeVector, Table, tableFromIPC, type Vector } from 'apache-arrow';
import { fitKmeans, silhouette, suggestK, type KCandidate, type KSuggestion } from '../analysis/kmeans';
import { fitKmodes, matchingSilhouette } from '../analysis/kmodes';
import {
  clusterViewQuery,
  codedQueries,
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
import { note, NoteError } from '../i18n/note';
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
 * @throws NoteError on invalid features, a feature without values, or a non-finite prepared value
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
      if (chunk.nullCount > 0) throw new NoteError(note('clusterMissingPrepared', { column: dim.feature }));
      const values = chunk.values as Float64Array;
      for (let r = 0; r < chunk.length; r++) {
        const x = values[chunk.offset + r];
        if (!Number.isFinite(x)) {
          throw new NoteError(note('clusterNonFinite', { column: dim.feature, value: String(x), row: String(row0 + r + 1) }));
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

/** What every fitted clustering reports. */
export interface FitSummary {
  k: number;
  /** Cluster index in [0, k) per row (row order of the prepared or coded rows). */
  labels: Int32Array;
  iterations: number;
  converged: boolean;
  /** Rows per cluster. */
  sizes: number[];
  /** Mean silhouette (null for k = 1). */
  silhouette: number | null;
  /** Rows the silhouette was computed on (all, or the sample). */
  silhouetteRows: number;
  /** Wall time of the fit (all restarts) and of the silhouette, in milliseconds. */
  ms: { fit: number; silhouette: number };
}

/** A fitted k-means clustering of prepared features. */
export interface ClusterFit extends FitSummary {
  /** k × d centres in prepared units, row-major. */
  centroids: Float64Array;
  inertia: number;
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
  const start = performance.now();
  const fit = fitKmeans(matrix, n, d, k, { restarts, seed, maxIter, tol });
  const fitted = performance.now();
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) sizes[fit.labels[i]]++;
  const silhouetteRows = Math.min(n, silhouetteSample);
  const score = k >= 2 ? silhouette(matrix, n, d, fit.labels, k, { sampleSize: silhouetteSample, seed }) : null;
  return { k, ...fit, sizes, silhouette: score, silhouetteRows, ms: { fit: fitted - start, silhouette: performance.now() - fitted } };
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
  return selectK(kMin, kMax, 'inertia', (k) => fitClusters(prepared, k, options));
}

/** Fits every k in [kMin, kMax] with `fit` and suggests one; `inertia` of a point is the fit's objective. */
function selectK(
  kMin: number,
  kMax: number,
  curve: 'inertia' | 'cost',
  fit: (k: number) => ClusterFit | ModesFit
): KSelection {
  if (!(Number.isInteger(kMin) && Number.isInteger(kMax) && kMin >= 1 && kMax >= kMin)) {
    throw new NoteError(note('clusterKRange', { from: String(kMin), to: String(kMax) }));
  }
  const points: KSelectionPoint[] = [];
  let silhouetteRows = 0;
  for (let k = kMin; k <= kMax; k++) {
    const f = fit(k);
    silhouetteRows = f.silhouetteRows;
    points.push({ k, inertia: 'cost' in f ? f.cost : f.inertia, silhouette: f.silhouette, iterations: f.iterations });
  }
  const suggestion = suggestK(points satisfies KCandidate[]);
  return { points, suggestion, why: explain(points, suggestion, curve), silhouetteRows };
}

function explain(points: KSelectionPoint[], s: KSuggestion, curve: 'inertia' | 'cost'): string {
  const range = `k = ${points[0].k}…${points[points.length - 1].k}`;
  const elbow = s.elbowK === null ? `the ${curve} curve shows no clear elbow` : `the ${curve} curve bends most at k = ${s.elbowK}`;
  if (s.reason === 'max-silhouette') {
    const best = points.find((p) => p.k === s.k) as KSelectionPoint;
    return `k = ${s.k} has the highest silhouette (${(best.silhouette as number).toFixed(3)}) of ${range}; ${elbow}.`;
  }
  if (s.reason === 'elbow') return `No silhouette could be computed for ${range}; ${elbow}.`;
  return `Neither a silhouette nor an elbow singles out a k in ${range}, so the smallest is suggested.`;
}

/**
 * Creates (or replaces) a table `(key, cluster INTEGER)` with clusters numbered from 1, through the
 * backend's column insert (`Db.createTable`).
 * @param engine the engine
 * @param name the table to create; an existing table of that name is replaced
 * @param keys the key per row (`PreparedFeatures.keys`)
 * @param labels cluster index in [0, k) per row
 * @param keyColumn name of the key column in the new table
 */
export async function writeLabels(engine: Engine, name: string, keys: Vector, labels: Int32Array, keyColumn = PREPARED_KEY): Promise<void> {
  if (keys.length !== labels.length) throw new RangeError(`${keys.length} keys but ${labels.length} labels`);
  if (keyColumn === 'cluster') throw new NoteError(note('clusterKeyNamedCluster'));
  const cluster = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) cluster[i] = labels[i] + 1;
  await engine.db.exec(String(sql`DROP TABLE IF EXISTS ${ident(name)}`));
  await engine.db.createTable(name, new Table({ [keyColumn]: keys, cluster: makeVector(cluster) }));
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

/** A table's features coded as categories for k-modes, and the value behind every code. */
export interface CodedFeatures {
  /** The key of each row, in row order (ascending key). */
  keys: Vector;
  /** n × d codes, row-major: `codes[i * d + j]` is the code of row i's value of feature j. */
  codes: Int32Array;
  n: number;
  d: number;
  /** Per feature: its column and its values by code (text; null for missing, always the last code). */
  features: { column: string; values: (string | null)[] }[];
}

/** Distinct values a feature may have for k-modes. */
export const MAX_LEVELS = 1000;

/**
 * Codes the features of a table as categories for k-modes: each value as text, NULL a category of
 * its own (see `codedQueries`), read as Arrow IPC into one Int32Array.
 * @param engine the engine holding the table
 * @param table the source table
 * @param key its key column (should be unique: rows are ordered by it)
 * @param features the features (only their columns are read)
 * @throws NoteError when a feature has more than {@link MAX_LEVELS} distinct values
 */
export async function codeFeatures(engine: Engine, table: string, key: string, features: readonly ClusterFeature[]): Promise<CodedFeatures> {
  const { codes: codesQuery, levels } = codedQueries(table, key, features);
  const counts = await engine.db.rows<{ j: number; levels: number }>(String(sql`SELECT j, any_value(levels) AS levels FROM (${levels}) GROUP BY j ORDER BY j`));
  for (const { j, levels: count } of counts) {
    if (count > MAX_LEVELS) {
      throw new NoteError(note('clusterTooManyLevels', { column: features[j].column, count: String(count), max: String(MAX_LEVELS) }));
    }
  }
  const values = features.map(() => [] as (string | null)[]);
  for (const row of await engine.db.rows<{ j: number; code: number; value: string | null }>(String(levels))) values[row.j][row.code] = row.value;
  const result = tableFromIPC(await engine.query(String(codesQuery)));
  const n = result.numRows;
  const d = features.length;
  const codes = new Int32Array(n * d);
  features.forEach((_, j) => {
    const column = result.getChild(`f${j}`) as Vector;
    let row0 = 0;
    for (const chunk of column.data) {
      const chunkValues = chunk.values as Int32Array;
      for (let r = 0; r < chunk.length; r++) codes[(row0 + r) * d + j] = chunkValues[chunk.offset + r];
      row0 += chunk.length;
    }
  });
  return { keys: result.getChild(PREPARED_KEY) as Vector, codes, n, d, features: features.map((f, j) => ({ column: f.column, values: values[j] })) };
}

/** A fitted k-modes clustering of coded features; its silhouette uses the matching dissimilarity. */
export interface ModesFit extends FitSummary {
  /** k × d modes (codes), row-major. */
  modes: Int32Array;
  /** Mismatches of the rows with their cluster's mode, summed. */
  cost: number;
}

/**
 * Fits k-modes (Huang; seeded starts, best cost of `restarts`) on coded features and scores it with
 * the matching-dissimilarity silhouette on a seeded sample.
 * @param coded from {@link codeFeatures} (only codes, n and d are read)
 * @param k number of clusters
 * @param options restarts, seed, silhouetteSample
 */
export function fitModes(coded: Pick<CodedFeatures, 'codes' | 'n' | 'd'>, k: number, options: Omit<ClusterFitOptions, 'tol'> = {}): ModesFit {
  const { codes, n, d } = coded;
  const { restarts = 10, seed = 0, silhouetteSample = SILHOUETTE_SAMPLE, maxIter } = options;
  const start = performance.now();
  const fit = fitKmodes(codes, n, d, k, { restarts, seed, maxIter });
  const fitted = performance.now();
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) sizes[fit.labels[i]]++;
  const score = k >= 2 ? matchingSilhouette(codes, n, d, fit.labels, k, { sampleSize: silhouetteSample, seed }) : null;
  const ms = { fit: fitted - start, silhouette: performance.now() - fitted };
  return { k, ...fit, sizes, silhouette: score, silhouetteRows: Math.min(n, silhouetteSample), ms };
}

/**
 * Cost and matching silhouette of k-modes for every k in [kMin, kMax], and the suggested k (as in
 * {@link kSelection}, with the cost curve in place of inertia; `inertia` of a point holds the cost).
 * @param coded from {@link codeFeatures}
 * @param kMin smallest k, ≥ 1
 * @param kMax largest k, ≥ kMin
 * @param options restarts, seed, silhouetteSample
 */
export function modesKSelection(coded: Pick<CodedFeatures, 'codes' | 'n' | 'd'>, kMin: number, kMax: number, options: Omit<ClusterFitOptions, 'tol'> = {}): KSelection {
  return selectK(kMin, kMax, 'cost', (k) => fitModes(coded, k, options));
}

/** The prefix of the tables that hold a cluster cell's labels. */
export const LABELS_PREFIX = '__seglab_labels_';

/**
 * Runs a cluster cell's work in the engine: prepares its features (k-modes: codes them), fits
 * k-means or k-modes (seeded restarts) and writes the labels to a hidden table; returns the query
 * of the cell's result over it.
 * @param engine the engine
 * @param cell the cluster cell
 */
export async function clusterCellQuery(engine: Engine, cell: ClusterCell): Promise<SqlFragment> {
  const run = await fitted(engine, cell, true);
  const labels = `${LABELS_PREFIX}${cell.id}`;
  const keys = run.algorithm === 'kmodes' ? run.coded.keys : run.prepared.keys;
  await writeLabels(engine, labels, keys, run.fit.labels, cell.key);
  return clusterViewQuery(cell.table, cell.key, labels, segmentNames(cell));
}

/** A k-modes cluster's mode of one feature: the value, and its share in the cluster and in all rows. */
export interface FeatureMode {
  /** The value as text; null when the mode is "missing". */
  value: string | null;
  /** Rows of the cluster with the value / rows of the cluster. */
  share: number;
  /** Rows with the value / all rows. */
  baseShare: number;
}

/** What a cluster cell's report views show besides its members: the fit, the centres (or modes) and a 2-D map. */
export interface ClusterDetails {
  algorithm: 'kmeans' | 'kmodes';
  k: number;
  /** k-means: inertia; k-modes: cost (mismatches with the cluster's mode, summed over rows). */
  inertia: number;
  iterations: number;
  converged: boolean;
  /** Euclidean silhouette on the prepared features (k-modes: matching dissimilarity on the codes). */
  silhouette: number | null;
  silhouetteRows: number;
  sizes: number[];
  /** The prepared dimensions (empty for k-modes). */
  dims: PreparedDim[];
  /** k × d centres in prepared units, row-major (empty for k-modes). */
  centroids: Float64Array;
  /** Mean and population sd of each prepared dimension (empty for k-modes). */
  scale: { mean: Float64Array; sd: Float64Array };
  missing: PreparedFeatures['missing'];
  /** Wall time of the last run's steps in the engine, in milliseconds: preparing (k-modes: coding) the features, fitting, the silhouette. */
  ms: { prepare: number; fit: number; silhouette: number };
  /** k-modes only: the features, and per cluster per feature its mode. */
  modes: { features: string[]; byCluster: FeatureMode[][] } | null;
  /**
   * PCA of the prepared rows: a seeded sample of at most `MAP_ROWS` rows, their scores and clusters.
   * Null for k-modes (categories have no principal components) and for fewer than 2 rows or dimensions.
   */
  map: { projection: Float64Array; labels: Int32Array; explained: [number, number] } | null;
}

/** Rows of the PCA map, at most. */
export const MAP_ROWS = 5000;

type Fitted =
  | { algorithm: 'kmeans'; config: string; prepareMs: number; prepared: PreparedFeatures; fit: ClusterFit }
  | { algorithm: 'kmodes'; config: string; prepareMs: number; coded: CodedFeatures; fit: ModesFit };

/**
 * The last fit per cell (and engine), so its reports and the k selection reuse the prepared matrix.
 * A run always fits afresh (the data may have changed); the views reuse the run's fit while the
 * cell's settings are the same.
 */
const fits = new WeakMap<Engine, Map<string, Fitted>>();

async function fitted(engine: Engine, cell: ClusterCell, fresh = false): Promise<Fitted> {
  const algorithm = cell.algorithm ?? 'kmeans';
  const options = { restarts: cell.restarts ?? 10, seed: cell.seed ?? 0 };
  const config = JSON.stringify([algorithm, cell.table, cell.key, cell.features, cell.k, options.restarts, options.seed]);
  let byCell = fits.get(engine);
  if (!byCell) fits.set(engine, (byCell = new Map()));
  const cached = byCell.get(cell.id);
  if (!fresh && cached?.config === config) return cached;
  let run: Fitted;
  const start = performance.now();
  if (algorithm === 'kmodes') {
    const coded = await codeFeatures(engine, cell.table, cell.key, cell.features);
    const prepareMs = performance.now() - start;
    run = { algorithm, config, prepareMs, coded, fit: fitModes(coded, cell.k, options) };
  } else {
    const prepared = await prepareFeatures(engine, cell.table, cell.key, cell.features);
    const prepareMs = performance.now() - start;
    run = { algorithm, config, prepareMs, prepared, fit: fitClusters(prepared, cell.k, options) };
  }
  byCell.set(cell.id, run);
  return run;
}

/**
 * The fit of a cluster cell that ran (prepared and fitted again if its settings changed): sizes,
 * quality, and for k-means the centres with the dimensions' scale and a PCA map of a seeded sample
 * of rows, for k-modes the modes of every cluster with their shares.
 * @param engine the engine
 * @param cell the cluster cell
 */
export async function clusterDetails(engine: Engine, cell: ClusterCell): Promise<ClusterDetails> {
  const run = await fitted(engine, cell);
  if (run.algorithm === 'kmodes') return modesDetails(run.coded, run.fit, run.prepareMs);
  const { prepared, fit } = run;
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
    algorithm: 'kmeans',
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
    ms: { prepare: run.prepareMs, ...fit.ms },
    modes: null,
    map
  };
}

function modesDetails(coded: CodedFeatures, fit: ModesFit, prepareMs: number): ClusterDetails {
  const { codes, n, d, features } = coded;
  const k = fit.k;
  const inCluster = features.map((f) => new Float64Array(k * f.values.length));
  const overall = features.map((f) => new Float64Array(f.values.length));
  for (let i = 0; i < n; i++) {
    const c = fit.labels[i];
    for (let j = 0; j < d; j++) {
      const code = codes[i * d + j];
      inCluster[j][c * features[j].values.length + code]++;
      overall[j][code]++;
    }
  }
  const byCluster = Array.from({ length: k }, (_, c) =>
    features.map((f, j) => {
      const code = fit.modes[c * d + j];
      return { value: f.values[code], share: fit.sizes[c] > 0 ? inCluster[j][c * f.values.length + code] / fit.sizes[c] : 0, baseShare: overall[j][code] / n };
    })
  );
  const missing = features.map((f, j) => {
    const count = f.values[f.values.length - 1] === null ? overall[j][f.values.length - 1] : 0;
    return { column: f.column, count, share: n > 0 ? count / n : 0 };
  });
  return {
    algorithm: 'kmodes',
    k,
    inertia: fit.cost,
    iterations: fit.iterations,
    converged: fit.converged,
    silhouette: fit.silhouette,
    silhouetteRows: fit.silhouetteRows,
    sizes: fit.sizes,
    dims: [],
    centroids: new Float64Array(0),
    scale: { mean: new Float64Array(0), sd: new Float64Array(0) },
    missing,
    ms: { prepare: prepareMs, ...fit.ms },
    modes: { features: features.map((f) => f.column), byCluster },
    map: null
  };
}

/**
 * Inertia (k-modes: cost) and silhouette of a cluster cell's features for every k in [kMin, kMax],
 * and the suggested k.
 * @param engine the engine
 * @param cell the cluster cell (its algorithm, features, restarts and seed)
 * @param kMin smallest k
 * @param kMax largest k
 */
export async function clusterKSelection(engine: Engine, cell: ClusterCell, kMin: number, kMax: number): Promise<KSelection> {
  const run = await fitted(engine, cell);
  const options = { restarts: cell.restarts ?? 10, seed: cell.seed ?? 0 };
  return run.algorithm === 'kmodes' ? modesKSelection(run.coded, kMin, kMax, options) : kSelection(run.prepared, kMin, kMax, options);
}
