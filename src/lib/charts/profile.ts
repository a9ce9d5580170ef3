/**
 * Tiny Vega-Lite charts for a column profile: a histogram for numbers and dates, a horizontal bar
 * chart of the most frequent values for text, booleans and everything else. Pure: the spec names
 * its data (`values`) and the rows are returned beside it, with labels already formatted for the
 * caller's locale.
 */
import type { TopLevelSpec } from 'vega-lite';

/** Name of the data set every profile chart reads; bind `values` to it. */
export const PROFILE_DATA = 'values';

/** The parts of a column profile a chart needs (a `ColumnProfile` fits). */
export interface ProfileChartColumn {
  name: string;
  kind: 'number' | 'date' | 'string' | 'boolean' | 'other';
  top: readonly { value: string | null; count: number }[];
  bins: readonly { x0: number | string; x1: number | string; count: number }[];
}

/** Locale, size and colour of a profile chart. */
export interface ProfileChartOptions {
  /** BCP 47 locale of labels and numbers: `de-DE` (default) writes `1.234,5`, `en-US` `1,234.5`. */
  locale?: string;
  width?: number;
  height?: number;
  color?: string;
}

/** One histogram bar: bounds (numbers, or epoch milliseconds for dates) and formatted labels. */
export interface HistogramDatum {
  x0: number;
  x1: number;
  count: number;
  range: string;
  countLabel: string;
}

/** One bar of the most frequent values. */
export interface TopValueDatum {
  value: string;
  count: number;
  countLabel: string;
}

/** A spec reading the named data set `values`, and the rows to bind to it. */
export interface ProfileChart {
  spec: TopLevelSpec;
  values: HistogramDatum[] | TopValueDatum[];
}

interface Words {
  range: string;
  value: string;
  count: string;
  empty: string;
  histogram: string;
  top: string;
}

const WORDS: Record<'de' | 'en', Words> = {
  de: { range: 'Bereich', value: 'Wert', count: 'Anzahl', empty: '(leer)', histogram: 'Verteilung von', top: 'Häufigste Werte von' },
  en: { range: 'Range', value: 'Value', count: 'Count', empty: '(empty)', histogram: 'Distribution of', top: 'Most frequent values of' }
};

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Builds the mini chart of one profiled column.
 * @param column the column profile (kind, top values, bins)
 * @param options locale, size and colour
 * @returns the spec (data named `values`) and the rows to bind to it
 */
export function profileChart(column: ProfileChartColumn, options: ProfileChartOptions = {}): ProfileChart {
  if (column.kind === 'number' || column.kind === 'date') return histogramChart(column, options);
  return topValuesChart(column, options);
}

/**
 * A histogram over pre-computed bins (`bin: 'binned'` for numbers, a UTC time scale for dates).
 * @param column the column profile
 * @param options locale, size and colour
 */
export function histogramChart(column: ProfileChartColumn, options: ProfileChartOptions = {}): ProfileChart {
  const { locale, words, width, height, color } = resolve(options);
  const temporal = column.kind === 'date';
  const values = temporal ? dateBins(column.bins, locale) : numberBins(column.bins, locale);
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    description: `${words.histogram} ${column.name}`,
    width,
    height,
    padding: 0,
    data: { name: PROFILE_DATA },
    mark: { type: 'bar', color, binSpacing: 1 },
    encoding: {
      x: temporal
        ? { field: 'x0', type: 'temporal', scale: { type: 'utc' }, axis: null }
        : { field: 'x0', type: 'quantitative', bin: 'binned', scale: { zero: false }, axis: null },
      x2: { field: 'x1' },
      y: { field: 'count', type: 'quantitative', axis: null },
      // A ranged temporal x is not binned, so Vega-Lite would not anchor the bars at zero by itself.
      ...(temporal ? { y2: { datum: 0 } } : {}),
      tooltip: [
        { field: 'range', type: 'nominal', title: words.range },
        { field: 'countLabel', type: 'nominal', title: words.count }
      ]
    },
    config: { view: { stroke: null } }
  };
  return { spec, values };
}

/**
 * A horizontal bar chart of the most frequent values, in the profile's order.
 * @param column the column profile
 * @param options locale, size and colour
 */
export function topValuesChart(column: ProfileChartColumn, options: ProfileChartOptions = {}): ProfileChart {
  const { locale, words, width, height, color } = resolve(options);
  const counts = new Intl.NumberFormat(locale);
  const values: TopValueDatum[] = column.top.map((t) => ({
    value: t.value ?? words.empty,
    count: t.count,
    countLabel: counts.format(t.count)
  }));
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    description: `${words.top} ${column.name}`,
    width,
    height,
    padding: 0,
    data: { name: PROFILE_DATA },
    mark: { type: 'bar', color },
    encoding: {
      y: {
        field: 'value',
        type: 'nominal',
        sort: null,
        axis: { title: null, domain: false, ticks: false, labelFontSize: 9, labelLimit: 70, labelPadding: 2 }
      },
      x: { field: 'count', type: 'quantitative', axis: null },
      tooltip: [
        { field: 'value', type: 'nominal', title: words.value },
        { field: 'countLabel', type: 'nominal', title: words.count }
      ]
    },
    config: { view: { stroke: null } }
  };
  return { spec, values };
}

function resolve(options: ProfileChartOptions) {
  const locale = options.locale ?? 'de-DE';
  return {
    locale,
    words: WORDS[locale.toLowerCase().startsWith('de') ? 'de' : 'en'],
    width: options.width ?? 160,
    height: options.height ?? 60,
    color: options.color ?? '#4c78a8'
  };
}

function numberBins(bins: ProfileChartColumn['bins'], locale: string): HistogramDatum[] {
  const numeric = bins.filter((b): b is { x0: number; x1: number; count: number } => typeof b.x0 === 'number' && typeof b.x1 === 'number');
  const decimals = Math.min(10, Math.max(0, ...numeric.flatMap((b) => [decimalsOf(b.x0), decimalsOf(b.x1)])));
  const edge = new Intl.NumberFormat(locale, { maximumFractionDigits: decimals });
  const counts = new Intl.NumberFormat(locale);
  return numeric.map((b) => ({
    x0: b.x0,
    x1: b.x1,
    count: b.count,
    range: `${edge.format(b.x0)} – ${edge.format(b.x1)}`,
    countLabel: counts.format(b.count)
  }));
}

function decimalsOf(x: number): number {
  const m = /\.(\d+)$/.exec(String(x));
  return m ? m[1].length : 0;
}

function dateBins(bins: ProfileChartColumn['bins'], locale: string): HistogramDatum[] {
  const parsed = bins
    .map((b) => ({ x0: utcMillis(b.x0), x1: utcMillis(b.x1), count: b.count }))
    .filter((b) => Number.isFinite(b.x0) && Number.isFinite(b.x1));
  const withTime = parsed.some((b) => b.x0 % 86_400_000 !== 0 || b.x1 % 86_400_000 !== 0);
  const format = new Intl.DateTimeFormat(locale, withTime ? { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' } : { timeZone: 'UTC', dateStyle: 'medium' });
  const counts = new Intl.NumberFormat(locale);
  return parsed.map((b) => ({
    ...b,
    range: `${format.format(b.x0)} – ${format.format(b.x1)}`,
    countLabel: counts.format(b.count)
  }));
}

/** ISO date or zone-less date-time → epoch milliseconds, read as UTC wall-clock time. */
function utcMillis(x: number | string): number {
  if (typeof x === 'number') return x;
  const wallClock = /T/.test(x) && !/(Z|[+-]\d\d:?\d\d)$/i.test(x);
  return Date.parse(wallClock ? `${x}Z` : x);
}
