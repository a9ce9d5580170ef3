/**
 * Vega-Lite specs for chart cells, and the defaults and checks around them. Pure: a spec reads the
 * named data set `values` (the rows `chartQuery` returns, named by `chartOutput`); nothing is
 * embedded. Dates and timestamps are drawn in UTC (DuckDB's DATE and TIMESTAMP have no time zone),
 * so a date is the same day in every browser.
 */
import type { TopLevelSpec } from 'vega-lite';
import { note, type Note } from '../i18n/note';
import { CHART_AGGREGATES, CHART_MARKS, type ChartConfig, type ChartMark } from '../notebook/model';
import { aggregateOf, chartOutput, MAX_BINS, measureField, type ChartColumn } from './chart-query';

export type { ChartColumn } from './chart-query';

/** Name of the data set a chart cell's spec reads. */
export const CHART_DATA = 'values';

/** How a NULL category is labelled on axes, legends and tooltips. */
export const NULL_LABEL = '(NULL)';

/** Locale and title of a chart. */
export interface ChartSpecOptions {
  locale: 'de' | 'en';
  title?: string;
}

/** How a field is drawn: numbers, times (dates, timestamps) or text (everything else). */
export type FieldKind = 'number' | 'time' | 'text';

/**
 * How a DuckDB type is drawn: numbers, times (dates, timestamps) or text (everything else).
 * @param type a DuckDB type name, e.g. `DECIMAL(18,2)`
 */
export function fieldKind(type: string): FieldKind {
  const t = type.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL)\b/.test(t)) return 'number';
  if (/^(DATE|TIMESTAMP)\b/.test(t)) return 'time';
  return 'text';
}

/** Numbers that are keys or codes rather than measures (`kunde_id`, `plz`, `order_nr`). */
const KEY_LIKE = /(^|[_\s-])(id|nr|no|nummer|number|plz|zip|code|key)$|^(id|plz|zip)$/i;

/**
 * A sensible chart for a result, from its column types: a date and a number → line of the sum over
 * time; a category and a number → bar of the sum; two numbers → scatter; one number → histogram;
 * only categories → bar of counts. Numbers named like keys (`kunde_id`, `plz`) are never picked as
 * the measure. With `mark`, the fields that mark needs are picked.
 * @param columns the input result's columns
 * @param mark the chart type the user asked for
 */
export function chartDefaults(columns: ChartColumn[], mark?: ChartMark): ChartConfig {
  const names = (kind: FieldKind) => columns.filter((c) => fieldKind(c.type) === kind).map((c) => c.name);
  const allNums = names('number');
  const measures = allNums.filter((n) => !KEY_LIKE.test(n));
  const nums = measures.length ? [...measures, ...allNums.filter((n) => KEY_LIKE.test(n))] : allNums;
  const times = names('time');
  const texts = names('text');
  const measure = measures.at(-1);
  const chosen: ChartMark =
    mark ??
    (times.length && measure
      ? 'line'
      : texts.length && measure
        ? 'bar'
        : measures.length >= 2
          ? 'scatter'
          : measure
            ? 'histogram'
            : texts.length || times.length
              ? 'bar'
              : allNums.length
                ? 'histogram'
                : 'bar');
  const aggregated = (config: ChartConfig, y: string | undefined): ChartConfig =>
    y && y !== config.x ? { ...config, y, aggregate: 'sum' } : { ...config, aggregate: 'count' };
  const first = columns[0]?.name;
  switch (chosen) {
    case 'bar': {
      const x = texts[0] ?? times[0] ?? nums[0] ?? first;
      return aggregated(x ? { mark: 'bar', x } : { mark: 'bar' }, measure);
    }
    case 'line':
    case 'area': {
      const x = times[0] ?? nums[0] ?? texts[0] ?? first;
      const y = times.length || texts.length ? measure : measures.find((n) => n !== x);
      return aggregated(x ? { mark: chosen, x } : { mark: chosen }, y);
    }
    case 'scatter': {
      const config: ChartConfig = { mark: 'scatter' };
      const x = nums[0] ?? times[0] ?? first;
      const y = nums.find((n) => n !== x) ?? x;
      if (x) config.x = x;
      if (y) config.y = y;
      if (texts[0]) config.color = texts[0];
      return config;
    }
    case 'histogram': {
      const x = nums[0];
      return x ? { mark: 'histogram', x, bins: 30 } : { mark: 'histogram', bins: 30 };
    }
    case 'boxplot': {
      const config: ChartConfig = { mark: 'boxplot' };
      if (texts[0]) config.x = texts[0];
      if (nums.at(-1)) config.y = measure ?? nums.at(-1);
      return config;
    }
    case 'heatmap': {
      const [a, b] = [...texts, ...times, ...allNums.filter((n) => n !== measure)];
      const config: ChartConfig = { mark: 'heatmap', aggregate: 'count' };
      if (a ?? first) config.x = a ?? first;
      if (b ?? a ?? first) config.y = b ?? a ?? first;
      if (measure && measure !== config.x && measure !== config.y) Object.assign(config, { color: measure, aggregate: 'sum' });
      return config;
    }
  }
}

/**
 * Why a chart cannot be drawn from these input columns, or `undefined` when it can. The message
 * names the field and says what would fit.
 * @param config the chart
 * @param columns the input result's columns
 */
export function checkChart(config: ChartConfig, columns: ChartColumn[]): Note | undefined {
  if (!CHART_MARKS.includes(config.mark)) return note('chartNoMark', { mark: String(config.mark), marks: CHART_MARKS.join(', ') });
  if (config.aggregate !== undefined && !CHART_AGGREGATES.includes(config.aggregate))
    return note('chartNoAggregate', { aggregate: String(config.aggregate), aggregates: CHART_AGGREGATES.join(', ') });
  const byName = new Map(columns.map((c) => [c.name, c]));
  for (const key of ['x', 'y', 'color'] as const) {
    const field = config[key];
    if (field !== undefined && !byName.has(field)) return note('chartNoField', { field, key });
  }
  const kind = (field: string) => fieldKind(byName.get(field)!.type);
  const typeOf = (field: string) => byName.get(field)!.type;
  const agg = aggregateOf(config);
  const measure = measureField(config);
  if (config.mark !== 'scatter' && config.mark !== 'histogram' && config.mark !== 'boxplot') {
    if (!measure && agg !== 'count') return note('chartNeedsMeasure', { aggregate: agg, field: config.mark === 'heatmap' ? 'color' : 'y' });
    if (measure && agg !== 'count' && agg !== 'distinct' && kind(measure) !== 'number')
      return note('chartMeasureNotNumber', { aggregate: agg, field: measure, type: typeOf(measure) });
  }
  switch (config.mark) {
    case 'bar':
    case 'line':
    case 'area':
      if (!config.x) return note('chartNeedsX', { mark: config.mark });
      return undefined;
    case 'scatter':
      if (!config.x || !config.y) return note('chartScatterNeedsXY');
      return undefined;
    case 'histogram':
      if (!config.x) return note('chartHistogramNeedsX');
      if (kind(config.x) !== 'number') return note('chartHistogramXType', { field: config.x, type: typeOf(config.x) });
      if (config.bins !== undefined && !(Number.isInteger(config.bins) && config.bins >= 1 && config.bins <= MAX_BINS))
        return note('chartBins', { max: String(MAX_BINS), bins: String(config.bins) });
      return undefined;
    case 'boxplot':
      if (!config.y) return note('chartBoxplotNeedsY');
      if (kind(config.y) !== 'number') return note('chartBoxplotYType', { field: config.y, type: typeOf(config.y) });
      return undefined;
    case 'heatmap':
      if (!config.x || !config.y) return note('chartHeatmapNeedsXY');
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
const NUMBER_FORMAT = ',.4~f';
type Def = Record<string, unknown>;

/**
 * The Vega-Lite spec of a chart cell over its aggregated rows (data set `values`), with tooltips on
 * every mark, axis titles that name the aggregate (`sum of umsatz`), NULL categories labelled
 * `(NULL)`, and numbers and dates in the chosen locale (`1.234,5` and `31.12.2025` for de).
 * @param config the chart
 * @param columns the aggregated rows' columns (from the cell's run)
 * @param options locale and title
 */
export function chartSpec(config: ChartConfig, columns: ChartColumn[], options: ChartSpecOptions): TopLevelSpec {
  const out = chartOutput(config);
  const types = new Map(columns.map((c) => [c.name, c.type.toUpperCase()]));
  const kind = (name: string): FieldKind => fieldKind(types.get(name) ?? 'VARCHAR');
  const isTimestamp = (name: string) => (types.get(name) ?? '').startsWith('TIMESTAMP');
  const timeUnit = (name: string) => (isTimestamp(name) ? 'utcyearmonthdatehoursminutesseconds' : 'utcyearmonthdate');
  const timeFormat = (name: string) => (isTimestamp(name) ? '%x %H:%M' : '%x');
  const agg = aggregateOf(config);
  const measureTitle = out.measure && (agg === 'count' || !measureField(config) ? 'count of rows' : `${agg} of ${measureField(config)}`);

  const transform: Def[] = [];
  const labels = new Map<string, string>();
  /** The field to encode for a text category: a copy with NULL replaced by its label. */
  const labelled = (name: string): string => {
    let as = labels.get(name);
    if (!as) {
      as = `__seglab_label_${labels.size}`;
      const v = `datum[${JSON.stringify(name)}]`;
      transform.push({ calculate: `isValid(${v}) ? ${v} + '' : ${JSON.stringify(NULL_LABEL)}`, as });
      labels.set(name, as);
    }
    return as;
  };
  /** A category on a band axis (bar x, heatmap axes, box-plot groups) or a legend. */
  const discrete = (name: string, keepOrder: boolean): Def => {
    switch (kind(name)) {
      case 'text':
        return { field: labelled(name), type: 'nominal', title: name, ...(keepOrder ? { sort: null } : {}) };
      case 'number':
        return { field: ref(name), type: 'ordinal', title: name, sort: 'ascending' };
      case 'time':
        return { field: ref(name), type: 'ordinal', timeUnit: timeUnit(name), title: name, sort: 'ascending', axis: { format: timeFormat(name) } };
    }
  };
  /** A position on a continuous axis (line and area x, scatter axes). */
  const continuous = (name: string, zero: boolean): Def => {
    switch (kind(name)) {
      case 'number':
        return { field: ref(name), type: 'quantitative', title: name, scale: { zero } };
      case 'time':
        return { field: ref(name), type: 'temporal', title: name, scale: { type: 'utc' } };
      case 'text':
        return { field: labelled(name), type: 'ordinal', title: name, sort: null };
    }
  };
  const tip = (name: string, title = name): Def => {
    switch (kind(name)) {
      case 'number':
        return { field: ref(name), type: 'quantitative', title, format: NUMBER_FORMAT };
      case 'time':
        return { field: ref(name), type: 'temporal', timeUnit: timeUnit(name), title, format: timeFormat(name) };
      case 'text':
        return { field: labelled(name), type: 'nominal', title };
    }
  };
  const legend = (name: string): Def => {
    const def = discrete(name, false);
    delete def.axis;
    return def;
  };
  const measureAxis = (stacked: boolean): Def => ({
    field: ref(out.measure!),
    type: 'quantitative',
    title: measureTitle,
    ...(stacked ? {} : { stack: null })
  });
  const additive = agg === 'count' || agg === 'sum';

  let body: Def;
  switch (config.mark) {
    case 'bar': {
      const x = out.x!;
      const c = out.color;
      body = {
        mark: { type: 'bar', tooltip: true, color: PALETTE[0] },
        encoding: {
          x: { ...discrete(x, true), axis: { ...((discrete(x, true).axis as Def) ?? {}), labelAngle: -40 } },
          y: measureAxis(additive),
          ...(c ? { color: legend(c), ...(additive ? {} : { xOffset: { field: legend(c).field, type: 'nominal', sort: legend(c).sort } }) } : {}),
          tooltip: [tip(x), ...(c ? [tip(c)] : []), tip(out.measure!, measureTitle)]
        }
      };
      break;
    }
    case 'line':
    case 'area': {
      const x = out.x!;
      const c = out.color;
      body = {
        mark:
          config.mark === 'line'
            ? { type: 'line', point: true, tooltip: true, color: PALETTE[0] }
            : { type: 'area', line: true, opacity: c && !additive ? 0.35 : 0.5, tooltip: true, color: PALETTE[0] },
        encoding: {
          x: continuous(x, false),
          y: measureAxis(config.mark === 'area' && additive),
          ...(c ? { color: legend(c) } : {}),
          tooltip: [tip(x), ...(c ? [tip(c)] : []), tip(out.measure!, measureTitle)]
        }
      };
      break;
    }
    case 'scatter': {
      const x = out.x!;
      const y = out.y!;
      const c = out.color;
      body = {
        mark: { type: 'point', filled: true, opacity: 0.6, size: 30, tooltip: true, color: PALETTE[0] },
        encoding: {
          x: continuous(x, false),
          y: continuous(y, false),
          ...(c ? { color: kind(c) === 'number' ? { field: ref(c), type: 'quantitative', title: c } : legend(c) } : {}),
          tooltip: [tip(x), ...(y !== x ? [tip(y)] : []), ...(c ? [tip(c)] : [])]
        }
      };
      break;
    }
    case 'histogram': {
      const s = out.stats;
      const c = out.color;
      body = {
        mark: { type: 'bar', tooltip: true, color: PALETTE[0], binSpacing: 1 },
        encoding: {
          x: { field: ref(s.bin_start!), type: 'quantitative', bin: { binned: true }, title: out.x },
          x2: { field: ref(s.bin_end!) },
          y: { field: ref(s.count!), type: 'quantitative', title: 'count of rows' },
          ...(c ? { color: legend(c) } : {}),
          tooltip: [
            { field: ref(s.bin_start!), type: 'quantitative', title: 'from', format: NUMBER_FORMAT },
            { field: ref(s.bin_end!), type: 'quantitative', title: 'to', format: NUMBER_FORMAT },
            ...(c ? [tip(c)] : []),
            { field: ref(s.count!), type: 'quantitative', title: 'rows', format: ',d' }
          ]
        }
      };
      break;
    }
    case 'boxplot': {
      const g = out.x;
      const y = out.y!;
      const s = out.stats;
      const x = g ? { ...discrete(g, true), axis: { ...((discrete(g, true).axis as Def) ?? {}), labelAngle: -40 } } : { datum: y, type: 'nominal', title: null };
      const q = (stat: keyof typeof s) => ({ field: ref(s[stat]!), type: 'quantitative', title: y, scale: { zero: false } });
      const tooltip = [
        ...(g ? [tip(g)] : []),
        { field: ref(s.n!), type: 'quantitative', title: 'rows', format: ',d' },
        ...(['min', 'lower', 'q1', 'median', 'q3', 'upper', 'max'] as const).map((f) => ({ field: ref(s[f]!), type: 'quantitative', title: f, format: NUMBER_FORMAT }))
      ];
      body = {
        encoding: { x, tooltip },
        layer: [
          { mark: { type: 'rule', color: '#495057' }, encoding: { y: q('lower'), y2: { field: ref(s.upper!) } } },
          { mark: { type: 'bar', size: 22, color: PALETTE[0], opacity: 0.85 }, encoding: { y: q('q1'), y2: { field: ref(s.q3!) } } },
          { mark: { type: 'tick', size: 22, color: '#fff', thickness: 2 }, encoding: { y: q('median') } }
        ]
      };
      break;
    }
    case 'heatmap': {
      const x = out.x!;
      const y = out.y!;
      const xDef = discrete(x, false);
      body = {
        height: { step: 20 },
        mark: { type: 'rect', tooltip: true },
        encoding: {
          x: { ...xDef, axis: { ...((xDef.axis as Def) ?? {}), labelAngle: -40 } },
          y: discrete(y, false),
          color: { field: ref(out.measure!), type: 'quantitative', title: measureTitle, scale: { scheme: 'blues' } },
          tooltip: [tip(x), ...(y !== x ? [tip(y)] : []), tip(out.measure!, measureTitle)]
        }
      };
      break;
    }
  }

  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { name: CHART_DATA },
    ...(transform.length ? { transform } : {}),
    width: 'container',
    height: 260,
    // The rows arrive after the first layout (named data); `resize` lays the chart out again then,
    // or axes and legends are sized for an empty chart and cut off.
    autosize: { type: 'fit-x', contains: 'padding', resize: true },
    padding: 5,
    ...(options.title ? { title: options.title } : {}),
    config: {
      locale: LOCALES[options.locale],
      range: { category: PALETTE },
      axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 110 },
      view: { stroke: null }
    },
    ...body
  };
  return spec as unknown as TopLevelSpec;
}
