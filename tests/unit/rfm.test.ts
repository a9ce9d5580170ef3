import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/engine/db';
import {
  DEFAULT_RFM_SEGMENTS,
  defaultRfmSegments,
  RFM_SEGMENT_LABELS,
  rfmGridQuery,
  rfmQuery,
  rfmSegmentCoverage,
  rfmSegmentSummaryQuery,
  type RfmConfig,
  type RfmGridRow,
  type RfmSegmentSummaryRow
} from '../../src/lib/sql/rfm';
import { loadRetail, retailReference } from './helpers/online-retail';
import { useWasmAndNative } from './helpers/wasm-and-native';

/** Hostile names: quotes, umlauts, spaces. */
const TABLE = 'Käufe "2024"';
const COL = { key: 'Kunde', order: 'Bestell-Nr.', date: 'Datum "Kauf"', amount: 'Betrag €', margin: "Marge's" };

/**
 * Ten customers c01 … c10 with the reference date 2024-01-31; the answers below are worked out by hand.
 * c01: two orders on 2024-01-30 (o1 has two lines), one on 01-10 → recency 1, 3 orders on 2 days, 180.
 * c02: one purchase on the reference date → recency 0. c03: o7 after the reference date is left out.
 * c03/c04 tie on recency 16; c01/c04 tie on 180; c06/c08 tie on 80. c05, c02, c08 buy once.
 * c06: two orders on one day. c11 buys only after the reference date; a NULL key is left out.
 */
const ROWS: [string | null, string, string, number, number][] = [
  ['c01', 'o1', '2024-01-30 09:15:00', 60, 10],
  ['c01', 'o1', '2024-01-30 09:15:00', 40, 5],
  ['c01', 'o2', '2024-01-30 23:59:59', 50, 5],
  ['c01', 'o3', '2024-01-10 12:00:00', 30, 3],
  ['c02', 'o4', '2024-01-31 18:00:00', 20, 2],
  ['c03', 'o5', '2023-12-01 10:00:00', 200, 20],
  ['c03', 'o6', '2024-01-15 10:00:00', 100, 10],
  ['c03', 'o7', '2024-02-05 10:00:00', 999, 99],
  ['c04', 'o8', '2023-11-01 10:00:00', 60, 6],
  ['c04', 'o9', '2023-12-20 10:00:00', 60, 6],
  ['c04', 'o10', '2024-01-15 10:00:00', 60, 6],
  ['c05', 'o11', '2023-06-01 10:00:00', 500, -50],
  ['c06', 'o12', '2023-10-10 10:00:00', 40, 4],
  ['c06', 'o13', '2023-10-10 16:00:00', 40, 4],
  ['c07', 'o14', '2024-01-20 10:00:00', 10, 1],
  ['c07', 'o15', '2024-01-25 10:00:00', 10, 1],
  ['c07', 'o16', '2024-01-28 10:00:00', 10, 1],
  ['c07', 'o17', '2024-01-29 10:00:00', 10, 1],
  ['c08', 'o18', '2023-12-31 10:00:00', 80, 8],
  ['c09', 'o19', '2024-01-01 10:00:00', 25, 2.5],
  ['c09', 'o20', '2024-01-05 10:00:00', 25, 2.5],
  ['c10', 'o21', '2022-12-31 10:00:00', 1000, 100],
  ['c10', 'o22', '2023-01-15 10:00:00', 1000, 100],
  ['c11', 'o23', '2024-02-10 10:00:00', 70, 7],
  [null, 'o24', '2024-01-20 10:00:00', 5, 1]
];

const q = (s: string | null) => (s === null ? 'NULL' : `'${s.replaceAll("'", "''")}'`);
const id = (s: string) => `"${s.replaceAll('"', '""')}"`;

async function create(target: Db): Promise<void> {
  const values = ROWS.map(([k, o, d, a, m]) => `(${q(k)}, ${q(o)}, TIMESTAMP ${q(d)}, ${a}, ${m})`);
  await target.exec(`CREATE OR REPLACE TABLE ${id(TABLE)} AS SELECT k AS ${id(COL.key)}, o AS ${id(COL.order)}, d AS ${id(COL.date)},
    CAST(a AS DOUBLE) AS ${id(COL.amount)}, CAST(m AS DECIMAL(10, 2)) AS ${id(COL.margin)}
    FROM (VALUES ${values.join(', ')}) t(k, o, d, a, m)`);
}

const BASE: RfmConfig = {
  table: TABLE,
  key: COL.key,
  date: COL.date,
  amount: COL.amount,
  orderId: COL.order,
  referenceDate: '2024-01-31',
  monetary: 'sum',
  scoring: { kind: 'quintiles' }
};

const dbs = useWasmAndNative(create);

type Row = Record<string, unknown>;
const pick = (rows: Row[], ...cols: string[]) => rows.map((r) => [r[COL.key], ...cols.map((c) => r[c])]);

describe('rfmQuery', () => {
  it('computes recency, orders, days and sums per customer, leaving out later purchases', async () => {
    const rows = await dbs.db.rows(String(rfmQuery({ ...BASE, margin: COL.margin })));
    expect(pick(rows, 'first_purchase', 'last_purchase', 'recency_days', 'frequency', 'monetary', 'revenue', 'margin')).toEqual([
      ['c01', '2024-01-10', '2024-01-30', 1, 3, 180, 180, 23],
      ['c02', '2024-01-31', '2024-01-31', 0, 1, 20, 20, 2],
      ['c03', '2023-12-01', '2024-01-15', 16, 2, 300, 300, 30],
      ['c04', '2023-11-01', '2024-01-15', 16, 3, 180, 180, 18],
      ['c05', '2023-06-01', '2023-06-01', 244, 1, 500, 500, -50],
      ['c06', '2023-10-10', '2023-10-10', 113, 2, 80, 80, 8],
      ['c07', '2024-01-20', '2024-01-29', 2, 4, 40, 40, 4],
      ['c08', '2023-12-31', '2023-12-31', 31, 1, 80, 80, 8],
      ['c09', '2024-01-01', '2024-01-05', 26, 2, 50, 50, 5],
      ['c10', '2022-12-31', '2023-01-15', 381, 2, 2000, 2000, 200]
    ]);
  });

  it('scores quintiles by minimum rank, so tied values share a score', async () => {
    // n = 10, score = 1 + ⌊(rank − 1) / 2⌋. Recency ranked worst first: c10 1, c05 2, c06 3, c08 4,
    // c09 5, c03 = c04 6 (tie), c07 8, c01 9, c02 10. Frequency: three 1s rank 1, four 2s rank 4,
    // two 3s rank 8, one 4 rank 10. Monetary: 20 1, 40 2, 50 3, 80 ×2 4, 180 ×2 6, 300 8, 500 9, 2000 10.
    const rows = await dbs.db.rows(String(rfmQuery(BASE)));
    expect(pick(rows, 'r_score', 'f_score', 'm_score', 'rfm_code', 'segment')).toEqual([
      ['c01', 5, 4, 3, '543', 'Champions'],
      ['c02', 5, 1, 1, '511', 'New'],
      ['c03', 3, 2, 4, '324', 'About to sleep'],
      ['c04', 3, 4, 3, '343', 'Loyal'],
      ['c05', 1, 1, 5, '115', 'Lost'],
      ['c06', 2, 2, 2, '222', 'Hibernating'],
      ['c07', 4, 5, 1, '451', 'Loyal'],
      ['c08', 2, 1, 2, '212', 'Hibernating'],
      ['c09', 3, 2, 2, '322', 'About to sleep'],
      ['c10', 1, 2, 5, '125', 'Lost']
    ]);
  });

  it('counts distinct purchase days without an order id', async () => {
    // Days: c01 2, c06 1 (two orders on one day), the rest as orders. Ranks: four 1s rank 1 → 1,
    // four 2s rank 5 → 3, c04's 3 rank 9 → 5, c07's 4 rank 10 → 5.
    const rows = await dbs.db.rows(String(rfmQuery({ ...BASE, orderId: undefined })));
    expect(pick(rows, 'frequency', 'f_score')).toEqual([
      ['c01', 2, 3],
      ['c02', 1, 1],
      ['c03', 2, 3],
      ['c04', 3, 5],
      ['c05', 1, 1],
      ['c06', 1, 1],
      ['c07', 4, 5],
      ['c08', 1, 1],
      ['c09', 2, 3],
      ['c10', 2, 3]
    ]);
  });

  it('takes the mean per order as monetary value', async () => {
    const rows = await dbs.db.rows(String(rfmQuery({ ...BASE, monetary: 'mean_per_order' })));
    // Ranked: 10 c07 1, 20 c02 2, 25 c09 3, 40 c06 4, 60 c01 = c04 5, 80 c08 7, 150 c03 8, 500 c05 9, 1000 c10 10.
    expect(pick(rows, 'monetary', 'revenue', 'm_score')).toEqual([
      ['c01', 60, 180, 3],
      ['c02', 20, 20, 1],
      ['c03', 150, 300, 4],
      ['c04', 60, 180, 3],
      ['c05', 500, 500, 5],
      ['c06', 40, 80, 2],
      ['c07', 10, 40, 1],
      ['c08', 80, 80, 4],
      ['c09', 25, 50, 2],
      ['c10', 1000, 2000, 5]
    ]);
  });

  it('scores by breakpoints', async () => {
    const scoring = { kind: 'breakpoints', recency: [7, 30, 90, 180], frequency: [2, 3, 4, 5], monetary: [50, 100, 250, 1000] } as const;
    const rows = await dbs.db.rows(String(rfmQuery({ ...BASE, scoring })));
    // Recency 16 ≤ 30 → 4, 31 ≤ 90 → 3, 113 ≤ 180 → 2, 244 → 1; frequency 1 → 1 … 4 → 4; monetary 50 → 2, 1000+ → 5.
    expect(pick(rows, 'r_score', 'f_score', 'm_score')).toEqual([
      ['c01', 5, 3, 3],
      ['c02', 5, 1, 1],
      ['c03', 4, 2, 4],
      ['c04', 4, 3, 3],
      ['c05', 1, 1, 4],
      ['c06', 2, 2, 2],
      ['c07', 5, 4, 1],
      ['c08', 3, 1, 2],
      ['c09', 4, 2, 2],
      ['c10', 1, 2, 5]
    ]);
  });

  it('scores a lone customer 1 and one purchase after the reference date away', async () => {
    const rows = await dbs.db.rows(String(rfmQuery({ ...BASE, referenceDate: '2022-12-31' })));
    expect(rows).toEqual([
      expect.objectContaining({ [COL.key]: 'c10', recency_days: 0, frequency: 1, monetary: 1000, r_score: 1, f_score: 1, m_score: 1, segment: 'Lost' })
    ]);
  });

  it('uses an edited segment map, first matching rule first, NULL where none matches', async () => {
    const segments = [
      { name: "Top's", r: [4, 5], f: [1, 5] },
      { name: 'Rest "R"', r: [1, 5], f: [2, 5] }
    ] as const;
    const rows = await dbs.db.rows(String(rfmQuery({ ...BASE, segments })));
    expect(pick(rows, 'segment')).toEqual([
      ['c01', "Top's"],
      ['c02', "Top's"],
      ['c03', 'Rest "R"'],
      ['c04', 'Rest "R"'],
      ['c05', null],
      ['c06', 'Rest "R"'],
      ['c07', "Top's"],
      ['c08', null],
      ['c09', 'Rest "R"'],
      ['c10', 'Rest "R"']
    ]);
  });

  it('names segments in German with the German map', async () => {
    const rows = await dbs.db.rows(String(rfmQuery({ ...BASE, segments: defaultRfmSegments('de') })));
    expect(pick(rows, 'segment').slice(0, 5)).toEqual([
      ['c01', 'Champions'],
      ['c02', 'Neukunden'],
      ['c03', 'Drohen einzuschlafen'],
      ['c04', 'Treue Kunden'],
      ['c05', 'Verloren']
    ]);
  });

  it('returns the same rows in DuckDB-WASM and in native DuckDB with 4 threads', async () => {
    const text = String(rfmQuery({ ...BASE, margin: COL.margin, monetary: 'mean_per_order' }));
    expect(await dbs.native.rows(text)).toEqual(await dbs.db.rows(text));
  });

  it('rejects invalid settings with a message naming them', () => {
    expect(() => rfmQuery({ ...BASE, referenceDate: '2024-02-30' })).toThrow(/reference date/);
    expect(() => rfmQuery({ ...BASE, scoring: { kind: 'breakpoints', recency: [1, 2, 3], frequency: [1, 2, 3, 4], monetary: [1, 2, 3, 4] } })).toThrow(
      /recency breakpoints/
    );
    expect(() => rfmQuery({ ...BASE, scoring: { kind: 'breakpoints', recency: [1, 2, 3, 4], frequency: [1, 3, 2, 4], monetary: [1, 2, 3, 4] } })).toThrow(
      /frequency breakpoints/
    );
    expect(() => rfmQuery({ ...BASE, segments: [{ name: 'X', r: [0, 5], f: [1, 5] }] })).toThrow(/segment 1 \("X"\), r/);
    expect(() => rfmQuery({ ...BASE, segments: [{ name: 'X', r: [1, 5], f: [4, 2] }] })).toThrow(/, f:/);
    expect(() => rfmQuery({ ...BASE, key: 'segment' })).toThrow(/output column/);
  });

  it('quotes hostile names so they cannot inject SQL', async () => {
    const evil = `x"; DROP TABLE ${id(TABLE)}; --`;
    await expect(dbs.db.rows(String(rfmQuery({ ...BASE, amount: evil })))).rejects.toThrow(/not found|Referenced column/i);
    expect(await dbs.db.rows(`SELECT count(*) AS n FROM ${id(TABLE)}`)).toEqual([{ n: ROWS.length }]);
  });
});

describe('DEFAULT_RFM_SEGMENTS', () => {
  it('maps every one of the 25 R×F cells to exactly one of the 11 segments', () => {
    const cells = rfmSegmentCoverage(DEFAULT_RFM_SEGMENTS);
    expect(cells).toHaveLength(25);
    for (const c of cells) expect(c.segments, `r ${c.r} f ${c.f}`).toHaveLength(1);
    expect(new Set(cells.map((c) => c.segments[0])).size).toBe(11);
    expect(cells.find((c) => c.r === 5 && c.f === 5)!.segments).toEqual(['Champions']);
    expect(cells.find((c) => c.r === 1 && c.f === 1)!.segments).toEqual(['Lost']);
    expect(cells.find((c) => c.r === 1 && c.f === 5)!.segments).toEqual(["Can't lose them"]);
  });

  it('has a German name for each segment, all different', () => {
    const de = defaultRfmSegments('de').map((s) => s.name);
    expect(de).toEqual(DEFAULT_RFM_SEGMENTS.map((s) => RFM_SEGMENT_LABELS.de[s.name as keyof typeof RFM_SEGMENT_LABELS.de]));
    expect(new Set(de).size).toBe(11);
  });

  it('reports gaps and overlaps of an edited map', () => {
    const cells = rfmSegmentCoverage([
      { name: 'A', r: [3, 5], f: [1, 5] },
      { name: 'B', r: [1, 3], f: [3, 5] }
    ]);
    expect(cells.filter((c) => c.segments.length === 0).map((c) => [c.r, c.f])).toEqual([
      [2, 1],
      [2, 2],
      [1, 1],
      [1, 2]
    ]);
    expect(cells.filter((c) => c.segments.length === 2).map((c) => [c.r, c.f])).toEqual([
      [3, 3],
      [3, 4],
      [3, 5]
    ]);
  });
});

describe('rfmGridQuery / rfmSegmentSummaryQuery', () => {
  beforeAll(async () => {
    await dbs.db.exec(`CREATE OR REPLACE VIEW "rfm 'v'" AS ${rfmQuery(BASE)}`);
  });

  it('lists all 25 cells with counts, shares and mean monetary', async () => {
    const rows = await dbs.db.rows<RfmGridRow>(String(rfmGridQuery({ rfm: "rfm 'v'" })));
    expect(rows).toHaveLength(25);
    expect(rows.slice(0, 5).map((r) => [r.r_score, r.f_score])).toEqual([
      [5, 1],
      [5, 2],
      [5, 3],
      [5, 4],
      [5, 5]
    ]);
    expect(rows.reduce((s, r) => s + r.customers, 0)).toBe(10);
    const cell = (r: number, f: number) => rows.find((x) => x.r_score === r && x.f_score === f)!;
    // r 1 f 2: c10 (2000); r 2 f 1: c08 (80); r 3 f 2: c03 (300), c09 (50).
    expect(cell(3, 2)).toEqual({ r_score: 3, f_score: 2, customers: 2, share: 0.2, mean_monetary: 175, mean_recency_days: 21, segment: 'About to sleep' });
    expect(cell(1, 2)).toMatchObject({ customers: 1, mean_monetary: 2000, segment: 'Lost' });
    expect(cell(5, 5)).toEqual({ r_score: 5, f_score: 5, customers: 0, share: 0, mean_monetary: null, mean_recency_days: null, segment: null });
  });

  it('summarises every segment of the map in its order', async () => {
    const rows = await dbs.db.rows<RfmSegmentSummaryRow>(String(rfmSegmentSummaryQuery({ rfm: "rfm 'v'" })));
    const sizes: Record<string, number> = { Champions: 1, Loyal: 2, New: 1, 'About to sleep': 2, Hibernating: 2, Lost: 2 };
    expect(rows.map((r) => [r.segment, r.position, r.customers])).toEqual(DEFAULT_RFM_SEGMENTS.map((s, i) => [s.name, i, sizes[s.name] ?? 0]));
    // Total revenue 3430. Lost: c05 500 + c10 2000.
    expect(rows.find((r) => r.segment === 'Lost')).toEqual({
      segment: 'Lost',
      position: 10,
      customers: 2,
      share: 0.2,
      total_monetary: 2500,
      mean_monetary: 1250,
      total_revenue: 2500,
      revenue_share: 2500 / 3430,
      mean_recency_days: (244 + 381) / 2,
      mean_frequency: 1.5
    });
    expect(rows.find((r) => r.segment === 'Promising')).toMatchObject({ customers: 0, share: 0, total_monetary: 0, mean_monetary: null });
  });

  it('lists segments outside the map after it, and customers without a segment last', async () => {
    await dbs.db.exec(`CREATE OR REPLACE VIEW rfm_edit AS ${rfmQuery({ ...BASE, segments: [{ name: 'Z', r: [4, 5], f: [1, 5] }, { name: 'A', r: [1, 3], f: [3, 5] }] })}`);
    const rows = await dbs.db.rows<RfmSegmentSummaryRow>(String(rfmSegmentSummaryQuery({ rfm: 'rfm_edit', segments: [{ name: 'A', r: [1, 3], f: [3, 5] }] })));
    expect(rows.map((r) => [r.segment, r.position, r.customers])).toEqual([
      ['A', 0, 1],
      ['Z', null, 3],
      [null, null, 6]
    ]);
  });
});

describe('rfmQuery on the Online Retail data', () => {
  const ref = retailReference.rfm;
  /** Sums are exact decimals on both sides; only the conversion to DOUBLE rounds. */
  const REL = 1e-12;
  const close = (got: number, want: number, what: string) => expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(REL * Math.abs(want));
  const config: RfmConfig = {
    table: 'retail_clean',
    key: 'CustomerID',
    date: 'InvoiceDate',
    amount: 'amount',
    orderId: 'InvoiceNo',
    referenceDate: ref.referenceDate,
    monetary: 'sum',
    scoring: { kind: 'quintiles' }
  };
  const tally = (rows: Row[], col: string) => {
    const out: Record<string, number> = {};
    for (const r of rows) out[String(r[col])] = (out[String(r[col])] ?? 0) + 1;
    return out;
  };
  let rows: Row[];

  beforeAll(async () => {
    await loadRetail(dbs.engine);
    await dbs.db.exec(`CREATE VIEW retail_rfm AS ${rfmQuery(config)}`);
    rows = await dbs.db.rows('SELECT * FROM retail_rfm');
  }, 60_000);

  it('matches pandas: customers, totals and score counts exactly', () => {
    expect(rows.length).toBe(ref.customers);
    close(rows.reduce((s, r) => s + (r.revenue as number), 0), ref.totals.revenue, 'revenue');
    expect(rows.reduce((s, r) => s + (r.frequency as number), 0)).toBe(ref.totals.orders);
    expect(rows.reduce((s, r) => s + (r.recency_days as number), 0)).toBe(ref.totals.recencyDays);
    expect(tally(rows, 'r_score')).toEqual(ref.scoreCounts.r);
    expect(tally(rows, 'f_score')).toEqual(ref.scoreCounts.f);
    expect(tally(rows, 'm_score')).toEqual(ref.scoreCounts.m);
    const cells = tally(
      rows.map((r) => ({ rf: `${r.r_score}${r.f_score}` })),
      'rf'
    );
    expect(cells).toEqual(ref.cellCounts);
  });

  it('matches pandas for sample customers', () => {
    for (const want of ref.sample) {
      const got = rows.find((r) => r.CustomerID === want.customer)!;
      expect([got.first_purchase, got.last_purchase, got.recency_days, got.frequency, [got.r_score, got.f_score, got.m_score], got.segment], want.customer).toEqual([
        want.first,
        want.last,
        want.recencyDays,
        want.orders,
        want.scores,
        want.segment
      ]);
      close(got.monetary as number, want.revenue, `${want.customer} monetary`);
    }
  });

  it('matches pandas for the segment summary', async () => {
    const summary = await dbs.db.rows<RfmSegmentSummaryRow>(String(rfmSegmentSummaryQuery({ rfm: 'retail_rfm' })));
    for (const s of summary) {
      const want = ref.segments[s.segment!] ?? { customers: 0, revenue: 0 };
      expect(s.customers, s.segment!).toBe(want.customers);
      close(s.total_revenue, want.revenue, `${s.segment} revenue`);
      if (want.customers) close(s.mean_recency_days!, want.meanRecencyDays, `${s.segment} recency`);
    }
    expect(summary.reduce((n, s) => n + s.customers, 0)).toBe(ref.customers);
  });

  it('matches pandas with distinct days as frequency and the mean per order as monetary value', async () => {
    const other = await dbs.db.rows(String(rfmQuery({ ...config, orderId: undefined, monetary: 'mean_per_order' })));
    expect(other.reduce((s, r) => s + (r.frequency as number), 0)).toBe(ref.totals.days);
    expect(tally(other, 'f_score')).toEqual(ref.scoreCounts.fDays);
    const perOrder = await dbs.db.rows(String(rfmQuery({ ...config, monetary: 'mean_per_order' })));
    expect(tally(perOrder, 'm_score')).toEqual(ref.scoreCounts.mMeanPerOrder);
    for (const want of ref.sample) close(perOrder.find((r) => r.CustomerID === want.customer)!.monetary as number, want.meanPerOrder, want.customer);
  });
});
