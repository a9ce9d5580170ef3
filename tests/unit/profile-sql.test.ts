import { describe, expect, it } from 'vitest';
import {
  binEdges,
  columnKind,
  isIntegerType,
  niceStep,
  numberBinning,
  statsQuery,
  timeStep,
  topValuesQuery
} from '../../src/lib/sql/profile';

describe('columnKind', () => {
  it.each([
    ['INTEGER', 'number'],
    ['HUGEINT', 'number'],
    ['DECIMAL(10,2)', 'number'],
    ['DOUBLE', 'number'],
    ['DATE', 'date'],
    ['TIMESTAMP WITH TIME ZONE', 'date'],
    ['TIMESTAMP_NS', 'date'],
    ['VARCHAR', 'string'],
    ["ENUM('a', 'b')", 'string'],
    ['BOOLEAN', 'boolean'],
    ['INTEGER[]', 'other'],
    ['STRUCT(x INTEGER)', 'other'],
    ['TIME', 'other'],
    ['BLOB', 'other']
  ])('classifies %s as %s', (type, kind) => {
    expect(columnKind(type)).toBe(kind);
  });

  it('tells whole-number types apart', () => {
    expect(isIntegerType('BIGINT')).toBe(true);
    expect(isIntegerType('DECIMAL(18,0)')).toBe(true);
    expect(isIntegerType('DECIMAL(18,2)')).toBe(false);
    expect(isIntegerType('DOUBLE')).toBe(false);
  });
});

describe('niceStep', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0.45, 1.475, 3, 7, 0.013, 1, 50, 120].map(niceStep)).toEqual([0.5, 2, 5, 10, 0.02, 1, 50, 200]);
  });
});

describe('numberBinning', () => {
  it('covers min and max with about 20 nice bins', () => {
    expect(numberBinning(0.3, 9.7, false)).toEqual({ start: 0, step: 0.5, count: 20 });
    expect(numberBinning(10.5, 40, false)).toEqual({ start: 10, step: 2, count: 15 });
    expect(numberBinning(-3.2, 0.7, false)).toEqual({ start: -3.2, step: 0.2, count: 20 });
    expect(numberBinning(0.3, 1, false)).toEqual({ start: 0.3, step: 0.05, count: 14 });
  });

  it('gives whole numbers a bin each when the range is small', () => {
    expect(numberBinning(1, 6, true)).toEqual({ start: 1, step: 1, count: 6 });
    expect(numberBinning(0, 1000, true)).toEqual({ start: 0, step: 50, count: 20 });
  });

  it('puts a single value into one bin', () => {
    expect(numberBinning(7, 7, true)).toEqual({ start: 7, step: 1, count: 1 });
    expect(numberBinning(0, 0, false)).toEqual({ start: 0, step: 1, count: 1 });
  });

  it('stays finite for the widest doubles', () => {
    const b = numberBinning(-1.7e308, 1.7e308, false);
    expect(Number.isFinite(b.step)).toBe(true);
    expect(b.count).toBeLessThanOrEqual(21);
    expect(binEdges(b).every(Number.isFinite)).toBe(true);
  });
});

describe('binEdges', () => {
  it('rounds edges to the step', () => {
    expect(binEdges({ start: 0.1, step: 0.1, count: 3 })).toEqual([0.1, 0.2, 0.3, 0.4]);
  });
});

describe('timeStep', () => {
  it('picks a calendar unit for the span', () => {
    const day = 86_400;
    expect(timeStep(366 * day, false)).toMatchObject({ unit: 'month', n: 1 });
    expect(timeStep(30 * day, true)).toMatchObject({ unit: 'day', n: 1 });
    expect(timeStep(75 * day, true)).toMatchObject({ unit: 'week', n: 1 });
    expect(timeStep(2 * day, false)).toMatchObject({ unit: 'hour', n: 3 });
    expect(timeStep(100 * 365 * day, true)).toMatchObject({ unit: 'year', n: 5 });
    expect(timeStep(0, false)).toMatchObject({ unit: 'day', n: 1 });
  });
});

describe('statsQuery', () => {
  it('quotes every name', () => {
    const q = String(statsQuery('a"b', [{ name: 'x"; DROP TABLE t; --', type: 'VARCHAR', kind: 'string' }]));
    expect(q).toContain('"x""; DROP TABLE t; --"');
    expect(q).toContain('FROM "a""b"');
  });
});

describe('topValuesQuery', () => {
  it('orders by count descending, then value ascending with NULL last', () => {
    const q = String(topValuesQuery('t', [{ name: 'v', type: 'INTEGER', kind: 'number' }]));
    expect(q).toContain('ORDER BY n DESC, v ASC NULLS LAST LIMIT 5');
  });
});
