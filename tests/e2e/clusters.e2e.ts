import AxeBuilder from '@axe-core/playwright';
import type { Locator } from '@playwright/test';
import path from 'node:path';
import { expect, loadFiles, openApp, readGrid, settled, shotOf, test } from './fixtures';

const FIRMS = path.resolve('static/samples/firmen.csv');
const FIRM_ROWS = 1500;
const SURVEY = path.resolve('static/samples/umfrage.csv');
const SURVEY_ROWS = 800;

/** The sizes the Clusters tab shows, once there are `k` cards. */
async function cardSizes(cell: Locator, k: number): Promise<number[]> {
  await expect(cell.locator('[data-testid=cluster-card]')).toHaveCount(k);
  return cell.locator('[data-testid=cluster-card]').evaluateAll((cards) => cards.map((c) => Number(c.getAttribute('data-size'))));
}

test.describe('cluster cells', () => {
  test('cluster accounts on numbers and a one-hot feature, name the clusters, choose k', async ({ page }) => {
    test.setTimeout(180_000);
    await openApp(page);
    await loadFiles(page, [FIRMS]);
    await expect(page.locator('li[data-table=firmen]')).toHaveAttribute('data-rows', String(FIRM_ROWS));

    await page.click('[data-testid=add-cluster-cell]');
    const cell = page.locator('[data-cell-kind=cluster]');
    await settled(page, cell);
    await expect(cell.locator('[data-testid=cluster-table]')).toHaveValue('firmen');
    await expect(cell.locator('[data-testid=cluster-key]')).toHaveValue('Firmennummer');
    await expect(cell.locator('[data-testid=cluster-k]')).toHaveValue('4');
    const revenue = cell.locator('[data-testid=cluster-feature][data-column=Jahresumsatz]');
    await expect(revenue.locator('[data-testid=feature-prep]')).toHaveValue('log1p_z');
    await expect(cell.locator('[data-testid=cluster-feature][data-column=Mitarbeiter] [data-testid=feature-prep]')).toHaveValue('z');
    await expect(revenue.locator('[data-testid=feature-missing]')).not.toBeEmpty();

    // A one-hot feature: the industry, its 5 most frequent values.
    await cell.locator('[data-testid=add-feature]').click();
    const industry = cell.locator('[data-testid=cluster-feature]').last();
    await industry.locator('[data-testid=feature-column]').selectOption('Branche');
    await expect(industry.locator('[data-testid=feature-prep]')).toHaveValue('onehot');
    await industry.locator('[data-testid=feature-top]').fill('5');
    await industry.locator('[data-testid=feature-top]').press('Enter');
    await settled(page, cell);
    await expect(cell).toHaveAttribute('data-rows', String(FIRM_ROWS));
    await expect(cell.locator('[data-testid=cluster-quality]')).toContainText('silhouette');
    await shotOf(cell.locator('[data-testid=cluster-editor]'), 'cluster-editor');

    // Every account is in exactly one cluster.
    await cell.locator('[data-testid=cluster-tab-clusters]').click();
    const sizes = await cardSizes(cell, 4);
    expect(sizes.every((s) => s > 0)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(FIRM_ROWS);
    await expect(cell.locator('[data-testid=cluster-description]')).toHaveCount(4);
    await expect(cell.locator('[data-testid=cluster-cards] [data-testid=chart-view]')).toHaveCount(2);
    const suggested = await cell.locator('[data-testid=cluster-name]').first().getAttribute('placeholder');
    expect(suggested).toBeTruthy();

    // A name is stored in the cell and shows in the members' segment column.
    await cell.locator('[data-testid=cluster-name]').first().fill('Gruppe A');
    await cell.locator('[data-testid=cluster-name]').first().press('Enter');
    await settled(page, cell);
    await expect(cell.locator('[data-testid=cluster-name]').first()).toHaveValue('Gruppe A');
    await expect(cell.locator('[data-testid=cluster-card]').first()).toHaveAttribute('data-size', String(sizes[0]));
    await expect(cell.locator('[data-testid=cluster-suggested]').first()).toHaveText(`Suggested: ${suggested}`);
    await shotOf(cell.locator('[data-testid=cluster-card-list]'), 'cluster-cards');
    await shotOf(cell.locator('[data-testid=cluster-centres]'), 'cluster-centres');
    await shotOf(cell.locator('[data-testid=cluster-map]'), 'cluster-map');
    await cell.locator('[data-testid=cluster-tab-members]').click();
    const grid = cell.locator('[data-testid=result-grid]');
    await expect(grid.locator('[data-testid=grid-sort][data-column=segment]')).toBeVisible();
    const header = await grid.locator('[data-testid=grid-sort]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-column')));
    const segmentAt = header.indexOf('segment');
    expect(segmentAt).toBeGreaterThanOrEqual(0);
    const [first] = await readGrid(grid);
    expect(first[segmentAt]).toBe('Gruppe A');

    // A clustering is a segmentation: the segment profile lists the clusters by name and size, with a KPI.
    await cell.locator('[data-testid=cluster-tab-profile]').click();
    await cell.locator('[data-testid=add-kpi]').click();
    await cell.locator('[data-testid=kpi-row]').first().locator('[data-testid=kpi-column]').selectOption('Mitarbeiter');
    await expect(cell.locator('[data-testid=profile-row]')).toHaveCount(4);
    await expect(cell.locator('[data-testid=kpi-row]').first().locator('[data-testid=kpi-label]')).toHaveValue('Mitarbeiter');
    const profiled = await cell.locator('[data-testid=profile-row]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-segment'), Number(tr.getAttribute('data-size'))]));
    expect(profiled.map(([, n]) => n)).toEqual(sizes);
    expect(profiled[0][0]).toBe('Gruppe A');
    await shotOf(cell.locator('[data-testid=cluster-report]'), 'cluster-profile');
    // Clusters never overlap.
    await cell.locator('[data-testid=cluster-tab-compare]').click();
    await expect(cell.locator('[data-testid=overlap-cell]').first()).toBeVisible();
    const shared = await cell.locator('[data-testid=overlap-cell]').evaluateAll((tds) =>
      tds.filter((td) => td.getAttribute('data-a') !== td.getAttribute('data-b')).map((td) => Number(td.getAttribute('data-both') ?? 0))
    );
    expect(shared.every((n) => n === 0)).toBe(true);

    // Choose k among 2…3: the chart is drawn, and using the suggestion re-runs with that k.
    await cell.locator('[data-testid=cluster-tab-k]').click();
    await cell.locator('[data-testid=k-min]').fill('2');
    await cell.locator('[data-testid=k-max]').fill('3');
    await cell.locator('[data-testid=compare-k]').click();
    await expect(cell.locator('[data-testid=cluster-k-panel] [data-testid=chart-view]')).toHaveCount(1, { timeout: 60_000 });
    const k = Number(await cell.locator('[data-testid=k-why]').getAttribute('data-k'));
    expect([2, 3]).toContain(k);
    await shotOf(cell.locator('[data-testid=cluster-k-panel]'), 'cluster-k');
    const kAxe = await new AxeBuilder({ page }).include('[data-testid=cluster-k-panel]').analyze();
    expect(kAxe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await cell.locator('[data-testid=use-k]').click();
    await settled(page, cell);
    await expect(cell.locator('[data-testid=cluster-k]')).toHaveValue(String(k));
    await cell.locator('[data-testid=cluster-tab-clusters]').click();
    const after = await cardSizes(cell, k);
    expect(after.reduce((a, b) => a + b, 0)).toBe(FIRM_ROWS);
    await expect(cell.locator('[data-testid=cluster-name]').first()).toHaveValue('');

    const axe = await new AxeBuilder({ page }).include('[data-cell-kind=cluster]').analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  test('k-modes finds needs-based segments in survey answers', async ({ page }) => {
    test.setTimeout(180_000);
    await openApp(page);
    await loadFiles(page, [SURVEY]);
    await expect(page.locator('li[data-table=umfrage]')).toHaveAttribute('data-rows', String(SURVEY_ROWS));

    await page.click('[data-testid=add-cluster-cell]');
    const cell = page.locator('[data-cell-kind=cluster]');
    await settled(page, cell);
    await expect(cell.locator('[data-testid=cluster-key]')).toHaveValue('Kundennummer');
    await expect(cell.locator('[data-testid=cluster-feature]')).toHaveCount(5);

    // Switch to k-modes: the Likert answers become categories, preparation and weights go away.
    await cell.locator('[data-testid=cluster-algorithm]').selectOption('kmodes');
    await settled(page, cell);
    await expect(cell.locator('[data-testid=cluster-algorithm-hint]')).toContainText('k-modes');
    await expect(cell.locator('[data-testid=feature-prep]')).toHaveCount(0);
    await cell.locator('[data-testid=add-feature]').click();
    await cell.locator('[data-testid=cluster-feature]').last().locator('[data-testid=feature-column]').selectOption('Familienstand');
    await settled(page, cell);
    await expect(cell.locator('[data-testid=cluster-feature][data-column=Familienstand] [data-testid=feature-missing]')).toContainText('category of its own');
    const quality = cell.locator('[data-testid=cluster-quality]');
    await expect(quality).toHaveAttribute('data-algorithm', 'kmodes');
    await expect(quality).toContainText('matching dissimilarity');
    await expect(cell).toHaveAttribute('data-rows', String(SURVEY_ROWS));
    await shotOf(cell.locator('[data-testid=cluster-editor]'), 'kmodes-editor');

    // Every respondent in one cluster; the modes table instead of centres, and why there is no map.
    await cell.locator('[data-testid=cluster-tab-clusters]').click();
    const sizes = await cardSizes(cell, 4);
    expect(sizes.every((s) => s > 0)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(SURVEY_ROWS);
    await expect(cell.locator('[data-testid=cluster-description]')).toHaveCount(4);
    await expect(cell.locator('[data-testid=mode-row]')).toHaveCount(4);
    await expect(cell.locator('[data-testid=mode-cell]')).toHaveCount(4 * 6);
    const shares = await cell.locator('[data-testid=mode-cell]').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-share'))));
    expect(shares.every((x) => x > 0 && x <= 1)).toBe(true);
    await expect(cell.locator('[data-testid=cluster-centres]')).toHaveCount(0);
    await expect(cell.locator('[data-testid=cluster-no-map]')).toBeVisible();
    await shotOf(cell.locator('[data-testid=cluster-card-list]'), 'kmodes-cards');
    await shotOf(cell.locator('[data-testid=cluster-modes]'), 'kmodes-modes');
    const axe = await new AxeBuilder({ page }).include('[data-cell-kind=cluster]').analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

    // The k selection plots the cost curve and the matching silhouette.
    await cell.locator('[data-testid=cluster-tab-k]').click();
    await cell.locator('[data-testid=k-min]').fill('2');
    await cell.locator('[data-testid=k-max]').fill('5');
    await cell.locator('[data-testid=compare-k]').click();
    await expect(cell.locator('[data-testid=cluster-k-panel] [data-testid=chart-view]')).toHaveCount(1, { timeout: 60_000 });
    await expect(cell.locator('[data-testid=k-why]')).toContainText(/cost curve|silhouette/);
    await shotOf(cell.locator('[data-testid=cluster-k-panel]'), 'kmodes-k');

  });
});
