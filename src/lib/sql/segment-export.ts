/**
 * SQL for exporting a segment cell's result (the `members` view: key, `segment`, `tags` and the
 * entity's columns) to a CRM or a spreadsheet. Pure: identifiers go through `ident`, values
 * through `lit`.
 *
 * Text cells that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or
 * carriage return) get a leading `'`, as OWASP advises against CSV injection
 * (https://owasp.org/www-community/attacks/CSV_Injection); numbers, booleans and dates keep their
 * type. Header names get the same treatment.
 */
import { pseudonymSql } from './personal-export';
import { ident, join, lit, sql, type SqlFragment } from './quote';
import { note, NoteError } from '../i18n/note';

/** A column of the members view and its DuckDB type as `DESCRIBE` names it (`BIGINT`, `DECIMAL(10,2)`). */
export interface ExportColumn {
  name: string;
  type: string;
}

/** What `membershipExportQuery` exports. */
export interface MembershipExport {
  /** The members view (a segment cell's result). */
  members: string;
  /** The view's columns and types (`DESCRIBE`), used to tell text from numbers. */
  schema: readonly ExportColumn[];
  /** The entity key column. */
  key: string;
  /** Further columns to export, in this order; default every column that is not in `pii`. */
  columns?: readonly string[];
  /** Personal-data columns: left out (even when listed in `columns`) unless in `include` or hashed. */
  pii: readonly string[];
  /** Personal-data columns this export writes as they are (the user opted in to each). */
  include?: readonly string[];
  /** When set (even `''`), the other personal-data columns are exported as lower-case hex `sha256(salt || value)`. */
  hashSalt?: string;
  /** Segments with fewer members than this are flagged in `small_segment`. */
  minSize: number;
}

/** A column summed per segment by `aggregateExportQuery`. */
export interface ExportMeasure {
  column: string;
  /** The output column's name; default `sum_<column>`. */
  as?: string;
}

/** What `aggregateExportQuery` exports. */
export interface AggregateExport {
  /** The members view (a segment cell's result). */
  members: string;
  /** The entity key column: a segment's size is its number of distinct keys. */
  key: string;
  /** Segments with fewer members than this have their figures suppressed. */
  minSize: number;
  /** Numeric columns to sum per segment. */
  measures?: readonly ExportMeasure[];
}

/** Name of the flag column of a membership export. */
export const SMALL_SEGMENT_COLUMN = 'small_segment';
/** Name of the size column of an aggregate export. */
export const MEMBERS_COLUMN = 'members';
/** Name of the flag column of an aggregate export. */
export const SUPPRESSED_COLUMN = 'suppressed';

const SEGMENT = 'segment';
const TAGS = 'tags';

/** Leading characters that make a spreadsheet cell a formula. */
export const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r'] as const;

/** Types whose values are written as numbers, booleans or dates: never formulas, so left as they are. */
const PLAIN_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|VARINT|BIGNUM|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?|BOOLEAN|DATE|TIME|TIME WITH TIME ZONE|TIMESTAMP(_S|_MS|_NS)?|TIMESTAMP WITH TIME ZONE)$/i;

/**
 * Neutralises a name or value against formula injection: a leading `=`, `+`, `-`, `@`, tab or
 * carriage return gets a `'` in front.
 * @param text a header name or cell text
 */
export function neutralizeText(text: string): string {
  return (FORMULA_STARTS as readonly string[]).includes(text.charAt(0)) ? `'${text}` : text;
}

/**
 * SQL that neutralises a text expression the way `neutralizeText` does; NULL stays NULL.
 * @param expr a VARCHAR expression
 */
export function neutralizeSql(expr: SqlFragment): SqlFragment {
  const starts = FORMULA_STARTS.map((c) => lit(c));
  return sql`CASE WHEN substr(${expr}, 1, 1) IN (${starts}) THEN ${lit("'")} || ${expr} ELSE ${expr} END`;
}

/**
 * Whether values of a DuckDB type are written as text (and so need neutralising).
 * @param type a type as `DESCRIBE` names it
 */
export function isTextType(type: string): boolean {
  return !PLAIN_TYPE.test(type.trim());
}

/**
 * The membership of every segment, ready for a CRM import: the key, `segment`, `tags`, the chosen
 * columns and `small_segment` (the segment has fewer than `minSize` distinct keys). Chosen
 * personal-data columns are written as they are only when in `include`; with `hashSalt` the
 * others (and the key, if personal) become `sha256(salt || value::VARCHAR)` in lower-case hex;
 * without it they are left out, and a personal key is an error. Text is neutralised against
 * formula injection. Rows are ordered by segment and exported key.
 * @param options the view, its schema, the columns and the guards
 * @example membershipExportQuery({ members: 'vip', schema, key: 'Kundennummer', pii: ['E-Mail'], minSize: 10 })
 */
export function membershipExportQuery(options: MembershipExport): SqlFragment {
  const { members, schema, key, pii, hashSalt } = options;
  const minSize = checkMinSize(options.minSize);
  const types = new Map(schema.map((c) => [c.name, c.type]));
  const fixed = [key, SEGMENT, TAGS];
  for (const name of fixed) if (!types.has(name)) throw new NoteError(note('exportNoColumn', { view: members, name }));
  const include = new Set(options.include ?? []);
  const personal = new Set(pii.filter((name) => !include.has(name)));
  if (personal.has(key) && hashSalt === undefined) {
    throw new NoteError(note('exportKeyPersonal', { key }));
  }
  const chosen = options.columns ?? schema.map((c) => c.name).filter((name) => !personal.has(name));
  const extra = [...new Set(chosen)].filter((name) => !fixed.includes(name) && (hashSalt !== undefined || !personal.has(name)));
  for (const name of extra) {
    if (!types.has(name)) throw new NoteError(note('exportNoColumn', { view: members, name }));
    if (name === SMALL_SEGMENT_COLUMN) throw new NoteError(note('exportFlagClash', { name }));
  }
  const output = (name: string) => {
    const expr = personal.has(name) && hashSalt !== undefined ? pseudonymSql(ident(name), hashSalt) : textSafe(ident(name), types.get(name) as string);
    return sql`${expr} AS ${ident(neutralizeText(name))}`;
  };
  const small = sql`count(DISTINCT ${ident(key)}) OVER (PARTITION BY ${ident(SEGMENT)}) < ${minSize} AS ${ident(SMALL_SEGMENT_COLUMN)}`;
  return sql`SELECT ${join([...fixed, ...extra].map(output), ',\n  ')},\n  ${small}\nFROM ${ident(members)}\nORDER BY 2, 1`;
}

/**
 * Per-segment figures that single out no one: each segment's distinct members and the sums of
 * `measures`, with every figure NULL and `suppressed` true where a segment has fewer than
 * `minSize` members. Rows are ordered by segment.
 * @param options the view, key, guard and measures
 * @example aggregateExportQuery({ members: 'vip', key: 'Kundennummer', minSize: 10, measures: [{ column: 'Umsatz' }] })
 */
export function aggregateExportQuery(options: AggregateExport): SqlFragment {
  const minSize = checkMinSize(options.minSize);
  const size = sql`count(DISTINCT ${ident(options.key)})`;
  const suppressed = sql`${size} < ${minSize}`;
  const unlessSuppressed = (expr: SqlFragment) => sql`CASE WHEN ${suppressed} THEN NULL ELSE ${expr} END`;
  const figures = [
    sql`${unlessSuppressed(size)} AS ${ident(MEMBERS_COLUMN)}`,
    ...(options.measures ?? []).map(
      (m) => sql`${unlessSuppressed(sql`sum(${ident(m.column)})`)} AS ${ident(neutralizeText(m.as ?? `sum_${m.column}`))}`
    )
  ];
  const segment = ident(SEGMENT);
  return sql`SELECT ${neutralizeSql(sql`CAST(${segment} AS VARCHAR)`)} AS ${segment},\n  ${join(figures, ',\n  ')},\n  ${suppressed} AS ${ident(SUPPRESSED_COLUMN)}\nFROM ${ident(options.members)}\nGROUP BY ${segment}\nORDER BY 1`;
}

function textSafe(expr: SqlFragment, type: string): SqlFragment {
  return isTextType(type) ? neutralizeSql(sql`CAST(${expr} AS VARCHAR)`) : expr;
}

function checkMinSize(minSize: number): number {
  if (!Number.isFinite(minSize) || minSize < 0) throw new NoteError(note('exportMinSize', { size: String(minSize) }));
  return minSize;
}
