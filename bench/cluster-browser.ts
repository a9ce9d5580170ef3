/**
 * The Cluster cell in headless Chromium (Debian's /usr/bin/chromium), through the built site and
 * its real UI and engine worker, beside scikit-learn on the same data.
 *
 *   npx tsx bench/cluster-browser.ts [--n 1000000] [--runs 3] [--build-dir build-h7] [--port 4510] [--no-sklearn]
 *
 * Builds the site into `--build-dir` unless it holds one, serves it, and in the page: a named SQL
 * cell `customers` generates n customers × 8 features with seeded integer hashing (4 log-normal
 * "spend" columns, log1p_z; 4 normal "score" columns, z; 6 planted clusters); a cluster cell is set
 * up on 1,000 rows, then the SQL cell switches to n rows and re-runs `runs` times (a changed comment).
 * Each run's prepare, fit (k = 6, 10 restarts) and silhouette (10,000-row sample) come from the
 * cluster cell's quality line (`data-ms-*`, the engine's own timings that the user sees). The SQL
 * cell is a view, so prepare includes generating the rows twice (statistics, prepared query); one
 * generating scan is timed on its own and printed beside it.
 *
 * The same SQL runs once in native DuckDB to write a CSV for scikit-learn (`/usr/bin/python3`):
 * log1p + StandardScaler, `KMeans(n_clusters=6, n_init=10, random_state=0)`, `silhouette_score`
 * on a 10,000-row sample; medians of `runs`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Locator, type Page } from '@playwright/test';
import { NativeDb } from '../src/lib/engine/db-native.ts';
import { median } from './lib/suite';
import { ensureBuild } from './lib/prepare';

const K = 6;
const TAGS = 17;

/** n seeded customers: id, spend0…spend3 (log-normal around a planted cluster), score0…score3 (normal). */
function customersSql(n: number, comment = ''): string {
  const spend = [0, 1, 2, 3].map((j) => `round(exp(2 + ((c * 7 + ${j} * 3) % 6) * 0.8 + 0.5 * z[${j + 1}])) AS spend${j}`);
  const score = [4, 5, 6, 7].map((j) => `((c * 7 + ${j} * 3) % 6) * 0.8 + 0.5 * z[${j + 1}] AS score${j - 4}`);
  return `-- seeded customers${comment}
WITH h0 AS (SELECT range AS id, list_transform(range(${TAGS}), t -> (range * 2654435761 + t * 97531) % 4294967296) AS h FROM range(${n})),
h1 AS (SELECT id, list_transform(h, x -> (xor(x, x >> 15) * 1471926147) % 4294967296) AS h FROM h0),
h2 AS (SELECT id, list_transform(h, x -> (xor(x, x >> 13) * 1274126177) % 4294967296) AS h FROM h1),
u AS (SELECT id, list_transform(h, x -> (xor(x, x >> 16) + 0.5) / 4294967296) AS u FROM h2),
z AS (SELECT id, floor(u[1] * 6)::INTEGER AS c,
  list_transform(range(8), j -> sqrt(-2 * ln(u[2 + 2 * j])) * cos(2 * pi() * u[3 + 2 * j])) AS z FROM u)
SELECT id, ${[...spend, ...score].join(', ')} FROM z`;
}

async function setSql(cell: Locator, text: string): Promise<void> {
  const editor = cell.locator('.cm-content');
  await editor.click();
  await editor.press('ControlOrMeta+a');
  await cell.page().keyboard.insertText(text);
}

async function idle(page: Page, cell: Locator | null): Promise<void> {
  await page.locator('[data-testid=notebook]:not([data-run-state=running])').waitFor({ timeout: 900_000 });
  if (!cell) return;
  const status = await cell.getAttribute('data-status');
  if (status !== 'ok') throw new Error(`cell ended ${status}: ${await cell.innerText()}`);
}

async function browserRuns(origin: string, n: number, runs: number): Promise<{ prepare: number[]; fit: number[]; silhouette: number[]; scan: number[]; silhouetteValue: string; inertia: string }> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--disable-gpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']
  });
  try {
    const page = await browser.newPage();
    await page.goto(origin);
    await page.locator('main[data-engine=ready]').waitFor({ timeout: 120_000 });
    await page.click('[data-testid=add-sql]');
    const sqlCell = page.locator('[data-cell-id]').first();
    await sqlCell.locator('[data-testid=cell-name]').fill('customers');
    await sqlCell.locator('[data-testid=cell-name]').press('Enter');
    await setSql(sqlCell, customersSql(1000));
    await sqlCell.locator('.cm-content').press('Shift+Enter');
    await idle(page, sqlCell);

    await page.click('[data-testid=add-cluster-cell]');
    const cell = page.locator('[data-cell-kind=cluster]');
    await cell.locator('[data-testid=cluster-table]').selectOption('customers');
    await idle(page, null);
    await cell.locator('[data-testid=cluster-key]').selectOption('id');
    for (let f = await cell.locator('[data-testid=cluster-feature]').count(); f < 8; f++) {
      await cell.locator('[data-testid=add-feature]').click();
      await idle(page, null);
    }
    await cell.locator('[data-testid=cluster-k]').fill(String(K));
    await cell.locator('[data-testid=cluster-k]').press('Enter');
    await idle(page, cell);
    const preps = await cell.locator('[data-testid=feature-prep]').evaluateAll((s) => s.map((x) => (x as HTMLSelectElement).value));
    if (preps.join() !== 'log1p_z,log1p_z,log1p_z,log1p_z,z,z,z,z') throw new Error(`unexpected preparation ${preps.join()}`);

    const out = { prepare: [] as number[], fit: [] as number[], silhouette: [] as number[], scan: [] as number[], silhouetteValue: '', inertia: '' };
    const quality = cell.locator('[data-testid=cluster-quality]');
    let previous = await quality.getAttribute('data-ms-fit');
    for (let r = 0; r < runs; r++) {
      await setSql(sqlCell, customersSql(n, ` run ${r + 1}`));
      await sqlCell.locator('.cm-content').press('Shift+Enter');
      await idle(page, cell);
      await page.waitForFunction((before) => document.querySelector('[data-testid=cluster-quality]')?.getAttribute('data-ms-fit') !== before, previous, { timeout: 900_000 });
      const ms = await quality.evaluate((p) => ({ prepare: p.getAttribute('data-ms-prepare'), fit: p.getAttribute('data-ms-fit'), silhouette: p.getAttribute('data-ms-silhouette'), value: p.getAttribute('data-silhouette'), inertia: p.getAttribute('data-inertia') }));
      previous = ms.fit;
      out.prepare.push(Number(ms.prepare) / 1000);
      out.fit.push(Number(ms.fit) / 1000);
      out.silhouette.push(Number(ms.silhouette) / 1000);
      out.silhouetteValue = Number(ms.value).toFixed(4);
      out.inertia = Number(ms.inertia).toPrecision(10);
      if (Number(await cell.getAttribute('data-rows')) !== n) throw new Error(`cluster cell has ${await cell.getAttribute('data-rows')} rows`);
      console.log(`run ${r + 1}: prepare ${out.prepare[r].toFixed(2)} s, fit ${out.fit[r].toFixed(2)} s, silhouette ${out.silhouette[r].toFixed(2)} s`);
    }

    await page.click('[data-testid=add-sql]');
    const scanCell = page.locator('[data-cell-id]').last();
    for (let r = 0; r < runs; r++) {
      await setSql(scanCell, `SELECT count(*) AS n, sum(spend0 + spend1 + spend2 + spend3 + score0 + score1 + score2 + score3) AS s FROM customers -- ${r}`);
      const start = Date.now();
      await scanCell.locator('.cm-content').press('Shift+Enter');
      await idle(page, scanCell);
      out.scan.push((Date.now() - start) / 1000);
    }
    return out;
  } finally {
    await browser.close();
  }
}

const SKLEARN = `
import sys, time, statistics
import numpy as np, pandas as pd, sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
path, runs = sys.argv[1], int(sys.argv[2])
df = pd.read_csv(path)
spend = [f"spend{j}" for j in range(4)]; score = [f"score{j}" for j in range(4)]
times = {"prepare": [], "fit": [], "silhouette": []}
for r in range(runs):
    t0 = time.perf_counter()
    X = np.hstack([StandardScaler().fit_transform(np.log1p(df[spend].to_numpy())), StandardScaler().fit_transform(df[score].to_numpy())])
    t1 = time.perf_counter()
    km = KMeans(n_clusters=6, n_init=10, random_state=0).fit(X)
    t2 = time.perf_counter()
    s = silhouette_score(X, km.labels_, sample_size=10000, random_state=0)
    t3 = time.perf_counter()
    times["prepare"].append(t1 - t0); times["fit"].append(t2 - t1); times["silhouette"].append(t3 - t2)
print(f"sklearn {sklearn.__version__}, numpy {np.__version__}; inertia {km.inertia_:.10g}, silhouette {s:.4f}")
for k, v in times.items():
    print(f"{k} {statistics.median(v):.3f}")
`;

function sklearnRuns(csv: string, runs: number): { header: string; prepare: number; fit: number; silhouette: number } {
  const py = spawnSync('/usr/bin/python3', ['-c', SKLEARN, csv, String(runs)], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(py.stderr);
  const lines = py.stdout.trim().split('\n');
  const value = (name: string) => Number(lines.find((l) => l.startsWith(`${name} `))?.split(' ')[1]);
  return { header: lines[0], prepare: value('prepare'), fit: value('fit'), silhouette: value('silhouette') };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '3' },
      'build-dir': { type: 'string', default: 'build-h7' },
      port: { type: 'string', default: '4510' },
      'no-sklearn': { type: 'boolean', default: false }
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
    console.log(`${chromiumVersion}, headless; ${n.toLocaleString('en')} customers × 8 features, k = ${K}, 10 restarts, median of ${runs}`);
    const page = await browserRuns(`http://127.0.0.1:${values.port}/`, n, runs);
    const rows: [string, number, string][] = [
      ['page: prepare (stats + prepared query + copy; 2 generating scans)', median(page.prepare), ''],
      ['page: one generating scan of the view (SQL cell)', median(page.scan), 'subtract twice from prepare for a stored table'],
      ['page: fit, k-means++ × 10, typed-array kernel', median(page.fit), `inertia ${page.inertia}`],
      ['page: silhouette, 10,000-row sample', median(page.silhouette), `silhouette ${page.silhouetteValue}`]
    ];
    if (!values['no-sklearn']) {
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'seglab-bench-'));
      try {
        const native = await NativeDb.open();
        const csv = path.join(tmp, 'customers.csv');
        // The locked-down engine writes only into its own scratch directory (db.ts lockdownSql).
        await native.exec(`COPY (${customersSql(n)}) TO '${native.filePath('customers.csv').replaceAll("'", "''")}' (HEADER)`);
        copyFileSync(native.filePath('customers.csv'), csv);
        await native.close();
        const sk = sklearnRuns(csv, runs);
        rows.push(
          [`sklearn: prepare (log1p + StandardScaler)`, sk.prepare, sk.header],
          ['sklearn: KMeans(n_init=10)', sk.fit, ''],
          ['sklearn: silhouette_score(sample_size=10000)', sk.silhouette, '']
        );
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    const width = Math.max(...rows.map((r) => r[0].length));
    console.log(`\n${'step'.padEnd(width)}  seconds  notes`);
    for (const [step, s, note] of rows) console.log(`${step.padEnd(width)}  ${s.toFixed(2).padStart(7)}  ${note}`);
  } finally {
    server.kill();
  }
}

await main();
