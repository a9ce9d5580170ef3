import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/engine/db';
import type { SegmentCell } from '../../src/lib/notebook/model';
import { segmentQuery } from '../../src/lib/sql/segment-rules';
import {
  ageTemplate,
  columnKind,
  conditionOps,
  guessColumns,
  guessKey,
  isKeyName,
  needsTemplate,
  postcodeTemplate,
  recencyTemplate,
  revenueTemplate,
  sizeTemplate,
  valuesTemplate,
  valueTemplate,
  type TemplateResult
} from '../../src/lib/sql/segment-templates';
import { openTestDb } from './helpers/db';

let db: Db;
const REF = '2025-06-30';

beforeAll(async () => {
  db = await openTestDb();
  await db.exec(`
    CREATE TABLE p (id INTEGER, geburt DATE, alter INTEGER, plz VARCHAR, ma INTEGER, umsatz DOUBLE, land VARCHAR, preis INTEGER, bio INTEGER);
    INSERT INTO p VALUES
      (1, DATE '2007-06-30', 18, '01067', 9, 1999999, 'DE', 5, 1),
      (2, DATE '2007-07-01', 17, '80331', 10, 2000000, 'AT', 4, 5),
      (3, DATE '2000-07-01', 24, '20095', 249, 50000000, 'DE', 1, 4),
      (4, DATE '2000-06-30', 25, '99084', 250, 60000000, 'CH', 3, 3),
      (5, DATE '1960-06-30', 65, NULL, NULL, NULL, NULL, NULL, NULL);
    CREATE TABLE ev (pid INTEGER, d DATE);
    INSERT INTO ev VALUES (1, DATE '2025-06-01'), (1, DATE '2023-01-01'), (2, DATE '2025-01-01'), (3, DATE '2024-06-29');
  `);
});

async function segmentsOf(t: TemplateResult): Promise<Record<number, string[]>> {
  const cell: SegmentCell = { id: 's', kind: 'segment', table: 'p', key: 'id', ...t };
  const rows = await db.rows<{ id: number; segment: string }>(String(segmentQuery(cell, REF)));
  const out: Record<number, string[]> = {};
  for (const r of rows) (out[r.id] ??= []).push(r.segment);
  return out;
}

describe('segment templates', () => {
  it('bands ages in years', async () => {
    expect(await segmentsOf(ageTemplate('alter', 'number'))).toEqual({ 1: ['18–24'], 2: ['Rest'], 3: ['18–24'], 4: ['25–34'], 5: ['65+'] });
  });

  it('bands birth dates by age on the reference date, birthdays included', async () => {
    expect(await segmentsOf(ageTemplate('geburt', 'date', REF))).toEqual({ 1: ['18–24'], 2: ['Rest'], 3: ['18–24'], 4: ['25–34'], 5: ['65+'] });
    expect(() => ageTemplate('geburt', 'date')).toThrow(/reference date/);
  });

  it('splits by postcode region', async () => {
    expect(await segmentsOf(postcodeTemplate('plz'))).toEqual({ 1: ['PLZ 0xxxx'], 2: ['PLZ 8xxxx'], 3: ['PLZ 2xxxx'], 4: ['PLZ 9xxxx'], 5: ['Rest'] });
  });

  it('bands company size by the EU SME limits', async () => {
    expect(await segmentsOf(sizeTemplate('ma', 'en'))).toEqual({ 1: ['Micro (1–9)'], 2: ['Small (10–49)'], 3: ['Medium (50–249)'], 4: ['Large (250+)'], 5: ['Rest'] });
  });

  it('bands revenue by the EU turnover limits', async () => {
    expect(await segmentsOf(revenueTemplate('umsatz', 'de'))).toEqual({
      1: ['Umsatz < 2 Mio. €'],
      2: ['Umsatz 2–10 Mio. €'],
      3: ['Umsatz > 50 Mio. €'],
      4: ['Umsatz > 50 Mio. €'],
      5: ['Rest']
    });
  });

  it('makes one segment per frequent value', async () => {
    expect(await segmentsOf(valuesTemplate('land', ['DE', 'AT'], 'land'))).toEqual({ 1: ['DE'], 2: ['AT'], 3: ['DE'], 4: ['Rest'], 5: ['Rest'] });
  });

  it('groups by days since the last event', async () => {
    expect(await segmentsOf(recencyTemplate('ev', 'pid', 'd', 'en'))).toEqual({
      1: ['Active (≤ 90 days)'],
      2: ['Cooling (91–365 days)'],
      3: ['Lapsed (> 365 days)'],
      4: ['Rest'],
      5: ['Rest']
    });
  });

  it('cuts value tiers: top 20 %, next 30 %, rest (of the 4 known values: 1, then 1 more)', async () => {
    expect(await segmentsOf(valueTemplate('umsatz', 'en'))).toEqual({ 1: ['Rest'], 2: ['Rest'], 3: ['Next 30 %'], 4: ['Top 20 %'], 5: ['Rest'] });
  });

  it('makes overlapping needs segments from agreement (4–5)', async () => {
    expect(await segmentsOf(needsTemplate(['preis', 'bio']))).toEqual({ 1: ['preis'], 2: ['preis', 'bio'], 3: ['bio'] });
  });
});

describe('guessKey', () => {
  it('takes the first column named like a key, in German and English, snake and camel case', () => {
    for (const name of ['Kundennummer', 'customer_id', 'ID', 'Konto-Nr', 'InvoiceNo', 'CustomerID', 'accountKey', 'Kunden Nr']) expect(isKeyName(name), name).toBe(true);
    for (const name of ['Umsatz', 'Nordrhein', 'video', 'Notiz', 'Kanal', 'Idee']) expect(isKeyName(name), name).toBe(false);
    expect(guessKey([{ name: 'Firma' }, { name: 'Firmennummer' }, { name: 'Auftragsnummer' }])?.name).toBe('Firmennummer');
    expect(guessKey([{ name: 'a' }, { name: 'b' }])?.name).toBe('a');
  });
});

describe('columnKind(type) and conditionOps(kind)', () => {
  it('maps DuckDB types to kinds', () => {
    expect(['BIGINT', 'DECIMAL(10,2)', 'DATE', 'TIMESTAMP WITH TIME ZONE', 'BOOLEAN', 'VARCHAR', 'VARCHAR[]'].map(columnKind)).toEqual([
      'number',
      'number',
      'date',
      'date',
      'boolean',
      'text',
      'text'
    ]);
  });

  it('offers text operators for text, time operators for dates', () => {
    expect(conditionOps('text')).toContain('contains');
    expect(conditionOps('text')).not.toContain('top_pct');
    expect(conditionOps('date')).toEqual(expect.arrayContaining(['before', 'after', 'within_last']));
    expect(conditionOps('number')).toEqual(expect.arrayContaining(['between', 'top_pct', 'bottom_pct']));
  });

  it('guesses template columns by name and kind', () => {
    const cols = [
      { name: 'Kundennummer', kind: 'text' as const },
      { name: 'Geburtsdatum', kind: 'date' as const },
      { name: 'Bundesland', kind: 'text' as const },
      { name: 'Mitarbeiter', kind: 'number' as const },
      { name: 'Umsatz gesamt', kind: 'number' as const },
      { name: 'PLZ', kind: 'text' as const }
    ];
    expect(guessColumns('age', cols)).toEqual(['Geburtsdatum']);
    expect(guessColumns('values', cols)).toEqual(['Bundesland']);
    expect(guessColumns('size', cols)).toEqual(['Mitarbeiter']);
    expect(guessColumns('value', cols)).toEqual(['Umsatz gesamt']);
    expect(guessColumns('postcode', cols)).toEqual(['PLZ']);
  });
});
