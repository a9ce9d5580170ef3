import { desc, escape, fromArrow, table, type ColumnTable } from 'arquero';
import type { CellKind, UiLocale } from '../format';
import { cellKind } from '../result';

/** One sort key of the grid: a column and its direction. */
export interface SortKey {
  column: string;
  desc: boolean;
}

/** A filter typed into a column's filter box. */
export interface ColumnFilter {
  column: string;
  text: string;
}

/** All filters of the grid: per column, the "any column" quick filter and the locale numbers are typed in. */
export interface GridFilters {
  columns: ColumnFilter[];
  any: string;
  locale: UiLocale;
}

/** What the grid transform worker (`transform.worker.ts`) offers over Comlink. */
export interface TransformApi {
  /** Appends a part of the next result's Arrow IPC bytes (sent in parts so no single copy blocks the page). */
  append(id: number, part: Uint8Array): void;
  /** Replaces the worker's result with the parts appended under `id`. */
  load(id: number): void;
  /** The row order for the loaded result `id` (transferred). */
  order(id: number, sort: SortKey[], filters: GridFilters): Uint32Array;
}

/** Tests one cell value. */
type Test = (v: unknown) => boolean;

const OPERATOR = /^\s*(<=|>=|<>|!=|==|=|<|>)\s*(.*?)\s*$/;

/**
 * Builds the Arquero table the transforms run on: `fromArrow` with dates as epoch milliseconds,
 * then every column read once into a plain array, so the many row reads of a sort or filter are
 * array lookups instead of Arrow batch searches and string decoding. Column kinds are kept.
 * @param bytes Arrow IPC stream bytes of the result
 */
export function gridTable(bytes: Uint8Array): ColumnTable {
  const arrow = fromArrow(bytes, { useDate: false });
  const columns: Record<string, ArrayLike<unknown>> = {};
  for (const name of arrow.columnNames()) {
    const col = arrow.column(name) as unknown as { toArray(): ArrayLike<unknown>; type?: { typeId: number } };
    const values = col.toArray();
    KINDS.set(values, col.type ? cellKind(col.type) : 'text');
    columns[name] = values;
  }
  return table(columns, arrow.columnNames());
}

/** Kinds of the arrays `gridTable` made (an Arquero column over an array has no Arrow type). */
const KINDS = new WeakMap<object, CellKind>();

/**
 * The order in which the grid shows the rows of `table`: the indices of the rows that pass every
 * filter, sorted by the keys (nulls last in both directions, ties in the original order).
 * @param table the result as an Arquero table (`gridTable` / `fromArrow`)
 * @param sort sort keys, most significant first; unknown columns are ignored
 * @param filters column filters and the quick filter
 */
export function rowOrder(table: ColumnTable, sort: SortKey[], filters: GridFilters): Uint32Array {
  const names = table.columnNames();
  const n = table.numRows();
  const kinds = new Map(names.map((name) => [name, columnKind(table, name)]));
  const keys = sort.filter((k) => kinds.has(k.column));
  const tests = columnTests(filters, kinds);
  const any = filters.any.trim().toLowerCase();
  if (!keys.length && !tests.length && !any) return identity(n);

  const order: (string | object)[] = [];
  let t = table;
  if (keys.length) {
    const helper = helperNames(names, keys.length);
    const extra: Record<string, unknown[] | Uint8Array | Uint32Array> = {};
    keys.forEach((k, i) => {
      const { values, nulls } = sortValues(table, k.column, n);
      if (nulls) {
        extra[helper.nulls[i]] = nulls;
        order.push(helper.nulls[i]);
      }
      extra[helper.values[i]] = values;
      order.push(k.desc ? desc(helper.values[i]) : helper.values[i]);
    });
    extra[helper.row] = identity(n);
    order.push(helper.row);
    t = t.assign(extra);
  }
  if (tests.length || any) {
    const columns = names.map((name) => {
      const kind = kinds.get(name)!;
      return { name, text: textOf(kind, filters.locale) };
    });
    t = t.filter(
      escape((d: Record<string, unknown>) => {
        for (const [name, test] of tests) if (!test(d[name])) return false;
        if (!any) return true;
        for (const c of columns) if (c.text(d[c.name]).includes(any)) return true;
        return false;
      })
    );
  }
  return (order.length ? t.orderby(...order) : t).indices();
}

/**
 * Parses a number typed by a German or English user: `1.234,5` and `5,5` (de), `1,234.5` (en).
 * A lone separator that is not followed by exactly three digits is read as the decimal mark, so
 * `5.5` works in German and `5,5` in English too. Returns null for anything else.
 * @param text the input
 * @param locale the user's locale
 */
export function parseNumber(text: string, locale: UiLocale): number | null {
  const s = text.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (!/^[+-]?(\d|[.,]\d)[\d.,]*(e[+-]?\d+)?$/i.test(s)) return null;
  let dec = locale === 'de-DE' ? ',' : '.';
  let group = dec === ',' ? '.' : ',';
  if (!s.includes(dec)) {
    const parts = s.replace(/e.*$/i, '').split(group);
    if (parts.length === 2 && parts[1].length !== 3) [dec, group] = [group, dec];
  }
  if (s.split(dec).length > 2) return null;
  const v = Number(s.split(group).join('').replace(dec, '.'));
  return Number.isFinite(v) ? v : null;
}

/**
 * Parses a date typed by the user: `31.12.2025` (also `31.12.25`) or ISO `2025-12-31`, optionally
 * with a time `14:30[:00]`. Returns epoch milliseconds (UTC, as DuckDB's dates) or null.
 * @param text the input
 */
export function parseDate(text: string): number | null {
  const s = text.trim();
  const de = /^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  let y: number, m: number, d: number, time: (string | undefined)[];
  if (de) {
    [d, m, y] = [Number(de[1]), Number(de[2]), Number(de[3])];
    if (de[3].length === 2) y += 2000;
    time = de.slice(4);
  } else if (iso) {
    [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    time = iso.slice(4);
  } else return null;
  const ms = Date.UTC(y, m - 1, d, Number(time[0] ?? 0), Number(time[1] ?? 0), Number(time[2] ?? 0));
  const check = new Date(ms);
  return check.getUTCDate() === d && check.getUTCMonth() === m - 1 ? ms : null;
}

/**
 * Turns one filter text into a test of a cell value. Numbers and dates understand `>100`,
 * `<= 5,5`, `=x`, `!=x` (also `<>`), typed in the user's locale; everything else (and any text
 * without an operator) is a case-insensitive "contains" over the value as the grid shows it.
 * Returns null for an empty filter.
 * @param text the filter text
 * @param kind how the column is typed
 * @param locale the user's locale
 */
export function parseFilter(text: string, kind: CellKind, locale: UiLocale): Test | null {
  if (!text.trim()) return null;
  const op = OPERATOR.exec(text);
  if (op && kind !== 'text') {
    const operand = kind === 'number' ? parseNumber(op[2], locale) : parseDate(op[2]);
    if (operand !== null) {
      const cmp = comparison(op[1], operand);
      return kind === 'number'
        ? (v) => v !== null && v !== undefined && cmp(Number(v))
        : (v) => v !== null && v !== undefined && cmp(epoch(v));
    }
  }
  const needle = text.trim().toLowerCase();
  const textOfValue = textOf(kind, locale);
  return (v) => textOfValue(v).includes(needle);
}

/** `searchText` for one column; dates repeat a lot, so their texts are remembered (up to 100,000). */
function textOf(kind: CellKind, locale: UiLocale): (v: unknown) => string {
  if (kind !== 'date' && kind !== 'timestamp') return (v) => searchText(v, kind, locale);
  const memo = new Map<unknown, string>();
  return (v) => {
    let s = memo.get(v);
    if (s === undefined) {
      s = searchText(v, kind, locale);
      if (memo.size < 100_000) memo.set(v, s);
    }
    return s;
  };
}

/**
 * A cell value as lower-case text for "contains" filters: numbers with the locale's decimal mark
 * and no grouping, dates as shown (`31.12.2025` / `2025-12-31`) and in ISO form.
 * @param v the value
 * @param kind how the column is typed
 * @param locale the user's locale
 */
export function searchText(v: unknown, kind: CellKind, locale: UiLocale): string {
  if (v === null || v === undefined) return '';
  if (kind === 'number' && (typeof v === 'number' || typeof v === 'bigint')) {
    const s = String(v);
    return locale === 'de-DE' ? s.replace('.', ',') : s;
  }
  if (kind === 'date' || kind === 'timestamp' || v instanceof Date) {
    const ms = epoch(v);
    if (!Number.isFinite(ms)) return String(v).toLowerCase();
    const iso = new Date(ms).toISOString();
    const date = iso.slice(0, 10);
    const time = kind === 'date' ? '' : ` ${iso.slice(11, 19)}`;
    const shown = locale === 'de-DE' ? `${date.slice(8, 10)}.${date.slice(5, 7)}.${date.slice(0, 4)}` : date;
    return `${shown}${time}\u0001${date}${time}`;
  }
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'object') {
    try {
      return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x)).toLowerCase();
    } catch {
      return String(v).toLowerCase();
    }
  }
  return String(v).toLowerCase();
}

/**
 * How a column of an Arquero table built from Arrow is displayed and filtered.
 * @param table the table
 * @param name the column name
 */
export function columnKind(t: ColumnTable, name: string): CellKind {
  const col = t.column(name) as unknown as { type?: { typeId: number } } | undefined;
  if (!col) return 'text';
  return col.type ? cellKind(col.type) : (KINDS.get(col) ?? 'text');
}

function columnTests(filters: GridFilters, kinds: Map<string, CellKind>): [string, Test][] {
  const tests: [string, Test][] = [];
  for (const f of filters.columns) {
    const kind = kinds.get(f.column);
    if (!kind) continue;
    const test = parseFilter(f.text, kind, filters.locale);
    if (test) tests.push([f.column, test]);
  }
  return tests;
}

function comparison(op: string, b: number): (a: number) => boolean {
  switch (op) {
    case '<':
      return (a) => a < b;
    case '<=':
      return (a) => a <= b;
    case '>':
      return (a) => a > b;
    case '>=':
      return (a) => a >= b;
    case '!=':
    case '<>':
      return (a) => a !== b;
    default:
      return (a) => a === b;
  }
}

function epoch(v: unknown): number {
  return v instanceof Date ? v.getTime() : Number(v);
}

/** A column's values as a plain array to sort on (dates and BigInts as numbers), plus a 0/1 null flag when it has nulls. */
function sortValues(table: ColumnTable, name: string, n: number): { values: unknown[]; nulls: Uint8Array | null } {
  const col = table.column(name)!;
  const values = new Array<unknown>(n);
  let nulls: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const v = col.at(i);
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      nulls ??= new Uint8Array(n);
      nulls[i] = 1;
      values[i] = null;
    } else values[i] = v instanceof Date ? v.getTime() : typeof v === 'bigint' ? Number(v) : v;
  }
  return { values, nulls };
}

/** Names for the helper columns that do not collide with the table's own. */
function helperNames(names: string[], count: number): { nulls: string[]; values: string[]; row: string } {
  const taken = new Set(names);
  let prefix = '\u0000seglab';
  while (names.some((name) => name.startsWith(prefix))) prefix += '_';
  const make = (s: string) => {
    const name = `${prefix}_${s}`;
    taken.add(name);
    return name;
  };
  return {
    nulls: Array.from({ length: count }, (_, i) => make(`null${i}`)),
    values: Array.from({ length: count }, (_, i) => make(`value${i}`)),
    row: make('row')
  };
}

function identity(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
