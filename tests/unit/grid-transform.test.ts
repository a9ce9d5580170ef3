import type { ColumnTable } from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/engine/db';
import { gridTable, parseDate, parseFilter, parseNumber, rowOrder, type GridFilters, type SortKey } from '../../src/lib/ui/grid/transform';
import { openTestDb } from './helpers/db';

const SQL = `SELECT i AS id,
  CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 37 % 100) / 4 END AS amount,
  CASE WHEN i % 11 = 0 THEN NULL ELSE ['Müller', 'meier', 'Schmidt', 'Ähm'][i % 4 + 1] || ' ' || (i % 5) END AS name,
  DATE '2024-01-01' + (i % 40)::INTEGER AS day,
  (i % 9)::DECIMAL(6,2) * 1.5 AS dec
FROM range(500) t(i)`;

interface Row {
  id: number;
  amount: number | null;
  name: string | null;
  day: string;
  dec: number;
}

let db: Db;
let table: ColumnTable;
let rows: Row[];
beforeAll(async () => {
  db = await openTestDb();
  table = gridTable(await db.arrow(SQL));
  rows = (await db.rows<Row>(SQL)).map((r) => ({ ...r, id: Number(r.id) }));
});
afterAll(async () => {
  await db.close();
});

const NONE: GridFilters = { columns: [], any: '', locale: 'de-DE' };

/** The expected order, computed without Arquero: filter, then a stable sort with nulls last. */
function expected(keep: (r: Row) => boolean, keys: { get: (r: Row) => number | string | null; desc?: boolean }[]): number[] {
  const idx = rows.map((_, i) => i).filter((i) => keep(rows[i]));
  return idx.sort((a, b) => {
    for (const k of keys) {
      const u = k.get(rows[a]);
      const v = k.get(rows[b]);
      if (u === null || v === null) {
        if (u !== v) return u === null ? 1 : -1;
        continue;
      }
      if (u !== v) return (u < v ? -1 : 1) * (k.desc ? -1 : 1);
    }
    return a - b;
  });
}

function order(sort: SortKey[], filters: Partial<GridFilters> = {}): number[] {
  return Array.from(rowOrder(table, sort, { ...NONE, ...filters }));
}

describe('rowOrder', () => {
  it('returns every row in its original order without sort or filter', () => {
    expect(order([])).toEqual(rows.map((_, i) => i));
  });

  it('sorts descending with nulls last and ties in their original order', () => {
    const got = order([{ column: 'amount', desc: true }]);
    expect(got).toEqual(expected(() => true, [{ get: (r) => r.amount, desc: true }]));
    expect(rows[got[0]].amount).toBe(24.75);
    expect(rows[got.at(-1)!].amount).toBeNull();
  });

  it('sorts ascending with nulls last too', () => {
    const got = order([{ column: 'amount', desc: false }]);
    expect(got).toEqual(expected(() => true, [{ get: (r) => r.amount }]));
    expect(rows[got[0]].amount).toBe(0);
    expect(rows[got.at(-1)!].amount).toBeNull();
  });

  it('sorts by a secondary key within ties of the first', () => {
    const got = order([
      { column: 'name', desc: false },
      { column: 'dec', desc: true }
    ]);
    expect(got).toEqual(expected(() => true, [{ get: (r) => r.name }, { get: (r) => r.dec, desc: true }]));
  });

  it('sorts dates by time', () => {
    const got = order([{ column: 'day', desc: true }]);
    expect(got).toEqual(expected(() => true, [{ get: (r) => r.day, desc: true }]));
  });

  it('filters numbers with comparisons typed with a German decimal comma', () => {
    expect(order([], { columns: [{ column: 'amount', text: '<= 5,5' }] })).toEqual(
      expected((r) => r.amount !== null && r.amount <= 5.5, [])
    );
    expect(order([], { columns: [{ column: 'amount', text: '=12,25' }] })).toEqual(expected((r) => r.amount === 12.25, []));
    expect(order([], { columns: [{ column: 'amount', text: '>20' }], locale: 'en-US' })).toEqual(
      expected((r) => r.amount !== null && r.amount > 20, [])
    );
    expect(order([], { columns: [{ column: 'amount', text: '<= 5.5' }], locale: 'en-US' })).toEqual(
      expected((r) => r.amount !== null && r.amount <= 5.5, [])
    );
  });

  it('filters text case-insensitively by "contains"', () => {
    const got = order([], { columns: [{ column: 'name', text: 'MÜL' }] });
    expect(got).toEqual(expected((r) => r.name !== null && r.name.toLowerCase().includes('mül'), []));
    expect(got.length).toBeGreaterThan(50);
  });

  it('filters numbers without an operator by the text shown in the locale', () => {
    expect(order([], { columns: [{ column: 'dec', text: '7,5' }] })).toEqual(expected((r) => r.dec === 7.5, []));
    expect(order([], { columns: [{ column: 'id', text: '49' }] })).toEqual(expected((r) => String(r.id).includes('49'), []));
  });

  it('filters dates by comparison and by the German or ISO text', () => {
    expect(order([], { columns: [{ column: 'day', text: '>= 31.01.2024' }] })).toEqual(expected((r) => r.day >= '2024-01-31', []));
    expect(order([], { columns: [{ column: 'day', text: '05.01.2024' }] })).toEqual(expected((r) => r.day === '2024-01-05', []));
    expect(order([], { columns: [{ column: 'day', text: '2024-01-05' }] })).toEqual(expected((r) => r.day === '2024-01-05', []));
  });

  it('applies the quick filter to any column and combines it with column filters and sorting', () => {
    const got = order([{ column: 'amount', desc: true }], { any: 'ähm', columns: [{ column: 'dec', text: '>3' }] });
    expect(got).toEqual(
      expected((r) => (r.name ?? '').toLowerCase().includes('ähm') && r.dec > 3, [{ get: (r) => r.amount, desc: true }])
    );
    expect(got.length).toBeGreaterThan(10);
    expect(order([], { any: '12.01.2024' })).toEqual(expected((r) => r.day === '2024-01-12', []));
  });

  it('ignores unknown columns and empty filters', () => {
    expect(order([{ column: 'nope', desc: true }], { columns: [{ column: 'nope', text: 'x' }, { column: 'name', text: '  ' }] })).toEqual(
      rows.map((_, i) => i)
    );
  });

  it('keeps a column whose name looks like code a plain column', async () => {
    const odd = gridTable(await db.arrow(`SELECT i AS "d => 1", 5 - i AS "x""y" FROM range(5) t(i)`));
    expect(Array.from(rowOrder(odd, [{ column: 'x"y', desc: false }], { ...NONE, columns: [{ column: 'd => 1', text: '>0' }] }))).toEqual([
      4, 3, 2, 1
    ]);
  });
});

describe('parseNumber', () => {
  it('reads German and English numbers', () => {
    expect(parseNumber('1.234,5', 'de-DE')).toBe(1234.5);
    expect(parseNumber('5,5', 'de-DE')).toBe(5.5);
    expect(parseNumber('5.5', 'de-DE')).toBe(5.5);
    expect(parseNumber('1.234', 'de-DE')).toBe(1234);
    expect(parseNumber('1,234.5', 'en-US')).toBe(1234.5);
    expect(parseNumber('1,234', 'en-US')).toBe(1234);
    expect(parseNumber('-3e2', 'en-US')).toBe(-300);
    expect(parseNumber(',5', 'de-DE')).toBe(0.5);
  });

  it('refuses what is not a number', () => {
    expect(parseNumber('abc', 'de-DE')).toBeNull();
    expect(parseNumber('1,2,3', 'de-DE')).toBeNull();
    expect(parseNumber('', 'en-US')).toBeNull();
  });
});

describe('parseDate', () => {
  it('reads German and ISO dates with an optional time', () => {
    expect(parseDate('31.12.2025')).toBe(Date.UTC(2025, 11, 31));
    expect(parseDate('1.2.25')).toBe(Date.UTC(2025, 1, 1));
    expect(parseDate('2025-12-31 14:30')).toBe(Date.UTC(2025, 11, 31, 14, 30));
    expect(parseDate('31.02.2025')).toBeNull();
    expect(parseDate('tomorrow')).toBeNull();
  });
});

describe('parseFilter', () => {
  it('treats an operator on a text column as text to look for', () => {
    const test = parseFilter('>a', 'text', 'de-DE')!;
    expect(test('x>a')).toBe(true);
    expect(test('b')).toBe(false);
    expect(parseFilter('', 'number', 'de-DE')).toBeNull();
  });
});
