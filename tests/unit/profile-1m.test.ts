import { beforeAll, describe, expect, it } from 'vitest';
import type { ColumnProfile, TableProfile } from '../../src/lib/engine/api';
import type { Db } from '../../src/lib/engine/db';
import { profileTable } from '../../src/lib/engine/profile';
import { openTestDb } from './helpers/db';

const ROWS = 1_000_000;

describe('profileTable on 1M rows', () => {
  let db: Db;
  let profile: TableProfile;
  const col = (name: string): ColumnProfile => profile.columns.find((c) => c.name === name)!;
  const binTotal = (name: string) => col(name).bins.reduce((s, b) => s + b.count, 0);

  beforeAll(async () => {
    db = await openTestDb();
    await db.exec('SELECT setseed(0.42)');
    await db.exec(`CREATE TABLE big AS SELECT
        r AS id,
        random() * 1000 AS amount,
        (random() * 100)::INTEGER AS qty,
        'cat' || (r % 20) AS category,
        'Name ' || (r % 50000) AS "Kundenname",
        'user' || r || '@example.com' AS email,
        TIMESTAMP '2020-01-01' + to_seconds((random() * 1e8)::BIGINT) AS created,
        DATE '1950-01-01' + (random() * 20000)::INTEGER AS birth,
        random() < 0.3 AS flag,
        CASE WHEN r % 10 = 0 THEN NULL ELSE (random() * 100)::DECIMAL(10, 2) END AS price
      FROM range(${ROWS}) t(r)`);
    profile = await profileTable(db, 'big');
  });

  it('counts every row', () => {
    expect(profile.rows).toBe(ROWS);
  });

  it('counts every finite value into the histograms', () => {
    for (const name of ['id', 'amount', 'qty', 'created', 'birth']) expect(binTotal(name), name).toBe(ROWS);
    expect(binTotal('price')).toBe(ROWS * 0.9);
    expect(col('amount').bins.length).toBeGreaterThanOrEqual(10);
    expect(col('amount').bins.length).toBeLessThanOrEqual(21);
  });

  it('gets exact counts, extremes and means', () => {
    expect(col('id')).toMatchObject({ distinct: ROWS, min: 0, max: ROWS - 1, mean: (ROWS - 1) / 2, nullShare: 0 });
    expect(col('category')).toMatchObject({ distinct: 20, top: [{ value: 'cat0', count: 50_000 }, { value: 'cat1', count: 50_000 }, { value: 'cat10', count: 50_000 }, { value: 'cat11', count: 50_000 }, { value: 'cat12', count: 50_000 }] });
    expect(col('Kundenname').distinct).toBe(50_000);
    expect(col('price').nullShare).toBeCloseTo(0.1, 10);
    expect(col('flag').top.reduce((s, t) => s + t.count, 0)).toBe(ROWS);
    expect(col('qty')).toMatchObject({ min: 0, max: 100, distinct: 101 });
  });

  it('flags the personal columns', () => {
    expect(col('email').pii).toEqual({
      kind: 'email',
      evidence: 'column name "email" and 200 of 200 sampled values look like e-mail addresses',
      matched: 200,
      sampled: 200,
      example: 'u•••@•••.com'
    });
    expect(col('Kundenname').pii?.kind).toBe('name');
    expect(col('birth').pii).toMatchObject({ kind: 'birthdate', quasi: true });
    expect(col('category').pii).toBeUndefined();
  });
});
