import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartQuery } from '../../src/lib/charts/chart-query';
import { chartDefaults, chartSpec, checkChart, NULL_LABEL, type ChartColumn } from '../../src/lib/charts/chart-spec';
import type { Db } from '../../src/lib/engine/db';
import { CHART_MARKS, type ChartConfig } from '../../src/lib/notebook/model';
import { openTestDb } from './helpers/db';
import { validateVegaLite as validate } from './helpers/vega-lite';

const TABLE = 'Umsätze "2025"';
const INPUT: ChartColumn[] = [
  { name: 'Region "Ä"', type: 'VARCHAR' },
  { name: 'Kanal.typ', type: 'VARCHAR' },
  { name: 'Umsatz €', type: 'DECIMAL(18,2)' },
  { name: 'Besuche', type: 'BIGINT' },
  { name: 'Tag', type: 'DATE' },
  { name: 'count', type: 'VARCHAR' }
];

let db: Db;
const tz = process.env.TZ;

beforeAll(async () => {
  db = await openTestDb();
  await db.exec(`CREATE TABLE "Umsätze ""2025""" AS
    SELECT CASE WHEN range % 5 = 0 THEN NULL ELSE ['Süd', 'Nord', 'West'][range % 3 + 1] END AS "Region ""Ä""",
      CASE WHEN range % 2 = 0 THEN 'Online' ELSE 'Filiale' END AS "Kanal.typ",
      CAST(range * 1234.5 AS DECIMAL(18,2)) AS "Umsatz €", range % 9 AS "Besuche",
      DATE '2025-12-01' + CAST(range % 31 AS INTEGER) AS "Tag", 'c' || (range % 4) AS "count"
    FROM range(400)`);
  // Dates are UTC midnights; a browser west of Greenwich must still show the same day.
  process.env.TZ = 'America/New_York';
});

afterAll(() => {
  process.env.TZ = tz;
});

/** The chart's rows from DuckDB and the columns of its result. */
async function chartData(config: ChartConfig): Promise<{ values: Record<string, unknown>[]; columns: ChartColumn[] }> {
  const text = chartQuery(config, TABLE);
  const described = await db.rows<{ column_name: string; column_type: string }>(`DESCRIBE ${text}`);
  const values = (await db.rows(text)).map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, described.find((d) => d.column_name === k)?.column_type === 'DATE' ? new Date(`${String(v)}T00:00:00Z`) : v]))
  );
  return { values, columns: described.map((d) => ({ name: d.column_name, type: d.column_type })) };
}

/** Renders a spec over rows to SVG with Vega in Node. */
async function render(spec: TopLevelSpec, values: Record<string, unknown>[]): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  view.data('values', values);
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

describe('chartSpec', () => {
  it('validates against the Vega-Lite schema, compiles and draws every row for every mark and locale', async () => {
    for (const mark of CHART_MARKS) {
      const config = chartDefaults(INPUT, mark);
      expect(checkChart(config, INPUT), mark).toBeUndefined();
      const { values, columns } = await chartData(config);
      expect(values.length, mark).toBeGreaterThan(0);
      for (const locale of ['de', 'en'] as const) {
        const spec = chartSpec(config, columns, { locale, title: 'Test' });
        expect((spec as { data: unknown }).data).toEqual({ name: 'values' });
        expect(validate(spec), `${mark}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
        const svg = await render(spec, values);
        expect(svg, mark).toContain('<svg');
      }
    }
  });

  it('puts a tooltip on every mark', () => {
    for (const mark of CHART_MARKS) {
      const config = chartDefaults(INPUT, mark);
      const compiled = compile(chartSpec(config, [...INPUT, { name: 'sum_Umsatz €', type: 'DOUBLE' }], { locale: 'en' })).spec;
      const marks = (compiled.marks ?? []).filter((m) => m.type !== 'group');
      expect(marks.length, mark).toBeGreaterThan(0);
      for (const m of marks) expect(JSON.stringify(m.encode?.update ?? {}), `${mark} ${m.type}`).toContain('"tooltip"');
    }
  });

  it('writes German dates and numbers for de and English ones for en', async () => {
    const config: ChartConfig = { mark: 'bar', x: 'Tag', y: 'Umsatz €', aggregate: 'sum' };
    const { values, columns } = await chartData(config);
    const de = await render(chartSpec(config, columns, { locale: 'de' }), values);
    expect(de).toContain('>31.12.2025<');
    expect(de).toContain('>01.12.2025<');
    expect(de).toMatch(/>\d{1,3}(\.\d{3})+</);
    const en = await render(chartSpec(config, columns, { locale: 'en' }), values);
    expect(en).toContain('>12/31/2025<');
    expect(en).toMatch(/>\d{1,3}(,\d{3})+</);
  });

  it('names the aggregate in the axis title and labels NULL categories', async () => {
    const config: ChartConfig = { mark: 'bar', x: 'Region "Ä"', y: 'Umsatz €', aggregate: 'mean' };
    const { values, columns } = await chartData(config);
    const svg = await render(chartSpec(config, columns, { locale: 'en' }), values);
    expect(svg).toContain('>mean of Umsatz €<');
    expect(svg).toContain(`>${NULL_LABEL}<`);
    expect(svg).toContain('>Region "Ä"<');
  });

  it('reads the suffixed measure when a field is named like it', async () => {
    const config: ChartConfig = { mark: 'bar', x: 'count' };
    const { values, columns } = await chartData(config);
    expect(columns.map((c) => c.name)).toEqual(['count', 'count_2']);
    const svg = await render(chartSpec(config, columns, { locale: 'en' }), values);
    expect(svg).toContain('>c0<');
    expect(svg).toContain('>count of rows<');
    expect(svg.match(/<path[^>]*aria-roledescription="bar"/g)).toHaveLength(4);
  });
});

describe('chartDefaults', () => {
  it('picks a chart from the column types', () => {
    expect(chartDefaults([{ name: 'monat', type: 'DATE' }, { name: 'umsatz', type: 'DOUBLE' }])).toEqual({ mark: 'line', x: 'monat', y: 'umsatz', aggregate: 'sum' });
    expect(chartDefaults([{ name: 'land', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }])).toEqual({ mark: 'bar', x: 'land', y: 'n', aggregate: 'sum' });
    expect(chartDefaults([{ name: 'a', type: 'DOUBLE' }, { name: 'b', type: 'INTEGER' }])).toEqual({ mark: 'scatter', x: 'a', y: 'b' });
    expect(chartDefaults([{ name: 'a', type: 'DECIMAL(18,2)' }])).toEqual({ mark: 'histogram', x: 'a', bins: 30 });
    expect(chartDefaults([{ name: 'land', type: 'VARCHAR' }])).toEqual({ mark: 'bar', x: 'land', aggregate: 'count' });
  });

  it('never sums a key-like number', () => {
    expect(chartDefaults([{ name: 'kunde_id', type: 'BIGINT' }, { name: 'land', type: 'VARCHAR' }, { name: 'plz', type: 'INTEGER' }])).toEqual({ mark: 'bar', x: 'land', aggregate: 'count' });
    expect(chartDefaults([{ name: 'kunde_id', type: 'BIGINT' }, { name: 'umsatz', type: 'DOUBLE' }, { name: 'land', type: 'VARCHAR' }])).toEqual({ mark: 'bar', x: 'land', y: 'umsatz', aggregate: 'sum' });
  });

  it('fills the fields a requested mark needs', () => {
    const input = [
      { name: 'land', type: 'VARCHAR' },
      { name: 'kanal', type: 'VARCHAR' },
      { name: 'umsatz', type: 'DOUBLE' }
    ];
    expect(chartDefaults(input, 'boxplot')).toEqual({ mark: 'boxplot', x: 'land', y: 'umsatz' });
    expect(chartDefaults(input, 'heatmap')).toEqual({ mark: 'heatmap', x: 'land', y: 'kanal', color: 'umsatz', aggregate: 'sum' });
    expect(chartDefaults(input, 'histogram')).toEqual({ mark: 'histogram', x: 'umsatz', bins: 30 });
    for (const mark of CHART_MARKS) expect(checkChart(chartDefaults(input, mark), input), mark).toBeUndefined();
  });
});

describe('checkChart', () => {
  const input = [
    { name: 'plz', type: 'VARCHAR' },
    { name: 'umsatz', type: 'DOUBLE' }
  ];

  it('names a missing field', () => {
    expect(checkChart({ mark: 'bar', x: 'ort', y: 'umsatz' }, input)?.text).toBe('Field "ort" (x) is not a column of the input');
  });

  it('refuses a histogram of text and a sum of text', () => {
    expect(checkChart({ mark: 'histogram', x: 'plz' }, input)?.text).toBe('A histogram needs a numeric x field; "plz" is VARCHAR');
    expect(checkChart({ mark: 'bar', x: 'umsatz', y: 'plz', aggregate: 'sum' }, input)?.text).toBe('The sum of "plz" needs a numeric field; "plz" is VARCHAR');
    expect(checkChart({ mark: 'bar', x: 'umsatz', y: 'plz', aggregate: 'distinct' }, input)).toBeUndefined();
  });

  it('refuses a sum without a measure and impossible bins', () => {
    expect(checkChart({ mark: 'bar', x: 'plz', aggregate: 'sum' }, input)?.text).toBe('The sum needs a measure field (y); pick one or count rows');
    expect(checkChart({ mark: 'histogram', x: 'umsatz', bins: 0 }, input)?.text).toBe('A histogram has 1 to 1000 bins; 0 is not possible');
    expect(checkChart({ mark: 'pie' as never, x: 'plz' }, input)?.text).toMatch(/^"pie" is not a chart type/);
  });
});
