import { describe, expect, it } from 'vitest';
import { baseName, matchFiles, missingColumns, type ReattachSource } from '../../src/lib/ui/persist/reattach-match';

const f = (name: string) => ({ name });
const names = (m: Map<string, { name: string }>) => Object.fromEntries([...m].map(([k, v]) => [k, v.name]));

const sources: ReattachSource[] = [
  { name: 'kunden', path: 'data/Kunden.csv', format: 'csv' },
  { name: 'Bestellungen 2025', path: 'C:\\Export\\orders_2025.parquet' },
  { name: 'regionen', path: 'regionen.xlsx' }
];

describe('matchFiles', () => {
  it('matches by file name, ignoring case and the directory', () => {
    const result = matchFiles(sources, [f('ORDERS_2025.PARQUET'), f('kunden.csv'), f('Regionen.xlsx')]);
    expect(names(result.matched)).toEqual({ kunden: 'kunden.csv', 'Bestellungen 2025': 'ORDERS_2025.PARQUET', regionen: 'Regionen.xlsx' });
    expect(result.unmatched).toEqual([]);
  });

  it('falls back to the extension when exactly one file fits', () => {
    const result = matchFiles(sources, [f('kunden_neu.CSV'), f('notes.txt')]);
    expect(names(result.matched)).toEqual({});
    const one = matchFiles(sources, [f('kunden_neu.tsv'), f('bestellungen.parquet')]);
    expect(names(one.matched)).toEqual({ kunden: 'kunden_neu.tsv', 'Bestellungen 2025': 'bestellungen.parquet' });
    expect(one.unmatched).toEqual([]);
  });

  it('leaves ambiguous files unmatched', () => {
    const twoCsv: ReattachSource[] = [
      { name: 'a', path: 'a.csv' },
      { name: 'b', path: 'b.csv' }
    ];
    const result = matchFiles(twoCsv, [f('x.csv')]);
    expect(result.matched.size).toBe(0);
    expect(result.unmatched.map((x) => x.name)).toEqual(['x.csv']);
    const byName = matchFiles(twoCsv, [f('B.csv'), f('y.csv')]);
    expect(names(byName.matched)).toEqual({ b: 'B.csv', a: 'y.csv' });
  });

  it('gives each file to one source and each source one file', () => {
    const same: ReattachSource[] = [
      { name: 'a', path: 'x/data.csv' },
      { name: 'b', path: 'y/data.csv' }
    ];
    const result = matchFiles(same, [f('data.csv'), f('DATA.csv')]);
    expect(names(result.matched)).toEqual({ a: 'data.csv', b: 'DATA.csv' });
    const one = matchFiles(same, [f('data.csv')]);
    expect(names(one.matched)).toEqual({ a: 'data.csv' });
  });

  it('keeps taken sources out of the extension fallback but lets an exact name replace them', () => {
    const taken = new Set(['kunden']);
    expect(names(matchFiles(sources, [f('other.csv')], taken).matched)).toEqual({});
    expect(names(matchFiles(sources, [f('Kunden.csv')], taken).matched)).toEqual({ kunden: 'Kunden.csv' });
  });

  it('uses the source format when the path has no extension', () => {
    const result = matchFiles([{ name: 't', path: 'export', format: 'ndjson' }], [f('t.jsonl')]);
    expect(names(result.matched)).toEqual({ t: 't.jsonl' });
  });
});

describe('matchFiles by schema', () => {
  const saved: ReattachSource[] = [
    { name: 'kunden', path: 'kunden.csv', columns: ['Kundennummer', 'PLZ', 'Ort', 'Geburtsdatum', 'Kanal'] },
    { name: 'bestellungen', path: 'bestellungen.csv', columns: ['Bestellnummer', 'Kundennummer', 'Bestelldatum', 'Betrag', 'Kanal'] }
  ];
  const header: Record<string, string[]> = {
    'export_Q3.csv': ['bestellnummer', 'Kundennummer', 'Bestelldatum', 'Betrag', 'Kanal', 'Gerät'],
    'crm_dump.csv': ['Kundennummer', 'PLZ', 'Ort', 'Geburtsdatum', 'E-Mail'],
    'other.csv': ['id', 'value']
  };
  const columnsOf = (file: { name: string }) => header[file.name];

  it('gives a file of another name to the source whose saved columns it covers (case-insensitive, ≥ 80 %)', () => {
    const result = matchFiles(saved, [f('crm_dump.csv'), f('export_Q3.csv'), f('other.csv')], new Set(), columnsOf);
    expect(names(result.matched)).toEqual({ kunden: 'crm_dump.csv', bestellungen: 'export_Q3.csv' });
    expect([...result.bySchema].sort()).toEqual(['bestellungen', 'kunden']);
    expect(result.unmatched.map((x) => x.name)).toEqual(['other.csv']);
  });

  it('prefers the file name to the schema', () => {
    const result = matchFiles(saved, [f('export_Q3.csv'), f('kunden.csv')], new Set(), columnsOf);
    expect(names(result.matched)).toEqual({ kunden: 'kunden.csv', bestellungen: 'export_Q3.csv' });
    expect([...result.bySchema]).toEqual(['bestellungen']);
  });

  it('does not match a file whose columns cover less than 80 %, not even by its extension', () => {
    const result = matchFiles([saved[0]], [f('other.csv')], new Set(), columnsOf);
    expect(result.matched.size).toBe(0);
    expect(matchFiles([saved[0]], [f('other.csv')]).matched.size).toBe(1);
  });

  it('leaves two files that cover a source equally well to the user', () => {
    const twins = { 'a.csv': saved[0].columns!.slice(), 'b.csv': saved[0].columns!.slice() } as Record<string, readonly string[]>;
    const result = matchFiles([saved[0]], [f('a.csv'), f('b.csv')], new Set(), (file) => twins[file.name]);
    expect(result.matched.size).toBe(0);
  });

  it('gives a file that covers two sources to the one it covers best', () => {
    const wide = [...saved[0].columns!, ...saved[1].columns!.slice(0, 3)];
    const result = matchFiles(saved, [f('wide.csv')], new Set(), () => wide);
    expect(names(result.matched)).toEqual({ kunden: 'wide.csv' });
  });
});

describe('missingColumns', () => {
  it('lists the saved columns a file lacks, comparing case-insensitively', () => {
    expect(missingColumns(['Kundennummer', 'PLZ', 'Ort'], ['kundennummer', 'Ort', 'Kanal'])).toEqual(['PLZ']);
    expect(missingColumns(['a'], ['A'])).toEqual([]);
  });
});

describe('baseName', () => {
  it('returns the last segment of slash and backslash paths', () => {
    expect(baseName('a/b/c.csv')).toBe('c.csv');
    expect(baseName('C:\\x\\y.parquet')).toBe('y.parquet');
    expect(baseName('plain.json')).toBe('plain.json');
  });
});
