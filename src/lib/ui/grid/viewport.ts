/** Height of one grid row in CSS pixels. */
export const ROW_HEIGHT = 28;

/** Tallest scroll body the grid makes; browsers stop scrolling beyond ~16–33 million pixels. */
export const MAX_BODY_PX = 12_000_000;

/** Rows rendered above and below the visible ones. */
export const OVERSCAN = 4;

/** Which rows to render and where, for one scroll position. */
export interface RowWindow {
  /** First rendered row (index among shown rows). */
  first: number;
  /** One past the last rendered row. */
  end: number;
  /** Virtual pixels per scrolled pixel (1 unless the rows are too many for a real scroll height). */
  scale: number;
}

/**
 * The scroll body's height for `rows` rows (capped at `MAX_BODY_PX`).
 * @param rows shown rows
 */
export function bodyHeight(rows: number): number {
  return Math.min(rows * ROW_HEIGHT, MAX_BODY_PX);
}

/**
 * Virtual pixels per scrolled pixel: above the cap, the scroll range is mapped linearly onto all rows.
 * @param rows shown rows
 * @param view height of the data area (viewport minus header)
 */
export function scrollScale(rows: number, view: number): number {
  const content = rows * ROW_HEIGHT;
  const body = bodyHeight(rows);
  return content <= body || body <= view ? 1 : (content - view) / (body - view);
}

/**
 * The rows to render at a scroll position.
 * @param scrollTop the viewport's scrollTop
 * @param view height of the data area
 * @param rows shown rows
 */
export function rowWindow(scrollTop: number, view: number, rows: number): RowWindow {
  const scale = scrollScale(rows, view);
  const top = Math.max(0, scrollTop) * scale;
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const end = Math.min(rows, Math.ceil((top + view) / ROW_HEIGHT) + OVERSCAN);
  return { first, end, scale };
}

/**
 * Where row `row` sits in the scroll body (CSS pixels from its top) at a scroll position.
 * @param row index among shown rows
 * @param scrollTop the viewport's scrollTop
 * @param scale from `scrollScale`
 */
export function rowTop(row: number, scrollTop: number, scale: number): number {
  return scale === 1 ? row * ROW_HEIGHT : scrollTop + row * ROW_HEIGHT - scrollTop * scale;
}

/**
 * The scrollTop that brings `row` fully into view with the least movement.
 * @param row index among shown rows
 * @param scrollTop the current scrollTop
 * @param view height of the data area
 * @param rows shown rows
 */
export function scrollToRow(row: number, scrollTop: number, view: number, rows: number): number {
  const scale = scrollScale(rows, view);
  const top = scrollTop * scale;
  const y = row * ROW_HEIGHT;
  let next = top;
  if (y < top) next = y;
  else if (y + ROW_HEIGHT > top + view) next = y + ROW_HEIGHT - view;
  return next === top ? scrollTop : next / scale;
}
