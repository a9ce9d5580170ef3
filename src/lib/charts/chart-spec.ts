/**
 * Vega-Lite specs for chart cells, and the defaults and checks around them. Pure: the spec reads
 * the named data set `values` (the rows `chartQuery` returns); nothing is embedded.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_MARKS, type ChartConfig, type ChartMark } from '../notebook/model';
import { aggregateOf, measureName } from './chart-query';

/** Name of the data set a chart cell's spec reads. */
export const CHART_DATA = 'values';

/** A column of a result: its name and DuckDB type. */
export interface ChartColumn {
  name: string;
  type: string;
}

/** Locale and title of a chart. */
export interface ChartSpecOptions {
  locale: 'de' | 'en';
  title?: string;
}

type FieldKind = 'number' | 'time' | 'text';

/**
 * How a DuckDB type is drawn: numbers, times (dates, timestamps) or text (everything else).
 * @param type a DuckDB type name, e.g. `DECIMAL(18,2)`
 */
export function fieldKind(type: string): FieldKind {
  const t = type.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL)/.test(t)) return 'number';
  if (/^(DATE|TIMESTAMP)/.test(t)) return 'time';
  return 'text';
}

/**
 * A sensible chart for a result, from its column types: a date and a number → line over time;
 * a category and a number → bar of the sum; two numbers → scatter; one number → histogram;
 * only categories → bar of counts. With `mark`, the fields that mark needs are picked.
 * @param columns the input result's columns
 * @param mark the chart type the user asked for
 */
export function chartDefaults(columns: ChartColumn[], mark?: ChartMark): ChartConfig {
  const nums = columns.filter((c) => fieldKind(c.type) === 'number').map((c) => c.name);
  const times = columns.filter((c) => fieldKind(c.type) === 'time').map((c) => c.name);
  const texts = columns.filter((c) => fieldKind(c.type) === 'text').map((c) => c.name);
  const chosen =
    mark ?? (times.length && nums.length ? 'line' : texts.length && nums.length ? 'bar' : nums.length >= 2 ? 'scatter' : nums.length ? 'histogram' : 'bar');
  const lastNum = nums.at(-1);
  switch (chosen) {
    case 'bar':
      return withFields({ mark: 'bar' }, texts[0] ?? times[0] ?? nums[0], lastNum && lastNum !== (texts[0] ?? times[0] ?? nums[0]) ? lastNum : undefined);
    case 'line':
    case 'area':
      return withFields({ mark: chosen }, times[0] ?? nums[0] ?? texts[0], times.length || texts.length ? lastNum : nums[1]);
    case 'scatter':
      return withFields({ mark: 'scatter' }, nums[0], nums[1] ?? nums[0]);
    case 'histogram':
      return { mark: 'histogram', x: nums[0] ?? times[0] ?? columns[0]?.name, bins: 30 };
    case 'boxplot':
      return withFields({ mark: 'boxplot' }, texts[0], lastNum, true);
    case 'heatmap': {
      const [a, b] = texts.length >= 2 ? texts : [...texts, ...times];
      const config: ChartConfig = { mark: 'heatmap', x: a ?? columns[0]?.name, y: b ?? columns[1]?.name ?? columns[0]?.name, aggregate: 'count' };
      if (lastNum) Object.assign(config, { color: lastNum, aggregate: 'sum' });
      return config;
    }
  }
}

function withFields(config: ChartConfig, x: string | undefined, y: string | undefined, raw = false): ChartConfig {
  const out: ChartConfig = { ...config };
  if (x) out.x = x;
  if (y) {
    out.y = y;
    if (!raw && config.mark !== 'scatter') out.aggregate = 'sum';
  } else if (config.mark !== 'scatter' && !raw) out.aggregate = 'count';
  return out;
}

/**
 * Why a chart cannot be drawn from these input columns, or `undefined` when it can.
 * @param config the chart
 * @param columns the input result's columns
 */
export function checkChart(config: ChartConfig, columns: ChartColumn[]): string | undefined {
  if (!CHART_MARKS.includes(config.mark)) return `"${config.mark}" is not a chart type (${CHART_MARKS.join(', ')})`;
  const byName = new Map(columns.map((c) => [c.name, c]));
  for (const key of ['x', 'y', 'color'] as const) {
    const field = config[key];
    if (field !== undefined && !byName.has(field)) return `Field "${field}" (${key}) is not a column of the input`;
  }
  const kind = (field: string | undefined) => (field ? fieldKind(byName.get(field)!.type) : undefined);
  const typeOf = (field: string) => byName.get(field)!.type;
  const agg = aggregateOf(config);
  const measureField = config.mark === 'heatmap' ? config.color : config.y;
  if (measureField && agg !== 'count' && agg !== 'distinct' && kind(measureField) !== 'number' && config.mark !== 'scatter') {
    return `The ${agg} of "${measureField}" needs a numeric field; it is ${typeOf(measureField)}`;
  }
  switch (config.mark) {
    case 'bar':
    case 'line':
    case 'area':
      if (!config.x) return `A ${config.mark} chart needs an x field`;
      return undefined;
    case 'scatter':
      if (!config.x || !config.y) return 'A scatter plot needs an x and a y field';
      return undefined;
    case 'histogram':
      if (!config.x) return 'A histogram needs a numeric x field';
      if (kind(config.x) !== 'number') return `A histogram needs a numeric x field; "${config.x}" is ${typeOf(config.x)}`;
      return undefined;
    case 'boxplot':
      if (!config.y) return 'A box plot needs a numeric y field';
      if (kind(config.y) !== 'number') return `A box plot needs a numeric y field; "${config.y}" is ${typeOf(config.y)}`;
      return undefined;
    case 'heatmap':
      if (!config.x || !config.y) return 'A heatmap needs an x and a y field';
      return undefined;
  }
}

const LOCALES = {
  de: {
    number: { decimal: ',', thousands: '.', grouping: [3], currency: ['', '\u00a0€'] },
    time: {
      dateTime: '%A, der %e. %B %Y, %X',
      date: '%d.%m.%Y',
      time: '%H:%M:%S',
      periods: ['AM', 'PM'],
      days: ['Sonntag', 'Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag'],
      shortDays: ['So', 'Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa'],
      months: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
      shortMonths: ['Jan', 'Feb', 'Mrz', 'Apr', 'Mai', 'Jun', 'Jul', 'Aug', 'Sep', 'Okt', 'Nov', 'Dez']
    }
  },
  en: {
    number: { decimal: '.', thousands: ',', grouping: [3], currency: ['$', ''] },
    time: {
      dateTime: '%x, %X',
      date: '%-m/%-d/%Y',
      time: '%-I:%M:%S %p',
      periods: ['AM', 'PM'],
      days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
      shortDays: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
      months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
      shortMonths: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
    }
  }
} as const;

/**
 * A column name as a Vega field reference: dots, brackets, quotes and backslashes are escaped,
 * or Vega reads them as a nested access path.
 * @param name the column name
 */
export function fieldRef(name: string): string {
  return name.replace(/[.[\]\\"']/g, '\\$&');
}

const ref = fieldRef;

const PALETTE = ['#3b5bdb', '#f59f00', '#2f9e44', '#e03131', '#7048e8', '#1098ad', '#d6336c', '#868e96'];

/**
 * The Vega-Lite spec of a chart cell over its aggregated rows (data set `values`), with tooltips on
 * every mark and numbers and dates in the chosen locale.
 * @param config the chart
 * @param columns the aggregated rows' columns (from the cell's run)
 * @param options locale and title
 */
export function chartSpec(config: ChartConfig, columns: ChartColumn[], options: ChartSpecOptions): TopLevelSpec {
  const types = new Map(columns.map((c) => [c.name, c.type]));
  const m = measureName(config);
  const agg = aggregateOf(config);
  const measureTitle = m === 'count' ? 'count of rows' : `${agg} of ${config.mark === 'heatmap' ? config.color : config.y}`;
  const numFormat = ',.4~f';
  const axisType = (field: string | undefined): 'quantitative' | 'temporal' | 'ordinal' | 'nominal' => {
    const kind = field ? fieldKind(types.get(field) ?? 'VARCHAR') : 'text';
    return kind === 'number' ? 'quantitative' : kind === 'time' ? 'temporal' : 'nominal';
  };
  const tip = (field: string, title?: string) => {
    const type = axisType(field);
    return type === 'quantitative'
      ? { field: ref(field), type, title: title ?? field, format: numFormat }
      : type === 'temporal'
        ? { field: ref(field), type, title: title ?? field, format: '%x' }
        : { field: ref(field), type, title: title ?? field };
  };
  const color = config.color && config.mark !== 'heatmap' && types.has(config.color) ? { field: ref(config.color), type: axisType(config.color) === 'quantitative' && config.mark === 'scatter' ? 'quantitative' : 'nominal', title: config.color } : undefined;
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { name: CHART_DATA },
    width: 'container',
    height: 260,
    autosize: { type: 'fit-x', contains: 'padding' },
    // Vega under-measures rotated axis labels when fitting the width; the bottom padding keeps
    // them inside the SVG (and the PNG export).
    padding: { left: 5, top: 5, right: 5, bottom: 60 },
    ...(options.title ? { title: options.title } : {}),
    config: {
      locale: LOCALES[options.locale],
      range: { category: PALETTE },
      axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 110 },
      view: { stroke: null }
    }
  } as const;

  let body: Record<string, unknown>;
  switch (config.mark) {
    case 'bar': {
      const x = config.x!;
      const xType = axisType(x) === 'quantitative' ? 'ordinal' : axisType(x) === 'temporal' ? 'temporal' : 'nominal';
      body = {
        mark: { type: 'bar', tooltip: true, color: PALETTE[0] },
        encoding: {
          x: { field: ref(x), type: xType, sort: null, title: x, axis: { labelAngle: -40 } },
          y: { field: ref(m), type: 'quantitative', title: measureTitle, axis: { format: '~s' } },
          ...(color ? { color, xOffset: { field: ref(config.color!) } } : {}),
          tooltip: [tip(x), ...(config.color ? [tip(config.color)] : []), tip(m, measureTitle)]
        }
      };
      break;
    }
    case 'line':
    case 'area': {
      const x = config.x!;
      const xType = axisType(x) === 'nominal' ? 'ordinal' : axisType(x);
      body = {
        mark: config.mark === 'line' ? { type: 'line', point: true, tooltip: true, color: PALETTE[0] } : { type: 'area', line: true, opacity: 0.35, tooltip: true, color: PALETTE[0] },
        encoding: {
          x: { field: ref(x), type: xType, sort: null, title: x },
          y: { field: ref(m), type: 'quantitative', title: measureTitle, axis: { format: '~s' }, ...(config.mark === 'area' && color ? { stack: 'zero' } : {}) },
          ...(color ? { color } : {}),
          tooltip: [tip(x), ...(config.color ? [tip(config.color)] : []), tip(m, measureTitle)]
        }
      };
      break;
    }
    case 'scatter': {
      const x = config.x!;
      const y = config.y!;
      body = {
        mark: { type: 'point', filled: true, opacity: 0.6, size: 30, tooltip: true, color: PALETTE[0] },
        encoding: {
          x: { field: ref(x), type: axisType(x), scale: { zero: false }, title: x },
          y: { field: ref(y), type: axisType(y), scale: { zero: false }, title: y },
          ...(color ? { color } : {}),
          tooltip: [tip(x), tip(y), ...(config.color ? [tip(config.color)] : [])]
        }
      };
      break;
    }
    case 'histogram': {
      const x = config.x!;
      body = {
        mark: { type: 'bar', tooltip: true, color: PALETTE[0], binSpacing: 1 },
        encoding: {
          x: { field: 'bin_start', type: 'quantitative', bin: { binned: true }, title: x },
          x2: { field: 'bin_end' },
          y: { field: 'count', type: 'quantitative', title: 'count of rows' },
          tooltip: [
            { field: 'bin_start', type: 'quantitative', title: 'from', format: numFormat },
            { field: 'bin_end', type: 'quantitative', title: 'to', format: numFormat },
            { field: 'count', type: 'quantitative', title: 'rows', format: ',d' }
          ]
        }
      };
      break;
    }
    case 'boxplot': {
      const g = config.x;
      const y = config.y!;
      const x = g ? { field: ref(g), type: 'nominal', sort: null, title: g, axis: { labelAngle: -40 } } : { datum: y, type: 'nominal', title: null };
      const tooltip = [
        ...(g ? [tip(g)] : []),
        { field: 'n', type: 'quantitative', title: 'rows', format: ',d' },
        ...['min', 'lower', 'q1', 'median', 'q3', 'upper', 'max'].map((f) => ({ field: f, type: 'quantitative', title: f, format: numFormat }))
      ];
      body = {
        encoding: { x, tooltip },
        layer: [
          { mark: { type: 'rule', color: '#495057' }, encoding: { y: { field: 'lower', type: 'quantitative', title: y, scale: { zero: false } }, y2: { field: 'upper' } } },
          { mark: { type: 'bar', size: 22, color: PALETTE[0], opacity: 0.85 }, encoding: { y: { field: 'q1', type: 'quantitative' }, y2: { field: 'q3' } } },
          { mark: { type: 'tick', size: 22, color: '#fff', thickness: 2 }, encoding: { y: { field: 'median', type: 'quantitative' } } }
        ]
      };
      break;
    }
    case 'heatmap': {
      const x = config.x!;
      const y = config.y!;
      body = {
        mark: { type: 'rect', tooltip: true },
        encoding: {
          x: { field: ref(x), type: axisType(x) === 'quantitative' ? 'ordinal' : axisType(x) === 'temporal' ? 'ordinal' : 'nominal', title: x },
          y: { field: ref(y), type: axisType(y) === 'quantitative' ? 'ordinal' : axisType(y) === 'temporal' ? 'ordinal' : 'nominal', title: y },
          color: { field: ref(m), type: 'quantitative', title: measureTitle, scale: { scheme: 'blues' } },
          tooltip: [tip(x), tip(y), tip(m, measureTitle)]
        }
      };
      break;
    }
  }
  return { ...base, ...body } as unknown as TopLevelSpec;
}
