import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { abTestTable, abTestWarnings, compareMeans, compareProportions, holmAdjust, minimumDetectableEffect, type AbTestRow, type ArmSums } from '../../src/lib/analysis/abtest';
import type { Engine } from '../../src/lib/engine/engine';
import { abTestColumns, abTestResultQuery, abTestStatsQuery, type AbStatsRow, type AbTestStatsConfig } from '../../src/lib/sql/abtest';
import { dataset } from './helpers/datasets';
import { file, openTestEngine } from './helpers/db';

/** Sums of raw values, as the statistics query returns them (shift 0). */
function sums(values: number[]): ArmSums {
  return { n: values.length, sum: values.reduce((s, v) => s + v, 0), sumSq: values.reduce((s, v) => s + v * v, 0) };
}

describe('compareProportions', () => {
  it('gives the unpooled Wald interval and the pooled z test of 30/100 against 20/100 (hand-checked)', () => {
    // Wald: 0.1 ± 1.959964 · √(0.3·0.7/100 + 0.2·0.8/100) = 0.1 ± 1.959964 · 0.0608276;
    // pooled: p̄ = 0.25, z = 0.1 / √(0.25·0.75·0.02) = 1.6329932, p = erfc(z/√2) = 0.1024704.
    const c = compareProportions(30, 100, 20, 100)!;
    expect(c.difference).toBeCloseTo(0.1, 15);
    expect(c.relative).toBeCloseTo(0.5, 15);
    expect(c.low).toBeCloseTo(-0.0192199548589424, 12);
    expect(c.high).toBeCloseTo(0.2192199548589424, 12);
    expect(c.statistic).toBeCloseTo(1.6329931618554523, 12);
    expect(c.p).toBeCloseTo(0.10247043485974938, 12);
  });

  it('is null for an empty arm and has p = 1 when both arms convert nobody', () => {
    expect(compareProportions(0, 0, 3, 10)).toBeNull();
    const none = compareProportions(0, 10, 0, 12)!;
    expect([none.difference, none.low, none.high, none.p, none.relative]).toEqual([0, 0, 0, 1, null]);
  });
});

describe('compareMeans', () => {
  it("gives Welch's t, degrees of freedom, p and interval of [1,2,3,4] against [2,4,6,8,10] (hand-checked)", () => {
    // s² = 5/3 and 10; se = √(5/12 + 2) = 1.5545632; t = −3.5 / se = −2.2514363;
    // df = (29/12)² / ((5/12)²/3 + 2²/4) = 5.5207877; SciPy's ttest_ind(equal_var=False): p = 0.0691336.
    const c = compareMeans(sums([1, 2, 3, 4]), sums([2, 4, 6, 8, 10]))!;
    expect(c.difference).toBe(-3.5);
    expect(c.statistic).toBeCloseTo(-2.2514363231593695, 12);
    expect(c.df).toBeCloseTo(5.520787746170677, 12);
    expect(c.p).toBeCloseTo(0.06913359319239236, 10);
    expect(c.high - c.difference).toBeCloseTo(c.difference - c.low, 12);
    expect(c.relative).toBeCloseTo(-3.5 / 6, 15);
  });

  it('reads sums taken about a shift like plain sums', () => {
    const shifted = (values: number[], c: number): ArmSums => ({ ...sums(values.map((v) => v - c)), shift: c });
    const a = [1e6 + 0.1, 1e6 + 0.4, 1e6 + 0.2];
    const b = [1e6 + 0.3, 1e6 + 0.9, 1e6 + 0.6, 1e6 + 0.7];
    const plain = compareMeans(sums(a.map((v) => v - 1e6)), sums(b.map((v) => v - 1e6)))!;
    const about = compareMeans(shifted(a, 1e6), shifted(b, 1e6))!;
    // The plain sums lose the last digits subtracting 1e6 from each value; the shifted ones do not.
    expect(about.p).toBeCloseTo(plain.p!, 9);
    expect(about.difference).toBeCloseTo(plain.difference, 9);
  });

  it('needs two rows per arm, and has no test without any spread', () => {
    expect(compareMeans(sums([1]), sums([1, 2]))).toBeNull();
    const flat = compareMeans(sums([3, 3]), sums([2, 2, 2]))!;
    expect([flat.difference, flat.low, flat.high, flat.p, flat.statistic]).toEqual([1, 1, 1, null, null]);
  });
});

describe('holmAdjust', () => {
  it('steps down over the sorted p-values and keeps them monotone (hand-checked)', () => {
    // Sorted 0.005, 0.01, 0.03, 0.04 → 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06, max(0.06, 1·0.04) = 0.06.
    expect(holmAdjust([0.01, 0.04, 0.03, 0.005]).map((p) => p && Math.round(p * 1e12) / 1e12)).toEqual([0.03, 0.06, 0.06, 0.02]);
  });

  it('leaves missing tests out of the family and caps at 1', () => {
    expect(holmAdjust([0.5, null, 0.2])).toEqual([0.5, null, 0.4]);
    expect(holmAdjust([0.9, 0.8])).toEqual([1, 1]);
    expect(holmAdjust([0.03])).toEqual([0.03]);
  });
});

describe('minimumDetectableEffect', () => {
  it('is (z₀.₉₇₅ + z₀.₈) times the standard error (hand-checked)', () => {
    // z₀.₉₇₅ = 1.959964, z₀.₈ = 0.841621; binary, p₀ = 0.2, n = 100 each: √(0.16 · 0.02) = 0.0565685.
    expect(minimumDetectableEffect('binary', sums(Array(100).fill(0)), { n: 100, sum: 20, sumSq: 20 })).toBeCloseTo((1.959963984540054 + 0.8416212335729143) * 0.0565685424949238, 12);
    expect(minimumDetectableEffect('numeric', sums([1]), sums([1, 2]))).toBeNull();
  });
});

describe('abTestWarnings', () => {
  const arm = (n: number, x: number): ArmSums => ({ n, sum: x, sumSq: x });
  it('flags small arms, few expected events and an effect smaller than the MDE', () => {
    const variant = arm(20, 4);
    const control = arm(25, 2);
    const comparison = compareProportions(4, 20, 2, 25);
    const mde = minimumDetectableEffect('binary', variant, control);
    expect(abTestWarnings({ metric: 'binary', variant, control, comparison, mde, minSize: 50 })).toEqual(['small_sample', 'normal_approximation', 'underpowered']);
  });

  it('says nothing about a large, clearly different test', () => {
    const variant = arm(5000, 1500);
    const control = arm(5000, 1000);
    const comparison = compareProportions(1500, 5000, 1000, 5000);
    const mde = minimumDetectableEffect('binary', variant, control);
    expect(abTestWarnings({ metric: 'binary', variant, control, comparison, mde, minSize: 50 })).toEqual([]);
  });
});

describe('abTestTable', () => {
  it('puts the overall group first, the control before the variants, and adjusts the two families apart', () => {
    const g = (segment: string | null, arm: string, n: number, x: number) => ({ segment, arm, sums: { n, sum: x, sumSq: x } });
    const rows = abTestTable([g('b', 'B', 100, 30), g('b', 'A', 100, 20), g('a', 'A', 80, 10), g('a', 'B', 80, 12), g(null, 'A', 180, 30), g(null, 'B', 180, 42)], {
      metric: 'binary',
      control: 'A',
      minSize: 50
    });
    expect(rows.map((r) => `${r.segment}/${r.arm}${r.control ? '*' : ''}`)).toEqual(['null/A*', 'null/B', 'b/A*', 'b/B', 'a/A*', 'a/B']);
    const overall = rows[1];
    expect(overall.pHolm).toBe(overall.p);
    const [pb, pa] = [rows[3].p!, rows[5].p!];
    expect(pb).toBeLessThan(pa);
    expect([rows[3].pHolm, rows[5].pHolm]).toEqual([Math.min(1, 2 * pb), Math.max(Math.min(1, 2 * pb), pa)]);
  });

  it('keeps a group without a control as variants without a comparison', () => {
    const rows = abTestTable([{ segment: 's', arm: 'B', sums: { n: 10, sum: 2, sumSq: 2 } }], { metric: 'binary', control: 'A', minSize: 5 });
    expect(rows).toHaveLength(1);
    expect([rows[0].difference, rows[0].p, rows[0].warnings]).toEqual([null, null, ['small_sample']]);
  });
});

interface Reference {
  segment: string | null;
  arm: string;
  n: number;
  value: number;
  difference?: number;
  relative?: number;
  low?: number;
  high?: number;
  p?: number;
  p_holm?: number;
  mde?: number;
}

const fixture = JSON.parse(readFileSync(path.resolve(__dirname, '../fixtures/reference/abtest.json'), 'utf8')) as { cases: { name: string; metric: 'binary' | 'numeric'; rows: Reference[] }[] };

/** The tolerance of every interval bound, p-value, MDE and difference against SciPy. */
const TOLERANCE = 1e-9;

describe('A/B test read-out against SciPy (scripts/reference/abtest_reference.py)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
    await engine.load(file('kampagne_test.csv', readFileSync(path.resolve(__dirname, '../../static/samples/kampagne_test.csv'))), { table: 'kampagne' });
    // The loader reads Yes / No as BOOLEAN; the reference compares the text.
    const csv = { columnTypes: { PaperlessBilling: 'VARCHAR', Churn: 'VARCHAR' } };
    await engine.load(file('telco.csv', readFileSync(dataset('telco/Telco-Customer-Churn.csv'))), { table: 'telco', csv });
  }, 60_000);

  const configs: Record<string, AbTestStatsConfig & { control: string }> = {
    'campaign-converted': { table: 'kampagne', arm: 'Gruppe', control: 'Kontrolle', outcome: 'konvertiert', metric: 'binary', segments: { kind: 'column', column: 'Segment' } },
    'campaign-revenue': { table: 'kampagne', arm: 'Gruppe', control: 'Kontrolle', outcome: 'Umsatz', metric: 'numeric', segments: { kind: 'column', column: 'Segment' } },
    'telco-churn': { table: 'telco', arm: 'PaperlessBilling', control: 'No', outcome: 'Churn', metric: 'binary', positive: 'Yes', segments: { kind: 'column', column: 'Contract' } },
    'telco-monthly': { table: 'telco', arm: 'PaperlessBilling', control: 'No', outcome: 'MonthlyCharges', metric: 'numeric', segments: { kind: 'column', column: 'Contract' } }
  };

  for (const c of fixture.cases) {
    it(`matches ${c.name} to ${TOLERANCE} (counts exactly)`, async () => {
      const config = configs[c.name];
      const stats = await engine.db.rows<AbStatsRow>(String(abTestStatsQuery(config)));
      const rows = abTestTable(
        stats.map((r) => ({ segment: r.overall ? null : r.segment, arm: r.arm, sums: { n: r.n, sum: r.total, sumSq: r.total_sq, shift: r.shift } })),
        { metric: c.metric, control: config.control, minSize: 50 }
      );
      expect(rows.map((r) => [r.segment, r.arm, r.n])).toEqual(c.rows.map((r) => [r.segment, r.arm, r.n]));
      rows.forEach((row, i) => {
        const ref = c.rows[i];
        const at = `${ref.segment ?? 'overall'} / ${ref.arm}`;
        expect(Math.abs(row.value! - ref.value), `${at} value`).toBeLessThan(TOLERANCE);
        if (ref.difference === undefined) return expect(row.control, at).toBe(true);
        const pairs: [keyof AbTestRow, number][] = [
          ['difference', ref.difference],
          ['relative', ref.relative!],
          ['low', ref.low!],
          ['high', ref.high!],
          ['p', ref.p!],
          ['pHolm', ref.p_holm!],
          ['mde', ref.mde!]
        ];
        for (const [field, expected] of pairs) expect(Math.abs((row[field] as number) - expected), `${at} ${field}: ${row[field]} vs ${expected}`).toBeLessThan(TOLERANCE);
      });
    });
  }
});

describe('abTestStatsQuery', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
    // Six units; u7 has no arm, u8 no outcome (both left out); u3 has no segment (overall only).
    await engine.db.exec(`CREATE TABLE t AS SELECT * FROM (VALUES
      ('u1', 'A', 'ja', 10.0, 'x'), ('u2', 'A', 'nein', 20.0, 'x'), ('u3', 'A', 'ja', 30.0, NULL),
      ('u4', 'B', 'ja', 5.0, 'x'), ('u5', 'B', 'ja', 15.0, 'y'), ('u6', 'B', 'nein', 'NaN'::DOUBLE, 'y'),
      ('u7', NULL, 'ja', 1.0, 'x'), ('u8', 'A', NULL, NULL, 'x')
    ) AS t(id, "Arm ""1""", conv, rev, seg)`);
    await engine.db.exec(`CREATE TABLE s AS SELECT * FROM (VALUES ('u1', 'S1'), ('u4', 'S1'), ('u4', 'S2'), ('u5', 'S2')) AS s(id, segment)`);
  }, 60_000);

  it('counts conversions per arm, over all rows and per segment column (hand-checked)', async () => {
    const rows = await engine.db.rows<AbStatsRow>(String(abTestStatsQuery({ table: 't', arm: 'Arm "1"', outcome: 'conv', metric: 'binary', positive: 'ja', segments: { kind: 'column', column: 'seg' } })));
    expect(rows.map((r) => [r.overall, r.segment, r.arm, r.n, r.total, r.total_sq, r.shift])).toEqual([
      [true, null, 'A', 3, 2, 2, 0],
      [true, null, 'B', 3, 2, 2, 0],
      [false, 'x', 'A', 2, 1, 1, 0],
      [false, 'x', 'B', 1, 1, 1, 0],
      [false, 'y', 'B', 2, 1, 1, 0]
    ]);
  });

  it('sums a numeric outcome about the mean, drops non-finite values and joins a segmentation by key', async () => {
    const rows = await engine.db.rows<AbStatsRow>(String(abTestStatsQuery({ table: 't', arm: 'Arm "1"', outcome: 'rev', metric: 'numeric', segments: { kind: 'table', table: 's', key: 'id' } })));
    // Finite revenues 10, 20, 30 (A) and 5, 15 (B): mean 16; u4 is in S1 and S2.
    expect(rows.map((r) => [r.overall, r.segment, r.arm, r.n, r.total + r.n * r.shift, r.shift])).toEqual([
      [true, null, 'A', 3, 60, 16],
      [true, null, 'B', 2, 20, 16],
      [false, 'S1', 'A', 1, 10, 16],
      [false, 'S1', 'B', 1, 5, 16],
      [false, 'S2', 'B', 2, 20, 16]
    ]);
    expect(rows[0].total_sq).toBeCloseTo(36 + 16 + 196, 9);
  });

  it('reads true or a non-zero number as converted without a positive value', async () => {
    await engine.db.exec(`CREATE TABLE b AS SELECT * FROM (VALUES ('A', TRUE), ('A', FALSE), ('B', TRUE)) AS b(arm, ok)`);
    const rows = await engine.db.rows<AbStatsRow>(String(abTestStatsQuery({ table: 'b', arm: 'arm', outcome: 'ok', metric: 'binary' })));
    expect(rows.map((r) => [r.arm, r.n, r.total])).toEqual([
      ['A', 2, 1],
      ['B', 1, 1]
    ]);
  });
});

describe('abTestResultQuery', () => {
  it('writes the rows in order with the metric’s columns, rounded to 10 significant digits', async () => {
    const engine = await openTestEngine();
    const rows = abTestTable(
      [
        { segment: null, arm: 'A', sums: { n: 100, sum: 20, sumSq: 20 } },
        { segment: null, arm: 'B', sums: { n: 100, sum: 30, sumSq: 30 } }
      ],
      { metric: 'binary', control: 'A', minSize: 200 }
    );
    const out = await engine.db.rows<Record<string, unknown>>(String(abTestResultQuery(rows, 'binary', 'Gesamt')));
    const columns = (await engine.db.rows<{ column_name: string }>(`DESCRIBE ${abTestResultQuery(rows, 'binary', 'Gesamt')}`)).map((c) => c.column_name);
    expect(columns).toEqual(abTestColumns('binary'));
    expect(out[0]).toMatchObject({ segment: 'Gesamt', arm: 'A', n: 100, conversions: 20, rate: 0.2, difference: null, warning: null });
    expect(out[1]).toMatchObject({ segment: 'Gesamt', arm: 'B', n: 100, conversions: 30, rate: 0.3, difference: 0.1, warning: 'small_sample,underpowered' });
    expect(out[1].p).toBe(Number(rows[1].p!.toPrecision(10)));
    expect(out[1].ci_low).toBe(Number(rows[1].low!.toPrecision(10)));
  }, 60_000);
});
