import { note, type Note } from '../../i18n/note';
import { uniqueColumnNames } from '../../sql/names';
import type { JsColumn } from './arrow-build';

/** Records turned into typed columns, with a note per column that was converted. */
export interface RecordColumns {
  columns: JsColumn[];
  conversions: Record<string, Note>;
}

/**
 * Turns parsed JSON records into columns (the path used when DuckDB's JSON reader refuses a chunk,
 * e.g. a key holding numbers in one record and text in another). Keys are united in first-seen
 * order; a value that is not an object lands in a column `value`. Per column: all numbers →
 * BIGINT (all safe integers) or DOUBLE, all booleans → BOOLEAN, all strings → VARCHAR; objects and
 * arrays → JSON text; mixed → text.
 * @param records the parsed values
 */
export function recordsToColumns(records: readonly unknown[]): RecordColumns {
  const keys: string[] = [];
  const seen = new Set<string>();
  const rows = records.map((r) => (r !== null && typeof r === 'object' && !Array.isArray(r) ? (r as Record<string, unknown>) : { value: r }));
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    }
  }
  const names = uniqueColumnNames(keys);
  const conversions: Record<string, Note> = {};
  const columns = keys.map((key, i): JsColumn => {
    const values = rows.map((r) => (r[key] === undefined ? null : r[key]));
    let numbers = 0;
    let ints = 0;
    let bools = 0;
    let strings = 0;
    let nested = 0;
    for (const v of values) {
      if (v === null) continue;
      if (typeof v === 'number') {
        numbers++;
        if (Number.isSafeInteger(v)) ints++;
      } else if (typeof v === 'boolean') bools++;
      else if (typeof v === 'string') strings++;
      else nested++;
    }
    const filled = numbers + bools + strings + nested;
    const name = names[i];
    if (filled && numbers === filled) return { name, kind: ints === numbers ? 'int64' : 'double', values };
    if (filled && bools === filled) return { name, kind: 'bool', values };
    if (nested === filled && filled) conversions[name] = note('convJsonNested');
    else if (strings !== filled && filled) conversions[name] = note('convMixed');
    return { name, kind: 'utf8', values: values.map((v) => (v === null || typeof v === 'string' ? v : JSON.stringify(v))) };
  });
  return { columns, conversions };
}

/**
 * The 1-based line of a `JSON.parse` error inside `text`, from V8's "at position N" or
 * "(line L column C)" wording; `undefined` when the message carries neither.
 * @param message the SyntaxError message
 * @param text the parsed text
 */
export function jsonErrorLine(message: string, text: string): number | undefined {
  const l = /\(line (\d+) column \d+\)/.exec(message);
  if (l) return Number(l[1]);
  const p = /at position (\d+)/.exec(message);
  if (!p) return undefined;
  let line = 1;
  const end = Math.min(text.length, Number(p[1]));
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
