/**
 * What a new A/B test or KPI board cell starts with, guessed from the loaded tables' column names
 * and types (German and English names), and the control arm guessed from an arm's values.
 */
import type { AbTestCell, CampaignSegments, KpisCell } from '$lib/notebook/model';
import { columnKind, guessKey } from '$lib/sql/segment-templates';

/** A table the new cell may read: a loaded table or a named cell above. */
export interface TableColumns {
  name: string;
  columns: readonly { name: string; type: string }[];
}

/** A segmentation cell above the new cell, with its key column. */
export interface SegmentationAbove {
  id: string;
  key: string;
}

const ARM = /^(gruppe|group|arm|variante|variant|testgruppe|test_group|bucket|treatment)$|gruppe|variant|arm$/i;
const BINARY = /konvert|convert|conversion|gekauft|purchased|kauf$|bought|responded|reagiert|clicked|geklickt|churn/i;
const MONEY = /umsatz|revenue|betrag|amount|wert|value|sales/i;
const SEGMENT = /segment|cluster|tier|stufe/i;
const CONTROL = /kontroll|control|baseline|holdout|^a$/i;
const CONVERSION_TYPES = /^(kauf|purchase|order|bestellung|conversion|konversion)$/i;

function find(columns: TableColumns['columns'], pattern: RegExp, except: readonly string[] = []): string | undefined {
  return columns.find((c) => pattern.test(c.name) && !except.includes(c.name))?.name;
}

function segmentsOf(table: TableColumns, key: string, above: readonly SegmentationAbove[]): CampaignSegments | undefined {
  const column = find(table.columns, SEGMENT, [key]);
  if (column) return { kind: 'column', column };
  const cell = above.findLast((s) => table.columns.some((c) => c.name === s.key));
  return cell ? { kind: 'cell', from: cell.id } : undefined;
}

/**
 * A new A/B test over the first table with an assignment column (`Gruppe`, `variant`, `arm`…), else
 * the first table: a binary outcome when a column reads like a conversion, else a numeric one
 * named like revenue; segments from a column named like a segment, else from the last segmentation
 * cell above whose key the table has. The control is left empty for `pickControl`.
 * @param tables the tables the cell may read
 * @param above the segmentation cells above it
 */
export function guessAbTest(tables: readonly TableColumns[], above: readonly SegmentationAbove[]): Omit<AbTestCell, 'id' | 'kind' | 'name'> {
  const table = tables.find((t) => find(t.columns, ARM)) ?? tables[0];
  if (!table) return { table: '', arm: '', control: '', outcome: '', metric: 'binary' };
  const key = guessKey(table.columns)?.name ?? '';
  const arm = find(table.columns, ARM, [key]) ?? '';
  const binary = find(table.columns, BINARY, [key, arm]);
  const money = table.columns.find((c) => c.name !== key && c.name !== arm && MONEY.test(c.name) && columnKind(c.type) === 'number')?.name;
  const cell: Omit<AbTestCell, 'id' | 'kind' | 'name'> = { table: table.name, key, arm, control: '', outcome: binary ?? money ?? '', metric: binary || !money ? 'binary' : 'numeric' };
  const by = segmentsOf(table, key, above);
  if (by) cell.by = by;
  return cell;
}

/**
 * The control among an arm's values: the first named like a control (`Kontrolle`, `control`,
 * `baseline`, `holdout`, `A`), else the first value.
 * @param values the arm's distinct values, in order
 */
export function pickControl(values: readonly string[]): string {
  return values.find((v) => CONTROL.test(v.trim())) ?? values[0] ?? '';
}

/**
 * A new KPI board: members from the first table with a segment column (else the first table), its
 * segments as for an A/B test; events from the first other table that has the members' key column
 * and a date column, its amount the first numeric column named like money; 12 months.
 * @param tables the tables the cell may read
 * @param above the segmentation cells above it
 */
export function guessKpis(tables: readonly TableColumns[], above: readonly SegmentationAbove[]): Omit<KpisCell, 'id' | 'kind' | 'name'> {
  const members = tables.find((t) => find(t.columns, SEGMENT)) ?? tables[0];
  const key = members ? (guessKey(members.columns)?.name ?? '') : '';
  const hasKey = (t: TableColumns) => t.columns.some((c) => c.name === key);
  const date = (t: TableColumns) => t.columns.find((c) => columnKind(c.type) === 'date')?.name;
  const events = tables.find((t) => t !== members && hasKey(t) && date(t)) ?? members;
  const cell: Omit<KpisCell, 'id' | 'kind' | 'name'> = {
    table: members?.name ?? '',
    key,
    events: { table: events?.name ?? '', key: events && hasKey(events) ? key : '', date: (events && date(events)) ?? '' },
    period: 'month',
    periods: 12
  };
  const amount = events?.columns.find((c) => c.name !== key && MONEY.test(c.name) && columnKind(c.type) === 'number')?.name;
  if (amount) cell.events.amount = amount;
  const by = members ? segmentsOf(members, key, above) : undefined;
  if (by) cell.by = by;
  return cell;
}

/**
 * The conversion value among an event type column's values: the first named like a purchase or
 * order (`Kauf`, `purchase`, `Bestellung`), else none.
 * @param values the column's distinct values
 */
export function pickConversion(values: readonly string[]): string | undefined {
  return values.find((v) => CONVERSION_TYPES.test(v.trim()));
}
