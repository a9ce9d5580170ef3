import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { validateVegaLite } from './helpers/vega-lite';
import { PROFILE_DATA, profileChart, type ProfileChartColumn } from '../../src/lib/charts/profile';

const validate = validateVegaLite;

function expectValid(spec: TopLevelSpec) {
  const ok = validate(spec);
  expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
  expect(ok).toBe(true);
  expect(() => compile(spec)).not.toThrow();
}

const amount: ProfileChartColumn = {
  name: 'Betrag',
  kind: 'number',
  top: [{ value: '10.5', count: 2 }],
  bins: [
    { x0: 0, x1: 0.5, count: 1234 },
    { x0: 0.5, x1: 1, count: 0 },
    { x0: 1, x1: 1.5, count: 7 }
  ]
};

const days: ProfileChartColumn = {
  name: 'Datum',
  kind: 'date',
  top: [],
  bins: [
    { x0: '2025-01-01', x1: '2025-02-01', count: 3 },
    { x0: '2025-02-01', x1: '2025-03-01', count: 0 }
  ]
};

const times: ProfileChartColumn = {
  name: 'Zeit',
  kind: 'date',
  top: [],
  bins: [{ x0: '2025-01-01T09:00:00', x1: '2025-01-01T12:00:00', count: 2 }]
};

const cities: ProfileChartColumn = {
  name: 'Stadt',
  kind: 'string',
  top: [
    { value: 'Berlin', count: 2000 },
    { value: 'München', count: 2 },
    { value: null, count: 1 }
  ],
  bins: []
};

const flags: ProfileChartColumn = {
  name: 'Aktiv',
  kind: 'boolean',
  top: [
    { value: 'true', count: 4 },
    { value: 'false', count: 1 }
  ],
  bins: []
};

const empty: ProfileChartColumn = { name: 'leer', kind: 'number', top: [], bins: [] };

describe('profileChart', () => {
  it('builds the expected histogram spec and values for a number column', () => {
    const { spec, values } = profileChart(amount);
    expect(spec).toEqual({
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      description: 'Verteilung von Betrag',
      width: 160,
      height: 60,
      padding: 0,
      data: { name: 'values' },
      mark: { type: 'bar', color: '#4c78a8', binSpacing: 1 },
      encoding: {
        x: { field: 'x0', type: 'quantitative', bin: 'binned', scale: { zero: false }, axis: null },
        x2: { field: 'x1' },
        y: { field: 'count', type: 'quantitative', axis: null },
        tooltip: [
          { field: 'range', type: 'nominal', title: 'Bereich' },
          { field: 'countLabel', type: 'nominal', title: 'Anzahl' }
        ]
      },
      config: { view: { stroke: null } }
    });
    expect(values).toEqual([
      { x0: 0, x1: 0.5, count: 1234, range: '0 – 0,5', countLabel: '1.234' },
      { x0: 0.5, x1: 1, count: 0, range: '0,5 – 1', countLabel: '0' },
      { x0: 1, x1: 1.5, count: 7, range: '1 – 1,5', countLabel: '7' }
    ]);
  });

  it('formats labels for an English locale', () => {
    const { spec, values } = profileChart(amount, { locale: 'en-US', width: 200, height: 40 });
    expect(spec).toMatchObject({ width: 200, height: 40, description: 'Distribution of Betrag' });
    expect((values[0] as { range: string; countLabel: string })).toMatchObject({ range: '0 – 0.5', countLabel: '1,234' });
  });

  it('puts dates on a UTC time scale with epoch milliseconds', () => {
    const { spec, values } = profileChart(days);
    expect(spec).toMatchObject({ encoding: { x: { field: 'x0', type: 'temporal', scale: { type: 'utc' } }, x2: { field: 'x1' } } });
    expect(values).toEqual([
      { x0: Date.UTC(2025, 0, 1), x1: Date.UTC(2025, 1, 1), count: 3, range: '01.01.2025 – 01.02.2025', countLabel: '3' },
      { x0: Date.UTC(2025, 1, 1), x1: Date.UTC(2025, 2, 1), count: 0, range: '01.02.2025 – 01.03.2025', countLabel: '0' }
    ]);
    const t = profileChart(times).values[0] as { x0: number; range: string };
    expect(t.x0).toBe(Date.UTC(2025, 0, 1, 9));
    expect(t.range).toBe('01.01.2025, 09:00 – 01.01.2025, 12:00');
  });

  it('draws the top values of text and booleans as horizontal bars in profile order', () => {
    const { spec, values } = profileChart(cities);
    expect(spec).toMatchObject({
      description: 'Häufigste Werte von Stadt',
      data: { name: PROFILE_DATA },
      encoding: { y: { field: 'value', type: 'nominal', sort: null }, x: { field: 'count', type: 'quantitative', axis: null } }
    });
    expect(values).toEqual([
      { value: 'Berlin', count: 2000, countLabel: '2.000' },
      { value: 'München', count: 2, countLabel: '2' },
      { value: '(leer)', count: 1, countLabel: '1' }
    ]);
    expect(profileChart(flags).values.map((v) => (v as { value: string }).value)).toEqual(['true', 'false']);
  });

  it('names its data instead of embedding rows', () => {
    for (const c of [amount, days, cities, flags, empty]) {
      const { spec } = profileChart(c);
      expect(spec.data).toEqual({ name: 'values' });
      expect(JSON.stringify(spec)).not.toContain('"values":[');
    }
  });

  it('produces specs that validate against the Vega-Lite schema and compile', () => {
    for (const c of [amount, days, times, cities, flags, empty]) {
      for (const locale of ['de-DE', 'en-US']) expectValid(profileChart(c, { locale }).spec);
    }
  });

  it('has a validator that rejects a broken spec', () => {
    const broken = { ...profileChart(amount).spec, mark: 'balken' } as unknown as TopLevelSpec;
    expect(validate(broken)).toBe(false);
  });

  it('renders in Vega with the values bound to the named data', async () => {
    for (const c of [amount, days, cities]) {
      const { spec, values } = profileChart(c);
      const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
      view.data(PROFILE_DATA, values);
      await view.runAsync();
      expect(view.data(PROFILE_DATA)).toHaveLength(values.length);
      const svg = await view.toSVG();
      expect(svg).toContain('<svg');
      view.finalize();
    }
  });
});
