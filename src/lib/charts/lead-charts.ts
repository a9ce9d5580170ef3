/**
 * Vega-Lite specs of a leads cell: the A/B/C × 1/2/3 grid as a heatmap and the distribution of a
 * score with its cut points marked. Pure: each spec reads the rows of one query (see each function)
 * as the named set `values`, never embedded; the cut points are arguments. Every text shown comes
 * from `LeadChartLabels` (German and English defaults, each overridable); numbers follow the locale.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartFrame } from './frame';

/** Every text a lead chart shows. */
export interface LeadChartLabels {
  fitTier: string;
  engagementTier: string;
  fit: string;
  engagement: string;
  leads: string;
  share: string;
  segment: string;
  tier: string;
  from: string;
  to: string;
}

/** Default labels per locale. */
export const LEAD_CHART_LABELS: Record<'de' | 'en', LeadChartLabels> = {
  de: {
    fitTier: 'Passung (Fit)',
    engagementTier: 'Engagement',
    fit: 'Fit-Punkte',
    engagement: 'Engagement-Punkte',
    leads: 'Leads',
    share: 'Anteil',
    segment: 'Segment',
    tier: 'Stufe',
    from: 'von',
    to: 'bis'
  },
  en: {
    fitTier: 'Fit',
    engagementTier: 'Engagement',
    fit: 'Fit score',
    engagement: 'Engagement score',
    leads: 'Leads',
    share: 'Share',
    segment: 'Segment',
    tier: 'Tier',
    from: 'from',
    to: 'to'
  }
};

/** Locale, title and label overrides of a lead chart. */
export interface LeadChartOptions {
  locale: 'de' | 'en';
  title?: string;
  labels?: Partial<LeadChartLabels>;
}

/** A cut point to mark on a distribution: where a tier starts, e.g. `A ≥ 35`. */
export interface LeadCut {
  value: number;
  label: string;
}

const TIER_COLORS = ['#2f9e44', '#f59f00', '#adb5bd'];
const CUT = '#c92a2a';
/** Draws a layer once, whatever the number of rows. */
const ONCE = [{ aggregate: [{ op: 'count', as: '__seglab_n' }] }];
type Def = Record<string, unknown>;

function labelsOf(options: LeadChartOptions): LeadChartLabels {
  return { ...LEAD_CHART_LABELS[options.locale], ...options.labels };
}

const q = (field: string, title: string, format: string): Def => ({ field, type: 'quantitative', title, format });

/**
 * The lead grid: engagement tiers 1–3 across, fit tiers A–C down (A on top), the number of leads
 * as colour, each cell's name above its count and share. Reads `leadGridQuery`'s rows (`LeadGridRow`).
 * @param options locale, title and labels
 */
export function leadGridSpec(options: LeadChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  const text = (field: string, dy: number, extra: Def = {}): Def => ({
    transform: [{ joinaggregate: [{ op: 'max', field: 'leads', as: '__seglab_max' }] }],
    mark: { type: 'text', fontSize: 12, dy, ...extra },
    encoding: {
      text: { field, type: 'nominal' },
      color: { condition: { test: 'datum.leads > 0.5 * datum.__seglab_max', value: 'white' }, value: 'black' }
    }
  });
  return chartFrame(
    options,
    {
      width: { step: 150 },
      height: { step: 64 },
      transform: [{ calculate: "format(datum.leads, ',d') + ' · ' + format(datum.share, '.0%')", as: '__seglab_count' }],
      encoding: {
        x: { field: 'engagement_tier', type: 'ordinal', title: l.engagementTier, sort: 'ascending', axis: { labelAngle: 0, orient: 'top' } },
        y: { field: 'fit_tier', type: 'ordinal', title: l.fitTier, sort: 'ascending' },
        tooltip: [
          { field: 'segment', type: 'nominal', title: l.segment },
          { field: 'fit_tier', type: 'ordinal', title: l.fitTier },
          { field: 'engagement_tier', type: 'ordinal', title: l.engagementTier },
          q('leads', l.leads, ',d'),
          q('share', l.share, '.1%')
        ]
      },
      layer: [
        {
          mark: { type: 'rect', tooltip: true, stroke: 'white', strokeWidth: 2 },
          encoding: { color: { field: 'leads', type: 'quantitative', title: l.leads, scale: { scheme: 'blues' }, legend: { format: ',d' } } }
        },
        text('segment', -9, { fontWeight: 'bold', limit: 140 }),
        text('__seglab_count', 9)
      ]
    },
    { labelLimit: 200, config: { legend: { labelLimit: 200 } } }
  );
}

/**
 * The distribution of one score: bars over the score bins stacked by tier (first tier green, second
 * amber, third grey), with a red rule and label at each cut point. Reads `leadDistributionQuery`'s
 * rows (`LeadDistributionRow`).
 * @param score which score (titles the axis)
 * @param tiers the score's tier names, best first, as the rows' `tier` text (`A`, `B`, `C` or `1`, `2`, `3`)
 * @param options locale, title, labels and the cut points
 */
export function leadDistributionSpec(score: 'fit' | 'engagement', tiers: readonly string[], options: LeadChartOptions & { cuts?: readonly LeadCut[] }): TopLevelSpec {
  const l = labelsOf(options);
  const layer: Def[] = [
    {
      mark: { type: 'bar', tooltip: true, stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'bin_start', type: 'quantitative', title: l[score], bin: { binned: true }, axis: { format: ',~r' } },
        x2: { field: 'bin_end' },
        y: { aggregate: 'sum', field: 'leads', type: 'quantitative', title: l.leads, stack: 'zero', axis: { format: ',d' } },
        color: { field: 'tier', type: 'ordinal', title: l.tier, scale: { domain: [...tiers], range: TIER_COLORS }, sort: [...tiers] },
        order: { field: 'tier', sort: 'ascending' },
        tooltip: [
          { field: 'tier', type: 'ordinal', title: l.tier },
          q('bin_start', l.from, ',~r'),
          q('bin_end', l.to, ',~r'),
          q('leads', l.leads, ',d')
        ]
      }
    }
  ];
  for (const cut of options.cuts ?? []) {
    const at = { x: { datum: cut.value, type: 'quantitative' } };
    layer.push(
      { transform: ONCE, mark: { type: 'rule', color: CUT, strokeWidth: 2, strokeDash: [4, 3] }, encoding: { ...at, description: { value: cut.label } } },
      { transform: ONCE, mark: { type: 'text', color: CUT, align: 'left', baseline: 'top', dx: 4, fontSize: 11, y: 2 }, encoding: { ...at, text: { value: cut.label } } }
    );
  }
  return chartFrame(options, { width: 'container', autosize: { type: 'fit-x', contains: 'padding', resize: true }, height: 220, layer }, { labelLimit: 200 });
}
