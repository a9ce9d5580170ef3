import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { ARTIFACTS, expect, loadFiles, openApp, shot, test } from './fixtures';

const BIG = path.join(ARTIFACTS, 'big_orders.csv');

/** Writes a CSV of `rows` German-formatted order lines (deterministic). */
async function writeBigCsv(file: string, rows: number): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  out.write('Bestellnummer;Kundennummer;Bestelldatum;Betrag;Kanal\n');
  for (let i = 1; i <= rows; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    const month = String((i % 12) + 1).padStart(2, '0');
    const line = `${i};K${(i * 7919) % 100000};${day}.${month}.2025;${(i % 997) + 1},${String(i % 100).padStart(2, '0')};${i % 3 ? 'Online' : 'Filiale'}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

test.describe('large files', () => {
  test.beforeAll(async () => {
    if (!existsSync(BIG)) await writeBigCsv(BIG, 3_000_000);
  });

  test('shows bytes and rows while loading and cancels cleanly', async ({ page }) => {
    await openApp(page);
    await loadFiles(page, [BIG]);
    const progress = page.locator('[data-testid=load-progress][data-file="big_orders.csv"]');
    await expect(progress).toBeVisible();
    await expect(progress).toContainText(/MB/);
    await shot(page, 'load-progress');
    await progress.locator('[data-testid=cancel-load]').click();
    await expect(page.locator('[data-testid=notice][data-file="big_orders.csv"]')).toContainText(/cancel/i);
    await expect(page.locator('li[data-table=big_orders]')).toHaveCount(0);
    await expect(page.locator('main')).toHaveAttribute('data-engine', 'ready');
  });

  test('warns before a load that will not fit and offers a column subset or a sample', async ({ page }) => {
    await openApp(page, '?memory=16');
    await loadFiles(page, [BIG]);
    const dialog = page.locator('[data-testid=load-dialog]');
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(/MB/);
    await shot(page, 'too-large');
    await dialog.locator('input[data-testid=column-choice][value=Betrag]').uncheck();
    await dialog.locator('input[data-testid=sample-rows]').fill('50000');
    await dialog.locator('[data-testid=load-confirm]').click();
    const table = page.locator('li[data-table=big_orders]');
    await expect(table).toBeVisible({ timeout: 60_000 });
    const rows = Number(await table.getAttribute('data-rows'));
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThanOrEqual(60_000);
  });
});
