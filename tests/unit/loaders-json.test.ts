import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/lib/engine/engine';
import { EngineError } from '../../src/lib/engine/errors';
import { arrayChunks, ndjsonChunks } from '../../src/lib/engine/loaders/json-chunks';
import type { ByteSource } from '../../src/lib/engine/source';
import { file, openTestEngine } from './helpers/db';

const FIXTURES = path.resolve(__dirname, '../fixtures/json');

function fixture(name: string): ByteSource {
  return file(name, new Uint8Array(readFileSync(path.join(FIXTURES, name))));
}

async function collect(gen: AsyncGenerator<{ bytes: Uint8Array; firstLine: number }>): Promise<{ records: unknown[]; firstLine: number }[]> {
  const out = [];
  for await (const c of gen) out.push({ records: JSON.parse(new TextDecoder().decode(c.bytes)), firstLine: c.firstLine });
  return out;
}

describe('jsonLoader', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });

  it('loads an array of objects with the union of keys in file order', async () => {
    const info = await engine.load(fixture('customers.json'));
    expect(info).toMatchObject({ name: 'customers', format: 'json', rows: 4 });
    expect(info.columns.map((c) => c.name)).toEqual(['id', 'name', 'city', 'revenue', 'active', 'since', 'tags', 'address']);
    expect(info.columns.find((c) => c.name === 'address')).toMatchObject({ type: 'STRUCT(country VARCHAR, zip VARCHAR)', conversion: { key: 'convJsonStruct', text: 'nested object → STRUCT' } });
    expect(info.columns.find((c) => c.name === 'tags')).toMatchObject({ type: 'VARCHAR[]', conversion: { key: 'convJsonList', text: 'array → LIST' } });
    const rows = await engine.db.rows('SELECT id, name, city, revenue, active, tags, address FROM customers ORDER BY id');
    expect(rows).toEqual([
      { id: 1, name: 'Müller GmbH', city: 'München', revenue: 1234.56, active: true, tags: ['b2b', 'premium'], address: null },
      { id: 2, name: 'Schäfer & Söhne', city: 'Köln', revenue: 99.5, active: false, tags: [], address: null },
      { id: 3, name: 'Öko "Bio" Laden', city: 'Düsseldorf', revenue: null, active: true, tags: ['b2c'], address: null },
      { id: 4, name: 'Weiß KG', city: 'Straßburg', revenue: 0, active: true, tags: null, address: { country: 'FR', zip: '67000' } }
    ]);
  });

  it('inspects columns and rows from the first records', async () => {
    const est = await engine.inspect(fixture('customers.json'));
    expect(est).toMatchObject({ format: 'json', rows: 4, fits: true });
    expect(est.columns.slice(0, 5)).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'city', type: 'VARCHAR' },
      { name: 'revenue', type: 'DOUBLE' },
      { name: 'active', type: 'BOOLEAN' }
    ]);
  });

  it('names the line of invalid JSON', async () => {
    const err = await engine.load(fixture('bad.json')).catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'FILE_FORMAT', file: 'bad.json' });
    expect(err.message).toMatch(/^The JSON is not valid on line 3: /);
  });

  it('falls back to text for keys whose types differ between records', async () => {
    const text = JSON.stringify([{ x: 1, 'Straße ü': 'a', select: 2 }, { x: 'zwei', 'Straße ü': 'b', select: 3 }, { x: null, extra: { deep: [1] } }]);
    const info = await engine.load(file('mixed.json', text));
    expect(info.columns.map((c) => ({ ...c, conversion: c.conversion?.text }))).toEqual([
      { name: 'x', type: 'VARCHAR', conversion: 'mixed values → text' },
      { name: 'Straße ü', type: 'VARCHAR', conversion: undefined },
      { name: 'select', type: 'BIGINT', conversion: undefined },
      { name: 'extra', type: 'VARCHAR', conversion: 'nested object/array → JSON text' }
    ]);
    const rows = await engine.db.rows(`SELECT x, "Straße ü" AS s, "select" AS k, extra FROM ${info.name}`);
    expect(rows).toEqual([
      { x: '1', s: 'a', k: 2, extra: null },
      { x: 'zwei', s: 'b', k: 3, extra: null },
      { x: null, s: null, k: null, extra: '{"deep":[1]}' }
    ]);
  });

  it('merges chunks whose keys and types differ', async () => {
    const records = [];
    for (let i = 0; i < 3000; i++) records.push(i < 1500 ? { id: i, v: i } : { id: i, v: i + 0.5, late: `L${i}` });
    const text = JSON.stringify(records);
    const chunks = await collect(arrayChunks(file('x.json', text), 20_000));
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.flatMap((c) => c.records)).toEqual(records);
  });

  it('loads a single object and a list wrapped in an object, with a note', async () => {
    const wrapped = await engine.load(file('api.json', JSON.stringify({ total: 2, data: [{ a: 1 }, { a: 2, b: 'x' }] }, null, 2)));
    expect(wrapped.rows).toBe(2);
    expect(wrapped.warnings.map((w) => w.text)).toEqual(['The file is one JSON object; loaded the 2 records of its "data" list.']);
    const single = await engine.load(file('one.json', '{\n "a": 1, "b": {"c": [1, 2]}\n}'));
    expect(single.rows).toBe(1);
    expect(single.warnings.map((w) => w.text)[0]).toMatch(/single row/);
    const rows = await engine.db.rows(`SELECT * FROM ${single.name}`);
    expect(rows).toEqual([{ a: 1, b: '{"c":[1,2]}' }]);
  });

  it('refuses a scalar and an empty array clearly', async () => {
    const scalar = await engine.load(file('zahl.json', ' 42 ')).catch((e) => e);
    expect(scalar).toMatchObject({ code: 'FILE_FORMAT' });
    expect(scalar.message).toMatch(/single value, not records/);
    const empty = await engine.load(file('leer.json', '[ ]')).catch((e) => e);
    expect(empty).toMatchObject({ code: 'FILE_EMPTY' });
    const after = await engine.load(file('after.json', '[{"a":1}] {"b":2}')).catch((e) => e);
    expect(after).toMatchObject({ code: 'FILE_FORMAT' });
    expect(after.message).toMatch(/more text after its closing/);
    const open = await engine.load(file('open.json', '[{"a":1},\n{"a":2}')).catch((e) => e);
    expect(open.message).toMatch(/not closed/);
  });

  it('loads an array of scalars as a value column', async () => {
    const info = await engine.load(file('zahlen.json', '[1, 2.5, 3]'));
    expect(info.columns).toEqual([{ name: 'value', type: 'DOUBLE', conversion: undefined }]);
    expect(info.rows).toBe(3);
  });
});

describe('ndjsonLoader', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });

  it('loads NDJSON with keys that appear later', async () => {
    const info = await engine.load(fixture('events.ndjson'));
    expect(info).toMatchObject({ name: 'events', format: 'ndjson', rows: 50 });
    expect(info.columns.map((c) => `${c.name} ${c.type}`)).toEqual(['event_id INTEGER', 'customer_id INTEGER', 'type VARCHAR', 'amount DOUBLE', 'coupon VARCHAR']);
    const [agg] = await engine.db.rows(
      `SELECT count(coupon) AS coupons, sum(amount) AS amount, count(*) FILTER (type = 'buy') AS buys, max(coupon) AS maxc FROM events`
    );
    expect(agg).toEqual({ coupons: 5, amount: 1105, buys: 17, maxc: 'RABATT50' });
  });

  it('reads in chunks cut at line ends, with progress, columns and samples', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ n: i, g: `Gruppe ${i % 3}`, ...(i > 4000 ? { spät: true } : {}) }));
    const text = '\uFEFF' + lines.join('\r\n') + '\r\n\r\n';
    const chunks = await collect(ndjsonChunks(file('t.ndjson', text), 16_000));
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.flatMap((c) => c.records)).toHaveLength(5000);
    expect(chunks[1].firstLine).toBe(1 + (chunks[0].records as unknown[]).length);
    const progress: number[] = [];
    const info = await engine.load(file('viele.ndjson', text), { columns: ['n', 'spät'] }, (p) => progress.push(p.bytesRead));
    expect(info.rows).toBe(5000);
    expect(info.columns.map((c) => c.name)).toEqual(['n', 'spät']);
    const [agg] = await engine.db.rows(`SELECT sum(n) AS s, count("spät") AS late FROM ${info.name}`);
    expect(agg).toEqual({ s: 12497500, late: 999 });
    const sample = await engine.load(file('viele.ndjson', text), { sampleRows: 10 });
    expect(sample.rows).toBe(10);
    expect(sample.warnings.map((w) => w.text).join(' ')).toMatch(/first 10 records/);
  });

  it('widens types and adds keys when later chunks differ', async () => {
    const head = Array.from({ length: 800_000 }, (_, i) => `{"n":${100000 + i},"s":"a"}`);
    const tail = [`{"n":1.5,"s":7,"neu":"x"}`, `{"n":5000000000,"s":"b","neu":"y"}`];
    const info = await engine.load(file('wachsend.ndjson', [...head, ...tail].join('\n')));
    expect(info.rows).toBe(800_002);
    expect(info.columns.map((c) => `${c.name} ${c.type}`)).toEqual(['n DOUBLE', 's VARCHAR', 'neu VARCHAR']);
    const rows = await engine.db.rows(`SELECT n, s, neu FROM ${info.name} WHERE neu IS NOT NULL OR n = 100000 ORDER BY n`);
    expect(rows).toEqual([
      { n: 1.5, s: '7', neu: 'x' },
      { n: 100000, s: 'a', neu: null },
      { n: 5000000000, s: 'b', neu: 'y' }
    ]);
  }, 60_000);

  it('names the bad line of NDJSON', async () => {
    const text = '{"a":1}\n{"a":2}\n\n{"a":3,,}\n{"a":4}\n';
    const err = await engine.load(file('kaputt.ndjson', text)).catch((e) => e);
    expect(err).toMatchObject({ code: 'FILE_FORMAT' });
    expect(err.message).toMatch(/^The JSON is not valid on line 4: /);
  });

  it('cancels between chunks', async () => {
    const text = Array.from({ length: 900_000 }, (_, i) => `{"n":${100000 + i}}`).join('\n');
    const before = engine.tables().length;
    let calls = 0;
    const err = await engine.load(file('gross.ndjson', text), {}, () => void (++calls === 1 && engine.cancel())).catch((e) => e);
    expect(err).toMatchObject({ code: 'CANCELLED' });
    expect(calls).toBe(1);
    expect(engine.tables()).toHaveLength(before);
  });
});

describe('jsonLoader on native DuckDB', () => {
  it('reads JSON and NDJSON with read_json', async () => {
    const { NativeDb } = await import('../../src/lib/engine/db-native');
    const { nodeFileSource } = await import('../../src/lib/engine/source-node');
    const db = await NativeDb.open({ threads: 1 });
    try {
      const native = new Engine(db, 2 * 1024 ** 3);
      const customers = await native.load(nodeFileSource(path.join(FIXTURES, 'customers.json')), { columns: ['name', 'id'] });
      expect(customers.rows).toBe(4);
      expect(customers.columns.map((c) => c.name)).toEqual(['id', 'name']);
      const events = await native.load(fixture('events.ndjson'), { sampleRows: 20 });
      expect(events.rows).toBe(20);
      const [agg] = await db.rows<{ c: number }>(`SELECT count(coupon) AS c FROM ${events.name}`);
      expect(agg.c).toBe(2);
    } finally {
      await db.close();
    }
  });
});
