import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcToRows } from '../../src/lib/engine/arrow-rows';
import type { Db } from '../../src/lib/engine/db';
import { NativeDb, safeFileName } from '../../src/lib/engine/db-native';
import { exportCsv } from '../../src/lib/engine/export';
import { nodeFileSource } from '../../src/lib/engine/source-node';
import { main } from '../../src/cli/main';
import { openTestDb } from './helpers/db';

const TYPED = `SELECT 42::BIGINT AS n, 9007199254740993::BIGINT AS huge, 1.25::DECIMAL(10,2) AS d, 0.1::DOUBLE AS f,
  DATE '2025-12-31' AS day, TIMESTAMP '2025-01-02 03:04:05.123' AS ts, 'Müller' AS s, true AS b, NULL::INTEGER AS nothing,
  [1, 2]::BIGINT[] AS list, {'x': DATE '2024-02-29'} AS st`;

describe('NativeDb', () => {
  let db: NativeDb;
  let wasm: Db;
  beforeAll(async () => {
    [db, wasm] = await Promise.all([NativeDb.open({ threads: 2 }), openTestDb()]);
  });
  afterAll(async () => {
    await db.close();
    await wasm.close();
  });

  it('reports its kind, version and locked-down extension loading', async () => {
    expect(db.kind).toBe('native');
    expect(db.hasFileReaders).toBe(true);
    expect(db.version).toMatch(/^v1\.5\./);
    expect(
      await db.rows("SELECT current_setting('autoload_known_extensions') AS a, current_setting('autoinstall_known_extensions') AS b")
    ).toEqual([{ a: false, b: false }]);
  });

  it('returns rows with the same plain-JS values as the WASM backend', async () => {
    const native = await db.rows(TYPED);
    expect(native).toEqual([
      {
        n: 42,
        huge: '9007199254740993',
        d: 1.25,
        f: 0.1,
        day: '2025-12-31',
        ts: '2025-01-02T03:04:05.123Z',
        s: 'Müller',
        b: true,
        nothing: null,
        list: [1, 2],
        st: { x: '2024-02-29' }
      }
    ]);
    expect(native).toEqual(await wasm.rows(TYPED));
  });

  it('returns Arrow IPC that decodes to the same scalar values', async () => {
    const scalars = 'SELECT range AS i, range * 1.5 AS x, DATE \'2025-01-01\' + range::INTEGER AS day, range::VARCHAR AS s FROM range(3)';
    const decoded = ipcToRows(await db.arrow(scalars));
    expect(decoded).toEqual(await db.rows(scalars));
    expect(decoded[2]).toEqual({ i: 2, x: 3, day: '2025-01-03', s: '2' });
  });

  it('keeps duplicate column names in Arrow results', async () => {
    const ipc = await db.arrow('SELECT 1 AS a, 2 AS a');
    const { tableFromIPC } = await import('apache-arrow');
    expect(tableFromIPC(ipc).schema.fields.map((f) => f.name)).toEqual(['a', 'a']);
  });

  it('registers, reads and drops files in its private directory', async () => {
    const name = '../Kunden Übersicht*.csv';
    await db.registerBuffer(name, new TextEncoder().encode('a;b\n1;x\n'));
    const file = db.filePath(name);
    expect(path.dirname(file).startsWith(os.tmpdir())).toBe(true);
    expect(path.basename(file)).toBe(safeFileName(name));
    expect(await db.rows(`SELECT * FROM read_csv('${file.replaceAll("'", "''")}')`)).toEqual([{ a: 1, b: 'x' }]);
    expect(new TextDecoder().decode(await db.readFile(name))).toBe('a;b\n1;x\n');
    await db.dropFile(name);
    expect(existsSync(file)).toBe(false);
  });

  it('maps names to distinct safe file names', () => {
    const names = ['a/b', 'a%2Fb', '..', '.', 'x*?[y]', "it's"];
    const files = names.map(safeFileName);
    expect(new Set(files).size).toBe(names.length);
    for (const f of files) expect(f).toMatch(/^f-[A-Za-z0-9%._-]+$/);
  });

  it('lists the tables a query reads', async () => {
    expect(await db.tableNames('WITH x AS (SELECT 1) SELECT * FROM x, kunden k JOIN "Rev Nue" r ON true')).toEqual(['Rev Nue', 'kunden']);
  });

  it('raises classified EngineErrors', async () => {
    await expect(db.rows('SELECT nope FROM range(1)')).rejects.toMatchObject({ code: 'SQL_BIND' });
    await expect(db.exec('SELEC 1')).rejects.toMatchObject({ code: 'SQL_PARSE' });
  });

  it('interrupts a running query on cancel', async () => {
    const running = db.rows('SELECT count(*) FROM range(10000000000) a, range(1000) b').catch((e) => e);
    await new Promise((r) => setTimeout(r, 200));
    await db.cancel();
    const err = await running;
    expect(err).toMatchObject({ code: 'CANCELLED' });
    expect(await db.rows('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('writes the same CSV bytes as the WASM backend', async () => {
    const query = `SELECT * EXCLUDE (list, st), 1/3 AS third, 'a,"b' AS quoted FROM (${TYPED})`;
    const [native, web] = await Promise.all([exportCsv(db, { sql: query }), exportCsv(wasm, { sql: `${query};\n` })]);
    expect(native.rows).toBe(1);
    expect(Buffer.from(native.bytes).equals(Buffer.from(web.bytes))).toBe(true);
    expect(new TextDecoder().decode(native.bytes)).toBe(
      'n,huge,d,f,day,ts,s,b,nothing,third,quoted\n42,9007199254740993,1.25,0.1,2025-12-31,2025-01-02 03:04:05.123,Müller,true,,0.3333333333333333,"a,""b"\n'
    );
  });

  it('removes its directory on close', async () => {
    const other = await NativeDb.open({ threads: 1 });
    await other.registerBuffer('x.csv', new Uint8Array([1]));
    const dir = path.dirname(other.filePath('x.csv'));
    expect(existsSync(dir)).toBe(true);
    await other.close();
    expect(existsSync(dir)).toBe(false);
  });
});

describe('nodeFileSource', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'seglab-source-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads slices of a file on disk and exposes its absolute path', async () => {
    const file = path.join(dir, 'daten.csv');
    await writeFile(file, 'abcdefghij');
    const source = nodeFileSource(path.relative(process.cwd(), file));
    expect(source).toMatchObject({ name: 'daten.csv', size: 10, path: file });
    expect(new TextDecoder().decode(await source.read(2, 5))).toBe('cde');
    expect(new TextDecoder().decode(await source.read(8, 100))).toBe('ij');
    expect((await source.read(20, 30)).byteLength).toBe(0);
  });

  it('throws for a missing file', () => {
    expect(() => nodeFileSource(path.join(dir, 'fehlt.csv'))).toThrow(/ENOENT/);
  });
});

describe('seglab run on the bundled sample', () => {
  it('runs static/samples/retail.notebook.json with the native engine', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'seglab-sample-'));
    try {
      let stderr = '';
      const code = await main(['run', path.resolve(__dirname, '../../static/samples/retail.notebook.json'), '--engine', 'native', '--out', out], {
        stdout: () => undefined,
        stderr: (t) => (stderr += t)
      });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const report = JSON.parse(await readFile(path.join(out, 'run.json'), 'utf8'));
      expect(report.sources.map((s: { rows: number }) => s.rows)).toEqual([2000, 15000]);
      expect(report.cells.map((c: { id: string; rows: number | null }) => [c.id, c.rows])).toEqual([
        ['intro', null],
        ['revenue', 16],
        ['revenue_chart', 16],
        ['zeit', null],
        ['monthly', 36],
        ['monthly_chart', 36],
        ['stichtag', null],
        ['top', 20],
        ['channels', 6]
      ]);
      const revenue = (await readFile(path.join(out, 'revenue.csv'), 'utf8')).trim().split('\n');
      expect(revenue[0]).toBe('Bundesland,kunden,bestellungen,umsatz,umsatz_je_kunde');
      expect(revenue.slice(1).reduce((n, line) => n + Number(line.split(',')[2]), 0)).toBe(15000);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
