import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fromCSV } from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type RunReport } from '../../src/cli/main';
import { parseCliArgs } from '../../src/cli/args';
import { Engine } from '../../src/lib/engine/engine';
import { runNotebook, type CellRun } from '../../src/lib/engine/run-notebook';
import { nodeFileSource } from '../../src/lib/engine/source-node';
import type { SegmentCell } from '../../src/lib/notebook/model';
import { readNotebook } from '../../src/lib/notebook/validate';
import { openTestEngine } from './helpers/db';

const fixtures = path.resolve(__dirname, '../fixtures/notebooks/shop');
const inline = readNotebook(readFileSync(path.join(fixtures, 'inline.notebook.json'), 'utf8'));

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'seglab-runner-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Runs the CLI in-process and captures its output. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd: tmp, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

function readReport(dir: string): RunReport {
  return JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
}

function statuses(runs: Pick<CellRun, 'id' | 'status'>[]): Record<string, string> {
  return Object.fromEntries(runs.map((c) => [c.id, c.status]));
}

describe('runNotebook', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });

  it('runs cells in order, skips dependants of a failed cell and still runs independent ones', async () => {
    const seen: string[] = [];
    const run = await runNotebook(engine, inline, { openSource: () => Promise.reject(new Error('no sources')), onCell: (c) => seen.push(c.id) });
    expect(seen).toEqual(['numbers', 'total', 'broken', 'downstream', 'note', 'alone']);
    expect(statuses(run.cells)).toEqual({
      numbers: 'ok',
      total: 'ok',
      broken: 'error',
      downstream: 'skipped',
      note: 'ok',
      alone: 'ok'
    });
    expect(run.ok).toBe(false);
    const [numbers, total, broken, downstream] = run.cells;
    expect(numbers).toMatchObject({ rows: 10, table: 'numbers', deps: { sources: [], cells: [] } });
    expect(total).toMatchObject({ rows: 1, table: '__seglab_cell_total', deps: { cells: ['numbers'] } });
    expect(broken).toMatchObject({ code: 'SQL_BIND', rows: null, line: 1 });
    expect(broken.error).toMatch(/^Binder Error: .*missing/);
    expect(downstream).toMatchObject({ error: 'depends on cell "broken", which failed', rows: null });
    expect(await engine.db.rows('SELECT * FROM __seglab_cell_total')).toEqual([{ s: 45, n: 10 }]);
  });

  it('keeps the SQL order of a named cell when read back', async () => {
    await runNotebook(engine, inline, { openSource: () => Promise.reject(new Error('unused')) });
    const rows = await engine.db.rows<{ i: number }>('SELECT i FROM numbers');
    expect(rows.map((r) => r.i)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('reports the error line relative to the cell', async () => {
    const nb = readNotebook(
      JSON.stringify({ ...inline, cells: [{ id: 'x', kind: 'sql', sql: 'SELECT 1 AS a,\n  nope_col\nFROM range(2)' }] })
    );
    const run = await runNotebook(engine, nb, { openSource: () => Promise.reject(new Error('unused')) });
    expect(run.cells[0]).toMatchObject({ status: 'error', line: 2 });
  });

  it('exposes the reference date as a SQL variable', async () => {
    const nb = readNotebook(
      JSON.stringify({
        ...inline,
        settings: { referenceDate: '2025-12-31' },
        cells: [{ id: 'd', kind: 'sql', name: 'd', sql: "SELECT getvariable('reference_date') - DATE '2025-12-01' AS days" }]
      })
    );
    const run = await runNotebook(engine, nb, { openSource: () => Promise.reject(new Error('unused')) });
    expect(run.cells[0].status).toBe('ok');
    expect(await engine.db.rows('SELECT * FROM d')).toEqual([{ days: 30 }]);
  });

  it('skips the cells of a cancelled run', async () => {
    const abort = new AbortController();
    abort.abort();
    const run = await runNotebook(engine, inline, { openSource: () => Promise.reject(new Error('unused')), signal: abort.signal });
    expect(run.cells.filter((c) => c.kind === 'sql').every((c) => c.status === 'skipped' && c.error === 'the run was cancelled')).toBe(true);
  });

  it('marks cells reading a source that failed to load as skipped', async () => {
    const nb = readNotebook(
      JSON.stringify({
        ...inline,
        sources: [{ name: 'gone', path: 'gone.csv' }],
        cells: [
          { id: 'a', kind: 'sql', sql: 'SELECT * FROM gone' },
          { id: 'b', kind: 'sql', sql: 'SELECT 2 AS two' }
        ]
      })
    );
    const run = await runNotebook(engine, nb, { openSource: () => Promise.reject(new Error('file not found: gone.csv')) });
    expect(run.sources).toEqual([expect.objectContaining({ name: 'gone', status: 'error', error: 'file not found: gone.csv' })]);
    expect(run.cells).toEqual([
      expect.objectContaining({ id: 'a', status: 'skipped', error: 'depends on source "gone", which could not be loaded' }),
      expect.objectContaining({ id: 'b', status: 'ok', rows: 1 })
    ]);
  });
});

describe('parseCliArgs', () => {
  it('parses the run command with repeated --data', () => {
    const args = parseCliArgs(['run', 'nb.json', '--data', 'kunden=a.csv', '--data', 'x=b=c.csv', '--out', 'o', '--engine', 'native']);
    expect(args).toEqual({
      command: 'run',
      notebook: 'nb.json',
      data: new Map([
        ['kunden', 'a.csv'],
        ['x', 'b=c.csv']
      ]),
      out: 'o',
      engine: 'native',
      includePersonal: [],
      pseudonymise: false
    });
    expect(parseCliArgs(['run', 'nb.json'])).toMatchObject({ out: 'out', engine: 'wasm' });
  });

  it('rejects bad arguments with a message', () => {
    expect(parseCliArgs(['run', 'nb.json', '--engine', 'gpu'])).toEqual({
      command: 'error',
      message: '--engine must be "wasm" or "native", not "gpu"'
    });
    expect(parseCliArgs(['run', 'nb.json', '--data', 'kunden'])).toMatchObject({ command: 'error' });
    expect(parseCliArgs(['run', 'nb.json', '--bogus'])).toMatchObject({ command: 'error' });
    expect(parseCliArgs(['build'])).toMatchObject({ command: 'error', message: 'unknown command "build" (expected "run")' });
    expect(parseCliArgs(['run'])).toMatchObject({ command: 'error' });
  });
});

describe('seglab run', () => {
  it('prints usage for --help', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: seglab run NOTEBOOK\.json \[--data NAME=PATH\]\.\.\. \[--out DIR\] \[--engine wasm\|native\]/);
  });

  it('exits 2 on bad arguments, an invalid notebook or an unknown --data name', async () => {
    expect((await cli('run')).code).toBe(2);
    await writeFile(path.join(tmp, 'bad.json'), JSON.stringify({ format: 'seglab-notebook', version: 1, title: 't', sources: [], cells: [{ id: 'c', kind: 'sql', sql: 1 }] }));
    const invalid = await cli('run', 'bad.json');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toBe('seglab: bad.json is not a valid notebook:\n  cells[0].sql: expected a string, got number 1\n');
    const unknown = await cli('run', path.join(fixtures, 'shop.notebook.json'), '--data', 'orders=x.csv');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no source named "orders" \(sources: "kunden", "bestellungen"\)/);
  });

  it.each(['wasm', 'native'] as const)('runs the shop notebook on %s and writes one CSV per cell plus run.json', async (engine) => {
    const out = path.join(tmp, `shop-${engine}`);
    const { code, stdout, stderr } = await cli('run', path.join(fixtures, 'shop.notebook.json'), '--engine', engine, '--out', out);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/cell revenue \(umsatz_land\): 3 rows, \d+ ms → revenue\.csv/);
    expect(readdirSync(out).sort()).toEqual(['big.csv', 'monthly.csv', 'revenue.csv', 'run.json', 'top.csv']);
    const report = readReport(out);
    expect(report).toMatchObject({ format: 'seglab-run', engine, ok: true, title: 'Shop fixture' });
    expect(report.duckdb).toMatch(engine === 'wasm' ? /^v1\.4/ : /^v1\.5/);
    expect(report.sources.map((s) => [s.name, s.status, s.rows])).toEqual([
      ['kunden', 'ok', 6],
      ['bestellungen', 'ok', 10]
    ]);
    expect(report.cells.map((c) => [c.id, c.status, c.rows, c.file])).toEqual([
      ['intro', 'ok', null, undefined],
      ['revenue', 'ok', 3, 'revenue.csv'],
      ['monthly', 'ok', 3, 'monthly.csv'],
      ['top', 'ok', 3, 'top.csv'],
      ['big', 'ok', 3, 'big.csv']
    ]);
    for (const c of report.cells) expect(c.ms).toBeGreaterThanOrEqual(0);
    const csv = (name: string) => readFileSync(path.join(out, name), 'utf8');
    expect(csv('revenue.csv')).toBe('Bundesland,bestellungen,umsatz\nSachsen,4,1322.5\nBerlin,3,375.75\nBayern,3,220.0\n');
    expect(csv('monthly.csv')).toBe('monat,bestellungen,umsatz\n2025-01,3,362.4\n2025-02,3,1350.49\n2025-03,4,205.36\n');
    // Nachname (a name) is personal data: left out unless a run opts in; PLZ (a postcode) is only flagged.
    expect(csv('top.csv')).toBe(
      'Kundennummer,PLZ,umsatz,letzte_bestellung,tage_seit\n' +
        'K-1001,01067,1310.0,2025-03-31,0\nK-1005,10115,375.75,2025-03-31,0\nK-1003,80331,200.0,2025-03-14,17\n'
    );
  });

  it('writes byte-identical CSVs with the wasm and the native engine', () => {
    const files = ['big.csv', 'monthly.csv', 'revenue.csv', 'top.csv'];
    for (const f of files) {
      const wasm = readFileSync(path.join(tmp, 'shop-wasm', f));
      const native = readFileSync(path.join(tmp, 'shop-native', f));
      expect(native.equals(wasm), f).toBe(true);
    }
  });

  it.each(['wasm', 'native'] as const)('exits 1 on %s naming the failed cell, and skips only its dependants', async (engine) => {
    const out = path.join(tmp, `failing-${engine}`);
    await cp(path.join(tmp, 'shop-native'), out, { recursive: true });
    await writeFile(path.join(out, 'after.csv'), 'stale\n');
    const { code, stderr } = await cli('run', path.join(fixtures, 'failing.notebook.json'), '--engine', engine, '--out', out);
    expect(code).toBe(1);
    expect(stderr.split('\n')).toEqual([
      expect.stringMatching(/^cell "revenue" failed: Binder Error: Referenced column "Umsatz" not found/),
      'cell "revenue_top" skipped: depends on cell "revenue", which failed',
      'cell "after2" skipped: depends on cell "revenue_top", which was skipped',
      ''
    ]);
    const report = readReport(out);
    expect(report.ok).toBe(false);
    expect(report.cells.map((c) => [c.id, c.status, c.rows])).toEqual([
      ['ok1', 'ok', 4],
      ['bad', 'error', null],
      ['after', 'skipped', null],
      ['after2', 'skipped', null],
      ['indep', 'ok', 1]
    ]);
    expect(report.cells[1].error).toMatch(/^Binder Error: /);
    expect(existsSync(path.join(out, 'after.csv'))).toBe(false);
    expect(readFileSync(path.join(out, 'indep.csv'), 'utf8')).toBe('n\n40\n');
  });

  it('reads a source from --data instead of the notebook path', async () => {
    const out = path.join(tmp, 'override');
    const few = path.join(tmp, 'wenige.csv');
    await writeFile(few, 'Bestellnummer;Kundennummer;Bestelldatum;Betrag;Kanal\nB-1;K-1001;01.01.2025;5,00;App\n');
    const { code } = await cli('run', path.join(fixtures, 'shop.notebook.json'), '--engine', 'native', '--data', 'bestellungen=wenige.csv', '--out', out);
    expect(code).toBe(0);
    expect(readFileSync(path.join(out, 'monthly.csv'), 'utf8')).toBe('monat,bestellungen,umsatz\n2025-01,1,5.0\n');
    expect(readReport(out).sources[1].path).toBe(few);
  });

  it('fails a missing source file by name and skips the cells reading it', async () => {
    const out = path.join(tmp, 'missing');
    const { code, stderr } = await cli('run', path.join(fixtures, 'shop.notebook.json'), '--engine', 'native', '--data', 'kunden=nope.csv', '--out', out);
    expect(code).toBe(1);
    expect(stderr).toContain(`source "kunden" failed: file not found: ${path.join(tmp, 'nope.csv')}`);
    expect(stderr).toContain('cell "umsatz_land" skipped: depends on source "kunden", which could not be loaded');
    expect(statuses(readReport(out).cells)).toEqual({ intro: 'ok', revenue: 'skipped', monthly: 'ok', top: 'skipped', big: 'skipped' });
  });

  it('runs an inline-SQL notebook on both engines with identical CSVs', async () => {
    const outs = [];
    for (const engine of ['wasm', 'native']) {
      const out = path.join(tmp, `inline-${engine}`);
      const { code, stderr } = await cli('run', path.join(fixtures, 'inline.notebook.json'), '--engine', engine, '--out', out);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^cell "broken" failed: Binder Error: Referenced column "missing" not found/);
      outs.push(out);
    }
    expect(readdirSync(outs[0]).sort()).toEqual(['alone.csv', 'numbers.csv', 'run.json', 'total.csv']);
    for (const f of ['alone.csv', 'numbers.csv', 'total.csv']) {
      expect(readFileSync(path.join(outs[1], f), 'utf8')).toBe(readFileSync(path.join(outs[0], f), 'utf8'));
    }
    expect(readFileSync(path.join(outs[0], 'alone.csv'), 'utf8')).toBe('s,n\n"a,""b",\n');
    expect(readFileSync(path.join(outs[0], 'numbers.csv'), 'utf8').split('\n').slice(0, 3)).toEqual([
      'i,quarter,day',
      '9,2.25,2025-01-10',
      '8,2.00,2025-01-09'
    ]);
  });
});

/** The rows of a CSV file as text fields by column, an empty field as `''`. */
function csvRows(file: string): Record<string, string>[] {
  const rows = fromCSV(readFileSync(file, 'utf8'), { autoType: false }).objects() as Record<string, string | null>[];
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v ?? ''])));
}

/** Segment sizes from a `<id>.profile.csv`, in file order, and the base size. */
function profileSizes(file: string): { sizes: Map<string, number>; base: number } {
  const sizes = new Map<string, number>();
  let base = NaN;
  for (const r of csvRows(file)) {
    if (r.segment === '') base = Number(r.size);
    else sizes.set(r.segment, Number(r.size));
  }
  return { sizes, base };
}

describe('seglab run with segment cells', () => {
  const data = `SELECT * FROM (VALUES ('a', 'DE', 10.0), ('b', 'AT', 20.0), ('c', 'DE', 30.0)) AS t(k, land, umsatz)`;
  const segment = {
    id: 'seg',
    kind: 'segment',
    table: 'kunden',
    key: 'k',
    exclusive: true,
    segments: [{ name: 'DE', rule: { type: 'group', op: 'and', rules: [{ type: 'condition', column: 'land', op: 'eq', value: 'DE' }] } }],
    kpis: [{ label: 'Umsatz', kind: 'sum', column: 'umsatz' }],
    profileColumns: ['land']
  };
  const write = async (name: string, seg: Record<string, unknown>) => {
    const nb = { format: 'seglab-notebook', version: 1, title: 't', sources: [], cells: [{ id: 'data', kind: 'sql', name: 'kunden', sql: data }, seg] };
    await writeFile(path.join(tmp, name), JSON.stringify(nb));
  };

  it('writes the reports beside the members, lists them and removes stale ones', async () => {
    const out = path.join(tmp, 'segment-reports');
    await write('seg.json', segment);
    const ok = await cli('run', 'seg.json', '--out', out);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/cell seg: 3 rows, \d+ ms → seg\.csv, seg\.profile\.csv, seg\.categories\.csv, seg\.overlap\.csv\n/);
    expect(ok.stdout).toMatch(/wrote 5 CSV files and run\.json/);
    expect(readdirSync(out).sort()).toEqual(['data.csv', 'run.json', 'seg.categories.csv', 'seg.csv', 'seg.overlap.csv', 'seg.profile.csv']);
    expect(readReport(out).cells[1]).toMatchObject({ id: 'seg', status: 'ok', file: 'seg.csv', reports: ['seg.profile.csv', 'seg.categories.csv', 'seg.overlap.csv'] });
    expect(readFileSync(path.join(out, 'seg.overlap.csv'), 'utf8')).toBe('segment_a,segment_b,n_both,size_a,size_b,jaccard\nDE,DE,2,2,2,1\nDE,Rest,0,2,1,0\nRest,DE,0,1,2,0\nRest,Rest,1,1,1,1\n');

    await write('seg.json', { ...segment, profileColumns: undefined });
    expect((await cli('run', 'seg.json', '--out', out)).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['data.csv', 'run.json', 'seg.csv', 'seg.overlap.csv', 'seg.profile.csv']);

    await write('seg.json', { ...segment, kpis: [{ label: 'x', kind: 'mean', column: 'nope' }] });
    const failed = await cli('run', 'seg.json', '--out', out);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^cell "seg" failed: seg\.profile\.csv: Binder Error: .*"nope"/);
    expect(readdirSync(out).sort()).toEqual(['data.csv', 'run.json']);
    expect(readReport(out).cells[1]).not.toHaveProperty('reports');
  });
});

describe('seglab run on the segments sample', () => {
  const SAMPLES = path.resolve(__dirname, '../../static/samples');
  const notebook = readNotebook(readFileSync(path.join(SAMPLES, 'segments.notebook.json'), 'utf8'));
  const segments = notebook.cells.filter((c): c is SegmentCell => c.kind === 'segment');
  const out = (engine: string) => path.join(tmp, `segments-${engine}`);
  const file = (name: string) => path.join(out('wasm'), name);
  const names = (id: string) => (notebook.cells.find((c) => c.id === id) as SegmentCell).segments.map((d) => d.name);

  // The whole sample through the CLI in a child process: up to a minute on wasm on a busy machine.
  it.each(['wasm', 'native'] as const)('runs every cell on %s and writes the reports of each segment cell', async (engine) => {
    const { code, stderr } = await cli('run', path.join(SAMPLES, 'segments.notebook.json'), '--engine', engine, '--out', out(engine));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = readReport(out(engine));
    expect(report.cells.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(segments).toHaveLength(9);
    for (const cell of segments) {
      const expected = ['profile', ...(cell.profileColumns ? ['categories'] : []), 'overlap', ...(cell.compareWith ? ['transitions'] : [])];
      expect(report.cells.find((c) => c.id === cell.id)?.reports).toEqual(expected.map((r) => `${cell.id}.${r}.csv`));
    }
  }, 180_000);

  it('writes byte-identical files with the wasm and the native engine', () => {
    const files = readdirSync(out('wasm')).filter((f) => f.endsWith('.csv'));
    expect(files.sort()).toEqual(readdirSync(out('native')).filter((f) => f.endsWith('.csv')).sort());
    for (const f of files) expect(readFileSync(path.join(out('native'), f)).equals(readFileSync(file(f))), f).toBe(true);
  });

  it('adds up segment sizes: exclusive cells to the entity rows, overlapping ones to their member rows', () => {
    const report = readReport(out('wasm'));
    const entities: Record<string, number> = { kunden_kpi: 2000, befragte: 800, firmen: 1500 };
    for (const cell of segments) {
      const { sizes, base } = profileSizes(file(`${cell.id}.profile.csv`));
      const total = [...sizes.values()].reduce((a, b) => a + b, 0);
      const rows = report.cells.find((c) => c.id === cell.id)!.rows;
      expect(base, cell.id).toBe(entities[cell.table]);
      expect(total, cell.id).toBe(rows);
      if (cell.exclusive) expect(total, cell.id).toBe(entities[cell.table]);
      expect([...sizes.keys()].slice(0, cell.segments.length), cell.id).toEqual(cell.segments.map((d) => d.name));
    }
    const demografie = profileSizes(file('demografie.profile.csv')).sizes;
    const [young, mid, older, senior, women, men] = names('demografie').map((n) => demografie.get(n)!);
    expect(young + mid + older + senior).toBe(2000);
    const diverse = csvRows(file('kunden_kpi.csv')).filter((r) => r.Geschlecht === 'd').length;
    expect(women + men + diverse).toBe(2000);
  });

  it('agrees with the same segments computed by hand from the per-customer table', () => {
    const customers = csvRows(file('kunden_kpi.csv'));
    const count = (f: (r: Record<string, string>) => boolean) => customers.filter(f).length;
    const age = (r: Record<string, string>) => Number(r.Alter);
    const demografie = profileSizes(file('demografie.profile.csv')).sizes;
    expect(names('demografie').slice(0, 4).map((n) => demografie.get(n))).toEqual([
      count((r) => age(r) >= 18 && age(r) <= 34),
      count((r) => age(r) >= 35 && age(r) <= 49),
      count((r) => age(r) >= 50 && age(r) <= 64),
      count((r) => age(r) >= 65)
    ]);
    const verhalten = profileSizes(file('verhalten.profile.csv')).sizes;
    expect(verhalten.get(names('verhalten')[2])).toBe(count((r) => r.tage_seit_letzter !== '' && Number(r.tage_seit_letzter) > 180));
    expect(verhalten.get(names('verhalten')[8])).toBe(count((r) => r.bestellungen === '0'));
    const kampagne = profileSizes(file('kampagne.profile.csv')).sizes;
    expect(kampagne.get('VIP (SQL)')).toBe(count((r) => Number(r.umsatz) >= 2000 && Number(r.marge) >= 0.3 * Number(r.umsatz)));
    const wert = profileSizes(file('wert.profile.csv')).sizes;
    expect([wert.get('Top 20 %'), wert.get('Nächste 30 %')]).toEqual([400, 600]);

    const cents = (v: string) => Math.round(Number(v) * 100);
    const revenue = new Map<string, number>();
    for (const r of csvRows(file('wert.csv'))) revenue.set(r.segment, (revenue.get(r.segment) ?? 0) + cents(r.umsatz));
    expect(csvRows(file('wert_chart.csv')).map((r) => [r.segment, cents(r.sum_umsatz)])).toEqual([...revenue].sort((a, b) => b[1] - a[1]));
  });

  it('puts every firm in the first firmographic segment whose rule it meets', () => {
    const [target, large, unknown, medium, small, micro] = names('firmografie');
    const industry = ['Maschinenbau', 'Herstellung von Metallerzeugnissen', 'Herstellung von chemischen Erzeugnissen', 'Energieversorgung'];
    const expected = (r: Record<string, string>) => {
      const staff = Number(r.Mitarbeiter);
      const revenue = r.Jahresumsatz === '' ? null : Number(r.Jahresumsatz);
      if (industry.includes(r.Branche) && r.Land === 'DE' && staff >= 50) return target;
      if (staff >= 250 || (revenue !== null && revenue > 50e6)) return large;
      if (revenue === null) return unknown;
      if (staff >= 50 && staff <= 249) return medium;
      if (staff >= 10 && staff < 50 && revenue <= 10e6) return small;
      if (staff < 10 && revenue <= 2e6) return micro;
      return 'Über den KMU-Schwellen';
    };
    const firms = csvRows(file('firmografie.csv'));
    expect(firms).toHaveLength(1500);
    expect(firms.filter((r) => r.segment !== expected(r)).map((r) => r.Firmennummer)).toEqual([]);
  });

  it('agrees with behavioural segments of firms written as plain aggregates', async () => {
    const engine = await openTestEngine();
    try {
      const load = await runNotebook(engine, { ...notebook, cells: [] }, { openSource: (s) => nodeFileSource(path.join(SAMPLES, s.path)) });
      expect(load.sources.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      const [hand] = await engine.db.rows<Record<string, number>>(`
        WITH per AS (
          SELECT "Firmennummer",
            count(*) FILTER (WHERE "Typ" = 'Website-Besuch') AS visits,
            count(*) FILTER (WHERE "Typ" = 'Kauf') AS purchases,
            count(*) FILTER (WHERE "Typ" = 'Webinar' AND "Datum" > DATE '2025-12-31' - 60) AS webinars,
            max("Datum") AS latest
          FROM aktivitaeten GROUP BY ALL)
        SELECT count(*) FILTER (WHERE visits > 0 AND purchases = 0) AS browsers, count(*) FILTER (WHERE webinars > 0) AS webinar,
          count(*) FILTER (WHERE latest <= DATE '2025-12-31' - 365) AS inactive,
          (SELECT count(*) FROM firmen) - count(*) AS silent
        FROM per`);
      const sizes = profileSizes(file('b2b_verhalten.profile.csv')).sizes;
      const n = names('b2b_verhalten');
      expect([sizes.get(n[0]), sizes.get(n[1]), sizes.get(n[7]), sizes.get(n[8])]).toEqual([hand.browsers, hand.webinar, hand.inactive, hand.silent]);
      const [recent] = await engine.db.rows<{ n: number }>(`
        SELECT count(*) AS n FROM (
          SELECT "Kundennummer" FROM bestellungen WHERE "Bestelldatum" > DATE '2025-12-31' - 90 GROUP BY ALL HAVING count(*) >= 2)`);
      expect(profileSizes(file('verhalten.profile.csv')).sizes.get(names('verhalten')[0])).toBe(recent.n);
    } finally {
      await engine.db.close();
    }
  });
});
