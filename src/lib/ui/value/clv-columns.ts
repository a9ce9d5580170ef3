import type { Transactions } from '$lib/notebook/model';
import { columnKind } from '$lib/sql/segment-templates';
import { guessTransactions } from '$lib/sql/value-templates';

type Column = { name: string; type: string };

/**
 * The transaction columns of a newly picked table: each column of `current` the table also has,
 * else the guess from names and types (`guessTransactions`), else the first column for the key.
 * @param table the picked table
 * @param columns its columns
 * @param current the cell's columns so far
 */
export function transactionColumns(table: string, columns: readonly Column[], current: Partial<Transactions>): Omit<Transactions, 'table'> {
  const found = guessTransactions([{ name: table, rows: 0, columns }]);
  const has = (c: string | undefined) => (c && columns.some((x) => x.name === c) ? c : undefined);
  return {
    key: has(current.key) ?? found?.key ?? columns[0]?.name ?? '',
    date: has(current.date) ?? found?.date ?? '',
    amount: has(current.amount) ?? found?.amount ?? '',
    orderId: has(current.orderId) ?? found?.orderId,
    margin: has(current.margin) ?? found?.margin
  };
}

/**
 * Column names by what a value cell may use them for: keys (text or number), dates (date or text,
 * which DuckDB casts) and amounts (numbers).
 * @param columns a table's columns
 */
export function columnsByUse(columns: readonly Column[]): { keys: string[]; dates: string[]; numbers: string[] } {
  const of = (...kinds: string[]) => columns.filter((c) => kinds.includes(columnKind(c.type))).map((c) => c.name);
  return { keys: of('text', 'number'), dates: of('date', 'text'), numbers: of('number') };
}
