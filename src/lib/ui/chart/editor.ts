/**
 * The logic behind the chart editor: which field selects a chart type shows, which columns fit
 * them, and reading a hand-edited spec. Plain functions, no DOM.
 */
import { fieldKind, CHART_DATA, type ChartColumn, type FieldKind } from '$lib/charts/chart-spec';
import type { ChartMark } from '$lib/notebook/model';
import { t } from '../strings';

/** One field select of the editor. */
export interface FieldRole {
  key: 'x' | 'y' | 'color';
  label: string;
  /** Columns whose type fits the role, in input order. */
  fitting: ChartColumn[];
  /** The remaining columns. */
  other: ChartColumn[];
}

const CATEGORY: FieldKind[] = ['text', 'time'];
const NUMBER: FieldKind[] = ['number'];
const CONTINUOUS: FieldKind[] = ['number', 'time'];
const SERIES: FieldKind[] = ['text'];

/**
 * The field selects a chart type needs, each listing the fitting columns first.
 * @param mark the chart type
 * @param columns the input result's columns
 */
export function fieldRoles(mark: ChartMark, columns: ChartColumn[]): FieldRole[] {
  const f = t.chart.field;
  const role = (key: FieldRole['key'], label: string, kinds: FieldKind[]): FieldRole => ({
    key,
    label,
    fitting: columns.filter((c) => kinds.includes(fieldKind(c.type))),
    other: columns.filter((c) => !kinds.includes(fieldKind(c.type)))
  });
  switch (mark) {
    case 'bar':
      return [role('x', f.x, CATEGORY), role('y', f.measure, NUMBER), role('color', f.color, SERIES)];
    case 'line':
    case 'area':
      return [role('x', f.x, CONTINUOUS), role('y', f.measure, NUMBER), role('color', f.color, SERIES)];
    case 'scatter':
      return [role('x', f.x, CONTINUOUS), role('y', f.y, CONTINUOUS), role('color', f.color, SERIES)];
    case 'histogram':
      return [role('x', f.value, NUMBER), role('color', f.color, SERIES)];
    case 'boxplot':
      return [role('x', f.group, CATEGORY), role('y', f.value, NUMBER)];
    case 'heatmap':
      return [role('x', f.x, CATEGORY), role('y', f.y, CATEGORY), role('color', f.measure, NUMBER)];
  }
}

/**
 * Whether a chart type aggregates a measure (and so shows the aggregate select).
 * @param mark the chart type
 */
export function usesAggregate(mark: ChartMark): boolean {
  return mark === 'bar' || mark === 'line' || mark === 'area' || mark === 'heatmap';
}

/**
 * Reads a hand-edited Vega-Lite spec: a JSON object that reads the data set `values`.
 * @param text the editor's text
 */
export function parseSpec(text: string): { spec: Record<string, unknown> } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: t.chart.specNotObject };
  const data = (value as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null || (data as { name?: unknown }).name !== CHART_DATA) return { error: t.chart.specData };
  return { spec: value as Record<string, unknown> };
}
