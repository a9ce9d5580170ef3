/**
 * Lead tiers: every lead of a table gets a fit score (firmographic similarity to won accounts) and an
 * engagement score (recent behaviour), each cut into three tiers, and lands in one cell of the
 * A/B/C × 1/2/3 grid. Pure; rules compile through `segment-rules.ts`, every name goes through
 * `ident`, every value through `lit`.
 *
 * A score is either the sum of the points of the rules a lead matches (a rule that is NULL for the
 * lead, e.g. a condition on an empty value, does not match; no rules: every lead scores 0), or a
 * numeric column of the lead table or of an upstream table joined by key (its largest value per
 * key; a lead without one has no score). Points are summed exactly as DECIMAL, then read as DOUBLE.
 *
 * Tiers, with n the number of leads that have a score and ge(s) the number of them scoring at least s:
 * - by share: the first tier holds the leads with ge(s) ≤ first · n, the second those with
 *   ge(s) ≤ (first + second) · n, the third the rest. Ties are never split and a tier never holds
 *   more than its share, so a tie that straddles a cut goes to the lower tier (a large group of
 *   leads at 0 points lands in the third tier, not in the second). The products are exact decimals.
 * - by score: at least `first` is the first tier, at least `second` the second, else the third.
 * A lead without a score is in the third tier.
 */
import { DEFAULT_TIER_CUTS, ENGAGEMENT_TIERS, FIT_TIERS, LEAD_GRID, segmentNames, type LeadScore, type LeadsCell, type TierCuts } from '../notebook/model';
import { ident, join, lit, sql, type SqlFragment } from './quote';
import { note } from '../i18n/note';
import { compileRule, deeper, ENTITY_ALIAS, RuleError, type RuleContext } from './segment-rules';

/** Result columns a leads cell adds in front of the lead's own, after the key. */
export const LEAD_COLUMNS = ['segment', 'tags', 'fit', 'fit_tier', 'engagement', 'engagement_tier'] as const;

/** The two scores of a lead. */
export type LeadScoreName = 'fit' | 'engagement';

const HIDDEN = { fit: '__seglab_fit', engagement: '__seglab_engagement', position: '__seglab_position', key: '__seglab_key', value: '__seglab_value' };
const TIER_VALUES: Record<LeadScoreName, readonly (string | number)[]> = { fit: FIT_TIERS, engagement: ENGAGEMENT_TIERS };

/**
 * The query of a leads cell's result: the key, `segment` (the grid cell's name, else its code `A1`…),
 * `tags` (the grid cell's action, else empty), `fit`, `fit_tier` (`A`/`B`/`C`), `engagement`,
 * `engagement_tier` (1/2/3) and the lead table's other columns (those named like a result column
 * left out), one row per row of the lead table, ordered by grid cell (A1, A2, … C3), then key.
 * @param cell the leads cell
 * @param referenceDate the notebook's reference date (behavioural rules with a window need it)
 * @throws RuleError naming the score, rule and field that cannot be compiled
 */
export function leadTierQuery(cell: LeadsCell, referenceDate?: string): SqlFragment {
  if (!cell.table) throw new RuleError(note('ruleChooseLeadTable'), note('pathLeadsCell'), 'table');
  if (!cell.key) throw new RuleError(note('ruleChooseKey'), note('pathLeadsCell'), 'key');
  const names = segmentNames(cell);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new RuleError(note('ruleNameTwiceGrid', { name: twice }), note('pathLeadsCell'), 'grid');
  const ctx: RuleContext = { table: cell.table, alias: ENTITY_ALIAS, key: cell.key, referenceDate };
  const entity = ident(ENTITY_ALIAS);
  const fit = score(cell.fit, 'fit', ctx, 'f');
  const engagement = score(cell.engagement, 'engagement', ctx, 'g');
  const scored = sql`SELECT ${entity}.*, ${fit.value} AS ${ident(HIDDEN.fit)}, ${engagement.value} AS ${ident(HIDDEN.engagement)}
FROM ${ident(cell.table)} AS ${entity}${fit.join}${engagement.join}`;
  const fitTier = tierCase(ident(HIDDEN.fit), cell.fitCuts ?? DEFAULT_TIER_CUTS, 'fit');
  const engagementTier = tierCase(ident(HIDDEN.engagement), cell.engagementCuts ?? DEFAULT_TIER_CUTS, 'engagement');
  const tiered = sql`SELECT *, ${fitTier} AS "__seglab_fit_tier", ${engagementTier} AS "__seglab_engagement_tier" FROM (${scored})`;
  const position = ident(HIDDEN.position);
  const placed = sql`SELECT *, list_position([${join(FIT_TIERS.map((f) => lit(f)))}], "__seglab_fit_tier") * 3 - 3 + "__seglab_engagement_tier" AS ${position} FROM (${tiered})`;
  const actions = LEAD_GRID.map((code) => lit(cell.grid?.[code]?.action?.trim() ?? ''));
  const hidden = [cell.key, ...LEAD_COLUMNS].map((c) => lit(c));
  const key = ident(cell.key);
  return sql`SELECT ${key}, [${join(names.map((n) => lit(n)))}][${position}] AS "segment", [${join(actions)}][${position}] AS "tags",
  ${ident(HIDDEN.fit)} AS "fit", "__seglab_fit_tier" AS "fit_tier", ${ident(HIDDEN.engagement)} AS "engagement", "__seglab_engagement_tier" AS "engagement_tier",
  COLUMNS(c -> c NOT IN (${join(hidden)}) AND NOT starts_with(c, '__seglab_'))
FROM (${placed})
ORDER BY ${position}, ${key}`;
}

/** A score's value over the aliased lead table, and the join a column of another table needs. */
function score(def: LeadScore, name: LeadScoreName, ctx: RuleContext, alias: string): { value: SqlFragment; join: SqlFragment } {
  const path = note('pathScore', { score: name });
  if (def.kind === 'points') {
    if (def.rules.length === 0) return { value: sql`CAST(0 AS DOUBLE)`, join: sql`` };
    const terms = def.rules.map((r, i) => {
      const label = r.label.trim();
      const at = deeper(path, label ? note('pathRuleNumberLabel', { n: i + 1, label }) : note('pathRuleNumber', { n: i + 1 }));
      if (!Number.isFinite(r.points)) throw new RuleError(note('ruleEnterPoints'), at, 'points');
      return sql`CASE WHEN coalesce(${compileRule(r.rule, ctx, at)}, FALSE) THEN ${r.points} ELSE 0 END`;
    });
    return { value: sql`CAST(${join(terms, '\n    + ')} AS DOUBLE)`, join: sql`` };
  }
  if (!def.column) throw new RuleError(note('ruleChooseScoreColumn'), path, 'column');
  if (!def.table || def.table === ctx.table) return { value: sql`CAST(${ident(ctx.alias)}.${ident(def.column)} AS DOUBLE)`, join: sql`` };
  const other = ident(`__seglab_${alias}`);
  const key = ident(HIDDEN.key);
  const value = ident(HIDDEN.value);
  const rows = sql`SELECT ${ident(def.key || ctx.key)} AS ${key}, max(CAST(${ident(def.column)} AS DOUBLE)) AS ${value} FROM ${ident(def.table)} GROUP BY 1`;
  return { value: sql`${other}.${value}`, join: sql`\nLEFT JOIN (${rows}) AS ${other} ON ${other}.${key} = ${ident(ctx.alias)}.${ident(ctx.key)}` };
}

/** The tier (first, second or third value of the score's tiers) of a score column, by the cuts. */
function tierCase(value: SqlFragment, cuts: TierCuts, name: LeadScoreName): SqlFragment {
  checkCuts(cuts, name);
  const [first, second, third] = TIER_VALUES[name].map((v) => lit(v));
  if (cuts.by === 'score') return sql`CASE WHEN ${value} >= ${cuts.first} THEN ${first} WHEN ${value} >= ${cuts.second} THEN ${second} ELSE ${third} END`;
  const ge = sql`count(${value}) OVER (ORDER BY ${value} DESC NULLS LAST)`;
  const n = sql`count(${value}) OVER ()`;
  return sql`CASE WHEN ${value} IS NULL THEN ${third} WHEN ${ge} <= ${cuts.first} * ${n} THEN ${first} WHEN ${ge} <= (${cuts.first} + ${cuts.second}) * ${n} THEN ${second} ELSE ${third} END`;
}

/**
 * Checks a score's cuts: shares in [0, 1] that add up to at most 1, or score limits with the first
 * at least the second.
 * @param cuts the cuts
 * @param name which score, for the message
 * @throws RuleError when they do not fit
 */
export function checkCuts(cuts: TierCuts, name: LeadScoreName): void {
  const path = note('pathTiers', { score: name });
  if (!Number.isFinite(cuts.first) || !Number.isFinite(cuts.second)) throw new RuleError(note('ruleEnterCuts'), path, 'cuts');
  if (cuts.by === 'share') {
    if (cuts.first < 0 || cuts.second < 0 || cuts.first + cuts.second > 1) throw new RuleError(note('ruleShares'), path, 'cuts');
  } else if (cuts.first < cuts.second) {
    throw new RuleError(note('ruleTierOrder'), path, 'cuts');
  }
}

/** A row of {@link leadGridQuery}. */
export interface LeadGridRow {
  fit_tier: string;
  engagement_tier: number;
  /** `A1` … `C3`. */
  code: string;
  segment: string;
  leads: number;
  /** leads / all leads; null without leads. */
  share: number | null;
}

/**
 * The nine cells of the lead grid, all listed (empty ones with 0 leads) in the order A1, A2, … C3:
 * `fit_tier`, `engagement_tier`, `code`, `segment` (the cell's name), `leads` and `share` of all leads.
 * @param input `leads`: the leads cell's result (view name); `names`: the segment names in grid order (`segmentNames`)
 */
export function leadGridQuery(input: { leads: string; names: readonly string[] }): SqlFragment {
  const cells = LEAD_GRID.map((code, i) => sql`(${i}, ${lit(code[0])}, ${Number(code[1])}, ${lit(code)}, ${lit(input.names[i] ?? code)})`);
  return sql`WITH g AS (
  SELECT * FROM (VALUES ${join(cells)}) g(position, fit_tier, engagement_tier, code, segment)
), c AS (
  SELECT fit_tier, engagement_tier, count(*) AS n FROM ${ident(input.leads)} GROUP BY ALL
), t AS (
  SELECT count(*) AS n FROM ${ident(input.leads)}
)
SELECT g.fit_tier, CAST(g.engagement_tier AS INTEGER) AS engagement_tier, g.code, g.segment, CAST(coalesce(c.n, 0) AS DOUBLE) AS leads, coalesce(c.n, 0) / nullif(t.n, 0) AS share
FROM g LEFT JOIN c ON c.fit_tier = g.fit_tier AND c.engagement_tier = g.engagement_tier CROSS JOIN t
ORDER BY g.position`;
}

/** A row of {@link leadTierStatsQuery}. */
export interface LeadTierStatsRow {
  /** `A`/`B`/`C` or `1`/`2`/`3`, as text. */
  tier: string;
  leads: number;
  share: number | null;
  /** Lowest, highest and mean score in the tier; null when it has no scored lead. */
  min_score: number | null;
  max_score: number | null;
  mean_score: number | null;
  /** Leads of the tier without a score. */
  unscored: number;
}

/**
 * Size and score range of each tier of one score, all three listed in order: `tier` (as text),
 * `leads`, `share` of all leads, `min_score`, `max_score`, `mean_score` and `unscored`. The lowest
 * score of the first and second tiers are where a share cut fell.
 * @param input `leads`: the leads cell's result; `score`: which score
 */
export function leadTierStatsQuery(input: { leads: string; score: LeadScoreName }): SqlFragment {
  const value = ident(input.score);
  const tier = ident(`${input.score}_tier`);
  const order = join(TIER_VALUES[input.score].map((v, i) => sql`(${i}, ${lit(String(v))})`));
  return sql`WITH o AS (
  SELECT * FROM (VALUES ${order}) o(position, tier)
), s AS (
  SELECT CAST(${tier} AS VARCHAR) AS tier, count(*) AS n, min(${value}) AS lo, max(${value}) AS hi, avg(${value}) AS mean, count(*) - count(${value}) AS unscored
  FROM ${ident(input.leads)} GROUP BY 1
), t AS (
  SELECT count(*) AS n FROM ${ident(input.leads)}
)
SELECT o.tier, CAST(coalesce(s.n, 0) AS DOUBLE) AS leads, coalesce(s.n, 0) / nullif(t.n, 0) AS share,
  CAST(s.lo AS DOUBLE) AS min_score, CAST(s.hi AS DOUBLE) AS max_score, CAST(s.mean AS DOUBLE) AS mean_score, CAST(coalesce(s.unscored, 0) AS DOUBLE) AS unscored
FROM o LEFT JOIN s ON s.tier = o.tier CROSS JOIN t
ORDER BY o.position`;
}

/** A row of {@link leadDistributionQuery}. */
export interface LeadDistributionRow {
  bin_start: number;
  bin_end: number;
  tier: string;
  leads: number;
}

/**
 * The distribution of one score: `bins` equal-width bins from the lowest to the highest score (one
 * bin [s, s + 1) when all scores are equal), the leads of each bin counted per tier (`tier` as text),
 * so a chart can colour the bars by tier; leads without a score are left out. Ordered by bin, tier.
 * @param input `leads`: the leads cell's result; `score`: which score; `bins` (default 30)
 * @throws RangeError when bins is not a whole number ≥ 1
 */
export function leadDistributionQuery(input: { leads: string; score: LeadScoreName; bins?: number }): SqlFragment {
  const bins = input.bins ?? 30;
  if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError(`A distribution has a whole number ≥ 1 of bins; ${bins} is not`);
  return sql`WITH s AS (
  SELECT CAST(${ident(input.score)} AS DOUBLE) AS v, CAST(${ident(`${input.score}_tier`)} AS VARCHAR) AS tier FROM ${ident(input.leads)} WHERE ${ident(input.score)} IS NOT NULL
), r AS (
  SELECT min(v) AS lo, CASE WHEN max(v) > min(v) THEN (max(v) - min(v)) / ${bins} ELSE 1 END AS w FROM s
), b AS (
  SELECT least(CAST(floor((s.v - r.lo) / r.w) AS BIGINT), ${bins} - 1) AS i, s.tier FROM s, r
)
SELECT r.lo + b.i * r.w AS bin_start, r.lo + (b.i + 1) * r.w AS bin_end, b.tier, CAST(count(*) AS DOUBLE) AS leads
FROM b, r GROUP BY b.i, b.tier, r.lo, r.w
ORDER BY b.i, b.tier`;
}


/**
 * The leads of one grid cell, in the result's order (by key).
 * @param input `leads`: the leads cell's result; `code`: the grid cell, `A1` … `C3`
 * @throws RangeError for another code
 */
export function leadGridMembersQuery(input: { leads: string; code: string }): SqlFragment {
  if (!LEAD_GRID.includes(input.code)) throw new RangeError(`A lead grid cell is one of ${LEAD_GRID.join(', ')}; "${input.code}" is not`);
  return sql`SELECT * FROM ${ident(input.leads)} WHERE "fit_tier" = ${lit(input.code[0])} AND "engagement_tier" = ${Number(input.code[1])}`;
}
