/**
 * SQL of a lookalike cell: which rows are seeds and which are held out (the roles query), the seed
 * centroid and the column statistics of the prepared features, the pasted keys that match nothing,
 * and the cell's view over the scores the worker computed.
 *
 * Roles: 0 unlabelled (the population), 1 training seed / positive, 2 held-out seed / positive,
 * 3 training negative and 4 held-out negative (label mode only). The held-out rows are the first
 * ⌊holdout × m + ½⌋ of each class ordered by `md5(key as text || ':' || seed)`, then key: the same
 * split in every engine and reproducible outside DuckDB (scripts/reference/lookalike_reference.py).
 */
import { note, NoteError } from '../i18n/note';
import type { LookalikeCell } from '../notebook/model';
import { ident, join, lit, sql, type SqlFragment } from './quote';
import { compileRule } from './segment-rules';

/** The alias of the population table in the roles query. */
const ALIAS = '__p';

/** Columns of the roles query besides the key. */
export const ROLE_COLUMNS = { role: '__role', excluded: '__excluded', truth: '__truth' } as const;

/** What the seed condition of a cell reads besides the population table. */
export interface SeedContext {
  /** The view of the seed cell (segment seeds). */
  seedView?: string;
  /** Its key column (the first column of a segmentation's result). */
  seedKey?: string;
  /** The notebook's reference date (rule seeds relative to it). */
  referenceDate?: string;
}

/**
 * The boolean expression over the population row (alias `__p`) that makes it a seed (label mode:
 * a positive). Never NULL.
 * @param cell the lookalike cell
 * @param ctx the seed cell's view and key, the reference date
 * @throws RangeError when the seeds are incomplete
 */
export function seedCondition(cell: LookalikeCell, ctx: SeedContext = {}): SqlFragment {
  const key = sql`${ident(ALIAS)}.${ident(cell.key)}`;
  if (cell.label) return sql`coalesce(CAST(${ident(ALIAS)}.${ident(cell.label.column)} AS VARCHAR) = ${lit(cell.label.positive)}, FALSE)`;
  const seeds = cell.seeds;
  if (!seeds) throw new NoteError(note('lookalikeChooseSeedKind'));
  if (seeds.kind === 'rule') {
    return sql`coalesce(${compileRule(seeds.rule, { table: cell.table, alias: ALIAS, key: cell.key, referenceDate: ctx.referenceDate }, note('pathSeedRule'))}, FALSE)`;
  }
  if (seeds.kind === 'keys') {
    if (seeds.keys.length === 0) throw new NoteError(note('lookalikeNoKeys'));
    return sql`coalesce(CAST(${key} AS VARCHAR) IN (SELECT unnest(${keyList(seeds.keys)})), FALSE)`;
  }
  if (!ctx.seedView || !ctx.seedKey) throw new NoteError(note('lookalikeSeedCellNoResult', { cell: seeds.from }));
  if (seeds.segments.length === 0) throw new NoteError(note('lookalikeChooseSeedSegment'));
  const s = ident('__s');
  return sql`coalesce(${key} IN (SELECT ${s}.${ident(ctx.seedKey)} FROM ${ident(ctx.seedView)} AS ${s} WHERE ${s}."segment" IN (${join(seeds.segments.map((n) => lit(n)))})), FALSE)`;
}

/**
 * Per population row, ordered by key: the key (as `key`), `__role` (see the module comment),
 * `__excluded` (left out of the ranking) and `__truth` (1 / 0 for the rows the evaluation compares,
 * NULL for the others): seed mode compares held-out seeds with the unlabelled rows, or with
 * `evaluate` the label of every row that is not a training seed; label mode compares the held-out
 * labelled rows.
 * @param cell the lookalike cell
 * @param ctx the seed cell's view and key, the reference date
 */
export function rolesQuery(cell: LookalikeCell, ctx: SeedContext = {}): SqlFragment {
  const p = ident(ALIAS);
  const key = sql`${p}.${ident(cell.key)}`;
  const holdout = cell.holdout ?? 0.2;
  const labelled = cell.label ? sql`${p}.${ident(cell.label.column)} IS NOT NULL` : sql`FALSE`;
  const excluded = cell.exclude
    ? sql`coalesce(${key} IN (SELECT ${ident('__x')}.${ident(cell.exclude.key)} FROM ${ident(cell.exclude.table)} AS ${ident('__x')}), FALSE)`
    : sql`FALSE`;
  const order = sql`md5(CAST(k AS VARCHAR) || ${lit(`:${cell.seed ?? 0}`)}), k`;
  const role = sql`CASE WHEN pos THEN (CASE WHEN held THEN 2 ELSE 1 END) WHEN labelled THEN (CASE WHEN held THEN 4 ELSE 3 END) ELSE 0 END`;
  const evaluate = cell.evaluate;
  const truth = cell.label
    ? sql`CASE WHEN role = 2 THEN 1 WHEN role = 4 THEN 0 END`
    : evaluate
      ? sql`CASE WHEN role <> 1 AND ev IS NOT NULL THEN CAST(ev = ${lit(evaluate.positive)} AS INTEGER) END`
      : sql`CASE WHEN role = 2 THEN 1 WHEN role = 0 THEN 0 END`;
  const ev = evaluate ? sql`CAST(${p}.${ident(evaluate.column)} AS VARCHAR)` : sql`NULL::VARCHAR`;
  // Only the seeds and labelled rows are ranked for the split (a window over the whole population
  // would sort every row by its md5); the rest are looked up in the held-out keys by a semi-join.
  return sql`WITH rows AS (SELECT ${key} AS k, ${seedCondition(cell, ctx)} AS pos, ${labelled} AS labelled, ${excluded} AS excluded, ${ev} AS ev FROM ${ident(cell.table)} AS ${p}),
held AS (SELECT k FROM (SELECT k, row_number() OVER (PARTITION BY pos ORDER BY ${order}) AS r, count(*) OVER (PARTITION BY pos) AS m FROM rows WHERE pos OR labelled) WHERE r <= floor(${lit(holdout)} * m + 0.5))
SELECT k AS "key", CAST(role AS TINYINT) AS ${ident(ROLE_COLUMNS.role)}, excluded AS ${ident(ROLE_COLUMNS.excluded)}, CAST(${truth} AS TINYINT) AS ${ident(ROLE_COLUMNS.truth)}
FROM (SELECT k, excluded, ev, ${role} AS role FROM (SELECT *, k IN (SELECT k FROM held) AS held FROM rows))
ORDER BY "key"`;
}

/**
 * One row: `rows`, `keys` (distinct keys, to refuse duplicates), `seeds` (training seeds), then per
 * prepared column j `mean_j` and `sd_j` (population mean and standard deviation over all rows) and
 * `centre_j` (mean over the training seeds).
 * @param prepared the prepared-feature query (`key`, f0, f1, …)
 * @param roles the roles query
 * @param dims the prepared columns' names
 */
export function columnStatsQuery(prepared: SqlFragment, roles: SqlFragment, dims: readonly { name: string }[]): SqlFragment {
  const parts = dims.flatMap((dim, j) => {
    const c = sql`f.${ident(dim.name)}`;
    return [sql`avg(${c}) AS ${ident(`mean_${j}`)}`, sql`stddev_pop(${c}) AS ${ident(`sd_${j}`)}`, sql`avg(${c}) FILTER (WHERE r.${ident(ROLE_COLUMNS.role)} = 1) AS ${ident(`centre_${j}`)}`];
  });
  return sql`SELECT count(*) AS "rows", count(DISTINCT f."key") AS "keys", count(*) FILTER (WHERE r.${ident(ROLE_COLUMNS.role)} = 1) AS "seeds", ${join(parts)}
FROM (${prepared}) AS f JOIN (${roles}) AS r ON r."key" = f."key"`;
}

/**
 * The pasted keys that match no row of the population (compared as trimmed text), in paste order,
 * and the number that match.
 * @param table the population table
 * @param key its key column
 * @param keys the pasted keys
 */
export function unmatchedKeysQuery(table: string, key: string, keys: readonly string[]): SqlFragment {
  const known = sql`SELECT DISTINCT CAST(${ident(key)} AS VARCHAR) AS k FROM ${ident(table)}`;
  return sql`SELECT p.k AS "key", p.i AS "position", k.k IS NOT NULL AS "matched"
FROM (SELECT unnest(${keyList(keys)}) AS k, generate_subscripts(${keyList(keys)}, 1) AS i) AS p
LEFT JOIN (${known}) AS k ON k.k = p.k
ORDER BY p.i`;
}

function keyList(keys: readonly string[]): SqlFragment {
  return sql`[${join(keys.map((k) => lit(k)))}]::VARCHAR[]`;
}

/** Decimals of the score in the view and the ranking: the browser's and Node's `Math.exp` differ in the last bits. */
export const SCORE_DECIMALS = 6;

/** Columns of the scores table the worker writes besides the key (named like the population's) and the roles (`__role`, `__excluded` as 0 / 1). */
export const SCORE_COLUMNS = { score: '__score', top: ['__top1', '__top2', '__top3'] } as const;

/** What the view of a lookalike cell is built from. */
export interface LookalikeView {
  /** The scores table: key, role columns, `__score`, `__top1…3` (feature index or −1). */
  scores: string;
  /** The segment names (`lookalikeSegmentNames`). */
  names: readonly string[];
  /** Per feature (in the cell's order) its column and whether it is one-hot (the row's value is shown). */
  features: readonly { column: string; onehot: boolean }[];
}

/**
 * The view of a lookalike cell: key, `segment` (the cut, the seeds or excluded rows), `tags` (empty),
 * `score` (rounded to `SCORE_DECIMALS`), `rank` (1 = most alike among the ranked rows; ties by key),
 * `percentile` (share of the ranked rows at or below the row, in %, 2 decimals), `top_features`
 * (e.g. `Contract = Month-to-month, tenure`), `is_seed` (label mode: the label is positive), then
 * the entity's columns; ordered by segment, rank, key. Ranked rows: not excluded, not a seed when
 * `excludeSeeds`, and in label mode not positive.
 * @param cell the lookalike cell
 * @param view the scores table, the segment names and the features
 */
export function lookalikeViewQuery(cell: LookalikeCell, view: LookalikeView): SqlFragment {
  const key = ident(cell.key);
  const role = ident(ROLE_COLUMNS.role);
  const rankedRole = cell.label || cell.excludeSeeds ? sql`${role} NOT IN (1, 2)` : sql`TRUE`;
  const score = sql`round(${ident(SCORE_COLUMNS.score)}, ${SCORE_DECIMALS})`;
  const names = view.names.map((n) => lit(n));
  const cut = cell.cut;
  const inCut =
    cut.kind === 'top_n'
      ? sql`__rank <= ${lit(cut.n)}`
      : cut.kind === 'top_pct'
        ? sql`__rank <= ceil(${lit(cut.pct)} * __ranked / 100)`
        : cut.kind === 'score'
          ? sql`${score} >= ${lit(cut.min)}`
          : sql``;
  const ranked = cut.kind === 'bands'
    ? sql`CASE WHEN ${score} >= ${lit(cut.high)} THEN ${names[0]} WHEN ${score} >= ${lit(cut.medium)} THEN ${names[1]} ELSE ${names[2]} END`
    : sql`CASE WHEN ${inCut} THEN ${names[0]} ELSE ${names[1]} END`;
  const seedsName = names[cut.kind === 'bands' ? 3 : 2];
  const excludedName = names[names.length - 1];
  const whens = [
    ...(cell.exclude ? [sql`WHEN ${ident(ROLE_COLUMNS.excluded)} = 1 THEN ${excludedName}`] : []),
    ...(cell.label || cell.excludeSeeds ? [sql`WHEN NOT __in THEN ${seedsName}`] : [])
  ];
  const segment = whens.length ? sql`CASE ${join(whens, ' ')} ELSE ${ranked} END` : ranked;
  const labels = view.features.map((f) =>
    f.onehot ? sql`${lit(`${f.column} = `)} || coalesce(CAST(${ident(f.column)} AS VARCHAR), '∅')` : lit(f.column)
  );
  const label = (slot: string) => sql`CASE ${ident(slot)} ${join(labels.map((l, i) => sql`WHEN ${lit(i)} THEN ${l}`), ' ')} END`;
  const top = labels.length ? sql`concat_ws(', ', ${join(SCORE_COLUMNS.top.map(label))})` : sql`''`;
  const hidden = [cell.key, 'segment', 'tags', 'score', 'rank', 'percentile', 'top_features', 'is_seed', '__in', '__rank', '__ranked', '__seglab_order', ROLE_COLUMNS.role, ROLE_COLUMNS.excluded, ROLE_COLUMNS.truth, SCORE_COLUMNS.score, ...SCORE_COLUMNS.top].map((c) => lit(c));
  const s = ident('__s');
  const e = ident('__e');
  return sql`SELECT ${key}, "segment", '' AS "tags", ${score} AS "score", __rank AS "rank", CASE WHEN __in THEN round(100.0 * (__ranked - __rank + 1) / __ranked, 2) END AS "percentile", ${top} AS "top_features", ${role} IN (1, 2) AS "is_seed", COLUMNS(c -> c NOT IN (${join(hidden)}))
FROM (SELECT *, ${segment} AS "segment", list_position([${join(names)}], ${segment}) AS __seglab_order
  FROM (SELECT *, CASE WHEN __in THEN row_number() OVER (PARTITION BY __in ORDER BY ${score} DESC, ${key}) END AS __rank, sum(CAST(__in AS INTEGER)) OVER () AS __ranked
    FROM (SELECT ${s}.* EXCLUDE (${key}), ${ident(ROLE_COLUMNS.excluded)} = 0 AND ${rankedRole} AS __in, ${e}.* FROM ${ident(view.scores)} AS ${s} JOIN ${ident(cell.table)} AS ${e} ON ${e}.${key} = ${s}.${key})))
ORDER BY __seglab_order, __rank NULLS LAST, ${key}`;
}
