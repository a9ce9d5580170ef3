import type { ParquetParsers, SchemaTree } from 'hyparquet';
import { note, type Note } from '../../i18n/note';
import { uniqueColumnNames } from '../../sql/names';
import { kindWidth, type ColumnKind } from './arrow-build';

/** How one top-level Parquet column is loaded. */
export interface ParquetColumn {
  /** Name in the file (what hyparquet is asked for). */
  source: string;
  /** Column name in the table (made unique, never empty). */
  name: string;
  kind: ColumnKind;
  /** Bytes per value DuckDB needs, for estimates. */
  width: number;
  /** Shown in the table info, e.g. `DECIMAL(10,2) → DOUBLE`. */
  conversion?: Note;
  /** Per-value conversion applied after decoding. */
  convert?: (v: unknown) => unknown;
  /** Set when the column cannot be loaded: its name and type, for the warning. */
  skip?: { name: string; type: string };
}

const decoder = new TextDecoder();

/**
 * UTC instants load as TIMESTAMP (UTC wall-clock time), not TIMESTAMP WITH TIME ZONE: DuckDB-WASM
 * has no ICU, and `epoch()` on a TIMESTAMPTZ never returns there (seen with duckdb-wasm 1.32).
 */
const UTC_NOTE = note('convUtcTimestamp');

/**
 * hyparquet parsers that keep full precision: timestamps as BigInt microseconds since 1970,
 * dates as days since 1970, JSON as text.
 */
export const PARQUET_PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (v: bigint) => (v === undefined || v === null ? v : BigInt(v) * 1000n),
  timestampFromMicroseconds: (v: bigint) => (v === undefined || v === null ? v : BigInt(v)),
  timestampFromNanoseconds: (v: bigint) => (v === undefined || v === null ? v : BigInt(v) / 1000n),
  dateFromDays: (d: number) => d,
  jsonFromBytes: (b: Uint8Array) => b && decoder.decode(b)
};

/**
 * Decides the Arrow / DuckDB type of each top-level column from the Parquet schema.
 * @param children the top-level schema nodes (`parquetSchema(meta).children`)
 */
export function planParquetColumns(children: readonly SchemaTree[]): ParquetColumn[] {
  const names = uniqueColumnNames(children.map((c) => c.element.name));
  return children.map((node, i) => {
    const c = planOne(node);
    return { source: node.element.name, name: names[i], width: kindWidth(c.kind), ...c };
  });
}

function planOne(node: SchemaTree): Omit<ParquetColumn, 'source' | 'name' | 'width'> {
  const el = node.element;
  const lt = el.logical_type;
  const ct = el.converted_type;
  if (node.children.length || el.num_children) {
    const what = lt?.type ?? ct ?? 'STRUCT';
    return { kind: 'utf8', conversion: note('convNestedToJson', { type: what }), convert: toJsonText };
  }
  if (ct === 'BSON' || ct === 'INTERVAL' || lt?.type === 'BSON' || lt?.type === 'INTERVAL' || lt?.type === 'VARIANT') {
    return { kind: 'utf8', skip: { name: el.name, type: String(lt?.type ?? ct) } };
  }
  if (ct === 'DECIMAL' || lt?.type === 'DECIMAL') {
    const p = lt?.type === 'DECIMAL' ? lt.precision : el.precision;
    const s = lt?.type === 'DECIMAL' ? lt.scale : el.scale;
    return { kind: 'double', conversion: note('convType', { from: `DECIMAL(${p ?? '?'},${s ?? 0})`, to: 'DOUBLE' }) };
  }
  if (ct === 'DATE' || lt?.type === 'DATE') return { kind: 'date' };
  if (lt?.type === 'TIMESTAMP' || ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS') {
    const utc = lt?.type === 'TIMESTAMP' ? lt.isAdjustedToUTC : true;
    const nanos = lt?.type === 'TIMESTAMP' && lt.unit === 'NANOS' ? note('convNanoseconds') : undefined;
    const conversion = utc && nanos ? note('convBoth', { first: UTC_NOTE, second: nanos }) : utc ? UTC_NOTE : nanos;
    return conversion ? { kind: 'timestamp', conversion } : { kind: 'timestamp' };
  }
  if (el.type === 'INT96') return { kind: 'timestamp', conversion: note('convTypeTimestamp', { type: 'INT96' }) };
  if (lt?.type === 'TIME' || ct === 'TIME_MILLIS' || ct === 'TIME_MICROS') {
    const unit = lt?.type === 'TIME' ? lt.unit : ct === 'TIME_MILLIS' ? 'MILLIS' : 'MICROS';
    return { kind: 'utf8', conversion: note('convTimeText', { type: 'TIME', format: 'HH:MM:SS' }), convert: (v) => timeText(v, unit) };
  }
  if (lt?.type === 'GEOMETRY' || lt?.type === 'GEOGRAPHY') return { kind: 'utf8', conversion: note('convGeoJson', { type: lt.type }), convert: toJsonText };
  if (lt?.type === 'FLOAT16') return { kind: 'float' };
  const unsigned = (lt?.type === 'INTEGER' && !lt.isSigned) || (ct && ct.startsWith('UINT_'));
  switch (el.type) {
    case 'BOOLEAN':
      return { kind: 'bool' };
    case 'INT32':
      return unsigned && (ct === 'UINT_32' || (lt?.type === 'INTEGER' && lt.bitWidth === 32)) ? { kind: 'int64' } : { kind: 'int32' };
    case 'INT64':
      return unsigned ? { kind: 'double', conversion: note('convType', { from: 'UINT64', to: 'DOUBLE' }) } : { kind: 'int64' };
    case 'FLOAT':
      return { kind: 'float' };
    case 'DOUBLE':
      return { kind: 'double' };
    case 'FIXED_LEN_BYTE_ARRAY':
      if (lt?.type === 'UUID') return { kind: 'utf8', conversion: note('convTypeText', { type: 'UUID' }) };
      return { kind: 'utf8', conversion: note('convBinaryHex'), convert: hexText };
    default:
      return { kind: 'utf8' };
  }
}

function toJsonText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? (Number.isSafeInteger(Number(x)) ? Number(x) : x.toString()) : x));
}

function hexText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('');
  return String(v);
}

function timeText(v: unknown, unit: 'MILLIS' | 'MICROS' | 'NANOS'): string | null {
  if (v === null || v === undefined) return null;
  const perSecond = unit === 'MILLIS' ? 1000 : unit === 'MICROS' ? 1_000_000 : 1_000_000_000;
  const n = Number(v);
  const secs = Math.floor(n / perSecond);
  const frac = n - secs * perSecond;
  const hh = String(Math.floor(secs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((secs % 3600) / 60)).padStart(2, '0');
  const ss = String(secs % 60).padStart(2, '0');
  const digits = String(perSecond).length - 1;
  return `${hh}:${mm}:${ss}${frac ? '.' + String(frac).padStart(digits, '0').replace(/0+$/, '') : ''}`;
}
