import { readFileSync } from 'node:fs';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { profileResult, upsetResult, type ProfileResult } from '../../src/lib/analysis/segment-profile';
import {
  indexRows,
  indexSpec,
  kpiBarRows,
  kpiBarSpec,
  overlapSpec,
  SEGMENT_CHART_LABELS,
  sizeRows,
  sizeSpec,
  sizeThreshold,
  transitionRows,
  transitionSpec,
  upsetRows,
  upsetSpec,
  type OverlapRow,
  type TransitionRow
} from '../../src/lib/charts/segment-charts';
import type { Db } from '../../src/lib/engine/db';
import { DEFAULT_GUARDS, type Kpi } from '../../src/lib/notebook/model';
import { overlapQuery, profileQuery, transitionQuery, upsetQuery } from '../../src/lib/sql/segment-profile';
import { openTestDb } from './helpers/db';
import { dataset } from './helpers/datasets';
import { validateVegaLite as validate } from './helpers/vega-lite';

/** Renders a spec over rows to SVG with Vega in Node. */
async function render(spec: TopLevelSpec, values: object[]): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  view.data('values', values);
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

function expectValid(spec: TopLevelSpec, what: string): void {
  expect((spec as { data: unknown }).data, what).toEqual({ name: 'values' });
  expect(validate(spec), `${what}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
}

/** Lines drawn by rule marks (decorative rules carry no ARIA role, so count their SVG lines). */
const rules = (svg: string) =>
  [...svg.matchAll(/<g class="mark-rule role-mark[^"]*"[^>]*>(.*?)<\/g>/g)].reduce((n, m) => n + (m[1].match(/<line/g) ?? []).length, 0);
const count = (svg: string, role: string) => (svg.match(new RegExp(`aria-roledescription="${role}"`, 'g')) ?? []).length;

const KPIS: Kpi[] = [
  { label: 'Kündigungsrate', kind: 'rate', column: 'churned' },
  { label: 'Ø Monatsbeitrag', kind: 'mean', column: 'MonthlyCharges' },
  { label: 'Umsatz', kind: 'sum', column: 'TotalCharges' },
  { label: 'Umsatz je Monat', kind: 'ratio', column: 'TotalCharges', denominator: 'tenure' }
];

let db: Db;
let profile: ProfileResult;
let overlaps: OverlapRow[];
let transitions: TransitionRow[];
let upset: ReturnType<typeof upsetResult>;

beforeAll(async () => {
  db = await openTestDb();
  await db.registerBuffer('telco.csv', new Uint8Array(readFileSync(dataset('telco/Telco-Customer-Churn.csv'))));
  await db.exec(`CREATE TABLE telco AS SELECT * REPLACE (TRY_CAST(trim(TotalCharges) AS DOUBLE) AS TotalCharges), Churn = 'Yes' AS churned
    FROM read_csv('${db.filePath('telco.csv')}', header = true)`);
  // An exclusive segmentation with a 1-customer segment (too small, unbounded interval) and an overlapping one.
  await db.exec(`CREATE VIEW vertrag AS SELECT customerID, CASE WHEN customerID = '7590-VHVEG' THEN 'Einzelfall "1"' WHEN MonthlyCharges > 105 THEN 'Premium' ELSE Contract END AS segment,
    '' AS tags, * EXCLUDE (customerID) FROM telco`);
  await db.exec(`CREATE VIEW merkmale AS
    SELECT customerID, 'Senioren' AS segment FROM telco WHERE SeniorCitizen = 1
    UNION ALL SELECT customerID, 'Glasfaser' FROM telco WHERE InternetService = 'Fiber optic'
    UNION ALL SELECT customerID, 'Monatlich kündbar' FROM telco WHERE Contract = 'Month-to-month'
    UNION ALL SELECT customerID, 'Papierlos''s' FROM telco WHERE PaperlessBilling = 'Yes'
    UNION ALL SELECT customerID, 'Familie' FROM telco WHERE Partner = 'Yes' AND Dependents = 'Yes'`);
  await db.exec(`CREATE TABLE vorher AS SELECT customerID, Contract AS segment FROM telco WHERE tenure > 3
    UNION ALL SELECT 'X-' || range, 'Two year' FROM range(25)`);
  profile = profileResult(await db.rows(profileQuery({ members: 'vertrag', base: 'telco', kpis: KPIS })), KPIS, DEFAULT_GUARDS);
  overlaps = await db.rows<OverlapRow>(overlapQuery({ members: 'merkmale', key: 'customerID' }));
  upset = upsetResult(await db.rows(upsetQuery({ members: 'merkmale', key: 'customerID' })));
  transitions = await db.rows<TransitionRow>(transitionQuery({ members: 'vertrag', previous: 'vorher', key: 'customerID', newLabel: '(neu)', goneLabel: '(weg)' }));
});

describe('kpiBarRows / kpiBarSpec', () => {
  it('validates and draws a bar, an error bar and the base rule for every KPI and locale', async () => {
    for (const [i, kpi] of KPIS.entries()) {
      const rows = kpiBarRows(profile, i);
      expect(rows.length).toBe(profile.segments.length);
      for (const locale of ['de', 'en'] as const) {
        const spec = kpiBarSpec(kpi, { locale, title: kpi.label });
        expectValid(spec, kpi.label);
        const svg = await render(spec, rows);
        expect(count(svg, 'bar'), kpi.label).toBe(rows.length);
        // One error bar per bounded interval plus the base rule.
        expect(rules(svg), kpi.label).toBe(rows.filter((r) => r.low !== null).length + 1);
        expect(svg).toContain('>Premium<');
      }
    }
  });

  it('draws the sum’s mean per entity, no interval for a single entity, and flags it', () => {
    const rows = kpiBarRows(profile, 2);
    const single = rows.find((r) => r.segment === 'Einzelfall "1"')!;
    expect(single).toMatchObject({ value: 29.85, low: null, high: null, warning: true, n: 1 });
    const premium = profile.segments.find((s) => s.segment === 'Premium')!.kpis[2];
    expect(rows.find((r) => r.segment === 'Premium')!.value).toBe(premium.estimate);
  });

  it('formats rates as percentages in the locale', async () => {
    const svg = await render(kpiBarSpec(KPIS[0], { locale: 'de' }), kpiBarRows(profile, 0));
    expect(svg).toMatch(/>\d+,0 ?%</);
    expect(svg).toContain('>Kündigungsrate<');
  });
});

describe('indexRows / indexSpec', () => {
  it('validates and draws one bar per segment and KPI, coloured above and below the base', async () => {
    const rows = indexRows(profile);
    expect(rows.length).toBe(profile.segments.flatMap((s) => s.kpis).filter((k) => k.index !== null).length);
    expect(rows.length).toBeGreaterThan(profile.segments.length * 3);
    for (const locale of ['de', 'en'] as const) {
      const spec = indexSpec({ locale });
      expectValid(spec, 'index');
      const svg = await render(spec, rows);
      expect(count(svg, 'bar')).toBe(rows.length);
      const l = SEGMENT_CHART_LABELS[locale];
      expect(svg).toContain(`>${l.over}<`);
      expect(svg).toContain(`>${l.under}<`);
    }
  });

  it('scales the interval to the index and marks the direction', () => {
    const rows = indexRows(profile);
    const mtm = profile.segments.find((s) => s.segment === 'Month-to-month')!.kpis[0];
    const row = rows.find((r) => r.segment === 'Month-to-month' && r.kpi === 'Kündigungsrate')!;
    expect(row).toMatchObject({ index: mtm.index, over: true });
    expect(row.low).toBeCloseTo((mtm.low! / mtm.baseEstimate!) * 100, 10);
    expect(rows.find((r) => r.segment === 'Two year' && r.kpi === 'Kündigungsrate')!.over).toBe(false);
  });

  it('takes overridden labels', async () => {
    const svg = await render(indexSpec({ locale: 'en', labels: { over: 'better "than" base' } }), indexRows(profile));
    expect(svg).toContain('>better "than" base<');
  });
});

describe('sizeRows / sizeSpec', () => {
  it('validates and draws the sizes with the guard threshold', async () => {
    const rows = sizeRows(profile);
    const threshold = sizeThreshold(profile, DEFAULT_GUARDS);
    // 1 % of 7,043 customers is 70.43 → 71, more than the minimum of 50.
    expect(threshold).toBe(71);
    for (const locale of ['de', 'en'] as const) {
      const spec = sizeSpec(threshold, { locale });
      expectValid(spec, 'sizes');
      const svg = await render(spec, rows);
      expect(count(svg, 'bar')).toBe(rows.length);
      expect(svg).toContain(`>${SEGMENT_CHART_LABELS[locale].threshold}: 71<`);
      expect(svg.match(/stroke-dasharray="6,4"/g)).toHaveLength(1);
    }
    expect(rows.find((r) => r.segment === 'Einzelfall "1"')).toMatchObject({ size: 1, small: true });
    expect(await render(sizeSpec(threshold, { locale: 'de' }), rows)).toMatch(/>3\.\d{3}</);
    expect(await render(sizeSpec(1234, { locale: 'de' }), rows)).toContain('>Mindestgröße: 1.234<');
  });
});

describe('overlapSpec', () => {
  it('validates and draws a cell with its count for every pair of segments', async () => {
    expect(overlaps.length).toBe(25);
    for (const locale of ['de', 'en'] as const) {
      const spec = overlapSpec({ locale, title: 'Überschneidungen' });
      expectValid(spec, 'overlap');
      const svg = await render(spec, overlaps);
      expect(count(svg, 'rect mark')).toBe(25);
      expect(count(svg, 'text mark')).toBe(25);
      expect(svg).toContain(">Papierlos's<");
    }
  });
});

describe('upsetRows / upsetSpec', () => {
  it('validates and draws a bar per intersection above its row of dots', async () => {
    const rows = upsetRows(upset);
    expect(upset.sets.length).toBe(5);
    expect(rows.length).toBe(upset.intersections.length * 5);
    expect(rows.filter((r) => r.member).length).toBe(upset.intersections.reduce((s, x) => s + x.degree, 0));
    for (const locale of ['de', 'en'] as const) {
      const spec = upsetSpec({ locale });
      expectValid(spec, 'upset');
      const svg = await render(spec, rows);
      expect(count(svg, 'bar')).toBe(upset.intersections.length);
      expect(count(svg, 'circle')).toBe(rows.length);
      for (const name of upset.sets) expect(svg).toContain(`>${name}<`);
    }
  });
});

describe('transitionRows / transitionSpec', () => {
  it('puts new entities first and gone ones last, segments in the same order on both axes', () => {
    const rows = transitionRows(transitions);
    const from = [...new Map(rows.map((r) => [r.from_segment, r.fromRank])).entries()].sort((a, b) => a[1] - b[1]).map(([n]) => n);
    const to = [...new Map(rows.map((r) => [r.to_segment, r.toRank])).entries()].sort((a, b) => a[1] - b[1]).map(([n]) => n);
    expect(from).toEqual(['(neu)', 'Month-to-month', 'One year', 'Two year']);
    expect(to).toEqual(['Month-to-month', 'One year', 'Two year', 'Einzelfall "1"', 'Premium', '(weg)']);
  });

  it('validates and draws a cell with its count for every movement', async () => {
    const rows = transitionRows(transitions);
    for (const locale of ['de', 'en'] as const) {
      const spec = transitionSpec({ locale });
      expectValid(spec, 'transition');
      const svg = await render(spec, rows);
      expect(count(svg, 'rect mark')).toBe(rows.length);
      expect(svg).toContain(`>${SEGMENT_CHART_LABELS[locale].from}<`);
    }
    // The 25 made-up previous customers are gone.
    expect(rows.find((r) => r.is_gone)!.count).toBe(25);
  });
});
