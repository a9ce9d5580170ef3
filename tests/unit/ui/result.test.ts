import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/lib/engine/db';
import { Formatter, pickLocale } from '../../../src/lib/ui/format';
import { decodeResult } from '../../../src/lib/ui/result';
import { openTestDb } from '../helpers/db';

let db: Db;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db.close();
});

describe('decodeResult', () => {
  it('reads column types, the total and only the first rows', async () => {
    const bytes = await db.arrow(
      "SELECT i::BIGINT AS id, i / 4 AS share, 'k' || i AS name, DATE '2025-12-31' + i::INTEGER AS day, (i * 1.5)::DECIMAL(10,2) AS amount FROM range(2500) t(i)"
    );
    const r = decodeResult(bytes, 1000);
    expect(r.total).toBe(2500);
    expect(r.rows).toHaveLength(1000);
    expect(r.columns.map((c) => [c.name, c.type, c.kind])).toEqual([
      ['id', 'BIGINT', 'number'],
      ['share', 'DOUBLE', 'number'],
      ['name', 'VARCHAR', 'text'],
      ['day', 'DATE', 'date'],
      ['amount', 'DECIMAL(10,2)', 'number']
    ]);
    expect(r.rows[999][0]).toBe(999n);
    expect(r.rows[3][2]).toBe('k3');
    expect(r.rows[1][3]).toEqual(new Date(Date.UTC(2026, 0, 1)));
    expect(r.rows[3][4]).toBeCloseTo(4.5);
  });

  it('keeps nulls as null', async () => {
    const r = decodeResult(await db.arrow('SELECT NULL::INTEGER AS a, 1 AS b'), 10);
    expect(r.rows).toEqual([[null, 1]]);
  });
});

describe('Formatter', () => {
  it('formats numbers, shares, sizes and dates for German and English', () => {
    const de = new Formatter(pickLocale('de-AT'));
    const en = new Formatter(pickLocale('en-GB'));
    expect(de.num(1234.56)).toBe('1.234,56');
    expect(en.num(1234.56)).toBe('1,234.56');
    expect(de.int(1234567)).toBe('1.234.567');
    expect(en.pct(0.125)).toBe('12.5%');
    expect(en.pct(0.0004)).toBe('<0.1%');
    expect(en.pct(0)).toBe('0%');
    expect(de.bytes(5.5 * 1024 ** 2)).toBe('5,5 MB');
    expect(en.bytes(512)).toBe('512 B');
    expect(de.cell(new Date(Date.UTC(2025, 11, 31)), 'date')).toBe('31.12.2025');
    expect(en.cell(12345678901234567890n, 'number')).toBe('12,345,678,901,234,567,890');
    expect(en.cell(null, 'text')).toBe('');
    expect(en.cell(new Date(Date.UTC(2025, 11, 31, 14, 30)), 'timestamp')).toBe('2025-12-31 14:30:00');
  });
});
