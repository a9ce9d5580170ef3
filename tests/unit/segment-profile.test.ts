import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryResult, profileResult, upsetResult, type KpiProfile } from '../../src/lib/analysis/segment-profile';
import { meanInterval, ratioInterval, tCritical, wilsonInterval, type Estimate } from '../../src/lib/analysis/stats';
import type { Db } from '../../src/lib/engine/db';
import { NativeDb } from '../../src/lib/engine/db-native';
import { DEFAULT_GUARDS, type Kpi } from '../../src/lib/notebook/model';
import { categoryQuery, overlapQuery, profileQuery, sampleQuery, transitionQuery, upsetQuery } from '../../src/lib/sql/segment-profile';
import { openTestDb } from './helpers/db';
import { dataset } from './helpers/datasets';

/** Hostile names: quotes, umlauts, spaces, dots, a currency sign. */
const BASE = 'Kunden "Ä" 1';
const KEY = 'Kunden-Nr.';
const COL = {
  revenue: 'Umsatz €',
  orders: 'Bestellungen',
  converted: 'Konvertiert?',
  newsletter: 'News "letter"',
  storno: 'Storno',
  region: 'Region "X"',
  cost: 'Kosten'
};

/** Eight customers, with the expected answers worked out by hand in the tests below. */
const CUSTOMERS: [string, number | null, number, boolean | null, number | null, string | null, number][] = [
  // key, revenue, orders, converted, newsletter, region, cost
  ['K1', 100, 2, true, 1, 'Nord', 50],
  ['K2', 200, 4, false, 0, 'Nord', 80],
  ['K3', null, 1, true, 1, 'Süd', 10],
  ['K4', 50, 1, null, 1, "O'st", 20],
  ['K5', 300, 3, false, 0, 'Süd', 100],
  ['K6', 0, 0, false, 0, null, 0],
  ["K'7", 150, 5, true, 1, 'Nord', 60],
  ['K8', 80, 2, false, null, "O'st", 40]
];

const TOP = 'Top "A"';
const SINGLE = "B's";
const REST = 'Rest ü';
const EXCLUSIVE: Record<string, string[]> = { [TOP]: ['K1', 'K2', 'K5', "K'7"], [SINGLE]: ['K3'], [REST]: ['K4', 'K6', 'K8'] };

const NORTH = 'Nord-Kunden';
const BIG = 'Umsatz ≥ 100';
const CONV = "Konvertiert's";
const OVERLAPPING: Record<string, string[]> = { [NORTH]: ['K1', 'K2', "K'7"], [BIG]: ['K1', 'K2', 'K5', "K'7"], [CONV]: ['K1', 'K3', "K'7"] };

const q = (s: string | null) => (s === null ? 'NULL' : `'${s.replaceAll("'", "''")}'`);
const id = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** A members view as a segment cell makes it: key, segment, tags and the entity's other columns. */
function membersSql(name: string, segments: Record<string, string[]>): string {
  const pairs = Object.entries(segments).flatMap(([s, keys]) => keys.map((k) => `(${q(k)}, ${q(s)})`));
  return `CREATE OR REPLACE VIEW ${id(name)} AS
    SELECT c.${id(KEY)}, m.segment, 'crm' AS tags, c.* EXCLUDE (${id(KEY)})
    FROM (VALUES ${pairs.join(', ')}) m(k, segment) JOIN ${id(BASE)} c ON c.${id(KEY)} = m.k`;
}

async function create(target: Db): Promise<void> {
  const values = CUSTOMERS.map(
    ([k, rev, ord, conv, nl, reg, cost]) => `(${q(k)}, ${rev ?? 'NULL'}, ${ord}, ${conv ?? 'NULL'}, ${nl ?? 'NULL'}, 0, ${q(reg)}, ${cost})`
  );
  await target.exec(`CREATE OR REPLACE TABLE ${id(BASE)} AS SELECT
      k AS ${id(KEY)}, CAST(rev AS DOUBLE) AS ${id(COL.revenue)}, CAST(ord AS INTEGER) AS ${id(COL.orders)},
      CAST(conv AS BOOLEAN) AS ${id(COL.converted)}, CAST(nl AS INTEGER) AS ${id(COL.newsletter)}, CAST(st AS TINYINT) AS ${id(COL.storno)},
      reg AS ${id(COL.region)}, CAST(cost AS DECIMAL(10,2)) AS ${id(COL.cost)}
    FROM (VALUES ${values.join(', ')}) t(k, rev, ord, conv, nl, st, reg, cost)`);
  await target.exec(membersSql('Segmente "excl"', EXCLUSIVE));
  await target.exec(membersSql('Segmente "overlap"', OVERLAPPING));
}

let db: Db;
let native: NativeDb;

beforeAll(async () => {
  [db, native] = await Promise.all([openTestDb(), NativeDb.open({ threads: 4 })]);
  await Promise.all([create(db), create(native)]);
});

afterAll(async () => {
  await native?.close();
});

const KPIS: Kpi[] = [
  { label: 'Conversion', kind: 'rate', column: COL.converted },
  { label: 'Newsletter', kind: 'rate', column: COL.newsletter },
  { label: 'Storno', kind: 'rate', column: COL.storno },
  { label: 'Ø Umsatz', kind: 'mean', column: COL.revenue },
  { label: 'Umsatz', kind: 'sum', column: COL.revenue },
  { label: 'Warenkorb', kind: 'ratio', column: COL.revenue, denominator: COL.orders },
  { label: 'ROI', kind: 'roi', column: COL.revenue, denominator: COL.cost }
];
const GUARDS = { ...DEFAULT_GUARDS, minSize: 2, minShare: 0.2, maxCiMargin: 0.5 };

/** Plain sums of values, for the stats functions (already checked against SciPy in stats.test.ts). */
function moments(values: number[]) {
  return { n: values.length, sum: values.reduce((s, v) => s + v, 0), sumSq: values.reduce((s, v) => s + v * v, 0) };
}

function ratioSums(a: number[], b: number[]) {
  const t = (xs: number[]) => xs.reduce((s, v) => s + v, 0);
  return { n: a.length, sumA: t(a), sumB: t(b), sumA2: t(a.map((v) => v * v)), sumB2: t(b.map((v) => v * v)), sumAB: t(a.map((v, i) => v * b[i])) };
}

function expectEstimate(k: KpiProfile, e: Estimate | null, what: string): void {
  if (!e) {
    expect(k.estimate, what).toBeNull();
    return;
  }
  expect(k.estimate!, what).toBeCloseTo(e.value, 10);
  for (const [got, want] of [
    [k.low!, e.low],
    [k.high!, e.high]
  ]) {
    if (Number.isFinite(want)) expect(Math.abs(got - want) / Math.max(1, Math.abs(want)), what).toBeLessThan(1e-12);
    else expect(got, what).toBe(want);
  }
}

describe('profileQuery / profileResult', () => {
  it('computes sizes, shares, values, intervals and indexes that match the hand-worked answers', async () => {
    const rows = await db.rows(profileQuery({ members: 'Segmente "excl"', base: BASE, kpis: KPIS }));
    expect(rows.map((r) => [r.segment, r.is_base, r.size])).toEqual([
      [SINGLE, false, 1],
      [REST, false, 3],
      [TOP, false, 4],
      [null, true, 8]
    ]);
    const result = profileResult(rows, KPIS, GUARDS, 0.95, [TOP, SINGLE, REST, 'Leer']);
    expect(result.segments.map((s) => [s.segment, s.size, s.share, s.warnings])).toEqual([
      [TOP, 4, 0.5, []],
      [SINGLE, 1, 0.125, ['too_small', 'too_small_share']],
      [REST, 3, 0.375, []],
      ['Leer', 0, 0, ['too_small', 'too_small_share']]
    ]);
    expect(result.base.size).toBe(8);
    const [top, single, rest, empty] = result.segments;
    const kpi = (s: typeof top, label: string) => s.kpis.find((k) => k.label === label)!;

    // Conversion: base 3 of 7 non-NULL (K4 is NULL); top 2/4, B's 1/1, rest 0/2.
    const conv = kpi(top, 'Conversion');
    expect([conv.n, conv.value, conv.baseValue]).toEqual([4, 0.5, 3 / 7]);
    expect(conv.index).toBeCloseTo((0.5 / (3 / 7)) * 100, 10);
    expectEstimate(conv, wilsonInterval(2, 4), 'conversion top');
    expect(kpi(single, 'Conversion').value).toBe(1);
    expect(kpi(rest, 'Conversion')).toMatchObject({ n: 2, value: 0, low: 0, index: 0, warnings: ['wide_interval'] });
    expect(result.base.kpis[0]).toMatchObject({ n: 7, value: 3 / 7, index: 100 });

    // Newsletter is an INTEGER 0/1 column: base 4 of 7 (K8 NULL); top K1, K'7 of 4.
    expect(kpi(top, 'Newsletter')).toMatchObject({ n: 4, value: 0.5, baseValue: 4 / 7 });

    // Storno is 0 everywhere: a base rate of 0 has no index, and its Wilson interval starts at 0.
    const storno = kpi(top, 'Storno');
    expect(storno).toMatchObject({ value: 0, baseValue: 0, index: null, low: 0, margin: Infinity, warnings: ['wide_interval'] });
    expectEstimate(storno, wilsonInterval(0, 4), 'storno');

    // Mean revenue: NULL (K3) ignored; B's has only K3, so no value.
    const mean = kpi(top, 'Ø Umsatz');
    expect([mean.n, mean.value]).toEqual([4, 187.5]);
    expect(mean.baseValue).toBeCloseTo(880 / 7, 12);
    expectEstimate(mean, meanInterval(moments([100, 200, 300, 150])), 'mean top');
    // Top: s² = 21875 / 3, half-width = t(3) · s / 2.
    expect(mean.high! - mean.value!).toBeCloseTo((tCritical(0.95, 3) * Math.sqrt(21875 / 3)) / 2, 9);
    expect(kpi(single, 'Ø Umsatz')).toMatchObject({ n: 0, value: null, estimate: null, index: null, margin: null, warnings: [] });

    // Sum of revenue: NULL counts 0, so the mean is per entity (base 880 / 8 = 110).
    const sum = kpi(top, 'Umsatz');
    expect([sum.n, sum.value, sum.estimate]).toEqual([4, 750, 187.5]);
    // Sums are exact multiples of 2⁻⁹⁴ of the base's range (300 here), so 880 may come back as 880 − 1 ulp.
    expect(sum.baseValue).toBeCloseTo(880, 12);
    expect(sum.baseEstimate).toBeCloseTo(110, 12);
    expect(sum.shareOfTotal).toBeCloseTo(750 / 880, 12);
    expect(sum.index).toBeCloseTo((187.5 / 110) * 100, 10);
    // B's: one entity with revenue 0: a total of 0, an unbounded interval, infinitely wide.
    expect(kpi(single, 'Umsatz')).toMatchObject({ n: 1, value: 0, shareOfTotal: 0, estimate: 0, low: -Infinity, high: Infinity, warnings: ['wide_interval'] });
    expect(kpi(rest, 'Umsatz')).toMatchObject({ n: 3, value: 130 });

    // Average order value: rows with both columns (K3 has no revenue): base 880 / 17, top 750 / 14.
    const ratio = kpi(top, 'Warenkorb');
    expect(ratio.value).toBeCloseTo(750 / 14, 12);
    expect(ratio.baseValue).toBeCloseTo(880 / 17, 12);
    expectEstimate(ratio, ratioInterval(ratioSums([100, 200, 300, 150], [2, 4, 3, 5])), 'ratio top');
    expect(kpi(single, 'Warenkorb')).toMatchObject({ n: 0, value: null });

    // ROI: (Σrevenue − Σcost) / Σcost; base (880 − 350) / 350, top (750 − 290) / 290.
    const roi = kpi(top, 'ROI');
    expect(roi.value).toBeCloseTo(460 / 290, 12);
    expect(roi.baseValue).toBeCloseTo(530 / 350, 12);
    const r = ratioInterval(ratioSums([100, 200, 300, 150], [50, 80, 100, 60]))!;
    expectEstimate(roi, { value: r.value - 1, low: r.low - 1, high: r.high - 1 }, 'roi top');
    expect(roi.index).toBeCloseTo((460 / 290 / (530 / 350)) * 100, 10);

    // A segment named in the order but without rows has no figures.
    expect(empty.kpis.every((k) => k.value === null && k.n === 0)).toBe(true);
  });

  it('returns the same rows in DuckDB-WASM and in native DuckDB with 4 threads', async () => {
    const text = profileQuery({ members: 'Segmente "excl"', base: BASE, kpis: KPIS });
    expect(await native.rows(text)).toEqual(await db.rows(text));
  });

  it('sums 200,000 distinct doubles to the same bits on 4 threads and on one', async () => {
    const table = `CREATE OR REPLACE TABLE gross AS SELECT 'k' || range AS id, 'g' || (range % 7) AS segment,
      (hash(range) % 3000) / 7.3 * CASE WHEN range % 3 = 0 THEN -1e-3 ELSE 1e5 END AS x, (hash(range) % 5) + 1 AS y FROM range(200000)`;
    await Promise.all([db.exec(table), native.exec(table)]);
    const kpis: Kpi[] = [
      { label: 'mean', kind: 'mean', column: 'x' },
      { label: 'ratio', kind: 'ratio', column: 'x', denominator: 'y' }
    ];
    const text = profileQuery({ members: 'gross', base: 'gross', kpis });
    const wasm = await db.rows(text);
    for (let run = 0; run < 3; run++) expect(await native.rows(text)).toEqual(wasm);
  });

  it('keeps the interval of a large mean with a small spread', async () => {
    await db.exec(`CREATE OR REPLACE TABLE big AS SELECT 'k' || range AS id, 'all' AS segment, 1e9 + (range % 7) * 0.125 + (range % 3) * 0.01 AS v FROM range(300)`);
    const kpis: Kpi[] = [{ label: 'v', kind: 'mean', column: 'v' }];
    const rows = await db.rows(profileQuery({ members: 'big', base: 'big', kpis }));
    // Two-pass reference on the exact differences from the first value (Sterbenz: v − v₀ is exact here).
    const values = (await db.rows<{ v: number }>('SELECT v FROM big')).map((r) => r.v - 1e9);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
    const half = tCritical(0.95, values.length - 1) * Math.sqrt(variance / values.length);
    const k = profileResult(rows, kpis, DEFAULT_GUARDS).segments[0].kpis[0];
    // Bounds near 1e9 are only resolved to 1 ulp (1.2e-7), 4e-6 of the half-width of 0.028; plain
    // sums of squares (3e20) would lose the variance of 0.06 entirely.
    const ulp = 2 ** -23;
    expect(Math.abs(k.low! - (1e9 + mean - half))).toBeLessThanOrEqual(2 * ulp);
    expect(Math.abs(k.high! - (1e9 + mean + half))).toBeLessThanOrEqual(2 * ulp);
  });

  it('returns sizes alone when there are no KPIs', async () => {
    const rows = await db.rows(profileQuery({ members: 'Segmente "overlap"', base: BASE, kpis: [] }));
    expect(rows).toEqual([
      { segment: CONV, is_base: false, size: 3 },
      { segment: NORTH, is_base: false, size: 3 },
      { segment: BIG, is_base: false, size: 4 },
      { segment: null, is_base: true, size: 8 }
    ]);
    expect(profileResult(rows, [], GUARDS).segments.map((s) => s.share)).toEqual([3 / 8, 3 / 8, 0.5]);
  });

  it('rejects a ratio without a denominator', () => {
    expect(() => profileQuery({ members: 'm', base: 'b', kpis: [{ label: 'x', kind: 'ratio', column: 'a' }] })).toThrow(/denominator/);
  });

  it('quotes hostile names so they cannot inject SQL', async () => {
    const evil = `x"; DROP TABLE ${id(BASE)}; --`;
    await expect(db.rows(profileQuery({ members: 'Segmente "excl"', base: BASE, kpis: [{ label: 'e', kind: 'mean', column: evil }] }))).rejects.toThrow(
      /not found|Referenced column/i
    );
    expect(await db.rows(`SELECT count(*) AS n FROM ${id(BASE)}`)).toEqual([{ n: 8 }]);
  });
});

describe('profileQuery on the Telco churn data', () => {
  interface RefKpi {
    n: number;
    value: number;
    interval: [number, number];
    index?: number;
    estimate?: number;
    share_of_total?: number;
  }
  type RefProfile = Record<'churn' | 'monthly' | 'total' | 'per_month' | 'roi', RefKpi> & { size: number; share?: number };
  const reference: {
    telco: {
      confidence: number;
      base: RefProfile;
      segments: Record<string, RefProfile>;
      categories: { segment: string; value: string; count: number; share: number; base_share: number; index: number; z: number; p: number }[];
    };
  } = JSON.parse(readFileSync(new URL('../fixtures/reference/stats.json', import.meta.url), 'utf8'));
  const ref = reference.telco;
  const kpis: Kpi[] = [
    { label: 'churn', kind: 'rate', column: 'churned' },
    { label: 'monthly', kind: 'mean', column: 'MonthlyCharges' },
    { label: 'total', kind: 'sum', column: 'TotalCharges' },
    { label: 'per_month', kind: 'ratio', column: 'TotalCharges', denominator: 'tenure' },
    { label: 'roi', kind: 'roi', column: 'TotalCharges', denominator: 'MonthlyCharges' }
  ];
  /** Against pandas/SciPy from the raw rows: the sums differ only in rounding. */
  const REL = 1e-9;
  const close = (got: number | null, want: number, what: string) =>
    expect(Math.abs(got! - want) / Math.max(Math.abs(want), 1e-12), `${what}: ${got} vs ${want}`).toBeLessThan(REL);

  beforeAll(async () => {
    await db.registerBuffer('telco.csv', new Uint8Array(readFileSync(dataset('telco/Telco-Customer-Churn.csv'))));
    await db.exec(`CREATE OR REPLACE TABLE telco AS SELECT * REPLACE (TRY_CAST(trim(TotalCharges) AS DOUBLE) AS TotalCharges), Churn = 'Yes' AS churned
      FROM read_csv(${q(db.filePath('telco.csv'))}, header = true)`);
    await db.exec(`CREATE OR REPLACE VIEW telco_members AS SELECT customerID, Contract AS segment, '' AS tags, * EXCLUDE (customerID) FROM telco`);
  });

  it('matches the pandas/SciPy profile by contract', async () => {
    const rows = await db.rows(profileQuery({ members: 'telco_members', base: 'telco', kpis }));
    const result = profileResult(rows, kpis, DEFAULT_GUARDS, ref.confidence);
    expect(result.base.size).toBe(ref.base.size);
    expect(result.segments.map((s) => s.segment).sort()).toEqual(Object.keys(ref.segments).sort());
    for (const s of result.segments) {
      const want = ref.segments[s.segment];
      expect(s.size).toBe(want.size);
      close(s.share, want.share!, `${s.segment} share`);
      for (const k of s.kpis) {
        const w = want[k.label as keyof RefProfile] as RefKpi;
        const what = `${s.segment} ${k.label}`;
        expect(k.n, what).toBe(w.n);
        close(k.value, w.value, `${what} value`);
        close(k.low, w.interval[0], `${what} low`);
        close(k.high, w.interval[1], `${what} high`);
        close(k.index, w.index!, `${what} index`);
        if (k.kind === 'sum') {
          close(k.estimate, w.estimate!, `${what} estimate`);
          close(k.shareOfTotal, w.share_of_total!, `${what} share of total`);
        }
      }
    }
    for (const k of result.base.kpis) close(k.value, (ref.base[k.label as keyof RefProfile] as RefKpi).value, `base ${k.label}`);
  });

  it('matches the PaymentMethod mix, index and z test per contract', async () => {
    const result = categoryResult(await db.rows(categoryQuery({ members: 'telco_members', base: 'telco', column: 'PaymentMethod' })));
    expect(result.length).toBe(ref.categories.length);
    for (const want of ref.categories) {
      const got = result.find((r) => r.segment === want.segment && r.value === want.value)!;
      const what = `${want.segment} / ${want.value}`;
      expect(got.count, what).toBe(want.count);
      close(got.share, want.share, `${what} share`);
      close(got.baseShare, want.base_share, `${what} base share`);
      close(got.index, want.index, `${what} index`);
      close(got.z, want.z, `${what} z`);
      close(got.p, want.p, `${what} p`);
    }
  });
});

describe('categoryQuery / categoryResult', () => {
  it('lists the top values, then (empty), then the rest pooled as other', async () => {
    const rows = await db.rows(categoryQuery({ members: 'Segmente "excl"', base: BASE, column: COL.region, top: 1 }));
    // Base: Nord 3, Süd 2, O'st 2, NULL 1. Top: Nord 3 (K1, K2, K'7), Süd 1 (K5). Rest: O'st 2 (K4, K8), NULL 1 (K6).
    expect(rows).toEqual([
      { segment: SINGLE, kind: 'value', value: 'Süd', count: 1, size: 1, base_count: 2, base_size: 8 },
      { segment: REST, kind: 'value', value: "O'st", count: 2, size: 3, base_count: 2, base_size: 8 },
      { segment: REST, kind: 'empty', value: null, count: 1, size: 3, base_count: 1, base_size: 8 },
      { segment: TOP, kind: 'value', value: 'Nord', count: 3, size: 4, base_count: 3, base_size: 8 },
      { segment: TOP, kind: 'other', value: null, count: 1, size: 4, base_count: 5, base_size: 8 }
    ]);
    const [, ost] = categoryResult(rows);
    expect(ost).toMatchObject({ share: 2 / 3, baseShare: 0.25 });
    expect(ost.index).toBeCloseTo((2 / 3 / 0.25) * 100, 10);
    // Rest: O'st 2 of 3 against the other 5 entities' 0 of 5: pooled p̄ = 2/8.
    const z = (2 / 3 - 0) / Math.sqrt(0.25 * 0.75 * (1 / 3 + 1 / 5));
    expect(ost.z).toBeCloseTo(z, 12);
  });

  it('breaks ties in count by value and refuses a top below 1', async () => {
    const rows = await db.rows<{ value: string }>(categoryQuery({ members: 'Segmente "overlap"', base: BASE, column: COL.region, top: 2 }));
    // Konvertiert's: Nord 2 (K1, K'7), Süd 1 (K3).
    expect(rows.filter((r) => (r as unknown as { segment: string }).segment === CONV).map((r) => r.value)).toEqual(['Nord', 'Süd']);
    expect(() => categoryQuery({ members: 'm', base: 'b', column: 'c', top: 0 })).toThrow(RangeError);
  });
});

describe('overlapQuery', () => {
  it('counts every ordered pair with sizes and Jaccard', async () => {
    const rows = await db.rows(overlapQuery({ members: 'Segmente "overlap"', key: KEY }));
    const names = [CONV, NORTH, BIG].sort();
    expect(rows.map((r) => [r.segment_a, r.segment_b])).toEqual(names.flatMap((a) => names.map((b) => [a, b])));
    const pair = (a: string, b: string) => rows.find((r) => r.segment_a === a && r.segment_b === b)!;
    expect(pair(NORTH, BIG)).toEqual({ segment_a: NORTH, segment_b: BIG, n_both: 3, size_a: 3, size_b: 4, jaccard: 0.75 });
    expect(pair(BIG, NORTH)).toMatchObject({ n_both: 3, jaccard: 0.75 });
    expect(pair(NORTH, CONV)).toMatchObject({ n_both: 2, jaccard: 0.5 });
    expect(pair(CONV, BIG)).toMatchObject({ n_both: 2, jaccard: 0.4 });
    expect(pair(CONV, CONV)).toMatchObject({ n_both: 3, jaccard: 1 });
  });

  it('gives disjoint segments 0 and leaves NULL keys out', async () => {
    await db.exec(`CREATE OR REPLACE TABLE disjoint AS SELECT * FROM (VALUES ('a', 'S1'), ('b', 'S2'), (NULL, 'S2')) t(k, segment)`);
    const rows = await db.rows(overlapQuery({ members: 'disjoint', key: 'k' }));
    expect(rows.find((r) => r.segment_a === 'S1' && r.segment_b === 'S2')).toMatchObject({ n_both: 0, size_b: 1, jaccard: 0 });
  });
});

describe('upsetQuery / upsetResult', () => {
  it('counts the exact intersections, largest first', async () => {
    const result = upsetResult(await db.rows(upsetQuery({ members: 'Segmente "overlap"', key: KEY })));
    // Sizes: Umsatz ≥ 100 4, then Konvertiert's 3 and Nord-Kunden 3 (ties by name).
    expect(result.sets).toEqual([BIG, CONV, NORTH]);
    expect(result.setSizes).toEqual([4, 3, 3]);
    expect(result.truncated).toBe(false);
    // K1, K'7 in all three; K2 in Nord and Umsatz; K3 only Konvertiert; K5 only Umsatz.
    expect(result.intersections.map((x) => [x.segments, x.count, x.mask])).toEqual([
      [[BIG, CONV, NORTH], 2, 7],
      [[BIG], 1, 1],
      [[CONV], 1, 2],
      [[BIG, NORTH], 1, 5]
    ]);
  });

  it('keeps the largest `max` segments and flags the rest', async () => {
    const result = upsetResult(await db.rows(upsetQuery({ members: 'Segmente "overlap"', key: KEY, max: 2 })));
    expect(result).toMatchObject({ sets: [BIG, CONV], segmentCount: 3, truncated: true });
    // Ties in count go to the lower degree first.
    expect(result.intersections.map((x) => [x.segments, x.count])).toEqual([
      [[BIG], 2],
      [[BIG, CONV], 2],
      [[CONV], 1]
    ]);
    expect(() => upsetQuery({ members: 'm', key: 'k', max: 17 })).toThrow(RangeError);
  });
});

describe('transitionQuery', () => {
  beforeAll(async () => {
    await db.exec(`CREATE OR REPLACE TABLE "vorher ""1""" AS SELECT * FROM (VALUES
      ('K1', ${q(TOP)}), ('K2', ${q(SINGLE)}), ('K3', ${q(SINGLE)}), ('K4', ${q(REST)}), ('K9', ${q(REST)})) t(${id(KEY)}, segment)`);
  });

  it('counts moves, new and gone entities of an exclusive segmentation', async () => {
    const rows = await db.rows(transitionQuery({ members: 'Segmente "excl"', previous: 'vorher "1"', key: KEY }));
    expect(rows.map((r) => [r.from_segment, r.to_segment, r.count])).toEqual([
      ['(new)', REST, 2],
      ['(new)', TOP, 2],
      [SINGLE, SINGLE, 1],
      [SINGLE, TOP, 1],
      [REST, REST, 1],
      [REST, '(gone)', 1],
      [TOP, TOP, 1]
    ]);
    expect(rows.filter((r) => r.is_new).length).toBe(2);
    expect(rows.filter((r) => r.is_gone).length).toBe(1);
  });

  it('takes localised labels as literals and counts every pair of an overlapping membership', async () => {
    await db.exec(`CREATE OR REPLACE TABLE vorher_overlap AS SELECT * FROM (VALUES ('K1', ${q(NORTH)}), ('K1', ${q(BIG)}), ('K2', ${q(BIG)})) t(${id(KEY)}, segment)`);
    const rows = await db.rows(
      transitionQuery({ members: 'Segmente "overlap"', previous: 'vorher_overlap', key: KEY, newLabel: "(neu')", goneLabel: '(weg)' })
    );
    const count = (f: string, t: string) => rows.find((r) => r.from_segment === f && r.to_segment === t)?.count ?? 0;
    // K1 was in Nord and Umsatz and is in all three: 2 × 3 pairs; K2 was in Umsatz and is in Nord and Umsatz.
    expect([count(NORTH, NORTH), count(NORTH, CONV), count(BIG, BIG), count(BIG, NORTH), count(BIG, CONV)]).toEqual([1, 1, 2, 2, 1]);
    // New: K3 (Konvertiert's), K5 (Umsatz), K'7 (all three); nobody is gone.
    expect([count("(neu')", CONV), count("(neu')", BIG), count("(neu')", NORTH)]).toEqual([2, 2, 1]);
    expect(rows.some((r) => r.is_gone)).toBe(false);
  });
});

describe('sampleQuery', () => {
  /** Strata sizes per segment; keys are `<segment>-<i>`. */
  const CASES: Record<string, [string | null, number][]> = {
    proportional: [
      ['x', 90],
      ['y', 10]
    ],
    minimum: [
      ['x', 97],
      ['y', 1],
      ['z', 1],
      [null, 1]
    ],
    tie: [
      ['a', 50],
      ['b', 30],
      ['c', 15],
      ['d', 5]
    ],
    tiny: [['x', 3]]
  };

  beforeAll(async () => {
    const values = Object.entries(CASES).flatMap(([seg, strata]) => {
      let i = 0;
      return strata.flatMap(([s, n]) => Array.from({ length: n }, () => `(${q(`${seg}-${i++}`)}, ${q(seg)}, ${q(s)})`));
    });
    const table = `CREATE OR REPLACE TABLE "Stichprobe ""s""" AS SELECT * FROM (VALUES ${values.join(', ')}) t(${id('Kunde "Nr"')}, segment, ${id("Schicht's")})`;
    await Promise.all([db.exec(table), native.exec(table)]);
  });

  const md5 = (seed: string, key: string) => createHash('md5').update(`${seed}|${key}`).digest('hex');
  const members = 'Stichprobe "s"';
  const key = 'Kunde "Nr"';
  const stratum = "Schicht's";

  it('takes the first keys by md5(seed | key) in each segment, the same in WASM and native DuckDB', async () => {
    const text = sampleQuery({ members, key, perSegment: 4, seed: "s'1" });
    const rows = await db.rows<Record<string, string>>(text);
    expect(await native.rows(text)).toEqual(rows);
    for (const seg of Object.keys(CASES)) {
      const keys = (await db.rows<{ k: string }>(`SELECT ${id(key)} AS k FROM ${id(members)} WHERE segment = ${q(seg)}`)).map((r) => r.k);
      const want = keys.sort((a, b) => (md5("s'1", a) < md5("s'1", b) ? -1 : 1)).slice(0, 4);
      expect(rows.filter((r) => r.segment === seg).map((r) => r[key])).toEqual(want);
    }
    expect(Object.keys(rows[0])).toEqual([key, 'segment', stratum]);
  });

  it('draws another sample for another seed', async () => {
    const a = await db.rows(sampleQuery({ members, key, perSegment: 10, seed: 1 }));
    const b = await db.rows(sampleQuery({ members, key, perSegment: 10, seed: 2 }));
    expect(a).not.toEqual(b);
    expect(await db.rows(sampleQuery({ members, key, perSegment: 10, seed: 1 }))).toEqual(a);
  });

  async function allocation(perSegment: number): Promise<Record<string, Record<string, number>>> {
    const text = sampleQuery({ members, key, perSegment, seed: 'x', stratify: stratum });
    const rows = await db.rows<Record<string, string | null>>(text);
    expect(await native.rows(text)).toEqual(rows);
    const out: Record<string, Record<string, number>> = {};
    for (const r of rows) {
      const s = r[stratum] ?? '(null)';
      out[r.segment!] ??= {};
      out[r.segment!][s] = (out[r.segment!][s] ?? 0) + 1;
    }
    return out;
  }

  it('allocates by largest remainder with at least one per stratum where possible', async () => {
    const alloc = await allocation(10);
    // 90/10 of 10: exactly proportional.
    expect(alloc.proportional).toEqual({ x: 9, y: 1 });
    // 97/1/1/1 of 10: Hamilton gives x 10 (9.7 → 9 + the largest remainder); three strata at 0 get one each from x.
    expect(alloc.minimum).toEqual({ x: 7, y: 1, z: 1, '(null)': 1 });
    // 50/30/15/5 of 10: 5, 3, 1.5, 0.5 → the tied remainder goes to c (ties by value) → 5/3/2/0; d needs 1,
    // taken from c's 2nd unit, the largest (2u − 1)/s = 3/15.
    expect(alloc.tie).toEqual({ a: 5, b: 3, c: 1, d: 1 });
    // A segment smaller than the sample is taken whole.
    expect(alloc.tiny).toEqual({ x: 3 });
  });

  it('allocates proportionally without the minimum when there are more strata than units', async () => {
    const alloc = await allocation(2);
    // tie: 50/30/15/5 of 2 → 1, 0.6, 0.3, 0.1 → a 1, b 1 (largest remainder).
    expect(alloc.tie).toEqual({ a: 1, b: 1 });
    // minimum: 97/1/1/1 of 2 → 1.94 → x 2.
    expect(alloc.minimum).toEqual({ x: 2 });
  });

  it('takes each stratum’s entities in hash order', async () => {
    const rows = await db.rows<Record<string, string>>(sampleQuery({ members, key, perSegment: 10, seed: 'x', stratify: stratum }));
    const chosen = rows.filter((r) => r.segment === 'tie' && r[stratum] === 'a').map((r) => r[key]);
    const all = (await db.rows<{ k: string }>(`SELECT ${id(key)} AS k FROM ${id(members)} WHERE segment = 'tie' AND ${id(stratum)} = 'a'`)).map((r) => r.k);
    expect(chosen.sort()).toEqual(all.sort((a, b) => (md5('x', a) < md5('x', b) ? -1 : 1)).slice(0, 5).sort());
  });

  it('refuses a sample size below 1', () => {
    expect(() => sampleQuery({ members, key, perSegment: 0, seed: 1 })).toThrow(RangeError);
  });
});
