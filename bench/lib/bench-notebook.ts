import type { ClusterFeature, Notebook } from '../../src/lib/notebook/model';

/** The notebook's reference date: the last day the generator writes orders. */
export const REFERENCE_DATE = '2025-12-31';

/** Cell ids of the timed steps. */
export const CELLS = { features: 'features', segment: 'segment', rfm: 'rfm', clv: 'clv', kmeans: 'kmeans', lookalike: 'lookalike' } as const;

/**
 * Per-customer features (age, tenure and order behaviour) plus three attributes, shared by the
 * k-means and lookalike cells. The same definitions are in bench/python/suite.py.
 */
export const FEATURES_SQL = `SELECT c.customer_id,
  date_diff('year', c.birth_date, DATE '${REFERENCE_DATE}') AS age,
  date_diff('day', c.signup_date, DATE '${REFERENCE_DATE}') AS tenure_days,
  coalesce(t.orders, 0) AS orders,
  coalesce(t.revenue, 0) AS revenue,
  coalesce(t.avg_amount, 0) AS avg_amount,
  coalesce(t.margin, 0) AS margin,
  coalesce(t.online_share, 0) AS online_share,
  coalesce(t.days_since_last, 1096) AS days_since_last,
  c.channel, c.city_size, c.bundesland
FROM customers AS c
LEFT JOIN (
  SELECT customer_id, count(*) AS orders, sum(amount)::DOUBLE AS revenue, avg(amount)::DOUBLE AS avg_amount,
    sum(margin)::DOUBLE AS margin, avg((channel = 'online')::INTEGER) AS online_share,
    date_diff('day', max(order_date), DATE '${REFERENCE_DATE}') AS days_since_last
  FROM transactions GROUP BY customer_id
) AS t USING (customer_id)`;

/** The k-means cell's 8 features: spend-like counts log1p_z, the rest z. */
export const KMEANS_FEATURES: ClusterFeature[] = [
  { column: 'age', prep: 'z' },
  { column: 'tenure_days', prep: 'z' },
  { column: 'orders', prep: 'log1p_z' },
  { column: 'revenue', prep: 'log1p_z' },
  { column: 'avg_amount', prep: 'log1p_z' },
  { column: 'margin', prep: 'z' },
  { column: 'online_share', prep: 'z' },
  { column: 'days_since_last', prep: 'z' }
];

/** The lookalike cell's features: the planted signal's attributes one-hot, age and spend. */
export const LOOKALIKE_FEATURES: ClusterFeature[] = [
  { column: 'channel', prep: 'onehot' },
  { column: 'city_size', prep: 'onehot' },
  { column: 'bundesland', prep: 'onehot', top: 16 },
  { column: 'age', prep: 'z' },
  { column: 'orders', prep: 'log1p_z' },
  { column: 'revenue', prep: 'log1p_z' }
];

/**
 * The notebook every backend runs: sources `customers` and `transactions` (Parquet beside it),
 * a features SQL cell, then one cell per timed analysis step.
 * @param seedKeys the lookalike seeds (customer ids as text)
 */
export function benchNotebook(seedKeys: readonly string[]): Notebook {
  const txn = { table: 'transactions', key: 'customer_id', date: 'order_date', amount: 'amount', orderId: 'order_id' };
  return {
    format: 'seglab-notebook',
    version: 1,
    title: 'seglab benchmark',
    settings: { locale: 'en', referenceDate: REFERENCE_DATE },
    sources: [
      { name: 'customers', path: 'customers.parquet', format: 'parquet' },
      { name: 'transactions', path: 'transactions.parquet', format: 'parquet' }
    ],
    cells: [
      { id: CELLS.features, kind: 'sql', name: 'features', sql: FEATURES_SQL },
      {
        id: CELLS.segment,
        kind: 'segment',
        name: 'segments',
        table: 'customers',
        key: 'customer_id',
        exclusive: true,
        segments: [
          {
            name: 'Active',
            rule: {
              type: 'group',
              op: 'and',
              rules: [
                { type: 'behaviour', table: 'transactions', key: 'customer_id', measure: 'count', dateColumn: 'order_date', window: { kind: 'last_days', days: 90 }, op: 'gte', value: 2 }
              ]
            }
          },
          {
            name: 'Big spenders',
            rule: {
              type: 'group',
              op: 'and',
              rules: [
                { type: 'behaviour', table: 'transactions', key: 'customer_id', measure: 'sum', column: 'amount', dateColumn: 'order_date', window: { kind: 'this_year' }, op: 'gt', value: 500 }
              ]
            }
          }
        ]
      },
      {
        id: CELLS.rfm,
        kind: 'rfm',
        name: 'rfm',
        ...txn,
        monetary: 'sum',
        segments: [
          { name: 'Champions', r: [4, 5], f: [4, 5] },
          { name: 'Loyal', r: [3, 5], f: [3, 5] },
          { name: 'At risk', r: [1, 2], f: [3, 5] },
          { name: 'Lost', r: [1, 2], f: [1, 2] }
        ]
      },
      {
        id: CELLS.clv,
        kind: 'clv',
        name: 'clv',
        ...txn,
        valueBy: 'revenue',
        calibrationEnd: '2025-06-30',
        holdoutEnd: REFERENCE_DATE,
        unit: 'week',
        horizon: 12,
        period: 'month',
        discountRate: 0.1
      },
      { id: CELLS.kmeans, kind: 'cluster', name: 'clusters', table: 'features', key: 'customer_id', features: KMEANS_FEATURES, k: 6, restarts: 10, seed: 0 },
      {
        id: CELLS.lookalike,
        kind: 'lookalike',
        name: 'lookalikes',
        table: 'features',
        key: 'customer_id',
        seeds: { kind: 'keys', keys: [...seedKeys] },
        features: LOOKALIKE_FEATURES,
        method: 'logistic',
        l2: 1,
        holdout: 0.2,
        seed: 0,
        cut: { kind: 'top_pct', pct: 10 }
      }
    ]
  };
}
