import { fromArrow } from 'arquero';
import type { CellKind } from './format';

/** The part of a query result the SQL panel shows: all column types, the total, the first rows. */
export interface QueryResult {
  columns: { name: string; type: string; kind: CellKind }[];
  /** Rows in the whole result. */
  total: number;
  /** The first `limit` rows, cell by cell (only these are decoded). */
  rows: unknown[][];
}

interface ArrowTypeLike {
  typeId: number;
  bitWidth?: number;
  signed?: boolean;
  precision?: number;
  scale?: number;
  unit?: number;
  timezone?: string | null;
  dictionary?: ArrowTypeLike;
}

interface ColumnLike {
  type?: ArrowTypeLike;
  at(row: number): unknown;
}

const TIME_UNITS = ['s', 'ms', 'µs', 'ns'];

/**
 * Decodes Arrow IPC bytes with Arquero and reads only the first `limit` rows, so a large result
 * costs no more main-thread time than the rows on screen.
 * @param bytes Arrow IPC stream bytes from `api.query`
 * @param limit how many rows to decode
 */
export function decodeResult(bytes: Uint8Array, limit: number): QueryResult {
  const table = fromArrow(bytes, { useBigInt: true, useDate: true });
  const names = table.columnNames();
  const total = table.numRows();
  const cols = names.map((name) => table.column(name) as unknown as ColumnLike);
  const columns = names.map((name, i) => {
    const type = cols[i].type;
    return { name, type: type ? typeLabel(type) : 'Dictionary', kind: type ? cellKind(type) : ('text' as CellKind) };
  });
  const n = Math.min(total, limit);
  const rows: unknown[][] = new Array(n);
  for (let r = 0; r < n; r++) {
    rows[r] = cols.map((c) => {
      try {
        return c.at(r);
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    });
  }
  return { columns, total, rows };
}

/**
 * A short, SQL-like label for an Arrow data type (flechette `typeId` numbering).
 * @param type the Arrow type of a column
 */
export function typeLabel(type: ArrowTypeLike): string {
  switch (type.typeId) {
    case -1:
      return type.dictionary ? typeLabel(type.dictionary) : 'Dictionary';
    case 1:
      return 'NULL';
    case 2: {
      const bits = type.bitWidth ?? 32;
      const name = { 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' }[bits] ?? `INT${bits}`;
      return type.signed === false ? `U${name}` : name;
    }
    case 3:
      return type.precision === 2 ? 'DOUBLE' : type.precision === 1 ? 'FLOAT' : 'HALF';
    case 4:
    case 19:
    case 23:
      return 'BLOB';
    case 5:
    case 20:
    case 24:
      return 'VARCHAR';
    case 6:
      return 'BOOLEAN';
    case 7:
      return `DECIMAL(${type.precision},${type.scale})`;
    case 8:
      return 'DATE';
    case 9:
      return 'TIME';
    case 10:
      return type.timezone ? 'TIMESTAMPTZ' : type.unit === 2 || type.unit === undefined ? 'TIMESTAMP' : `TIMESTAMP (${TIME_UNITS[type.unit]})`;
    case 11:
      return 'INTERVAL';
    case 12:
    case 16:
    case 21:
    case 25:
    case 26:
      return 'LIST';
    case 13:
      return 'STRUCT';
    case 14:
      return 'UNION';
    case 15:
      return 'FIXED BLOB';
    case 17:
      return 'MAP';
    case 18:
      return 'DURATION';
    default:
      return 'OTHER';
  }
}

function cellKind(type: ArrowTypeLike): CellKind {
  switch (type.typeId) {
    case -1:
      return type.dictionary ? cellKind(type.dictionary) : 'text';
    case 2:
    case 3:
    case 7:
      return 'number';
    case 8:
      return 'date';
    case 10:
      return 'timestamp';
    default:
      return 'text';
  }
}
