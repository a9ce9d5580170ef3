import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/engine/db';
import { NativeDb } from '../../src/lib/engine/db-native';
import { arrowToParquet, exportParquet } from '../../src/lib/engine/export-parquet';
import { openTestDb } from './helpers/db';

const TYPED = `SELECT (i % 100)::TINYINT AS i8, i::SMALLINT AS i16, i::INTEGER AS i32,
  9007199254740993::BIGINT + i AS i64, (i * 3)::UINTEGER AS u32, i / 4 AS dbl, (i * 1.25)::FLOAT AS flt,
  (i * 1.5)::DECIMAL(12,2) AS dec, 'Kunde ' || i || ' Müller' AS name, i % 2 = 0 AS even,
  DATE '2024-02-28' + i::INTEGER AS day, TIMESTAMP '2025-01-02 03:04:05.123456' + to_hours(i) AS ts,
  to_timestamp(1751320800 + i * 60) AS tstz,
  CASE WHEN i % 3 = 0 THEN NULL ELSE i END AS maybe, CASE WHEN i % 5 = 0 THEN NULL ELSE 'v' || i END AS maybe_s
FROM range(2500) t(i)`;

const EXPECTED_TYPES = {
  i8: 'TINYINT',
  i16: 'SMALLINT',
  i32: 'INTEGER',
  i64: 'BIGINT',
  u32: 'UINTEGER',
  dbl: 'DOUBLE',
  flt: 'FLOAT',
  dec: 'DOUBLE',
  name: 'VARCHAR',
  even: 'BOOLEAN',
  day: 'DATE',
  ts: 'TIMESTAMP',
  tstz: 'TIMESTAMP WITH TIME ZONE',
  maybe: 'BIGINT',
  maybe_s: 'VARCHAR'
};

let wasm: Db;
let native: NativeDb;
beforeAll(async () => {
  [wasm, native] = await Promise.all([openTestDb(), NativeDb.open({ threads: 2 })]);
});
afterAll(async () => {
  await wasm.close();
  await native.close();
});

/** Registers Parquet bytes with native DuckDB and returns the SQL literal path to them. */
async function nativeFile(name: string, bytes: Uint8Array): Promise<string> {
  await native.registerBuffer(name, bytes);
  return `'${native.filePath(name).replaceAll("'", "''")}'`;
}

describe('exportParquet', () => {
  it('writes a query result that native DuckDB reads back with the same types and values', async () => {
    const bytes = await exportParquet(wasm, TYPED + ';\n');
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('PAR1');
    const file = await nativeFile('typed.parquet', bytes);
    const described = await native.rows<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM read_parquet(${file})`);
    expect(Object.fromEntries(described.map((d) => [d.column_name, d.column_type]))).toEqual(EXPECTED_TYPES);
    const original = `SELECT * REPLACE (dec::DOUBLE AS dec) FROM (${TYPED})`;
    const [diff] = await native.rows<{ missing: number; extra: number; n: number }>(
      `SELECT (SELECT count(*) FROM (${original} EXCEPT ALL SELECT * FROM read_parquet(${file}))) AS missing,
              (SELECT count(*) FROM (SELECT * FROM read_parquet(${file}) EXCEPT ALL ${original})) AS extra,
              (SELECT count(*) FROM read_parquet(${file})) AS n`
    );
    expect(diff).toEqual({ missing: 0, extra: 0, n: 2500 });
    const [nulls] = await native.rows<{ a: number; b: number }>(
      `SELECT count(*) FILTER (maybe IS NULL) AS a, count(*) FILTER (maybe_s IS NULL) AS b FROM read_parquet(${file})`
    );
    expect(nulls).toEqual({ a: 834, b: 500 });
  });

  it('writes row groups that hyparquet reads back value by value', async () => {
    const bytes = arrowToParquet(await wasm.arrow(TYPED), 1000);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const meta = parquetMetadata(buffer);
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([1000, 1000, 500]);
    expect(meta.schema.slice(1).map((s) => [s.name, s.type])).toEqual([
      ['i8', 'INT32'],
      ['i16', 'INT32'],
      ['i32', 'INT32'],
      ['i64', 'INT64'],
      ['u32', 'INT32'],
      ['dbl', 'DOUBLE'],
      ['flt', 'FLOAT'],
      ['dec', 'DOUBLE'],
      ['name', 'BYTE_ARRAY'],
      ['even', 'BOOLEAN'],
      ['day', 'INT32'],
      ['ts', 'INT64'],
      ['tstz', 'INT64'],
      ['maybe', 'INT64'],
      ['maybe_s', 'BYTE_ARRAY']
    ]);
    const rows = await parquetReadObjects({ file: buffer });
    expect(rows).toHaveLength(2500);
    const r = rows[1234];
    expect(r.i8).toBe(34);
    expect(r.i64).toBe(9007199254740993n + 1234n);
    expect(r.u32).toBe(3702);
    expect(r.dbl).toBe(1234 / 4);
    expect(r.flt).toBeCloseTo(1542.5, 3);
    expect(r.dec).toBe(1851);
    expect(r.name).toBe('Kunde 1234 Müller');
    expect(r.even).toBe(true);
    expect(r.day).toEqual(new Date(Date.UTC(2024, 1, 28 + 1234)));
    expect((r.ts as Date).toISOString()).toBe(new Date(Date.UTC(2025, 0, 2, 3 + 1234, 4, 5, 123)).toISOString());
    expect((r.tstz as Date).toISOString()).toBe(new Date(Date.UTC(2025, 5, 30, 22, 1234)).toISOString());
    expect(rows[1233].maybe).toBeNull();
    expect(rows[1235].maybe_s).toBeNull();
    expect(rows[1].day).toEqual(new Date(Date.UTC(2024, 1, 29)));
  });

  it('writes an empty result, repeated names and nested values as JSON text', async () => {
    const empty = arrowToParquet(await wasm.arrow('SELECT 1::INTEGER AS a, \'x\' AS b WHERE false'));
    const emptyFile = await nativeFile('empty.parquet', empty);
    expect(await native.rows(`SELECT count(*)::INTEGER AS n FROM read_parquet(${emptyFile})`)).toEqual([{ n: 0 }]);
    const odd = arrowToParquet(await wasm.arrow("SELECT 1 AS a, 2 AS a, [1, 2] AS list, {'k': 'v'} AS st"));
    const oddFile = await nativeFile('odd.parquet', odd);
    expect(await native.rows(`SELECT * FROM read_parquet(${oddFile})`)).toEqual([{ a: 1, a_2: 2, list: '[1,2]', st: '{"k":"v"}' }]);
  });
});
