/**
 * The RFM and CLV cells in headless Chromium (Debian's /usr/bin/chromium), through the built site,
 * its real UI and engine worker (issue 5's benchmark).
 *
 *   npx tsx bench/value-browser.ts [--size L] [--runs 3] [--build-dir build-bench] [--port 4520]
 *
 * Uses the transactions of `bench/generate.ts` (size L: 10 million orders of 1 million customers;
 * generated as Parquet when missing), builds the site into `--build-dir` unless it holds one, serves
 * it, loads the Parquet file through the page's file input, then adds an RFM cell and a CLV cell
 * with the columns and periods a new cell guesses (calibration over the first two thirds of the
 * date range, holdout to the last day; weeks; 12 months at 10 %) and re-runs each
 * `runs` times. Figures are each cell's own run time (`data-ms`: SQL, fit and writing the result,
 * as the cell shows it) and the load time; medians of `runs`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Locator, type Page } from '@playwright/test';
import { ran } from './lib/cell-runs';
import { median } from './lib/suite';
import { ensureBuild, ensureTransactionsParquet } from './lib/prepare';

async function timeCell(page: Page, kind: 'rfm' | 'clv', runs: number): Promise<{ seconds: number[]; rows: number }> {
  const before = await page.locator('[data-cell-id]').count();
  await page.click(`[data-testid=add-${kind}-cell]`);
  const cell = page.locator(`[data-cell-kind=${kind}]`).last();
  await page.locator('[data-cell-id]').nth(before).waitFor();
  const seconds = [await ran(page, cell, null)];
  for (let r = 1; r < runs; r++) {
    const ms = await cell.getAttribute('data-ms');
    await cell.locator('[data-testid=cell-run]').click();
    seconds.push(await ran(page, cell, ms));
  }
  return { seconds, rows: Number(await cell.getAttribute('data-rows')) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: 'L' },
      runs: { type: 'string', default: '3' },
      'build-dir': { type: 'string', default: 'build-bench' },
      port: { type: 'string', default: '4520' }
    }
  });
  const runs = Number(values.runs);
  const size = values.size.toUpperCase();
  const file = ensureTransactionsParquet(size);
  const dir = values['build-dir'];
  ensureBuild(dir);
  const server: ChildProcess = spawn('node', ['scripts/serve.mjs', '--dir', dir, '--port', values.port], { stdio: 'ignore' });
  const version = spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout.trim();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 800));
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${values.port}/`);
    await page.locator('main[data-engine=ready]').waitFor({ timeout: 120_000 });
    const loadStart = Date.now();
    await page.setInputFiles('input[data-testid=file-input]', file);
    const table = page.locator('li[data-table=transactions]');
    await table.waitFor({ timeout: 1_800_000 });
    await page.waitForFunction(() => Number(document.querySelector('li[data-table=transactions]')?.getAttribute('data-rows')) > 0, null, { timeout: 1_800_000 });
    const load = (Date.now() - loadStart) / 1000;
    const orders = Number(await table.getAttribute('data-rows'));
    const rfm = await timeCell(page, 'rfm', runs);
    const clv = await timeCell(page, 'clv', runs);
    const mb = (statSync(file).size / 1e6).toFixed(0);
    console.log(`${version}, headless; ${orders.toLocaleString('en')} orders (${mb} MB Parquet), median of ${runs}`);
    console.log(`load Parquet through the page     ${load.toFixed(1)} s (once)`);
    console.log(`RFM cell (${rfm.rows.toLocaleString('en')} customers)   ${median(rfm.seconds).toFixed(2)} s  [${rfm.seconds.map((s) => s.toFixed(2)).join(', ')}]`);
    console.log(`CLV cell (${clv.rows.toLocaleString('en')} customers)   ${median(clv.seconds).toFixed(2)} s  [${clv.seconds.map((s) => s.toFixed(2)).join(', ')}]`);
  } finally {
    await browser.close();
    server.kill();
  }
}

await main();
