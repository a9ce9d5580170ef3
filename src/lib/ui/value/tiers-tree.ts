/**
 * The tiers cell's report as one tree: each tier with its size and value, the profitable tier's
 * sub-segments under it. Shares of value are shares of the net total (losses included), as in
 * `sql/value-tiers.ts`. Pure.
 */
import type { ValueTier } from '$lib/notebook/model';
import { exactAmount } from '$lib/sql/rfm';
import { ident, lit, sql, type SqlFragment } from '$lib/sql/quote';
import type { ValueTierSummaryRow } from '$lib/sql/value-tiers';

/** A row of {@link subsegmentQuery}. */
export interface SubsegmentRow {
  /** The profitable customers' segment in the subdividing result; null for those not in it. */
  subsegment: string | null;
  customers: number;
  total_profit: number;
}

/**
 * Size and summed profit (exact, see `sql/rfm.ts`) of each sub-segment of the profitable tier, largest
 * first, then by name; customers without a sub-segment last.
 * @param tiers the tiers cell's result (view name), with `tier`, `subsegment` and `profit`
 */
export function subsegmentQuery(tiers: string): SqlFragment {
  return sql`SELECT subsegment, CAST(count(*) AS DOUBLE) AS customers, CAST(sum(${exactAmount(sql`profit`)}) AS DOUBLE) AS total_profit
FROM ${ident(tiers)} WHERE tier = ${lit('profitable')}
GROUP BY subsegment ORDER BY subsegment IS NULL, customers DESC, subsegment`;
}

/** A line of the tree. */
export interface TierLine {
  tier: ValueTier;
  /** The sub-segment's name; undefined on a tier's own line; null for profitable customers in none. */
  subsegment?: string | null;
  customers: number;
  /** Of all customers; null when there are none. */
  share: number | null;
  profit: number;
  /** Of the net total; null when that is not positive. */
  profitShare: number | null;
  meanProfit: number | null;
}

/**
 * The tree's lines: the tiers in their order, the profitable tier followed by its sub-segments.
 * @param tiers `valueTierSummaryQuery`'s rows
 * @param subsegments `subsegmentQuery`'s rows (empty without a subdividing segmentation)
 */
export function tierLines(tiers: readonly ValueTierSummaryRow[], subsegments: readonly SubsegmentRow[]): TierLine[] {
  const customers = tiers.reduce((a, r) => a + r.customers, 0);
  const net = tiers.reduce((a, r) => a + r.total_profit, 0);
  const line = (tier: ValueTier, n: number, profit: number, subsegment?: string | null): TierLine => ({
    tier,
    ...(subsegment !== undefined ? { subsegment } : {}),
    customers: n,
    share: customers > 0 ? n / customers : null,
    profit,
    profitShare: net > 0 ? profit / net : null,
    meanProfit: n > 0 ? profit / n : null
  });
  const out: TierLine[] = [];
  for (const r of tiers) {
    out.push(line(r.tier, r.customers, r.total_profit));
    if (r.tier === 'profitable') for (const s of subsegments) out.push(line('profitable', s.customers, s.total_profit, s.subsegment));
  }
  return out;
}
