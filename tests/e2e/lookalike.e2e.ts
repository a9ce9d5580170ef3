import type { Locator, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addSqlCell, ARTIFACTS, expect, gridRows, loadFiles, openApp, settled, shotOf, test } from './fixtures';

const FIRMS = path.resolve('static/samples/firmen.csv');
const CUSTOMERS = path.resolve('static/samples/kunden.csv');
const TELCO = '/work/shared/datasets/telco/Telco-Customer-Churn.csv';

async function download(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync((await file.path())!);
}

/** The numbers of the evaluation tab once it shows them. */
async function evaluation(cell: Locator): Promise<{ auc: number; positives: number; negatives: number; recall: number[] }> {
  const box = cell.locator('[data-testid=lookalike-evaluation]');
  await expect(box).toHaveAttribute('data-auc', /\d/);
  const recall = await box.locator('[data-testid=lookalike-recall] tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-recall'))));
  return {
    auc: Number(await box.getAttribute('data-auc')),
    positives: Number(await box.getAttribute('data-positives')),
    negatives: Number(await box.getAttribute('data-negatives')),
    recall
  };
}

test.describe('lookalike cells', () => {
  test('won accounts as seeds from a segment cell: scores, evaluation, the cut as segment members', async ({ page }) => {
    test.setTimeout(240_000);
    // Tall enough for the whole evaluation tab in one screenshot.
    await page.setViewportSize({ width: 1280, height: 2400 });
    await openApp(page);
    await loadFiles(page, [FIRMS]);
    await expect(page.locator('li[data-table=firmen]')).toHaveAttribute('data-rows', '1500');

    await page.click('[data-testid=add-segment-cell]');
    const segment = page.locator('[data-cell-kind=segment]');
    await settled(page, segment);
    const def = segment.locator('[data-testid=segment-def]').first();
    await def.locator('[data-testid=segment-name]').fill('Gewonnen');
    await def.locator('[data-testid=segment-name]').press('Enter');
    await def.locator('[data-testid=add-condition]').first().click();
    const cond = def.locator('[data-testid=rule-condition]').first();
    await cond.locator('[data-testid=rule-column]').selectOption('Gewonnen');
    await cond.locator('[data-testid=rule-value]').selectOption('true');
    await settled(page, segment);

    await page.click('[data-testid=add-lookalike-cell]');
    const cell = page.locator('[data-cell-kind=lookalike]');
    await settled(page, cell);
    await expect(cell.locator('[data-testid=lookalike-table]')).toHaveValue('firmen');
    await expect(cell.locator('[data-testid=lookalike-source]')).toHaveValue('segment');
    await expect(cell.locator('[data-testid=lookalike-seed-segment][value=Gewonnen]')).toBeChecked();
    await expect(cell.locator('[data-testid=lookalike-exclude-seeds]')).toBeChecked();

    // The industry as a one-hot feature, k nearest seeds.
    await cell.locator('[data-testid=add-feature]').click();
    const industry = cell.locator('[data-testid=cluster-feature]').last();
    await industry.locator('[data-testid=feature-column]').selectOption('Branche');
    await expect(industry.locator('[data-testid=feature-prep]')).toHaveValue('onehot');
    await settled(page, cell);
    await cell.locator('[data-testid=lookalike-method]').selectOption('knn');
    await settled(page, cell);
    await shotOf(cell.locator('[data-testid=lookalike-editor]'), 'lookalike-editor');

    // Evaluation: held-out won accounts against the other accounts.
    const e = await evaluation(cell);
    expect(e.auc).toBeGreaterThan(0.5);
    expect(e.recall).toHaveLength(5);
    expect(e.recall.at(-1)!).toBeGreaterThanOrEqual(e.recall[0]);
    await expect(cell.locator('[data-testid=lookalike-auc]')).toHaveText(e.auc.toFixed(3));
    await expect(cell.locator('[data-testid=lookalike-evaluation] [data-testid=chart-view] svg, [data-testid=lookalike-evaluation] [data-testid=chart-view] canvas')).toHaveCount(4);
    await shotOf(cell.locator('[data-testid=lookalike-report]'), 'lookalike-evaluation');
    await cell.locator('[data-testid=lookalike-tab-scores]').click();
    await expect(cell.locator('[data-testid=lookalike-scores] [data-testid=chart-view]')).toHaveCount(1);
    await shotOf(cell.locator('[data-testid=lookalike-report]'), 'lookalike-scores');
    await cell.locator('[data-testid=lookalike-tab-features]').click();
    await expect(cell.locator('[data-testid=lookalike-features-chart] [data-testid=chart-view]')).toHaveCount(1);
    await shotOf(cell.locator('[data-testid=lookalike-report]'), 'lookalike-features');

    // The cut (top 10 % of the ranked, non-seed accounts) is a segment: members and profile.
    await cell.locator('[data-testid=lookalike-tab-members]').click();
    const grid = cell.locator('[data-testid=result-grid]');
    await expect(grid.locator('[data-testid=grid-sort][data-column=top_features]')).toBeVisible();
    const check = await addSqlCell(
      page,
      `SELECT count(*) FILTER (WHERE segment = 'Lookalikes') AS cut, count("rank") AS ranked, count(*) FILTER (WHERE is_seed) AS seeds,
  (SELECT count(*) FROM firmen WHERE "Gewonnen") AS won, max("rank") FILTER (WHERE segment = 'Lookalikes') AS last FROM lookalikes`
    );
    const [cut, ranked, seeds, won, last] = (await gridRows(check))[0].map((v) => Number(v.replaceAll(',', '')));
    expect(seeds).toBe(won);
    expect(ranked).toBe(1500 - won);
    expect(cut).toBe(Math.ceil(ranked * 0.1));
    expect(last).toBe(cut);
    await cell.locator('[data-testid=lookalike-tab-profile]').click();
    await expect(cell.locator('[data-testid=profile-row]')).toHaveCount(3);
    await shotOf(cell.locator('[data-testid=lookalike-report]'), 'lookalike-profile');
  });

  test('a pasted key list reports the keys that match no customer', async ({ page }) => {
    test.setTimeout(180_000);
    await openApp(page);
    await loadFiles(page, [CUSTOMERS]);
    await expect(page.locator('li[data-table=kunden]')).toHaveAttribute('data-rows', '2000');
    await page.click('[data-testid=add-lookalike-cell]');
    const cell = page.locator('[data-cell-kind=lookalike]');
    await expect(cell.locator('[data-testid=lookalike-source]')).toHaveValue('keys');
    const keys = ['K-100001', 'K-100002', 'K-100003', 'K-100010', 'K-999999', 'XYZ'];
    await cell.locator('[data-testid=lookalike-keys]').fill(keys.join('\n'));
    await cell.locator('[data-testid=lookalike-apply-keys]').click();
    await settled(page, cell);
    const report = cell.locator('[data-testid=lookalike-key-report]');
    await expect(report).toHaveAttribute('data-matched', '4');
    await expect(report).toHaveAttribute('data-unmatched', '2');
    await expect(cell.locator('[data-testid=lookalike-unmatched]')).toHaveText('K-999999, XYZ');
    await expect(cell).toHaveAttribute('data-rows', '2000');
    await shotOf(cell.locator('[data-testid=lookalike-seeds]'), 'lookalike-keys');
  });

  test('churn risk from a label column: risk bands for the active customers, evaluation, runner parity', async ({ page }) => {
    test.setTimeout(240_000);
    // Tall enough for the whole evaluation tab in one screenshot.
    await page.setViewportSize({ width: 1280, height: 2400 });
    await openApp(page);
    await loadFiles(page, [TELCO]);
    const table = page.locator('li[data-table]').first();
    await expect(table).toHaveAttribute('data-rows', '7043');
    const name = (await table.getAttribute('data-table'))!;

    await page.click('[data-testid=add-lookalike-cell]');
    const cell = page.locator('[data-cell-kind=lookalike]');
    await cell.locator('[data-testid=lookalike-source]').selectOption('label');
    await expect(cell.locator('[data-testid=lookalike-label-column]')).toHaveValue('Churn');
    await expect(cell.locator('[data-testid=lookalike-label-positive]')).toHaveValue('true');
    await cell.locator('[data-testid=add-feature]').click();
    await cell.locator('[data-testid=cluster-feature]').last().locator('[data-testid=feature-column]').selectOption('Contract');
    await cell.locator('[data-testid=lookalike-method]').selectOption('logistic');
    await cell.locator('[data-testid=lookalike-cut-kind]').selectOption('bands');
    await settled(page, cell);

    const e = await evaluation(cell);
    expect(e.auc).toBeGreaterThan(0.75);
    // 20 % of each class held out: 374 of 1,869 churned, 1,035 of 5,174 active.
    expect([e.positives, e.negatives]).toEqual([374, 1035]);
    await expect(cell.locator('[data-testid=lookalike-model] tbody tr')).not.toHaveCount(0);
    await shotOf(cell.locator('[data-testid=lookalike-report]'), 'lookalike-churn');
    await shotOf(cell.locator('[data-testid=lookalike-editor]'), 'lookalike-churn-editor');

    const check = await addSqlCell(page, `SELECT segment, count(*) AS n FROM lookalikes GROUP BY segment ORDER BY min(coalesce("rank", 1e9)), segment`);
    const rows = await gridRows(check);
    expect(rows.map((r) => r[0]).sort()).toEqual(['Churn = true', 'High risk', 'Low risk', 'Medium risk']);
    expect(rows.find((r) => r[0] === 'Churn = true')![1]).toBe('1,869');

    // The runner writes the same CSV bytes for the saved notebook.
    const saved = await download(page, () => page.click('[data-testid=save-notebook]'));
    const notebookPath = path.join(ARTIFACTS, 'lookalike.seglab.json');
    writeFileSync(notebookPath, saved);
    const out = path.join(ARTIFACTS, 'runner-out-lookalike');
    rmSync(out, { recursive: true, force: true });
    execFileSync('node', ['bin/seglab.mjs', 'run', notebookPath, '--data', `${name}=${TELCO}`, '--out', out], { stdio: 'pipe' });
    const id = (await cell.getAttribute('data-cell-id'))!;
    await cell.locator('[data-testid=lookalike-tab-members]').click();
    const browser = await download(page, () => cell.locator('[data-testid=download-csv]').click());
    const runner = readFileSync(path.join(out, `${id}.csv`));
    if (!browser.equals(runner)) writeFileSync(path.join(out, `${id}.browser.csv`), browser);
    expect(browser.equals(runner), `${id}.csv differs between browser and runner`).toBe(true);
    expect(readFileSync(path.join(out, `${id}.evaluation.csv`), 'utf8')).toContain(`\nauc,,${Number(e.auc.toFixed(6))}\n`);
  });
});
