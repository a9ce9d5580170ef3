import { Column, Table } from '@uwdata/flechette';
import { decodeIPC } from '@uwdata/flechette/src/decode/decode-ipc.js';
import { createTable } from '@uwdata/flechette/src/decode/table-from-ipc.js';

/** Record batches decoded per main-thread task (DuckDB sends about 2,048 rows per batch). */
export const DECODE_SLICE = 48;

/** Values as the grid reads them: BIGINT as BigInt (exact), dates and timestamps as `Date`. */
const OPTIONS = { useDate: true, useBigInt: true } as const;

/** Gives the event loop a turn (input, rendering) between two slices of work. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Decodes Arrow IPC bytes into a flechette table whose columns read values lazily (`column.at(i)`).
 * The stream is parsed and its record batches set up a slice at a time, each in its own task, so
 * a million-row result never blocks the main thread for long (nor adds to the task that mounted the grid). Resolves to null when aborted.
 * @param bytes Arrow IPC stream bytes
 * @param signal aborts the decode (a newer result arrived)
 * @param pause awaited between slices
 */
export async function decodeResult(bytes: Uint8Array, signal?: AbortSignal, pause: () => Promise<void> = nextTask): Promise<Table | null> {
  const step = async () => {
    await pause();
    return !signal?.aborted;
  };
  if (!(await step())) return null;
  const data = decodeIPC(bytes);
  const records = data.records ?? [];
  const n = records.length;
  if (n <= DECODE_SLICE) return createTable(data, OPTIONS);
  const parts: Table[] = [];
  for (let a = 0; a < n; a += DECODE_SLICE) {
    if (!(await step())) return null;
    const b = a + DECODE_SLICE;
    parts.push(createTable({ ...data, records: records.slice(a, b), dictsBeforeRecord: data.dictsBeforeRecord?.slice(a, b) }, OPTIONS));
  }
  if (!(await step())) return null;
  const schema = parts[0].schema;
  const columns = schema.fields.map((f, i) => new Column(parts.flatMap((p) => p.getChildAt(i)!.data), f.type));
  const table = new Table(schema, columns);
  return (await step()) ? table : null;
}

/**
 * Rows in an Arrow IPC stream, from the record batch headers only (no column is decoded).
 * @param bytes Arrow IPC stream bytes
 */
export function ipcRowCount(bytes: Uint8Array): number {
  return (decodeIPC(bytes).records ?? []).reduce((n, r) => n + (r.length ?? 0), 0);
}
