import type { ClusterFeature } from '../../notebook/model';
import { columnKind } from '../../sql/segment-templates';

/** Numeric columns that are codes rather than quantities (postcodes, phone numbers, years, ids). */
const CODE_COLUMN = /(^|[^a-z])(plz|zip|postcode|postleitzahl|telefon|phone|jahr|year)([^a-z]|$)|(^|[^a-z])(id|nr)$/i;
/** Money columns, whose long right tail `log1p_z` tames. */
const MONEY_COLUMN = /spend|revenue|umsatz|sales|betrag|amount/i;

/**
 * Whether a column is a quantity a new cluster cell clusters on: numeric, and not named like a code.
 * @param column name and DuckDB type
 */
export function isQuantity(column: { name: string; type: string }): boolean {
  return columnKind(column.type) === 'number' && !CODE_COLUMN.test(column.name);
}

/**
 * A feature for a column with the preparation its type and name suggest: one-hot for text, dates
 * and booleans, `log1p_z` for money (`Umsatz gesamt`, `revenue`), else `z`.
 * @param column name and DuckDB type
 */
export function featureFor(column: { name: string; type: string }): ClusterFeature {
  if (columnKind(column.type) !== 'number') return { column: column.name, prep: 'onehot' };
  return { column: column.name, prep: MONEY_COLUMN.test(column.name) ? 'log1p_z' : 'z' };
}

/**
 * A whole number typed into an input, or null (and the input reset) when it is not one within
 * [min, max].
 * @param input the number input
 * @param min smallest allowed
 * @param max largest allowed
 */
export function wholeFrom(input: HTMLInputElement, min: number, max: number): number | null {
  const n = Number(input.value);
  if (!(Number.isInteger(n) && n >= min && n <= max)) {
    input.value = input.defaultValue;
    return null;
  }
  return n;
}
