import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/engine/db';
import { cohortQuery, type CohortConfig, type CohortRow } from '../../src/lib/sql/cohorts';
import { loadRetail, retailReference } from './helpers/online-retail';
import { useWasmAndNative } from './helpers/wasm-and-native';

const TABLE = 'Käufe "K"';
const COL = { key: "Kunde's", date: 'Datum', amount: 'Betrag €' };

/**
 * a: Jan 5 + Jan 20 + Mar 2; b: Jan 31 + Feb 1; c: Feb 10, Apr 1 and May 1 (after 2024-04-15);
 * d: Mar 31; e: first buys in April; f: Dec 15 (no amount) + Mar 15; g buys only in June; one NULL key.
 */
const ROWS: [string | null, string, number | null][] = [
  ['a', '2024-01-05 10:00', 10],
  ['a', '2024-01-20 10:00', 5],
  ['a', '2024-03-02 10:00', 20],
  ['b', '2024-01-31 23:00', 7],
  ['b', '2024-02-01 01:00', 3],
  ['c', '2024-02-10 10:00', 100],
  ['c', '2024-04-01 10:00', 50],
  ['c', '2024-05-01 10:00', 30],
  ['d', '2024-03-31 10:00', 8],
  ['e', '2024-04-02 10:00', 9],
  ['f', '2023-12-15 10:00', null],
  ['f', '2024-03-15 10:00', 4],
  ['g', '2024-06-01 10:00', 1],
  [null, '2024-01-10 10:00', 1000]
];

const q = (s: string | null) => (s === null ? 'NULL' : `'${s.replaceAll("'", "''")}'`);
const id = (s: string) => `"${s.replaceAll('"', '""')}"`;

async function create(target: Db): Promise<void> {
  const values = ROWS.map(([k, d, a]) => `(${q(k)}, TIMESTAMP ${q(d)}, ${a ?? 'NULL'})`);
  await target.exec(`CREATE OR REPLACE TABLE ${id(TABLE)} AS SELECT k AS ${id(COL.key)}, d AS ${COL.date}, CAST(a AS DOUBLE) AS ${id(COL.amount)}
    FROM (VALUES ${values.join(', ')}) t(k, d, a)`);
}

const BASE: CohortConfig = { table: TABLE, key: COL.key, date: COL.date, amount: COL.amount, referenceDate: '2024-04-15', period: 'month' };

const dbs = useWasmAndNative(create);

const cells = (rows: CohortRow[]) =>
  rows.map((r) => [r.cohort, r.month_offset, r.period, r.cohort_size, r.customers, r.retention, r.revenue, r.revenue_per_customer, r.cumulative_revenue_per_customer]);

describe('cohortQuery', () => {
  it('counts customers, retention and revenue per cohort and month up to the last complete month', async () => {
    // 2024-04-15: March is the last complete month; c's April purchase and e (first bought in April) are left out.
    const rows = await dbs.db.rows<CohortRow>(String(cohortQuery(BASE)));
    expect(cells(rows)).toEqual([
      ['2023-12-01', 0, '2023-12-01', 1, 1, 1, 0, 0, 0],
      ['2023-12-01', 1, '2024-01-01', 1, 0, 0, 0, 0, 0],
      ['2023-12-01', 2, '2024-02-01', 1, 0, 0, 0, 0, 0],
      ['2023-12-01', 3, '2024-03-01', 1, 1, 1, 4, 4, 4],
      ['2024-01-01', 0, '2024-01-01', 2, 2, 1, 22, 11, 11],
      ['2024-01-01', 1, '2024-02-01', 2, 1, 0.5, 3, 1.5, 12.5],
      ['2024-01-01', 2, '2024-03-01', 2, 1, 0.5, 20, 10, 22.5],
      ['2024-02-01', 0, '2024-02-01', 1, 1, 1, 100, 100, 100],
      ['2024-02-01', 1, '2024-03-01', 1, 0, 0, 0, 0, 100],
      ['2024-03-01', 0, '2024-03-01', 1, 1, 1, 8, 8, 8]
    ]);
  });

  it('counts a month when the reference date is its last day, not the day before', async () => {
    const full = await dbs.db.rows<CohortRow>(String(cohortQuery({ ...BASE, referenceDate: '2024-03-31' })));
    expect(full).toEqual(await dbs.db.rows<CohortRow>(String(cohortQuery(BASE))));
    const short = await dbs.db.rows<CohortRow>(String(cohortQuery({ ...BASE, referenceDate: '2024-03-30' })));
    expect(short.map((r) => [r.cohort, r.month_offset, r.customers])).toEqual([
      ['2023-12-01', 0, 1],
      ['2023-12-01', 1, 0],
      ['2023-12-01', 2, 0],
      ['2024-01-01', 0, 2],
      ['2024-01-01', 1, 1],
      ['2024-02-01', 0, 1]
    ]);
  });

  it('runs to the last complete month of the data without a reference date', async () => {
    // The latest purchase is 2024-06-01, so May is the last complete month; g (June) is left out.
    const rows = await dbs.db.rows<CohortRow>(String(cohortQuery({ ...BASE, referenceDate: undefined })));
    expect(rows).toHaveLength(6 + 5 + 4 + 3 + 2);
    expect(rows.filter((r) => r.cohort === '2024-02-01').map((r) => [r.month_offset, r.customers, r.revenue, r.cumulative_revenue_per_customer])).toEqual([
      [0, 1, 100, 100],
      [1, 0, 0, 100],
      [2, 1, 50, 150],
      [3, 1, 30, 180]
    ]);
    expect(rows.filter((r) => r.cohort === '2024-04-01').map((r) => [r.month_offset, r.cohort_size, r.customers])).toEqual([
      [0, 1, 1],
      [1, 1, 0]
    ]);
  });

  it('leaves the revenue columns out without an amount', async () => {
    const rows = await dbs.db.rows(String(cohortQuery({ ...BASE, amount: undefined })));
    expect(Object.keys(rows[0])).toEqual(['cohort', 'cohort_size', 'month_offset', 'period', 'customers', 'retention']);
    expect(rows).toHaveLength(10);
  });

  it('returns the same rows in DuckDB-WASM and in native DuckDB with 4 threads', async () => {
    const text = String(cohortQuery({ ...BASE, referenceDate: undefined }));
    expect(await dbs.native.rows(text)).toEqual(await dbs.db.rows(text));
  });

  it('rejects an invalid reference date', () => {
    expect(() => cohortQuery({ ...BASE, referenceDate: '15.04.2024' })).toThrow(/cohort reference date/);
  });
});

describe('cohortQuery on the Online Retail data', () => {
  const ref = retailReference.cohorts;

  beforeAll(async () => {
    await loadRetail(dbs.engine);
  }, 60_000);

  it('matches pandas: every cohort and month up to November 2011', async () => {
    const rows = await dbs.db.rows<CohortRow>(String(cohortQuery({ table: 'retail_clean', key: 'CustomerID', date: 'InvoiceDate', amount: 'amount', period: 'month' })));
    expect(ref.lastMonth).toBe('2011-11-01');
    expect(rows.map((r) => [r.cohort, r.month_offset, r.cohort_size, r.customers])).toEqual(ref.rows.map((r: unknown[]) => r.slice(0, 4)));
    // Revenue is an exact decimal sum on both sides; only the conversion to DOUBLE rounds.
    rows.forEach((r, i) => expect(Math.abs(r.revenue! - ref.rows[i][4]), `${r.cohort} +${r.month_offset}`).toBeLessThanOrEqual(1e-12 * Math.abs(ref.rows[i][4])));
    const december = rows.filter((r) => r.cohort === '2010-12-01');
    expect(december).toHaveLength(12);
    expect(december[0].retention).toBe(1);
  });
});
