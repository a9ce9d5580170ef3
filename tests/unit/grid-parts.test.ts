import { describe, expect, it } from 'vitest';
import { copyValue, selectionTsv, type CopyColumn } from '../../src/lib/ui/grid/copy';
import type { GridFilters, SortKey } from '../../src/lib/ui/grid/transform';
import { GridTransformClient, type TransformConnection } from '../../src/lib/ui/grid/transform-client';
import { bodyHeight, MAX_BODY_PX, OVERSCAN, ROW_HEIGHT, rowTop, rowWindow, scrollScale, scrollToRow } from '../../src/lib/ui/grid/viewport';

const columns: CopyColumn[] = [
  { name: 'id', kind: 'number', at: (r) => BigInt(r) },
  { name: 'amount', kind: 'number', at: (r) => (r === 1 ? null : r * 1234.5) },
  { name: 'name', kind: 'text', at: (r) => (r === 2 ? 'Tab\there "q"' : `Kunde ${r}`) },
  { name: 'day', kind: 'date', at: (r) => new Date(Date.UTC(2025, 11, 29 + r)) }
];

describe('copyValue', () => {
  it('writes values a German or English spreadsheet reads back', () => {
    expect(copyValue(1234.5, 'number', 'de-DE')).toBe('1234,5');
    expect(copyValue(1234.5, 'number', 'en-US')).toBe('1234.5');
    expect(copyValue(12345678901234567890n, 'number', 'de-DE')).toBe('12345678901234567890');
    expect(copyValue(new Date(Date.UTC(2025, 11, 31)), 'date', 'de-DE')).toBe('31.12.2025');
    expect(copyValue(new Date(Date.UTC(2025, 11, 31, 14, 30, 5)), 'timestamp', 'en-US')).toBe('2025-12-31 14:30:05');
    expect(copyValue(true, 'text', 'de-DE')).toBe('WAHR');
    expect(copyValue(false, 'text', 'en-US')).toBe('FALSE');
    expect(copyValue(null, 'number', 'de-DE')).toBe('');
    expect(copyValue('a\nb', 'text', 'en-US')).toBe('"a\nb"');
    expect(copyValue(Int32Array.from([1, 2]), 'text', 'en-US')).toBe('[1,2]');
  });
});

describe('selectionTsv', () => {
  it('copies a rectangle through the row order with a header line', () => {
    const got = selectionTsv(columns, Uint32Array.from([3, 2, 1, 0]), { r0: 0, r1: 2, c0: 1, c1: 3 }, 'de-DE');
    expect(got.text).toBe('amount\tname\tday\n3703,5\tKunde 3\t01.01.2026\n2469\t"Tab\there ""q"""\t31.12.2025\n\tKunde 1\t30.12.2025\n');
    expect(got).toMatchObject({ rows: 3, columns: 3, truncated: false });
  });

  it('cuts a selection above the cell limit to whole rows', () => {
    const got = selectionTsv(columns, null, { r0: 0, r1: 999, c0: 0, c1: 3 }, 'en-US', 10);
    expect(got).toMatchObject({ rows: 2, columns: 4, truncated: true });
    expect(got.text.split('\n')).toEqual(['id\tamount\tname\tday', '0\t0\tKunde 0\t2025-12-29', '1\t\tKunde 1\t2025-12-30', '']);
  });
});

describe('rowWindow', () => {
  it('renders the visible rows plus overscan at a real scroll height', () => {
    expect(scrollScale(1000, 400)).toBe(1);
    expect(bodyHeight(1000)).toBe(1000 * ROW_HEIGHT);
    const w = rowWindow(100 * ROW_HEIGHT, 400, 1000);
    expect(w.first).toBe(100 - OVERSCAN);
    expect(w.end).toBe(100 + Math.ceil(400 / ROW_HEIGHT) + OVERSCAN);
    expect(rowTop(100, 100 * ROW_HEIGHT, 1)).toBe(100 * ROW_HEIGHT);
  });

  it('maps a capped scroll range onto a million rows and reaches the last row', () => {
    const rows = 1_000_000;
    const view = 400;
    expect(bodyHeight(rows)).toBe(MAX_BODY_PX);
    const scale = scrollScale(rows, view);
    expect(scale).toBeGreaterThan(2);
    const end = MAX_BODY_PX - view;
    const w = rowWindow(end, view, rows);
    expect(w.end).toBe(rows);
    const last = rowTop(rows - 1, end, scale);
    expect(last + ROW_HEIGHT).toBeCloseTo(end + view, 3);
  });

  it('scrolls just enough to show a row', () => {
    expect(scrollToRow(5, 0, 400, 1000)).toBe(0);
    expect(scrollToRow(50, 0, 400, 1000)).toBe(51 * ROW_HEIGHT - 400);
    expect(scrollToRow(3, 1000, 400, 1000)).toBe(3 * ROW_HEIGHT);
    const rows = 1_000_000;
    const top = scrollToRow(rows - 1, 0, 400, rows);
    expect(rowTop(rows - 1, top, scrollScale(rows, 400)) + ROW_HEIGHT).toBeCloseTo(top + 400, 3);
  });
});

describe('GridTransformClient', () => {
  /** An in-process "worker" whose order calls wait until released, recording what ran. */
  function fakeConnection() {
    const ran: string[] = [];
    const loads: number[] = [];
    const parts: number[] = [];
    const gates: (() => void)[] = [];
    const conn: TransformConnection = {
      api: {
        async append(_id: number, part: Uint8Array) {
          parts.push(part.length);
        },
        async load(id: number) {
          loads.push(id);
        },
        order(_id: number, sort: SortKey[]) {
          ran.push(sort.map((k) => k.column).join(','));
          return new Promise<Uint32Array>((resolve) => gates.push(() => resolve(Uint32Array.from([ran.length]))));
        }
      },
      close() {}
    };
    return { conn, ran, loads, parts, gates };
  }
  const filters: GridFilters = { columns: [], any: '', locale: 'de-DE' };
  const flush = () => new Promise((r) => setTimeout(r, 0));

  it('skips requests superseded before they ran and drops answers superseded while running', async () => {
    const fake = fakeConnection();
    const client = new GridTransformClient(() => fake.conn);
    client.setData(new Uint8Array([1]));
    const a = client.order([{ column: 'a', desc: false }], filters);
    await flush();
    const b = client.order([{ column: 'b', desc: false }], filters);
    const c = client.order([{ column: 'c', desc: false }], filters);
    fake.gates[0]();
    expect(await a).toBeNull();
    expect(await b).toBeNull();
    await flush();
    fake.gates[1]();
    expect(Array.from((await c)!)).toEqual([2]);
    expect(fake.ran).toEqual(['a', 'c']);
    expect(fake.loads).toEqual([1]);
  });

  it('sends new data once, in parts, before the next request', async () => {
    const fake = fakeConnection();
    const client = new GridTransformClient(() => fake.conn);
    client.setData(new Uint8Array(9 * 1024 * 1024));
    const first = client.order([], filters);
    await flush();
    fake.gates[0]();
    await first;
    client.setData(new Uint8Array([2]));
    const second = client.order([], filters);
    await flush();
    fake.gates[1]();
    expect(await second).not.toBeNull();
    expect(fake.loads).toEqual([1, 2]);
    expect(fake.parts).toEqual([4 * 1024 * 1024, 4 * 1024 * 1024, 1024 * 1024, 1]);
  });
});
