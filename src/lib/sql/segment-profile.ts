/**
 * SQL that profiles a segment cell's result: KPI statistics per segment and for the base,
 * categorical mixes, overlaps, UpSet intersections, transitions against an earlier membership, and
 * reproducible validation samples. Pure; every name goes through `ident`, every value through `lit`.
 *
 * Inputs: `members` is the segment cell's result (the entity key under its own name, `segment`,
 * `tags` and the entity's other columns; one row per entity and segment it belongs to), `base` the
 * entity table (all rows). Every count and sum comes back as DOUBLE.
 *
 * Determinism: the browser (DuckDB-WASM 1.4, one thread) and the runner (native DuckDB 1.5, many
 * threads) must agree to the last bit, so sums of DOUBLEs are computed exactly in fixed point (see
 * `profileQuery`; a parallel `sum` of DOUBLEs differs in the last bits from run to run), every row
 * order is total, and samples are ordered by `md5`, not `random()`.
 */
import type { Kpi } from '../notebook/model';
import { ident, join, lit, sql, type SqlFragment } from './quote';
import { note, NoteError } from '../i18n/note';

const SEGMENT = ident('segment');

/** Inputs of `profileQuery`. */
export interface ProfileQueryInput {
  /** The segment cell's result (view or table name). */
  members: string;
  /** The entity table, all rows. */
  base: string;
  kpis: readonly Kpi[];
}

/** The output column names of KPI `i` in `profileQuery`'s result, by statistic. */
export interface KpiColumns {
  /** Rows with a value (rate, mean: non-NULL; sum: all rows; ratio, roi: both columns non-NULL). */
  n: string;
  /** rate: rows where the value is true (or non-zero). */
  successes: string;
  /** mean, sum: the shift c the sums are taken about; ratio, roi: the shift of the column. */
  shift: string;
  /** mean, sum: Σ(x − c); ratio, roi: Σ(a − cₐ). */
  sum: string;
  /** mean, sum: Σ(x − c)²; ratio, roi: Σ(a − cₐ)². */
  sumSq: string;
  /** ratio, roi: the shift of the denominator. */
  shiftB: string;
  /** ratio, roi: Σ(b − cᵦ). */
  sumB: string;
  /** ratio, roi: Σ(b − cᵦ)². */
  sumB2: string;
  /** ratio, roi: Σ(a − cₐ)(b − cᵦ). */
  sumAB: string;
}

/**
 * The names of KPI `i`'s statistics columns in `profileQuery`'s result (`k0_n`, `k0_sum`, …).
 * Only the ones its kind needs are present.
 * @param i the KPI's position in the list
 */
export function kpiColumns(i: number): KpiColumns {
  const p = `k${i}_`;
  return {
    n: `${p}n`,
    successes: `${p}successes`,
    shift: `${p}shift`,
    sum: `${p}sum`,
    sumSq: `${p}sum_sq`,
    shiftB: `${p}shift_b`,
    sumB: `${p}sum_b`,
    sumB2: `${p}sum_b2`,
    sumAB: `${p}sum_ab`
  };
}

const dbl = (e: SqlFragment) => sql`CAST(${e} AS DOUBLE)`;
/** A column as DOUBLE, with NaN and ±Infinity read as NULL. */
const finite = (col: SqlFragment) => sql`CASE WHEN isfinite(${dbl(col)}) THEN ${dbl(col)} END`;

/** Terms in [0, 1] are summed as multiples of 2⁻⁹⁴ in HUGEINT: exact below 2³³ rows. */
const FIXED = 2 ** 94;

/**
 * A variable taken about the base's minimum and scaled by the base's range, both held in CTE `x`
 * under `<shift>` and `<shift>_range`.
 */
class Shifted {
  private readonly shiftName: SqlFragment;
  private readonly rangeName: SqlFragment;

  constructor(
    readonly value: SqlFragment,
    shift: string
  ) {
    this.shiftName = ident(shift);
    this.rangeName = ident(`${shift}_range`);
  }

  /** The base's `min` and `max − min`, for CTE `x`. */
  bounds(): SqlFragment[] {
    const v = this.value;
    return [sql`coalesce(min(${v}), 0) AS ${this.shiftName}`, sql`coalesce(max(${v}) - min(${v}), 0) AS ${this.rangeName}`];
  }

  /** u = (v − min) / (max − min), in [0, 1]; NULL when the range is 0 (every deviation is then 0). */
  unit(): SqlFragment {
    return sql`((${this.value} - x.${this.shiftName}) / nullif(x.${this.rangeName}, 0))`;
  }

  /** The range, as an aggregate (it is one constant). */
  range(): SqlFragment {
    return sql`any_value(x.${this.rangeName})`;
  }
}

/**
 * Σ of unit terms (in [0, 1]) times a scale, exactly and so in any order: each term is rounded to a
 * multiple of 2⁻⁹⁴ and summed as HUGEINT, then scaled back as DOUBLE; 0 when there are no terms.
 */
function exactSum(unit: SqlFragment, scale: SqlFragment[]): SqlFragment {
  return sql`coalesce(CAST(sum(CAST(${unit} * ${FIXED} AS HUGEINT)) AS DOUBLE) / ${FIXED} * ${join(scale, ' * ')}, 0)`;
}

/** One KPI's per-row variables, their shifts and ranges, and aggregates. */
function kpiParts(kpi: Kpi, i: number): { vars: SqlFragment[]; shifts: SqlFragment[]; aggs: SqlFragment[]; shiftCols: string[] } {
  const c = kpiColumns(i);
  const col = ident(kpi.column);
  const count = (v: SqlFragment) => sql`${dbl(sql`count(${v})`)} AS ${ident(c.n)}`;
  switch (kpi.kind) {
    case 'rate': {
      const v = ident(`v${i}`);
      return {
        vars: [sql`CAST(${col} AS BOOLEAN) AS ${v}`],
        shifts: [],
        shiftCols: [],
        aggs: [count(v), sql`${dbl(sql`count(*) FILTER (WHERE ${v})`)} AS ${ident(c.successes)}`]
      };
    }
    case 'mean':
    case 'sum': {
      const v = ident(`v${i}`);
      const x = new Shifted(v, c.shift);
      const u = x.unit();
      return {
        vars: [sql`${kpi.kind === 'sum' ? sql`coalesce(${finite(col)}, 0)` : finite(col)} AS ${v}`],
        shifts: x.bounds(),
        shiftCols: [c.shift],
        aggs: [
          count(v),
          sql`${exactSum(u, [x.range()])} AS ${ident(c.sum)}`,
          sql`${exactSum(sql`${u} * ${u}`, [x.range(), x.range()])} AS ${ident(c.sumSq)}`
        ]
      };
    }
    case 'ratio':
    case 'roi': {
      if (kpi.denominator === undefined) throw new NoteError(note('kpiNeedsDenominator', { label: kpi.label }));
      const den = ident(kpi.denominator);
      const both = sql`isfinite(${dbl(col)}) AND isfinite(${dbl(den)})`;
      const [a, b] = [ident(`a${i}`), ident(`b${i}`)];
      const [xa, xb] = [new Shifted(a, c.shift), new Shifted(b, c.shiftB)];
      const [ua, ub] = [xa.unit(), xb.unit()];
      return {
        vars: [sql`CASE WHEN ${both} THEN ${dbl(col)} END AS ${a}`, sql`CASE WHEN ${both} THEN ${dbl(den)} END AS ${b}`],
        shifts: [...xa.bounds(), ...xb.bounds()],
        shiftCols: [c.shift, c.shiftB],
        aggs: [
          count(a),
          sql`${exactSum(ua, [xa.range()])} AS ${ident(c.sum)}`,
          sql`${exactSum(ub, [xb.range()])} AS ${ident(c.sumB)}`,
          sql`${exactSum(sql`${ua} * ${ua}`, [xa.range(), xa.range()])} AS ${ident(c.sumSq)}`,
          sql`${exactSum(sql`${ub} * ${ub}`, [xb.range(), xb.range()])} AS ${ident(c.sumB2)}`,
          sql`${exactSum(sql`${ua} * ${ub}`, [xa.range(), xb.range()])} AS ${ident(c.sumAB)}`
        ]
      };
    }
  }
}

/**
 * The sufficient statistics of every KPI for each segment and for the base: one row per segment
 * (`is_base` false, ordered by name) and a last row for the base (`segment` NULL, `is_base` true),
 * each with `size` (rows) and the columns `kpiColumns(i)` names. Sums are taken about a shift (the
 * base's minimum of the variable) so that variances of large values with a small spread keep their
 * precision; `profileResult` turns the rows into values, intervals and indexes.
 *
 * Sums are exact before the final rounding, so identical on any number of threads: each term is
 * scaled into [0, 1] by the base's range ((v − min) / (max − min), or its square or product),
 * rounded to a multiple of 2⁻⁹⁴ and summed as HUGEINT; the sum is scaled back as DOUBLE. An
 * ordered `sum(v ORDER BY v)` would be deterministic too, but is about 20 times slower.
 *
 * Per kind: `rate` casts the column to BOOLEAN (BOOLEAN, or numbers with 0 = false), counts non-NULL
 * rows and true rows; `mean` uses non-NULL values; `sum` counts a NULL as 0, so its mean is per
 * entity; `ratio` and `roi` use the rows where both the column and the denominator are non-NULL.
 * NaN and ±Infinity count as NULL.
 * @param input members view, base table and KPIs
 */
export function profileQuery(input: ProfileQueryInput): string {
  const parts = input.kpis.map(kpiParts);
  const vars = parts.flatMap((p) => p.vars);
  const shifts = parts.flatMap((p) => p.shifts);
  const aggs = parts.flatMap((p) => p.aggs);
  const shiftCols = parts.flatMap((p) => p.shiftCols).map((n) => sql`x.${ident(n)}`);
  const size = sql`CAST(count(*) AS DOUBLE) AS ${ident('size')}`;
  const withVars = (first: SqlFragment) => join([first, ...vars]);
  const stats = join([size, ...aggs]);
  const bounds = shifts.length ? sql`SELECT ${join(shifts)} FROM b` : sql`SELECT 0 AS ${ident('none')}`;
  return String(sql`WITH b AS (
  SELECT ${withVars(sql`NULL::VARCHAR AS ${SEGMENT}`)} FROM ${ident(input.base)}
), x AS (
  ${bounds}
), m AS (
  SELECT ${withVars(sql`CAST(${SEGMENT} AS VARCHAR) AS ${SEGMENT}`)} FROM ${ident(input.members)}
), u AS (
  SELECT m.${SEGMENT}, false AS is_base, ${stats} FROM m CROSS JOIN x GROUP BY m.${SEGMENT}
  UNION ALL
  SELECT NULL::VARCHAR, true, ${stats} FROM b CROSS JOIN x
)
SELECT ${join([sql`u.*`, ...shiftCols])} FROM u CROSS JOIN x
ORDER BY is_base, ${SEGMENT}`);
}

/** Inputs of `categoryQuery`. */
export interface CategoryQueryInput {
  members: string;
  base: string;
  /** The categorical column (any type; compared as text). */
  column: string;
  /** Most values listed per segment (default 10). */
  top?: number;
}

/**
 * The mix of a categorical column in each segment against the base. Rows: `segment`, `kind`
 * (`value`, `empty` or `other`), `value` (the value as text; NULL for `empty` and `other`), `count`
 * (rows of the segment with it), `size` (rows of the segment), `base_count` and `base_size` (the same
 * in the base). Per segment: its `top` most frequent values (ties by value), then `empty` for NULLs
 * (always listed when the segment has any, outside the top), then `other` pooling the remaining values
 * (when there are any), so a segment's counts add up to its size. Only values that occur in the
 * segment are listed. `categoryResult` adds shares, index and the two-proportion test.
 * @param input members view, base table, the column and how many values to list
 */
export function categoryQuery(input: CategoryQueryInput): string {
  const top = input.top ?? 10;
  if (!(Number.isInteger(top) && top >= 1)) throw new RangeError(`top is a whole number ≥ 1; ${top} is not`);
  const col = ident(input.column);
  return String(sql`WITH b AS (
  SELECT CAST(${col} AS VARCHAR) AS v FROM ${ident(input.base)}
), bs AS (
  SELECT CAST(count(*) AS DOUBLE) AS n FROM b
), bc AS (
  SELECT v, CAST(count(*) AS DOUBLE) AS n FROM b GROUP BY v
), m AS (
  SELECT CAST(${SEGMENT} AS VARCHAR) AS ${SEGMENT}, CAST(${col} AS VARCHAR) AS v FROM ${ident(input.members)}
), ms AS (
  SELECT ${SEGMENT}, CAST(count(*) AS DOUBLE) AS n FROM m GROUP BY ${SEGMENT}
), mc AS (
  SELECT ${SEGMENT}, v, CAST(count(*) AS DOUBLE) AS n,
    row_number() OVER (PARTITION BY ${SEGMENT}, v IS NULL ORDER BY count(*) DESC, v) AS r
  FROM m GROUP BY ${SEGMENT}, v
), listed AS (
  SELECT mc.${SEGMENT}, CASE WHEN mc.v IS NULL THEN ${lit('empty')} ELSE ${lit('value')} END AS kind, mc.v, mc.n,
    coalesce(bc.n, 0) AS bn, mc.r
  FROM mc LEFT JOIN bc ON mc.v IS NOT DISTINCT FROM bc.v
  WHERE mc.v IS NULL OR mc.r <= ${top}
), other AS (
  SELECT l.${SEGMENT}, ${lit('other')} AS kind, NULL::VARCHAR AS v, ms.n - sum(l.n) AS n, bs.n - sum(l.bn) AS bn, 0 AS r
  FROM listed l JOIN ms ON l.${SEGMENT} = ms.${SEGMENT} CROSS JOIN bs
  GROUP BY l.${SEGMENT}, ms.n, bs.n
  HAVING ms.n - sum(l.n) > 0
)
SELECT u.${SEGMENT}, u.kind, u.v AS ${ident('value')}, u.n AS ${ident('count')}, ms.n AS ${ident('size')},
  u.bn AS base_count, bs.n AS base_size
FROM (SELECT * FROM listed UNION ALL SELECT * FROM other) u
JOIN ms ON u.${SEGMENT} = ms.${SEGMENT} CROSS JOIN bs
ORDER BY u.${SEGMENT}, CASE u.kind WHEN ${lit('value')} THEN 0 WHEN ${lit('empty')} THEN 1 ELSE 2 END, u.r`);
}

/** Inputs of `overlapQuery` and `upsetQuery`. */
export interface MembershipInput {
  members: string;
  /** The entity key column of `members`. */
  key: string;
}

/** `DISTINCT` (key, segment) pairs of a membership table, keys with a NULL value left out. */
function pairs(table: string, key: string): SqlFragment {
  const k = ident(key);
  return sql`SELECT DISTINCT CAST(${k} AS VARCHAR) AS k, CAST(${SEGMENT} AS VARCHAR) AS s FROM ${ident(table)} WHERE ${k} IS NOT NULL`;
}

/**
 * How segments overlap: a row for every ordered pair of segments (both orders, and each segment
 * with itself): `segment_a`, `segment_b`, `n_both` (entities in both), `size_a`, `size_b` and
 * `jaccard` = n_both / (size_a + size_b − n_both). Entities are told apart by key (compared as text);
 * rows with a NULL key are left out. Ordered by segment_a, segment_b.
 * @param input members view and its key column
 */
export function overlapQuery(input: MembershipInput): string {
  return String(sql`WITH m AS (
  ${pairs(input.members, input.key)}
), s AS (
  SELECT s, CAST(count(*) AS DOUBLE) AS n FROM m GROUP BY s
), p AS (
  SELECT a.s AS sa, b.s AS sb, CAST(count(*) AS DOUBLE) AS n FROM m a JOIN m b ON a.k = b.k GROUP BY a.s, b.s
)
SELECT sa.s AS segment_a, sb.s AS segment_b, coalesce(p.n, 0) AS n_both, sa.n AS size_a, sb.n AS size_b,
  coalesce(p.n, 0) / (sa.n + sb.n - coalesce(p.n, 0)) AS jaccard
FROM s sa CROSS JOIN s sb LEFT JOIN p ON p.sa = sa.s AND p.sb = sb.s
ORDER BY segment_a, segment_b`);
}

/** Most segments an UpSet query handles (the membership is a bitmask). */
export const UPSET_LIMIT = 16;

/**
 * The exact intersections of the `max` largest segments (ties by name): one row per distinct set of
 * segments an entity belongs to, with `mask` (bit i set for the i-th of `sets`), `degree` (how many
 * segments), `count` (entities), `sets` (LIST of the segments considered, largest first) and
 * `segment_count` (all segments in `members`; more than `max` means smaller segments were left out,
 * and entities only in those are not counted). Ordered by count (largest first), then degree and
 * mask. `upsetResult` names the segments of each mask. Keys as in `overlapQuery`.
 * @param input members view, key column and the most segments to intersect (default 8, at most `UPSET_LIMIT`)
 */
export function upsetQuery(input: MembershipInput & { max?: number }): string {
  const max = input.max ?? 8;
  if (!(Number.isInteger(max) && max >= 1 && max <= UPSET_LIMIT)) throw new RangeError(`An UpSet chart intersects 1 to ${UPSET_LIMIT} segments; ${max} is not possible`);
  return String(sql`WITH m AS (
  ${pairs(input.members, input.key)}
), s AS (
  SELECT s, count(*) AS n FROM m GROUP BY s
), t AS (
  SELECT s, row_number() OVER (ORDER BY n DESC, s) - 1 AS i FROM s QUALIFY i < ${max}
), e AS (
  SELECT CAST(sum(CAST(1 AS BIGINT) << t.i) AS INTEGER) AS mask FROM m JOIN t ON m.s = t.s GROUP BY m.k
), g AS (
  SELECT mask, count(*) AS n FROM e GROUP BY mask
)
SELECT mask, CAST(bit_count(mask) AS INTEGER) AS degree, CAST(n AS DOUBLE) AS ${ident('count')},
  (SELECT list(s ORDER BY i) FROM t) AS sets, (SELECT CAST(count(*) AS DOUBLE) FROM s) AS segment_count
FROM g
ORDER BY n DESC, degree, mask`);
}

/** Inputs of `transitionQuery`. */
export interface TransitionQueryInput {
  members: string;
  /** An earlier membership: a table with the same key column and `segment`. */
  previous: string;
  key: string;
  /** Label of the "from" side of entities in no previous segment (default `(new)`). */
  newLabel?: string;
  /** Label of the "to" side of entities in no current segment (default `(gone)`). */
  goneLabel?: string;
}

/**
 * Movements between an earlier membership and the current one: rows `from_segment`, `to_segment`,
 * `is_new`, `is_gone` and `count` (entities). An entity in no previous segment comes from `newLabel`
 * (`is_new`), one in no current segment goes to `goneLabel` (`is_gone`); those flags tell the labels
 * apart from a segment of the same name. Keys are compared as text; NULL keys are left out.
 *
 * Overlapping memberships: a row counts the entities that were in `from` and are in `to`, so an
 * entity in several segments counts once for every (previous, current) pair of its segments; the
 * rows of one `from` then add up to at least that segment's previous size, and `S → S` is the
 * number of entities that stayed in S. `new` and `gone` mean "in no segment" on that side, which
 * includes entities that exist but matched no segment. For exclusive segmentations every entity
 * counts once.
 * Ordered: new entities first, then by from; within one from by to, gone last.
 * @param input current and previous membership, key column and the labels
 */
export function transitionQuery(input: TransitionQueryInput): string {
  const newLabel = lit(input.newLabel ?? '(new)');
  const goneLabel = lit(input.goneLabel ?? '(gone)');
  return String(sql`WITH c AS (
  ${pairs(input.members, input.key)}
), p AS (
  ${pairs(input.previous, input.key)}
), moves AS (
  SELECT p.s AS f, c.s AS t, false AS is_new, false AS is_gone FROM p JOIN c ON p.k = c.k
  UNION ALL
  SELECT NULL, c.s, true, false FROM c ANTI JOIN p ON c.k = p.k
  UNION ALL
  SELECT p.s, NULL, false, true FROM p ANTI JOIN c ON p.k = c.k
)
SELECT CASE WHEN is_new THEN ${newLabel} ELSE f END AS from_segment, CASE WHEN is_gone THEN ${goneLabel} ELSE t END AS to_segment,
  is_new, is_gone, CAST(count(*) AS DOUBLE) AS ${ident('count')}
FROM moves
GROUP BY f, t, is_new, is_gone
ORDER BY is_new DESC, f, is_gone, t`);
}

/** Inputs of `sampleQuery`. */
export interface SampleQueryInput {
  members: string;
  key: string;
  /** Entities drawn per segment (all of them when a segment is smaller). */
  perSegment: number;
  /** Any text or number; the same seed draws the same sample. */
  seed: string | number;
  /** A column to stratify by within each segment. */
  stratify?: string;
}

const H = ident('__seglab_hash');
const R = ident('__seglab_rank');

/**
 * A reproducible random sample of `perSegment` entities from each segment, for checking segments by
 * hand: the rows of `members` (all columns) ordered by `md5(seed || '|' || key)` within each segment,
 * the first ones taken. md5 is the same in DuckDB-WASM and native DuckDB, unlike `random()`; keys are
 * hashed as text (so integer and text keys are stable, while DOUBLE keys may print differently across
 * DuckDB versions). An entity has the same hash in every segment, so overlapping segments and re-runs
 * after a rule change tend to pick the same entities (coordinated samples). Rows with a NULL key are
 * left out. Ordered by segment, then hash.
 *
 * With `stratify`, each segment's sample of t = min(perSegment, size) is allocated to the strata
 * (values of the column, NULL one of them) in proportion to their sizes by largest remainder
 * (Hamilton: ⌊t·sₕ/S⌋ each, the left-over units to the largest remainders, ties by stratum value).
 * When the segment has no more strata than t, every stratum gets at least one: strata left at 0
 * get 1 each, taken from the units a divisor method would have awarded last, i.e. the largest
 * (2u − 1)/sₕ over the u-th units (u ≥ 2) of the other strata. Within a stratum the entities are
 * taken in hash order.
 * @param input members view, key column, sample size per segment, seed and optional stratum column
 */
export function sampleQuery(input: SampleQueryInput): string {
  const { perSegment } = input;
  if (!(Number.isInteger(perSegment) && perSegment >= 1)) throw new RangeError(`A sample takes a whole number ≥ 1 of entities per segment; ${perSegment} is not`);
  const k = ident(input.key);
  const hashed = sql`SELECT *, md5(${lit(String(input.seed))} || '|' || CAST(${k} AS VARCHAR)) AS ${H} FROM ${ident(input.members)} WHERE ${k} IS NOT NULL`;
  const tie = sql`${H}, CAST(${k} AS VARCHAR)`;
  if (input.stratify === undefined) {
    return String(sql`WITH h AS (
  ${hashed}
), r AS (
  SELECT *, row_number() OVER (PARTITION BY ${SEGMENT} ORDER BY ${tie}) AS ${R} FROM h
)
SELECT * EXCLUDE (${H}, ${R}) FROM r WHERE ${R} <= ${perSegment} ORDER BY ${SEGMENT}, ${R}`);
  }
  const st = ident(input.stratify);
  return String(sql`WITH h AS (
  ${hashed}
), r AS (
  SELECT *, row_number() OVER (PARTITION BY ${SEGMENT}, ${st} ORDER BY ${tie}) AS ${R} FROM h
), strata AS (
  SELECT ${SEGMENT} AS g, ${st} AS s, count(*) AS n FROM h GROUP BY ALL
), seg AS (
  SELECT g, CAST(sum(n) AS BIGINT) AS total, count(*) AS nstrata, CAST(least(${perSegment}, sum(n)) AS BIGINT) AS t FROM strata GROUP BY g
), q AS (
  SELECT strata.*, seg.total, seg.nstrata, seg.t, (seg.t * strata.n) // seg.total AS fl, (seg.t * strata.n) % seg.total AS rem
  FROM strata JOIN seg USING (g)
), hamilton AS (
  SELECT *, fl + CASE WHEN row_number() OVER (PARTITION BY g ORDER BY rem DESC, s NULLS LAST) <= t - sum(fl) OVER (PARTITION BY g) THEN 1 ELSE 0 END AS a
  FROM q
), need AS (
  SELECT g, count(*) FILTER (WHERE a = 0) AS k FROM hamilton WHERE nstrata <= t GROUP BY g
), units AS (
  SELECT g, s, n, unnest(range(2, a + 1)) AS u FROM hamilton WHERE a >= 2
), ranked AS (
  SELECT g, s, row_number() OVER (PARTITION BY g ORDER BY (2 * u - 1) / n DESC, u DESC, s NULLS LAST) AS o FROM units
), removed AS (
  SELECT ranked.g, ranked.s, count(*) AS d FROM ranked JOIN need ON ranked.g = need.g WHERE ranked.o <= need.k GROUP BY ALL
), alloc AS (
  SELECT hm.g, hm.s, hm.a - coalesce(rm.d, 0) + CASE WHEN hm.a = 0 AND hm.nstrata <= hm.t THEN 1 ELSE 0 END AS a
  FROM hamilton hm LEFT JOIN removed rm ON hm.g = rm.g AND hm.s IS NOT DISTINCT FROM rm.s
)
SELECT r.* EXCLUDE (${H}, ${R})
FROM r JOIN alloc ON r.${SEGMENT} = alloc.g AND r.${st} IS NOT DISTINCT FROM alloc.s
WHERE r.${R} <= alloc.a
ORDER BY r.${SEGMENT}, r.${H}, CAST(r.${k} AS VARCHAR)`);
}
