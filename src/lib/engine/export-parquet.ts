import { tableFromIPC, type Column } from '@uwdata/flechette';
import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import type { Db } from './db';

/** Rows per Parquet row group: each group is converted and encoded on its own, which bounds the JS memory used. */
export const PARQUET_ROW_GROUP = 100_000;

const DAY_MS = 86_400_000;
const TIME_UNITS = ['MILLIS', 'MILLIS', 'MICROS', 'NANOS'] as const;

interface ArrowType {
  typeId: number;
  bitWidth?: number;
  signed?: boolean;
  precision?: number;
  unit?: number;
  timezone?: string | null;
  dictionary?: ArrowType;
}

/** How one Arrow column becomes one Parquet column: its schema element and a value converter. */
interface ColumnPlan {
  element: SchemaElement;
  convert: (v: unknown) => unknown;
}

/**
 * Runs a query with DuckDB and writes its result as a Parquet file (Snappy), in the worker.
 * @param db the backend
 * @param text the SQL of the query
 */
export async function exportParquet(db: Db, text: string): Promise<Uint8Array> {
  return arrowToParquet(await db.arrow(text.replace(/[\s;]+$/, '')));
}

/**
 * Converts an Arrow IPC stream to Parquet with `hyparquet-writer`, keeping the column types:
 * integers (64-bit as INT64), floats and doubles, decimals as DOUBLE, VARCHAR, BLOB, BOOLEAN,
 * DATE, TIMESTAMP (its unit, UTC-adjusted when it has a time zone) and nulls. Other types
 * (lists, structs, intervals, times) are written as JSON text.
 * @param ipc Arrow IPC stream bytes
 * @param rowGroup rows per row group
 */
export function arrowToParquet(ipc: Uint8Array, rowGroup = PARQUET_ROW_GROUP): Uint8Array {
  const table = tableFromIPC(ipc, { useBigInt: true, useBigIntTimestamp: true });
  const names = uniqueNames(table.names);
  const columns = names.map((_, i) => table.getChildAt(i) as Column<unknown>);
  const plans = columns.map((c, i) => planColumn(names[i], c.type as ArrowType));
  const schema: SchemaElement[] = [{ name: 'root', num_children: names.length }, ...plans.map((p) => p.element)];
  const writer = new ByteWriter();
  const pq = new ParquetWriter({ writer, schema, codec: 'SNAPPY', createdBy: 'seglab' });
  const rows = table.numRows;
  for (let start = 0; start < rows; start += rowGroup) {
    const end = Math.min(rows, start + rowGroup);
    const columnData = columns.map((col, i) => {
      const { convert } = plans[i];
      const data = new Array<unknown>(end - start);
      for (let r = start; r < end; r++) {
        const v = col.at(r);
        data[r - start] = v === null || v === undefined ? null : convert(v);
      }
      return { name: names[i], data };
    });
    void pq.write({ columnData, rowGroupSize: end - start });
  }
  void pq.finish();
  return writer.getBytes();
}

function planColumn(name: string, type: ArrowType): ColumnPlan {
  const optional = { name, repetition_type: 'OPTIONAL' } as const;
  const same = (v: unknown) => v;
  switch (type.typeId) {
    case -1:
      return planColumn(name, type.dictionary ?? { typeId: 5 });
    case 2: {
      const bits = type.bitWidth ?? 32;
      const signed = type.signed !== false;
      if (bits === 64) {
        return {
          element: { ...optional, type: 'INT64', ...(signed ? {} : { converted_type: 'UINT_64' }) },
          convert: (v) => BigInt(v as bigint | number)
        };
      }
      const converted = bits === 32 && signed ? undefined : (`${signed ? 'INT' : 'UINT'}_${bits}` as 'INT_8' | 'INT_16' | 'UINT_8' | 'UINT_16' | 'UINT_32');
      return { element: { ...optional, type: 'INT32', ...(converted ? { converted_type: converted } : {}) }, convert: same };
    }
    case 3:
      return type.precision === 2
        ? { element: { ...optional, type: 'DOUBLE' }, convert: same }
        : { element: { ...optional, type: 'FLOAT' }, convert: same };
    case 7:
      return { element: { ...optional, type: 'DOUBLE' }, convert: (v) => (typeof v === 'bigint' ? Number(v) : v) };
    case 5:
    case 20:
    case 24:
      return { element: { ...optional, type: 'BYTE_ARRAY', converted_type: 'UTF8' }, convert: same };
    case 4:
    case 19:
    case 23:
      return { element: { ...optional, type: 'BYTE_ARRAY' }, convert: same };
    case 6:
      return { element: { ...optional, type: 'BOOLEAN' }, convert: same };
    case 8:
      return { element: { ...optional, type: 'INT32', converted_type: 'DATE' }, convert: (v) => Math.floor(Number(v) / DAY_MS) };
    case 10: {
      const unit = type.unit ?? 2;
      const scale = unit === 0 ? 1000n : 1n;
      return {
        element: {
          ...optional,
          type: 'INT64',
          logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: Boolean(type.timezone), unit: TIME_UNITS[unit] }
        },
        convert: (v) => BigInt(v as bigint) * scale
      };
    }
    default:
      return { element: { ...optional, type: 'BYTE_ARRAY', converted_type: 'UTF8' }, convert: jsonText };
  }
}

/** Parquet readers address columns by name, so a repeated name (`SELECT 1 AS a, 2 AS a`) gets a suffix. */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let unique = name;
    for (let n = 2; seen.has(unique.toLowerCase()); n++) unique = `${name}_${n}`;
    seen.add(unique.toLowerCase());
    return unique;
  });
}

function jsonText(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<unknown>) : x));
}
