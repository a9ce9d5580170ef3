// Issue 8, points 1 and 2: the Privacy panel, personal data in profiles and downloads, Forget everything.
import type { Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, FIXTURES, loadFiles, openApp, settled, shot, shotOf, test } from './fixtures';

const CSV = path.join(FIXTURES, 'privacy/kontakte.csv');
const ROWS = readFileSync(CSV, 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split(';'));
const HEADER = ROWS[0];
const DATA = ROWS.slice(1);
const column = (name: string) => DATA.map((r) => r[HEADER.indexOf(name)]);
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

async function download(page: Page, click: () => Promise<void>): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync((await file.path())!, 'utf8');
}

function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((l) => l.split(','));
}

/** What this origin keeps in the browser, read from the page. */
async function storage(page: Page): Promise<{ idb: string[]; opfs: string[]; local: number; session: number; caches: string[] }> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const opfs: string[] = [];
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) opfs.push(name);
    return {
      idb: (await indexedDB.databases()).map((d) => d.name ?? ''),
      opfs,
      local: localStorage.length,
      session: sessionStorage.length,
      caches: await caches.keys()
    };
  });
}

test('flags personal columns with evidence, keeps them out of downloads unless opted in, and forgets everything', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await loadFiles(page, [CSV]);
  await expect(page.locator('li[data-table=kontakte]')).toHaveAttribute('data-rows', '6', { timeout: 60_000 });

  // The profile shows what was detected, with the evidence.
  await page.locator('li[data-table=kontakte]').click();
  const profile = page.locator('[data-testid=profile][data-table=kontakte]');
  const card = (name: string) => profile.locator(`[data-column="${name}"]`);
  await expect(card('Kontakt').locator('[data-pii=email]')).toBeVisible();
  await expect(card('Kontakt').locator('[data-testid=pii-evidence]')).toContainText('Pattern: e-mail · 6 of 6 sampled values match');
  await expect(card('Kontakt').locator('[data-testid=pii-example]')).toHaveText(/^e\.g\. [a-zäöü]•••@•••\.(de|com|org)$/);
  await expect(card('Telefon').locator('[data-pii=phone]')).toBeVisible();
  await expect(card('IBAN').locator('[data-pii=iban]')).toBeVisible();
  await expect(card('IBAN').locator('[data-testid=pii-example]')).toHaveText(/^e\.g\. (DE|GB|AT)•••\d\d$/);
  await expect(card('Ort').locator('[data-testid=pii]')).toHaveCount(0);
  await shotOf(profile, 'privacy-profile-evidence');

  // Unmark one, mark it again; mark a column detection missed.
  await card('Telefon').locator('[data-testid=pii-mark]').uncheck();
  await expect(card('Telefon').locator('[data-testid=pii]')).toHaveAttribute('data-personal', 'false');
  await card('Telefon').locator('[data-testid=pii-mark]').check();
  await expect(card('Telefon').locator('[data-testid=pii]')).toHaveAttribute('data-personal', 'true');
  await card('Ort').locator('[data-testid=pii-mark]').check();
  await expect(card('Ort').locator('[data-pii=marked]')).toHaveAttribute('data-personal', 'true');

  // The first cell (SELECT * FROM kontakte) downloads without personal columns by default.
  const cell = page.locator('[data-cell-id]').first();
  await settled(page, cell);
  const csvButton = cell.locator('[data-testid=result-grid] [data-testid=download-csv]');
  const plain = await download(page, () => csvButton.click());
  expect(parseCsv(plain)[0]).toEqual(['Kundennummer', 'Umsatz']);
  for (const name of ['Kontakt', 'Telefon', 'IBAN', 'Ort']) for (const v of column(name)) expect(plain).not.toContain(v);

  // Pseudonymised: sha256(salt ‖ value) with the notebook's salt.
  const options = cell.locator('[data-testid=personal-export]');
  await options.locator('summary').click();
  await expect(options.locator('[data-testid=personal-include]')).toHaveCount(4);
  await options.locator('[data-testid=personal-pseudonymise]').check();
  const hashed = parseCsv(await download(page, () => csvButton.click()));
  await expect(options.locator('[data-testid=personal-pseudonymise]')).not.toBeChecked();
  expect(hashed[0]).toEqual(HEADER);

  await page.click('[data-testid=privacy-open]');
  const panel = page.locator('[data-testid=privacy-panel]');
  await expect(panel).toBeVisible();
  const salt = await panel.locator('[data-testid=privacy-salt]').inputValue();
  expect(salt).toMatch(/^[0-9a-f]{64}$/);
  await panel.locator('[data-testid=privacy-close]').click();
  for (const name of ['Kontakt', 'Telefon', 'IBAN', 'Ort']) {
    expect(hashed.slice(1).map((r) => r[HEADER.indexOf(name)])).toEqual(column(name).map((v) => sha256(salt + v)));
  }

  // Opted in for one download: that column is there as it is, the others stay out.
  await options.locator('[data-testid=personal-include][value=Kontakt]').check();
  await expect(options.locator('[data-testid=personal-warning]')).toBeVisible();
  await shotOf(options, 'privacy-export-options');
  const opted = parseCsv(await download(page, () => csvButton.click()));
  expect(opted[0]).toEqual(['Kundennummer', 'Kontakt', 'Umsatz']);
  expect(opted.slice(1).map((r) => r[1])).toEqual(column('Kontakt'));
  await expect(options.locator('[data-testid=personal-include][value=Kontakt]')).not.toBeChecked();

  // The saved notebook keeps the marks and the salt, never a value of the data.
  const saved = await download(page, () => page.click('[data-testid=save-notebook]'));
  const doc = JSON.parse(saved);
  expect(doc.sources[0].personal).toEqual({ Ort: true });
  expect(doc.settings.pseudonymSalt).toBe(salt);
  for (const row of DATA) for (const v of row) expect(saved, v).not.toContain(v);

  // Keep the data in this browser, so there is something in OPFS to forget.
  await page.check('[data-testid=keep-data]');
  await expect.poll(async () => (await storage(page)).opfs.length, { timeout: 30_000 }).toBeGreaterThan(0);
  await expect.poll(async () => (await storage(page)).idb, { timeout: 30_000 }).toContain('seglab');

  // The Privacy panel: what stays where, every request same-origin and listed live.
  await page.click('[data-testid=privacy-open]');
  await expect(panel.locator('[data-where=memory]')).toContainText('kontakte');
  await expect(panel.locator('[data-where=opfs]')).toContainText('OPFS');
  const summary = panel.locator('[data-testid=privacy-requests-summary]');
  await expect(summary).toHaveAttribute('data-off', '0');
  const before = Number(await summary.getAttribute('data-count'));
  expect(before).toBeGreaterThan(3);
  await expect(panel.locator('[data-testid=privacy-requests] tbody tr[data-same-origin=false]')).toHaveCount(0);
  await expect(panel.locator('[data-testid=privacy-requests] tbody tr').first()).toContainText('navigation');
  await page.evaluate(() => fetch('./favicon.svg?privacy-check').then((r) => r.text()));
  await expect(summary).toHaveAttribute('data-count', String(before + 1));
  await expect(panel.locator('[data-testid=privacy-requests] tbody tr').last()).toContainText('favicon.svg?privacy-check');
  await shotOf(panel, 'privacy-panel');
  await shotOf(panel.locator('[data-testid=privacy-requests]'), 'privacy-requests');

  // Forget everything: tables, notebook and this origin's storage are gone.
  await panel.locator('[data-testid=privacy-forget]').click();
  await panel.locator('[data-testid=privacy-forget-yes]').click();
  await expect(page.locator('[data-testid=notice]').filter({ hasText: 'forgotten' })).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('li[data-table]')).toHaveCount(0);
  await expect(page.locator('[data-cell-id]')).toHaveCount(0);
  await expect(panel.locator('[data-where=memory]')).toHaveText('No tables are loaded.');
  expect(await storage(page)).toEqual({ idb: [], opfs: [], local: 0, session: 0, caches: [] });
  await panel.locator('[data-testid=privacy-close]').click();

  await page.reload();
  await expect(page.locator('main')).toHaveAttribute('data-engine', 'ready', { timeout: 60_000 });
  // Nothing announces "nothing to restore"; give a restore the time it takes in the other tests.
  await page.waitForTimeout(1000);
  await expect(page.locator('[data-testid=notice]').filter({ hasText: 'Restored' })).toHaveCount(0);
  await expect(page.locator('[data-testid=reattach-dialog]')).toHaveCount(0);
  await expect(page.locator('[data-cell-id]')).toHaveCount(0);
  await expect(page.locator('li[data-table]')).toHaveCount(0);
  await shot(page, 'privacy-after-forget');
});
