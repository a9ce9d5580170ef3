import type { KpiKind } from '../../notebook/model';
import type { Formatter } from '../format';

/**
 * A KPI figure as shown in tables: rates and ROI as percentages, large figures as whole numbers,
 * others with two decimals; `–` when there is none.
 * @param fmt the notebook's number formats
 * @param kind the KPI's kind
 * @param v the figure
 */
export function kpiText(fmt: Formatter, kind: KpiKind, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  if (kind === 'rate' || kind === 'roi') return fmt.pct(v);
  return Math.abs(v) >= 1000 ? fmt.int(Math.round(v)) : fmt.fixed(v, 2);
}
