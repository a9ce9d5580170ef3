import {
  Bool,
  DateDay,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  TimestampMicrosecond,
  Utf8,
  type Data,
  type DataType
} from 'apache-arrow';

/**
 * How a JS column becomes an Arrow column (and so a DuckDB column):
 * `double` DOUBLE, `float` FLOAT, `int32` INTEGER, `int64` BIGINT, `bool` BOOLEAN, `utf8` VARCHAR,
 * `date` DATE (days since 1970), `timestamp` TIMESTAMP (microseconds since 1970). There is no
 * TIMESTAMP WITH TIME ZONE kind: DuckDB-WASM has no ICU and `epoch()` on one never returns there.
 */
export type ColumnKind = 'double' | 'float' | 'int32' | 'int64' | 'bool' | 'utf8' | 'date' | 'timestamp';

/** One column of a batch: values are `null`/`undefined` for missing cells. */
export interface JsColumn {
  name: string;
  kind: ColumnKind;
  values: ArrayLike<unknown>;
}

/**
 * Builds an Arrow IPC stream (one record batch) from JS columns, fast paths for typed arrays.
 * Column names are used verbatim (callers make them unique).
 * @param columns the columns, all of length `length`
 * @param length number of rows
 */
export function columnsToIPC(columns: readonly JsColumn[], length: number): Uint8Array {
  const fields = columns.map((c) => new Field(c.name, arrowType(c.kind), true));
  const schema = new Schema(fields);
  const children = columns.map((c, i) => buildData(c, fields[i].type, length));
  const struct = makeData({ type: new Struct(fields), length, nullCount: 0, children });
  return tableToIPC(new Table(schema, [new RecordBatch(schema, struct)]), 'stream');
}

/**
 * The Arrow type used for a column kind.
 * @param kind the column kind
 */
export function arrowType(kind: ColumnKind): DataType {
  switch (kind) {
    case 'double':
      return new Float64();
    case 'float':
      return new Float32();
    case 'int32':
      return new Int32();
    case 'int64':
      return new Int64();
    case 'bool':
      return new Bool();
    case 'utf8':
      return new Utf8();
    case 'date':
      return new DateDay();
    case 'timestamp':
      return new TimestampMicrosecond();
  }
}

/**
 * The DuckDB type name a column kind ends up as (for estimates shown before loading).
 * @param kind the column kind
 */
export function duckdbTypeName(kind: ColumnKind): string {
  return {
    double: 'DOUBLE',
    float: 'FLOAT',
    int32: 'INTEGER',
    int64: 'BIGINT',
    bool: 'BOOLEAN',
    utf8: 'VARCHAR',
    date: 'DATE',
    timestamp: 'TIMESTAMP'
  }[kind];
}

/**
 * Approximate bytes per value DuckDB needs for a column kind (strings: a guess refined by callers).
 * @param kind the column kind
 */
export function kindWidth(kind: ColumnKind): number {
  return { double: 8, float: 4, int32: 4, int64: 8, bool: 1, utf8: 24, date: 4, timestamp: 8 }[kind];
}

function buildData(col: JsColumn, type: DataType, length: number): Data {
  const { values } = col;
  let nullCount = 0;
  const validity = new Uint8Array((length + 7) >> 3);
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v === null || v === undefined) nullCount++;
    else validity[i >> 3] |= 1 << (i & 7);
  }
  const nullBitmap = nullCount ? validity : undefined;
  switch (col.kind) {
    case 'double':
    case 'float': {
      const Ctor = col.kind === 'double' ? Float64Array : Float32Array;
      const data = values instanceof Ctor && values.length === length ? values : new Ctor(length);
      if (data !== values) for (let i = 0; i < length; i++) data[i] = toNumber(values[i]);
      return makeData({ type, length, nullCount, nullBitmap, data } as never);
    }
    case 'int32':
    case 'date': {
      const data = values instanceof Int32Array && values.length === length ? values : new Int32Array(length);
      if (data !== values) for (let i = 0; i < length; i++) data[i] = toNumber(values[i]);
      return makeData({ type, length, nullCount, nullBitmap, data } as never);
    }
    case 'int64':
    case 'timestamp': {
      const data = values instanceof BigInt64Array && values.length === length ? values : new BigInt64Array(length);
      if (data !== values) for (let i = 0; i < length; i++) data[i] = toBigInt(values[i]);
      return makeData({ type, length, nullCount, nullBitmap, data } as never);
    }
    case 'bool': {
      const data = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (values[i] === true) data[i >> 3] |= 1 << (i & 7);
      return makeData({ type, length, nullCount, nullBitmap, data } as never);
    }
    case 'utf8':
      return utf8Data(values, type, length, nullCount, nullBitmap);
  }
}

function utf8Data(values: ArrayLike<unknown>, type: DataType, length: number, nullCount: number, nullBitmap?: Uint8Array): Data {
  const strings: string[] = new Array(length);
  let chars = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v);
    strings[i] = s;
    chars += s.length;
  }
  const encoder = new TextEncoder();
  let bytes = new Uint8Array(Math.max(16, chars * 3));
  const offsets = new Int32Array(length + 1);
  let pos = 0;
  for (let i = 0; i < length; i++) {
    const s = strings[i];
    if (s.length) {
      if (bytes.length - pos < s.length * 3) {
        const grown = new Uint8Array(Math.max(bytes.length * 2, pos + s.length * 3));
        grown.set(bytes.subarray(0, pos));
        bytes = grown;
      }
      pos += encoder.encodeInto(s, bytes.subarray(pos)).written;
    }
    offsets[i + 1] = pos;
  }
  return makeData({ type, length, nullCount, nullBitmap, valueOffsets: offsets, data: bytes.subarray(0, pos) } as never);
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  return 0;
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  return 0n;
}
