import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  clusterProfiles,
  describeCluster,
  describeClusters,
  featureKind,
  type ClusterProfile,
  type ClusterProfileRows
} from '../../src/lib/analysis/cluster-profile';
import { fitClusters, prepareFeatures, writeLabels } from '../../src/lib/engine/cluster';
import type { Engine } from '../../src/lib/engine/engine';
import type { ClusterFeature } from '../../src/lib/sql/cluster-prepare';
import {
  categoryProfileQuery,
  clusterSizeQuery,
  numericProfileQuery,
  type CategoryProfileRow,
  type ClusterSizeRow,
  type NumericProfileRow
} from '../../src/lib/sql/cluster-profile';
import { ident, sql } from '../../src/lib/sql/quote';
import { Formatter } from '../../src/lib/ui/format';
import { dataset } from './helpers/datasets';
import { file, openTestEngine } from './helpers/db';

const SPEND = ['Fresh', 'Milk', 'Grocery', 'Frozen', 'Detergents_Paper', 'Delicatessen'];
const de = new Formatter('de-DE');
const en = new Formatter('en-US');

let engine: Engine;

beforeAll(async () => {
  engine = await openTestEngine();
  const info = await engine.load(file('customers.csv', new Uint8Array(readFileSync(dataset('wholesale/customers.csv')))), { table: 'wholesale raw' });
  await engine.db.exec(String(sql`CREATE TABLE wholesale AS SELECT rowid + 1 AS customer, * FROM ${ident(info.name)}`));
  await engine.db.exec(`CREATE VIEW by_channel AS SELECT customer, Channel AS cluster, * EXCLUDE (customer) FROM wholesale`);
});

async function rowsOf<T>(query: { toString(): string }): Promise<T[]> {
  return engine.db.rows<T>(String(query));
}

describe('cluster-profile queries', () => {
  // Reference: pandas 2 on customers.csv, df.groupby('Channel')[col].agg(['mean', 'median', lambda s: s.std(ddof=0)]),
  // and df[col] for the base; tolerance 1e-12 relative (both are double sums of integers below 2^53).
  const PANDAS: Record<string, Record<string, [number, number, number]>> = {
    '1': { Grocery: [3962.1375838926174, 2684.0, 3539.5595436367316], Fresh: [13475.560402684563, 9581.5, 13808.460470856644] },
    '2': { Grocery: [16322.852112676057, 12390.0, 12224.046995860353], Fresh: [8904.323943661971, 5993.5, 8956.011954012381] },
    base: { Grocery: [7951.277272727273, 4755.5, 9492.35763751948], Fresh: [12000.297727272728, 8504.0, 12632.948725275879] }
  };

  it('gives pandas’ sizes, means, medians and population sds per cluster and for the base', async () => {
    const sizes = await rowsOf<ClusterSizeRow>(clusterSizeQuery({ labelled: 'by_channel' }));
    expect(sizes).toEqual([
      { cluster: 1, is_base: false, size: 298 },
      { cluster: 2, is_base: false, size: 142 },
      { cluster: null, is_base: true, size: 440 }
    ]);
    const rows = await rowsOf<NumericProfileRow>(numericProfileQuery({ labelled: 'by_channel', features: ['Grocery', 'Fresh'] }));
    expect(rows.map((r) => [r.cluster, r.feature])).toEqual([
      [1, 'Grocery'],
      [1, 'Fresh'],
      [2, 'Grocery'],
      [2, 'Fresh'],
      [null, 'Grocery'],
      [null, 'Fresh']
    ]);
    for (const r of rows) {
      const [mean, median, sd] = PANDAS[r.is_base ? 'base' : String(r.cluster)][r.feature];
      expect(r.n).toBe(r.is_base ? 440 : r.cluster === 1 ? 298 : 142);
      expect(Math.abs(r.mean! / mean - 1)).toBeLessThan(1e-12);
      expect(r.median).toBe(median);
      expect(Math.abs(r.sd! / sd - 1)).toBeLessThan(1e-12);
    }
  });

  it('lists each cluster’s top values with counts in the cluster and the base', async () => {
    const rows = await rowsOf<CategoryProfileRow>(categoryProfileQuery({ labelled: 'by_channel', features: ['Region', 'Channel'], top: 2 }));
    // pandas: df.groupby(['Channel', 'Region']).size() → 1: 59, 28, 211; 2: 18, 19, 105.
    expect(rows.filter((r) => r.cluster === 1 && r.feature === 'Region').map((r) => [r.value, r.count, r.size, r.base_count, r.base_size, r.rank])).toEqual([
      ['3', 211, 298, 316, 440, 1],
      ['1', 59, 298, 77, 440, 2]
    ]);
    expect(rows.filter((r) => r.cluster === 2 && r.feature === 'Channel').map((r) => [r.value, r.count])).toEqual([['2', 142]]);
    expect(rows.filter((r) => r.is_base).map((r) => [r.feature, r.value, r.count])).toEqual([
      ['Region', '3', 316],
      ['Region', '1', 77],
      ['Channel', '1', 298],
      ['Channel', '2', 142]
    ]);
  });

  it('quotes names, treats NaN and infinities as missing, and counts unlabelled rows in the base only', async () => {
    await engine.db.exec(`CREATE TABLE "odd ""names""" AS SELECT * FROM (VALUES
      (1, 1, 10.0, 'Bayern'), (2, 1, 'NaN'::DOUBLE, 'Bayern'), (3, 2, 30.0, NULL), (4, 2, 'Infinity'::DOUBLE, 'Köln'), (5, NULL, 50.0, 'Köln')
    ) AS t(id, "Gruppe ""A""", "Umsatz €", "Land's")`);
    const input = { labelled: 'odd "names"', cluster: 'Gruppe "A"' };
    expect(await rowsOf<ClusterSizeRow>(clusterSizeQuery(input))).toEqual([
      { cluster: 1, is_base: false, size: 2 },
      { cluster: 2, is_base: false, size: 2 },
      { cluster: null, is_base: false, size: 1 },
      { cluster: null, is_base: true, size: 5 }
    ]);
    const numeric = await rowsOf<NumericProfileRow>(numericProfileQuery({ ...input, features: ['Umsatz €'] }));
    expect(numeric.map((r) => [r.cluster, r.is_base, r.n, r.mean])).toEqual([
      [1, false, 1, 10],
      [2, false, 1, 30],
      [null, false, 1, 50],
      [null, true, 3, 30]
    ]);
    const cats = await rowsOf<CategoryProfileRow>(categoryProfileQuery({ ...input, features: ["Land's"] }));
    expect(cats.filter((r) => r.cluster === 2).map((r) => [r.value, r.count, r.size, r.base_count])).toEqual([['Köln', 1, 2, 2]]);
  });

  it('refuses empty feature lists and a top below 1', () => {
    expect(() => numericProfileQuery({ labelled: 't', features: [] })).toThrow(RangeError);
    expect(() => categoryProfileQuery({ labelled: 't', features: ['a'], top: 0 })).toThrow(/top/);
  });
});

/** Two clusters of 200 and 800 in a base of 1,000, built by hand. */
function handMade(): ClusterProfileRows {
  const num = (cluster: number | null, j: number, feature: string, mean: number, sd: number): NumericProfileRow => ({
    cluster,
    is_base: cluster === null,
    j,
    feature,
    n: cluster === 1 ? 200 : cluster === 2 ? 800 : 1000,
    mean,
    median: mean,
    sd
  });
  const cat = (cluster: number, value: string, count: number, baseCount: number): CategoryProfileRow => ({
    cluster,
    is_base: false,
    j: 0,
    feature: 'Bundesland',
    value,
    count,
    size: cluster === 1 ? 200 : 800,
    base_count: baseCount,
    base_size: 1000,
    rank: 0
  });
  return {
    sizes: [
      { cluster: 1, is_base: false, size: 200 },
      { cluster: 2, is_base: false, size: 800 },
      { cluster: null, is_base: true, size: 1000 }
    ],
    numeric: [
      num(1, 0, 'Umsatz', 240, 100),
      num(1, 1, 'Alter', 31.05, 8),
      num(1, 2, 'Score', 0.4, 1),
      num(2, 0, 'Umsatz', 65, 40),
      num(2, 1, 'Alter', 48.4875, 10),
      num(2, 2, 'Score', -0.9, 1),
      num(null, 0, 'Umsatz', 100, 80),
      num(null, 1, 'Alter', 45, 12),
      num(null, 2, 'Score', -0.2, 1)
    ],
    categories: [
      cat(1, 'Bayern', 60, 150),
      cat(1, 'Baden-Württemberg', 50, 120),
      cat(1, 'Nordrhein-Westfalen', 40, 250),
      cat(2, 'Nordrhein-Westfalen', 210, 250),
      cat(2, 'Bayern', 90, 150)
    ]
  };
}

describe('clusterProfiles', () => {
  it('computes ratios and standardised differences and ranks the traits by them', () => {
    const [one, two] = clusterProfiles(handMade());
    expect(one).toMatchObject({ cluster: 1, size: 200, share: 0.2 });
    expect(one.numeric[0]).toMatchObject({ feature: 'Umsatz', ratio: 2.4, effect: 1.75, baseMean: 100, baseSd: 80 });
    expect(one.numeric[2].ratio).toBeNull();
    expect(one.traits.map((t) => [t.feature, t.kind])).toEqual([
      ['Umsatz', 'numeric'],
      ['Alter', 'numeric'],
      ['Bundesland', 'category'],
      ['Score', 'numeric']
    ]);
    expect(one.traits[1].effect).toBeCloseTo(-1.1625, 12);
    const region = one.traits[2];
    expect(region.kind === 'category' && region.values.map((v) => v.value)).toEqual(['Bayern', 'Baden-Württemberg']);
    // Joint share 0.55 against 0.27: (0.55 − 0.27) / √(0.27 × 0.73).
    expect(region.effect).toBeCloseTo(0.28 / Math.sqrt(0.27 * 0.73), 12);
    expect(two.traits.map((t) => t.feature)).toEqual(['Score']);
  });

  it('takes over-represented values only with enough support and lift', () => {
    const [, two] = clusterProfiles(handMade(), { minEffect: 0.2 });
    const nrw = two.traits.find((t) => t.kind === 'category');
    // 210 / 800 = 26 % against 25 %: lift 1.05 < 1.25; Bayern 90 / 800 = 11 % < 15 % support.
    expect(nrw).toBeUndefined();
    // With the thresholds lowered NRW counts; Bayern (11 %, lift 0.75) stays out, being under-represented.
    const [, loose] = clusterProfiles(handMade(), { minEffect: 0, minLift: 1, minSupport: 0.1 });
    const values = loose.traits.find((t) => t.kind === 'category');
    expect(values?.kind === 'category' && values.values.map((v) => v.value)).toEqual(['Nordrhein-Westfalen']);
  });
});

describe('clusterProfiles on the prepared scale', () => {
  it('ranks and phrases numeric traits by the prepared effect, keeping the raw ratio only where it agrees', () => {
    // Log-prepared Umsatz: a few big spenders lift cluster 1's raw mean to 2.4× the base although
    // the cluster sits 1.1 SD below the base on the log scale, as the centre heatmap shows.
    const preparedEffects = new Map([
      ['Umsatz', [-1.1, 0.3]],
      ['Alter', [-1.2, 0.3]]
    ]);
    const [one, two] = clusterProfiles(handMade(), { preparedEffects });
    expect(one.traits.map((t) => t.feature)).toEqual(['Alter', 'Umsatz', 'Bundesland', 'Score']);
    expect(one.traits.map((t) => t.effect)).toEqual([-1.2, -1.1, expect.closeTo(0.28 / Math.sqrt(0.27 * 0.73), 12), expect.closeTo(0.6, 12)]);
    expect(describeCluster(one, 'en', en, { maxTraits: 2 }).text).toBe('31% younger, Umsatz 1.1 SD lower');
    expect(describeCluster(one, 'de', de, { maxTraits: 2 }).name).toBe('Jünger');
    // Features without a prepared effect keep the raw one (Score: −0.7); 0.3 is no trait.
    expect(two.traits.map((t) => t.feature)).toEqual(['Score']);
    expect(two.traits[0].effect).toBeCloseTo(-0.7, 12);
  });
});

describe('describeCluster', () => {
  it('describes the top traits in German with German number formats', () => {
    const [one, two] = clusterProfiles(handMade());
    expect(describeCluster(one, 'de', de)).toEqual({
      cluster: 1,
      name: 'Umsatz hoch',
      size: '200 (20\u00a0% aller)',
      traits: ['Umsatz 2,4× der Durchschnitt', '31\u00a0% jünger', 'überwiegend Bayern und Baden-Württemberg'],
      text: 'Umsatz 2,4× der Durchschnitt, 31\u00a0% jünger, überwiegend Bayern und Baden-Württemberg'
    });
    expect(describeCluster(one, 'de', de, { maxTraits: 4 }).traits[3]).toBe('Score 0,6 SD höher');
    expect(describeCluster(two, 'de', de)).toMatchObject({ name: 'Score niedrig', text: 'Score 0,7 SD niedriger' });
  });

  it('describes the top traits in English', () => {
    const [one, two] = clusterProfiles(handMade());
    expect(describeCluster(one, 'en', en)).toEqual({
      cluster: 1,
      name: 'High Umsatz',
      size: '200 (20% of all)',
      traits: ['Umsatz 2.4× the average', '31% younger', 'mostly Bayern and Baden-Württemberg'],
      text: 'Umsatz 2.4× the average, 31% younger, mostly Bayern and Baden-Württemberg'
    });
    expect(describeCluster(two, 'en', en, { kinds: { Score: 'age' } }).text).toBe('0.7 SD younger');
  });

  it('uses percentages below 2×, compares shares below half, and reads as average without traits', () => {
    const rows = handMade();
    rows.numeric = rows.numeric!.map((r) => (r.cluster === 1 && r.feature === 'Umsatz' ? { ...r, mean: 190 } : r));
    // Baden-Württemberg (25 %) lacks the support, so Bayern stands alone: 30 % against 15 %, effect 0.42.
    const [one] = clusterProfiles(rows, { minSupport: 0.26, minEffect: 0.4 });
    expect(describeCluster(one, 'de', de, { maxTraits: 4 }).traits).toEqual(['31\u00a0% jünger', 'Umsatz 90\u00a0% höher', 'Score 0,6 SD höher', 'häufig Bayern (30\u00a0% statt 15\u00a0%)']);
    expect(describeCluster(one, 'en', en, { maxTraits: 4 }).traits[3]).toBe('often Bayern (30% vs. 15%)');
    const [, calm] = clusterProfiles(handMade(), { minEffect: 5 });
    expect(describeCluster(calm, 'de', de)).toMatchObject({ name: 'Cluster 2', text: 'in allen Merkmalen nahe am Durchschnitt' });
    expect(describeCluster(calm, 'en', en).text).toBe('close to the average in every feature');
  });
});

describe('describeClusters', () => {
  it('adds the next trait, then the number, to names two clusters share', () => {
    const [one] = clusterProfiles(handMade());
    const twin: ClusterProfile = { ...one, cluster: 2, traits: [one.traits[0], one.traits[2]] };
    const triplet: ClusterProfile = { ...one, cluster: 3, traits: [one.traits[0], one.traits[2]] };
    expect(describeClusters([one, twin, triplet], 'en', en).map((d) => d.name)).toEqual([
      'High Umsatz, Younger',
      'High Umsatz, Bayern + Baden-Württemberg (2)',
      'High Umsatz, Bayern + Baden-Württemberg (3)'
    ]);
  });
});

describe('featureKind', () => {
  it('recognises ages by name and nothing that merely contains the word', () => {
    expect(['Age', 'alter', 'Alter in Jahren', 'customer_age', 'KundenAlter'].map(featureKind)).toEqual(['age', 'age', 'age', 'age', 'age']);
    expect(['account_age', 'Average', 'percentage', 'Umsatz'].map(featureKind)).toEqual(['generic', 'generic', 'generic', 'generic']);
  });
});

describe('cluster profile of the wholesale customers', () => {
  let profiles: ClusterProfile[];

  beforeAll(async () => {
    const features: ClusterFeature[] = SPEND.map((column) => ({ column, prep: 'log1p_z' }));
    const prepared = await prepareFeatures(engine, 'wholesale', 'customer', features);
    const fit = fitClusters(prepared, 2, { seed: 0 });
    await writeLabels(engine, 'wholesale_labels', prepared.keys, fit.labels, 'customer');
    await engine.db.exec(`CREATE VIEW wholesale_clusters AS SELECT l.customer, l.cluster, w.* EXCLUDE (customer) FROM wholesale_labels l JOIN wholesale w USING (customer)`);
    const input = { labelled: 'wholesale_clusters' };
    profiles = clusterProfiles({
      sizes: await rowsOf(clusterSizeQuery(input)),
      numeric: await rowsOf(numericProfileQuery({ ...input, features: SPEND })),
      categories: await rowsOf(categoryProfileQuery({ ...input, features: ['Channel', 'Region'] }))
    });
  });

  it('describes the grocery-heavy cluster by groceries, detergents and the retail channel', () => {
    expect(profiles).toHaveLength(2);
    expect(profiles[0].size + profiles[1].size).toBe(440);
    const grocery = (p: ClusterProfile) => p.numeric.find((s) => s.feature === 'Grocery')!.mean!;
    const [retail, other] = grocery(profiles[0]) > grocery(profiles[1]) ? profiles : [profiles[1], profiles[0]];
    const top = retail.traits.slice(0, 4).map((t) => t.feature);
    expect(top).toContain('Grocery');
    expect(top).toContain('Detergents_Paper');
    const text = { de: describeCluster(retail, 'de', de, { maxTraits: 4 }).text, en: describeCluster(retail, 'en', en, { maxTraits: 4 }).text };
    expect(text.de).toMatch(/Detergents_Paper (\d+,\d× der Durchschnitt|\d+\u00a0% höher)/);
    expect(text.en).toMatch(/Grocery (\d+\.\d× the average|\d+% higher)/);
    // Most retail customers (Channel 2) fall in this cluster: it is mostly or almost only channel 2.
    expect(text.de).toMatch(/(überwiegend|fast nur) Channel 2/);
    expect(text.en).toMatch(/(mostly|almost only) Channel 2/);
    // The other cluster buys fewer groceries and detergents than the base.
    const lower = other.numeric.find((s) => s.feature === 'Detergents_Paper')!;
    expect(lower.effect!).toBeLessThan(0);
    expect(describeClusters(profiles, 'en', en).map((d) => d.name)[0]).not.toBe(describeClusters(profiles, 'en', en).map((d) => d.name)[1]);
  });
});
