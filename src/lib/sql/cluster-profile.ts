/**
 * SQL that profiles a clustering: cluster sizes, per numeric feature the mean, median and spread
 * in each cluster and in the base, and per categorical feature the most frequent values of each
 * cluster with their counts in the cluster and in the base. Pure; every name goes through `ident`,
 * every value through `lit`.
 *
 * Input: a labelled table or view with a `cluster` INTEGER column (1 … k; the column name can be
 * changed) and the entity's original columns, one row per entity. The base is all its rows.
 * Counts come back as DOUBLE.
 *
 * Determinism: the browser (DuckDB-WASM, one thread) and the runner (native DuckDB, many threads)
 * must agree to the last bit, so the DOUBLE sums behind means and standard deviations are ordered
 * aggregates (`sum(v ORDER BY v)`, `stddev_pop(v ORDER BY v)`), medians are `quantile_cont`, and
 * every row order is total.
 */
import { ident, lit, sql, type SqlFragment } from './quote';

/** Inputs of the cluster-profile queries. */
export interface ClusterProfileInput {
  /** The labelled table or view. */
  labelled: string;
  /** Its cluster column (INTEGER 1 … k). Default `cluster`. */
  cluster?: string;
}

/** Inputs of {@link numericProfileQuery}. */
export interface NumericProfileInput extends ClusterProfileInput {
  /** Numeric columns, in the order the rows list them. */
  features: readonly string[];
}

/** Inputs of {@link categoryProfileQuery}. */
export interface CategoryProfileInput extends ClusterProfileInput {
  /** Categorical columns (any type; compared as text), in the order the rows list them. */
  features: readonly string[];
  /** Most values listed per cluster and feature (default 10). */
  top?: number;
}

/** A row of {@link clusterSizeQuery}. */
export interface ClusterSizeRow {
  /** 1 … k; null on the base row. */
  cluster: number | null;
  is_base: boolean;
  size: number;
}

/** A row of {@link numericProfileQuery}. */
export interface NumericProfileRow {
  cluster: number | null;
  is_base: boolean;
  /** The feature's position in the input list. */
  j: number;
  feature: string;
  /** Rows with a finite value. */
  n: number;
  mean: number | null;
  median: number | null;
  /** Population standard deviation (divisor n). */
  sd: number | null;
}

/** A row of {@link categoryProfileQuery}. */
export interface CategoryProfileRow {
  cluster: number | null;
  is_base: boolean;
  j: number;
  feature: string;
  /** The value as text (never NULL: missing values are counted in `size` only). */
  value: string;
  /** Rows of the cluster (or base) with the value. */
  count: number;
  /** Rows of the cluster (or base). */
  size: number;
  base_count: number;
  base_size: number;
  /** 1 for the cluster's most frequent value (ties by value). */
  rank: number;
}

const IS_BASE = sql`grouping(c) = 1 AS is_base`;

function checkFeatures(features: readonly string[], what: string): void {
  if (features.length === 0) throw new RangeError(`A ${what} profile needs at least one column.`);
}

/** Rows of the labelled table as (c, j, feature, v): one per entity and feature, v built by `value`. */
function unpivoted(input: ClusterProfileInput, features: readonly string[], value: (col: SqlFragment) => SqlFragment): SqlFragment {
  const cluster = ident(input.cluster ?? 'cluster');
  const positions = features.map((_, j) => lit(j));
  return sql`SELECT ${cluster} AS c, unnest([${positions}]) AS j, unnest([${features.map((f) => lit(f))}]) AS feature,
    unnest([${features.map((f) => value(ident(f)))}]) AS v
  FROM ${ident(input.labelled)}`;
}

/**
 * The size of every cluster (ordered by cluster) and a last row for the base (`cluster` NULL,
 * `is_base` true). Rows with a NULL cluster count in the base only.
 * @param input the labelled table and its cluster column
 */
export function clusterSizeQuery(input: ClusterProfileInput): SqlFragment {
  const cluster = ident(input.cluster ?? 'cluster');
  return sql`SELECT ${cluster} AS cluster, grouping(${cluster}) = 1 AS is_base, CAST(count(*) AS DOUBLE) AS size
FROM ${ident(input.labelled)}
GROUP BY GROUPING SETS ((${cluster}), ())
ORDER BY is_base, cluster`;
}

/**
 * Per numeric feature, for each cluster and for the base: `n` (rows with a finite value), `mean`,
 * `median` (`quantile_cont`) and population `sd` of the finite values (NaN and ±Infinity count as
 * missing); NULL statistics where there is no value. Rows (see {@link NumericProfileRow}) ordered
 * clusters first (by cluster, then feature position), base rows last.
 * @param input the labelled table, its cluster column and the numeric columns
 * @throws RangeError on an empty feature list
 */
export function numericProfileQuery(input: NumericProfileInput): SqlFragment {
  checkFeatures(input.features, 'numeric');
  const finite = (col: SqlFragment) => sql`CASE WHEN isfinite(CAST(${col} AS DOUBLE)) THEN CAST(${col} AS DOUBLE) END`;
  return sql`WITH s AS (
  ${unpivoted(input, input.features, finite)}
)
SELECT c AS cluster, ${IS_BASE}, j, feature, CAST(count(v) AS DOUBLE) AS n,
  sum(v ORDER BY v) / count(v) AS mean, quantile_cont(v, 0.5) AS median, stddev_pop(v ORDER BY v) AS sd
FROM s
GROUP BY GROUPING SETS ((c, j, feature), (j, feature))
ORDER BY is_base, cluster, j`;
}

/**
 * Per categorical feature, the `top` most frequent values (ties by value) of each cluster and of the
 * base, each with its count in the cluster (or base) and in the base and both sizes, so shares are
 * count / size. Values are compared as text; NULLs are not listed but count in the sizes. Rows (see
 * {@link CategoryProfileRow}) ordered clusters first (by cluster, feature position, rank), base
 * rows last.
 * @param input the labelled table, its cluster column, the categorical columns and `top`
 * @throws RangeError on an empty feature list or a `top` below 1
 */
export function categoryProfileQuery(input: CategoryProfileInput): SqlFragment {
  checkFeatures(input.features, 'categorical');
  const top = input.top ?? 10;
  if (!(Number.isInteger(top) && top >= 1)) throw new RangeError(`top is a whole number ≥ 1; ${top} is not`);
  const cluster = ident(input.cluster ?? 'cluster');
  return sql`WITH s AS (
  ${unpivoted(input, input.features, (col) => sql`CAST(${col} AS VARCHAR)`)}
), g AS (
  SELECT c, ${IS_BASE}, j, feature, v, CAST(count(*) AS DOUBLE) AS n
  FROM s WHERE v IS NOT NULL
  GROUP BY GROUPING SETS ((c, j, feature, v), (j, feature, v))
), r AS (
  SELECT *, row_number() OVER (PARTITION BY is_base, c, j ORDER BY n DESC, v) AS rank FROM g
), z AS (
  SELECT ${cluster} AS c, grouping(${cluster}) = 1 AS is_base, CAST(count(*) AS DOUBLE) AS size
  FROM ${ident(input.labelled)} GROUP BY GROUPING SETS ((${cluster}), ())
)
SELECT r.c AS cluster, r.is_base, r.j, r.feature, r.v AS ${ident('value')}, r.n AS ${ident('count')}, z.size,
  b.n AS base_count, bz.size AS base_size, r.rank
FROM r
JOIN z ON z.is_base = r.is_base AND z.c IS NOT DISTINCT FROM r.c
JOIN g b ON b.is_base AND b.j = r.j AND b.v = r.v
JOIN z bz ON bz.is_base
WHERE r.rank <= ${top}
ORDER BY r.is_base, r.c, r.j, r.rank`;
}
