/**
 * Starting points for the customer-value cells: which table holds the transactions and which of its
 * columns are the customer key, the date, the amount, the order id and the margin, guessed from
 * column names (German and English) and types, so a new RFM, CLV or cohort cell runs at once. Pure.
 */
import type { Transactions } from '../notebook/model';
import { columnKind, isKeyName } from './segment-templates';

/** A table as the guess reads it. */
export interface TableShape {
  name: string;
  rows: number;
  columns: readonly { name: string; type: string }[];
}

const CUSTOMER = /kunde|customer|client|account|konto|firma|company|member|user|käufer|buyer/i;
const ORDER = /bestell|order|invoice|rechnung|beleg|transakt|transact|receipt|auftrag/i;
const MARGIN = /marge|margin|deckungsbeitrag|profit|gewinn|rohertrag/i;
const AMOUNT = /betrag|umsatz|amount|revenue|sales|wert|value|price|preis|total|summe|spend/i;
const DATE = /datum|date|zeit|time|tag|day/i;

/**
 * Guesses the transactions table among `tables` and its columns: a customer key (a key-like column
 * named for customers, else the first key-like column that is no order id), a date (DATE or
 * TIMESTAMP, named like one first), an amount (a number named like money that is no margin), an
 * order id and a margin when there are such columns. Of the tables where key, date and amount are
 * found, the one with the most rows wins; null when there is none.
 * @param tables the loaded tables and named results
 */
export function guessTransactions(tables: readonly TableShape[]): Transactions | null {
  let best: { rows: number; found: Transactions } | null = null;
  for (const table of tables) {
    const found = transactionsOf(table);
    if (found && (!best || table.rows > best.rows)) best = { rows: table.rows, found };
  }
  return best?.found ?? null;
}

function transactionsOf(table: TableShape): Transactions | null {
  const kind = (c: { type: string }) => columnKind(c.type);
  const isId = (c: { name: string }) => isKeyName(c.name);
  const ids = table.columns.filter((c) => isId(c) && (kind(c) === 'text' || kind(c) === 'number'));
  const key = ids.find((c) => CUSTOMER.test(c.name)) ?? ids.find((c) => !ORDER.test(c.name));
  const dates = table.columns.filter((c) => kind(c) === 'date');
  const date = dates.find((c) => DATE.test(c.name)) ?? dates[0];
  const numbers = table.columns.filter((c) => kind(c) === 'number' && !isId(c));
  const amount = numbers.find((c) => AMOUNT.test(c.name) && !MARGIN.test(c.name));
  if (!key || !date || !amount) return null;
  const out: Transactions = { table: table.name, key: key.name, date: date.name, amount: amount.name };
  const order = ids.find((c) => c !== key && ORDER.test(c.name));
  if (order) out.orderId = order.name;
  const margin = numbers.find((c) => c !== amount && MARGIN.test(c.name));
  if (margin) out.margin = margin.name;
  return out;
}
