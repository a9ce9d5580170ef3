import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from '@uwdata/flechette';
import type { Db } from '../../../src/lib/engine/db';
import { Formatter } from '../../../src/lib/ui/format';
import { decodeResult, ipcRowCount } from '../../../src/lib/ui/grid/decode';
import { resultColumns } from '../../../src/lib/ui/result';
import { openTestDb } from '../helpers/db';

let db: Db;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db.close();
});

const TYPED =
  "SELECT i::BIGINT AS id, i / 4 AS share, 'k' || i AS name, DATE '2025-12-31' + i::INTEGER AS day, (i * 1.5)::DECIMAL(10,2) AS amount, CASE WHEN i % 2 = 0 THEN NULL ELSE i::INTEGER END AS odd FROM range(250000) t(i)";

describe('resultColumns', () => {
  it('labels column types and reads single values lazily', async () => {
    const columns = resultColumns(tableFromIPC(await db.arrow(TYPED), { useBigInt: true, useDate: true }));
    expect(columns.map((c) => [c.name, c.type, c.kind])).toEqual([
      ['id', 'BIGINT', 'number'],
      ['share', 'DOUBLE', 'number'],
      ['name', 'VARCHAR', 'text'],
      ['day', 'DATE', 'date'],
      ['amount', 'DECIMAL(10,2)', 'number'],
      ['odd', 'INTEGER', 'number']
    ]);
    expect(columns[0].at(999)).toBe(999n);
    expect(columns[2].at(3)).toBe('k3');
    expect(columns[3].at(1)).toEqual(new Date(Date.UTC(2026, 0, 1)));
    expect(columns[4].at(3)).toBeCloseTo(4.5);
    expect(columns[5].at(2)).toBeNull();
  });

  it('keeps repeated column names apart', async () => {
    const columns = resultColumns(tableFromIPC(await db.arrow('SELECT 1 AS a, 2 AS a')));
    expect(columns.map((c) => [c.name, c.at(0)])).toEqual([
      ['a', 1],
      ['a', 2]
    ]);
  });
});

describe('decodeResult', () => {
  it('decodes in slices into the same values as a one-shot decode, yielding between slices', async () => {
    const bytes = await db.arrow(TYPED);
    let pauses = 0;
    const table = (await decodeResult(bytes, undefined, async () => void pauses++))!;
    const whole = tableFromIPC(bytes, { useBigInt: true, useDate: true });
    expect(pauses).toBeGreaterThan(1);
    expect(table.numRows).toBe(250000);
    expect(ipcRowCount(bytes)).toBe(250000);
    for (const r of [0, 2047, 2048, 98303, 98304, 249999]) {
      for (let c = 0; c < whole.numCols; c++) expect(table.getChildAt(c)!.at(r)).toEqual(whole.getChildAt(c)!.at(r));
    }
  });

  it('stops when aborted between slices', async () => {
    const bytes = await db.arrow(TYPED);
    const abort = new AbortController();
    expect(await decodeResult(bytes, abort.signal, async () => abort.abort())).toBeNull();
  });
});

describe('Formatter', () => {
  it('formats numbers, shares, sizes and dates for German and English', () => {
    const de = new Formatter('de-DE');
    const en = new Formatter('en-US');
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
