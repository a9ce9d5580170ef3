// Issue 10, point 6: "Export as SQL script" gives a script that native DuckDB runs to the browser's tables.
import type { Page } from '@playwright/test';
import { DuckDBInstance } from '@duckdb/node-api';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, expect, openApp, runOpened, shotOf, test } from './fixtures';

/** Numbers agree when their difference is within this share of the larger (or absolutely, near 0). */
const TOLERANCE = 1e-9;

/** Cells of the value example compared: JS-fitted values (CLV), SQL segmentations (RFM, tiers) and a plain SQL cell. */
const CELLS = [
  { id: 'rfm', view: 'rfm' },
  { id: 'clv', view: 'clv' },
  { id: 'kosten', view: 'kundenwert' },
  { id: 'stufen', view: 'stufen' },
  { id: 'kohorten', view: 'kohorten' }
];

async function download(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync((await file.path())!);
}

function sameValue(a: string | null, b: string | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.trim() === '' || b.trim() === '') return false;
  const x = Number(a);
  const y = Number(b);
  return !Number.isNaN(x) && !Number.isNaN(y) && Math.abs(x - y) <= TOLERANCE * Math.max(1, Math.abs(x), Math.abs(y));
}

test('the exported SQL script rebuilds the value example\u2019s tables on native DuckDB', async ({ page }) => {
  test.setTimeout(180_000);
  const dir = path.join(ARTIFACTS, 'sql-script-value');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync('static/samples')) if (f.endsWith('.csv')) copyFileSync(path.join('static/samples', f), path.join(dir, f));

  await openApp(page, '?open=samples/value.notebook.json');
  await runOpened(page);
  await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle', { timeout: 120_000 });
  for (const { id } of CELLS) await expect(page.locator(`[data-cell-id="${id}"]`)).toHaveAttribute('data-status', 'ok');

  const button = page.locator('[data-testid=export-sql]');
  await shotOf(button.locator('..'), 'sql-script-toolbar');
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  expect(file.suggestedFilename()).toMatch(/\.sql$/);
  const script = readFileSync((await file.path())!, 'utf8');
  writeFileSync(path.join(dir, 'notebook.sql'), script);
  expect(script).toContain('--   duckdb analysis.duckdb <');
  expect(script).toContain('rows computed in the browser (BG/NBD r = ');

  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`SET file_search_path = '${dir.replaceAll("'", "''")}'`);
    await conn.run(script);
    for (const { id, view } of CELLS) {
      const members = page.locator(`[data-cell-id="${id}"] [role=tab]:is([data-testid$="-tab-members"], [data-testid$="-tab-table"])`);
      if (await members.count()) await members.click();
      const csv = await download(page, () => page.locator(`[data-cell-id="${id}"] [data-testid=download-csv]`).first().click());
      const browserFile = path.join(dir, `${id}.browser.csv`);
      writeFileSync(browserFile, csv);
      const header = (await conn.runAndReadAll(`SELECT * FROM read_csv('${browserFile}', all_varchar = true) LIMIT 0`)).columnNames();
      const columns = header.map((c) => `"${c.replaceAll('"', '""')}"`).join(', ');
      const scriptFile = path.join(dir, `${id}.script.csv`);
      await conn.run(`COPY (SELECT ${columns} FROM "${view}") TO '${scriptFile}' (HEADER, DELIMITER ',')`);
      const read = async (f: string) =>
        (await conn.runAndReadAll(`SELECT * FROM read_csv('${f}', all_varchar = true) ORDER BY ALL`)).getRowsJson() as (string | null)[][];
      const [browser, scripted] = [await read(browserFile), await read(scriptFile)];
      expect(scripted.length, id).toBe(browser.length);
      expect(browser.length, id).toBeGreaterThan(0);
      const diff = browser.flatMap((row, r) => row.map((v, c) => (sameValue(v, scripted[r][c]) ? null : `${id} row ${r + 1} ${header[c]}: ${scripted[r][c]} vs ${v}`))).find((d) => d !== null);
      expect(diff ?? null).toBeNull();
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
});
