import { describe, expect, it } from 'vitest';
import { dataUrlBytes } from '../../../src/lib/ui/chart/export';
import { fieldRoles, parseSpec, usesAggregate } from '../../../src/lib/ui/chart/editor';

const columns = [
  { name: 'kunde_id', type: 'BIGINT' },
  { name: 'region', type: 'VARCHAR' },
  { name: 'umsatz', type: 'DECIMAL(18,2)' },
  { name: 'tag', type: 'DATE' }
];

describe('fieldRoles', () => {
  it('lists fitting columns first for each field of a mark', () => {
    const bar = fieldRoles('bar', columns);
    expect(bar.map((r) => r.key)).toEqual(['x', 'y', 'color']);
    expect(bar[0].fitting.map((c) => c.name)).toEqual(['region', 'tag']);
    expect(bar[0].other.map((c) => c.name)).toEqual(['kunde_id', 'umsatz']);
    expect(bar[1].fitting.map((c) => c.name)).toEqual(['kunde_id', 'umsatz']);
    expect(fieldRoles('histogram', columns)[0].fitting.map((c) => c.name)).toEqual(['kunde_id', 'umsatz']);
    expect(fieldRoles('heatmap', columns).map((r) => r.key)).toEqual(['x', 'y', 'color']);
    expect(fieldRoles('boxplot', columns).map((r) => r.key)).toEqual(['x', 'y']);
  });
});

describe('usesAggregate', () => {
  it('is true for the marks that aggregate a measure', () => {
    expect(['bar', 'line', 'area', 'heatmap'].every((m) => usesAggregate(m as never))).toBe(true);
    expect(['scatter', 'histogram', 'boxplot'].some((m) => usesAggregate(m as never))).toBe(false);
  });
});

describe('parseSpec', () => {
  it('accepts an object that reads the values data set', () => {
    expect(parseSpec('{"data": {"name": "values"}, "mark": "bar"}')).toEqual({ spec: { data: { name: 'values' }, mark: 'bar' } });
  });

  it('reports invalid JSON, non-objects and other data', () => {
    expect(parseSpec('{"mark": ')).toHaveProperty('error');
    expect(parseSpec('[1]')).toEqual({ error: 'The spec must be a JSON object.' });
    expect(parseSpec('{"data": {"url": "https://example.com/x.csv"}}')).toEqual({ error: 'The spec must read its rows from "data": { "name": "values" }.' });
  });
});

describe('dataUrlBytes', () => {
  it('decodes base64 and percent-encoded data URLs', () => {
    expect([...dataUrlBytes('data:image/png;base64,iVBORw==')]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(new TextDecoder().decode(dataUrlBytes('data:image/svg+xml,%3Csvg%3E'))).toBe('<svg>');
    expect(() => dataUrlBytes('blob:x')).toThrow('not a data: URL');
  });
});
