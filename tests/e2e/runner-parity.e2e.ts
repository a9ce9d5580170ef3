import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, expect, openApp, runOpened, test } from './fixtures';

interface Sample {
  file: string;
  /** How the app opens it. */
  query: string;
  /** Source tables and their row counts, to wait for. */
  tables: Record<string, number>;
  /** Fewest result cells it must have, so an emptied sample cannot pass. */
  minCells: number;
}

const SAMPLES: Sample[] = [
  { file: 'retail.notebook.json', query: '?sample=1', tables: { kunden: 2000, bestellungen: 15000 }, minCells: 4 },
  {
    file: 'segments.notebook.json',
    query: '?open=samples/segments.notebook.json',
    tables: { kunden: 2000, bestellungen: 15000, umfrage: 800, firmen: 1500, aktivitaeten: 20000 },
    minCells: 14
  },
  { file: 'value.notebook.json', query: '?open=samples/value.notebook.json', tables: { kunden: 2000, bestellungen: 15000 }, minCells: 5 },
  { file: 'lookalikes.notebook.json', query: '?open=samples/lookalikes.notebook.json', tables: { firmen: 1500, aktivitaeten: 20000 }, minCells: 4 },
  { file: 'leads.notebook.json', query: '?open=samples/leads.notebook.json', tables: { leads: 2400, lead_activities: 9724 }, minCells: 3 },
  { file: 'churn.notebook.json', query: '?open=samples/churn.notebook.json', tables: { telco: 7043 }, minCells: 5 },
  { file: 'survey.notebook.json', query: '?open=samples/survey.notebook.json', tables: { umfrage: 800, kunden: 2000 }, minCells: 4 },
  {
    file: 'campaign.notebook.json',
    query: '?open=samples/campaign.notebook.json',
    tables: { kampagne_test: 3000, kampagne_ereignisse: 27805 },
    minCells: 3
  }
];

/**
 * Downloads a cell's CSV through its own button: a chart cell's under the chart, a report's on its
 * members (or table) tab, opened first when the report starts on another tab.
 */
async function browserCsv(page: Page, id: string): Promise<Buffer> {
  const members = page.locator(`[data-cell-id="${id}"] [role=tab]:is([data-testid$="-tab-members"], [data-testid$="-tab-table"])`);
  if (await members.count()) await members.click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.evaluate((cellId) => {
      const button = document.querySelector<HTMLButtonElement>(`[data-cell-id="${cellId}"] [data-testid=download-csv]`);
      if (!button) throw new Error(`cell ${cellId} has no CSV download`);
      button.click();
    }, id)
  ]);
  return readFileSync((await download.path())!);
}

for (const sample of SAMPLES) {
  test(`the runner writes the same CSV bytes as the browser for every cell of ${sample.file}`, async ({ page }) => {
    test.setTimeout(180_000);
    const notebookPath = path.resolve('static/samples', sample.file);
    const out = path.join(ARTIFACTS, `runner-out-${path.basename(sample.file, '.notebook.json')}`);
    rmSync(out, { recursive: true, force: true });
    execFileSync('node', ['bin/seglab.mjs', 'run', notebookPath, '--out', out], { stdio: 'pipe' });
    const notebook = JSON.parse(readFileSync(notebookPath, 'utf8'));
    const cells = (notebook.cells as { id: string; kind: string }[]).filter((c) => c.kind !== 'markdown');
    expect(cells.length).toBeGreaterThanOrEqual(sample.minCells);

    await openApp(page, sample.query);
    if (sample.query.startsWith('?open=')) await runOpened(page);
    for (const [table, rows] of Object.entries(sample.tables)) {
      await expect(page.locator(`li[data-table=${table}]`)).toHaveAttribute('data-rows', String(rows), { timeout: 60_000 });
    }
    await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle', { timeout: 120_000 });
    for (const cell of cells) {
      await expect(page.locator(`[data-cell-id="${cell.id}"]`)).toHaveAttribute('data-status', 'ok');
      const browser = await browserCsv(page, cell.id);
      const runner = readFileSync(path.join(out, `${cell.id}.csv`));
      expect(browser.length, cell.id).toBeGreaterThan(0);
      // Kept beside the runner's file when they differ, to see how.
      if (!browser.equals(runner)) writeFileSync(path.join(out, `${cell.id}.browser.csv`), browser);
      expect(browser.equals(runner), `${cell.id}.csv differs between browser and runner`).toBe(true);
    }
  });
}
