/**
 * The Lookalike cell in headless Chromium (Debian's /usr/bin/chromium), through the built site and
 * its real UI and engine worker: n candidates × 20 prepared features against 1,000 seeds, for each
 * method (centroid, k nearest seeds with k = 10, logistic).
 *
 *   npx tsx bench/lookalike-browser.ts [--n 1000000] [--runs 3] [--build-dir build-h1] [--port 4301]
 *
 * Builds the site into `--build-dir` unless it holds one, serves it, writes n rows × 20 normal
 * features around 6 planted groups (seeded integer hashing, native DuckDB) as Parquet and loads it
 * in the page through the file input as the table `people`. A lookalike cell on it is seeded with
 * 1,000 pasted keys (the group-0 rows among the first 6,000; 20 % held out, so 800 train), then per
 * method it runs `runs` times (the cell's run button). Each run's figures come from the cell
 * itself: `prepare` and `score` from its summary line (`data-ms-*`: preparing the features and
 * roles in DuckDB and copying them into the typed matrix; scoring in the worker's typed-array
 * kernels, incl. the logistic fit), `cell` from the cell's run time (`data-ms`: everything, incl.
 * writing the scores table and reading the view's first page into the grid). Medians of `runs`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Locator, type Page } from '@playwright/test';
import { DuckDBInstance } from '@duckdb/node-api';
import { ran } from './lib/cell-runs';
import { median } from './lib/suite';
import { ensureBuild } from './lib/prepare';

const D = 20;
const SEEDS = 1000;
const METHODS = ['centroid', 'knn', 'logistic'] as const;

/** n seeded rows: id, x0…x19 (normal around one of 6 planted groups, group = id % 6). */
function peopleSql(n: number): string {
  const x = Array.from({ length: D }, (_, j) => `((id % 6) * ${(j % 5) + 1} % 7) * 0.5 + z[${j + 1}] AS x${j}`);
  return `WITH h0 AS (SELECT range AS id, list_transform(range(${2 * D}), t -> (range * 2654435761 + t * 97531) % 4294967296) AS h FROM range(${n})),
h1 AS (SELECT id, list_transform(h, x -> (xor(x, x >> 15) * 1471926147) % 4294967296) AS h FROM h0),
u AS (SELECT id, list_transform(h, x -> (xor(x, x >> 16) + 0.5) / 4294967296) AS u FROM h1),
z AS (SELECT id, list_transform(range(${D}), j -> sqrt(-2 * ln(u[1 + 2 * j])) * cos(2 * pi() * u[2 + 2 * j])) AS z FROM u)
SELECT id, ${x.join(', ')} FROM z`;
}

interface Timing {
  prepare: number[];
  score: number[];
  cell: number[];
  auc: string;
}

async function browserRuns(origin: string, file: string, n: number, runs: number): Promise<Record<(typeof METHODS)[number], Timing>> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--disable-gpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']
  });
  try {
    const page = await browser.newPage();
    await page.goto(origin);
    await page.locator('main[data-engine=ready]').waitFor({ timeout: 120_000 });
    await page.setInputFiles('input[data-testid=file-input]', file);
    await page.locator(`li[data-table=people][data-rows="${n}"]`).waitFor({ timeout: 1_800_000 });

    await page.click('[data-testid=add-lookalike-cell]');
    const cell = page.locator('[data-cell-kind=lookalike]');
    await expectValue(cell.locator('[data-testid=lookalike-table]'), 'people');
    await cell.locator('[data-testid=lookalike-key]').selectOption('id');
    const features = await cell.locator('[data-testid=feature-column]').evaluateAll((s) => s.map((x) => (x as HTMLSelectElement).value));
    if (features.length !== D) throw new Error(`expected ${D} features, got ${features.join()}`);
    await cell.locator('[data-testid=lookalike-keys]').fill(Array.from({ length: SEEDS }, (_, i) => String(i * 6)).join('\n'));
    await cell.locator('[data-testid=lookalike-apply-keys]').click();
    await ran(page, cell, null);

    const summary = cell.locator('[data-testid=lookalike-summary]');
    const out = {} as Record<(typeof METHODS)[number], Timing>;
    for (const method of METHODS) {
      if (method !== 'centroid') {
        const before = await cell.getAttribute('data-ms');
        await cell.locator('[data-testid=lookalike-method]').selectOption(method);
        await ran(page, cell, before);
      }
      const timing: Timing = { prepare: [], score: [], cell: [], auc: '' };
      for (let r = 0; r < runs; r++) {
        const before = await cell.getAttribute('data-ms');
        const scored = await summary.getAttribute('data-ms-score');
        await cell.locator('[data-testid=cell-run]').click();
        timing.cell.push(await ran(page, cell, before));
        await page.waitForFunction((b) => document.querySelector('[data-testid=lookalike-summary]')?.getAttribute('data-ms-score') !== b, scored, { timeout: 1_800_000 });
        if (Number(await cell.getAttribute('data-rows')) !== n) throw new Error(`lookalike cell has ${await cell.getAttribute('data-rows')} rows`);
        timing.prepare.push(Number(await summary.getAttribute('data-ms-prepare')) / 1000);
        timing.score.push(Number(await summary.getAttribute('data-ms-score')) / 1000);
        timing.auc = Number(await cell.locator('[data-testid=lookalike-evaluation]').getAttribute('data-auc')).toFixed(4);
        console.log(`${method} run ${r + 1}: prepare ${timing.prepare[r].toFixed(2)} s, score ${timing.score[r].toFixed(2)} s, cell ${timing.cell[r].toFixed(2)} s, AUC ${timing.auc}`);
      }
      out[method] = timing;
    }
    return out;
  } finally {
    await browser.close();
  }
}

async function expectValue(select: Locator, value: string): Promise<void> {
  if ((await select.inputValue()) !== value) await select.selectOption(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '3' },
      'build-dir': { type: 'string', default: 'build-h1' },
      port: { type: 'string', default: '4301' }
    }
  });
  const n = Number(values.n);
  const runs = Number(values.runs);
  const dir = values['build-dir'];
  ensureBuild(dir);
  const server: ChildProcess = spawn('node', ['scripts/serve.mjs', '--dir', dir, '--port', values.port], { stdio: 'ignore' });
  const chromiumVersion = spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout.trim();
  try {
    await new Promise((resolve) => setTimeout(resolve, 800));
    console.log(`${chromiumVersion}, headless; ${n.toLocaleString('en')} candidates × ${D} features, ${SEEDS.toLocaleString('en')} seeds (800 train), median of ${runs}`);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'seglab-bench-'));
    const file = path.join(tmp, 'people.parquet');
    const result = await (async () => {
      try {
        // Plain native DuckDB (the app's NativeDb is locked down to its own directory).
        const instance = await DuckDBInstance.create(':memory:');
        const conn = await instance.connect();
        await conn.run(`COPY (${peopleSql(n)}) TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`);
        conn.closeSync();
        instance.closeSync();
        return await browserRuns(`http://127.0.0.1:${values.port}/`, file, n, runs);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    })();
    console.log(`\n${'method'.padEnd(10)}  prepare s  score s  cell s  rows/s (score)  rows/s (cell)  AUC`);
    for (const method of METHODS) {
      const t = result[method];
      const [prepare, score, cell] = [median(t.prepare), median(t.score), median(t.cell)];
      const rate = (s: number) => Math.round(n / s).toLocaleString('en').padStart(14);
      console.log(`${method.padEnd(10)}  ${prepare.toFixed(2).padStart(9)}  ${score.toFixed(2).padStart(7)}  ${cell.toFixed(2).padStart(6)}  ${rate(score)}  ${rate(cell)}  ${t.auc}`);
    }
  } finally {
    server.kill();
  }
}

await main();
