import { Bool, Float64, Table, Uint16, Utf8, makeData, makeVector, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/engine/db';
import { NativeDb } from '../../src/lib/engine/db-native';
import { openTestDb } from './helpers/db';

/** 5,000 rows (more than two native data chunks of 2,048) of every supported kind, with nulls. */
function columns(): Table {
  const n = 5000;
  const ints = Int32Array.from({ length: n }, (_, i) => i * 7 - 3);
  const big = BigInt64Array.from({ length: n }, (_, i) => 9007199254740993n + BigInt(i));
  const doubles = Float64Array.from({ length: n }, (_, i) => (i % 11 === 0 ? NaN : 0.1 * i - 1e-300));
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  doubles.forEach((x, i) => (Number.isNaN(x) ? nulls++ : (bitmap[i >> 3] |= 1 << (i & 7))));
  const text = Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : `Kundin ${i} «Müller» 'x' "y" ${'ä'.repeat(i % 5)}`));
  return new Table({
    i: makeVector(ints),
    big: makeVector(big),
    x: makeVector(makeData({ type: new Float64(), length: n, nullCount: nulls, nullBitmap: bitmap, data: doubles })),
    s: vectorFromArray(text, new Utf8()),
    u: vectorFromArray(Array.from({ length: n }, (_, i) => i % 65536), new Uint16()),
    b: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 17 === 0 ? null : i % 2 === 0)), new Bool())
  });
}

const READ = `SELECT i, big::VARCHAR AS big, x, s, u, b FROM t ORDER BY i`;

describe('Db.createTable', () => {
  let wasm: Db;
  let native: NativeDb;
  beforeAll(async () => {
    [wasm, native] = await Promise.all([openTestDb(), NativeDb.open({ threads: 2 })]);
  });
  afterAll(async () => {
    await wasm.close();
    await native.close();
  });

  it('creates the same table, types and values on DuckDB-WASM and native DuckDB', async () => {
    const data = columns();
    await wasm.createTable('t', data);
    await native.createTable('t', data);
    const types = `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position`;
    expect(await native.rows(types)).toEqual(await wasm.rows(types));
    expect((await native.rows<{ data_type: string }>(types)).map((r) => r.data_type)).toEqual(['INTEGER', 'BIGINT', 'DOUBLE', 'VARCHAR', 'USMALLINT', 'BOOLEAN']);
    const fromNative = await native.rows(READ);
    const fromWasm = await wasm.rows(READ);
    expect(fromNative).toHaveLength(5000);
    expect(fromNative).toEqual(fromWasm);
    expect(fromNative[1]).toMatchObject({ i: 4, big: '9007199254740994', x: 0.1 - 1e-300, s: `Kundin 1 «Müller» 'x' "y" ä`, u: 1, b: false });
    expect(fromNative[0]).toMatchObject({ x: null, s: null, b: null });
  });

  it('refuses a column type it cannot append on native DuckDB, naming the column', async () => {
    const dates = new Table({ when: vectorFromArray([new Date(0)]) });
    await expect(native.createTable('d', dates)).rejects.toThrow(/"when"/);
  });
});
