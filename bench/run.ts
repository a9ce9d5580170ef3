/**
 * The benchmark suite (issue 9): the same work in the browser and beside it, in one run.
 *
 *   npm run bench -- [--size S|M|L] [--runs 3] [--only browser,native_1,…] [--build-dir build-bench]
 *                    [--port 4351] [--isolated-port 4352] [--no-doc]
 *
 * Generates the data of `--size` when missing (bench/generate.ts, CSV and Parquet), builds the site
 * into `--build-dir` unless it holds one, writes the bench notebook (bench/lib/bench-notebook.ts, with
 * 1,000 lookalike seeds) and then runs every step `--runs` times on each backend: native DuckDB with
 * 1 thread and with all threads and DuckDB-WASM in Node (bench/lib/node-steps.ts), pandas /
 * scikit-learn (bench/python/suite.py), the built site in headless Chromium served plain and served
 * cross-origin isolated (threaded DuckDB-WASM; bench/lib/browser.ts). Prints the table of medians
 * and ratios, writes bench/results/<date>-<size>.json and the size's section of docs/BENCHMARKS.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NativeDb } from '../src/lib/engine/db-native';
import { openNodeWasmDb } from '../src/lib/engine/db-node-wasm';
import { ident, lit, sql } from '../src/lib/sql/quote';
import { benchNotebook } from './lib/bench-notebook';
import { runBrowserSteps } from './lib/browser';
import { runNodeSteps } from './lib/node-steps';
import { BACKENDS, formatTable, markdownSection, replaceSection, type BackendFigures, type BackendId, type Machine, type StepFigures, type StepId, type SuiteResult } from './lib/suite';

const FILES = ['customers.csv', 'customers.parquet', 'transactions.csv', 'transactions.parquet'];
const SEEDS = 1000;
/** What DuckDB-WASM may use in Node, as in the browser (worker.ts) and the runner. */
const WASM_MEMORY_BUDGET = 2 * 1024 ** 3;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const done = spawnSync(command, args, { stdio: 'inherit', env });
  if (done.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${done.status})`);
}

function firstLine(command: string, args: string[]): string {
  const out = spawnSync(command, args, { encoding: 'utf8' });
  return `${out.stdout}${out.stderr}`.trim().split('\n')[0] ?? '';
}

function machine(duckdb: string): Machine {
  const cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const release = existsSync('/etc/os-release') ? /PRETTY_NAME="?([^"\n]+)/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] : undefined;
  return {
    cpu,
    cores: os.cpus().length,
    memoryBytes: os.totalmem(),
    os: `${release ?? os.type()} (Linux ${os.release()})`,
    node: process.versions.node,
    chromium: firstLine('/usr/bin/chromium', ['--version']).replace(/ built on.*/, ''),
    python: firstLine('/usr/bin/python3', ['--version']).replace('Python ', ''),
    duckdb,
    load: [os.loadavg()[0], os.loadavg()[0]]
  };
}

async function serve(dir: string, port: number, isolate: boolean): Promise<ChildProcess> {
  const server = spawn(process.execPath, ['scripts/serve.mjs', '--dir', dir, '--port', String(port), ...(isolate ? ['--isolate'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(server.stdout!, 'data')) as [Buffer];
  if (!chunk.toString().includes('serving')) throw new Error(`serve.mjs on port ${port}: ${chunk.toString()}`);
  return server;
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = once(server, 'exit');
  server.kill();
  await exited;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: 'M' },
      runs: { type: 'string', default: '3' },
      only: { type: 'string', default: BACKENDS.join(',') },
      'build-dir': { type: 'string', default: 'build-bench' },
      port: { type: 'string', default: '4351' },
      'isolated-port': { type: 'string', default: '4352' },
      'no-doc': { type: 'boolean', default: false },
      profile: { type: 'string' }
    }
  });
  const size = values.size.toUpperCase();
  const runs = Number(values.runs);
  if (!['S', 'M', 'L', 'XL'].includes(size)) throw new Error(`--size must be S, M, L or XL, not ${values.size}`);
  if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`--runs must be a positive integer, not ${values.runs}`);
  const only = new Set(values.only.split(',').map((b) => b.trim()));
  for (const b of only) if (!(BACKENDS as readonly string[]).includes(b)) throw new Error(`--only: unknown backend ${b} (${BACKENDS.join(', ')})`);
  const started = new Date();
  const log = (text: string) => console.error(`[bench] ${text}`);

  const dataDir = path.resolve('bench/data', size);
  if (!FILES.every((f) => existsSync(path.join(dataDir, f)))) run('npx', ['tsx', 'bench/generate.ts', '--size', size, '--format', 'csv,parquet']);
  const buildDir = values['build-dir'];
  if ((only.has('browser') || only.has('browser_threads')) && !existsSync(path.join(buildDir, 'index.html'))) {
    run('npx', ['vite', 'build'], { ...process.env, BUILD_DIR: buildDir });
  }

  const readable = FILES.map((f) => path.join(dataDir, f));
  const probe = await NativeDb.open({ readable });
  const parquet = (f: string) => sql`read_parquet(${lit(path.join(dataDir, f))})`;
  const [{ customers }] = await probe.rows<{ customers: number }>(String(sql`SELECT count(*) AS customers FROM ${parquet('customers.parquet')}`));
  const [{ transactions }] = await probe.rows<{ transactions: number }>(String(sql`SELECT count(*) AS transactions FROM ${parquet('transactions.parquet')}`));
  const seedRows = await probe.rows<{ k: string }>(
    String(sql`SELECT CAST(${ident('customer_id')} AS VARCHAR) AS k FROM ${parquet('customers.parquet')} WHERE ${ident('is_seed_like')} ORDER BY ${ident('customer_id')} LIMIT ${SEEDS}`)
  );
  const duckdbVersion = probe.version;
  await probe.close();
  const seeds = seedRows.map((r) => r.k);

  const work = mkdtempSync(path.join(os.tmpdir(), 'seglab-bench-'));
  const notebook = benchNotebook(seeds);
  const notebookFile = path.join(work, 'bench.notebook.json');
  writeFileSync(notebookFile, `${JSON.stringify(notebook, null, 2)}\n`);
  writeFileSync(path.join(work, 'seeds.txt'), seeds.join('\n'));

  const backends: Partial<Record<BackendId, BackendFigures>> = {};
  const result: SuiteResult = {
    format: 'seglab-bench',
    version: 1,
    date: started.toISOString(),
    size,
    runs,
    rows: { customers, transactions },
    machine: machine(duckdbVersion),
    backends
  };
  log(`size ${size}: ${transactions.toLocaleString('en')} transactions, ${customers.toLocaleString('en')} customers; ${runs} runs; load ${os.loadavg()[0].toFixed(1)}`);

  try {
    const nodeInput = { dir: dataDir, notebook, runs };
    const threads = os.cpus().length;
    if (only.has('native_1')) {
      log('native DuckDB, 1 thread');
      backends.native_1 = { detail: `@duckdb/node-api, DuckDB ${duckdbVersion}, threads = 1`, steps: await runNodeSteps(await NativeDb.open({ threads: 1, readable }), os.totalmem() * 0.8, { ...nodeInput, log }) };
    }
    if (only.has('native_all')) {
      log(`native DuckDB, ${threads} threads`);
      backends.native_all = { detail: `@duckdb/node-api, DuckDB ${duckdbVersion}, threads = ${threads}`, steps: await runNodeSteps(await NativeDb.open({ readable }), os.totalmem() * 0.8, { ...nodeInput, log }) };
    }
    if (only.has('wasm_node')) {
      log('DuckDB-WASM in Node');
      const db = await openNodeWasmDb();
      const version = db.version;
      backends.wasm_node = { detail: `@duckdb/duckdb-wasm blocking Node build (the runner's default engine), DuckDB ${version}, 1 thread`, steps: await runNodeSteps(db, WASM_MEMORY_BUDGET, { ...nodeInput, log }) };
    }
    if (only.has('python')) {
      log('pandas / scikit-learn');
      const py = spawnSync('/usr/bin/python3', ['bench/python/suite.py', dataDir, String(runs), path.join(work, 'seeds.txt')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
      if (py.status !== 0) throw new Error(`bench/python/suite.py failed (${py.status})`);
      const out = JSON.parse(py.stdout.trim().split('\n').at(-1)!) as { versions: string; steps: Record<StepId, number[]>; notes: Partial<Record<StepId, string>> };
      const steps = Object.fromEntries(Object.entries(out.steps).map(([k, seconds]) => [k, { seconds } satisfies StepFigures]));
      backends.python = { detail: `${out.versions}, Debian's /usr/bin/python3`, steps, notes: out.notes };
    }
    for (const [id, port, isolate] of [['browser', values.port, false], ['browser_threads', values['isolated-port'], true]] as const) {
      if (!only.has(id)) continue;
      log(isolate ? 'headless Chromium, cross-origin isolated (threaded DuckDB-WASM)' : 'headless Chromium');
      const server = await serve(buildDir, Number(port), isolate);
      try {
        const b = await runBrowserSteps({ origin: `http://127.0.0.1:${port}`, dataDir, notebookFile, runs, log, profileDir: values.profile });
        if (isolate && b.bundle !== 'wasm-coi') log(`warning: the isolated page runs ${b.bundle}, not the threaded build`);
        backends[id] = { detail: b.detail, steps: b.steps };
      } finally {
        await stop(server);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  result.machine.load[1] = os.loadavg()[0];

  console.log(`\nseglab bench, size ${size}: ${transactions.toLocaleString('en')} transactions, ${customers.toLocaleString('en')} customers, median of ${runs}\n`);
  console.log(formatTable(result));
  const file = path.join('bench/results', `${started.toISOString().slice(0, 10)}-${size}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
  if (!values['no-doc']) {
    const doc = 'docs/BENCHMARKS.md';
    const text = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n';
    writeFileSync(doc, replaceSection(text, size, markdownSection(result, file)));
    console.log(`updated ${doc} (size ${size})`);
  }
}

await main();
