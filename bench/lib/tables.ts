import { SqlFragment, lit, sql } from '../../src/lib/sql/quote.ts';
import {
  B2B_SHARE_OTHER,
  CATEGORIES,
  CHANNELS,
  CITY_SIZES,
  CITY_WEIGHTS_OTHER,
  CITY_WEIGHTS_URBAN,
  CLUSTERS,
  COMPANY_NAMES,
  DOW_WEIGHTS_ONLINE,
  DOW_WEIGHTS_STORE,
  INDUSTRIES,
  LEAD_MODEL,
  LEAD_SOURCES,
  LEAD_START,
  LEGAL_FORMS,
  MONTH_WEIGHTS,
  PREFERRED_CHANNEL_SHARE,
  SEED_LIKE,
  SIGNUP_END,
  SIGNUP_START,
  SIZE_BANDS,
  SIZE_WEIGHTS,
  SIZE_WEIGHTS_BULK,
  STATES,
  TX_END,
  TX_START,
  ZIPF_S,
} from './model.ts';

/**
 * SQL that defines the random-number macros. Every random value is a hash of (seed, row id, tag),
 * so the output does not depend on thread count or scheduling.
 * @param seed integer seed
 */
export function macroSql(seed: number): SqlFragment[] {
  const s = Math.trunc(seed);
  return [
    sql`CREATE OR REPLACE MACRO u01(i, tag) AS least(greatest(hash(hash(${s}::BIGINT, i::BIGINT, tag::VARCHAR)) / 18446744073709551615.0, 1e-12), 1 - 1e-12)`,
    sql`CREATE OR REPLACE MACRO norm(i, tag) AS sqrt(-2 * ln(u01(i, tag || '#1'))) * cos(2 * pi() * u01(i, tag || '#2'))`,
  ];
}

function numList(values: readonly number[]): SqlFragment {
  if (!values.every(Number.isFinite)) throw new RangeError('numList: non-finite value');
  return new SqlFragment(`[${values.join(', ')}]`);
}

function strList(values: readonly string[]): SqlFragment {
  return sql`[${values.map((v) => lit(v))}]`;
}

/** `CASE` that maps a U(0,1) expression to an index 0..n-1 with the given (unnormalised) weights. */
function pick(u: SqlFragment, weights: readonly number[]): SqlFragment {
  const total = weights.reduce((a, b) => a + b, 0);
  let cum = 0;
  const whens: string[] = [];
  weights.slice(0, -1).forEach((w, i) => {
    cum += w / total;
    whens.push(`WHEN ${u.text} < ${cum} THEN ${i}`);
  });
  return new SqlFragment(`(CASE ${whens.join(' ')} ELSE ${weights.length - 1} END)`);
}

/** Like `pick`, with weights chosen by the value of an integer expression (0..k-1). */
function pickBy(key: SqlFragment, u: SqlFragment, weightsByKey: readonly (readonly number[])[]): SqlFragment {
  const whens = weightsByKey.map((w, k) => `WHEN ${k} THEN ${pick(u, w).text}`);
  return new SqlFragment(`(CASE ${key.text} ${whens.join(' ')} END)`);
}

function days(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

const u = (id: string, tag: string) => new SqlFragment(`u01(${id}, ${lit(tag).text})`);
const z = (id: string, tag: string) => new SqlFragment(`norm(${id}, ${lit(tag).text})`);

/**
 * Creates the internal table `cust` (customers plus generator-only columns).
 * @param customers number of customers
 */
export function customersTableSql(customers: number): SqlFragment {
  const n = Math.trunc(customers);
  const cityStates = ['Berlin', 'Hamburg', 'Bremen'].map((name) => STATES.findIndex((s) => s.name === name));
  const id = 'customer_id';
  return sql`CREATE OR REPLACE TABLE cust AS
WITH a AS (
  SELECT i + 1 AS customer_id, ${pick(u('i + 1', 'c.cluster'), CLUSTERS.map((c) => c.weight))} AS true_cluster
  FROM range(${n}) t(i)
), b AS (
  SELECT *,
    least(85, greatest(18, round(${numList(CLUSTERS.map((c) => c.ageMean))}[true_cluster + 1]
      + ${numList(CLUSTERS.map((c) => c.ageSd))}[true_cluster + 1] * ${z(id, 'c.age')})))::INTEGER AS age,
    ${pick(u(id, 'c.state'), STATES.map((s) => s.pop))} AS state_idx,
    ${pickBy(new SqlFragment('true_cluster'), u(id, 'c.channel'), CLUSTERS.map((c) => c.channel))} AS channel_idx,
    (true_cluster = 5 OR ${u(id, 'c.b2b')} < ${B2B_SHARE_OTHER}) AS is_b2b
  FROM a
), c AS (
  SELECT *,
    ${strList(STATES.map((s) => s.name))}[state_idx + 1] AS bundesland,
    CASE WHEN state_idx IN (${new SqlFragment(cityStates.join(", "))}) THEN 'metropolis'
      WHEN true_cluster IN (0, 1) THEN ${strList(CITY_SIZES)}[${pick(u(id, 'c.city'), CITY_WEIGHTS_URBAN)} + 1]
      ELSE ${strList(CITY_SIZES)}[${pick(u(id, 'c.city'), CITY_WEIGHTS_OTHER)} + 1] END AS city_size,
    ${strList(CHANNELS)}[channel_idx + 1] AS channel,
    ${new SqlFragment(`[${STATES.map((s) => `[${s.prefixes.join(', ')}]`).join(', ')}]`)}[state_idx + 1] AS plz_prefixes,
    ((DATE ${lit(TX_END)} - to_years(age))::DATE - floor(${u(id, 'c.bday')} * 365)::INTEGER) AS birth_date
  FROM b
), d AS (
  SELECT *,
    lpad((plz_prefixes[1 + floor(${u(id, 'c.plz1')} * len(plz_prefixes))::INTEGER] * 1000
      + floor(${u(id, 'c.plz2')} * 1000)::INTEGER)::VARCHAR, 5, '0') AS postcode,
    greatest(DATE ${lit(SIGNUP_START)} + floor(${u(id, 'c.signup')} * ${days(SIGNUP_START, SIGNUP_END) + 1})::INTEGER,
      (birth_date + to_years(18))::DATE) AS signup_date,
    CASE WHEN age < 25 THEN 'young_single'
      WHEN age < 60 AND (true_cluster = 2 OR ${u(id, 'c.life')} < 0.35) THEN 'family'
      WHEN age < 35 THEN 'young_couple'
      WHEN age < 65 THEN 'empty_nester'
      ELSE 'retired' END AS life_stage,
    CASE channel_idx
      WHEN 2 THEN CASE WHEN ${u(id, 'c.device')} < 0.85 THEN 'smartphone' ELSE 'tablet' END
      WHEN 0 THEN ${strList(['desktop', 'smartphone', 'tablet'])}[${pick(u(id, 'c.device'), [0.55, 0.35, 0.1])} + 1]
      ELSE CASE WHEN ${u(id, 'c.device')} < 0.6 THEN NULL ELSE 'smartphone' END END AS device,
    ${strList(['w', 'm', 'd'])}[${pick(u(id, 'c.gender'), [0.5, 0.485, 0.015])} + 1] AS gender,
    CASE WHEN is_b2b THEN ${strList(INDUSTRIES.map((x) => x.name))}[${pick(u(id, 'c.industry'), INDUSTRIES.map((x) => x.weight))} + 1] END AS industry,
    CASE WHEN true_cluster = 5 THEN ${strList(SIZE_BANDS.map((x) => x.name))}[${pick(u(id, 'c.size'), SIZE_WEIGHTS_BULK)} + 1]
      WHEN is_b2b THEN ${strList(SIZE_BANDS.map((x) => x.name))}[${pick(u(id, 'c.size'), SIZE_WEIGHTS)} + 1] END AS company_size_band,
    ${lit(SEED_LIKE.intercept)} + ${SEED_LIKE.app} * (channel_idx = 2)::INTEGER
      + ${SEED_LIKE.age25to40} * (age BETWEEN 25 AND 40)::INTEGER
      + ${SEED_LIKE.metropolis} * (city_size = 'metropolis')::INTEGER
      + ${SEED_LIKE.southState} * (bundesland IN (${SEED_LIKE.southStates.map((s) => lit(s))}))::INTEGER AS seed_logit
  FROM c
)
SELECT *,
  CASE WHEN churn_raw <= DATE ${lit(TX_END)} THEN churn_raw END AS churn_date,
  ${u(id, 'c.seed')} < 1 / (1 + exp(-seed_logit)) AS is_seed_like
FROM (
  SELECT *, (signup_date + floor(-ln(${u(id, 'c.churn')}) * ${numList(CLUSTERS.map((c) => c.churnYears))}[true_cluster + 1] * 365.25)::INTEGER) AS churn_raw
  FROM d
)
ORDER BY customer_id`;
}

/** Public columns of `customers`, in file order. */
export const CUSTOMER_COLUMNS = [
  'customer_id', 'customer_type', 'gender', 'birth_date', 'life_stage', 'bundesland', 'postcode', 'city_size',
  'channel', 'device', 'signup_date', 'industry', 'company_size_band', 'true_cluster', 'churn_date', 'is_seed_like',
];

/** The `customers` output query over table `cust`. */
export function customersSelectSql(): SqlFragment {
  return sql`SELECT customer_id, CASE WHEN is_b2b THEN 'B2B' ELSE 'B2C' END AS customer_type, gender, birth_date, life_stage,
  bundesland, postcode, city_size, channel, device, signup_date, industry, company_size_band,
  true_cluster::TINYINT AS true_cluster, churn_date, is_seed_like
FROM cust ORDER BY customer_id`;
}

const wMax = Math.max(...DOW_WEIGHTS_ONLINE, ...DOW_WEIGHTS_STORE) * Math.max(...MONTH_WEIGHTS);
const storeIdx = CHANNELS.indexOf('store');

/**
 * Creates the internal table `plan`: one row per active customer with its candidate-order count `k`
 * and the first candidate id, scaled so that about `transactions` orders survive thinning.
 * @param transactions target number of transactions
 */
export function planTableSql(transactions: number): SqlFragment {
  const t = Math.trunc(transactions);
  const id = 'customer_id';
  const end = days(TX_START, TX_END) + 1;
  const pStoreOther = (1 - PREFERRED_CHANNEL_SHARE) / CHANNELS.length;
  return sql`CREATE OR REPLACE TABLE plan AS
WITH w AS (
  SELECT customer_id, true_cluster, channel_idx,
    greatest(date_diff('day', DATE ${lit(TX_START)}, signup_date), 0) AS d0,
    least(coalesce(date_diff('day', DATE ${lit(TX_START)}, churn_date), ${end}), ${end}) AS d1,
    ${numList(CLUSTERS.map((c) => c.rate))}[true_cluster + 1] * exp(0.6 * ${z(id, 'c.freq')} - 0.18) AS intensity
  FROM cust
), r AS (
  SELECT *, intensity * (d1 - d0) / 365.25 AS raw,
    ${pStoreOther} + ${PREFERRED_CHANNEL_SHARE} * (channel_idx = ${storeIdx})::INTEGER AS p_store
  FROM w WHERE d1 > d0
), cal AS (
  SELECT avg(${numList(DOW_WEIGHTS_ONLINE)}[isodow(d)] * ${numList(MONTH_WEIGHTS)}[month(d)]) / ${wMax} AS acc_online,
    avg(${numList(DOW_WEIGHTS_STORE)}[isodow(d)] * ${numList(MONTH_WEIGHTS)}[month(d)]) / ${wMax} AS acc_store
  FROM (SELECT DATE ${lit(TX_START)} + i::INTEGER AS d FROM range(${end}) t(i))
), s AS (
  SELECT ${t} / sum(raw * (p_store * acc_store + (1 - p_store) * acc_online)) AS scale FROM r, cal
), k AS (
  SELECT r.*, floor(raw * scale + ${u(id, 'c.k')})::BIGINT AS k FROM r, s
)
SELECT customer_id, true_cluster, channel_idx, d0, d1, k,
  (sum(k) OVER (ORDER BY customer_id ROWS UNBOUNDED PRECEDING) - k)::BIGINT AS first_candidate
FROM k WHERE k > 0
ORDER BY customer_id`;
}

/** Public columns of `transactions`, in file order. */
export const TRANSACTION_COLUMNS = ['order_id', 'customer_id', 'order_date', 'amount', 'margin', 'channel', 'product_category'];

/** The streaming `transactions` query over table `plan` (candidates thinned by weekday and month weights). */
export function transactionsSelectSql(): SqlFragment {
  const id = 'order_id';
  const zipf = CATEGORIES.map((_, r) => 1 / Math.pow(r + 1, ZIPF_S));
  return sql`WITH x AS (
  SELECT customer_id, true_cluster, channel_idx, d0, d1, (first_candidate + unnest(range(k)) + 1)::BIGINT AS order_id FROM plan
), y AS (
  SELECT *,
    DATE ${lit(TX_START)} + (d0 + floor(${u(id, 't.day')} * (d1 - d0)))::INTEGER AS order_date,
    CASE WHEN ${u(id, 't.ch')} < ${PREFERRED_CHANNEL_SHARE} THEN channel_idx
      ELSE floor(${u(id, 't.ch2')} * ${CHANNELS.length})::INTEGER END AS ch
  FROM x
), acc AS (
  SELECT * FROM y
  WHERE ${u(id, 't.acc')} * ${wMax} < CASE WHEN ch = ${storeIdx} THEN ${numList(DOW_WEIGHTS_STORE)}[isodow(order_date)]
      ELSE ${numList(DOW_WEIGHTS_ONLINE)}[isodow(order_date)] END * ${numList(MONTH_WEIGHTS)}[month(order_date)]
), v AS (
  SELECT *,
    round(greatest(0.99, ${numList(CLUSTERS.map((c) => c.amountMedian))}[true_cluster + 1]
      * exp(${numList(CLUSTERS.map((c) => c.amountSigma))}[true_cluster + 1] * ${z(id, 't.amount')})), 2)::DECIMAL(12, 2) AS amount,
    (${pick(u(id, 't.cat'), zipf)} + ${numList(CLUSTERS.map((c) => c.categoryOffset))}[true_cluster + 1]) % ${CATEGORIES.length} AS cat_idx
  FROM acc
)
SELECT order_id, customer_id, order_date, amount,
  round(amount * greatest(-0.2, ${numList(CATEGORIES.map((c) => c.margin))}[cat_idx + 1] + 0.05 * ${z(id, 't.margin')}), 2)::DECIMAL(12, 2) AS margin,
  ${strList(CHANNELS)}[ch + 1] AS channel,
  ${strList(CATEGORIES.map((c) => c.name))}[cat_idx + 1] AS product_category
FROM v`;
}

/** Public columns of `leads`, in file order. */
export const LEAD_COLUMNS = [
  'lead_id', 'company_name', 'industry', 'company_size_band', 'employees', 'annual_revenue_eur', 'bundesland',
  'lead_source', 'created_date', 'email_opens', 'email_clicks', 'web_visits', 'demo_requested',
  'days_since_last_touch', 'converted',
];

/**
 * The `leads` query.
 * @param leads number of leads
 */
export function leadsSelectSql(leads: number): SqlFragment {
  const n = Math.trunc(leads);
  const id = 'lead_id';
  const span = days(LEAD_START, TX_END) + 1;
  const m = LEAD_MODEL;
  return sql`WITH a AS (
  SELECT i + 1 AS lead_id FROM range(${n}) t(i)
), b AS (
  SELECT lead_id,
    ${pick(u(id, 'l.industry'), INDUSTRIES.map((x) => x.weight))} AS ind_idx,
    ${pick(u(id, 'l.size'), SIZE_WEIGHTS)} AS size_idx,
    ${pick(u(id, 'l.state'), STATES.map((s) => s.pop))} AS state_idx,
    ${pick(u(id, 'l.source'), LEAD_SOURCES.map((s) => s.weight))} AS src_idx,
    DATE ${lit(LEAD_START)} + floor(${u(id, 'l.created')} * ${span})::INTEGER AS created_date,
    floor(-ln(${u(id, 'l.opens')}) * 6)::INTEGER AS email_opens
  FROM a
), c AS (
  SELECT *,
    floor(exp(ln(${numList(SIZE_BANDS.map((s) => s.lo))}[size_idx + 1])
      + ${u(id, 'l.employees')} * (ln(${numList(SIZE_BANDS.map((s) => s.hi))}[size_idx + 1]) - ln(${numList(SIZE_BANDS.map((s) => s.lo))}[size_idx + 1]))))::INTEGER AS employees,
    floor(email_opens * ${u(id, 'l.clicks')} * 0.6)::INTEGER AS email_clicks,
    floor(-ln(${u(id, 'l.visits')}) * CASE WHEN src_idx IN (2, 4) THEN 5 ELSE 3 END)::INTEGER AS web_visits,
    least(floor(-ln(${u(id, 'l.touch')}) * 30)::INTEGER, date_diff('day', created_date, DATE ${lit(TX_END)})) AS days_since_last_touch
  FROM b
), d AS (
  SELECT *,
    ${u(id, 'l.demo')} < least(0.6, 0.05 + 0.03 * email_clicks + 0.02 * web_visits) AS demo_requested
  FROM c
)
SELECT lead_id,
  ${strList(COMPANY_NAMES)}[1 + floor(${u(id, 'l.name')} * ${COMPANY_NAMES.length})::INTEGER] || ' '
    || ${strList(LEGAL_FORMS)}[1 + floor(${u(id, 'l.legal')} * ${LEGAL_FORMS.length})::INTEGER] AS company_name,
  ${strList(INDUSTRIES.map((x) => x.name))}[ind_idx + 1] AS industry,
  ${strList(SIZE_BANDS.map((x) => x.name))}[size_idx + 1] AS company_size_band,
  employees,
  (round(employees * exp(ln(150000) + 0.5 * ${z(id, 'l.revenue')}) / 1000) * 1000)::BIGINT AS annual_revenue_eur,
  ${strList(STATES.map((s) => s.name))}[state_idx + 1] AS bundesland,
  ${strList(LEAD_SOURCES.map((s) => s.name))}[src_idx + 1] AS lead_source,
  created_date, email_opens, email_clicks, web_visits, demo_requested, days_since_last_touch,
  ${u(id, 'l.converted')} < 1 / (1 + exp(-(${lit(m.intercept)}
    + ${numList(INDUSTRIES.map((x) => x.leadEffect))}[ind_idx + 1]
    + ${m.sizeBand} * size_idx
    + ${numList(LEAD_SOURCES.map((s) => s.effect))}[src_idx + 1]
    + ${m.click} * least(email_clicks, 10)
    + ${m.demo} * demo_requested::INTEGER
    - ${m.dayStale} * days_since_last_touch))) AS converted
FROM d
ORDER BY lead_id`;
}
