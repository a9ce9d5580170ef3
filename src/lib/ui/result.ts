import type { Table } from '@uwdata/flechette';
import type { CellKind } from './format';

/** One column of a result as the grid shows it: name, SQL-like type label, display kind and the lazy Arrow column. */
export interface ResultColumn {
  name: string;
  type: string;
  kind: CellKind;
  /** Reads one value (decoded on demand, never the whole column). */
  at(row: number): unknown;
}

/** The Arrow type fields the labels need (flechette `typeId` numbering). */
export interface ArrowTypeLike {
  typeId: number;
  bitWidth?: number;
  signed?: boolean;
  precision?: number;
  scale?: number;
  unit?: number;
  timezone?: string | null;
  dictionary?: ArrowTypeLike;
}

const TIME_UNITS = ['s', 'ms', 'µs', 'ns'];

/**
 * The columns of a decoded Arrow result (by position, so repeated names stay apart). Reading a
 * value that cannot be decoded yields the error's message instead of throwing.
 * @param table a flechette table (`tableFromIPC`)
 */
export function resultColumns(table: Table): ResultColumn[] {
  return table.names.map((name, i) => {
    const col = table.getChildAt(i)!;
    const type = col.type as ArrowTypeLike;
    return {
      name,
      type: typeLabel(type),
      kind: cellKind(type),
      at(row: number) {
        try {
          return col.at(row);
        } catch (e) {
          return e instanceof Error ? e.message : String(e);
        }
      }
    };
  });
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

/**
 * How values of an Arrow type are displayed and filtered: numbers right-aligned, dates without time.
 * @param type the Arrow type of a column
 */
export function cellKind(type: ArrowTypeLike): CellKind {
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
