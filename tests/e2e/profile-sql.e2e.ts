import path from 'node:path';
import { expect, FIXTURES, loadFiles, openApp, shot, test } from './fixtures';

test.describe('profile and SQL', () => {
  test('profiles each column with a mini chart and flags personal data', async ({ page }) => {
    await openApp(page, '?sample=1');
    await expect(page.locator('li[data-table=kunden]')).toHaveAttribute('data-rows', '2000');
    await page.locator('li[data-table=kunden]').click();
    const profile = page.locator('[data-testid=profile][data-table=kunden]');
    await expect(profile).toBeVisible();
    await expect(profile.locator('[data-column]')).toHaveCount(12);
    await expect(profile.locator('[data-column="E-Mail"] [data-pii=email]')).toBeVisible();
    await expect(profile.locator('[data-column="Umsatz gesamt"]')).toHaveAttribute('data-type', 'DOUBLE');
    await expect(profile.locator('[data-column="Umsatz gesamt"] [data-testid=mini-chart] svg')).toBeVisible();
    await expect(profile.locator('[data-column="Bundesland"] [data-testid=mini-chart] svg')).toBeVisible();
    await shot(page, 'profile');
  });

  test('runs SQL in the worker and shows the Arrow result', async ({ page }) => {
    await openApp(page);
    await page.fill('textarea[data-testid=sql-input]', 'SELECT range AS n, range * 1.5 AS x FROM range(100000)');
    await page.click('[data-testid=run-sql]');
    await expect(page.locator('[data-testid=sql-result]')).toHaveAttribute('data-rows', '100000');
    await shot(page, 'sql-result');
  });

  test('marks the line and column of a SQL error', async ({ page }) => {
    await openApp(page);
    await page.fill('textarea[data-testid=sql-input]', 'SELECT 1,\n  nope(2)');
    await page.click('[data-testid=run-sql]');
    const err = page.locator('[data-testid=sql-error]');
    await expect(err).toContainText(/nope/);
    await expect(err).toHaveAttribute('data-line', '2');
    await expect(err).toHaveAttribute('data-column', '3');
  });
});
