import { compile, type TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartQuery, measureName, SCATTER_LIMIT } from '../../src/lib/charts/chart-query';
import { chartDefaults, chartSpec, checkChart } from '../../src/lib/charts/chart-spec';
import type { Db } from '../../src/lib/engine/db';
import { NativeDb } from '../../src/lib/engine/db-native';
import { exportCsv } from '../../src/lib/engine/export';
import { CHART_MARKS, type ChartConfig } from '../../src/lib/notebook/model';
import { openTestDb } from './helpers/db';
import { validateVegaLite } from './helpers/vega-lite';

const validate = validateVegaLite;

/** A deterministic little customer table with hostile column names. */
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
const COLS = { region: 'Region "Ä"', channel: 'Kanal', amount: 'Umsatz €', visits: 'Besuche', day: 'Tag' };

let db: Db;
let native: NativeDb;

async function create(target: Db) {
  const values = rows
    .map(
      (r) =>
        `(${r.region === null ? 'NULL' : `'${r.region.replaceAll("'", "''")}'`}, '${r.channel}', ${r.amount ?? 'NULL'}, ${r.visits}, DATE '${r.day}')`
    )
    .join(',\n');
  await target.exec(
    `CREATE OR REPLACE TABLE "Kunden ""Test""" AS SELECT * FROM (VALUES ${values}) t("Region ""Ä""", "Kanal", "Umsatz €", "Besuche", "Tag")`
  );
}

beforeAll(async () => {
  [db, native] = await Promise.all([openTestDb(), NativeDb.open({ threads: 2 })]);
  await Promise.all([create(db), create(native)]);
});

afterAll(async () => {
  await native?.close();
});

async function run(config: ChartConfig): Promise<Record<string, unknown>[]> {
  return db.rows(chartQuery(config, TABLE));
}

/** Linear-interpolation quantile (the definition of `quantile_cont`). */
function quantile(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.ceil(h)] ?? sorted[lo]) - sorted[lo]);
}

const amounts = rows.map((r) => r.amount).filter((a): a is number => a !== null);

describe('chartQuery', () => {
  it('bars: sums per category, largest first, NULL kept as its own bar', async () => {
    const out = await run({ mark: 'bar', x: COLS.region, y: COLS.amount, aggregate: 'sum' });
    const expected = new Map<string | null, number>();
    for (const r of rows) expected.set(r.region, (expected.get(r.region) ?? 0) + (r.amount ?? 0));
    expect(out).toHaveLength(5);
    for (const o of out) expect(o[measureName({ mark: 'bar', y: COLS.amount, aggregate: 'sum' })]).toBeCloseTo(expected.get(o[COLS.region] as string | null)!, 6);
    const sums = out.map((o) => o.sum_Umsatz ?? o['sum_Umsatz €']) as number[];
    expect([...sums].sort((a, b) => b - a)).toEqual(sums);
  });

  it('counts rows per category and series', async () => {
    const out = await run({ mark: 'bar', x: COLS.channel, color: COLS.region });
    const total = out.reduce((s, o) => s + Number(o.count), 0);
    expect(total).toBe(N);
    const online = out.filter((o) => o[COLS.channel] === 'Online').reduce((s, o) => s + Number(o.count), 0);
    expect(online).toBe(rows.filter((r) => r.channel === 'Online').length);
  });

  it('lines: one row per x in order, mean per month', async () => {
    const out = await run({ mark: 'line', x: COLS.day, y: COLS.amount, aggregate: 'mean' });
    expect(out).toHaveLength(12);
    const jan = rows.filter((r) => r.day === '2025-01-01' && r.amount !== null).map((r) => r.amount!);
    expect(out[0]['mean_Umsatz €']).toBeCloseTo(jan.reduce((a, b) => a + b, 0) / jan.length, 6);
  });

  it('histograms: equal-width bins over [min, max] that count every non-null value', async () => {
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

  it('histograms of a constant column give one bin', async () => {
    await db.exec(`CREATE OR REPLACE TABLE konst AS SELECT 5.0 AS v FROM range(7)`);
    const out = await db.rows(chartQuery({ mark: 'histogram', x: 'v', bins: 20 }, 'konst'));
    expect(out).toEqual([{ bin_start: 5, bin_end: 6, count: 7 }]);
  });

  it('box plots: quartiles by linear interpolation and 1.5 IQR whiskers per group', async () => {
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

  it('heatmaps: counts per cell of two categories', async () => {
    const out = await run({ mark: 'heatmap', x: COLS.region, y: COLS.channel, aggregate: 'count' });
    expect(out.reduce((s, o) => s + Number(o.count), 0)).toBe(N);
    const cell = out.find((o) => o[COLS.region] === 'Süd' && o[COLS.channel] === 'Online')!;
    expect(Number(cell.count)).toBe(rows.filter((r) => r.region === 'Süd' && r.channel === 'Online').length);
  });

  it('scatter: every point when few, an even sample of at most the limit when many', async () => {
    const few = await run({ mark: 'scatter', x: COLS.visits, y: COLS.amount });
    expect(few).toHaveLength(amounts.length);
    await db.exec(`CREATE OR REPLACE TABLE punkte AS SELECT range AS x, (range * 7919) % 1000 AS y FROM range(23456)`);
    const many = await db.rows(chartQuery({ mark: 'scatter', x: 'x', y: 'y' }, 'punkte'));
    expect(many.length).toBeLessThanOrEqual(SCATTER_LIMIT);
    expect(many.length).toBeGreaterThan(SCATTER_LIMIT * 0.7);
    expect(many[0].x).toBe(0);
  });

  it('gives byte-identical CSV on DuckDB-WASM and native DuckDB for every mark', async () => {
    const configs: ChartConfig[] = [
      { mark: 'bar', x: COLS.region, y: COLS.amount, aggregate: 'sum', color: COLS.channel },
      { mark: 'line', x: COLS.day, y: COLS.amount, aggregate: 'median' },
      { mark: 'area', x: COLS.day, aggregate: 'count', color: COLS.channel },
      { mark: 'scatter', x: COLS.visits, y: COLS.amount, color: COLS.region },
      { mark: 'histogram', x: COLS.amount, bins: 17 },
      { mark: 'boxplot', x: COLS.region, y: COLS.amount },
      { mark: 'heatmap', x: COLS.region, y: COLS.channel, color: COLS.amount, aggregate: 'max' }
    ];
    for (const config of configs) {
      const text = chartQuery(config, TABLE);
      const [a, b] = await Promise.all([exportCsv(db, { sql: text }), exportCsv(native, { sql: text })]);
      expect(Buffer.from(a.bytes).toString(), config.mark).toBe(Buffer.from(b.bytes).toString());
      expect(a.rows, config.mark).toBeGreaterThan(0);
    }
  });
});

describe('chartSpec', () => {
  const input = [
    { name: COLS.region, type: 'VARCHAR' },
    { name: COLS.channel, type: 'VARCHAR' },
    { name: COLS.amount, type: 'DECIMAL(18,2)' },
    { name: COLS.visits, type: 'BIGINT' },
    { name: COLS.day, type: 'DATE' }
  ];

  it('validates against the Vega-Lite schema and compiles for every mark and locale', async () => {
    for (const mark of CHART_MARKS) {
      const config = chartDefaults(input, mark);
      expect(checkChart(config, input), mark).toBeUndefined();
      const text = chartQuery(config, TABLE);
      const described = await db.rows<{ column_name: string; column_type: string }>(`DESCRIBE ${text}`);
      const columns = described.map((d) => ({ name: d.column_name, type: d.column_type }));
      for (const locale of ['de', 'en'] as const) {
        const spec = chartSpec(config, columns, { locale, title: 'Test' }) as TopLevelSpec & { data: unknown };
        expect(spec.data).toEqual({ name: 'values' });
        const ok = validate(spec);
        expect(validate.errors ?? [], `${mark}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toEqual([]);
        expect(ok).toBe(true);
        expect(() => compile(spec), mark).not.toThrow();
      }
    }
  });

  it('formats numbers the German way for de', () => {
    const spec = chartSpec({ mark: 'bar', x: 'a', y: 'b' }, [{ name: 'a', type: 'VARCHAR' }, { name: 'sum_b', type: 'DOUBLE' }], { locale: 'de' }) as unknown as {
      config: { locale: { number: { decimal: string; thousands: string } } };
    };
    expect(spec.config.locale.number).toMatchObject({ decimal: ',', thousands: '.' });
  });
});

describe('chartDefaults', () => {
  it('picks a chart from the column types', () => {
    expect(chartDefaults([{ name: 'monat', type: 'DATE' }, { name: 'umsatz', type: 'DOUBLE' }])).toEqual({ mark: 'line', x: 'monat', y: 'umsatz', aggregate: 'sum' });
    expect(chartDefaults([{ name: 'land', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }])).toEqual({ mark: 'bar', x: 'land', y: 'n', aggregate: 'sum' });
    expect(chartDefaults([{ name: 'a', type: 'DOUBLE' }, { name: 'b', type: 'INTEGER' }]).mark).toBe('scatter');
    expect(chartDefaults([{ name: 'a', type: 'DOUBLE' }])).toEqual({ mark: 'histogram', x: 'a', bins: 30 });
    expect(chartDefaults([{ name: 'land', type: 'VARCHAR' }])).toEqual({ mark: 'bar', x: 'land', aggregate: 'count' });
  });
});

describe('checkChart', () => {
  const input = [
    { name: 'plz', type: 'VARCHAR' },
    { name: 'umsatz', type: 'DOUBLE' }
  ];

  it('names a missing field', () => {
    expect(checkChart({ mark: 'bar', x: 'ort', y: 'umsatz' }, input)).toBe('Field "ort" (x) is not a column of the input');
  });

  it('refuses a histogram of text and a sum of text', () => {
    expect(checkChart({ mark: 'histogram', x: 'plz' }, input)).toBe('A histogram needs a numeric x field; "plz" is VARCHAR');
    expect(checkChart({ mark: 'bar', x: 'umsatz', y: 'plz', aggregate: 'sum' }, input)).toBe('The sum of "plz" needs a numeric field; it is VARCHAR');
    expect(checkChart({ mark: 'bar', x: 'umsatz', y: 'plz', aggregate: 'distinct' }, input)).toBeUndefined();
  });
});
