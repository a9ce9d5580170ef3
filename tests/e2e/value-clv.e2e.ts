import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import path from 'node:path';
import { addSqlCell, expect, gridRows, loadFiles, openApp, readGrid, settled, shotOf, test } from './fixtures';

/** The CDNOW 1/10 sample as CSV (scripts/make-cdnow-fixture.ts): 6,919 purchases of 2,357 customers. */
const CDNOW = path.resolve('tests/fixtures/csv/cdnow_sample.csv');
const ORDERS = path.resolve('static/samples/bestellungen.csv');

/** Fader, Hardie & Lee (2005) on the 39-week calibration, and the Gamma-Gamma note (2013). */
const PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, ll: -9582.4, p: 6.25, q: 3.74, gamma: 15.44 };

/** A number attribute of an element. */
async function numberOf(target: Locator, attribute: string): Promise<number> {
  return Number(await target.getAttribute(attribute));
}

/** Expects `actual` within `relative` (a fraction) of `expected`. */
function expectWithin(actual: number, expected: number, relative: number, what: string): void {
  expect(Math.abs(actual - expected) / Math.abs(expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(relative);
}

async function expectNoSeriousAxe(page: Page, selector: string): Promise<void> {
  const axe = await new AxeBuilder({ page }).include(selector).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test.describe('customer value: CLV and cohorts', () => {
  test('a CLV cell reproduces the published CDNOW fit, checks it on the holdout period and warns when spend follows frequency', async ({ page }) => {
    test.setTimeout(180_000);
    await openApp(page);
    await loadFiles(page, [CDNOW]);
    await expect(page.locator('li[data-table=cdnow_sample]')).toHaveAttribute('data-rows', '6919', { timeout: 60_000 });

    await page.click('[data-testid=add-clv-cell]');
    const cell = page.locator('[data-cell-kind=clv]');
    await settled(page, cell);
    await expect(cell.locator('[data-testid=clv-table]')).toHaveValue('cdnow_sample');
    await expect(cell.locator('[data-testid=clv-key]')).toHaveValue('customer_id');
    await expect(cell.locator('[data-testid=clv-date]')).toHaveValue('date');
    await expect(cell.locator('[data-testid=clv-amount]')).toHaveValue('amount');
    await expect(cell.locator('[data-testid=clv-range]')).toHaveAttribute('data-first', '1997-01-01');
    await expect(cell.locator('[data-testid=clv-range]')).toHaveAttribute('data-last', '1998-06-30');
    await expect(cell.locator('[data-testid=clv-holdout-end]')).toHaveValue('1998-06-30');

    // The 39-week calibration of the paper: 1997-01-01 … 1997-09-30, holdout to 1998-06-30, in weeks.
    await cell.locator('[data-testid=clv-calibration-end]').fill('1997-09-30');
    await settled(page, cell);
    await expect(cell.locator('[data-testid=clv-calibration-end]')).toHaveValue('1997-09-30');
    await expect(cell.locator('[data-testid=clv-unit]')).toHaveValue('week');
    await expect(cell).toHaveAttribute('data-rows', '2357');
    await shotOf(cell.locator('[data-testid=clv-editor]'), 'clv-editor');

    const fit = cell.locator('[data-testid=clv-fit]');
    await expect(fit).toHaveAttribute('data-customers', '2357');
    await expect(fit).toHaveAttribute('data-repeaters', '946');
    const bg = cell.locator('[data-testid=clv-bgnbd]');
    await expect(bg).toHaveAttribute('data-converged', 'true');
    await expect(bg.locator('[data-testid=param-r] td').first()).toHaveText('0.243');
    await expect(bg.locator('[data-testid=param-alpha] td').first()).toHaveText('4.414');
    await expect(bg.locator('[data-testid=param-a] td').first()).toHaveText('0.793');
    await expect(bg.locator('[data-testid=param-b] td').first()).toHaveText('2.426');
    await expect(bg.locator('[data-testid=clv-ll]')).toContainText('-9,582.4');
    for (const p of ['r', 'alpha', 'a', 'b'] as const) expectWithin(await numberOf(bg, `data-${p}`), PUBLISHED[p], 0.01, `BG/NBD ${p}`);
    expect(Math.abs((await numberOf(bg, 'data-ll')) - PUBLISHED.ll)).toBeLessThan(0.1);
    const gg = cell.locator('[data-testid=clv-gamma-gamma]');
    await expect(gg).toHaveAttribute('data-converged', 'true');
    for (const p of ['p', 'q', 'gamma'] as const) expectWithin(await numberOf(gg, `data-${p}`), PUBLISHED[p], 0.01, `Gamma-Gamma ${p}`);
    await expect(fit).toHaveAttribute('data-value-predicted', 'true');
    await expect(cell.locator('[data-testid=clv-warnings]')).toHaveCount(0);
    await cell.locator('[data-testid=clv-assumptions] summary').click();
    await shotOf(fit, 'clv-fit');

    // Members: one row per customer with the model columns.
    const grid = cell.locator('[data-testid=result-grid]');
    await expect(grid.locator('[data-testid=grid-sort][data-column=predicted_clv]')).toBeVisible();
    const header = await grid.locator('[data-testid=grid-sort]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-column')));
    expect(header).toEqual(expect.arrayContaining(['customer_id', 'x', 't_x', 'T', 'p_alive', 'expected_purchases', 'expected_spend', 'predicted_clv', 'expected_holdout_purchases']));
    const [first] = await readGrid(grid);
    expect(first[header.indexOf('predicted_clv')]).not.toBe('');

    // Holdout check: eight frequency buckets, every customer in one, drawn as a chart.
    await cell.locator('[data-testid=clv-tab-holdout]').click();
    await expect(cell.locator('[data-testid=clv-holdout-chart] [data-testid=chart-view] svg')).toBeVisible();
    const buckets = cell.locator('[data-testid=holdout-row]');
    await expect(buckets).toHaveCount(8);
    const counts = await buckets.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-customers'))));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2357);
    await expect(cell.locator('[data-testid=clv-holdout-chart] [aria-roledescription="line mark"]')).toHaveCount(2);
    await shotOf(cell.locator('[data-testid=clv-holdout]'), 'clv-holdout');

    // Value: totals, the decile chart, P(alive) and the top customers.
    await cell.locator('[data-testid=clv-tab-value]').click();
    await expect(cell.locator('[data-testid=clv-totals]')).toBeVisible();
    expect(await numberOf(cell.locator('[data-testid=clv-totals]'), 'data-predicted-clv')).toBeGreaterThan(0);
    await expect(cell.locator('[data-testid=clv-deciles] [aria-roledescription=bar]')).toHaveCount(10);
    await expect(cell.locator('[data-testid=clv-p-alive] [data-testid=chart-view] svg')).toBeVisible();
    await expect(cell.locator('[data-testid=clv-top-row]')).toHaveCount(10);
    await shotOf(cell.locator('[data-testid=clv-value]'), 'clv-value');

    await expectNoSeriousAxe(page, '[data-cell-kind=clv]');

    // Spend that grows with the number of purchases breaks Gamma-Gamma's independence assumption:
    // the cell warns and leaves the CLV empty instead of showing biased numbers.
    await addSqlCell(page, 'SELECT customer_id, date, amount * count(*) OVER (PARTITION BY customer_id) AS amount FROM cdnow_sample', 'skewed');
    await page.click('[data-testid=add-clv-cell]');
    const skewed = page.locator('[data-cell-kind=clv]').nth(1);
    await skewed.locator('[data-testid=clv-table]').selectOption('skewed');
    await settled(page, skewed);
    await expect(skewed.locator('[data-testid=clv-fit]')).toHaveAttribute('data-value-predicted', 'false');
    await expect(skewed.locator('[data-testid=clv-warning][data-code=FREQUENCY_SPEND_CORRELATION]')).toBeVisible();
    await expect(skewed.locator('[data-testid=clv-empty]')).toBeVisible();
    await shotOf(skewed.locator('[data-testid=clv-fit]'), 'clv-warnings');
    await skewed.locator('[data-testid=clv-tab-value]').click();
    await expect(skewed.locator('[data-testid=clv-measure]')).toHaveValue('historical_value');
    await expect(skewed.locator('[data-testid=clv-deciles] [aria-roledescription=bar]')).toHaveCount(10);
    const skewedGrid = skewed.locator('[data-testid=clv-tab-members]');
    await skewedGrid.click();
    // The grid renders after the tab switch: read its header once it is there.
    await expect(skewed.locator('[data-testid=result-grid] [data-testid=grid-sort][data-column=predicted_clv]')).toBeVisible();
    const columns = await skewed.locator('[data-testid=grid-sort]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-column')));
    const values = await readGrid(skewed.locator('[data-testid=result-grid]'));
    expect(values.every((row) => row[columns.indexOf('predicted_clv')] === '')).toBe(true);
    await expectNoSeriousAxe(page, '[data-cell-kind=clv]');
  });

  test('a cohort cell counts a cohort and its first month as a hand query does', async ({ page }) => {
    test.setTimeout(180_000);
    await openApp(page);
    await loadFiles(page, [ORDERS]);
    await expect(page.locator('li[data-table=bestellungen]')).toHaveAttribute('data-rows', /\d+/, { timeout: 60_000 });

    await page.click('[data-testid=add-cohort-cell]');
    const cell = page.locator('[data-cell-kind=cohort]');
    await settled(page, cell);
    await expect(cell.locator('[data-testid=cohort-table]')).toHaveValue('bestellungen');
    await expect(cell.locator('[data-testid=cohort-key]')).toHaveValue('Kundennummer');
    await expect(cell.locator('[data-testid=cohort-date]')).toHaveValue('Bestelldatum');
    await expect(cell.locator('[data-testid=cohort-amount]')).toHaveValue('Betrag');
    await shotOf(cell.locator('[data-testid=cohort-editor]'), 'cohort-editor');

    // 36 monthly cohorts up to the last complete month: the latest 12 form a triangle of 12 + 11 + … + 1 cells.
    await expect(cell.locator('[data-testid=cohort-summary]')).toHaveAttribute('data-cohorts', '36');
    const heat = cell.locator('[data-testid=cohort-heatmap] [aria-roledescription="rect mark"]');
    await expect(heat).toHaveCount(78);
    await shotOf(cell.locator('[data-testid=cohort-report]'), 'cohort-heatmap');
    await cell.locator('[data-testid=cohort-latest]').selectOption('0');
    await expect(heat).toHaveCount(Number(await cell.getAttribute('data-rows')));
    await cell.locator('[data-testid=cohort-latest]').selectOption('12');
    await cell.locator('[data-testid=cohort-tab-lines]').click();
    await expect(cell.locator('[data-testid=cohort-lines] [data-testid=chart-view] svg')).toBeVisible();
    await cell.locator('[data-testid=cohort-tab-revenue]').click();
    await expect(cell.locator('[data-testid=cohort-revenue] [data-testid=chart-view] svg')).toBeVisible();
    await shotOf(cell.locator('[data-testid=cohort-report]'), 'cohort-revenue');

    await cell.locator('[data-testid=cohort-tab-table]').click();
    const grid = cell.locator('[data-testid=result-grid]');
    await expect(grid.locator('[data-testid=grid-sort][data-column=cohort]')).toBeVisible();
    const header = await grid.locator('[data-testid=grid-sort]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-column')));
    const [first] = await readGrid(grid);
    expect(first[header.indexOf('cohort')]).toBe('2023-01-01');
    expect(first[header.indexOf('month_offset')]).toBe('0');
    expect(first[header.indexOf('retention')]).toBe('1');
    const size = first[header.indexOf('cohort_size')];
    expect(first[header.indexOf('customers')]).toBe(size);

    const hand = await addSqlCell(
      page,
      `SELECT count(*) AS n FROM (SELECT Kundennummer, min(CAST(Bestelldatum AS DATE)) AS first_day FROM bestellungen GROUP BY Kundennummer) WHERE date_trunc('month', first_day) = DATE '2023-01-01'`
    );
    const [[n]] = await gridRows(hand);
    expect(size).toBe(n);
    expect(Number(n.replace(/,/g, ''))).toBeGreaterThan(0);

    await expectNoSeriousAxe(page, '[data-cell-kind=cohort]');
  });
});
