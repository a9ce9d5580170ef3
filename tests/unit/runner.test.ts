import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type RunReport } from '../../src/cli/main';
import { parseCliArgs } from '../../src/cli/args';
import { Engine } from '../../src/lib/engine/engine';
import { runNotebook, type CellRun } from '../../src/lib/engine/run-notebook';
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
      engine: 'native'
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
    expect(csv('top.csv')).toBe(
      'Kundennummer,Nachname,PLZ,umsatz,letzte_bestellung,tage_seit\n' +
        'K-1001,Müller,01067,1310.0,2025-03-31,0\nK-1005,Köhler,10115,375.75,2025-03-31,0\nK-1003,Weiß,80331,200.0,2025-03-14,17\n'
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
