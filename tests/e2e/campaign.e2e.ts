import type { Locator } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { addSqlCell, ARTIFACTS, expect, gridRows, loadFiles, openApp, settled, shotOf, test } from './fixtures';

/** The seeded campaign sample (scripts/make-campaign-samples.ts). */
const TEST = path.resolve('static/samples/kampagne_test.csv');
const EVENTS = path.resolve('static/samples/kampagne_ereignisse.csv');

/** SciPy's read-out of the sample (scripts/reference/abtest_reference.py). */
const REFERENCE = JSON.parse(readFileSync(path.resolve('tests/fixtures/reference/abtest.json'), 'utf8')) as {
  cases: { name: string; rows: { segment: string | null; arm: string; n: number; value: number; difference?: number; low?: number; high?: number; p?: number; p_holm?: number }[] }[];
};

function reference(name: string, segment: string | null, arm: string) {
  const row = REFERENCE.cases.find((c) => c.name === name)!.rows.find((r) => r.segment === segment && r.arm === arm);
  if (!row) throw new Error(`no reference row ${name} ${segment} ${arm}`);
  return row;
}

/**
 * The same cells as the UI builds below, for the headless runner: it must write the same CSV bytes
 * (statistics rounded to 10 significant digits, so the engines' last bits do not show).
 */
const RUNNER_NOTEBOOK = path.resolve('tests/fixtures/notebooks/kampagne/kampagne.notebook.json');

/** Runs the runner on `RUNNER_NOTEBOOK` once and returns a cell's CSV. */
function runnerCsv(id: string): Buffer {
  const out = path.join(ARTIFACTS, 'runner-out-kampagne');
  if (!runnerRan) {
    rmSync(out, { recursive: true, force: true });
    execFileSync('node', ['bin/seglab.mjs', 'run', RUNNER_NOTEBOOK, '--out', out], { stdio: 'pipe' });
    runnerRan = true;
  }
  return readFileSync(path.join(out, `${id}.csv`));
}
let runnerRan = false;

/** Downloads a campaign cell's result as CSV from its table tab. */
async function browserCsv(cell: Locator, tab: string): Promise<Buffer> {
  await cell.locator(`[data-testid=${tab}]`).click();
  const [download] = await Promise.all([cell.page().waitForEvent('download'), cell.locator('[data-testid=download-csv]').click()]);
  return readFileSync((await download.path())!);
}

/** A number attribute of an element. */
async function numberOf(target: Locator, attribute: string): Promise<number> {
  return Number(await target.getAttribute(attribute));
}

test.describe('campaign read-outs', () => {
  test('an A/B test cell reads out the campaign per segment as SciPy does, with Holm and the small-sample warning', async ({ page }) => {
    test.setTimeout(240_000);
    await openApp(page);
    await loadFiles(page, [TEST, EVENTS]);
    await expect(page.locator('li[data-table=kampagne_test]')).toHaveAttribute('data-rows', '3000', { timeout: 60_000 });
    await expect(page.locator('li[data-table=kampagne_ereignisse]')).toHaveAttribute('data-rows', '27805', { timeout: 60_000 });

    await page.click('[data-testid=add-abtest-cell]');
    const cell = page.locator('[data-cell-kind=abtest]');
    await settled(page, cell);
    await expect(cell.locator('[data-testid=abtest-table]')).toHaveValue('kampagne_test');
    await expect(cell.locator('[data-testid=abtest-arm]')).toHaveValue('Gruppe');
    await expect(cell.locator('[data-testid=abtest-control]')).toHaveValue('Kontrolle');
    await expect(cell.locator('[data-testid=abtest-outcome]')).toHaveValue('konvertiert');
    await expect(cell.locator('[data-testid=abtest-metric]')).toHaveValue('binary');
    await expect(cell.locator('[data-testid=abtest-by]')).toHaveValue('column:Segment');
    // Overall and four segments, three arms each.
    await expect(cell).toHaveAttribute('data-rows', '15');

    const rows = cell.locator('[data-testid=abtest-row]');
    await expect(rows).toHaveCount(15);
    const row = (segment: string, arm: string) => cell.locator(`[data-testid=abtest-row][data-segment="${segment}"][data-arm="${arm}"]`);

    // The rates against a hand-written query over the same file.
    const check = await addSqlCell(
      page,
      `SELECT "Gruppe", count(*) AS n, avg("konvertiert") AS rate FROM kampagne_test WHERE "Segment" = 'Stammkunden' GROUP BY 1 ORDER BY 1`
    );
    const byHand = await gridRows(check);
    expect(byHand.map((r) => r[0])).toEqual(['Kontrolle', 'Variante A', 'Variante B']);
    for (const [arm, n, rate] of byHand) {
      await expect(row('Stammkunden', arm)).toHaveAttribute('data-n', n.replace(/,/g, ''));
      expect(Math.abs((await numberOf(row('Stammkunden', arm), 'data-value')) - Number(rate.replace(/,/g, '')))).toBeLessThan(1e-4);
    }

    // p-values and intervals against SciPy (the view keeps 10 significant digits).
    for (const [segment, arm] of [
      [null, 'Variante A'],
      [null, 'Variante B'],
      ['Stammkunden', 'Variante A'],
      ['Rückgewinnung', 'Variante B']
    ] as const) {
      const ref = reference('campaign-converted', segment, arm);
      const shown = row(segment ?? 'Overall', arm);
      for (const [attribute, expected] of [
        ['data-p', ref.p!],
        ['data-p-holm', ref.p_holm!],
        ['data-ci-low', ref.low!],
        ['data-ci-high', ref.high!],
        ['data-difference', ref.difference!]
      ] as const) {
        expect(Math.abs((await numberOf(shown, attribute)) - expected), `${segment} ${arm} ${attribute}`).toBeLessThan(1e-9);
      }
    }
    // Significant for Stammkunden on its own (p ≈ 0.012), not after Holm over 8 comparisons (≈ 0.098).
    expect(await numberOf(row('Stammkunden', 'Variante A'), 'data-p')).toBeLessThan(0.05);
    expect(await numberOf(row('Stammkunden', 'Variante A'), 'data-p-holm')).toBeGreaterThan(0.05);
    await expect(cell.locator('[data-testid=abtest-holm]')).toContainText('8 segment comparisons');

    // The tiny segment (36 customers) is flagged, the large one is not too small.
    await expect(row('Rückgewinnung', 'Variante A')).toHaveAttribute('data-warning', /small_sample/);
    await expect(row('Rückgewinnung', 'Variante A').locator('[data-testid=abtest-warning]').first()).toHaveText('small sample');
    await expect(row('Stammkunden', 'Variante A')).not.toHaveAttribute('data-warning', /small_sample/);
    await expect(cell.locator('[data-testid=abtest-warnings]')).toContainText('fewer than 50 rows');
    await shotOf(cell.locator('[data-testid=abtest-report]'), 'campaign-abtest-summary');

    await cell.locator('[data-testid=abtest-tab-chart]').click();
    await expect(cell.locator('[data-testid=abtest-chart] svg').first()).toBeVisible();
    await expect(cell.locator('[data-testid=abtest-chart] [role=graphics-symbol]').first()).toBeAttached();
    await shotOf(cell.locator('[data-testid=abtest-chart]'), 'campaign-abtest-chart');
    expect((await browserCsv(cell, 'abtest-tab-table')).equals(runnerCsv('ab_konversion')), 'ab_konversion.csv differs between browser and runner').toBe(true);

    // Revenue instead: Welch's t test.
    await cell.locator('[data-testid=abtest-outcome]').selectOption('Umsatz');
    await cell.locator('[data-testid=abtest-metric]').selectOption('numeric');
    await settled(page, cell);
    await cell.locator('[data-testid=abtest-tab-summary]').click();
    const revenue = reference('campaign-revenue', null, 'Variante A');
    await expect(row('Overall', 'Variante A')).toHaveAttribute('data-p', /\d/);
    await expect
      .poll(async () => Math.abs((await numberOf(row('Overall', 'Variante A'), 'data-p')) - revenue.p!), { timeout: 30_000 })
      .toBeLessThan(1e-9);
    expect(Math.abs((await numberOf(row('Overall', 'Variante A'), 'data-ci-low')) - revenue.low!)).toBeLessThan(1e-9);
    await shotOf(cell.locator('[data-testid=abtest-report]'), 'campaign-abtest-revenue');
    expect((await browserCsv(cell, 'abtest-tab-table')).equals(runnerCsv('ab_umsatz')), 'ab_umsatz.csv differs between browser and runner').toBe(true);
  });

  test('a KPI board cell tracks conversion, retention and revenue per segment by month', async ({ page }) => {
    test.setTimeout(240_000);
    await openApp(page);
    await loadFiles(page, [TEST, EVENTS]);
    await expect(page.locator('li[data-table=kampagne_test]')).toHaveAttribute('data-rows', '3000', { timeout: 60_000 });
    await expect(page.locator('li[data-table=kampagne_ereignisse]')).toHaveAttribute('data-rows', '27805', { timeout: 60_000 });
    await page.locator('[data-testid=reference-date]').fill('2025-06-30');
    await page.locator('[data-testid=reference-date]').dispatchEvent('change');

    await page.click('[data-testid=add-kpis-cell]');
    const cell = page.locator('[data-cell-kind=kpis]');
    await settled(page, cell);
    await expect(cell.locator('[data-testid=kpis-table]')).toHaveValue('kampagne_test');
    await expect(cell.locator('[data-testid=kpis-events]')).toHaveValue('kampagne_ereignisse');
    await expect(cell.locator('[data-testid=kpis-amount]')).toHaveValue('Betrag');
    await expect(cell.locator('[data-testid=kpis-conversion]')).toHaveValue('Typ');
    await expect(cell.locator('[data-testid=kpis-conversion-value]')).toHaveValue('Kauf');
    await expect(cell.locator('[data-testid=kpis-by]')).toHaveValue('column:Segment');
    // Four segments × 12 complete months (July 2024 to June 2025).
    await expect(cell).toHaveAttribute('data-rows', '48');
    await expect(cell.locator('[data-testid=kpis-summary]')).toHaveAttribute('data-segments', '4');
    await expect(cell.locator('[data-testid=kpis-summary]')).toContainText('2024-07 to 2025-06');
    await expect(cell.locator('[data-testid=kpis-chart] svg').first()).toBeVisible();
    await shotOf(cell.locator('[data-testid=kpis-editor]'), 'campaign-kpis-editor');
    await shotOf(cell.locator('[data-testid=kpis-chart]'), 'campaign-kpis-chart');
    expect((await browserCsv(cell, 'kpis-tab-table')).equals(runnerCsv('kpis')), 'kpis.csv differs between browser and runner').toBe(true);
    await cell.locator('[data-testid=kpis-tab-chart]').click();

    await cell.locator('[data-testid=cell-name]').fill('board');
    await cell.locator('[data-testid=cell-name]').press('Enter');
    await settled(page, cell);

    // June 2025 for Stammkunden, by hand: members with a purchase, retention from May, revenue.
    const check = await addSqlCell(
      page,
      `WITH m AS (SELECT "Kunden-ID" AS k FROM kampagne_test WHERE "Segment" = 'Stammkunden'),
e AS (SELECT "Kunden-ID" AS k, "Datum" AS d, "Typ" AS typ, "Betrag" AS a FROM kampagne_ereignisse WHERE "Kunden-ID" IN (SELECT k FROM m)),
june AS (SELECT DISTINCT k FROM e WHERE d BETWEEN DATE '2025-06-01' AND DATE '2025-06-30'),
may AS (SELECT DISTINCT k FROM e WHERE d BETWEEN DATE '2025-05-01' AND DATE '2025-05-31')
SELECT round((SELECT count(DISTINCT k) FROM e WHERE typ = 'Kauf' AND d BETWEEN DATE '2025-06-01' AND DATE '2025-06-30') / (SELECT count(*) FROM m), 6) AS conversion,
  round((SELECT count(*) FROM june WHERE k IN (SELECT k FROM may)) / (SELECT count(*) FROM may), 6) AS retention,
  round((SELECT sum(a) FROM e WHERE d BETWEEN DATE '2025-06-01' AND DATE '2025-06-30'), 2) AS revenue,
  (SELECT round(conversion, 6) FROM board WHERE segment = 'Stammkunden' AND period = DATE '2025-06-01') AS board_conversion,
  (SELECT round(retention, 6) FROM board WHERE segment = 'Stammkunden' AND period = DATE '2025-06-01') AS board_retention,
  (SELECT round(revenue, 2) FROM board WHERE segment = 'Stammkunden' AND period = DATE '2025-06-01') AS board_revenue`
    );
    const [[conversion, retention, revenue, boardConversion, boardRetention, boardRevenue]] = await gridRows(check);
    expect(Number(conversion)).toBeGreaterThan(0);
    expect([boardConversion, boardRetention, boardRevenue]).toEqual([conversion, retention, revenue]);
  });
});
