import type { Page } from '@playwright/test';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, expect, openApp, shot, shotOf, test } from './fixtures';

const SAMPLES = path.resolve('static/samples');

/** `status:rows` of every cell that yields a table, by cell id, once the notebook is idle. */
async function results(page: Page): Promise<Record<string, string>> {
  await expect(page.locator('[data-testid=notebook]')).not.toHaveAttribute('data-run-state', 'running', { timeout: 90_000 });
  return page.locator('[data-cell-id]').evaluateAll((cells) =>
    Object.fromEntries(
      cells
        .filter((c) => c.getAttribute('data-cell-kind') !== 'markdown')
        .map((c) => [c.getAttribute('data-cell-id'), `${c.getAttribute('data-status')}:${c.getAttribute('data-rows') ?? ''}`])
    )
  );
}

/**
 * The sample's two files under names the notebook does not know, so only their columns can match
 * them: the orders unchanged, the customers without their last column ("Umsatz gesamt", which no
 * cell of the sample reads).
 */
function renamedFiles(): [string, string] {
  const customers = path.join(ARTIFACTS, 'crm_export.csv');
  const lines = readFileSync(path.join(SAMPLES, 'kunden.csv'), 'latin1').split('\r\n');
  writeFileSync(customers, lines.map((l) => l.split(';').slice(0, -1).join(';')).join('\r\n'), 'latin1');
  const orders = path.join(ARTIFACTS, 'orders_2025.csv');
  copyFileSync(path.join(SAMPLES, 'bestellungen.csv'), orders);
  return [customers, orders];
}

test('a share link opens the same notebook in a fresh browser profile, shown first, asking for its data', async ({ page, browser, baseURL }) => {
  await openApp(page, '?sample=1');
  await expect(page.locator('[data-cell-id=channels]')).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  const sent = await results(page);
  await page.click('[data-testid=share-notebook]');
  const panel = page.locator('[data-testid=share-panel]');
  await expect(panel).toContainText('never your data');
  const link = await panel.locator('[data-testid=share-link]').inputValue();
  expect(link).toMatch(/#nb=[A-Za-z0-9_-]+$/);
  // The link carries SQL and settings, never rows: no customer number of the data is in it.
  expect(Buffer.from(link.split('#nb=')[1], 'base64url').toString('latin1')).not.toMatch(/K-\d{4}/);
  await shotOf(panel, 'share-panel');

  // A fresh profile: nothing loaded, no draft. Its requests must stay on this origin too.
  const fresh = await browser.newContext({ baseURL, serviceWorkers: 'block' });
  const requests: string[] = [];
  fresh.on('request', (r) => requests.push(r.url()));
  const receiver = await fresh.newPage();
  await receiver.goto(link);
  const preview = receiver.locator('[data-testid=opened-preview]');
  await expect(preview).toBeVisible({ timeout: 60_000 });
  await expect(preview.locator('[data-testid=opened-cell]').first()).toBeVisible();
  await expect(preview.locator('[data-testid=opened-source]')).toHaveCount(2);
  expect(new URL(receiver.url()).hash).toBe('');
  await expect(receiver.locator('[data-cell-id]')).toHaveCount(0);
  await shot(receiver, 'share-received');

  await preview.locator('[data-testid=opened-run]').click();
  const dialog = receiver.locator('[data-testid=reattach-dialog]');
  await expect(dialog).toBeVisible();
  // The link carries each table's column names, and the dialog shows them.
  await expect(dialog.locator('[data-source=kunden] [data-testid=reattach-columns]')).toContainText('Kundennummer');
  // Two CSVs of unknown names: neither the name nor the extension can tell which is which; the columns do.
  await dialog.locator('input[data-testid=reattach-input]').setInputFiles(renamedFiles());
  await expect(dialog.locator('[data-source=kunden] [data-by-schema=true]')).toContainText('crm_export.csv');
  await expect(dialog.locator('[data-source=bestellungen] [data-by-schema=true]')).toContainText('orders_2025.csv');
  await shotOf(dialog, 'share-reattach-by-columns');
  await dialog.locator('[data-testid=reattach-confirm]').click();
  await expect(receiver.locator('[data-cell-id=channels]')).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  expect(await results(receiver)).toEqual(sent);
  // The customers' file lacks a column the sender's table had: the receiver is told which.
  await expect(receiver.locator('[data-testid=notice][data-kind=error]')).toContainText('lacks columns the notebook\'s kunden had: Umsatz gesamt');
  await shot(receiver, 'share-ran');

  const origin = new URL(baseURL!).origin;
  expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
  await fresh.close();
});

test('a damaged share link says so and opens nothing', async ({ page }) => {
  await openApp(page, '#nb=AAAA-broken');
  await expect(page.locator('[data-testid=notice][data-kind=error]')).toContainText('shared link could not be opened');
  await expect(page.locator('[data-testid=opened-preview]')).toHaveCount(0);
});
