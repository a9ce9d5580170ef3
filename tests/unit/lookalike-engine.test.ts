import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { lookalikeCellQuery, lookalikeDetails, lookalikeReports } from '../../src/lib/engine/lookalike';
import type { Engine } from '../../src/lib/engine/engine';
import type { ClusterFeature, LookalikeCell } from '../../src/lib/notebook/model';
import { ident, sql } from '../../src/lib/sql/quote';
import { file, openTestEngine } from './helpers/db';

/** Fixture written by scripts/reference/lookalike_reference.py (scikit-learn LogisticRegression, newton-cholesky, tol 1e-10). */
interface ReferenceCase {
  mode: 'label' | 'pu';
  C: number;
  train: number;
  test: number;
  auc: number;
  intercept: number;
  coefficients: Record<string, number>;
}
const reference: { numeric: string[]; categorical: string[]; holdout: number; seed: number; columns: string[]; cases: ReferenceCase[] } = JSON.parse(
  readFileSync(new URL('../fixtures/reference/lookalike.json', import.meta.url), 'utf8')
);
const TELCO = '/work/shared/datasets/telco/Telco-Customer-Churn.csv';

const features: ClusterFeature[] = [
  ...reference.numeric.map((column): ClusterFeature => ({ column, prep: 'z' })),
  ...reference.categorical.map((column): ClusterFeature => ({ column, prep: 'onehot' }))
];

function telcoCell(patch: Partial<LookalikeCell>): LookalikeCell {
  return { id: 'churn', kind: 'lookalike', table: 'telco', key: 'customerID', features, method: 'logistic', holdout: reference.holdout, seed: reference.seed, cut: { kind: 'top_pct', pct: 10 }, ...patch };
}

async function run(engine: Engine, cell: LookalikeCell) {
  await engine.db.exec(`CREATE OR REPLACE TEMP VIEW ${String(ident(cell.id))} AS ${String(await lookalikeCellQuery(engine, cell))}`);
  return lookalikeDetails(engine, cell);
}

describe('lookalike logistic model on Telco churn', () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await openTestEngine();
    await engine.load(file('Telco-Customer-Churn.csv', new Uint8Array(readFileSync(TELCO))), { table: 'telco' });
  }, 60_000);

  for (const ref of reference.cases) {
    // Both fits reach the optimum of the same objective (tolerances 1e-10), so the coefficients agree to
    // far better than 1e-4; the AUC tolerance is the 0.01, the measured difference is below 1e-6.
    it(`matches scikit-learn's ${ref.mode} model with C = ${ref.C}: held-out AUC within 0.01, coefficients within 1e-4`, async () => {
      const cell =
        ref.mode === 'label'
          ? telcoCell({ label: { column: 'Churn', positive: 'true' }, l2: ref.C, cut: { kind: 'bands', high: 0.5, medium: 0.25 } })
          : telcoCell({ seeds: { kind: 'rule', rule: { type: 'group', op: 'and', rules: [{ type: 'condition', column: 'Churn', op: 'eq', value: true }] } }, l2: ref.C });
      const details = await run(engine, cell);
      const model = details.model!;
      expect(model.converged).toBe(true);
      const names = model.coefficients.map((c) => (c.level === null ? c.feature : `${c.feature}=${c.level}`));
      expect(names).toEqual(reference.columns);
      expect(Math.abs(model.intercept - ref.intercept)).toBeLessThan(1e-4);
      model.coefficients.forEach((c, j) => expect(Math.abs(c.value - ref.coefficients[reference.columns[j]]), names[j]).toBeLessThan(1e-4));
      const training = ref.mode === 'label' ? details.seeds.training + details.negatives!.training : details.rows - details.seeds.heldOut;
      expect(training).toBe(ref.train);
      expect(details.evaluation!.positives + (ref.mode === 'label' ? details.evaluation!.negatives : 0)).toBe(ref.test);
      expect(Math.abs(details.evaluation!.auc - ref.auc)).toBeLessThan(0.01);
      console.log(`telco ${ref.mode} C=${ref.C}: AUC ${details.evaluation!.auc.toFixed(6)} (scikit-learn ${ref.auc.toFixed(6)})`);
    });
  }

  it('cuts the active customers into risk bands and leaves the churned ones out of the ranking', async () => {
    const cell = telcoCell({ label: { column: 'Churn', positive: 'true' }, cut: { kind: 'bands', high: 0.5, medium: 0.25 } });
    await run(engine, cell);
    const rows = await engine.db.rows<{ segment: string; n: number; ranked: number; seeds: number }>(
      String(sql`SELECT segment, count(*)::INTEGER AS n, count("rank")::INTEGER AS ranked, count(*) FILTER (WHERE is_seed)::INTEGER AS seeds FROM ${ident('churn')} GROUP BY segment ORDER BY segment`)
    );
    const by = Object.fromEntries(rows.map((r) => [r.segment, r]));
    expect(by['Churn = true']).toEqual({ segment: 'Churn = true', n: 1869, ranked: 0, seeds: 1869 });
    expect(by['High risk'].n + by['Medium risk'].n + by['Low risk'].n).toBe(7043 - 1869);
    const [check] = await engine.db.rows<{ bad: number; first: number; top: string }>(
      String(sql`SELECT count(*) FILTER (WHERE (segment = 'High risk') <> (score >= 0.5) AND NOT is_seed)::INTEGER AS bad, min("rank")::INTEGER AS first, any_value(top_features) FILTER (WHERE "rank" = 1) AS top FROM ${ident('churn')}`)
    );
    expect(check.bad).toBe(0);
    expect(check.first).toBe(1);
    expect(check.top.length).toBeGreaterThan(0);
  });

  it('writes the evaluation report with the AUC and the coefficients', async () => {
    const cell = telcoCell({ label: { column: 'Churn', positive: 'true' }, cut: { kind: 'bands', high: 0.5, medium: 0.25 } });
    await run(engine, cell);
    const [report] = await lookalikeReports(engine, cell);
    expect(report.name).toBe('churn.evaluation.csv');
    const lines = report.text.split('\n');
    expect(lines[0]).toBe('metric,at,value');
    const auc = Number(lines.find((l) => l.startsWith('auc,'))!.split(',')[2]);
    expect(Math.abs(auc - reference.cases[0].auc)).toBeLessThan(0.01);
    expect(lines.filter((l) => l.startsWith('coefficient,')).length).toBe(reference.columns.length);
  });
});
