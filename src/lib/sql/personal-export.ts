/**
 * SQL for exports that leave personal data out: personal columns are dropped unless the export
 * opts in to them, or replaced by a salted SHA-256 pseudonym that DuckDB computes (no row loop
 * in JavaScript). Pure: identifiers go through `ident`, values through `lit`.
 */
import { ident, join, lit, sql, SqlFragment } from './quote';
import { note, NoteError } from '../i18n/note';

/** What `personalExportQuery` exports. */
export interface PersonalExport {
  /** The table or view to export by name, or a query (a fragment built by a quoting builder). */
  from: string | SqlFragment;
  /** Its columns in order (to check that something is left to export). */
  columns: readonly string[];
  /** The columns that hold personal data. */
  personal: readonly string[];
  /** Personal columns this export includes as they are (the user opted in to each). */
  include?: readonly string[];
  /** When set, the other personal columns are exported as `sha256(salt || value)` instead of left out. */
  salt?: string;
}

/**
 * The pseudonym of a value: lower-case hex `sha256(salt || CAST(value AS VARCHAR))` over the
 * UTF-8 bytes, so Node's `createHash('sha256').update(salt + value)` gives the same; NULL stays NULL.
 * @param expr the value
 * @param salt the notebook's salt
 */
export function pseudonymSql(expr: SqlFragment, salt: string): SqlFragment {
  return sql`sha256(${lit(salt)} || CAST(${expr} AS VARCHAR))`;
}

/**
 * Selects every column of `from` in its order, with personal columns left out (`EXCLUDE`),
 * pseudonymised (`REPLACE`, when `salt` is set) or kept (those in `include`). Without personal
 * columns it is `SELECT * FROM from`, the same bytes as before.
 * @param options the table, its columns and what to do with the personal ones
 * @example personalExportQuery({ from: 'top', columns: ['id', 'E-Mail'], personal: ['E-Mail'] }) // SELECT * EXCLUDE ("E-Mail") FROM "top"
 */
export function personalExportQuery(options: PersonalExport): SqlFragment {
  const { from, columns, salt } = options;
  const include = new Set(options.include ?? []);
  const present = new Set(columns);
  const hidden = [...new Set(options.personal)].filter((c) => present.has(c) && !include.has(c));
  const source = from instanceof SqlFragment ? sql`(${from}) AS ${ident('export')}` : ident(from);
  if (hidden.length === 0) return sql`SELECT * FROM ${source}`;
  if (salt === undefined && hidden.length === present.size) {
    throw new NoteError(note('exportAllPersonal'));
  }
  const modifier =
    salt === undefined
      ? sql`EXCLUDE (${hidden.map(ident)})`
      : sql`REPLACE (${join(hidden.map((c) => sql`${pseudonymSql(ident(c), salt)} AS ${ident(c)}`))})`;
  return sql`SELECT * ${modifier} FROM ${source}`;
}
