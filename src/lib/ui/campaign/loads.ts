import { cellView, type AbTestCell, type KpisCell } from '$lib/notebook/model';
import { distinctTextQuery } from '$lib/sql/abtest';
import { ident, sql } from '$lib/sql/quote';
import type { NotebookState } from '../notebook/notebook.svelte';
import { track } from '../segment/track';

/**
 * Loads every row of a campaign cell's result for its report (a read-out or a board is small);
 * return the function it gives from an `$effect` so a stale result is dropped.
 * @param nb the notebook
 * @param cell the A/B test or KPI board cell
 * @param done receives the rows
 * @param failed receives the error message
 */
export function loadViewRows<T>(nb: NotebookState, cell: AbTestCell | KpisCell, done: (rows: T[]) => void, failed: (message: string) => void): () => void {
  return track(() => nb.rows<T>(String(sql`SELECT * FROM ${ident(cellView(cell))}`)), done, failed);
}

/**
 * Loads a column's distinct values as text (at most 50, sorted) for a choice list; an error gives
 * no values. Return the function it gives from an `$effect`.
 * @param nb the notebook
 * @param table the table
 * @param column the column
 * @param done receives the values
 */
export function loadTextValues(nb: NotebookState, table: string, column: string, done: (values: string[]) => void): () => void {
  return track(
    () => nb.rows<{ v: string }>(String(distinctTextQuery(table, column))),
    (rows) => done(rows.map((r) => r.v)),
    () => done([])
  );
}
