/**
 * SQL that turns table columns into the numeric matrix k-means clusters: per feature a statistics
 * query, then a prepared-feature query with one DOUBLE column per dimension.
 *
 * Each numeric feature goes through the same steps as a scikit-learn pipeline
 * `SimpleImputer → FunctionTransformer(np.log1p) → StandardScaler | RobustScaler`: missing values
 * are imputed first, the scaling statistics are then computed on the imputed (and, for `log1p_z`,
 * transformed) values. A categorical feature becomes 0/1 columns for its most frequent levels plus
 * `other`.
 *
 * Weights scale features, not rows: weight w multiplies every column of a feature by √w, so each
 * squared Euclidean distance becomes Σ_j w_j (x_j − y_j)² and the feature's share of the k-means
 * objective (inertia) is multiplied by w (w = 2 counts a feature like two copies of itself). This
 * is not scikit-learn's `sample_weight`, which weights points in the centroid means and in the
 * inertia and leaves the distances alone. For a one-hot feature, two rows in different levels are
 * at squared distance 2w.
 */
import { note, NoteError } from '../i18n/note';
import type { ClusterFeature } from '../notebook/model';
import { ident, join, lit, sql, type SqlFragment } from './quote';

/**
 * How one feature is prepared:
 * `z` (x − mean) / sd with the population sd; `robust` (x − median) / IQR; `log1p_z` ln(1 + x),
 * then z; `none` the value as it is; `onehot` one 0/1 column per top level plus `other`.
 */
export type { ClusterFeature };

export type FeaturePrep = ClusterFeature['prep'];

/** How missing values of a feature are filled before it is prepared. */
export type ImputeRule = NonNullable<ClusterFeature['impute']>;

/** One level of a categorical feature and how many rows hold it. */
export interface LevelCount {
  value: string;
  count: number;
}

/** What every feature's statistics share. */
interface BaseFeatureStats {
  column: string;
  /** Rows where the column is NULL (these are imputed). */
  missing: number;
  /** missing / rows (0 for an empty table). */
  missingShare: number;
  impute: ImputeRule;
}

/** Statistics of a numeric feature; mean … mode describe the non-missing raw values. */
export interface NumericFeatureStats extends BaseFeatureStats {
  kind: 'numeric';
  prep: Exclude<FeaturePrep, 'onehot'>;
  mean: number | null;
  /** Population standard deviation (divisor n). */
  sd: number | null;
  median: number | null;
  /** First quartile, linear interpolation (numpy's default percentile). */
  q1: number | null;
  q3: number | null;
  iqr: number | null;
  /**
   * Most frequent value, the smallest on a tie; computed only when `impute` is `mode` (else null):
   * on a continuous column it costs a GROUP BY over nearly every row (about 1 s per million rows in
   * DuckDB-WASM) and says little.
   */
  mode: number | null;
  min: number | null;
  max: number | null;
  /** The value NULLs are replaced by (per `impute`), or null when the column has no value. */
  fill: number | null;
  /** Subtracted after imputation (and ln(1 + x) for `log1p_z`): mean, median, or 0 for `none`. */
  center: number;
  /** Divided by next: population sd, IQR, or 1 for `none`; a zero spread becomes 1 as in scikit-learn. */
  scale: number;
}

/** Statistics of a one-hot feature (values compared as VARCHAR). */
export interface CategoricalFeatureStats extends BaseFeatureStats {
  kind: 'categorical';
  prep: 'onehot';
  /** Distinct non-missing levels. */
  distinct: number;
  /** Most frequent level, the smallest on a tie; null when the column has no value. */
  mode: string | null;
  /** The `top` most frequent levels, by count descending then value ascending. */
  levels: LevelCount[];
  /** Non-missing rows outside `levels` (they share the `other` column). */
  otherCount: number;
  /** The level NULLs are replaced by (the mode), or null when the column has no value. */
  fill: string | null;
}

/** Statistics of one feature. */
export type FeatureStats = NumericFeatureStats | CategoricalFeatureStats;

/** Statistics of all features of a table, from {@link featureStatsQuery} via {@link parseFeatureStats}. */
export interface ClusterStats {
  rows: number;
  features: FeatureStats[];
}

/** One column (dimension) of the prepared matrix. */
export interface PreparedDim {
  /** Column name in the prepared query: `f0`, `f1`, … */
  name: string;
  /** The source column. */
  feature: string;
  prep: FeaturePrep;
  /** One-hot: the level this column flags; null for the `other` column and for numeric features. */
  level: string | null;
  /** One-hot: true for the `other` column. */
  other: boolean;
  weight: number;
  /** Plain-words recipe, e.g. `ln(1 + Fresh), z-scored (mean 8.73, sd 1.48)`. */
  description: string;
}

/** The prepared-feature query and what each of its DOUBLE columns holds. */
export interface PreparedQuery {
  /** `SELECT key, f0, f1, … FROM table ORDER BY key`. */
  query: SqlFragment;
  dims: PreparedDim[];
}

/** Column alias of the key in the prepared query. */
export const PREPARED_KEY = 'key';

const DEFAULT_TOP = 8;

/**
 * Checks the features and fills in the defaults.
 * @param features the features as the user chose them
 * @throws NoteError on an empty list, a bad weight or top, or an impute rule the prep cannot use
 */
export function normaliseFeatures(features: readonly ClusterFeature[]): Required<ClusterFeature>[] {
  if (features.length === 0) throw new NoteError(note('clusterNoFeatures'));
  return features.map((f) => {
    const weight = f.weight ?? 1;
    if (!(Number.isFinite(weight) && weight > 0)) {
      throw new NoteError(note('clusterWeight', { column: f.column, got: String(weight) }));
    }
    const top = f.top ?? DEFAULT_TOP;
    if (!(Number.isInteger(top) && top >= 1)) throw new NoteError(note('clusterLevels', { column: f.column, got: String(top) }));
    const impute = f.impute ?? (f.prep === 'onehot' ? 'mode' : 'median');
    if (f.prep === 'onehot' && impute !== 'mode') {
      throw new NoteError(note('clusterOneHotImpute', { column: f.column, impute: String(impute) }));
    }
    return { column: f.column, prep: f.prep, weight, top, impute };
  });
}

/**
 * One query (a single row) with the statistics of every feature: row count; per numeric feature
 * the mean, population sd, median, quartiles, min, max and missing count of the raw values, the mode
 * (ties → smallest) when it fills NULLs, the fill value, and the centre and spread of the imputed,
 * transformed values (mean and sd for `z` / `log1p_z`, median and quartiles for `robust`);
 * per one-hot feature the missing count, distinct count, mode and top levels by count (ties by value).
 * @param table the source table
 * @param features the features (see {@link ClusterFeature})
 */
export function featureStatsQuery(table: string, features: readonly ClusterFeature[]): SqlFragment {
  const fs = normaliseFeatures(features);
  const src = fs.map((f, i) => sql`CAST(${ident(f.column)} AS ${f.prep === 'onehot' ? sql`VARCHAR` : sql`DOUBLE`}) AS ${v(i)}`);
  const raw: SqlFragment[] = [sql`count(*) AS n`];
  const fills: SqlFragment[] = [];
  const spread: SqlFragment[] = [];
  const parts: SqlFragment[] = [];
  fs.forEach((f, i) => {
    const x = v(i);
    raw.push(sql`count(*) - count(${x}) AS ${col('missing', i)}`);
    const mode = sql`(SELECT ${x} FROM src WHERE ${x} IS NOT NULL GROUP BY ${x} ORDER BY count(*) DESC, ${x} LIMIT 1)`;
    if (f.prep === 'onehot') {
      const levels = sql`(SELECT list(struct_pack(value := lv, count := c) ORDER BY c DESC, lv) FROM (SELECT ${x} AS lv, count(*) AS c FROM src WHERE ${x} IS NOT NULL GROUP BY ${x} ORDER BY c DESC, lv LIMIT ${f.top}))`;
      raw.push(sql`count(DISTINCT ${x}) AS ${col('distinct', i)}`);
      parts.push(sql`${mode} AS ${col('mode', i)}`, sql`${levels} AS ${col('levels', i)}`);
      return;
    }
    raw.push(
      sql`avg(${x}) AS ${col('mean', i)}`,
      sql`stddev_pop(${x}) AS ${col('sd', i)}`,
      sql`quantile_cont(${x}, [0.25, 0.5, 0.75]) AS ${col('quartiles', i)}`,
      sql`min(${x}) AS ${col('min', i)}`,
      sql`max(${x}) AS ${col('max', i)}`
    );
    parts.push(f.impute === 'mode' ? sql`${mode} AS ${col('mode', i)}` : sql`NULL::DOUBLE AS ${col('mode', i)}`);
    const fill = f.impute === 'mean' ? sql`raw.${col('mean', i)}` : f.impute === 'median' ? sql`raw.${col('quartiles', i)}[2]` : sql`modes.${col('mode', i)}`;
    fills.push(sql`${fill} AS ${col('fill', i)}`);
    const t = transformed(f.prep, sql`coalesce(src.${x}, fills.${col('fill', i)})`);
    if (f.prep === 'robust') spread.push(sql`quantile_cont(${t}, [0.25, 0.5, 0.75]) AS ${col('tquartiles', i)}`);
    if (f.prep === 'z' || f.prep === 'log1p_z') spread.push(sql`avg(${t}) AS ${col('tmean', i)}`, sql`stddev_pop(${t}) AS ${col('tsd', i)}`);
  });
  const modes = parts.length ? join(parts) : sql`1 AS none`;
  const fillList = fills.length ? join(fills) : sql`1 AS none`;
  const spreadList = spread.length ? join(spread) : sql`1 AS none`;
  return sql`WITH src AS (SELECT ${src} FROM ${ident(table)}),
raw AS (SELECT ${raw} FROM src),
modes AS (SELECT ${modes}),
fills AS (SELECT ${fillList} FROM raw, modes),
spread AS (SELECT ${spreadList} FROM src, fills)
SELECT * FROM raw, modes, fills, spread`;
}

/**
 * Turns the single row of {@link featureStatsQuery} into typed statistics.
 * @param features the same features the query was built from
 * @param row the query's only row (as `Db.rows` returns it)
 * @throws NoteError when `log1p_z` meets a value ≤ −1
 */
export function parseFeatureStats(features: readonly ClusterFeature[], row: Record<string, unknown>): ClusterStats {
  const fs = normaliseFeatures(features);
  const rows = Number(row.n);
  const out = fs.map((f, i): FeatureStats => {
    const missing = Number(row[name('missing', i)]);
    const base = { column: f.column, missing, missingShare: rows > 0 ? missing / rows : 0, impute: f.impute };
    if (f.prep === 'onehot') {
      const distinct = Number(row[name('distinct', i)]);
      const levels = ((row[name('levels', i)] as LevelCount[] | null) ?? []).map((l) => ({ value: String(l.value), count: Number(l.count) }));
      const mode = row[name('mode', i)] as string | null;
      const counted = levels.reduce((s, l) => s + l.count, 0);
      return { ...base, kind: 'categorical', prep: 'onehot', distinct, mode, levels, otherCount: rows - missing - counted, fill: mode };
    }
    const q = (row[name('quartiles', i)] as number[] | null) ?? [null, null, null];
    const tq = (row[name('tquartiles', i)] as number[] | null | undefined) ?? [null, null, null];
    const min = num(row[name('min', i)]);
    if (f.prep === 'log1p_z' && min !== null && min <= -1) {
      throw new NoteError(note('clusterLog1p', { column: f.column, min: String(min) }));
    }
    const [center, scale] =
      f.prep === 'robust'
        ? [num(tq[1]) ?? 0, spreadOrOne(tq[2] !== null && tq[0] !== null ? Number(tq[2]) - Number(tq[0]) : null)]
        : f.prep === 'none'
          ? [0, 1]
          : [num(row[name('tmean', i)]) ?? 0, spreadOrOne(num(row[name('tsd', i)]))];
    return {
      ...base,
      kind: 'numeric',
      prep: f.prep,
      mean: num(row[name('mean', i)]),
      sd: num(row[name('sd', i)]),
      median: num(q[1]),
      q1: num(q[0]),
      q3: num(q[2]),
      iqr: q[0] === null || q[2] === null ? null : Number(q[2]) - Number(q[0]),
      mode: num(row[name('mode', i)]),
      min,
      max: num(row[name('max', i)]),
      fill: num(row[name('fill', i)]),
      center,
      scale
    };
  });
  return { rows, features: out };
}

/**
 * The prepared-feature query: the key (as `key`), then per numeric feature one DOUBLE column
 * `((t(coalesce(x, fill)) − center) / scale) × √weight` with t = ln(1 + ·) for `log1p_z`, else the
 * identity; per one-hot feature one column per top level and one `other` column when there are more
 * levels, each √weight where the (imputed) value is that level and 0 elsewhere. Rows are ordered by
 * the key, so the key should be unique for a deterministic order.
 * @param table the source table
 * @param key the key column
 * @param features the features
 * @param stats their statistics (from {@link parseFeatureStats})
 * @throws NoteError when a feature has no non-missing value (nothing to impute from)
 */
export function preparedQuery(table: string, key: string, features: readonly ClusterFeature[], stats: ClusterStats): PreparedQuery {
  const fs = normaliseFeatures(features);
  if (stats.features.length !== fs.length) throw new RangeError(`stats describe ${stats.features.length} features, expected ${fs.length}`);
  const dims: PreparedDim[] = [];
  const exprs: SqlFragment[] = [];
  const add = (expr: SqlFragment, dim: Omit<PreparedDim, 'name'>) => {
    const dimName = `f${dims.length}`;
    dims.push({ name: dimName, ...dim });
    exprs.push(sql`${expr} AS ${ident(dimName)}`);
  };
  fs.forEach((f, i) => {
    const s = stats.features[i];
    if (s.fill === null) throw new NoteError(note('clusterNoValues', { column: f.column }));
    const root = Math.sqrt(f.weight);
    const base = { feature: f.column, prep: f.prep, weight: f.weight };
    if (s.kind === 'categorical') {
      const value = sql`coalesce(CAST(${ident(f.column)} AS VARCHAR), ${lit(s.fill)})`;
      for (const level of s.levels) {
        add(sql`CASE WHEN ${value} = ${lit(level.value)} THEN ${dbl(root)} ELSE ${dbl(0)} END`, {
          ...base,
          level: level.value,
          other: false,
          description: `${f.column} = ${level.value} (one-hot)${weightNote(f.weight)}`
        });
      }
      if (s.distinct > s.levels.length) {
        const listed = join(s.levels.map((l) => lit(l.value)));
        add(sql`CASE WHEN ${value} IN (${listed}) THEN ${dbl(0)} ELSE ${dbl(root)} END`, {
          ...base,
          level: null,
          other: true,
          description: `${f.column}: any other level (one-hot)${weightNote(f.weight)}`
        });
      }
      return;
    }
    const filled = sql`coalesce(CAST(${ident(f.column)} AS DOUBLE), ${dbl(s.fill)})`;
    const t = transformed(s.prep, filled);
    const scaled = s.prep === 'none' ? t : sql`(${t} - ${dbl(s.center)}) / ${dbl(s.scale)}`;
    add(f.weight === 1 ? scaled : sql`${scaled} * ${dbl(root)}`, { ...base, level: null, other: false, description: describe(f.column, s, f.weight) });
  });
  const query = sql`SELECT ${ident(key)} AS ${ident(PREPARED_KEY)}, ${exprs} FROM ${ident(table)} ORDER BY ${ident(PREPARED_KEY)}`;
  return { query, dims };
}

function describe(column: string, s: NumericFeatureStats, weight: number): string {
  const fill = s.missing > 0 ? `; ${s.missing} missing (${percent(s.missingShare)}) filled with the ${s.impute} ${round(s.fill as number)}` : '';
  const recipe = {
    z: `${column}, z-scored (mean ${round(s.center)}, sd ${round(s.scale)})`,
    log1p_z: `ln(1 + ${column}), z-scored (mean ${round(s.center)}, sd ${round(s.scale)})`,
    robust: `${column}, robust-scaled (median ${round(s.center)}, IQR ${round(s.scale)})`,
    none: `${column}, as it is`
  }[s.prep];
  return `${recipe}${fill}${weightNote(weight)}`;
}

function weightNote(weight: number): string {
  return weight === 1 ? '' : `, weight ${weight}`;
}

function round(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

function percent(share: number): string {
  return `${Number((share * 100).toPrecision(3))} %`;
}

/** ln(1 + x) for `log1p_z` (NULL for x ≤ −1, which DuckDB's `ln` rejects; `parseFeatureStats` refuses those), else x. */
function transformed(prep: FeaturePrep, x: SqlFragment): SqlFragment {
  return prep === 'log1p_z' ? sql`CASE WHEN ${x} > -1 THEN ln(1 + ${x}) END` : x;
}

/** A DOUBLE literal that round-trips exactly (JS shortest representation, parsed as DOUBLE, not DECIMAL). */
function dbl(x: number): SqlFragment {
  return sql`${lit(String(x))}::DOUBLE`;
}

function spreadOrOne(x: number | null): number {
  return x === null || !(x > 0) ? 1 : x;
}

function num(x: unknown): number | null {
  return x === null || x === undefined ? null : Number(x);
}

function v(i: number): SqlFragment {
  return ident(`v${i}`);
}

function name(stat: string, i: number): string {
  return `${stat}_${i}`;
}

function col(stat: string, i: number): SqlFragment {
  return ident(name(stat, i));
}

/**
 * The result of a cluster cell: a segmentation of the entity table by cluster, like a segment
 * cell's (key, `segment` = the cluster's name, `tags`, then `cluster` 1…k and the entity's other
 * columns), ordered by cluster and key.
 * @param table the entity table
 * @param key its key column
 * @param labels the table `writeLabels` made (key, cluster)
 * @param names the clusters' names, 1…k (`segmentNames`)
 */
export function clusterViewQuery(table: string, key: string, labels: string, names: readonly string[]): SqlFragment {
  const all = names.map((name) => lit(name));
  const c = ident('__seglab_cluster');
  const hidden = [key, 'segment', 'tags', 'cluster', '__seglab_cluster'].map((name) => lit(name));
  const e = ident('__e');
  const l = ident('__l');
  return sql`SELECT ${ident(key)}, [${all}][${c}] AS "segment", '' AS "tags", ${c} AS "cluster", COLUMNS(c -> c NOT IN (${hidden}))
FROM (SELECT ${l}."cluster" AS ${c}, ${e}.* FROM ${ident(table)} AS ${e} JOIN ${ident(labels)} AS ${l} ON ${l}.${ident(key)} = ${e}.${ident(key)})
ORDER BY ${c}, ${ident(key)}`;
}

/** The k-modes coding of a table's features: integer codes per row and the value of every code. */
export interface CodedQueries {
  /** `SELECT key, f0, f1, … FROM table ORDER BY key`: per feature the INTEGER code (0-based) of the row's value. */
  codes: SqlFragment;
  /**
   * `(j, code, value)` for every feature j and each of its distinct values (as text; NULL is a value
   * of its own, coded last), ordered by j and code, and `levels` (distinct values of feature j).
   */
  levels: SqlFragment;
}

/**
 * Queries that code each feature's values as categories for k-modes: the value as text, codes
 * 0, 1, … in text order with NULL last (its own category). Both queries rank the same distinct
 * values the same way, so a code of `codes` is the `code` of its value in `levels`.
 * @param table the source table
 * @param key the key column (rows are ordered by it)
 * @param features the features; only their columns are read (preparation, weight and top do not apply)
 * @throws NoteError on an empty feature list
 */
export function codedQueries(table: string, key: string, features: readonly Pick<ClusterFeature, 'column'>[]): CodedQueries {
  if (features.length === 0) throw new NoteError(note('clusterNoFeatures'));
  const text = (column: string) => sql`CAST(${ident(column)} AS VARCHAR)`;
  const codes = features.map((f, j) => sql`(dense_rank() OVER (ORDER BY ${text(f.column)} NULLS LAST) - 1)::INTEGER AS ${ident(`f${j}`)}`);
  const distinct = features.map((f, j) => sql`SELECT DISTINCT ${lit(j)}::INTEGER AS j, ${text(f.column)} AS value FROM ${ident(table)}`);
  return {
    codes: sql`SELECT ${ident(key)} AS ${ident(PREPARED_KEY)}, ${codes} FROM ${ident(table)} ORDER BY ${ident(PREPARED_KEY)}`,
    levels: sql`SELECT j, (dense_rank() OVER (PARTITION BY j ORDER BY value NULLS LAST) - 1)::INTEGER AS code, value,
  count(*) OVER (PARTITION BY j)::INTEGER AS levels
FROM (${join(distinct, ' UNION ALL ')})
ORDER BY j, code`
  };
}
