import { fromCSV } from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { runNotebook } from '../../src/lib/engine/run-notebook';
import { segmentReports, type ReportFile } from '../../src/lib/engine/segment-reports';
import { cellView, type SegmentCell, type SegmentGuards } from '../../src/lib/notebook/model';
import { readNotebook } from '../../src/lib/notebook/validate';
import { openTestEngine } from './helpers/db';

/**
 * Six customers: DE = {a, b, f}, "Viel" (Umsatz ≥ 150) = {b, d, f}; f has no `aktiv` value; the
 * earlier membership has a in DE, c and e in "Viel", and g, who no longer exists, in DE.
 */
const DATA = `SELECT * FROM (VALUES
  ('a', 'DE', 100.0, 2, true, 20.0),
  ('b', 'DE', 300.0, 3, false, 30.0),
  ('c', 'AT', 50.0, 1, true, 10.0),
  ('d', 'AT', 200.0, 4, true, 40.0),
  ('e', 'CH', 0.0, 0, false, 0.0),
  ('f', 'DE', 150.0, 1, NULL, 10.0)
) AS t(k, land, umsatz, bestellungen, aktiv, kosten)`;
const VIEL = 'Viel, "ab 150"';
/** One KPI of every kind: label, kind, column, denominator. */
const KPIS = [
  ['Aktiv', 'rate', 'aktiv'],
  ['Ø Umsatz', 'mean', 'umsatz'],
  ['Umsatz', 'sum', 'umsatz'],
  ['Warenkorb', 'ratio', 'umsatz', 'bestellungen'],
  ['ROI', 'roi', 'umsatz', 'kosten']
] as const;

const notebook = readNotebook(
  JSON.stringify({
    format: 'seglab-notebook',
    version: 1,
    title: 'Segmentberichte',
    sources: [],
    cells: [
      { id: 'data', kind: 'sql', name: 'kunden', sql: DATA },
      { id: 'prev', kind: 'sql', name: 'vorher', sql: `SELECT * FROM (VALUES ('a', 'DE'), ('c', '${VIEL.replaceAll("'", "''")}'), ('e', '${VIEL.replaceAll("'", "''")}'), ('g', 'DE')) AS t(k, segment)` },
      {
        id: 'seg',
        kind: 'segment',
        table: 'kunden',
        key: 'k',
        exclusive: false,
        segments: [
          { name: 'DE', rule: { type: 'group', op: 'and', rules: [{ type: 'condition', column: 'land', op: 'eq', value: 'DE' }] } },
          { name: VIEL, rule: { type: 'group', op: 'and', rules: [{ type: 'condition', column: 'umsatz', op: 'gte', value: 150 }] } }
        ],
        kpis: KPIS.map(([label, kind, column, denominator]) => ({ label, kind, column, denominator })),
        profileColumns: ['land'],
        compareWith: 'vorher'
      },
      {
        id: 'excl',
        kind: 'segment',
        table: 'kunden',
        key: 'k',
        exclusive: true,
        segments: [
          { name: 'CH', where: "land = 'CH'" },
          { name: 'FR', where: "land = 'FR'" }
        ]
      }
    ]
  })
);
const GUARDS: SegmentGuards = { minSize: 2, minShare: 0.2, maxCiMargin: 0.2, minExportSize: 1 };

/** The rows of a report as text fields by column, an empty field as `''`. */
function records(file: ReportFile): Record<string, string>[] {
  const rows = fromCSV(file.text, { autoType: false }).objects() as Record<string, string | null>[];
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v ?? ''])));
}

describe('segmentReports', () => {
  let engine: Engine;
  let files: ReportFile[];
  let exclusive: ReportFile[];
  const byName = (name: string) => files.find((f) => f.name === name)!;
  const cell = (id: string) => notebook.cells.find((c) => c.id === id) as SegmentCell;

  beforeAll(async () => {
    engine = await openTestEngine();
    const run = await runNotebook(engine, notebook, { openSource: () => Promise.reject(new Error('no sources')) });
    expect(run.cells.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    files = await segmentReports(engine, cell('seg'), cellView(cell('seg')), GUARDS);
    exclusive = await segmentReports(engine, cell('excl'), cellView(cell('excl')));
  });
  afterAll(async () => {
    await engine.db.close();
  });

  it('names the files after the cell and lists categories and transitions only when configured', () => {
    expect(files.map((f) => [f.name, f.rows])).toEqual([
      ['seg.profile.csv', 15],
      ['seg.categories.csv', 3],
      ['seg.overlap.csv', 4],
      ['seg.transitions.csv', 5]
    ]);
    expect(exclusive.map((f) => f.name)).toEqual(['excl.profile.csv', 'excl.overlap.csv']);
  });

  it('writes the profile long: one row per segment and KPI, then the base', () => {
    const text = byName('seg.profile.csv').text;
    expect(text.split('\n')[0]).toBe('segment,size,share,warnings,kpi,kind,value,base_value,share_of_total,estimate,low,high,margin,index,kpi_warnings');
    expect(text.endsWith('\n')).toBe(true);
    const rows = records(byName('seg.profile.csv'));
    expect(rows.map((r) => [r.segment, r.kpi])).toEqual(
      ['DE', VIEL, ''].flatMap((s) => KPIS.map(([label]) => [s, label]))
    );
    const at = (segment: string, kpi: string) => rows.find((r) => r.segment === segment && r.kpi === kpi)!;
    // Hand-computed: DE = {a, b, f}: 3 of 6 customers; Umsatz 100 + 300 + 150 = 550 of 800.
    expect(at('DE', 'Umsatz')).toMatchObject({ size: '3', share: '0.5', warnings: '', kind: 'sum', share_of_total: '0.6875' });
    expect(Number(at('DE', 'Umsatz').value)).toBeCloseTo(550, 10);
    // Aktiv: a true, b false, f empty → 1 of 2 = 0.5; base 3 of 5 = 0.6; index 0.5 / 0.6 × 100.
    expect(Number(at('DE', 'Aktiv').value)).toBe(0.5);
    expect(Number(at('DE', 'Aktiv').base_value)).toBe(0.6);
    expect(Number(at('DE', 'Aktiv').index)).toBeCloseTo(250 / 3, 10);
    // t interval of the mean of 100, 300, 150 (SciPy: m ∓ t.ppf(0.975, 2) · s / √3), to 1e-9.
    expect(Number(at('DE', 'Ø Umsatz').low)).toBeCloseTo(-75.2239172937798, 9);
    expect(Number(at('DE', 'Ø Umsatz').high)).toBeCloseTo(441.8905839604465, 9);
    // ROI of "Viel" = {b, d, f}: (650 − 80) / 80 = 7.125 (relative tolerance 1e-12: the sums are rescaled from fixed point).
    expect(Number(at(VIEL, 'ROI').value)).toBeCloseTo(7.125, 11);
    expect(at(VIEL, 'ROI')).toMatchObject({ kind: 'roi', share_of_total: '' });
    // Ratio of the base: Σ Umsatz / Σ Bestellungen = 800 / 11.
    expect(Number(at('', 'Warenkorb').value)).toBeCloseTo(800 / 11, 11);
    expect(at('', 'Warenkorb')).toMatchObject({ size: '6', share: '1', warnings: '', index: '100' });
  });

  it('flags small segments, keeps empty ones and puts the rest last when there are no KPIs', () => {
    expect(exclusive[0].text).toBe(
      [
        'segment,size,share,warnings,kpi,kind,value,base_value,share_of_total,estimate,low,high,margin,index,kpi_warnings',
        `CH,1,${String(1 / 6)},too_small,,,,,,,,,,,`,
        'FR,0,0,too_small;too_small_share,,,,,,,,,,,',
        `Rest,5,${String(5 / 6)},too_small,,,,,,,,,,,`,
        ',6,1,,,,,,,,,,,,',
        ''
      ].join('\n')
    );
  });

  it('quotes segment names holding commas and quotes (RFC 4180)', () => {
    const line = byName('seg.overlap.csv').text.split('\n').find((l) => l.startsWith('DE,"'));
    expect(line).toBe('DE,"Viel, ""ab 150""",2,3,3,0.5');
  });

  it('tests each value of a profile column against the rest of the base', () => {
    const rows = records(byName('seg.categories.csv'));
    // Segment DE is all DE (3 of 3) against 0 of the 3 others: pooled p = 1/2, z = 1 / sqrt(1/4 · 2/3) = √6.
    const de = rows.find((r) => r.segment === 'DE' && r.value === 'DE')!;
    expect(de).toMatchObject({ column: 'land', kind: 'value', count: '3', share: '1', base_count: '3', base_share: '0.5', index: '200' });
    expect(Number(de.z)).toBeCloseTo(Math.sqrt(6), 12);
    // SciPy: 2 · norm.sf(√6), to 1e-12.
    expect(Number(de.p)).toBeCloseTo(0.014305878435429648, 12);
    // Viel: b DE, d AT, f DE → DE 2 of 3.
    expect(rows.filter((r) => r.segment === VIEL).map((r) => [r.value, r.count])).toEqual([
      ['DE', '2'],
      ['AT', '1']
    ]);
  });

  it('counts the moves from the earlier membership', () => {
    // a stays in DE; b, d, f are new; c and e (earlier in Viel) and g (earlier in DE) are gone.
    expect(records(byName('seg.transitions.csv')).map((r) => [r.from_segment, r.to_segment, r.is_new, r.is_gone, r.count])).toEqual([
      ['(new)', 'DE', 'true', 'false', '2'],
      ['(new)', VIEL, 'true', 'false', '3'],
      ['DE', 'DE', 'false', 'false', '1'],
      ['DE', '(gone)', 'false', 'true', '1'],
      [VIEL, '(gone)', 'false', 'true', '2']
    ]);
  });

  it('names the report in the error of a failing query', async () => {
    const broken: SegmentCell = { ...cell('seg'), kpis: [{ label: 'x', kind: 'mean', column: 'nope' }] };
    await expect(segmentReports(engine, broken, cellView(broken))).rejects.toMatchObject({
      code: 'SQL_BIND',
      message: expect.stringMatching(/^seg\.profile\.csv: Binder Error: .*nope/)
    });
  });
});
