import { tableFromIPC, Type, type DataType, type Field } from 'apache-arrow';

/**
 * Decodes an Arrow IPC stream into plain JS rows that survive `JSON.stringify` and structured clone:
 * 64-bit integers become numbers (strings beyond 2^53), decimals numbers, dates `YYYY-MM-DD`,
 * timestamps ISO strings.
 * @param ipc Arrow IPC stream bytes
 */
export function ipcToRows<T = Record<string, unknown>>(ipc: Uint8Array): T[] {
  const table = tableFromIPC(ipc);
  const fields = table.schema.fields;
  const columns = fields.map((f, i) => table.getChildAt(i)!);
  const out: T[] = [];
  for (let r = 0; r < table.numRows; r++) {
    const row: Record<string, unknown> = {};
    fields.forEach((f, i) => {
      row[f.name] = plain(columns[i].get(r), f);
    });
    out.push(row as T);
  }
  return out;
}

function plain(value: unknown, field: Field): unknown {
  if (value === null || value === undefined) return null;
  return convert(value, field.type);
}

function convert(value: unknown, type: DataType): unknown {
  switch (type.typeId) {
    case Type.Int:
      return typeof value === 'bigint' ? bigintToPlain(value) : value;
    case Type.Decimal:
      return decimalToNumber(value as Uint32Array, (type as unknown as { scale: number }).scale);
    case Type.Date:
      return new Date(value as number).toISOString().slice(0, 10);
    case Type.Timestamp:
      return new Date(Number(value)).toISOString();
    case Type.List:
    case Type.FixedSizeList: {
      const child = (type as unknown as { children: Field[] }).children[0];
      return Array.from(value as Iterable<unknown>, (v) => (v === null ? null : convert(v, child.type)));
    }
    case Type.Struct: {
      const obj: Record<string, unknown> = {};
      for (const f of (type as unknown as { children: Field[] }).children) {
        const v = (value as Record<string, unknown>)[f.name];
        obj[f.name] = v === null || v === undefined ? null : convert(v, f.type);
      }
      return obj;
    }
    default:
      return typeof value === 'bigint' ? bigintToPlain(value) : value;
  }
}

function bigintToPlain(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
}

/**
 * Converts a 128-bit little-endian two's-complement decimal (four 32-bit words) to a number.
 * @param words the raw words apache-arrow returns for DECIMAL
 * @param scale digits after the decimal point
 */
export function decimalToNumber(words: Uint32Array, scale: number): number {
  let big = 0n;
  for (let i = words.length - 1; i >= 0; i--) big = (big << 32n) | BigInt(words[i]);
  const bits = BigInt(words.length * 32);
  if (big >> (bits - 1n)) big -= 1n << bits;
  return Number(big) / 10 ** scale;
}
