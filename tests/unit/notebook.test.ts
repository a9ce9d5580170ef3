import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellDependencies, dependants, runOrder, skipReason, sqlWords, type RunStatus } from '../../src/lib/notebook/graph';
import { emptyNotebook, type Notebook } from '../../src/lib/notebook/model';
import { serializeNotebook } from '../../src/lib/notebook/serialize';
import { formatIssue, NotebookFormatError, parseNotebook, readNotebook, validateNotebook } from '../../src/lib/notebook/validate';

const root = path.resolve(__dirname, '../..');
const fixture = (name: string) => readFileSync(path.join(root, 'tests/fixtures/notebooks/shop', name), 'utf8');
const schema = JSON.parse(readFileSync(path.join(root, 'static/notebook.schema.json'), 'utf8'));
const validateSchema = new Ajv2020({ allErrors: true }).compile(schema);

const valid: Notebook = {
  format: 'seglab-notebook',
  version: 1,
  title: 'Kunden 2025',
  settings: { locale: 'de', referenceDate: '2025-12-31' },
  sources: [
    {
      name: 'kunden',
      path: 'data/kunden.csv',
      format: 'csv',
      options: { csv: { delimiter: ';', encoding: 'windows-1252', columnTypes: { PLZ: 'VARCHAR' } }, columns: ['PLZ'] }
    },
    { name: 'Bestellungen 2025', path: '/abs/orders.parquet' }
  ],
  cells: [
    { id: 'm1', kind: 'markdown', text: '# Umsatz' },
    { id: 'c1', kind: 'sql', name: 'revenue', sql: 'SELECT 1 AS x', collapsed: true },
    { id: 'c-2_b', kind: 'sql', sql: 'SELECT * FROM revenue' },
    { id: 'ch1', kind: 'chart', from: 'c1', chart: { mark: 'histogram', x: 'x', bins: 20 }, name: 'x_bins' },
    { id: 'ch2', kind: 'chart', from: 'ch1', chart: { mark: 'bar', x: 'bin_start', y: 'count', aggregate: 'sum' }, spec: { mark: 'bar' } }
  ]
};

function issues(value: unknown): string[] {
  const result = validateNotebook(value);
  return result.ok ? [] : result.issues.map(formatIssue);
}

function withCells(cells: unknown[], extra: Record<string, unknown> = {}): unknown {
  return { format: 'seglab-notebook', version: 1, title: 't', sources: [], cells, ...extra };
}

describe('parseNotebook', () => {
  it('accepts a valid notebook and returns it unchanged', () => {
    const result = parseNotebook(JSON.stringify(valid));
    expect(result).toEqual({ ok: true, notebook: valid });
  });

  it('round trips json parsing', () => {
    const text = serializeNotebook(valid);
    const parsed = readNotebook(text);
    expect(parsed).toEqual(valid);
    expect(serializeNotebook(parsed)).toBe(text);
  });

  it('round trips the fixture notebooks byte for byte', () => {
    const text = fixture('shop.notebook.json');
    expect(serializeNotebook(readNotebook(text))).toBe(text);
  });

  it('reports invalid JSON without throwing', () => {
    const result = parseNotebook('{"format": ');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0].message).toMatch(/^not valid JSON/);
  });

  it('ignores a UTF-8 byte order mark', () => {
    expect(parseNotebook(`\uFEFF${JSON.stringify(valid)}`).ok).toBe(true);
  });

  it('reports wrong types with their JSON path', () => {
    expect(issues(withCells([{ id: 'a', kind: 'sql', sql: 'SELECT 1' }, { id: 'b', kind: 'markdown', text: '' }, { id: 'c', kind: 'sql', sql: 3 }]))).toEqual([
      'cells[2].sql: expected a string, got number 3'
    ]);
    expect(issues({ ...valid, title: null, sources: {} })).toEqual([
      'title: expected a string, got null',
      'sources: expected an array, got an object'
    ]);
    expect(issues({ ...valid, settings: { locale: 'fr', referenceDate: '2025-02-30' } })).toEqual([
      'settings.locale: expected one of "de", "en"',
      'settings.referenceDate: expected a date "YYYY-MM-DD"'
    ]);
  });

  it('reports every problem at once', () => {
    const doc = {
      ...valid,
      sources: [{ name: '', path: 'x.csv', format: 'xls', options: { csv: { encoding: 'latin1' }, sampleRows: 0 } }],
      cells: [{ id: 'c 1', kind: 'sql', sql: 'SELECT 1', colapsed: true }]
    };
    expect(issues(doc)).toEqual([
      'sources[0].name: expected a non-empty string',
      'sources[0].format: expected one of "csv", "parquet", "json", "ndjson", "xlsx", "arrow"',
      'sources[0].options.csv.encoding: expected one of "utf-8", "windows-1252"',
      'sources[0].options.sampleRows: expected a whole number ≥ 1',
      'cells[0].id: expected 1–64 letters, digits, "_" or "-"',
      'cells[0].colapsed: unknown property (expected id, kind, name, sql, collapsed)'
    ]);
  });

  it('names the cell when its kind is unknown', () => {
    const doc = withCells([{ id: 'c1', kind: 'sql', sql: 'SELECT 1' }, { id: 'cl1', kind: 'cluster', k: 4 }]);
    const found = issues(doc);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^cells\[1\]\.kind: cell "cl1" has kind "cluster", which this seglab does not know/);
  });

  it('rejects a newer format version with one clear message', () => {
    expect(issues({ ...valid, version: 2, cells: 'whatever' })).toEqual([
      'version: this notebook is format version 2; this seglab reads up to version 1. Update seglab to open it.'
    ]);
    expect(issues({ ...valid, format: 'jupyter' })).toEqual(['format: expected "seglab-notebook" (this is not a seglab notebook)']);
  });

  it('rejects duplicate cell ids and clashing table names', () => {
    const doc = {
      ...valid,
      cells: [
        { id: 'c1', kind: 'sql', name: 'Revenue', sql: 'SELECT 1' },
        { id: 'c1', kind: 'markdown', text: '' },
        { id: 'c2', kind: 'sql', name: 'revenue', sql: 'SELECT 2' },
        { id: 'c3', kind: 'sql', name: 'KUNDEN', sql: 'SELECT 3' }
      ]
    };
    expect(issues(doc)).toEqual([
      'cells[1].id: duplicate id "c1" (also cells[0])',
      'cells[2].name: the table name "revenue" is already used by cells[0]',
      'cells[3].name: the table name "KUNDEN" is already used by sources[0]'
    ]);
  });

  it('rejects __proto__ keys anywhere', () => {
    const text = '{"format":"seglab-notebook","version":1,"title":"t","sources":[],"cells":[{"id":"c","kind":"sql","sql":"","__proto__":{"polluted":true}}]}';
    const result = parseNotebook(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map(formatIssue)).toEqual(['cells[0].__proto__: the key "__proto__" is not allowed']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects reserved and badly spaced table names', () => {
    expect(issues(withCells([{ id: 'a', kind: 'sql', name: '__seglab_x', sql: '' }, { id: 'b', kind: 'sql', name: ' x', sql: '' }]))).toEqual([
      'cells[0].name: names starting with "__seglab" are reserved',
      'cells[1].name: a table name may not start or end with spaces'
    ]);
  });

  it('returns a copy holding only known fields', () => {
    const input = JSON.parse(JSON.stringify(valid));
    const result = validateNotebook(input);
    expect(result.ok && result.notebook).not.toBe(input);
    expect(result.ok && result.notebook.cells[1]).not.toBe(input.cells[1]);
  });
});

describe('readNotebook', () => {
  it('throws NotebookFormatError listing the issues', () => {
    const err = (() => {
      try {
        readNotebook(JSON.stringify(withCells([{ id: 'x', kind: 'sql' }])));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(NotebookFormatError);
    expect((err as NotebookFormatError).message).toBe('cells[0].sql: expected a string, got nothing');
  });
});

describe('serializeNotebook', () => {
  it('writes canonical key order and leaves absent fields out', () => {
    const nb = emptyNotebook('Neu');
    nb.cells.push({ sql: 'SELECT 1', kind: 'sql', id: 'c1' } as Notebook['cells'][number]);
    expect(serializeNotebook(nb)).toBe(
      '{\n  "format": "seglab-notebook",\n  "version": 1,\n  "title": "Neu",\n  "sources": [],\n  "cells": [\n    {\n      "id": "c1",\n      "kind": "sql",\n      "sql": "SELECT 1"\n    }\n  ]\n}\n'
    );
  });
});

describe('notebook.schema.json', () => {
  it('accepts the valid notebook, the fixtures and the sample', () => {
    for (const doc of [
      JSON.parse(serializeNotebook(valid)),
      JSON.parse(fixture('shop.notebook.json')),
      JSON.parse(fixture('failing.notebook.json')),
      JSON.parse(fixture('inline.notebook.json')),
      JSON.parse(readFileSync(path.join(root, 'static/samples/retail.notebook.json'), 'utf8'))
    ]) {
      expect(validateSchema(doc), JSON.stringify(validateSchema.errors)).toBe(true);
      expect(validateNotebook(doc).ok).toBe(true);
    }
  });

  it('rejects what the validator rejects', () => {
    for (const doc of [
      withCells([{ id: 'c1', kind: 'chart', from: 'c1', chart: { mark: 'pie' } }]),
      withCells([{ id: 'c1', kind: 'chart', from: 'x', chart: { mark: 'bar', bins: 0 } }]),
      withCells([{ id: 'c1', kind: 'chart', from: 'x', chart: { mark: 'bar', stack: true } }]),
      { ...valid, version: 2 },
      withCells([{ id: 'c1', kind: 'chart' }]),
      withCells([{ id: 'c 1', kind: 'sql', sql: '' }]),
      withCells([{ id: 'c1', kind: 'sql', sql: 1 }]),
      withCells([{ id: 'c1', kind: 'markdown', text: '', extra: 1 }]),
      { ...valid, sources: [{ name: '__seglab_x', path: 'a.csv' }] }
    ]) {
      expect(validateSchema(doc)).toBe(false);
      expect(validateNotebook(doc).ok).toBe(false);
    }
  });
});

describe('chart cells', () => {
  it('must read a result cell above them', () => {
    const below = withCells([
      { id: 'ch', kind: 'chart', from: 'q', chart: { mark: 'bar' } },
      { id: 'q', kind: 'sql', sql: 'SELECT 1' }
    ]);
    expect(issues(below)).toEqual(['cells[0].from: expected the id of a SQL or chart cell above this one, got "q"']);
    const markdown = withCells([
      { id: 'm', kind: 'markdown', text: '' },
      { id: 'ch', kind: 'chart', from: 'm', chart: { mark: 'bar' } }
    ]);
    expect(issues(markdown)).toHaveLength(1);
  });

  it('claim their name like SQL cells', () => {
    const clash = withCells([
      { id: 'q', kind: 'sql', name: 'Umsatz', sql: 'SELECT 1' },
      { id: 'ch', kind: 'chart', name: 'umsatz', from: 'q', chart: { mark: 'bar' } }
    ]);
    expect(issues(clash)[0]).toMatch(/cells\[1\]\.name: the table name "umsatz" is already used/);
  });

  it('depend on their input cell and pass changes on', () => {
    const nb: Notebook = {
      ...emptyNotebook('charts'),
      cells: [
        { id: 'q', kind: 'sql', sql: '' },
        { id: 'ch', kind: 'chart', name: 'bins', from: 'q', chart: { mark: 'histogram', x: 'v' } },
        { id: 'r', kind: 'sql', sql: '' }
      ]
    };
    const deps = cellDependencies(nb, (c) => (c.id === 'r' ? ['bins'] : []));
    expect(deps.get('ch')).toEqual({ sources: [], cells: ['q'] });
    expect(deps.get('r')).toEqual({ sources: [], cells: ['ch'] });
    expect(dependants(deps, 'q')).toEqual(['ch', 'r']);
    expect(runOrder(nb).map((c) => c.id)).toEqual(['q', 'ch', 'r']);
  });
});

describe('cellDependencies', () => {
  const nb: Notebook = {
    ...emptyNotebook('deps'),
    sources: [{ name: 'Kunden', path: 'k.csv' }, { name: 'orders', path: 'o.csv' }],
    cells: [
      { id: 'a', kind: 'sql', name: 'revenue', sql: '' },
      { id: 'm', kind: 'markdown', text: 'revenue' },
      { id: 'b', kind: 'sql', sql: '' },
      { id: 'c', kind: 'sql', name: 'late', sql: '' },
      { id: 'd', kind: 'sql', sql: '' }
    ]
  };
  const reads: Record<string, string[]> = {
    a: ['kunden', 'ORDERS'],
    b: ['Revenue', 'late', 'tmp'],
    c: ['revenue'],
    d: ['late', 'orders']
  };

  it('matches sources and earlier named cells case-insensitively', () => {
    const deps = cellDependencies(nb, (c) => reads[c.id]);
    expect(Object.fromEntries(deps)).toEqual({
      a: { sources: ['Kunden', 'orders'], cells: [] },
      b: { sources: [], cells: ['a'] },
      c: { sources: [], cells: ['a'] },
      d: { sources: ['orders'], cells: ['c'] }
    });
  });

  it('lists transitive dependants in document order', () => {
    const deps = cellDependencies(nb, (c) => reads[c.id]);
    expect(dependants(deps, 'a')).toEqual(['b', 'c', 'd']);
    expect(dependants(deps, 'c')).toEqual(['d']);
    expect(dependants(deps, 'd')).toEqual([]);
  });

  it('runs SQL cells in document order', () => {
    expect(runOrder(nb).map((c) => c.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('skipReason', () => {
  const ok = new Map<string, RunStatus>([['kunden', 'ok']]);

  it('names the failed source or cell', () => {
    const cells = new Map<string, RunStatus>([
      ['a', 'error'],
      ['b', 'skipped'],
      ['c', 'ok']
    ]);
    expect(skipReason({ sources: ['kunden'], cells: ['c'] }, ok, cells)).toBeUndefined();
    expect(skipReason({ sources: [], cells: ['c', 'a'] }, ok, cells, (id) => `${id}!`)).toBe('depends on cell "a!", which failed');
    expect(skipReason({ sources: [], cells: ['b'] }, ok, cells)).toBe('depends on cell "b", which was skipped');
    expect(skipReason({ sources: ['kunden'], cells: [] }, new Map([['kunden', 'error']]), cells)).toBe(
      'depends on source "kunden", which could not be loaded'
    );
  });
});

describe('sqlWords', () => {
  it('finds identifiers outside comments and strings', () => {
    expect(sqlWords(`SELECT "Umsatz ""netto""" FROM kunden -- bestellungen\n/* orders */ WHERE x = 'revenue' AND über_1 > 2`)).toEqual([
      'SELECT',
      'Umsatz "netto"',
      'FROM',
      'kunden',
      'WHERE',
      'x',
      'AND',
      'über_1'
    ]);
  });
});
