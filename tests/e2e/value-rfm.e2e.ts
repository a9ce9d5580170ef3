import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import path from 'node:path';
import { addSqlCell, expect, gridRows, loadFiles, openApp, readGrid, settled, shotOf, test } from './fixtures';

const ORDERS = path.resolve('static/samples/bestellungen.csv');
const ORDER_ROWS = 15000;
const REFERENCE = '2025-06-30';

/** The numbers of a one-row SQL result, by column (whole numbers shown with grouping). */
async function sqlNumbers(page: Page, text: string): Promise<number[]> {
  const cell = await addSqlCell(page, text);
  const [row] = await gridRows(cell);
  return row.map((v) => Number(v.replace(/,/g, '')));
}

/** Name and size of each row of the RFM Segments tab. */
async function segmentSizes(cell: Locator): Promise<[string, number][]> {
  await cell.locator('[data-testid=rfm-tab-segments]').click();
  await expect(cell.locator('[data-testid=rfm-summary-row]').first()).toBeVisible();
  return cell
    .locator('[data-testid=rfm-summary-row]')
    .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-segment') ?? '', Number(tr.getAttribute('data-customers'))] as [string, number]));
}

/** Types four breakpoints of one measure (each change commits once all four ascend). */
async function setLimits(cell: Locator, measure: string, limits: number[]): Promise<void> {
  const inputs = cell.locator(`[data-testid=rfm-limits][data-measure=${measure}] [data-testid=rfm-limit]`);
  for (const [i, v] of limits.entries()) {
    await inputs.nth(i).fill(String(v));
    await inputs.nth(i).press('Enter');
  }
}

async function noSeriousViolations(page: Page, selector: string): Promise<void> {
  const axe = await new AxeBuilder({ page }).include(selector).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test.describe('RFM and value tier cells', () => {
  test('score orders by RFM, edit the map and breakpoints, then build profitability tiers', async ({ page }) => {
    test.setTimeout(240_000);
    // Tall enough that the editors' screenshots are not stitched under the sticky page header.
    await page.setViewportSize({ width: 1280, height: 1600 });
    await openApp(page);
    await loadFiles(page, [ORDERS]);
    await expect(page.locator('li[data-table=bestellungen]')).toHaveAttribute('data-rows', String(ORDER_ROWS), { timeout: 60_000 });
    await page.locator('[data-testid=reference-date]').fill(REFERENCE);

    // A new RFM cell guesses the transactions' columns and runs.
    await page.click('[data-testid=add-rfm-cell]');
    const rfm = page.locator('[data-cell-kind=rfm]');
    await settled(page, rfm);
    await expect(rfm.locator('[data-testid=rfm-table]')).toHaveValue('bestellungen');
    await expect(rfm.locator('[data-testid=rfm-key]')).toHaveValue('Kundennummer');
    await expect(rfm.locator('[data-testid=rfm-date]')).toHaveValue('Bestelldatum');
    await expect(rfm.locator('[data-testid=rfm-amount]')).toHaveValue('Betrag');
    await expect(rfm.locator('[data-testid=rfm-order]')).toHaveValue('Bestellnummer');
    await expect(rfm.locator('[data-testid=rfm-margin]')).toHaveValue('Marge');
    await expect(rfm.locator('[data-testid=rfm-reference]')).toHaveAttribute('data-date', REFERENCE);
    await expect(rfm.locator('[data-testid=rfm-coverage]')).toHaveAttribute('data-gaps', '0');
    await expect(rfm.locator('[data-testid=rfm-map-cell]')).toHaveCount(25);
    await expect(rfm.locator('[data-testid=rfm-map-cell][data-r="5"][data-f="5"]')).toHaveAttribute('data-segment', 'Champions');

    // Every customer with a purchase up to the reference date is in exactly one segment.
    const [customers] = await sqlNumbers(page, `SELECT count(DISTINCT Kundennummer) AS n FROM bestellungen WHERE Bestelldatum <= DATE '${REFERENCE}'`);
    expect(customers).toBeGreaterThan(1500);
    await expect(rfm).toHaveAttribute('data-rows', String(customers));
    const quintileSizes = await segmentSizes(rfm);
    expect(quintileSizes.map(([name]) => name).slice(0, 11)).toContain('Champions');
    expect(quintileSizes.reduce((a, [, n]) => a + n, 0)).toBe(customers);
    await expect(rfm.locator('[data-testid=rfm-segment-summary] [data-testid=chart-view] svg')).toHaveCount(2);
    await shotOf(rfm.locator('[data-testid=rfm-editor]'), 'rfm-editor');
    await shotOf(rfm.locator('[data-testid=rfm-report]'), 'rfm-segments');
    await rfm.locator('[data-testid=rfm-tab-grid]').click();
    await expect(rfm.locator('[data-testid=rfm-grid] [data-testid=chart-view] svg')).toBeVisible();
    await expect(rfm.locator('[data-testid=rfm-grid] [data-testid=chart-view]')).toHaveAttribute('data-marks', '25');
    await shotOf(rfm.locator('[data-testid=rfm-report]'), 'rfm-grid');

    // Breakpoints: recency ≤ 30 days scores 5, > 180 scores 1; frequency ≥ 5 orders scores 4 or 5, < 3 scores 1 or 2.
    await rfm.locator('[data-testid=rfm-scoring]').selectOption('breakpoints');
    await settled(page, rfm);
    await expect(rfm.locator('[data-testid=rfm-tie-rule]')).toContainText('Breakpoints');
    await setLimits(rfm, 'recency', [30, 60, 90, 180]);
    await setLimits(rfm, 'frequency', [2, 3, 5, 8]);
    await settled(page, rfm);
    await expect(rfm.locator('[data-testid=rfm-limits][data-measure=recency] [data-testid=rfm-limit]').first()).toHaveValue('30');
    await expect(rfm.locator('[data-testid=rfm-limits][data-measure=frequency] [data-testid=rfm-limit]').nth(2)).toHaveValue('5');
    const [champions, lost] = await sqlNumbers(
      page,
      `WITH c AS (SELECT Kundennummer, DATE '${REFERENCE}' - max(Bestelldatum) AS rec, count(DISTINCT Bestellnummer) AS freq
  FROM bestellungen WHERE Bestelldatum <= DATE '${REFERENCE}' GROUP BY 1)
SELECT count(*) FILTER (WHERE rec <= 30 AND freq >= 5) AS champions, count(*) FILTER (WHERE rec > 180 AND freq < 3) AS lost FROM c`
    );
    expect(champions).toBeGreaterThan(0);
    const breakpointSizes = await segmentSizes(rfm);
    expect(breakpointSizes).not.toEqual(quintileSizes);
    expect(new Map(breakpointSizes).get('Champions')).toBe(champions);
    expect(new Map(breakpointSizes).get('Lost')).toBe(lost);
    expect(breakpointSizes.reduce((a, [, n]) => a + n, 0)).toBe(customers);
    await shotOf(rfm.locator('[data-testid=rfm-editor]'), 'rfm-editor-breakpoints');

    // A renamed segment is what the members' segment column says.
    await rfm.locator('[data-testid=rfm-segment-name]').first().fill('Stars');
    await rfm.locator('[data-testid=rfm-segment-name]').first().press('Enter');
    await settled(page, rfm);
    await expect(rfm.locator('[data-testid=rfm-map-cell][data-r="5"][data-f="5"]')).toHaveAttribute('data-segment', 'Stars');
    await rfm.locator('[data-testid=rfm-tab-members]').click();
    const grid = rfm.locator('[data-testid=result-grid]');
    await expect(grid.locator('[data-testid=grid-sort][data-column=segment]')).toBeVisible();
    const header = await grid.locator('[data-testid=grid-sort]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-column')));
    const [first] = await readGrid(grid);
    expect(first[header.indexOf('segment')]).toBe('Stars');
    expect(new Map(await segmentSizes(rfm)).get('Stars')).toBe(champions);
    await noSeriousViolations(page, '[data-cell-kind=rfm]');

    // Tiers over the RFM result: profitable above a margin of 200, potential when more than 2 orders, subdivided by RFM segment.
    await page.click('[data-testid=add-tiers-cell]');
    const tiers = page.locator('[data-cell-kind=tiers]');
    await settled(page, tiers);
    await expect(tiers.locator('[data-testid=tiers-table]')).toHaveValue('rfm');
    await expect(tiers.locator('[data-testid=tiers-value]')).toHaveValue('margin');
    await tiers.locator('[data-testid=tiers-threshold]').fill('200');
    await tiers.locator('[data-testid=tiers-threshold]').press('Enter');
    await settled(page, tiers);
    await tiers.locator('[data-testid=tiers-potential]').selectOption('frequency');
    await tiers.locator('[data-testid=tiers-potential-threshold]').fill('2');
    await tiers.locator('[data-testid=tiers-potential-threshold]').press('Enter');
    await tiers.locator('[data-testid=tiers-subdivide]').selectOption('rfm');
    await settled(page, tiers);
    await expect(tiers).toHaveAttribute('data-rows', String(customers));

    const expected = await sqlNumbers(
      page,
      `SELECT count(*) FILTER (WHERE margin > 200) AS p, count(*) FILTER (WHERE margin <= 200 AND frequency > 2) AS pp,
  count(*) FILTER (WHERE margin <= 200 AND frequency <= 2) AS u FROM rfm`
    );
    await tiers.locator('[data-testid=tiers-tab-tiers]').click();
    const tierRows = tiers.locator('[data-testid=tier-row]');
    await expect(tierRows).toHaveCount(3);
    const sizes = await tierRows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-customers'))));
    expect(sizes).toEqual(expected);
    const subs = await tiers.locator('[data-testid=tier-sub-row]').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-customers'))));
    expect(subs.length).toBeGreaterThan(1);
    expect(subs.reduce((a, b) => a + b, 0)).toBe(expected[0]);

    // "The top 20 % of customers bring V % of the margin", against the Lorenz curve by hand (interpolated at 0.2 · n).
    const [share] = await sqlNumbers(
      page,
      `WITH o AS (SELECT margin AS v, row_number() OVER (ORDER BY margin DESC) AS i, count(*) OVER () AS n FROM rfm),
  m AS (SELECT 0.2 * max(n) AS m, sum(v) AS total FROM o)
SELECT round(1e6 * ((SELECT coalesce(sum(v), 0) FROM o WHERE i <= floor(m.m))
  + (m.m - floor(m.m)) * coalesce((SELECT v FROM o WHERE i = floor(m.m) + 1), 0)) / m.total) AS share FROM m`
    );
    const sentence = tiers.locator('[data-testid=tiers-top-share]');
    await expect(sentence).toContainText('The top 20% of customers bring');
    const shown = Number(await sentence.getAttribute('data-share'));
    expect(Math.abs(shown * 1e6 - share)).toBeLessThanOrEqual(1);
    const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(shown);
    await expect(sentence).toContainText(`bring ${percent} of the total margin`);
    await expect(tiers.locator('[data-testid=tiers-lorenz] [data-testid=chart-view] svg')).toBeVisible();
    await expect(tiers.locator('[data-testid=tiers-lorenz] [data-testid=chart-view]')).not.toHaveAttribute('data-marks', '0');
    await shotOf(tiers.locator('[data-testid=tiers-editor]'), 'tiers-editor');
    await shotOf(tiers.locator('[data-testid=tiers-report]'), 'tiers-report');
    await noSeriousViolations(page, '[data-cell-kind=tiers]');
  });
});

test('opens the customer value example from the gallery and runs every cell', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page);
  await page.click('[data-testid=gallery-open]');
  await page.click('[data-testid=gallery-card][data-example=value] [data-testid=gallery-run]');
  const cells = page.locator('[data-cell-id]');
  await expect(page.locator('[data-cell-id=kohorten]')).toHaveAttribute('data-status', 'ok', { timeout: 120_000 });
  await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle', { timeout: 120_000 });
  const statuses = await cells.evaluateAll((els) => els.filter((e) => e.getAttribute('data-cell-kind') !== 'markdown').map((e) => `${e.getAttribute('data-cell-id')}:${e.getAttribute('data-status')}`));
  expect(statuses).toEqual(['rfm:ok', 'clv:ok', 'kosten:ok', 'stufen:ok', 'kohorten:ok']);
  // The tiers read the CLV result through the cost cell: every calibrated customer has a tier.
  await expect(page.locator('[data-cell-id=stufen]')).toHaveAttribute('data-rows', await page.locator('[data-cell-id=clv]').getAttribute('data-rows') ?? '');
  await shotOf(page.locator('[data-cell-id=stufen]'), 'value-sample-tiers');
});
