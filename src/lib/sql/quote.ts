import { column, literal } from '@uwdata/mosaic-sql';

/** A fragment of SQL text that was produced by a quoting helper, never by raw user text. */
export class SqlFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/**
 * Quotes an identifier (table or column name) for DuckDB: `a"b` → `"a""b"`.
 * @param name any user-supplied name; spaces, quotes, umlauts and keywords are safe
 */
export function ident(name: string): SqlFragment {
  return new SqlFragment(String(column(name)));
}

/**
 * Quotes a literal value: strings get `'` doubled, dates become `DATE '…'`, non-finite numbers `NULL`.
 * @param value a string, number, boolean, Date, null or bigint
 */
export function lit(value: string | number | boolean | Date | null | bigint): SqlFragment {
  if (typeof value === 'bigint') return new SqlFragment(value.toString());
  // DuckDB's parser stops a string literal at a NUL character, so NUL is spliced in as chr(0).
  if (typeof value === 'string' && value.includes('\0')) {
    return new SqlFragment(`(${value.split('\0').map((part) => String(literal(part))).join(' || chr(0) || ')})`);
  }
  return new SqlFragment(String(literal(value)));
}

type SqlValue = SqlFragment | number | bigint | boolean | readonly SqlFragment[];

/**
 * Tagged template for SQL that accepts only fragments and numbers.
 * Plain strings throw, so user text can never be spliced in by accident.
 * Arrays of fragments are joined with `, `.
 * @example sql`SELECT ${ident(col)} FROM ${ident(table)} LIMIT ${10}`
 */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): SqlFragment {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new SqlFragment(out);
}

function render(v: SqlValue): string {
  if (v instanceof SqlFragment) return v.text;
  if (Array.isArray(v)) return v.map(render).join(', ');
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return 'NULL';
    return String(v);
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  throw new TypeError(`sql\`\`: refusing to splice a raw ${typeof v} into SQL; wrap it with ident() or lit()`);
}

/**
 * Joins fragments with a separator (which is trusted code, not user text).
 * @param parts fragments to join
 * @param separator SQL text placed between parts
 */
export function join(parts: readonly SqlFragment[], separator = ', '): SqlFragment {
  return new SqlFragment(parts.map((p) => p.text).join(separator));
}
