/**
 * Size XL in the tab (issue 9, point 4): what happens when an analyst drops the 50-million-row
 * transactions Parquet file on the built site in headless Chromium (Debian's /usr/bin/chromium).
 *
 *   npx tsx bench/xl-browser.ts [--size XL] [--build-dir build-bench] [--port 4530] [--shots DIR]
 *                               [--max-rows N]
 *
 * Generates the Parquet files of the size when missing (bench/generate.ts), builds the site into
 * `--build-dir` unless it holds one, and then goes through the real UI:
 *   1. picks the file: the load dialog must open before anything is read, with the estimate
 *      (rows, memory, the engine's budget) and the offer of a column subset or a sample;
 *   2. keeps the three columns RFM needs (customer, date, amount) and the largest sample of
 *      50 M, 40 M, 30 M, 20 M, 15 M, 10 M or 5 M rows (at most `--max-rows`) the dialog says will
 *      fit, and loads it;
 *   3. adds an RFM cell (columns as the cell guesses them) and runs it.
 * It prints the estimate, the load time, the rows loaded, the renderer's peak resident memory
 * (`VmHWM`, reset before each step; the page, both workers and the wasm heap), the DuckDB memory
 * the gauge shows, the RFM cell's time, and whether the tab was still alive at the end. With
 * `--shots DIR` it saves the dialog and the RFM cell as PNGs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import config from '../playwright.config';
import { rendererPids, resetPeak, statusKb } from './lib/browser';
import { ran } from './lib/cell-runs';
import { ensureBuild, ensureTransactionsParquet } from './lib/prepare';

const KEEP = ['customer_id', 'order_date', 'amount'];
const SAMPLES = [50, 40, 30, 20, 15, 10, 5].map((m) => m * 1_000_000);

const gb = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: 'XL' },
      'build-dir': { type: 'string', default: 'build-bench' },
      port: { type: 'string', default: '4530' },
      shots: { type: 'string' },
      'max-rows': { type: 'string' }
    }
  });
  const size = values.size.toUpperCase();
  const file = ensureTransactionsParquet(size);
  const dir = values['build-dir'];
  ensureBuild(dir);
  const shots = values.shots;
  if (shots) mkdirSync(shots, { recursive: true });
  const server: ChildProcess = spawn(process.execPath, ['scripts/serve.mjs', '--dir', dir, '--port', values.port], { stdio: 'ignore' });
  const launch = config.use?.launchOptions ?? {};
  const browser = await chromium.launch({ ...launch, headless: true });
  try {
    await new Promise((resolve) => setTimeout(resolve, 800));
    const page = await browser.newPage({ viewport: config.use?.viewport ?? undefined, serviceWorkers: 'block' });
    let crashed = false;
    page.on('crash', () => (crashed = true));
    await page.goto(`http://127.0.0.1:${values.port}/`);
    await page.locator('main[data-engine=ready]').waitFor({ timeout: 300_000 });
    const renderer = rendererPids()
      .map((pid) => ({ pid, rss: statusKb(pid, 'VmRSS') }))
      .sort((a, b) => b.rss - a.rss)[0]?.pid;
    const peak = (): number => (renderer ? statusKb(renderer, 'VmHWM') * 1024 : 0);
    console.log(`${browser.version()}, headless; ${path.relative(process.cwd(), file)}: ${(statSync(file).size / 1e6).toFixed(0)} MB`);

    if (renderer) resetPeak(renderer);
    let started = Date.now();
    await page.setInputFiles('input[data-testid=file-input]', file);
    const dialog = page.locator('[data-testid=load-dialog]');
    await dialog.waitFor({ timeout: 600_000 });
    const askedAfter = (Date.now() - started) / 1000;
    const warning = (await dialog.locator('[role=alert]').innerText()).replace(/\s+/g, ' ').trim();
    console.log(`dialog after ${askedAfter.toFixed(1)} s, before loading: "${warning}"`);
    console.log(`renderer peak while inspecting: ${gb(peak())}`);
    if (shots) await page.screenshot({ path: path.join(shots, `${size.toLowerCase()}-load-dialog.png`) });

    for (const box of await dialog.locator('input[data-testid=column-choice]').all()) {
      const name = await box.getAttribute('value');
      if (!KEEP.includes(name ?? '')) await box.uncheck();
    }
    const sampleBox = dialog.locator('input[data-testid=sample-rows]');
    let sample = 0;
    const most = values['max-rows'] ? Number(values['max-rows']) : Infinity;
    for (const rows of SAMPLES.filter((r) => r <= most)) {
      await sampleBox.fill(String(rows));
      if (!(await dialog.locator('p.after.bad').count())) {
        sample = rows;
        break;
      }
    }
    if (!sample) throw new Error('no sample of 5 M rows or more fits, says the dialog');
    const after = (await dialog.locator('p.after').innerText()).replace(/\s+/g, ' ').trim();
    console.log(`chosen: columns ${KEEP.join(', ')}; sample ${sample.toLocaleString('en')} rows; dialog: "${after}"`);
    if (shots) await page.screenshot({ path: path.join(shots, `${size.toLowerCase()}-load-choice.png`) });

    if (renderer) resetPeak(renderer);
    started = Date.now();
    await dialog.locator('[data-testid=load-confirm]').click();
    await page.waitForFunction(() => Number(document.querySelector('li[data-table=transactions]')?.getAttribute('data-rows')) > 0, null, {
      timeout: 3_600_000,
      polling: 1000
    });
    const load = (Date.now() - started) / 1000;
    const rows = Number(await page.locator('li[data-table=transactions]').getAttribute('data-rows'));
    console.log(`loaded ${rows.toLocaleString('en')} rows × ${KEEP.length} columns in ${load.toFixed(1)} s; renderer peak ${gb(peak())}`);

    if (renderer) resetPeak(renderer);
    const before = await page.locator('[data-cell-id]').count();
    await page.click('[data-testid=add-rfm-cell]');
    await page.locator('[data-cell-id]').nth(before).waitFor();
    const cell = page.locator('[data-cell-kind=rfm]').last();
    const watch = setInterval(() => {
      void Promise.all([cell.getAttribute('data-status'), page.locator('[data-testid=notebook]').getAttribute('data-run-state'), cell.innerText()])
        .then(([status, state, text]) => {
          const rss = gb(renderer ? statusKb(renderer, 'VmRSS') * 1024 : 0);
          console.log(`  … RFM cell ${status}, notebook ${state}; renderer ${rss}: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
        })
        .catch(() => undefined);
    }, 60_000);
    const rfm = await ran(page, cell, null)
      .catch(async () => {
        const why = await cell.locator('[data-testid=cell-error]').innerText();
        console.log(`RFM cell failed: ${why.replace(/\s+/g, ' ').slice(0, 600)}`);
        return null;
      })
      .finally(() => clearInterval(watch));
    const used = Number(await page.locator('[data-testid=memory-gauge]').getAttribute('data-used'));
    if (rfm !== null) {
      const customers = Number(await cell.getAttribute('data-rows'));
      console.log(`RFM cell: ${customers.toLocaleString('en')} customers in ${rfm.toFixed(1)} s; renderer peak ${gb(peak())}; DuckDB memory ${gb(used)}`);
    } else {
      console.log(`after the failure: renderer peak ${gb(peak())}; DuckDB memory ${gb(used)}`);
      process.exitCode = 1;
    }
    if (shots) await cell.screenshot({ path: path.join(shots, `${size.toLowerCase()}-rfm.png`) });

    const alive = !crashed && (await page.evaluate(() => document.querySelector('main')?.getAttribute('data-engine')));
    console.log(`tab alive at the end: ${alive ? `yes (engine ${alive})` : 'NO'}`);
    if (!alive) process.exitCode = 1;
  } finally {
    await browser.close();
    server.kill();
  }
}

await main();
