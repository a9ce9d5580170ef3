/**
 * Vega-Lite specs of a cluster cell: the k selection (inertia and silhouette over k with the
 * suggested k marked and why), a heatmap of the cluster centres over the prepared dimensions, and
 * a map of the customers on their first two principal components coloured by cluster. Pure: each
 * chart is a rows function (results → flat rows) and a spec function whose data is the named set
 * `values` (never embedded). Every text shown comes from `ClusterChartLabels` (German and English
 * defaults, each overridable); numbers follow the locale (`1.234,5` for de).
 */
import { CHART_DATA } from './chart-spec';
import { chartFrame } from './frame';
import type { TopLevelSpec } from 'vega-lite';
import type { KSuggestion, KSuggestionReason } from '../analysis/kmeans';
import { createRng, sampleIndices } from '../analysis/random';
import type { PreparedDim } from '../sql/cluster-prepare';

/** Name of the data set every cluster chart reads. */
export const CLUSTER_CHART_DATA = CHART_DATA;

/** Every text a cluster chart shows. */
export interface ClusterChartLabels {
  k: string;
  inertia: string;
  silhouette: string;
  suggested: string;
  elbow: string;
  reasons: Record<KSuggestionReason, string>;
  cluster: string;
  dimension: string;
  /** The standardised centre. */
  value: string;
  /** The centre in prepared units. */
  centroid: string;
  /** A one-hot feature's column for all other levels. */
  other: string;
  component: string;
  /** Follows the explained share in an axis title: `PC1 (44 % of variance)`. */
  variance: string;
}

/** Default labels per locale. */
export const CLUSTER_CHART_LABELS: Record<'de' | 'en', ClusterChartLabels> = {
  de: {
    k: 'Anzahl Cluster (k)',
    inertia: 'Inertia (Fehlerquadratsumme)',
    silhouette: 'Silhouette',
    suggested: 'Vorschlag',
    elbow: 'Knick',
    reasons: { 'max-silhouette': 'höchste Silhouette', elbow: 'Knick der Inertia-Kurve', 'fewest-clusters': 'kleinstes k' },
    cluster: 'Cluster',
    dimension: 'Merkmal',
    value: 'Abweichung (SD)',
    centroid: 'Zentrum (aufbereitet)',
    other: 'andere',
    component: 'HK',
    variance: 'der Varianz'
  },
  en: {
    k: 'Number of clusters (k)',
    inertia: 'Inertia (within-cluster sum of squares)',
    silhouette: 'Silhouette',
    suggested: 'Suggested',
    elbow: 'Elbow',
    reasons: { 'max-silhouette': 'highest silhouette', elbow: 'elbow of the inertia curve', 'fewest-clusters': 'smallest k' },
    cluster: 'Cluster',
    dimension: 'Feature',
    value: 'Difference (SD)',
    centroid: 'Centre (prepared)',
    other: 'other',
    component: 'PC',
    variance: 'of variance'
  }
};

/** Locale, title and label overrides of a cluster chart. */
export interface ClusterChartOptions {
  locale: 'de' | 'en';
  title?: string;
  labels?: Partial<ClusterChartLabels>;
}

const LINE = '#3b5bdb';
const RULE = '#212529';
type Def = Record<string, unknown>;

function labelsOf(options: ClusterChartOptions): ClusterChartLabels {
  return { ...CLUSTER_CHART_LABELS[options.locale], ...options.labels };
}

/** Schema, named data, title, locale and look shared by the cluster charts. */
function clusterFrame(options: ClusterChartOptions, body: Def): TopLevelSpec {
  return chartFrame(options, body, { labelLimit: 180, config: { legend: { labelLimit: 220 } } });
}

/** One k of the k-selection chart. */
export interface KSelectionRow {
  k: number;
  inertia: number;
  /** null where none was computed (k = 1). */
  silhouette: number | null;
}

/**
 * The rows of the k-selection chart, by k.
 * @param points the fitted k (`KSelection.points`)
 */
export function kSelectionRows(points: readonly KSelectionRow[]): KSelectionRow[] {
  return [...points]
    .sort((a, b) => a.k - b.k)
    .map((p) => ({ k: p.k, inertia: p.inertia, silhouette: p.silhouette !== null && Number.isFinite(p.silhouette) ? p.silhouette : null }));
}

/**
 * The suggested k and why, in the chart's language: `Suggested: k = 3 (highest silhouette)`.
 * @param suggestion the suggestion (`KSelection.suggestion`)
 * @param options locale and labels
 */
export function kSuggestionLabel(suggestion: KSuggestion, options: ClusterChartOptions): string {
  const l = labelsOf(options);
  return `${l.suggested}: k = ${suggestion.k} (${l.reasons[suggestion.reason]})`;
}

/**
 * Inertia (the elbow curve) above the silhouette, both over k with a shared axis; a rule marks the
 * suggested k in both panels, labelled with the reason, and a dashed rule the elbow when it is
 * another k. Reads `KSelectionRow`s.
 * @param suggestion the suggestion (`KSelection.suggestion`)
 * @param options locale, title, labels, and the width of a panel (default 420; concatenated views
 *   cannot fit their container)
 */
export function kSelectionSpec(suggestion: KSuggestion, options: ClusterChartOptions & { panelWidth?: number }): TopLevelSpec {
  const l = labelsOf(options);
  const x = { field: 'k', type: 'quantitative', title: l.k, scale: { zero: false, nice: false }, axis: { tickMinStep: 1, format: 'd' } };
  const once = [{ aggregate: [{ op: 'count', as: '__seglab_n' }] }];
  // Datum-only marks name themselves (screen readers; axe svg-img-alt); the elbow's label sits a
  // line lower so it never overlaps the suggestion's at the next k.
  const marker = (k: number, text: string, dashed: boolean): Def[] => [
    {
      transform: once,
      mark: { type: 'rule', color: RULE, strokeWidth: 1.5, ...(dashed ? { strokeDash: [5, 4] } : {}) },
      encoding: { x: { datum: k, type: 'quantitative' }, description: { value: `${text} (k = ${k})` } }
    },
    {
      transform: once,
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, fontSize: 11, color: RULE },
      encoding: { x: { datum: k, type: 'quantitative' }, y: { value: dashed ? 16 : 2 }, text: { value: text }, description: { value: `${text} (k = ${k})` } }
    }
  ];
  const panel = (field: keyof KSelectionRow, title: string, format: string, markers: Def[]): Def => ({
    width: options.panelWidth ?? 420,
    height: 150,
    layer: [
      {
        transform: [{ filter: `isValid(datum.${field})` }],
        mark: { type: 'line', color: LINE, point: { color: LINE }, tooltip: true },
        encoding: {
          x,
          y: { field, type: 'quantitative', title, scale: { zero: false }, axis: { format } },
          tooltip: [
            { field: 'k', type: 'quantitative', title: 'k' },
            { field, type: 'quantitative', title, format }
          ]
        }
      },
      ...markers
    ]
  });
  const suggested = marker(suggestion.k, kSuggestionLabel(suggestion, options), false);
  const elbow = suggestion.elbowK !== null && suggestion.elbowK !== suggestion.k ? marker(suggestion.elbowK, l.elbow, true) : [];
  return clusterFrame(options, {
    spacing: 12,
    resolve: { scale: { x: 'shared' } },
    vconcat: [panel('inertia', l.inertia, ',.4~r', [...suggested, ...elbow]), panel('silhouette', l.silhouette, '.3f', suggested)]
  });
}

/** One cell of the centre heatmap: a cluster × a prepared dimension. */
export interface CentroidRow {
  cluster: string;
  /** 0-based position of the cluster (the order of the axis). */
  clusterIndex: number;
  dimension: string;
  dimIndex: number;
  /** The centre standardised by the dimension's mean and sd over all rows (0 for a constant dimension). */
  value: number;
  /** The centre in prepared units. */
  centroid: number;
}

/** Mean and population sd of every prepared dimension over the rows. */
export interface DimensionScale {
  mean: Float64Array;
  sd: Float64Array;
}

/** The centres of a fit and the scale of the prepared dimensions, as the centre heatmap reads them. */
export interface CentroidInput {
  /** k × d centres, row-major. */
  centroids: Float64Array;
  scale: DimensionScale;
  dims: readonly PreparedDim[];
}

/**
 * The mean and population sd of each column of a row-major matrix (two passes, for precision).
 * @param matrix n × d values
 * @param n rows
 * @param d columns
 */
export function dimensionScale(matrix: Float64Array, n: number, d: number): DimensionScale {
  if (matrix.length !== n * d) throw new RangeError(`expected ${n} × ${d} values, got ${matrix.length}`);
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += matrix[i * d + j] / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const diff = matrix[i * d + j] - mean[j];
      sq[j] += diff * diff;
    }
  }
  return { mean, sd: sq.map((v) => Math.sqrt(v / n)) };
}

/**
 * The label of a prepared dimension: the feature, `feature = level` for a one-hot level, or
 * `feature = other` for the other levels.
 * @param dim the dimension
 * @param options locale and labels
 */
export function dimensionLabel(dim: PreparedDim, options: ClusterChartOptions): string {
  if (dim.prep !== 'onehot') return dim.feature;
  return `${dim.feature} = ${dim.other ? labelsOf(options).other : dim.level}`;
}

/**
 * The rows of the centre heatmap: every cluster × dimension, the centre standardised as (centre −
 * mean) / sd with the dimension's mean and population sd over the prepared rows, so z-scored,
 * robust, unscaled, weighted and one-hot dimensions share one scale (for one-hot: the difference of
 * the level's share from the base's, in units of its sd).
 * @param input centres, the dimensions' scale (`dimensionScale`) and the dimensions
 * @param names the clusters' names, in cluster order
 * @param options locale and labels (for one-hot labels)
 * @throws RangeError when the shapes disagree
 */
export function centroidRows(input: CentroidInput, names: readonly string[], options: ClusterChartOptions): CentroidRow[] {
  const { centroids, scale, dims } = input;
  const d = dims.length;
  if (scale.mean.length !== d || centroids.length !== names.length * d) {
    throw new RangeError(`expected ${d} dimensions and ${names.length} × ${d} centres, got ${scale.mean.length} and ${centroids.length}`);
  }
  const labels = dims.map((dim) => dimensionLabel(dim, options));
  return names.flatMap((cluster, c) =>
    dims.map((_, j) => {
      const centroid = centroids[c * d + j];
      const sd = scale.sd[j];
      return { cluster, clusterIndex: c, dimension: labels[j], dimIndex: j, value: sd > 0 ? (centroid - scale.mean[j]) / sd : 0, centroid };
    })
  );
}

/**
 * A heatmap of cluster centres: clusters down, prepared dimensions across, coloured on a diverging
 * scale centred at 0 (red above the average, blue below), the standardised value in each cell.
 * Reads `CentroidRow`s.
 * @param options locale, title and labels
 */
export function centroidHeatmapSpec(options: ClusterChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  const tooltip = [
    { field: 'cluster', type: 'nominal', title: l.cluster },
    { field: 'dimension', type: 'nominal', title: l.dimension },
    { field: 'value', type: 'quantitative', title: l.value, format: '+.2f' },
    { field: 'centroid', type: 'quantitative', title: l.centroid, format: ',.3f' }
  ];
  return clusterFrame(options, {
    width: { step: 44 },
    height: { step: 30 },
    encoding: {
      x: { field: 'dimension', type: 'nominal', title: null, sort: { field: 'dimIndex', op: 'min', order: 'ascending' }, axis: { labelAngle: -35, orient: 'top' } },
      y: { field: 'cluster', type: 'nominal', title: null, sort: { field: 'clusterIndex', op: 'min', order: 'ascending' } },
      tooltip
    },
    layer: [
      {
        mark: { type: 'rect', tooltip: true },
        encoding: { color: { field: 'value', type: 'quantitative', title: l.value, scale: { scheme: 'redblue', reverse: true, domainMid: 0 } } }
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'value', type: 'quantitative', format: '.1f' },
          color: { condition: { test: 'abs(datum.value) > 1.5', value: 'white' }, value: 'black' }
        }
      }
    ]
  });
}

/** One customer on the PCA map. */
export interface PcaRow {
  pc1: number;
  pc2: number;
  cluster: string;
  clusterIndex: number;
}

/** The projection and the clusters the PCA map reads. */
export interface PcaInput {
  /** n × 2 scores, row-major (`Pca2Result.projection`). */
  projection: Float64Array;
  /** Cluster index in [0, k) per row. */
  labels: Int32Array;
}

/** Sampling of the PCA map's rows. */
export interface PcaSampleOptions {
  /** Rows drawn at most (uniformly, without replacement). Default 5,000. */
  max?: number;
  /** Seed of the sample. Default 0. */
  seed?: number;
}

/**
 * The rows of the PCA map: every customer's two scores and cluster name, or a seeded uniform sample
 * of `max` of them when there are more (in row order either way).
 * @param input the projection and the label per row
 * @param names the clusters' names, in cluster order
 * @param sample the largest number of rows and the seed
 * @throws RangeError when the projection and labels disagree or a label has no name
 */
export function pcaRows(input: PcaInput, names: readonly string[], sample: PcaSampleOptions = {}): PcaRow[] {
  const { projection, labels } = input;
  const n = labels.length;
  if (projection.length !== 2 * n) throw new RangeError(`expected ${2 * n} scores for ${n} labels, got ${projection.length}`);
  const { max = 5000, seed = 0 } = sample;
  const rows = n > max ? Array.from(sampleIndices(n, max, createRng(seed))).sort((a, b) => a - b) : Array.from({ length: n }, (_, i) => i);
  return rows.map((i) => {
    const c = labels[i];
    if (names[c] === undefined) throw new RangeError(`cluster ${c} of row ${i} has no name`);
    return { pc1: projection[2 * i], pc2: projection[2 * i + 1], cluster: names[c], clusterIndex: c };
  });
}

/**
 * A scatter of customers on the first two principal components, coloured by cluster (in the given
 * order), with each component's share of the variance in its axis title. Reads `PcaRow`s.
 * @param input the explained variance ratios of PC1 and PC2 and the clusters' names in order
 * @param options locale, title and labels
 */
export function pcaMapSpec(input: { explained: readonly [number, number]; clusters: readonly string[] }, options: ClusterChartOptions): TopLevelSpec {
  const l = labelsOf(options);
  const pct = new Intl.NumberFormat(options.locale === 'de' ? 'de-DE' : 'en-US', { style: 'percent', maximumFractionDigits: 1 });
  const axis = (i: 1 | 2) => `${l.component}${i} (${pct.format(input.explained[i - 1])} ${l.variance})`;
  return clusterFrame(options, {
    width: 'container',
    height: 360,
    autosize: { type: 'fit-x', contains: 'padding', resize: true },
    mark: { type: 'circle', size: 22, opacity: 0.7, tooltip: true },
    encoding: {
      x: { field: 'pc1', type: 'quantitative', title: axis(1), scale: { zero: false } },
      y: { field: 'pc2', type: 'quantitative', title: axis(2), scale: { zero: false } },
      color: { field: 'cluster', type: 'nominal', title: l.cluster, scale: { domain: [...input.clusters], scheme: 'tableau10' } },
      tooltip: [
        { field: 'cluster', type: 'nominal', title: l.cluster },
        { field: 'pc1', type: 'quantitative', title: `${l.component}1`, format: '.2f' },
        { field: 'pc2', type: 'quantitative', title: `${l.component}2`, format: '.2f' }
      ]
    }
  });
}
