import type { Table } from '@uwdata/flechette';
import type { Formatter, UiLocale } from '../format';
import { resultColumns, type ResultColumn } from '../result';
import { COPY_CELL_LIMIT, selectionTsv, type CopiedText } from './copy';
import { decodeResult } from './decode';
import { GridTransformClient } from './transform-client';
import type { GridFilters, SortKey } from './transform';
import { describeError } from '../describe-error';

/** A cell position among the shown rows (`r`) and the columns (`c`). */
export interface CellPos {
  r: number;
  c: number;
}

/** An inclusive rectangle of shown rows and columns. */
export interface CellRect {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

/** Milliseconds a filter box waits after the last keystroke before it asks the worker. */
const FILTER_DELAY = 250;
/** Rows sampled to size the columns. */
const WIDTH_SAMPLE = 60;

/**
 * The state of one result grid: the decoded result (lazy flechette columns), the row order from
 * the transform worker, sort keys, filters and the cell selection. The component only renders it.
 */
export class GridState {
  table = $state.raw<Table | null>(null);
  /** The bytes `table` was decoded from. */
  source = $state.raw<Uint8Array | null>(null);
  columns = $state.raw<ResultColumn[]>([]);
  /** Rows in the bytes the grid got. */
  rows = $state(0);
  /** The source row of each shown row; null shows all rows in their order. */
  order = $state.raw<Uint32Array | null>(null);
  sort = $state<SortKey[]>([]);
  /** Filter text by column name. */
  filters = $state<Record<string, string>>({});
  /** The "any column" quick filter. */
  any = $state('');
  decoding = $state(false);
  /** The worker is computing an order. */
  busy = $state(false);
  error = $state<string | null>(null);
  anchor = $state<CellPos | null>(null);
  focus = $state<CellPos | null>(null);
  /** Column widths in CSS pixels. */
  widths = $state<number[]>([]);
  /** The last copy's outcome, for a status line. */
  copied = $state.raw<CopiedText | null>(null);
  locale: UiLocale = 'en-US';
  readonly #client: GridTransformClient;
  #decode: AbortController | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  /** @param client asks the transform worker for row orders (tests inject one) */
  constructor(client = new GridTransformClient()) {
    this.#client = client;
  }

  /** Rows after filtering. */
  get shown(): number {
    return this.order ? this.order.length : this.rows;
  }

  /** True when a sort key or a filter is set. */
  get transformed(): boolean {
    return this.sort.length > 0 || this.any.trim() !== '' || Object.values(this.filters).some((f) => f.trim() !== '');
  }

  /** The selected rectangle, if any. */
  get rect(): CellRect | null {
    if (!this.anchor || !this.focus) return null;
    return {
      r0: Math.min(this.anchor.r, this.focus.r),
      r1: Math.max(this.anchor.r, this.focus.r),
      c0: Math.min(this.anchor.c, this.focus.c),
      c1: Math.max(this.anchor.c, this.focus.c)
    };
  }

  /**
   * Shows a new result: decodes it in slices, keeps the sort keys and filters whose columns still
   * exist and asks the worker again when any remain.
   * @param bytes Arrow IPC stream bytes
   * @param fmt sizes the columns from formatted sample values
   */
  async setBytes(bytes: Uint8Array, fmt: Formatter): Promise<void> {
    this.#decode?.abort();
    const abort = new AbortController();
    this.#decode = abort;
    this.locale = fmt.locale;
    this.decoding = true;
    this.error = null;
    try {
      const table = await decodeResult(bytes, abort.signal);
      if (!table || abort.signal.aborted) return;
      const columns = resultColumns(table);
      const names = new Set(columns.map((c) => c.name));
      const sameColumns = sameShape(this.columns, columns);
      this.table = table;
      this.source = bytes;
      this.columns = columns;
      this.rows = table.numRows;
      this.order = null;
      // The same columns (a re-run, or the rest of the rows loaded): the selection stays where it was.
      if (sameColumns) this.#clampSelection();
      else this.anchor = this.focus = null;
      this.copied = null;
      if (!sameColumns || this.widths.length !== columns.length) this.widths = columnWidths(columns, table.numRows, fmt);
      this.sort = this.sort.filter((k) => names.has(k.column));
      this.filters = Object.fromEntries(Object.entries(this.filters).filter(([k]) => names.has(k)));
      this.#client.setData(bytes);
      if (this.transformed) void this.#request();
    } catch (e) {
      if (!abort.signal.aborted) this.error = describeError(e).message;
    } finally {
      if (this.#decode === abort) {
        this.decoding = false;
        this.#decode = null;
      }
    }
  }

  /**
   * The value at a shown row and column.
   * @param r shown row
   * @param c column
   */
  value(r: number, c: number): unknown {
    const src = this.order ? this.order[r] : r;
    return this.columns[c].at(src);
  }

  /**
   * A header click: asc → desc → none; with `add`, the column becomes (or cycles as) a further key.
   * @param column column name
   * @param add Shift was held: keep the other keys
   */
  toggleSort(column: string, add: boolean): void {
    const at = this.sort.findIndex((k) => k.column === column);
    const current = this.sort[at];
    const next = !current ? { column, desc: false } : !current.desc ? { column, desc: true } : null;
    if (add) {
      const keys = [...this.sort];
      if (at < 0) keys.push(next!);
      else if (next) keys[at] = next;
      else keys.splice(at, 1);
      this.sort = keys;
    } else {
      const solo = at >= 0 && this.sort.length === 1;
      this.sort = solo ? (next ? [next] : []) : [{ column, desc: false }];
    }
    void this.#request();
  }

  /**
   * Sets a column's filter text; the worker is asked after a short pause in typing.
   * @param column column name
   * @param text the filter
   */
  setFilter(column: string, text: string): void {
    this.filters = { ...this.filters, [column]: text };
    this.#later();
  }

  /**
   * Sets the "any column" quick filter.
   * @param text the filter
   */
  setAny(text: string): void {
    this.any = text;
    this.#later();
  }

  /**
   * Numbers in filters are read in this locale from now on.
   * @param locale the user's locale
   */
  setLocale(locale: UiLocale): void {
    if (locale === this.locale) return;
    this.locale = locale;
    if (this.any.trim() || Object.values(this.filters).some((f) => f.trim())) void this.#request();
  }

  /**
   * Moves the active cell (and collapses the selection onto it unless `extend`).
   * @param to target cell (clamped to the grid)
   * @param extend keep the anchor: extend the rectangle
   */
  moveTo(to: CellPos, extend = false): CellPos | null {
    if (!this.shown || !this.columns.length) return null;
    const pos = { r: clamp(to.r, 0, this.shown - 1), c: clamp(to.c, 0, this.columns.length - 1) };
    this.focus = pos;
    if (!extend || !this.anchor) this.anchor = pos;
    this.copied = null;
    return pos;
  }

  /** Selects every shown row and column, keeping the active cell. */
  selectAll(): void {
    if (!this.shown || !this.columns.length) return;
    this.anchor = { r: 0, c: 0 };
    this.focus = { r: this.shown - 1, c: this.columns.length - 1 };
  }

  /**
   * The selection as TSV with a header line, values formatted for a spreadsheet in the locale.
   * @param limit most cells to copy
   */
  selectionText(limit = COPY_CELL_LIMIT): CopiedText | null {
    const rect = this.rect;
    if (!rect) return null;
    return selectionTsv(this.columns, this.order, rect, this.locale, limit);
  }

  /**
   * Sets a column's width (pointer resizing).
   * @param c column
   * @param px new width
   */
  resize(c: number, px: number): void {
    const widths = [...this.widths];
    widths[c] = clamp(Math.round(px), 48, 1200);
    this.widths = widths;
  }

  /** Stops the decode, the filter timer and the worker. */
  destroy(): void {
    this.#decode?.abort();
    if (this.#timer) clearTimeout(this.#timer);
    this.#client.destroy();
  }

  #later(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#request();
    }, FILTER_DELAY);
  }

  async #request(): Promise<void> {
    if (!this.table) return;
    if (!this.transformed) {
      this.order = null;
      this.busy = false;
      this.#clampSelection();
      return;
    }
    const filters: GridFilters = {
      columns: Object.entries(this.filters).map(([column, text]) => ({ column, text })),
      any: this.any,
      locale: this.locale
    };
    this.busy = true;
    this.error = null;
    try {
      const order = await this.#client.order(this.sort, filters);
      if (!order) return;
      this.order = order;
      this.#clampSelection();
      this.busy = false;
    } catch (e) {
      this.error = describeError(e).message;
      this.busy = false;
    }
  }

  #clampSelection(): void {
    if (!this.shown) {
      this.anchor = this.focus = null;
      return;
    }
    const fit = (p: CellPos | null) => (p ? { r: Math.min(p.r, this.shown - 1), c: p.c } : null);
    this.anchor = fit(this.anchor);
    this.focus = fit(this.focus);
  }
}

/**
 * Column widths from the header (name and type) and formatted sample values spread over the whole
 * result (first and last row included, so sorting rarely reveals wider values), 88–360 px.
 * @param columns the columns
 * @param rows rows in the result
 * @param fmt formats the samples
 */
export function columnWidths(columns: ResultColumn[], rows: number, fmt: Formatter): number[] {
  const n = Math.min(rows, WIDTH_SAMPLE);
  const sample = Array.from({ length: n }, (_, k) => (n < 2 ? 0 : Math.round((k * (rows - 1)) / (n - 1))));
  return columns.map((c) => {
    let chars = Math.max(c.name.length + 2, c.type.length * 0.85);
    for (const r of sample) chars = Math.max(chars, fmt.cell(c.at(r), c.kind).length);
    return clamp(Math.round(chars * 7.4 + 30), 88, 360);
  });
}

function sameShape(a: ResultColumn[], b: ResultColumn[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i].name && c.type === b[i].type);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
