import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pca2, type Pca2Result } from '../../src/lib/analysis/pca';
import {
  centroidHeatmapSpec,
  centroidRows,
  dimensionScale,
  CLUSTER_CHART_LABELS,
  dimensionLabel,
  kSelectionRows,
  kSelectionSpec,
  kSuggestionLabel,
  pcaMapSpec,
  pcaRows
} from '../../src/lib/charts/cluster-charts';
import { fitClusters, kSelection, prepareFeatures, type ClusterFit, type KSelection, type PreparedFeatures } from '../../src/lib/engine/cluster';
import type { ClusterFeature } from '../../src/lib/sql/cluster-prepare';
import { ident, sql } from '../../src/lib/sql/quote';
import { dataset } from './helpers/datasets';
import { file, openTestEngine } from './helpers/db';
import { countRole as count, expectValidSpec as expectValid, renderSvg as render } from './helpers/vega-render';

const LOCALES = ['de', 'en'] as const;

let prepared: PreparedFeatures;
let selection: KSelection;
let fit: ClusterFit;
let pca: Pca2Result;
let names: string[];

// Wholesale spend (log1p, z-scored) plus Region one-hot: numeric and one-hot dimensions alike.
beforeAll(async () => {
  const engine = await openTestEngine();
  const info = await engine.load(file('customers.csv', new Uint8Array(readFileSync(dataset('wholesale/customers.csv')))), { table: 'wholesale raw' });
  await engine.db.exec(String(sql`CREATE TABLE wholesale AS SELECT rowid + 1 AS customer, * FROM ${ident(info.name)}`));
  const features: ClusterFeature[] = [
    ...['Fresh', 'Milk', 'Grocery', 'Frozen', 'Detergents_Paper', 'Delicatessen'].map((column): ClusterFeature => ({ column, prep: 'log1p_z' })),
    { column: 'Region', prep: 'onehot', top: 2 }
  ];
  prepared = await prepareFeatures(engine, 'wholesale', 'customer', features);
  selection = kSelection(prepared, 1, 6, { restarts: 4, seed: 0 });
  fit = fitClusters(prepared, selection.suggestion.k, { restarts: 4, seed: 0 });
  pca = pca2(prepared.matrix, prepared.n, prepared.d);
  names = Array.from({ length: fit.k }, (_, c) => (c === 0 ? 'Großkunden "A"' : `Cluster ${c + 1}`));
});

describe('kSelectionRows / kSelectionSpec', () => {
  it('validates and draws both curves with the suggested k marked and explained', async () => {
    const rows = kSelectionRows(selection.points);
    expect(rows.map((r) => r.k)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows[0].silhouette).toBeNull();
    for (const locale of LOCALES) {
      const spec = kSelectionSpec(selection.suggestion, { locale, title: 'k' });
      expectValid(spec, 'k selection');
      const svg = await render(spec, rows);
      // Six inertia points, five silhouette points (none for k = 1).
      expect(count(svg, 'point')).toBe(11);
      expect(count(svg, 'line mark')).toBe(2);
      const label = kSuggestionLabel(selection.suggestion, { locale });
      expect(svg.split(`>${label}<`).length - 1).toBe(2);
      expect(svg).toContain(`>${CLUSTER_CHART_LABELS[locale].silhouette}<`);
    }
  });

  it('names the reason in the chart’s language and marks a different elbow apart', async () => {
    const suggestion = { k: 2, reason: 'max-silhouette' as const, silhouetteK: 2, elbowK: 3 };
    expect(kSuggestionLabel(suggestion, { locale: 'de' })).toBe('Vorschlag: k = 2 (höchste Silhouette)');
    expect(kSuggestionLabel({ ...suggestion, reason: 'elbow', k: 3 }, { locale: 'en' })).toBe('Suggested: k = 3 (elbow of the inertia curve)');
    const svg = await render(kSelectionSpec(suggestion, { locale: 'de' }), kSelectionRows(selection.points));
    expect(svg).toContain('>Knick<');
    expect(svg.match(/stroke-dasharray="5,4"/g)).toHaveLength(1);
    const same = await render(kSelectionSpec({ ...suggestion, elbowK: 2 }, { locale: 'de' }), kSelectionRows(selection.points));
    expect(same).not.toContain('>Knick<');
  });

  it('formats large inertias in the locale', async () => {
    const svg = await render(kSelectionSpec(selection.suggestion, { locale: 'de' }), kSelectionRows(selection.points));
    expect(svg).toMatch(/>\d\.\d{3}</);
  });
});

describe('centroidRows / centroidHeatmapSpec', () => {
  it('standardises centres so a one-hot level reads as its share against the base', () => {
    const rows = centroidRows({ centroids: fit.centroids, scale: dimensionScale(prepared.matrix, prepared.n, prepared.d), dims: prepared.dims }, names, { locale: 'en' });
    expect(rows).toHaveLength(fit.k * prepared.d);
    const j = prepared.dims.findIndex((d) => d.prep === 'onehot' && d.level === '3');
    // Base share of Region 3 is 316 / 440; a cluster's centre in that column is its share.
    const p = 316 / 440;
    for (let c = 0; c < fit.k; c++) {
      const row = rows.find((r) => r.clusterIndex === c && r.dimIndex === j)!;
      expect(row.dimension).toBe('Region = 3');
      expect(row.value).toBeCloseTo((row.centroid - p) / Math.sqrt(p * (1 - p)), 10);
    }
    // The size-weighted mean of each standardised column is 0 (k-means centres are cluster means).
    for (let d = 0; d < prepared.d; d++) {
      const mean = rows.filter((r) => r.dimIndex === d).reduce((s, r) => s + (r.value * fit.sizes[r.clusterIndex]) / prepared.n, 0);
      expect(Math.abs(mean)).toBeLessThan(1e-9);
    }
    expect(() => centroidRows({ centroids: fit.centroids, scale: dimensionScale(prepared.matrix, prepared.n, prepared.d), dims: prepared.dims }, ['one'], { locale: 'en' })).toThrow(RangeError);
  });

  it('labels the other levels of a one-hot feature in the locale', () => {
    const other = { name: 'f9', feature: 'Region', prep: 'onehot' as const, level: null, other: true, weight: 1, description: '' };
    expect(dimensionLabel(other, { locale: 'de' })).toBe('Region = andere');
    expect(dimensionLabel(other, { locale: 'en' })).toBe('Region = other');
  });

  it('validates and draws a coloured cell with its value for every cluster and dimension', async () => {
    for (const locale of LOCALES) {
      const rows = centroidRows({ centroids: fit.centroids, scale: dimensionScale(prepared.matrix, prepared.n, prepared.d), dims: prepared.dims }, names, { locale });
      const spec = centroidHeatmapSpec({ locale });
      expectValid(spec, 'centroid heatmap');
      const svg = await render(spec, rows);
      expect(count(svg, 'rect mark')).toBe(rows.length);
      expect(count(svg, 'text mark')).toBe(rows.length);
      expect(svg).toContain('>Großkunden "A"<');
      expect(svg).toContain('>Detergents_Paper<');
      expect(svg).toMatch(locale === 'de' ? />-?\d,\d</ : />-?\d\.\d</);
    }
  });
});

describe('pcaRows / pcaMapSpec', () => {
  it('samples rows reproducibly and keeps them in row order', () => {
    const all = pcaRows({ projection: pca.projection, labels: fit.labels }, names);
    expect(all).toHaveLength(prepared.n);
    expect(all[7]).toEqual({ pc1: pca.projection[14], pc2: pca.projection[15], cluster: names[fit.labels[7]], clusterIndex: fit.labels[7] });
    const sample = pcaRows({ projection: pca.projection, labels: fit.labels }, names, { max: 100, seed: 3 });
    expect(sample).toHaveLength(100);
    expect(pcaRows({ projection: pca.projection, labels: fit.labels }, names, { max: 100, seed: 3 })).toEqual(sample);
    expect(new Set(sample.map((r) => r.pc1)).size).toBe(100);
    const positions = sample.map((r) => all.findIndex((a) => a.pc1 === r.pc1 && a.pc2 === r.pc2));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(() => pcaRows({ projection: pca.projection, labels: fit.labels }, ['one'])).toThrow(/no name/);
  });

  it('validates and draws every sampled customer with the explained variance on the axes', async () => {
    const rows = pcaRows({ projection: pca.projection, labels: fit.labels }, names, { max: 300 });
    const share = (x: number, locale: 'de' | 'en') => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(x);
    for (const locale of LOCALES) {
      const spec = pcaMapSpec({ explained: pca.explainedVarianceRatio, clusters: names }, { locale });
      expectValid(spec, 'pca map');
      const svg = await render(spec, rows);
      expect(count(svg, 'circle')).toBe(300);
      const l = CLUSTER_CHART_LABELS[locale];
      expect(svg).toContain(`>${l.component}1 (${share(pca.explainedVarianceRatio[0], locale)} ${l.variance})<`);
      expect(svg).toContain(`>${l.component}2 (${share(pca.explainedVarianceRatio[1], locale)} ${l.variance})<`);
      for (const name of names) expect(svg).toContain(`>${name}<`);
    }
  });
});
