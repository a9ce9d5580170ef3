import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAR_LIMIT, chartOutput, chartQuery, GROUP_LIMIT, SCATTER_LIMIT, SERIES_LIMIT, type ChartColumn } from '../../src/lib/charts/chart-query';
import type { Db } from '../../src/lib/engine/db';
import { NativeDb } from '../../src/lib/engine/db-native';
import { exportCsv } from '../../src/lib/engine/export';
import type { ChartConfig } from '../../src/lib/notebook/model';
import { openTestDb } from './helpers/db';

/** A deterministic little customer table with hostile column names (quotes, spaces, umlauts, dots). */
const N = 600;
const regions = ['Süd', 'Nord', "O'st", 'West', null];
const rows = Array.from({ length: N }, (_, i) => ({
  region: regions[i % 5],
  channel: i % 3 === 0 ? 'Online' : 'Filiale',
  amount: i % 11 === 0 ? null : Math.round(((i * 37) % 1000) * 1.25 * 100) / 100,
  visits: (i * 7) % 23,
  day: `2025-${String((i % 12) + 1).padStart(2, '0')}-01`
}));

const TABLE = 'Kunden "Test"';
const COLS = { region: 'Region "Ä"', channel: 'Kanal.typ', amount: 'Umsatz €', visits: 'Besuche', day: 'Tag' };
const INPUT: ChartColumn[] = [
  { name: COLS.region, type: 'VARCHAR' },
  { name: COLS.channel, type: 'VARCHAR' },
  { name: COLS.amount, type: 'DOUBLE' },
  { name: COLS.visits, type: 'INTEGER' },
  { name: COLS.day, type: 'DATE' }
];

let db: Db;
let native: NativeDb;

const quoted = (s: string | null) => (s === null ? 'NULL' : `'${s.replaceAll("'", "''")}'`);

async function create(target: Db) {
  const values = rows.map((r) => `(${quoted(r.region)}, '${r.channel}', ${r.amount ?? 'NULL'}, ${r.visits}, DATE '${r.day}')`).join(',\n');
  await target.exec(
    `CREATE OR REPLACE TABLE "Kunden ""Test""" AS SELECT "Region ""Ä""", "Kanal.typ", CAST("Umsatz €" AS DOUBLE) AS "Umsatz €", CAST("Besuche" AS INTEGER) AS "Besuche", "Tag" FROM (VALUES ${values}) t("Region ""Ä""", "Kanal.typ", "Umsatz €", "Besuche", "Tag")`
  );
  // 3,000 distinct DOUBLEs in 200,000 rows: a parallel sum of them differs in the last bits from run to run.
  await target.exec(
    `CREATE OR REPLACE TABLE gross AS SELECT 'g' || (range % 7) AS g, (hash(range) % 3000) / 7.3 * CASE WHEN range % 3 = 0 THEN -1e-3 ELSE 1e5 END AS x FROM range(200000)`
  );
}

beforeAll(async () => {
  [db, native] = await Promise.all([openTestDb(), NativeDb.open({ threads: 4 })]);
  await Promise.all([create(db), create(native)]);
});

afterAll(async () => {
  await native?.close();
});

async function run(config: ChartConfig, table = TABLE): Promise<Record<string, unknown>[]> {
  return db.rows(chartQuery(config, table));
}

/** Linear-interpolation quantile (the definition of `quantile_cont`). */
function quantile(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.ceil(h)] ?? sorted[lo]) - sorted[lo]);
}

function groupSum<K>(items: typeof rows, key: (r: (typeof rows)[number]) => K): Map<K, number> {
  const out = new Map<K, number>();
  for (const r of items) out.set(key(r), (out.get(key(r)) ?? 0) + (r.amount ?? 0));
  return out;
}

const amounts = rows.map((r) => r.amount).filter((a): a is number => a !== null);

describe('chartOutput', () => {
  it('names the measure after its aggregate and field', () => {
    expect(chartOutput({ mark: 'bar', x: 'land', y: 'umsatz', aggregate: 'mean' }).measure).toBe('mean_umsatz');
    expect(chartOutput({ mark: 'bar', x: 'land' }).measure).toBe('count');
    expect(chartOutput({ mark: 'heatmap', x: 'a', y: 'b', color: 'umsatz' }).measure).toBe('sum_umsatz');
  });

  it('suffixes a documented name that equals a charted field and drops a field picked twice', () => {
    expect(chartOutput({ mark: 'bar', x: 'count' })).toMatchObject({ x: 'count', measure: 'count_2' });
    expect(chartOutput({ mark: 'bar', x: 'land', color: 'land' }).color).toBeUndefined();
    expect(chartOutput({ mark: 'boxplot', x: 'n', y: 'v' }).stats).toMatchObject({ n: 'n_2', min: 'min' });
    expect(chartOutput({ mark: 'histogram', x: 'v', color: 'count' }).stats.count).toBe('count_2');
  });
});

describe('chartQuery', () => {
  it('sums a measure per bar, largest first, with NULL as its own bar', async () => {
    const out = await run({ mark: 'bar', x: COLS.region, y: COLS.amount, aggregate: 'sum' });
    const expected = groupSum(rows, (r) => r.region);
    expect(out.map((o) => o[COLS.region])).toEqual([...expected.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k));
    for (const o of out) expect(o[`sum_${COLS.amount}`]).toBeCloseTo(expected.get(o[COLS.region] as string | null)!, 6);
    expect(out.map((o) => o[COLS.region])).toContain(null);
  });

  it('keeps the top bars by measure and breaks ties by category', async () => {
    await db.exec(`CREATE OR REPLACE TABLE viele AS SELECT 'k' || lpad(CAST(range % 80 AS VARCHAR), 2, '0') AS k, 1 AS one FROM range(800)`);
    await db.exec(`INSERT INTO viele VALUES ('k79', 1), ('k79', 1), ('k05', 1)`);
    const out = await db.rows<{ k: string; sum_one: number }>(chartQuery({ mark: 'bar', x: 'k', y: 'one' }, 'viele'));
    expect(out).toHaveLength(BAR_LIMIT);
    expect(out.slice(0, 3).map((o) => [o.k, o.sum_one])).toEqual([
      ['k79', 12],
      ['k05', 11],
      ['k00', 10]
    ]);
    expect(out.at(-1)!.k).toBe('k48');
  });

  it('counts rows per category and series', async () => {
    const out = await run({ mark: 'bar', x: COLS.channel, color: COLS.region });
    expect(out).toHaveLength(10);
    expect(out.reduce((s, o) => s + Number(o.count), 0)).toBe(N);
    const cell = out.find((o) => o[COLS.channel] === 'Online' && o[COLS.region] === "O'st")!;
    expect(Number(cell.count)).toBe(rows.filter((r) => r.channel === 'Online' && r.region === "O'st").length);
  });

  it('keeps the most frequent colours only', async () => {
    await db.exec(`CREATE OR REPLACE TABLE farben AS SELECT range % 3 AS x, range % 40 AS c FROM range(4000)`);
    const out = await db.rows<{ c: number }>(chartQuery({ mark: 'bar', x: 'x', color: 'c' }, 'farben'));
    expect(new Set(out.map((o) => o.c)).size).toBe(SERIES_LIMIT);
  });

  it('gives one line point per date in order, dates kept as DATE', async () => {
    const text = chartQuery({ mark: 'line', x: COLS.day, y: COLS.amount, aggregate: 'mean' }, TABLE);
    const out = await db.rows(text);
    expect(out).toHaveLength(12);
    const jan = rows.filter((r) => r.day === '2025-01-01' && r.amount !== null).map((r) => r.amount!);
    expect(out[0][`mean_${COLS.amount}`]).toBeCloseTo(jan.reduce((a, b) => a + b, 0) / jan.length, 6);
    const types = await db.rows<{ column_name: string; column_type: string }>(`DESCRIBE ${text}`);
    expect(types.map((t) => t.column_type)).toEqual(['DATE', 'DOUBLE']);
  });

  it('bins a histogram into equal widths over [min, max] that count every non-null value', async () => {
    const out = await run({ mark: 'histogram', x: COLS.amount, bins: 10 });
    expect(out).toHaveLength(10);
    const lo = Math.min(...amounts);
    const hi = Math.max(...amounts);
    expect(out[0].bin_start).toBeCloseTo(lo, 9);
    expect(out[9].bin_end).toBeCloseTo(hi, 9);
    const width = (hi - lo) / 10;
    const counts = new Array(10).fill(0);
    for (const a of amounts) counts[Math.min(9, Math.floor((a - lo) / width))]++;
    expect(out.map((o) => Number(o.count))).toEqual(counts);
  });

  it('splits histogram bins by colour, empty bins included', async () => {
    const out = await run({ mark: 'histogram', x: COLS.amount, bins: 4, color: COLS.channel });
    expect(out).toHaveLength(8);
    for (const channel of ['Online', 'Filiale']) {
      const n = out.filter((o) => o[COLS.channel] === channel).reduce((s, o) => s + Number(o.count), 0);
      expect(n).toBe(rows.filter((r) => r.channel === channel && r.amount !== null).length);
    }
  });

  it('gives one bin for a constant column', async () => {
    await db.exec(`CREATE OR REPLACE TABLE konst AS SELECT 5.0 AS v FROM range(7)`);
    const out = await db.rows(chartQuery({ mark: 'histogram', x: 'v', bins: 20 }, 'konst'));
    expect(out).toEqual([{ bin_start: 5, bin_end: 6, count: 7 }]);
  });

  it('computes box plots with interpolated quartiles and 1.5 IQR whiskers per group', async () => {
    await db.exec(`CREATE OR REPLACE TABLE ausreisser AS SELECT * FROM (VALUES ('a', 1.0), ('a', 2.0), ('a', 3.0), ('a', 4.0), ('a', 100.0), ('b', -50.0), ('b', 10.0), ('b', 11.0), ('b', 12.5)) t(g, v)`);
    const outliers = await db.rows(chartQuery({ mark: 'boxplot', x: 'g', y: 'v' }, 'ausreisser'));
    expect(outliers).toEqual([
      { g: 'a', n: 5, min: 1, q1: 2, median: 3, q3: 4, max: 100, lower: 1, upper: 4 },
      { g: 'b', n: 4, min: -50, q1: -5, median: 10.5, q3: 11.375, max: 12.5, lower: 10, upper: 12.5 }
    ]);
    const out = await run({ mark: 'boxplot', x: COLS.channel, y: COLS.amount });
    expect(out).toHaveLength(2);
    for (const o of out) {
      const v = rows
        .filter((r) => r.channel === o[COLS.channel] && r.amount !== null)
        .map((r) => r.amount!)
        .sort((a, b) => a - b);
      const q1 = quantile(v, 0.25);
      const q3 = quantile(v, 0.75);
      expect(Number(o.n)).toBe(v.length);
      expect(o.q1).toBeCloseTo(q1, 9);
      expect(o.median).toBeCloseTo(quantile(v, 0.5), 9);
      expect(o.q3).toBeCloseTo(q3, 9);
      expect(o.lower).toBe(v.find((x) => x >= q1 - 1.5 * (q3 - q1)));
      expect(o.upper).toBe([...v].reverse().find((x) => x <= q3 + 1.5 * (q3 - q1)));
    }
  });

  it('counts heatmap cells of two categories', async () => {
    const out = await run({ mark: 'heatmap', x: COLS.region, y: COLS.channel, aggregate: 'count' });
    expect(out).toHaveLength(10);
    expect(out.reduce((s, o) => s + Number(o.count), 0)).toBe(N);
    const cell = out.find((o) => o[COLS.region] === 'Süd' && o[COLS.channel] === 'Online')!;
    expect(Number(cell.count)).toBe(rows.filter((r) => r.region === 'Süd' && r.channel === 'Online').length);
  });

  it('keeps the most frequent heatmap categories per axis', async () => {
    await db.exec(`CREATE OR REPLACE TABLE gitter AS SELECT range % 45 AS a, range % 7 AS b, range AS w FROM range(4500)`);
    const out = await db.rows<{ a: number; b: number; max_w: number }>(chartQuery({ mark: 'heatmap', x: 'a', y: 'b', color: 'w', aggregate: 'max' }, 'gitter'));
    expect(new Set(out.map((o) => o.a)).size).toBe(GROUP_LIMIT);
    expect(out).toHaveLength(GROUP_LIMIT * 7);
    expect(out[0]).toEqual({ a: 0, b: 0, max_w: Math.max(...Array.from({ length: 4500 }, (_, i) => i).filter((i) => i % 45 === 0 && i % 7 === 0)) });
  });

  it('draws every scatter point when few and an even sample of at most the limit when many', async () => {
    const few = await run({ mark: 'scatter', x: COLS.visits, y: COLS.amount });
    expect(few).toHaveLength(amounts.length);
    await db.exec(`CREATE OR REPLACE TABLE punkte AS SELECT range AS x, (range * 7919) % 1000 AS y FROM range(23456)`);
    const many = await db.rows<{ x: number }>(chartQuery({ mark: 'scatter', x: 'x', y: 'y' }, 'punkte'));
    expect(many.length).toBe(Math.ceil(23456 / Math.ceil(23456 / SCATTER_LIMIT)));
    expect(many.length).toBeLessThanOrEqual(SCATTER_LIMIT);
    expect(many.slice(0, 3).map((p) => p.x)).toEqual([0, 5, 10]);
  });

  it('handles a charted field whose name is a documented output name', async () => {
    await db.exec(`CREATE OR REPLACE TABLE namen AS SELECT 'c' || (range % 2) AS "count", range % 3 AS n, range * 1.5 AS "min" FROM range(12)`);
    expect(await db.rows(chartQuery({ mark: 'bar', x: 'count' }, 'namen'))).toEqual([
      { count: 'c0', count_2: 6 },
      { count: 'c1', count_2: 6 }
    ]);
    const box = await db.rows(chartQuery({ mark: 'boxplot', x: 'n', y: 'min' }, 'namen'));
    expect(box.map((b) => [b.n, b.n_2, b.min])).toEqual([
      [0, 4, 0],
      [1, 4, 1.5],
      [2, 4, 3]
    ]);
  });

  it('gives the same rows whether or not the input types are known', async () => {
    const config: ChartConfig = { mark: 'bar', x: COLS.region, y: COLS.visits, aggregate: 'mean', color: COLS.channel };
    expect(chartQuery(config, TABLE, INPUT)).not.toBe(chartQuery(config, TABLE));
    expect(await db.rows(chartQuery(config, TABLE, INPUT))).toEqual(await db.rows(chartQuery(config, TABLE)));
  });

  it('gives byte-identical CSV on DuckDB-WASM and native DuckDB for every mark', async () => {
    const configs: [ChartConfig, string][] = [
      [{ mark: 'bar', x: COLS.region, y: COLS.amount, aggregate: 'sum', color: COLS.channel }, TABLE],
      [{ mark: 'line', x: COLS.day, y: COLS.amount, aggregate: 'median' }, TABLE],
      [{ mark: 'area', x: COLS.day, aggregate: 'count', color: COLS.channel }, TABLE],
      [{ mark: 'scatter', x: COLS.visits, y: COLS.amount, color: COLS.region }, TABLE],
      [{ mark: 'histogram', x: COLS.amount, bins: 17, color: COLS.region }, TABLE],
      [{ mark: 'boxplot', x: COLS.region, y: COLS.amount }, TABLE],
      [{ mark: 'heatmap', x: COLS.region, y: COLS.channel, color: COLS.amount, aggregate: 'max' }, TABLE],
      [{ mark: 'bar', x: 'g', y: 'x', aggregate: 'sum' }, 'gross'],
      [{ mark: 'line', x: 'g', y: 'x', aggregate: 'mean' }, 'gross'],
      [{ mark: 'scatter', x: 'x', y: 'x', color: 'g' }, 'gross']
    ];
    for (const [config, table] of configs) {
      const text = chartQuery(config, table);
      const [a, b] = await Promise.all([exportCsv(db, { sql: text }), exportCsv(native, { sql: text })]);
      expect(Buffer.from(a.bytes).toString(), `${config.mark} ${table}`).toBe(Buffer.from(b.bytes).toString());
      expect(a.rows, config.mark).toBeGreaterThan(0);
    }
  });

  it('quotes field names, so SQL in a name is only a name', async () => {
    const evil = `x" FROM t; DROP TABLE t; --`;
    await db.exec(`CREATE OR REPLACE TABLE t AS SELECT 'a' AS "x"" FROM t; DROP TABLE t; --", 2 AS y UNION ALL SELECT 'b', 3`);
    expect(await db.rows(chartQuery({ mark: 'bar', x: evil, y: 'y' }, 't'))).toEqual([
      { [evil]: 'b', sum_y: 3 },
      { [evil]: 'a', sum_y: 2 }
    ]);
    expect(await db.rows('SELECT count(*) AS n FROM t')).toEqual([{ n: 2 }]);
  });
});
