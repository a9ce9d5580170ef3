import { describe, expect, it } from 'vitest';
import { abTestSpec, CAMPAIGN_CHART_LABELS, kpiBoardSpec, type BoardKpi } from '../../src/lib/charts/abtest-charts';
import { countRole, expectValidSpec, renderSvg } from './helpers/vega-render';

const LOCALES = ['de', 'en'] as const;

/** A read-out as the A/B test view has it: control rows without a difference; one interval unbounded (NULL). */
const READOUT = [
  { segment: 'Gesamt', arm: 'Kontrolle', n: 1000, rate: 0.1, difference: null, ci_low: null, ci_high: null, p: null, p_holm: null },
  { segment: 'Gesamt', arm: 'A', n: 1000, rate: 0.13, difference: 0.03, ci_low: 0.002, ci_high: 0.058, p: 0.04, p_holm: 0.08 },
  { segment: 'Gesamt', arm: 'B', n: 1000, rate: 0.09, difference: -0.01, ci_low: -0.036, ci_high: 0.016, p: 0.45, p_holm: 0.45 },
  { segment: 'Klein', arm: 'Kontrolle', n: 10, rate: 0.1, difference: null, ci_low: null, ci_high: null, p: null, p_holm: null },
  { segment: 'Klein', arm: 'A', n: 12, rate: 0.25, difference: 0.15, ci_low: -0.15, ci_high: 0.45, p: 0.35, p_holm: 0.7 },
  { segment: 'Klein', arm: 'B', n: 1, rate: 0, difference: -0.1, ci_low: null, ci_high: null, p: null, p_holm: null }
];

const month = (m: number) => new Date(Date.UTC(2025, m, 1));
const BOARD = ['x', 'y'].flatMap((segment) =>
  [0, 1, 2].map((m) => ({ segment, period: month(m), members: 10, conversion: 0.1 * (m + 1), retention: m === 0 ? null : 0.5, revenue: 1234.5 * (m + 1) }))
);

describe('abTestSpec', () => {
  it('validates and draws a dot per comparison and a bar per bounded interval, labelled in the locale', async () => {
    for (const locale of LOCALES) {
      const spec = abTestSpec('binary', { locale, title: 'AB' });
      expectValidSpec(spec, `abtest ${locale}`);
      const svg = await renderSvg(spec, READOUT);
      expect(countRole(svg, 'point')).toBe(4);
      // Three bounded intervals; the zero line is hidden from assistive technology.
      expect(countRole(svg, 'rule mark')).toBe(3);
      expect(svg).toContain(`>${CAMPAIGN_CHART_LABELS[locale].differencePoints}<`);
      expect(svg.indexOf('>Gesamt<')).toBeLessThan(svg.indexOf('>Klein<'));
    }
  });

  it('titles a numeric difference in the outcome’s units and formats it in the locale', async () => {
    const money = READOUT.map((r) => (r.difference === null ? r : { ...r, difference: r.difference * 100000, ci_low: r.ci_low && r.ci_low * 100000, ci_high: r.ci_high && r.ci_high * 100000 }));
    const de = await renderSvg(abTestSpec('numeric', { locale: 'de' }), money);
    expect(de).toContain(`>${CAMPAIGN_CHART_LABELS.de.difference}<`);
    expect(de).toMatch(/>\+\d{1,2}\.\d{3}</);
    expect(await renderSvg(abTestSpec('numeric', { locale: 'en' }), money)).toMatch(/>\+\d{1,2},\d{3}</);
  });
});

describe('kpiBoardSpec', () => {
  it('stacks one chart per KPI with a line per segment, leaving out periods without a retention', async () => {
    for (const locale of LOCALES) {
      const kpis: BoardKpi[] = ['conversion', 'retention', 'revenue'];
      const spec = kpiBoardSpec(kpis, 'month', { locale });
      expectValidSpec(spec, `board ${locale}`);
      const svg = await renderSvg(spec, BOARD);
      expect(countRole(svg, 'line mark')).toBe(6);
      // Points: 6 conversion + 4 retention + 6 revenue.
      expect(countRole(svg, 'point')).toBe(16);
      for (const kpi of kpis) expect(svg).toContain(`>${CAMPAIGN_CHART_LABELS[locale][kpi]}<`);
      expect(svg).toContain('>2025-02<');
    }
  });

  it('draws weeks by day and leaves revenue out when asked', async () => {
    const svg = await renderSvg(kpiBoardSpec(['conversion', 'retention'], 'week', { locale: 'en' }), BOARD);
    expect(countRole(svg, 'line mark')).toBe(4);
    expect(svg).not.toContain('>Revenue<');
    expect(svg).toContain('>Week<');
  });
});
