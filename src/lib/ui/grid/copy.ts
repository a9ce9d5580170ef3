import type { CellKind, UiLocale } from '../format';

/** Most cells one copy puts on the clipboard; a larger selection is cut to whole rows below this. */
export const COPY_CELL_LIMIT = 100_000;

/** A column as the copy needs it. */
export interface CopyColumn {
  name: string;
  kind: CellKind;
  at(row: number): unknown;
}

/** What `selectionTsv` produced. */
export interface CopiedText {
  text: string;
  rows: number;
  columns: number;
  /** True when the selection had more cells than `COPY_CELL_LIMIT` and was cut. */
  truncated: boolean;
}

/**
 * One value as text a spreadsheet in the locale reads back as the same value: numbers without
 * grouping and with the locale's decimal mark (`1234,5` / `1234.5`), dates as `31.12.2025` /
 * `2025-12-31`, booleans as `WAHR`/`FALSCH` or `TRUE`/`FALSE`, NULL as an empty cell, and text
 * quoted when it holds a tab, a line break or a leading quote.
 * @param v the value
 * @param kind how the column is typed
 * @param locale the user's locale
 */
export function copyValue(v: unknown, kind: CellKind, locale: UiLocale): string {
  const de = locale === 'de-DE';
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) && de ? String(v).replace('.', ',') : String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return de ? (v ? 'WAHR' : 'FALSCH') : v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return '';
    const iso = v.toISOString();
    const date = de ? `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}` : iso.slice(0, 10);
    return kind === 'date' ? date : `${date} ${iso.slice(11, 19)}`;
  }
  const s =
    typeof v === 'string'
      ? v
      : JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<unknown>) : x));
  return quote(s ?? String(v));
}

/**
 * A rectangle of the grid as tab-separated text with a header line of column names.
 * @param columns all columns
 * @param order the source row of each shown row (null: shown row = source row)
 * @param rect first and last shown row and column (inclusive)
 * @param locale the user's locale
 * @param limit most cells to copy
 */
export function selectionTsv(
  columns: CopyColumn[],
  order: ArrayLike<number> | null,
  rect: { r0: number; r1: number; c0: number; c1: number },
  locale: UiLocale,
  limit = COPY_CELL_LIMIT
): CopiedText {
  const cols = columns.slice(rect.c0, rect.c1 + 1);
  const wanted = rect.r1 - rect.r0 + 1;
  const rows = Math.max(0, Math.min(wanted, Math.floor(limit / Math.max(1, cols.length))));
  const lines = new Array<string>(rows + 1);
  lines[0] = cols.map((c) => quote(c.name)).join('\t');
  for (let i = 0; i < rows; i++) {
    const r = rect.r0 + i;
    const src = order ? order[r] : r;
    lines[i + 1] = cols.map((c) => copyValue(c.at(src), c.kind, locale)).join('\t');
  }
  return { text: lines.join('\n') + '\n', rows, columns: cols.length, truncated: rows < wanted };
}

function quote(s: string): string {
  return /[\t\n\r]|^"/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
