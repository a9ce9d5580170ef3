import { convertExpr, valueOf, type Conversion } from './csv-types';
import { SqlFragment, ident, join, lit, sql } from './quote';

/** One column of a CSV as the loader read it: raw field `index` (0-based), converted to `name`. */
export interface CsvReadColumn {
  index: number;
  name: string;
  conversion: Conversion;
}

/**
 * How a loader turned a file into a table, in terms DuckDB's own readers can repeat: for CSV the
 * dialect and each column's conversion, for the other formats the column types the table ended with.
 */
export type SourceRead =
  | {
      format: 'csv';
      delimiter: string;
      quote: string;
      header: boolean;
      encoding: 'utf-8' | 'windows-1252';
      /** Fields of the widest record: the raw columns `c1…cN` read as text. */
      width: number;
      columns: CsvReadColumn[];
      /** Rows kept when the load took a sample. */
      limit?: number;
    }
  | { format: 'parquet' | 'json' | 'ndjson' | 'xlsx' | 'arrow'; columns: { name: string; type: string }[]; limit?: number };

/**
 * A query that reads a data file with DuckDB's own readers and yields the same table the loader
 * made. CSV is read all text (`c1`, `c2`, … with the loader's dialect) and converted with the
 * loader's own expressions (`convertExpr` over `valueOf`), because DuckDB's `decimal_separator`
 * cannot read `1.234,56` and its `dateformat` takes one format per file. Windows-1252 is read as
 * `latin-1`, DuckDB's built-in single-byte encoding; the two differ only in bytes 0x80–0x9F.
 * Parquet and JSON are read with `read_parquet` / `read_json` and cast to the loaded types; Excel
 * and Arrow files have no reader in the DuckDB CLI without extensions, so they are expected saved
 * as CSV (`path` names that CSV).
 * @param read how the loader read the file
 * @param path the file's path as the script sees it
 */
export function sourceReadQuery(read: SourceRead, path: string): SqlFragment {
  const limit = read.limit === undefined ? sql`` : sql` LIMIT ${read.limit}`;
  if (read.format === 'csv') {
    const raw = (i: number) => `c${i + 1}`;
    const types = join(Array.from({ length: read.width }, (_, i) => sql`${lit(raw(i))}: 'VARCHAR'`));
    const values = join(
      read.columns.map((c, i) => sql`${c.conversion.kind === 'text' ? ident(raw(c.index)) : valueOf(raw(c.index))} AS ${ident(`x${i}`)}`),
      LINE
    );
    const converted = join(read.columns.map((c, i) => sql`${convertExpr(ident(`x${i}`), c.conversion)} AS ${ident(c.name)}`), LINE);
    const encoding = read.encoding === 'utf-8' ? 'utf-8' : 'latin-1';
    return sql`SELECT
  ${converted}
FROM (SELECT
  ${values}
FROM read_csv(${lit(path)},
    columns = {${types}}, header = ${read.header}, auto_detect = false, delim = ${lit(read.delimiter)},
    quote = ${lit(read.quote)}, escape = ${lit(read.quote)}, null_padding = true, encoding = ${lit(encoding)})${limit})`;
  }
  const reader =
    read.format === 'parquet'
      ? sql`read_parquet(${lit(path)})`
      : read.format === 'json' || read.format === 'ndjson'
        ? sql`read_json(${lit(path)}, format = ${lit(read.format === 'json' ? 'array' : 'newline_delimited')})`
        : sql`read_csv(${lit(path)}, header = true)`;
  const cast = join(read.columns.map((c) => sql`CAST(${ident(c.name)} AS ${typeName(c.type)}) AS ${ident(c.name)}`), LINE);
  return sql`SELECT\n  ${cast}\nFROM ${reader}${limit}`;
}

/** Between the items of a select list: one per line. */
const LINE = ',\n  ';

const SAFE_TYPE = /^[A-Z][A-Z0-9_ ]*(\(\d+(, ?\d+)?\))?(\[\])*$/;

function typeName(type: string): SqlFragment {
  if (!SAFE_TYPE.test(type)) throw new RangeError(`Cannot write the type ${JSON.stringify(type)} into a script`);
  return new SqlFragment(type);
}
