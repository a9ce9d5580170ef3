import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/engine/db';
import {
  featureStatsQuery,
  normaliseFeatures,
  parseFeatureStats,
  preparedQuery,
  type CategoricalFeatureStats,
  type ClusterFeature,
  type NumericFeatureStats
} from '../../src/lib/sql/cluster-prepare';
import { ident, lit, sql } from '../../src/lib/sql/quote';
import { openTestDb } from './helpers/db';

/**
 * Six customers with awkward names. `Umsatz "€"` (x) has one NULL, `Stadt/Größe` (c) is
 * categorical with a tie (two of each of two levels) and one NULL, `Ausgaben` (s) is skewed spend
 * with one NULL.
 */
const TABLE = `Kunden's "Tabelle"`;
const KEY = 'Kunden Nr';
const X = 'Umsatz "€"';
const C = 'Stadt/Größe';
const S = 'Ausgaben';
const ROWS: [string, number | null, string | null, number | null][] = [
  ['a', 1, `zä`, 0],
  ['b', 2, `y "q"`, 9],
  ['c', 3, `x'`, 99],
  ['d', 4, `zä`, null],
  ['e', null, `y "q"`, 999],
  ['f', 10, null, 4]
];

function meanOf(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function popSd(xs: number[]): number {
  const m = meanOf(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
}

/** Linear-interpolation quantile (numpy's default), as in the hand calculations. */
function quantile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
}

describe('cluster feature preparation SQL', () => {
  let db: Db;

  beforeAll(async () => {
    db = await openTestDb();
    const values = ROWS.map(([k, x, c, s]) => sql`(${lit(k)}, ${lit(x)}, ${lit(c)}, ${lit(s)})`);
    await db.exec(
      String(
        sql`CREATE TABLE ${ident(TABLE)} AS SELECT * FROM (VALUES ${values}) AS t(${ident(KEY)}, ${ident(X)}, ${ident(C)}, ${ident(S)})`
      )
    );
  });

  async function prepare(features: ClusterFeature[]) {
    const [row] = await db.rows(String(featureStatsQuery(TABLE, features)));
    const stats = parseFeatureStats(features, row);
    const { query, dims } = preparedQuery(TABLE, KEY, features, stats);
    const rows = await db.rows<Record<string, unknown>>(String(query));
    const column = (name: string) => rows.map((r) => r[name] as number);
    return { stats, dims, rows, column };
  }

  it('z-scores with the population sd after median imputation, and reports the imputed share', async () => {
    const { stats, column, rows } = await prepare([{ column: X, prep: 'z' }]);
    const s = stats.features[0] as NumericFeatureStats;
    expect(rows.map((r) => r.key)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(stats.rows).toBe(6);
    expect(s).toMatchObject({ missing: 1, impute: 'median', median: 3, q1: 2, q3: 4, iqr: 2, mode: null, min: 1, max: 10, fill: 3 });
    expect(s.missingShare).toBeCloseTo(1 / 6, 15);
    expect(s.mean).toBeCloseTo(4, 12);
    expect(s.sd).toBeCloseTo(popSd([1, 2, 3, 4, 10]), 12);
    const filled = [1, 2, 3, 4, 3, 10];
    const expected = filled.map((x) => (x - meanOf(filled)) / popSd(filled));
    column('f0').forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
  });

  it('robust-scales by median and IQR of the imputed values', async () => {
    const { stats, column } = await prepare([{ column: X, prep: 'robust' }]);
    const filled = [1, 2, 3, 4, 3, 10];
    // Sorted 1 2 3 3 4 10: median 3, quartiles 2.25 and 3.75 (linear interpolation), IQR 1.5.
    expect(quantile(filled, 0.25)).toBe(2.25);
    expect(stats.features[0]).toMatchObject({ center: 3, scale: 1.5 });
    column('f0').forEach((v, i) => expect(v).toBeCloseTo((filled[i] - 3) / 1.5, 12));
  });

  it('takes ln(1 + x) before z-scoring, and imputes the raw median first', async () => {
    const { stats, column } = await prepare([{ column: S, prep: 'log1p_z' }]);
    const s = stats.features[0] as NumericFeatureStats;
    expect(s.fill).toBe(9);
    const logs = [0, 9, 99, 9, 999, 4].map(Math.log1p);
    expect(s.center).toBeCloseTo(meanOf(logs), 12);
    expect(s.scale).toBeCloseTo(popSd(logs), 12);
    column('f0').forEach((v, i) => expect(v).toBeCloseTo((logs[i] - meanOf(logs)) / popSd(logs), 12));
  });

  it('imputes the mean or the mode (smallest on a tie) when asked, and leaves `none` unscaled', async () => {
    const { stats, column } = await prepare([
      { column: X, prep: 'none', impute: 'mean' },
      { column: X, prep: 'none', impute: 'mode' }
    ]);
    expect(stats.features.map((f) => f.fill)).toEqual([4, 1]);
    expect(stats.features.map((f) => f.mode)).toEqual([null, 1]);
    expect(column('f0')).toEqual([1, 2, 3, 4, 4, 10]);
    expect(column('f1')).toEqual([1, 2, 3, 4, 1, 10]);
  });

  it('one-hot encodes the top levels (ties by value) plus other, NULL as the mode', async () => {
    const { stats, dims, column } = await prepare([{ column: C, prep: 'onehot', top: 1 }]);
    const s = stats.features[0] as CategoricalFeatureStats;
    // y "q" and zä both occur twice: the tie goes to the smaller value, y "q".
    expect(s).toMatchObject({ distinct: 3, mode: 'y "q"', fill: 'y "q"', missing: 1, otherCount: 3, levels: [{ value: 'y "q"', count: 2 }] });
    expect(dims.map((d) => [d.name, d.level, d.other])).toEqual([
      ['f0', 'y "q"', false],
      ['f1', null, true]
    ]);
    expect(column('f0')).toEqual([0, 1, 0, 0, 1, 1]);
    expect(column('f1')).toEqual([1, 0, 1, 1, 0, 0]);
  });

  it('drops the other column when the top levels cover every level', async () => {
    const { dims, column } = await prepare([{ column: C, prep: 'onehot' }]);
    expect(dims.map((d) => d.level)).toEqual(['y "q"', 'zä', "x'"]);
    expect(column('f0')).toEqual([0, 1, 0, 0, 1, 1]);
    expect(column('f1')).toEqual([1, 0, 0, 1, 0, 0]);
    expect(column('f2')).toEqual([0, 0, 1, 0, 0, 0]);
  });

  it('multiplies every column of a feature by √weight, so squared distances scale by the weight', async () => {
    const plain = await prepare([{ column: X, prep: 'z' }, { column: C, prep: 'onehot', top: 1 }]);
    const weighted = await prepare([{ column: X, prep: 'z', weight: 4 }, { column: C, prep: 'onehot', top: 1, weight: 9 }]);
    weighted.column('f0').forEach((v, i) => expect(v).toBeCloseTo(2 * plain.column('f0')[i], 12));
    expect(weighted.column('f1')).toEqual(plain.column('f1').map((v) => 3 * v));
    expect(weighted.column('f2')).toEqual(plain.column('f2').map((v) => 3 * v));
    expect(weighted.dims[0].description).toContain('weight 4');
  });

  it('describes each dimension in words, with the imputed share', async () => {
    const { dims } = await prepare([{ column: S, prep: 'log1p_z' }]);
    expect(dims[0].description).toMatch(/^ln\(1 \+ Ausgaben\), z-scored \(mean [\d.]+, sd [\d.]+\); 1 missing \(16\.7 %\) filled with the median 9$/);
  });

  it('quotes hostile table, key, column and level names', async () => {
    const hostile = `x"; DROP TABLE t; --`;
    await db.exec(String(sql`CREATE TABLE ${ident(hostile)} AS SELECT 1 AS ${ident(hostile)}, ${lit("it's")} AS ${ident(`l'evel`)} UNION ALL SELECT 2, ${lit('b')}`));
    const features: ClusterFeature[] = [{ column: hostile, prep: 'z' }, { column: `l'evel`, prep: 'onehot' }];
    const [row] = await db.rows(String(featureStatsQuery(hostile, features)));
    const stats = parseFeatureStats(features, row);
    const rows = await db.rows<Record<string, number>>(String(preparedQuery(hostile, hostile, features, stats).query));
    expect(rows).toEqual([
      { key: 1, f0: -1, f1: 0, f2: 1 },
      { key: 2, f0: 1, f1: 1, f2: 0 }
    ]);
  });

  it('replaces a zero spread by 1 as scikit-learn does', async () => {
    await db.exec(`CREATE TABLE flat AS SELECT range AS id, 5.0 AS v FROM range(4)`);
    const features: ClusterFeature[] = [{ column: 'v', prep: 'z' }, { column: 'v', prep: 'robust' }];
    const [row] = await db.rows(String(featureStatsQuery('flat', features)));
    const stats = parseFeatureStats(features, row);
    expect(stats.features.map((f) => (f as NumericFeatureStats).scale)).toEqual([1, 1]);
    const rows = await db.rows<Record<string, number>>(String(preparedQuery('flat', 'id', features, stats).query));
    expect(rows.every((r) => r.f0 === 0 && r.f1 === 0)).toBe(true);
  });

  it('refuses log1p on values ≤ −1 and features without any value', async () => {
    await db.exec(`CREATE TABLE bad AS SELECT * FROM (VALUES (1, -1.0, NULL::DOUBLE), (2, 3.0, NULL)) t(id, neg, empty)`);
    const [row] = await db.rows(String(featureStatsQuery('bad', [{ column: 'neg', prep: 'log1p_z' }])));
    expect(() => parseFeatureStats([{ column: 'neg', prep: 'log1p_z' }], row)).toThrow(/ln\(1 \+ x\) is undefined/);
    const empty: ClusterFeature[] = [{ column: 'empty', prep: 'z' }];
    const [row2] = await db.rows(String(featureStatsQuery('bad', empty)));
    expect(() => preparedQuery('bad', 'id', empty, parseFeatureStats(empty, row2))).toThrow(/has no values/);
  });
});

describe('normaliseFeatures', () => {
  it('fills the defaults', () => {
    expect(normaliseFeatures([{ column: 'a', prep: 'z' }, { column: 'b', prep: 'onehot' }])).toEqual([
      { column: 'a', prep: 'z', weight: 1, top: 8, impute: 'median' },
      { column: 'b', prep: 'onehot', weight: 1, top: 8, impute: 'mode' }
    ]);
  });

  it('rejects empty lists, bad weights and levels, and a median for a categorical', () => {
    expect(() => normaliseFeatures([])).toThrow(/at least one feature/);
    expect(() => normaliseFeatures([{ column: 'a', prep: 'z', weight: 0 }])).toThrow(/weight/);
    expect(() => normaliseFeatures([{ column: 'a', prep: 'z', weight: Number.NaN }])).toThrow(/weight/);
    expect(() => normaliseFeatures([{ column: 'a', prep: 'onehot', top: 0 }])).toThrow(/levels/);
    expect(() => normaliseFeatures([{ column: 'a', prep: 'onehot', impute: 'median' }])).toThrow(/mode/);
  });
});
