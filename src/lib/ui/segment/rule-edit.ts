/**
 * Small pure helpers of the rule editor: parsing what the user typed into rule values, and new
 * rule nodes with sensible defaults.
 */
import type { BehaviourCondition, ColumnCondition, ConditionOp, RuleGroup, RuleValue } from '../../notebook/model';
import { columnKind, conditionOps, operandOf, type ColumnKind } from '../../sql/segment-templates';

/** A column with its DuckDB type. */
export interface Column {
  name: string;
  type: string;
}

/** A table the rules can read, with its columns. */
export interface TableColumns {
  name: string;
  columns: Column[];
}

/**
 * A number typed in German or English notation (`1.234,5`, `1,234.5`, `1234,5`, `-3`), or NaN.
 * The last of `,` and `.` is the decimal separator when both appear; a lone `,` is decimal.
 * @param text what the user typed
 */
export function parseNumber(text: string): number {
  const t = text.trim().replace(/[\s\u00a0']/g, '');
  if (!t) return NaN;
  const comma = t.lastIndexOf(',');
  const dot = t.lastIndexOf('.');
  let normal = t;
  if (comma >= 0 && dot >= 0) normal = comma > dot ? t.replaceAll('.', '').replace(',', '.') : t.replaceAll(',', '');
  else if (comma >= 0) normal = (t.match(/,/g) ?? []).length > 1 ? t.replaceAll(',', '') : t.replace(',', '.');
  else if ((t.match(/\./g) ?? []).length > 1) normal = t.replaceAll('.', '');
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(normal) ? Number(normal) : NaN;
}

/**
 * A typed value of a column's kind from the input text: numbers parsed (`undefined` when not a
 * number), booleans from `true`/`false`, dates and text as typed.
 * @param text the input
 * @param kind the column's kind
 */
export function parseValue(text: string, kind: ColumnKind): RuleValue | undefined {
  if (kind === 'number') {
    const n = parseNumber(text);
    return Number.isFinite(n) ? n : undefined;
  }
  if (kind === 'boolean') return text === 'true' ? true : text === 'false' ? false : undefined;
  return text === '' ? undefined : text;
}

/**
 * A list typed by the user, each item parsed for the column's kind. Text items are separated by
 * `,` or `;`; numbers by `;`, `, ` or spaces, so German decimal commas survive (`1,5; 2,5`).
 * @param text e.g. `Bayern, Berlin`
 * @param kind the column's kind
 */
export function parseList(text: string, kind: ColumnKind): RuleValue[] {
  return text
    .split(kind === 'number' ? /;|,\s+|\s+/ : /[,;]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => parseValue(s, kind))
    .filter((v): v is RuleValue => v !== undefined);
}

/**
 * The kind of a column of a table (text when unknown).
 * @param columns the table's columns
 * @param name the column
 */
export function kindOf(columns: readonly Column[], name: string): ColumnKind {
  const c = columns.find((col) => col.name === name);
  return c ? columnKind(c.type) : 'text';
}

/**
 * A condition on the first column, or a fresh condition when the column changes: the operator is
 * kept when the new column's kind offers it, operands are kept when they still fit.
 * @param columns the table's columns
 * @param column the chosen column (default: the first)
 * @param previous the condition being changed
 */
export function newCondition(columns: readonly Column[], column = columns[0]?.name ?? '', previous?: ColumnCondition): ColumnCondition {
  const kind = kindOf(columns, column);
  const ops = conditionOps(kind);
  const op: ConditionOp = previous && ops.includes(previous.op) ? previous.op : ops[0];
  const cond: ColumnCondition = { type: 'condition', column, op };
  if (previous && kindOf(columns, previous.column) === kind) {
    if (previous.value !== undefined) cond.value = previous.value;
    if (previous.values !== undefined) cond.values = previous.values;
  }
  return cond;
}

/**
 * Switches a condition's operator, dropping operands the new one does not take.
 * @param cond the condition (changed in place)
 * @param op the new operator
 */
export function setOperator(cond: ColumnCondition, op: ConditionOp): void {
  const before = operandOf(cond.op);
  cond.op = op;
  const after = operandOf(op);
  if (before === after) return;
  delete cond.value;
  delete cond.values;
}

/**
 * A behavioural condition over a second table: the first table that is not the entity table,
 * joined by a column named like the entity key when there is one.
 * @param tables the tables the notebook has
 * @param entity the entity table
 * @param key the entity key column
 */
export function newBehaviour(tables: readonly TableColumns[], entity: string, key: string): BehaviourCondition {
  const other = tables.find((t) => t.name !== entity) ?? tables[0];
  const cols = other?.columns ?? [];
  const joined = cols.find((c) => c.name.toLowerCase() === key.toLowerCase()) ?? cols[0];
  const date = cols.find((c) => columnKind(c.type) === 'date');
  const b: BehaviourCondition = { type: 'behaviour', table: other?.name ?? '', key: joined?.name ?? '', measure: 'count', op: 'gte', value: 1 };
  if (date) b.dateColumn = date.name;
  return b;
}

/** An empty AND group. */
export function newGroup(): RuleGroup {
  return { type: 'group', op: 'and', rules: [] };
}
