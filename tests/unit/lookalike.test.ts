import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { evaluateRanking, histogram, rocAuc } from '../../src/lib/analysis/evaluation';
import { fitLogistic } from '../../src/lib/analysis/logistic';
import { centroidScores, knnScores, linearScores, type ScoringInput } from '../../src/lib/analysis/similarity';
import type { Engine } from '../../src/lib/engine/engine';
import { lookalikeCellQuery, lookalikeDetails } from '../../src/lib/engine/lookalike';
import { lookalikeTables } from '../../src/lib/notebook/graph';
import { lookalikeSegmentNames, type LookalikeCell, type Notebook } from '../../src/lib/notebook/model';
import { serializeNotebook } from '../../src/lib/notebook/serialize';
import { formatIssue, parseNotebook } from '../../src/lib/notebook/validate';
import { ident, sql } from '../../src/lib/sql/quote';
import { parseKeys } from '../../src/lib/ui/lookalike/keys';
import { openTestEngine } from './helpers/db';

const unit = { mean: Float64Array.of(0, 0), scale: Float64Array.of(1, 1) };

function input(rows: number[][]): ScoringInput {
  const d = rows[0].length;
  return { matrix: Float64Array.from(rows.flat()), n: rows.length, d, groups: Int32Array.from({ length: d }, (_, j) => j), features: d };
}

describe('rocAuc(scores, truth)', () => {
  it('counts the pairs a positive wins, ties half, and skips rows without a truth', () => {
    expect(rocAuc([0.9, 0.8, 0.7, 0.6, 5], [1, 0, 1, 0, -1])).toBe(0.75);
    expect(rocAuc([0.5, 0.5], [1, 0])).toBe(0.5);
    expect(rocAuc([0.5, 0.4], [1, 1])).toBeNull();
  });
});

describe('evaluateRanking(scores, truth)', () => {
  it('gives recall, gains, lift and where the positives land for a hand-checked ranking', () => {
    const scores = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    const truth = [1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    const e = evaluateRanking(scores, truth)!;
    expect([e.positives, e.negatives]).toEqual([2, 8]);
    expect(e.auc).toBe((8 + 6) / 16);
    expect(e.recall.map((r) => [r.share, r.rows, r.recall])).toEqual([
      [0.01, 1, 0.5],
      [0.05, 1, 0.5],
      [0.1, 1, 0.5],
      [0.2, 2, 0.5],
      [0.5, 5, 1]
    ]);
    expect(e.gains[1]).toEqual({ share: 0.05, gain: 0.5, lift: 10 });
    expect(e.gains[20]).toEqual({ share: 1, gain: 1, lift: 1 });
    expect(e.positiveRanks).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(e.roc[0]).toEqual({ fpr: 0, tpr: 0 });
    expect(e.roc.at(-1)).toEqual({ fpr: 1, tpr: 1 });
  });
});

describe('histogram(values, rows, bins)', () => {
  it('bins the chosen rows between their smallest and largest value', () => {
    expect(histogram([0, 1, 2, 3, 100], [0, 1, 2, 3], 3)).toEqual({ edges: [0, 1, 2, 3], counts: [1, 1, 2] });
  });
});

describe('centroidScores(input, centroid, scale, metric)', () => {
  it('gives the cosine to the centroid and the features that point the same way', () => {
    const r = centroidScores(input([[1, 1], [0, -1]]), Float64Array.of(1, 0), unit, 'cosine');
    expect(r.scores[0]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(r.scores[1]).toBe(0);
    expect(Array.from(r.top.subarray(0, 3))).toEqual([0, -1, -1]);
  });

  it('turns the standardised euclidean distance into 1 / (1 + rms distance) and lists the closest features first', () => {
    const r = centroidScores(input([[1, 1]]), Float64Array.of(1, 0), { mean: Float64Array.of(0, 0), scale: Float64Array.of(1, 2) }, 'euclidean');
    expect(r.scores[0]).toBeCloseTo(1 / (1 + Math.sqrt(0.25 / 2)), 15);
    expect(Array.from(r.top)).toEqual([0, 1, -1]);
  });
});

describe('knnScores(input, seeds, k, scale, metric)', () => {
  it('averages the similarities to the k most similar seeds', () => {
    const rows = input([[1, 0], [0, 1], [1, 1], [2, 0]]);
    const seeds = Int32Array.of(0, 1);
    const k1 = knnScores(rows, seeds, 1, unit, 'cosine');
    expect(Array.from(k1.scores).map((x) => Number(x.toFixed(12)))).toEqual([1, 1, Number(Math.SQRT1_2.toFixed(12)), 1]);
    expect(Array.from(k1.top.subarray(6, 9))).toEqual([0, -1, -1]);
    const k2 = knnScores(rows, seeds, 2, unit, 'euclidean');
    expect(k2.scores[3]).toBeCloseTo((1 / (1 + Math.sqrt(1 / 2)) + 1 / (1 + Math.sqrt(5 / 2))) / 2, 15);
  });
});

describe('linearScores(input, intercept, coefficients)', () => {
  it('gives σ(β₀ + x·β) and lists the features with a positive βⱼxⱼ', () => {
    const r = linearScores(input([[2, 1]]), 0, Float64Array.of(1, -1));
    expect(r.scores[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
    expect(Array.from(r.top)).toEqual([0, -1, -1]);
  });
});

describe('fitLogistic(x, d, y, rows, options)', () => {
  it('shrinks the coefficients to 0 and fits the base rate in the intercept under a strong penalty', () => {
    const x = Float64Array.of(1, 2, 3, 4, 5, 6);
    const fit = fitLogistic(x, 1, [0, 1, 1, 0, 1, 0], Int32Array.of(0, 1, 2, 3, 4), { C: 1e-9 });
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.coefficients[0])).toBeLessThan(1e-7);
    expect(fit.intercept).toBeCloseTo(Math.log(3 / 2), 6);
    expect([fit.rows, fit.positives]).toEqual([5, 3]);
  });

  it('refuses training rows of one class', () => {
    expect(() => fitLogistic(Float64Array.of(1, 2), 1, [1, 1], Int32Array.of(0, 1))).toThrow(/both classes/);
  });
});

describe('lookalike cell in the engine', () => {
  let engine: Engine;
  const base: LookalikeCell = {
    id: 'look',
    kind: 'lookalike',
    table: 'people',
    key: 'id',
    seeds: { kind: 'keys', keys: ['1', '2', '99'] },
    features: [{ column: 'x', prep: 'z' }, { column: 'colour', prep: 'onehot' }],
    method: 'centroid',
    holdout: 0,
    cut: { kind: 'top_n', n: 2 }
  };

  beforeAll(async () => {
    engine = await openTestEngine();
    await engine.db.exec(`CREATE TABLE people AS SELECT i AS id, i::DOUBLE AS x, CASE WHEN i <= 4 THEN 'red' ELSE 'blue' END AS colour, i * 10 AS score FROM range(1, 11) t(i)`);
    await engine.db.exec(`CREATE TABLE customers AS SELECT 3 AS id`);
    await engine.db.exec(`CREATE VIEW seg AS SELECT id, CASE WHEN id <= 2 THEN 'Best' ELSE 'Rest' END AS segment, '' AS tags FROM people`);
  }, 60_000);

  async function view(cell: LookalikeCell, seedView?: string) {
    await engine.db.exec(String(sql`CREATE OR REPLACE TEMP VIEW ${ident(cell.id)} AS ${await lookalikeCellQuery(engine, cell, seedView)}`));
    return engine.db.rows<Record<string, unknown>>(String(sql`SELECT * EXCLUDE (tags) FROM ${ident(cell.id)}`));
  }

  it('reports the pasted keys that match nothing and ranks the rest, seeds and exclusions in their own segments', async () => {
    const cell: LookalikeCell = { ...base, metric: 'euclidean', excludeSeeds: true, exclude: { table: 'customers', key: 'id' } };
    const rows = await view(cell);
    const details = await lookalikeDetails(engine, cell);
    expect(details.keys).toEqual({ pasted: 3, matched: 2, unmatched: ['99'], unmatchedCount: 1 });
    expect(details.ranked).toBe(7);
    expect(lookalikeSegmentNames(cell)).toEqual(['Lookalikes', 'Rest', 'Seeds', 'Excluded']);
    expect(Object.keys(rows[0]).slice(0, 8)).toEqual(['id', 'segment', 'score', 'rank', 'percentile', 'top_features', 'is_seed', 'x']);
    expect(rows.map((r) => [r.id, r.segment, r.rank, r.percentile, r.is_seed])).toEqual([
      [4, 'Lookalikes', 1, 100, false],
      [5, 'Lookalikes', 2, 85.71, false],
      [6, 'Rest', 3, 71.43, false],
      [7, 'Rest', 4, 57.14, false],
      [8, 'Rest', 5, 42.86, false],
      [9, 'Rest', 6, 28.57, false],
      [10, 'Rest', 7, 14.29, false],
      [1, 'Seeds', null, null, true],
      [2, 'Seeds', null, null, true],
      [3, 'Excluded', null, null, false]
    ]);
    expect(rows[0].top_features).toBe('colour = red, x');
    expect(rows[0].score).toBe(Number(Number(rows[0].score).toFixed(6)));
  });

  it('takes its seeds from the segments of a segmentation cell above', async () => {
    const cell: LookalikeCell = { ...base, seeds: { kind: 'segment', from: 'seg', segments: ['Best'] }, method: 'knn', neighbours: 1, cut: { kind: 'top_pct', pct: 30 } };
    const rows = await view(cell, 'seg');
    expect(rows.filter((r) => r.is_seed).map((r) => r.id)).toEqual([1, 2]);
    expect(rows.filter((r) => r.segment === 'Lookalikes').length).toBe(3);
  });

  it('holds out seeds by md5 order and evaluates them against the population', async () => {
    const cell: LookalikeCell = { ...base, seeds: { kind: 'rule', rule: { type: 'group', op: 'and', rules: [{ type: 'condition', column: 'x', op: 'lte', value: 4 }] } }, holdout: 0.5 };
    await view(cell);
    const details = await lookalikeDetails(engine, cell);
    expect(details.seeds).toEqual({ total: 4, training: 2, heldOut: 2 });
    expect(details.evaluation!.positives).toBe(2);
    expect(details.evaluation!.negatives).toBe(6);
    expect(details.evaluation!.auc).toBe(1);
  });
});

describe('lookalike cells in the notebook format', () => {
  const cell: LookalikeCell = {
    id: 'look',
    kind: 'lookalike',
    name: 'lookalikes',
    table: 'people',
    key: 'id',
    seeds: { kind: 'segment', from: 'seg', segments: ['Best'] },
    excludeSeeds: true,
    exclude: { table: 'customers', key: 'id' },
    features: [{ column: 'x', prep: 'z' }],
    method: 'knn',
    metric: 'euclidean',
    neighbours: 5,
    holdout: 0.25,
    seed: 3,
    cut: { kind: 'top_pct', pct: 5, name: 'Twins' },
    kpis: [{ label: 'Score', kind: 'mean', column: 'score' }]
  };
  const doc: Notebook = {
    format: 'seglab-notebook',
    version: 1,
    title: 't',
    sources: [{ name: 'people', path: 'people.csv' }],
    cells: [{ id: 'seg', kind: 'segment', table: 'people', key: 'id', exclusive: true, segments: [{ name: 'Best', rule: { type: 'group', op: 'and', rules: [] } }] }, cell]
  };

  it('round trips json parsing', () => {
    const text = serializeNotebook(doc);
    const parsed = parseNotebook(text);
    expect(parsed.ok && parsed.notebook).toEqual(doc);
    expect(serializeNotebook(parsed.ok ? parsed.notebook : doc)).toBe(text);
  });

  it('is accepted by the JSON Schema, which rejects the bad cells the validator rejects', () => {
    const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../static/notebook.schema.json'), 'utf8'));
    const validateSchema = new Ajv2020({ allErrors: true }).compile(schema);
    const text = serializeNotebook(doc);
    expect(validateSchema(JSON.parse(text))).toBe(true);
    const variants = [
      text.replace('"method": "knn"', '"method": "forest"'),
      text.replace('"holdout": 0.25', '"holdout": 1'),
      text.replace('"neighbours": 5', '"neighbours": 0'),
      text.replace('"kind": "top_pct"', '"kind": "top_n"'),
      text.replace('"excludeSeeds": true', '"excludeSeeds": true, "label": { "column": "x", "positive": "1" }')
    ];
    for (const variant of variants) {
      expect(parseNotebook(variant).ok, variant).toBe(false);
      expect(validateSchema(JSON.parse(variant)), variant).toBe(false);
    }
  });

  it('refuses a cell with both seeds and a label, and seeds from a cell below', () => {
    const bad = { ...doc, cells: [{ ...cell, label: { column: 'x', positive: '1' } }, doc.cells[0]] };
    const parsed = parseNotebook(JSON.stringify(bad));
    expect(parsed.ok).toBe(false);
    const messages = parsed.ok ? [] : parsed.issues.map(formatIssue);
    expect(messages).toContain('cells[0]: expected either "seeds" or "label"');
    expect(messages).toContain('cells[0].seeds.from: expected the id of a segmentation cell above this one, got "seg"');
  });

  it('reads its population and exclusion tables', () => {
    expect(lookalikeTables(cell)).toEqual(['people', 'customers']);
  });
});

describe('parseKeys(text)', () => {
  it('splits a pasted list at line breaks, commas, semicolons and tabs and drops blanks and repeats', () => {
    expect(parseKeys('K1\r\n "K2" ,K3;K1\n\n\tK4 ')).toEqual(['K1', 'K2', 'K3', 'K4']);
  });
});

describe('lookalike cells in the runner', () => {
  it('runs a lookalike cell seeded by a segment cell and writes its members, segment reports and evaluation', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'seglab-lookalike-'));
    try {
      const doc: Notebook = {
        format: 'seglab-notebook',
        version: 1,
        title: 'Firmen',
        sources: [{ name: 'firmen', path: path.resolve(__dirname, '../../static/samples/firmen.csv') }],
        cells: [
          { id: 'won', kind: 'segment', table: 'firmen', key: 'Firmennummer', exclusive: true, segments: [{ name: 'Gewonnen', where: `CAST("Gewonnen" AS VARCHAR) IN ('true', 'ja')` }] },
          {
            id: 'twins',
            kind: 'lookalike',
            name: 'zwillinge',
            table: 'firmen',
            key: 'Firmennummer',
            seeds: { kind: 'segment', from: 'won', segments: ['Gewonnen'] },
            excludeSeeds: true,
            features: [{ column: 'Mitarbeiter', prep: 'log1p_z' }, { column: 'Jahresumsatz', prep: 'log1p_z' }, { column: 'Branche', prep: 'onehot' }, { column: 'Land', prep: 'onehot' }],
            method: 'knn',
            cut: { kind: 'top_n', n: 100 }
          }
        ]
      };
      await writeFile(path.join(dir, 'nb.json'), serializeNotebook(doc));
      let stderr = '';
      const code = await main(['run', 'nb.json', '--out', 'out'], { cwd: dir, stdout: () => undefined, stderr: (t) => (stderr += t) });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const members = readFileSync(path.join(dir, 'out', 'twins.csv'), 'utf8').split('\n');
      expect(members[0].startsWith('Firmennummer,segment,tags,score,rank,percentile,top_features,is_seed,')).toBe(true);
      expect(members.filter((l) => l.includes(',Lookalikes,')).length).toBe(100);
      const evaluation = readFileSync(path.join(dir, 'out', 'twins.evaluation.csv'), 'utf8');
      expect(evaluation).toMatch(/^metric,at,value\nrows,,1500\n/);
      expect(evaluation).toMatch(/\nauc,,0\.\d+\n/);
      expect(readFileSync(path.join(dir, 'out', 'twins.profile.csv'), 'utf8').split('\n')[1]).toMatch(/^Lookalikes,100,/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
