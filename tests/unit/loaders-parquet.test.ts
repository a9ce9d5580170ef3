import { existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/lib/engine/engine';
import { EngineError } from '../../src/lib/engine/errors';
import { pickRanges } from '../../src/lib/engine/loaders/parquet';
import type { ByteSource } from '../../src/lib/engine/source';
import { file, openTestEngine } from './helpers/db';
import { dataset } from './helpers/datasets';

const FIXTURES = path.resolve(__dirname, '../fixtures/parquet');
const RETAIL = dataset('online_retail/online_retail.parquet');

function fixture(name: string): ByteSource {
  return file(name, new Uint8Array(readFileSync(path.join(FIXTURES, name))));
}

/** A file read from disk slice by slice, as the browser reads a `File`; counts bytes read. */
function diskSource(p: string): ByteSource & { bytesRead: number } {
  const fd = openSync(p, 'r');
  const size = statSync(p).size;
  const src = {
    name: path.basename(p),
    size,
    bytesRead: 0,
    async read(start: number, end: number) {
      const len = Math.max(0, Math.min(end, size) - start);
      const buf = new Uint8Array(len);
      readSync(fd, buf, 0, len, start);
      src.bytesRead += len;
      return buf;
    }
  };
  return src;
}

describe('parquetLoader', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });

  it('inspects the footer: exact rows, columns and types', async () => {
    const est = await engine.inspect(fixture('small.parquet'));
    expect(est).toMatchObject({ format: 'parquet', rows: 1000, fits: true });
    expect(est.columns).toEqual([
      { name: 'InvoiceNo', type: 'VARCHAR' },
      { name: 'StockCode', type: 'VARCHAR' },
      { name: 'Description', type: 'VARCHAR' },
      { name: 'Quantity', type: 'BIGINT' },
      { name: 'InvoiceDate', type: 'TIMESTAMP' },
      { name: 'UnitPrice', type: 'DOUBLE' },
      { name: 'CustomerID', type: 'VARCHAR' },
      { name: 'Country', type: 'VARCHAR' }
    ]);
    expect(est.memoryBytes).toBeGreaterThan(1000 * 8 * 8);
  });

  it('loads a ZSTD file with exact values and types', async () => {
    const info = await engine.load(fixture('small.parquet'), { table: 'small' });
    expect(info.rows).toBe(1000);
    expect(info.columns.map((c) => c.type)).toEqual(['VARCHAR', 'VARCHAR', 'VARCHAR', 'BIGINT', 'TIMESTAMP', 'DOUBLE', 'VARCHAR', 'VARCHAR']);
    const [agg] = await engine.db.rows(
      `SELECT sum("Quantity") AS q, min("InvoiceNo") AS a, max("InvoiceNo") AS b, count(*) FILTER ("CustomerID" IS NULL) AS nul FROM small`
    );
    expect(agg).toEqual({ q: 12785, a: '536365', b: 'C536506', nul: 1 });
    const [first] = await engine.db.rows('SELECT * FROM small LIMIT 1');
    expect(first).toEqual({
      InvoiceNo: '536365',
      StockCode: '85123A',
      Description: 'WHITE HANGING HEART T-LIGHT HOLDER',
      Quantity: 6,
      InvoiceDate: '2010-12-01T08:26:00.000Z',
      UnitPrice: 2.55,
      CustomerID: '17850',
      Country: 'United Kingdom'
    });
    const [last] = await engine.db.rows('SELECT "StockCode", "UnitPrice" FROM small LIMIT 1 OFFSET 999');
    expect(last).toEqual({ StockCode: '21358', UnitPrice: 1.25 });
  });

  it('maps Parquet types and keeps awkward column names', async () => {
    const info = await engine.load(fixture('types.parquet'));
    expect(info.columns.map((c) => ({ ...c, conversion: c.conversion?.text }))).toEqual([
      { name: 'id', type: 'INTEGER', conversion: undefined },
      { name: 'Name mit Leerzeichen', type: 'VARCHAR', conversion: undefined },
      { name: 'Umsatz €', type: 'DOUBLE', conversion: 'DECIMAL(10,2) → DOUBLE' },
      { name: 'select', type: 'BOOLEAN', conversion: undefined },
      { name: 'Datum', type: 'DATE', conversion: undefined },
      { name: 'zeit', type: 'TIMESTAMP', conversion: undefined },
      { name: 'zeit_utc', type: 'TIMESTAMP', conversion: 'UTC timestamp → TIMESTAMP (UTC time)' },
      { name: 'groß', type: 'BIGINT', conversion: undefined },
      { name: 'quote"d', type: 'FLOAT', conversion: undefined },
      { name: 'nested', type: 'VARCHAR', conversion: 'nested STRUCT → JSON text' },
      { name: 'liste', type: 'VARCHAR', conversion: 'nested LIST → JSON text' }
    ]);
    const rows = await engine.db.rows(
      `SELECT "Umsatz €" AS u, "select" AS s, "Datum"::VARCHAR AS d, "zeit"::VARCHAR AS z, epoch("zeit_utc") AS utc, "groß" AS g, "quote""d" AS f, nested, liste FROM ${info.name} ORDER BY id LIMIT 3`
    );
    expect(rows).toEqual([
      { u: 1.25, s: false, d: '2025-01-02', z: '2025-01-01 08:01:00', utc: 1735722000, g: 1e12, f: 0.25, nested: '{"a":1,"b":"x1"}', liste: '[1,2]' },
      { u: 2.5, s: true, d: '2025-01-03', z: '2025-01-01 08:02:00', utc: 1735725600, g: 2e12, f: 0.5, nested: '{"a":2,"b":"x2"}', liste: '[2,3]' },
      { u: null, s: false, d: '2025-01-04', z: '2025-01-01 08:03:00', utc: 1735729200, g: 3e12, f: 0.75, nested: '{"a":3,"b":"x3"}', liste: '[3,4]' }
    ]);
  });

  it('loads only the chosen columns', async () => {
    const info = await engine.load(fixture('small.parquet'), { columns: ['Country', 'quantity'] });
    expect(info.columns.map((c) => c.name)).toEqual(['Quantity', 'Country']);
    expect(info.rows).toBe(1000);
  });

  it('refuses an unknown column by name', async () => {
    const err = await engine.load(fixture('small.parquet'), { columns: ['Nope'] }).catch((e) => e);
    expect(err).toMatchObject({ code: 'FILE_FORMAT' });
    expect(err.message).toContain('"Nope"');
  });

  it('loads row group by row group with progress', async () => {
    const seen: number[] = [];
    const info = await engine.load(fixture('groups.parquet'), {}, (p) => seen.push(p.rows));
    expect(info.rows).toBe(10000);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)).toBe(10000);
    const [agg] = await engine.db.rows(`SELECT sum(n) AS s, count(DISTINCT k) AS k, max(label) AS l FROM ${info.name}`);
    expect(agg).toEqual({ s: 49995000, k: 7, l: 'row 9999' });
  });

  it('samples from row groups spread over the file', async () => {
    const info = await engine.load(fixture('groups.parquet'), { sampleRows: 3000 });
    expect(info.rows).toBe(3000);
    expect(info.warnings.map((w) => w.text).join(' ')).toMatch(/sample of 3,000 of 10,000 rows/);
    const [agg] = await engine.db.rows<{ hi: number }>(`SELECT max(n) AS hi FROM ${info.name}`);
    expect(agg.hi).toBeGreaterThan(5000);
  });

  it('cancels between row groups', async () => {
    const before = engine.tables().length;
    let calls = 0;
    const err = await engine.load(fixture('groups.parquet'), {}, () => void (++calls === 1 && engine.cancel())).catch((e) => e);
    expect(err).toMatchObject({ code: 'CANCELLED' });
    expect(calls).toBe(1);
    expect(engine.tables()).toHaveLength(before);
    const staging = await engine.db.rows(`SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE '__seglab_loading_%'`);
    expect(staging).toEqual([{ n: 0 }]);
  });

  it('reports a truncated file as a damaged footer', async () => {
    const err = await engine.load(fixture('truncated.parquet')).catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'FILE_FORMAT', file: 'truncated.parquet', message: 'The Parquet footer is missing or damaged (file truncated?).' });
    const err2 = await engine.inspect(fixture('truncated.parquet')).catch((e) => e);
    expect(err2).toMatchObject({ code: 'FILE_FORMAT' });
  });

  it('reports corrupt column data inside an intact footer', async () => {
    const bytes = new Uint8Array(readFileSync(path.join(FIXTURES, 'small.parquet')));
    for (let i = 100; i < 4000; i++) bytes[i] = (bytes[i] * 31 + 7) & 0xff;
    const err = await engine.load(file('kaputt.parquet', bytes)).catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err.code).toBe('FILE_FORMAT');
    expect(err.message).toMatch(/damaged/);
  });

  it('splits samples over spread row groups', () => {
    const groups = [0, 1, 2, 3].map((g) => ({ rowStart: g * 100, rowEnd: g * 100 + 100 }));
    expect(pickRanges(groups, null, 400).ranges).toHaveLength(4);
    expect(pickRanges(groups, 50, 400).ranges).toEqual([{ group: 0, rowStart: 0, rowEnd: 50 }]);
    expect(pickRanges(groups, 150, 400).ranges).toEqual([
      { group: 0, rowStart: 0, rowEnd: 75 },
      { group: 2, rowStart: 200, rowEnd: 275 }
    ]);
  });

  it('takes the whole sample when row groups differ in size', () => {
    // A writer's last group is often short; the XL bench file lost 16,248 of a 50 M sample this way.
    const sizes = [100, 100, 100, 10, 100, 100, 100, 10];
    let start = 0;
    const groups = sizes.map((n) => ({ rowStart: start, rowEnd: (start += n) }));
    for (const sample of [150, 300, 500, 600, 619]) {
      const { ranges } = pickRanges(groups, sample, 620);
      expect(ranges.reduce((s, r) => s + r.rowEnd - r.rowStart, 0)).toBe(sample);
      for (const r of ranges) expect(r.rowEnd).toBeLessThanOrEqual(groups[r.group].rowEnd);
      expect(ranges.map((r) => r.group)).toEqual([...ranges.map((r) => r.group)].sort((a, b) => a - b));
    }
  });

  it.skipIf(!existsSync(RETAIL))('loads the online-retail data set exactly, reading it in slices', async () => {
    const src = diskSource(RETAIL);
    const est = await engine.inspect(src);
    expect(est.rows).toBe(541909);
    expect(src.bytesRead).toBeLessThan(80 * 1024);
    const started = performance.now();
    const info = await engine.load(src, { table: 'retail' });
    const ms = performance.now() - started;
    console.log(`online_retail.parquet: ${info.rows} rows in ${ms.toFixed(0)} ms (hyparquet → Arrow → DuckDB-WASM)`);
    expect(info.rows).toBe(541909);
    expect(info.columns.map((c) => `${c.name} ${c.type}`)).toEqual([
      'InvoiceNo VARCHAR',
      'StockCode VARCHAR',
      'Description VARCHAR',
      'Quantity BIGINT',
      'InvoiceDate TIMESTAMP',
      'UnitPrice DOUBLE',
      'CustomerID VARCHAR',
      'Country VARCHAR'
    ]);
    const [agg] = await engine.db.rows(`SELECT count(*) FILTER ("CustomerID" IS NULL) AS nul, count(*) FILTER ("CustomerID" = '') AS empty,
      count(*) FILTER ("InvoiceNo" LIKE 'C%') AS cancelled, sum("Quantity") AS q, round(sum("UnitPrice"), 2) AS p,
      min("InvoiceDate")::VARCHAR AS lo, max("InvoiceDate")::VARCHAR AS hi, count(DISTINCT "Country") AS countries FROM retail`);
    expect(agg).toEqual({
      nul: 135080,
      empty: 0,
      cancelled: 9288,
      q: 5176450,
      p: 2498803.97,
      lo: '2010-12-01 08:26:00',
      hi: '2011-12-09 12:50:00',
      countries: 38
    });
  }, 120_000);
});

describe('parquetLoader on native DuckDB', () => {
  it('reads the file with read_parquet, honouring columns and samples', async () => {
    const { NativeDb } = await import('../../src/lib/engine/db-native');
    const { nodeFileSource } = await import('../../src/lib/engine/source-node');
    const db = await NativeDb.open({ threads: 1 });
    try {
      const native = new Engine(db, 2 * 1024 ** 3);
      const info = await native.load(nodeFileSource(path.join(FIXTURES, 'small.parquet')), { columns: ['Quantity', 'InvoiceNo'], sampleRows: 600 });
      expect(info.rows).toBe(600);
      expect(info.columns.map((c) => `${c.name} ${c.type}`)).toEqual(['InvoiceNo VARCHAR', 'Quantity BIGINT']);
      const whole = await native.load(fixture('small.parquet'));
      const [agg] = await db.rows<{ q: number }>(`SELECT sum("Quantity") AS q FROM ${whole.name}`);
      expect(agg.q).toBe(12785);
    } finally {
      await db.close();
    }
  });
});
