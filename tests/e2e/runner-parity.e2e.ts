import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, expect, openApp, test } from './fixtures';
import type { Page } from '@playwright/test';

const NOTEBOOK = path.resolve('static/samples/retail.notebook.json');
const OUT = path.join(ARTIFACTS, 'runner-out');

interface SqlCell {
  id: string;
  kind: 'sql';
  name?: string;
  sql: string;
}

async function run(page: Page, text: string): Promise<void> {
  const panel = page.locator('[data-testid=sql-panel]');
  const runs = Number(await panel.getAttribute('data-runs'));
  await page.fill('textarea[data-testid=sql-input]', text);
  await page.click('[data-testid=run-sql]');
  await expect(panel).toHaveAttribute('data-runs', String(runs + 1));
  await expect(page.locator('[data-testid=sql-result]')).toBeVisible();
  await expect(page.locator('[data-testid=run-sql]')).toBeEnabled();
}

test('the runner writes the same CSV bytes as the browser for the sample notebook', async ({ page }) => {
  rmSync(OUT, { recursive: true, force: true });
  execFileSync('node', ['bin/seglab.mjs', 'run', NOTEBOOK, '--out', OUT], { stdio: 'pipe' });
  const notebook = JSON.parse(readFileSync(NOTEBOOK, 'utf8'));
  const cells = (notebook.cells as { kind: string }[]).filter((c): c is SqlCell => c.kind === 'sql');
  expect(cells.length).toBeGreaterThanOrEqual(3);

  await openApp(page, '?sample=1');
  await expect(page.locator('li[data-table=kunden]')).toHaveAttribute('data-rows', '2000');
  await expect(page.locator('li[data-table=bestellungen]')).toHaveAttribute('data-rows', '15000');
  await run(page, `SET VARIABLE reference_date = DATE '${notebook.settings.referenceDate}'`);
  for (const cell of cells) {
    const quoted = cell.name ? `"${cell.name.replaceAll('"', '""')}"` : null;
    if (quoted) await run(page, `CREATE OR REPLACE VIEW ${quoted} AS ${cell.sql}`);
    await run(page, quoted ? `SELECT * FROM ${quoted}` : cell.sql);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-csv]')]);
    const browserCsv = readFileSync((await download.path())!);
    const runnerCsv = readFileSync(path.join(OUT, `${cell.id}.csv`));
    expect(browserCsv.length, cell.id).toBeGreaterThan(0);
    expect(browserCsv.equals(runnerCsv), `${cell.id}.csv differs between browser and runner`).toBe(true);
  }
});
