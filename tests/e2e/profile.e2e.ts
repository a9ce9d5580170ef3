import { expect, openApp, shot, test } from './fixtures';

test.describe('profile', () => {
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
});
