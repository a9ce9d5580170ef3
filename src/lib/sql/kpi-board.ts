/**
 * SQL of the KPI board cell: per segment and month (or week), the conversion, retention and revenue
 * of the segment's members, read from an events table joined by key. Pure; every name goes through
 * `ident`, every value through `lit`. Amounts are summed exactly as DECIMAL(38,6) (see rfm.ts), so
 * results do not depend on the number of threads.
 */
import { dateLiteral, exactAmount } from './rfm';
import { ident, join, lit, sql, type SqlFragment } from './quote';
import { note, NoteError } from '../i18n/note';

/** Inputs of {@link kpiBoardQuery}. */
export interface KpiBoardConfig {
  /** The members: one row per customer (a source or a named cell). */
  members: string;
  /** Its key column. */
  key: string;
  /**
   * The members' segments: a column of the member table, or a segmentation's result (`segment`
   * column) joined on `key`, which both tables have. Without it all members form one segment.
   */
  segments?: { kind: 'column'; column: string } | { kind: 'table'; table: string };
  /** The segment's name when there are no segments (in the notebook's language). */
  allLabel: string;
  /** The events (orders, visits): one row per event. */
  events: string;
  /** The events' customer key column. */
  eventKey: string;
  /** The events' date column (DATE, TIMESTAMP or ISO text; the day counts). */
  date: string;
  /** The amount summed as revenue; without it, no revenue columns. */
  amount?: string;
  /** Events whose `column` reads `value` (as text) are conversions; without it, every event is. */
  conversion?: { column: string; value: string };
  period: 'month' | 'week';
  /** Periods shown, ending with the last complete one (1–120). */
  periods: number;
  /** `YYYY-MM-DD`, the last day the data are complete; default: the latest event day. */
  referenceDate?: string;
}

/** A row of {@link kpiBoardQuery}. */
export interface KpiBoardRow {
  segment: string;
  /** First day of the month, or Monday of the week. */
  period: Date | string;
  members: number;
  /** Members with at least one event in the period. */
  active: number;
  /** Members with at least one conversion event in the period. */
  converted: number;
  /** converted / members. */
  conversion: number;
  /** Members active both in the period before and in this one. */
  retained: number;
  /** retained / members active in the period before; NULL when none was. */
  retention: number | null;
  revenue?: number;
  revenue_per_member?: number;
}

/** The periods a board may show. */
export const MAX_KPI_PERIODS = 120;

/**
 * Per segment and period, in long format: `segment` (VARCHAR), `period` (DATE), `members`, `active`,
 * `converted`, `conversion`, `retained`, `retention` and with an amount `revenue` and
 * `revenue_per_member` (all DOUBLE). Ordered by segment, then period.
 *
 * The periods are the `periods` complete months (weeks from Monday) up to the reference date: a
 * period counts when its last day is on or before it, and later events are left out. Every
 * segment has a row for every period (0 where no member was active). Members are the distinct
 * (key, segment) pairs: a member in several segments of an overlapping segmentation counts in each;
 * members without a segment are left out. Events with a NULL key or date are left out, a NULL
 * amount adds nothing. Retention of the first period looks at the period before it.
 * @param config members, segments, events, period and reference date
 * @throws NoteError on a bad period count or reference date
 */
export function kpiBoardQuery(config: KpiBoardConfig): SqlFragment {
  if (!(Number.isInteger(config.periods) && config.periods >= 1 && config.periods <= MAX_KPI_PERIODS)) {
    throw new NoteError(note('kpiBoardPeriods', { max: MAX_KPI_PERIODS, periods: String(config.periods) }));
  }
  const unit = config.period === 'month' ? sql`INTERVAL 1 MONTH` : sql`INTERVAL 7 DAY`;
  const trunc = config.period === 'month' ? lit('month') : lit('week');
  const day = sql`CAST(e.${ident(config.date)} AS DATE)`;
  const limit = config.referenceDate === undefined ? sql`(SELECT max(d) FROM ev)` : dateLiteral(config.referenceDate, 'kpis');
  const key = ident(config.key);
  const seg = config.segments;
  const members =
    seg === undefined
      ? sql`SELECT DISTINCT ${key} AS k, ${lit(config.allLabel)} AS segment FROM ${ident(config.members)} WHERE ${key} IS NOT NULL`
      : seg.kind === 'column'
        ? sql`SELECT DISTINCT ${key} AS k, CAST(${ident(seg.column)} AS VARCHAR) AS segment FROM ${ident(config.members)} WHERE ${key} IS NOT NULL AND ${ident(seg.column)} IS NOT NULL`
        : sql`SELECT DISTINCT t.${key} AS k, CAST(s."segment" AS VARCHAR) AS segment FROM ${ident(config.members)} AS t JOIN ${ident(seg.table)} AS s ON s.${key} = t.${key} WHERE t.${key} IS NOT NULL AND s."segment" IS NOT NULL`;
  const money = config.amount !== undefined;
  const conv = config.conversion ? sql`CAST(e.${ident(config.conversion.column)} AS VARCHAR) = ${lit(config.conversion.value)}` : sql`TRUE`;
  const columns = [
    sql`e.${ident(config.eventKey)} AS k`,
    sql`${day} AS d`,
    sql`coalesce(${conv}, FALSE) AS conv`,
    ...(money ? [sql`${exactAmount(sql`e.${ident(config.amount!)}`)} AS a`] : [])
  ];
  const revenueIn = money ? sql`, sum(act.a) AS revenue` : sql``;
  const revenueOut = money
    ? [sql`CAST(coalesce(agg.revenue, 0) AS DOUBLE) AS revenue`, sql`CAST(coalesce(agg.revenue, 0) AS DOUBLE) / g.n AS revenue_per_member`]
    : [];
  return sql`WITH m AS (
  ${members}
), ev AS (
  SELECT ${join(columns)} FROM ${ident(config.events)} AS e WHERE e.${ident(config.eventKey)} IS NOT NULL AND ${day} IS NOT NULL
), x AS (
  SELECT CAST(date_trunc(${trunc}, lim + 1) - ${unit} AS DATE) AS last FROM (SELECT ${limit} AS lim)
), b AS (
  SELECT CAST(unnest(generate_series(x.last - ${unit} * ${config.periods}, x.last, ${unit})) AS DATE) AS p FROM x
), act AS (
  SELECT ev.k, CAST(date_trunc(${trunc}, ev.d) AS DATE) AS p, bool_or(ev.conv) AS conv${money ? sql`, sum(ev.a) AS a` : sql``}
  FROM ev, x WHERE ev.d >= (SELECT min(p) FROM b) AND ev.d < x.last + ${unit} GROUP BY ev.k, 2
), ma AS (
  SELECT m.segment, act.* FROM m JOIN act ON act.k = m.k
), agg AS (
  SELECT segment, p, count(*) AS active, count(*) FILTER (WHERE conv) AS converted${revenueIn} FROM ma AS act GROUP BY segment, p
), ret AS (
  SELECT cur.segment, cur.p, count(*) AS retained FROM ma AS cur JOIN ma AS prev ON prev.segment = cur.segment AND prev.k = cur.k AND prev.p = CAST(cur.p - ${unit} AS DATE) GROUP BY cur.segment, cur.p
), g AS (
  SELECT s.segment, s.n, b.p FROM (SELECT segment, count(*) AS n FROM m GROUP BY segment) AS s, b
), board AS (
  SELECT ${join([
    sql`g.segment`,
    sql`g.p AS period`,
    sql`CAST(g.n AS DOUBLE) AS members`,
    sql`CAST(coalesce(agg.active, 0) AS DOUBLE) AS active`,
    sql`CAST(coalesce(agg.converted, 0) AS DOUBLE) AS converted`,
    sql`coalesce(agg.converted, 0) / g.n AS conversion`,
    sql`CAST(coalesce(ret.retained, 0) AS DOUBLE) AS retained`,
    sql`coalesce(ret.retained, 0) / nullif(lag(coalesce(agg.active, 0)) OVER (PARTITION BY g.segment ORDER BY g.p), 0) AS retention`,
    ...revenueOut
  ])}
  FROM g LEFT JOIN agg ON agg.segment = g.segment AND agg.p = g.p LEFT JOIN ret ON ret.segment = g.segment AND ret.p = g.p
)
SELECT * FROM board WHERE period > (SELECT min(p) FROM b) ORDER BY segment, period`;
}
