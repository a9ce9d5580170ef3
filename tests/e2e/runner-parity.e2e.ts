import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, expect, openApp, test } from './fixtures';

const NOTEBOOK = path.resolve('static/samples/retail.notebook.json');
const OUT = path.join(ARTIFACTS, 'runner-out');

test('the runner writes the same CSV bytes as the browser for every cell of the sample notebook', async ({ page }) => {
  rmSync(OUT, { recursive: true, force: true });
  execFileSync('node', ['bin/seglab.mjs', 'run', NOTEBOOK, '--out', OUT], { stdio: 'pipe' });
  const notebook = JSON.parse(readFileSync(NOTEBOOK, 'utf8'));
  const cells = (notebook.cells as { id: string; kind: string }[]).filter((c) => c.kind !== 'markdown');
  expect(cells.length).toBeGreaterThanOrEqual(4);

  await openApp(page, '?sample=1');
  await expect(page.locator('li[data-table=kunden]')).toHaveAttribute('data-rows', '2000');
  await expect(page.locator('li[data-table=bestellungen]')).toHaveAttribute('data-rows', '15000');
  await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle', { timeout: 60_000 });
  for (const cell of cells) {
    const el = page.locator(`[data-cell-id="${cell.id}"]`);
    await expect(el).toHaveAttribute('data-status', 'ok');
    const [download] = await Promise.all([page.waitForEvent('download'), page.evaluate((id) => {
      // Chart cells show no grid; their aggregated rows download through the cell's own menu.
      const button = document.querySelector<HTMLButtonElement>(`[data-cell-id="${id}"] [data-testid=download-csv]`);
      if (!button) throw new Error(`cell ${id} has no CSV download`);
      button.click();
    }, cell.id)]);
    const browserCsv = readFileSync((await download.path())!);
    const runnerCsv = readFileSync(path.join(OUT, `${cell.id}.csv`));
    expect(browserCsv.length, cell.id).toBeGreaterThan(0);
    expect(browserCsv.equals(runnerCsv), `${cell.id}.csv differs between browser and runner`).toBe(true);
  }
});
