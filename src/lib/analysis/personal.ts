/**
 * Which columns of a table or view hold personal data: detection from the column name and a
 * sample of its text values (`analysis/pii.ts`), overruled by the user's marks. The browser's
 * exports and the runner's files use this one function, so both leave out the same columns.
 */
import { detectPii, personalByDefault, type PiiMatch } from './pii';
import type { Source } from '../notebook/model';
import { personalExportQuery } from '../sql/personal-export';
import { columnKind, describeQuery, sampleQuery, type ProfileColumn } from '../sql/profile';
import type { SqlFragment } from '../sql/quote';

/** Runs a query and returns its rows as plain objects (`Db.rows`, or the UI's `NotebookState.rows`). */
export type RowsFn = (text: string) => Promise<Record<string, unknown>[]>;

/** Values sampled per text column for personal-data detection. */
export const PII_SAMPLE = 200;

/** A column of an export and whether it holds personal data. */
export interface PersonalColumn {
  name: string;
  type: string;
  /** What detection found, if anything. */
  pii?: PiiMatch;
  /** The user's mark by column name, if any: it wins over detection. */
  mark?: boolean;
  personal: boolean;
}

/**
 * Samples up to `PII_SAMPLE` non-empty values of each text column (reservoir, fixed seed, so the
 * same data gives the same sample).
 * @param rows runs the query
 * @param table the table or view
 * @param columns the columns; only `string` ones are sampled
 * @returns column index → sampled values
 */
export async function sampleText(rows: RowsFn, table: string, columns: readonly ProfileColumn[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  const text = columns.flatMap((c, i) => (c.kind === 'string' ? [[i, c] as const] : []));
  const query = sampleQuery(table, text, PII_SAMPLE);
  if (!query) return out;
  for (const r of (await rows(String(query))) as { c: number; v: string }[]) {
    const list = out.get(Number(r.c)) ?? [];
    list.push(r.v);
    out.set(Number(r.c), list);
  }
  return out;
}

/**
 * The columns of a table or view, each with what detection found and whether it counts as
 * personal: the mark when the user set one for its name, else whether detection flagged it.
 * @param rows runs a query
 * @param table the table or view to export
 * @param marks the user's marks by column name (`personalMarks`)
 */
export async function personalColumns(rows: RowsFn, table: string, marks: Readonly<Record<string, boolean>>): Promise<PersonalColumn[]> {
  const described = (await rows(String(describeQuery(table)))) as { column_name: string; column_type: string }[];
  const columns: ProfileColumn[] = described.map((d) => ({ name: d.column_name, type: d.column_type, kind: columnKind(d.column_type) }));
  const samples = await sampleText(rows, table, columns);
  return columns.map((c, i) => {
    const pii = detectPii(c.name, c.kind === 'string' ? (samples.get(i) ?? []) : undefined);
    const mark = Object.hasOwn(marks, c.name) ? marks[c.name] : undefined;
    const out: PersonalColumn = { name: c.name, type: c.type, personal: mark ?? personalByDefault(pii) };
    if (pii) out.pii = pii;
    if (mark !== undefined) out.mark = mark;
    return out;
  });
}

/**
 * The notebook's marks by column name, merged over its sources: a name marked personal in any
 * source is personal; one only ever unmarked is not.
 * @param sources the notebook's sources
 */
export function personalMarks(sources: readonly Pick<Source, 'personal'>[]): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const s of sources) {
    for (const [column, mark] of Object.entries(s.personal ?? {})) out[column] = mark || out[column] === true;
  }
  return out;
}

/** What one export does with personal columns: include some as they are, pseudonymise the rest or leave them out. */
export interface PersonalChoice {
  /** Personal columns to write as they are. */
  include?: readonly string[];
  /** Pseudonymise the other personal columns with this salt (else they are left out). */
  salt?: string;
}

/**
 * The query that exports a table or view by the personal-data rules: personal columns (by
 * detection and `marks`) left out unless `choice` includes or pseudonymises them.
 * @param rows runs a query
 * @param table the table or view to export
 * @param marks the user's marks by column name
 * @param choice this export's opt-ins
 */
export async function personalExport(
  rows: RowsFn,
  table: string,
  marks: Readonly<Record<string, boolean>>,
  choice: PersonalChoice = {}
): Promise<SqlFragment> {
  const columns = await personalColumns(rows, table, marks);
  return personalExportQuery({
    from: table,
    columns: columns.map((c) => c.name),
    personal: columns.filter((c) => c.personal).map((c) => c.name),
    include: choice.include,
    salt: choice.salt
  });
}
