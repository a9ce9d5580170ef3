import { describe, expect, it } from 'vitest';
import { LEAD_CHART_LABELS, leadDistributionSpec, leadGridSpec } from '../../src/lib/charts/lead-charts';
import type { LeadDistributionRow, LeadGridRow } from '../../src/lib/sql/lead-tiers';
import { countRole, expectValidSpec, renderSvg } from './helpers/vega-render';

const GRID: LeadGridRow[] = ['A', 'B', 'C'].flatMap((f, i) =>
  [1, 2, 3].map((e, j) => ({ fit_tier: f, engagement_tier: e, code: `${f}${e}`, segment: i + j === 0 ? 'A1 · anrufen' : `${f}${e}`, leads: 1000 * (i * 3 + j), share: (i * 3 + j) / 36 }))
);

const DISTRIBUTION: LeadDistributionRow[] = [
  { bin_start: -10, bin_end: 0, tier: '3', leads: 300 },
  { bin_start: 0, bin_end: 10, tier: '3', leads: 200 },
  { bin_start: 10, bin_end: 20, tier: '2', leads: 2000 },
  { bin_start: 20, bin_end: 30, tier: '1', leads: 1200 },
  { bin_start: 20, bin_end: 30, tier: '2', leads: 100 }
];

describe('leadGridSpec', () => {
  it('draws nine cells with their names, counts and shares in the locale', async () => {
    for (const locale of ['de', 'en'] as const) {
      const spec = leadGridSpec({ locale });
      expectValidSpec(spec, `grid ${locale}`);
      const svg = await renderSvg(spec, GRID);
      expect(countRole(svg, 'rect mark')).toBe(9);
      expect(countRole(svg, 'text mark')).toBe(18);
      expect(svg).toContain('A1 · anrufen');
      expect(svg).toContain(LEAD_CHART_LABELS[locale].fitTier);
      expect(svg).toContain(locale === 'de' ? '8.000 · 22%' : '8,000 · 22%');
    }
  });
});

describe('leadDistributionSpec', () => {
  it('stacks the bins by tier and marks each cut point once', async () => {
    const cuts = [
      { value: 20, label: '1 ≥ 20' },
      { value: 10, label: '2 ≥ 10' }
    ];
    const spec = leadDistributionSpec('engagement', ['1', '2', '3'], { locale: 'de', cuts });
    expectValidSpec(spec, 'distribution');
    const svg = await renderSvg(spec, DISTRIBUTION);
    expect(countRole(svg, 'bar')).toBe(5);
    expect(countRole(svg, 'rule mark')).toBe(2);
    expect(svg).toContain('1 ≥ 20');
    expect(svg).toContain('Engagement-Punkte');
    const plain = await renderSvg(leadDistributionSpec('fit', ['A', 'B', 'C'], { locale: 'en' }), DISTRIBUTION);
    expect(countRole(plain, 'rule mark')).toBe(0);
  });
});
