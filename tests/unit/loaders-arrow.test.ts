import { Float64, Int32, makeVector, RecordBatchStreamWriter, Table, tableFromArrays, tableToIPC, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/lib/engine/engine';
import { EngineError } from '../../src/lib/engine/errors';
import type { ByteSource } from '../../src/lib/engine/source';
import { file, openTestEngine } from './helpers/db';

const FIXTURES = path.resolve(__dirname, '../fixtures/arrow');

function fixture(name: string): ByteSource {
  return file(name, new Uint8Array(readFileSync(path.join(FIXTURES, name))));
}

function manyBatches(): Uint8Array {
  const batches = [0, 1, 2, 3].map(
    (b) =>
      tableFromArrays({
        n: Int32Array.from({ length: 250 }, (_, i) => b * 250 + i),
        v: Float64Array.from({ length: 250 }, (_, i) => (b * 250 + i) / 2)
      }).batches[0]
  );
  return RecordBatchStreamWriter.writeAll(batches).toUint8Array(true);
}

describe('arrowLoader', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });

  it('loads the file format with exact values', async () => {
    const info = await engine.load(fixture('small.arrow'));
    expect(info).toMatchObject({ name: 'small', format: 'arrow', rows: 100 });
    expect(info.columns.map((c) => `${c.name} ${c.type}`)).toEqual(['id INTEGER', 'score DOUBLE', 'city VARCHAR']);
    const rows = await engine.db.rows('SELECT * FROM small WHERE id IN (1, 4, 100) ORDER BY id');
    expect(rows).toEqual([
      { id: 1, score: 0, city: 'Berlin' },
      { id: 4, score: 0.375, city: 'Straße 1' },
      { id: 100, score: 12.375, city: 'Straße 1' }
    ]);
  });

  it('loads the stream format batch by batch with progress', async () => {
    const seen: number[] = [];
    const info = await engine.load(file('batches.arrows', manyBatches()), {}, (p) => seen.push(p.rows));
    expect(info.rows).toBe(1000);
    expect(seen).toEqual([250, 500, 750, 1000, 1000]);
    const [agg] = await engine.db.rows(`SELECT sum(n) AS s, max(v) AS m FROM ${info.name}`);
    expect(agg).toEqual({ s: 499500, m: 499.5 });
  });

  it('reads the same table from stream and file fixtures', async () => {
    const a = await engine.load(fixture('small.arrows'), { table: 'from_stream' });
    expect(a.rows).toBe(100);
    const [diff] = await engine.db.rows('SELECT count(*) AS n FROM (SELECT * FROM small EXCEPT SELECT * FROM from_stream)');
    expect(diff).toEqual({ n: 0 });
  });

  it('inspects the schema without reading the batches', async () => {
    const est = await engine.inspect(fixture('small.arrow'));
    expect(est.format).toBe('arrow');
    expect(est.columns).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'score', type: 'DOUBLE' },
      { name: 'city', type: 'VARCHAR' }
    ]);
    expect(est.rows).toBeGreaterThan(0);
  });

  it('honours columns and sampleRows', async () => {
    const info = await engine.load(file('b.arrows', manyBatches()), { columns: ['v'], sampleRows: 300 });
    expect(info.rows).toBe(300);
    expect(info.columns.map((c) => c.name)).toEqual(['v']);
    expect(info.warnings.map((w) => w.text).join(' ')).toMatch(/first 300 rows/);
  });

  it('renames duplicate names and drops the time zone of timestamps', async () => {
    const fields = new Table({
      'a b': vectorFromArray(['x', 'y'], new Utf8()),
      ts: vectorFromArray([new Date('2025-03-01T10:00:00Z'), null], new TimestampMillisecond('Europe/Berlin'))
    });
    const dup = makeVector(Int32Array.of(7, 8));
    const renamed = fields.assign(new Table({ 'A B': dup, w: makeVector(Float64Array.of(1, 2)) }));
    const ipc = tableToIPC(renamed, 'stream');
    const info = await engine.load(file('dup.arrows', ipc));
    expect(info.columns.map((c) => ({ ...c, conversion: c.conversion?.text }))).toEqual([
      { name: 'a b', type: 'VARCHAR', conversion: undefined },
      { name: 'ts', type: 'TIMESTAMP', conversion: 'timestamp in Europe/Berlin → TIMESTAMP (UTC time)' },
      { name: 'A B_2', type: 'INTEGER', conversion: undefined },
      { name: 'w', type: 'DOUBLE', conversion: undefined }
    ]);
    const rows = await engine.db.rows(`SELECT ts::VARCHAR AS ts, "A B_2" AS d FROM ${info.name} ORDER BY d`);
    expect(rows).toEqual([
      { ts: '2025-03-01 10:00:00', d: 7 },
      { ts: null, d: 8 }
    ]);
    expect(new Int32().bitWidth).toBe(32);
    expect(new Float64().precision).toBe(2);
  });

  it('reports a truncated file clearly', async () => {
    const bytes = new Uint8Array(readFileSync(path.join(FIXTURES, 'small.arrow')));
    const err = await engine.load(file('cut.arrow', bytes.subarray(0, 400))).catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'FILE_FORMAT', file: 'cut.arrow' });
    expect(err.message).toMatch(/damaged/);
  });
});
