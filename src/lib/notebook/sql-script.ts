import { note, NoteError, type Note } from '../i18n/note';
import { SqlFragment, ident, join, lit, sql } from '../sql/quote';
import { sourceReadQuery, type SourceRead } from '../sql/source-read';
import type { Cell, Notebook } from './model';

/** A column of a table computed in JS: its DuckDB type and each row's value as text (NULL as `null`). */
export interface LiteralColumn {
  name: string;
  type: string;
  /** Read only when the script is written, so a recorded run keeps no copy of the values. */
  value(row: number): string | null;
}

/**
 * One thing a cell did to the database while it ran: a statement (`sql`), a table created from
 * values computed in JS (`values`), or an insert the script cannot repeat (`opaque`).
 */
export type ScriptStep =
  | { kind: 'sql'; text: string }
  | { kind: 'values'; table: string; rows: number; columns: LiteralColumn[] }
  | { kind: 'opaque'; what: Note };

/** What a cell's section is made from. */
export interface ScriptCell {
  steps: ScriptStep[];
  /** How its JS-computed values were fitted (e.g. the BG/NBD parameters), for the reader. */
  note?: string;
}

/** A loaded source: where the script reads it and how the loader read it. */
export interface ScriptSource {
  name: string;
  path: string;
  read: SourceRead;
  /** Excel sheet the table came from. */
  sheet?: string;
}

/** Everything `notebookSqlScript` needs; no I/O and no clock. */
export interface SqlScriptInput {
  notebook: Notebook;
  /** seglab's version. */
  version: string;
  /** The export date (`YYYY-MM-DD`), passed in. */
  date: string;
  /** The script's own file name, for the header's run line. */
  fileName: string;
  sources: ScriptSource[];
  /** Cell id → what the cell did in its last successful run; cells missing here are left out with a note. */
  cells: ReadonlyMap<string, ScriptCell>;
  /** Rows above which a JS-computed table is refused instead of written as `VALUES` (default `MAX_LITERAL_ROWS`). */
  maxLiteralRows?: number;
}

/** Rows of one JS-computed table a script writes as `VALUES` at most (about 10 MB of text for a few columns). */
export const MAX_LITERAL_ROWS = 200_000;

/** Why a notebook cannot be written as a script, as a note the UI says in its language; the message names the cell. */
export class SqlScriptError extends NoteError {
  override name = 'SqlScriptError';
}

/**
 * The whole notebook as one DuckDB SQL script: a header saying how to run it, one section per
 * source (`CREATE OR REPLACE TABLE … AS SELECT … FROM read_csv(…)` with every option explicit),
 * then one section per cell in document order with the statements its run issued, Markdown as
 * comments. Results computed in JS (cluster labels, CLV predictions, lookalike scores) are written
 * as `VALUES`, marked as fitted in the browser. Every name and value is quoted; user text outside
 * SQL cells only appears in comments, one `--` per line.
 * @param input the notebook, its sources and what each cell did
 */
export function notebookSqlScript(input: SqlScriptInput): string {
  const { notebook } = input;
  const maxRows = input.maxLiteralRows ?? MAX_LITERAL_ROWS;
  const files = input.sources.map((s) => s.path);
  const out: string[] = [
    comment(notebook.title || 'seglab notebook'),
    comment(`Exported from seglab ${input.version} on ${input.date}.`),
    comment('Rebuilds every table and view of the notebook with the DuckDB CLI (or MotherDuck):'),
    comment(`  duckdb analysis.duckdb < ${input.fileName}`),
    comment(`Run it in the folder holding the data files: ${files.length ? files.join(', ') : 'none'}.`),
    comment('Tables marked "computed in the browser" hold results seglab fitted in JavaScript, as values.'),
    ''
  ];
  if (notebook.settings?.referenceDate) {
    out.push(comment('The notebook\u2019s reference date: rules relative to "today" use it.'));
    out.push(`${sql`SET VARIABLE reference_date = CAST(${lit(notebook.settings.referenceDate)} AS DATE)`};`, '');
  }
  for (const source of input.sources) out.push(...sourceSection(source), '');
  for (const cell of notebook.cells) out.push(...cellSection(cell, input.cells.get(cell.id), maxRows), '');
  return `${out.join('\n').trimEnd()}\n`;
}

function sourceSection(source: ScriptSource): string[] {
  const lines = [comment(`Source ${source.name}: ${source.path}`)];
  let path = source.path;
  if (source.read.format === 'xlsx' || source.read.format === 'arrow') {
    path = source.path.replace(/\.[^./\\]*$/, '') + '.csv';
    const what = source.read.format === 'xlsx' ? `the sheet${source.sheet ? ` "${source.sheet}"` : ''} of ${source.path}` : source.path;
    lines.push(comment(`The DuckDB CLI reads no ${source.read.format === 'xlsx' ? 'Excel' : 'Arrow IPC'} file without an extension: save ${what} as ${path} (UTF-8, comma-separated, header row) first.`));
  } else if (source.read.format === 'csv' && source.read.encoding === 'windows-1252') {
    lines.push(comment('Windows-1252 is read as Latin-1, which differs in bytes 0x80-0x9F only (\u20ac, \u201e, \u201c, \u2013); save a file holding those as UTF-8 and change the encoding to utf-8.'));
  }
  lines.push(`${sql`CREATE OR REPLACE TABLE ${ident(source.name)} AS\n${sourceReadQuery(source.read, path)}`};`);
  return lines;
}

function cellSection(cell: Cell, run: ScriptCell | undefined, maxRows: number): string[] {
  if (cell.kind === 'markdown') return cell.text.trim() ? [comment(cell.text)] : [];
  const title = `Cell ${cell.id}${cell.name ? ` "${cell.name}"` : ''} (${cell.kind})`;
  if (!run) return [comment(`${title}: did not run in seglab (not run yet, failed or skipped), so it is left out.`)];
  const lines = [comment(title)];
  for (const step of run.steps) {
    if (step.kind === 'sql') lines.push(statement(step.text));
    else if (step.kind === 'values') lines.push(...valuesTable(cell, step, run.note, maxRows));
    else throw new SqlScriptError(note('scriptOpaque', { cell: cell.name ?? cell.id, what: step.what }));
  }
  return lines;
}

function valuesTable(cell: Cell, step: Extract<ScriptStep, { kind: 'values' }>, fitted: string | undefined, maxRows: number): string[] {
  if (step.rows > maxRows) {
    throw new SqlScriptError(note('scriptTooManyRows', { cell: (cell.kind !== 'markdown' && cell.name) || cell.id, rows: step.rows, max: maxRows }));
  }
  const lines = [comment(`${step.table}: ${step.rows.toLocaleString('en')} rows computed in the browser${fitted ? ` (${fitted})` : ''}.`)];
  const alias = step.columns.map((_, i) => ident(`c${i + 1}`));
  const select = step.columns.map((c, i) => sql`CAST(${alias[i]} AS ${typeName(c.type)}) AS ${ident(c.name)}`);
  if (step.rows === 0) {
    const nulls = step.columns.map((c) => sql`CAST(NULL AS ${typeName(c.type)}) AS ${ident(c.name)}`);
    lines.push(`${sql`CREATE TABLE ${ident(step.table)} AS SELECT ${nulls} LIMIT 0`};`);
    return lines;
  }
  const rows: string[] = [];
  for (let r = 0; r < step.rows; r++) {
    rows.push(`  (${join(step.columns.map((c) => lit(c.value(r))))})`);
  }
  lines.push(`${sql`CREATE TABLE ${ident(step.table)} AS SELECT ${select} FROM (VALUES`}\n${rows.join(',\n')}\n${sql`) AS v(${alias})`};`);
  return lines;
}

const TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'FLOAT', 'DOUBLE', 'BOOLEAN', 'VARCHAR']);

function typeName(type: string): SqlFragment {
  if (!TYPES.has(type)) throw new SqlScriptError(note('scriptLiteralType', { type: JSON.stringify(type) }));
  return new SqlFragment(type);
}

/**
 * A statement as a cell issued it, ended with `;`; the `;` goes on a line of its own when the last
 * line may end in a `--` comment.
 */
function statement(text: string): string {
  const body = text.trimEnd();
  if (body.endsWith(';')) return body;
  const last = body.slice(body.lastIndexOf('\n') + 1);
  return last.includes('--') ? `${body}\n;` : `${body};`;
}

/**
 * User text as SQL comment lines: every line (any of `\n`, `\r`, `\r\n`) gets its own `--`, so no
 * text can end the comment.
 * @param text any text
 */
export function comment(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => `-- ${line.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ')}`.trimEnd())
    .join('\n');
}
