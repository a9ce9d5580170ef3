import { describe, expect, it } from 'vitest';
import type { Notebook } from '../../src/lib/notebook/model';
import { previewNotebook } from '../../src/lib/notebook/preview';

const doc: Notebook = {
  format: 'seglab-notebook',
  version: 1,
  title: 'Kampagne',
  settings: { locale: 'de', referenceDate: '2025-01-31' },
  sources: [
    { name: 'Kunden', path: 'kunden.csv' },
    { name: 'bestellungen', path: 'data/bestellungen.csv' },
    { name: 'retouren', path: 'retouren.csv' }
  ],
  cells: [
    { id: 'intro', kind: 'markdown', text: '# Hallo' },
    { id: 'q1', kind: 'sql', name: 'umsatz', sql: "SELECT * FROM read_csv('https://example.com/x.csv')" },
    { id: 'c1', kind: 'chart', from: 'q1', chart: { mark: 'bar', x: 'a', y: 'b' } } as Notebook['cells'][number],
    { id: 'q2', kind: 'sql', sql: 'SELECT 1', collapsed: true }
  ]
};

describe('previewNotebook(doc, loaded, included)', () => {
  it('matches sources against loaded tables case-insensitively, then against the files that came along', () => {
    const preview = previewNotebook(doc, ['kunden'], ['bestellungen']);
    expect(preview.sources).toEqual([
      { name: 'Kunden', path: 'kunden.csv', status: 'loaded' },
      { name: 'bestellungen', path: 'data/bestellungen.csv', status: 'included' },
      { name: 'retouren', path: 'retouren.csv', status: 'missing' }
    ]);
  });

  it('shows SQL verbatim, Markdown as text and other cells as their configuration', () => {
    const preview = previewNotebook(doc, [], []);
    expect(preview.cells).toEqual([
      { id: 'intro', kind: 'markdown', text: '# Hallo' },
      { id: 'q1', kind: 'sql', name: 'umsatz', sql: "SELECT * FROM read_csv('https://example.com/x.csv')" },
      { id: 'c1', kind: 'chart', config: JSON.stringify({ from: 'q1', chart: { mark: 'bar', x: 'a', y: 'b' } }, null, 2) },
      { id: 'q2', kind: 'sql', sql: 'SELECT 1' }
    ]);
    expect(preview.sqlCells).toBe(2);
    expect(preview.title).toBe('Kampagne');
  });

  it('lists the settings as name and value', () => {
    expect(previewNotebook(doc, [], []).settings).toEqual([
      ['locale', 'de'],
      ['referenceDate', '2025-01-31']
    ]);
    expect(previewNotebook({ ...doc, settings: undefined }, [], []).settings).toEqual([]);
  });
});
