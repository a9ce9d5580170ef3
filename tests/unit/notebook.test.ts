import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellDependencies, dependants, runOrder, skipReason, sqlWords, type RunStatus } from '../../src/lib/notebook/graph';
import { BEHAVIOUR_MEASURES, CONDITION_OPS, KPI_KINDS, emptyNotebook, type Notebook, type Rule } from '../../src/lib/notebook/model';
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
      options: { csv: { delimiter: ';', encoding: 'windows-1252', columnTypes: { PLZ: 'VARCHAR' } }, columns: ['PLZ'] },
      columns: ['PLZ']
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

const group = (op: 'and' | 'or', rules: unknown[], not?: boolean) => ({ type: 'group', op, ...(not === undefined ? {} : { not }), rules });
const cond = (column: string, op: string, operand: Record<string, unknown> = {}) => ({ type: 'condition', column, op, ...operand });
const orders = { type: 'behaviour', table: 'bestellungen', key: 'Kundennummer' };

/** A segment notebook in canonical form that uses every operator, measure, window and KPI kind. */
const segmentNotebook = {
  format: 'seglab-notebook',
  version: 1,
  title: 'Segmente',
  settings: { locale: 'de', referenceDate: '2025-12-31', guards: { minSize: 30, minShare: 0.02, maxCiMargin: 0.25, minExportSize: 10 } },
  sources: [
    { name: 'kunden', path: 'kunden.csv', format: 'csv', options: { csv: { delimiter: ';', encoding: 'windows-1252', numberLocale: 'de', dateFormat: '%d.%m.%Y' } } },
    { name: 'bestellungen', path: 'bestellungen.parquet' }
  ],
  cells: [
    {
      id: 'seg',
      kind: 'segment',
      name: 'segmente',
      table: 'kunden',
      key: 'Kundennummer',
      exclusive: true,
      rest: 'Übrige',
      segments: [
        {
          name: 'Spalten',
          tags: ['crm', 'spalten'],
          rule: group('and', [
            cond('Kanal', 'eq', { value: 'App' }),
            cond('Kanal', 'neq', { value: 'Filiale' }),
            cond('Bundesland', 'in', { values: ['Bayern', 'Berlin'] }),
            cond('Bundesland', 'not_in', { values: ['Bremen'] }),
            cond('E-Mail', 'contains', { value: '@example' }),
            cond('PLZ', 'starts_with', { value: '8' }),
            cond('Umsatz', 'between', { values: [100, 500.5] }),
            cond('Umsatz', 'lt', { value: 1000 }),
            cond('Umsatz', 'lte', { value: 999 }),
            cond('Umsatz', 'gt', { value: 0 }),
            cond('Umsatz', 'gte', { value: 1 }),
            cond('Vorname', 'empty'),
            cond('Nachname', 'not_empty'),
            cond('Geburtsdatum', 'before', { value: '2000-01-01' }),
            cond('Geburtsdatum', 'after', { value: '1950-12-31' }),
            cond('Kunde seit', 'within_last', { value: 365 }),
            cond('Kunde seit', 'not_within_last', { value: 30 }),
            cond('Umsatz', 'top_pct', { value: 20 }),
            cond('Umsatz', 'bottom_pct', { value: 50 }),
            cond('Newsletter', 'eq', { value: true }),
            group('or', [cond('Kanal', 'eq', { value: 'Online' })], true)
          ])
        },
        {
          name: 'Verhalten',
          rule: group('or', [
            { ...orders, measure: 'count', window: { kind: 'all' }, op: 'gte', value: 2 },
            { ...orders, measure: 'sum', column: 'Betrag', dateColumn: 'Bestelldatum', window: { kind: 'this_year' }, op: 'gt', value: 500 },
            {
              ...orders,
              measure: 'avg',
              column: 'Betrag',
              dateColumn: 'Bestelldatum',
              window: { kind: 'last_days', days: 90 },
              where: group('and', [cond('Kanal', 'eq', { value: 'App' })]),
              op: 'between',
              values: [10, 50]
            },
            { ...orders, measure: 'min', column: 'Betrag', dateColumn: 'Bestelldatum', window: { kind: 'between', from: '2025-01-01', to: '2025-06-30' }, op: 'lt', value: 5 },
            { ...orders, measure: 'max', column: 'Bestelldatum', op: 'lte', value: '2025-06-30' },
            { ...orders, measure: 'last', column: 'Gerät', dateColumn: 'Bestelldatum', op: 'eq', value: 'App' },
            { ...orders, measure: 'days_since_last', dateColumn: 'Bestelldatum', op: 'neq', value: 0 },
            { ...orders, measure: 'exists', where: group('and', [cond('Gerät', 'not_empty')]) },
            { ...orders, measure: 'not_exists', dateColumn: 'Bestelldatum', window: { kind: 'last_days', days: 30 } }
          ], true)
        },
        { name: 'SQL', tags: ['sql'], where: '"Umsatz" > 100 AND "Kanal" <> \'Filiale\'' }
      ],
      kpis: [
        { label: 'Kauf in 90 Tagen', kind: 'rate', column: 'aktiv' },
        { label: 'Ø Umsatz', kind: 'mean', column: 'Umsatz' },
        { label: 'Umsatz', kind: 'sum', column: 'Umsatz' },
        { label: 'Ø Warenkorb', kind: 'ratio', column: 'Umsatz', denominator: 'Bestellungen' },
        { label: 'ROI', kind: 'roi', column: 'Marge', denominator: 'Kosten' }
      ],
      profileColumns: ['Kanal', 'Bundesland'],
      compareWith: 'segmente_vorjahr'
    },
    { id: 'seg_overlap', kind: 'segment', collapsed: true, table: 'kunden', key: 'Kundennummer', exclusive: false, segments: [{ name: 'Alle', rule: group('and', []) }] },
    { id: 'seg_chart', kind: 'chart', from: 'seg', chart: { mark: 'bar', x: 'segment', aggregate: 'count' } }
  ]
};

/** Every node of the rule trees of a notebook's segment cells (including behavioural `where` groups). */
function ruleNodes(nb: { cells: unknown[] }): Rule[] {
  const out: Rule[] = [];
  const walk = (r: Rule) => {
    out.push(r);
    if (r.type === 'group') r.rules.forEach(walk);
    if (r.type === 'behaviour' && r.where) walk(r.where);
  };
  for (const c of nb.cells as Notebook['cells']) if (c.kind === 'segment') c.segments.forEach((d) => d.rule && walk(d.rule));
  return out;
}

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
    expect(!result.ok && result.issues[0].note).toMatchObject({ key: 'nbNotJson', text: expect.stringMatching(/^not valid JSON: /) });
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
    const doc = withCells([{ id: 'c1', kind: 'sql', sql: 'SELECT 1' }, { id: 'j1', kind: 'journey', steps: [] }]);
    const found = issues(doc);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^cells\[1\]\.kind: cell "j1" has kind "journey", which this seglab does not know/);
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
      JSON.parse(readFileSync(path.join(root, 'static/samples/retail.notebook.json'), 'utf8')),
      JSON.parse(readFileSync(path.join(root, 'static/samples/segments.notebook.json'), 'utf8')),
      segmentNotebook
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

describe('segment cells', () => {
  const text = `${JSON.stringify(segmentNotebook, null, 2)}\n`;
  const withSegment = (patch: Record<string, unknown>, settings?: unknown) =>
    withCells([{ ...segmentNotebook.cells[0], ...patch }], settings === undefined ? {} : { settings });
  const withRule = (rule: unknown) => withSegment({ segments: [{ name: 'x', rule: group('and', [rule]) }] });

  it('use every operator, measure, window and KPI kind in the test notebook', () => {
    const nodes = ruleNodes(segmentNotebook);
    const conditionOps = new Set(nodes.flatMap((r) => (r.type === 'condition' ? [r.op] : [])));
    const behaviours = nodes.flatMap((r) => (r.type === 'behaviour' ? [r] : []));
    expect([...conditionOps].sort()).toEqual([...CONDITION_OPS].sort());
    expect([...new Set(behaviours.map((b) => b.measure))].sort()).toEqual([...BEHAVIOUR_MEASURES].sort());
    expect([...new Set(behaviours.map((b) => b.window?.kind ?? 'all'))].sort()).toEqual(['all', 'between', 'last_days', 'this_year']);
    expect((segmentNotebook.cells[0] as { kpis: { kind: string }[] }).kpis.map((k) => k.kind)).toEqual([...KPI_KINDS]);
  });

  it('parse into the typed model and round trip byte for byte', () => {
    const result = parseNotebook(text);
    expect(result).toEqual({ ok: true, notebook: segmentNotebook });
    expect(serializeNotebook(readNotebook(text))).toBe(text);
  });

  it('round trip the segments sample byte for byte', () => {
    const sample = readFileSync(path.join(root, 'static/samples/segments.notebook.json'), 'utf8');
    expect(serializeNotebook(readNotebook(sample))).toBe(sample);
  });

  it('are rejected by the schema and the validator alike', () => {
    const bad = [
      withRule(cond('Kanal', 'like', { value: 'A%' })),
      withRule({ ...orders, measure: 'median', column: 'Betrag', op: 'gt', value: 1 }),
      withRule({ ...orders, measure: 'count', window: { kind: 'last_days', days: 0 }, op: 'gt', value: 1 }),
      withRule({ ...orders, measure: 'count', window: { kind: 'last_days' }, op: 'gt', value: 1 }),
      withRule({ ...orders, measure: 'count', window: { kind: 'between', from: '2025-1-1', to: '2025-12-31' }, op: 'gt', value: 1 }),
      withRule({ ...orders, measure: 'count', window: { kind: 'yesterday' }, op: 'gt', value: 1 }),
      withRule({ ...orders, measure: 'count', window: { kind: 'all', days: 3 }, op: 'gt', value: 1 }),
      withRule({ ...orders, measure: 'exists', where: cond('Kanal', 'eq', { value: 'App' }) }),
      withRule({ ...orders, measure: 'count', op: 'in', values: [1, 2] }),
      withRule({ ...orders, key: undefined, measure: 'count', op: 'gt', value: 1 }),
      withRule(cond('Kanal', 'eq', { value: null })),
      withRule(cond('Kanal', 'in', { values: [['App']] })),
      withRule({ column: 'Kanal', op: 'eq', value: 'App' }),
      withRule({ type: 'condition', op: 'eq', value: 'App' }),
      withRule({ type: 'group', op: 'and', rules: [], and: [] }),
      withRule({ type: 'group', op: 'xor', rules: [] }),
      withSegment({ segments: [] }),
      withSegment({ segments: [{ name: 'x' }] }),
      withSegment({ segments: [{ name: ' ', where: 'true' }] }),
      withSegment({ segments: [{ name: 'x', tags: [''], where: 'true' }] }),
      withSegment({ segments: [{ name: 'x', rule: cond('Kanal', 'eq', { value: 'App' }) }] }),
      withSegment({ segments: [{ name: 'x', where: 1 }] }),
      withSegment({ exclusive: undefined }),
      withSegment({ exclusive: 'yes' }),
      withSegment({ rules: [] }),
      withSegment({ rest: '' }),
      withSegment({ compareWith: ' ' }),
      withSegment({ profileColumns: [''] }),
      withSegment({ kpis: [{ label: 'AOV', kind: 'ratio', column: 'Umsatz' }] }),
      withSegment({ kpis: [{ label: 'ROI', kind: 'roi', column: 'Marge' }] }),
      withSegment({ kpis: [{ label: 'x', column: 'Umsatz' }] }),
      withSegment({ kpis: [{ label: 'x', kind: 'median', column: 'Umsatz' }] }),
      withSegment({ kpis: [{ label: '', kind: 'mean', column: 'Umsatz' }] }),
      withSegment({ kpis: [{ label: 'x', kind: 'mean', column: 'Umsatz', weight: 2 }] }),
      withSegment({}, { guards: { minSize: 30, minShare: 0.02, maxCiMargin: 0.25 } }),
      withSegment({}, { guards: { minSize: 30, minShare: 1.5, maxCiMargin: 0.25, minExportSize: 10 } }),
      withSegment({}, { guards: { minSize: 2.5, minShare: 0.1, maxCiMargin: 0.25, minExportSize: 10 } }),
      withSegment({}, { guards: { minSize: 30, minShare: 0.1, maxCiMargin: 101, minExportSize: 10 } }),
      withSegment({}, { guards: { minSize: 30, minShare: 0.1, maxCiMargin: 0.2, minExportSize: -1 } }),
      withSegment({}, { guards: { minSize: 30, minShare: 0.1, maxCiMargin: 0.2, minExportSize: 1, maxSize: 5 } })
    ];
    for (const doc of bad) {
      const json = JSON.parse(JSON.stringify(doc));
      expect(validateSchema(json), JSON.stringify(json)).toBe(false);
      expect(validateNotebook(json).ok, JSON.stringify(json)).toBe(false);
    }
  });

  it('report what JSON Schema cannot express: repeated segment names and impossible dates', () => {
    const doc = withSegment({
      segments: [
        { name: 'x', where: 'true' },
        { name: 'x', rule: group('and', [{ ...orders, measure: 'exists', dateColumn: 'Bestelldatum', window: { kind: 'between', from: '2025-02-30', to: '2025-03-01' } }]) }
      ]
    });
    expect(validateSchema(doc)).toBe(true);
    expect(issues(doc)).toEqual([
      'cells[0].segments[1].rule.rules[0].window.from: expected a date "YYYY-MM-DD"',
      'cells[0].segments[1].name: the segment name "x" is used twice'
    ]);
  });

  it('name the field of a bad rule by its path', () => {
    expect(issues(withRule({ ...orders, measure: 'count', window: { kind: 'last_days', days: 0 }, op: 'gt', value: 1 }))).toEqual([
      'cells[0].segments[0].rule.rules[0].window.days: expected a whole number ≥ 1'
    ]);
    expect(issues(withSegment({ kpis: [{ label: 'AOV', kind: 'ratio', column: 'Umsatz' }] }))).toEqual([
      'cells[0].kpis[0].denominator: a "ratio" KPI needs a denominator column'
    ]);
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
    expect(skipReason({ sources: [], cells: ['c', 'a'] }, ok, cells, (id) => `${id}!`)?.text).toBe('depends on cell "a!", which failed');
    expect(skipReason({ sources: [], cells: ['b'] }, ok, cells)?.text).toBe('depends on cell "b", which was skipped');
    expect(skipReason({ sources: ['kunden'], cells: [] }, new Map([['kunden', 'error']]), cells)?.text).toBe(
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
