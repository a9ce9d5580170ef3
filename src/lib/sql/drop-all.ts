/**
 * SQL that lists and drops every user table and view (loaded tables, cell views, temp views,
 * tables written by cells), for "Forget everything". Pure.
 */
import { ident, sql, type SqlFragment } from './quote';

/** A table or view as `userObjectsQuery` lists it. */
export interface DbObject {
  database_name: string;
  schema_name: string;
  name: string;
  kind: 'VIEW' | 'TABLE';
}

/** Lists the user's views, then tables, of every attached database (DuckDB's own catalog views). */
export function userObjectsQuery(): SqlFragment {
  return sql`SELECT database_name, schema_name, view_name AS name, 'VIEW' AS kind FROM duckdb_views() WHERE NOT internal
UNION ALL
SELECT database_name, schema_name, table_name AS name, 'TABLE' AS kind FROM duckdb_tables() WHERE NOT internal
ORDER BY kind DESC, database_name, schema_name, name`;
}

/**
 * One `DROP VIEW` / `DROP TABLE IF EXISTS` per object, views first, names fully qualified.
 * @param objects the rows of `userObjectsQuery`
 */
export function dropStatements(objects: readonly DbObject[]): string[] {
  const ordered = [...objects.filter((o) => o.kind === 'VIEW'), ...objects.filter((o) => o.kind === 'TABLE')];
  return ordered.map((o) => {
    const name = sql`${ident(o.database_name)}.${ident(o.schema_name)}.${ident(o.name)}`;
    return String(o.kind === 'VIEW' ? sql`DROP VIEW IF EXISTS ${name}` : sql`DROP TABLE IF EXISTS ${name}`);
  });
}
