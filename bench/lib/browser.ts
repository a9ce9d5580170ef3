/**
 * The suite's steps in headless Chromium (Debian's /usr/bin/chromium, the launch flags of
 * playwright.config.ts), through the built site's own UI and engine worker, timed inside the page
 * with `performance.mark` / `performance.measure`: a step starts at the file input's `change` event
 * or at the click that starts it, and ends in the MutationObserver callback that sees its result
 * (the table's row count, the profile's columns, the cell's status after running). For each step
 * also the worst main-thread long task (PerformanceObserver `longtask`), the DuckDB memory the app's
 * gauge shows after it (`duckdb_memory()` through the engine), the renderer process's peak resident
 * memory (`VmHWM`, reset before the step) and, in a cross-origin isolated page,
 * `performance.measureUserAgentSpecificMemory()`.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import config from '../../playwright.config';
import { CELLS } from './bench-notebook';
import type { StepFigures, StepId } from './suite';

/** What the page reports for a finished step. */
interface Measured {
  ms: number;
  longTaskMs: number;
  failed?: string;
}

type Until = { kind: 'rows'; table: string } | { kind: 'profile'; table: string } | { kind: 'cell'; id: string };

declare global {
  interface Window {
    __bench: {
      arm(name: string, until: Until, startOnChange: boolean): void;
      click(selector: string): void;
      wait(): Promise<Measured>;
      gauge(): { max: number; ticks: number };
    };
  }
}

/** Installed in the page before its scripts run (`addInitScript`): the timing hook. */
function installHook(): void {
  const tasks: { start: number; end: number }[] = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) tasks.push({ start: e.startTime, end: e.startTime + e.duration });
  }).observe({ type: 'longtask', buffered: true });
  let step: { name: string; until: Until; started: boolean; sawRunning: boolean; done: Promise<Measured>; resolve: (m: Measured) => void } | null = null;
  const gauge = { max: 0, ticks: 0, last: '' };

  const finished = (until: Until): { done: boolean; failed?: string } => {
    if (until.kind === 'rows') {
      return { done: Number(document.querySelector(`li[data-table="${until.table}"]`)?.getAttribute('data-rows')) > 0 };
    }
    if (until.kind === 'profile') {
      const p = document.querySelector(`[data-testid=profile][data-table="${until.table}"]`);
      if (!p || p.getAttribute('aria-busy') === 'true') return { done: false };
      const error = p.querySelector('[role=alert]');
      return error ? { done: true, failed: error.textContent ?? 'profile failed' } : { done: p.querySelector('[data-column]') !== null };
    }
    const cell = document.querySelector(`[data-cell-id="${until.id}"]`);
    const status = cell?.getAttribute('data-status');
    if (status === 'running' && step) step.sawRunning = true;
    if (!step?.sawRunning || status === 'running') return { done: false };
    return status === 'ok' ? { done: true } : { done: true, failed: `cell ${until.id} ended ${status}: ${cell?.textContent?.slice(0, 500)}` };
  };

  const end = () => {
    if (!step || !step.started) return;
    const state = finished(step.until);
    if (!state.done) return;
    performance.mark(`${step.name}:end`);
    const measure = performance.measure(step.name, `${step.name}:start`, `${step.name}:end`);
    const from = measure.startTime;
    const to = measure.startTime + measure.duration;
    const longTaskMs = Math.max(0, ...tasks.filter((t) => t.end > from && t.start < to).map((t) => Math.min(t.end, to) - Math.max(t.start, from)));
    const resolve = step.resolve;
    step = null;
    resolve({ ms: measure.duration, longTaskMs, failed: state.failed });
  };

  const observer = new MutationObserver(() => {
    const used = document.querySelector('[data-testid=memory-gauge]')?.getAttribute('data-used') ?? '';
    if (used && used !== gauge.last) {
      gauge.last = used;
      gauge.ticks++;
      gauge.max = Math.max(gauge.max, Number(used));
    }
    end();
  });
  document.addEventListener(
    'change',
    (e) => {
      if (step && !step.started && (e.target as HTMLInputElement).type === 'file') {
        performance.mark(`${step.name}:start`);
        step.started = true;
      }
    },
    true
  );

  window.__bench = {
    arm(name, until, startOnChange) {
      observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
      let resolve!: (m: Measured) => void;
      const done = new Promise<Measured>((r) => (resolve = r));
      step = { name, until, started: !startOnChange, sawRunning: false, done, resolve };
      gauge.max = Number(gauge.last) || 0;
      if (!startOnChange) performance.mark(`${name}:start`);
    },
    click(selector) {
      const el = document.querySelector<HTMLElement>(selector);
      if (!el) throw new Error(`nothing matches ${selector}`);
      el.click();
    },
    wait() {
      if (!step) throw new Error('no step armed');
      return step.done;
    },
    gauge() {
      return { max: gauge.max, ticks: gauge.ticks };
    }
  };
}

/** Pids of the Chromium renderer processes started by this Node process. */
export function rendererPids(): number[] {
  const parents = new Map<number, number>();
  const renderers: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('--type=renderer')) renderers.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  return renderers.filter(ours);
}

/** A field of `/proc/<pid>/status` in kB (0 when absent). */
export function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : 0;
}

/** Resets a process's peak resident memory (`VmHWM`) to its current size (`clear_refs` 5). */
export function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not permitted: the peak then runs from the process's start
  }
}

/** What `runBrowserSteps` needs. */
export interface BrowserRun {
  /** Origin serving the built site (plain or cross-origin isolated). */
  origin: string;
  /** Directory with transactions.csv, transactions.parquet and customers.parquet. */
  dataDir: string;
  /** The bench notebook file (bench/lib/bench-notebook.ts) to open in the page. */
  notebookFile: string;
  runs: number;
  log?: (text: string) => void;
  /** Records the main thread's CPU profile of each step's first run into this directory and logs its heaviest functions. */
  profileDir?: string;
}

/** A CPU profile as Chromium's `Profiler.stop` returns it (the fields read here). */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * The functions that took the most main-thread time in a profile (self time, idle left out).
 * @param profile the profile
 * @param top how many
 */
export function heaviestFunctions(profile: CpuProfile, top = 8): { name: string; ms: number }[] {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    const f = frames.get(id);
    if (!f || f.functionName === '(idle)') return;
    const where = f.url ? ` ${f.url.split('/').pop()}:${f.lineNumber + 1}` : '';
    const name = `${f.functionName || '(anonymous)'}${where}`;
    // Sample i lasts until sample i + 1.
    self.set(name, (self.get(name) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  });
  return [...self].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms).slice(0, top);
}

/** The figures of one browser run, and what ran. */
export interface BrowserResult {
  detail: string;
  bundle: string;
  threads: number;
  crossOriginIsolated: boolean;
  steps: Partial<Record<StepId, StepFigures>>;
}

const LONG = 3_600_000;

/**
 * Runs every step `runs` times in a fresh headless Chromium against `origin`.
 * @param run where, what data, how often
 */
export async function runBrowserSteps(run: BrowserRun): Promise<BrowserResult> {
  const launch = config.use?.launchOptions ?? {};
  const browser = await chromium.launch({ ...launch, headless: true, args: [...(launch.args ?? []), '--enable-blink-features=ForceEagerMeasureMemory'] });
  try {
    const page = await browser.newPage({ viewport: config.use?.viewport ?? undefined, serviceWorkers: 'block' });
    // tsx (esbuild, keepNames) wraps named functions in `__name(…)`, which the page does not have.
    await page.addInitScript({ content: `var __name = (f) => f;\n(${installHook.toString()})();` });
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${run.origin}/`);
    const main = page.locator('main[data-engine=ready]');
    await main.waitFor({ timeout: 300_000 });
    await page.locator('main[data-engine-threads]').waitFor({ timeout: 60_000 });
    const bundle = (await main.getAttribute('data-engine-bundle')) ?? '';
    const threads = Number(await main.getAttribute('data-engine-threads'));
    const isolated = await page.evaluate(() => self.crossOriginIsolated);
    const renderer = rendererPids()
      .map((pid) => ({ pid, rss: statusKb(pid, 'VmRSS') }))
      .sort((a, b) => b.rss - a.rss)[0]?.pid;
    const version = browser.version();
    const steps: Partial<Record<StepId, StepFigures>> = {};
    let cdp: CDPSession | null = null;
    if (run.profileDir) {
      mkdirSync(run.profileDir, { recursive: true });
      cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
    }

    const step = async (name: StepId, until: Until, start: () => Promise<void>, startOnChange: boolean) => {
      if (renderer) resetPeak(renderer);
      const profiling = cdp !== null && !steps[name];
      if (profiling) await cdp!.send('Profiler.start');
      await page.evaluate(([n, u, c]) => window.__bench.arm(n, u, c), [name, until, startOnChange] as const);
      await start();
      const m = await page.evaluate(() => window.__bench.wait());
      if (m.failed) throw new Error(`${name}: ${m.failed}`);
      await settle(page);
      if (profiling) {
        const { profile } = (await cdp!.send('Profiler.stop')) as { profile: CpuProfile };
        writeFileSync(path.join(run.profileDir!, `${name}.cpuprofile`), JSON.stringify(profile));
        const heavy = heaviestFunctions(profile).map((f) => `${f.ms.toFixed(0)} ms ${f.name}`);
        run.log?.(`${name}: main thread, heaviest functions (self time, step and its reports):\n  ${heavy.join('\n  ')}`);
      }
      const figures = (steps[name] ??= { seconds: [], longTaskMs: 0 });
      figures.seconds.push(m.ms / 1000);
      figures.longTaskMs = Math.max(figures.longTaskMs ?? 0, m.longTaskMs);
      const { max } = await page.evaluate(() => window.__bench.gauge());
      if (max > 0) figures.duckdbBytes = Math.max(figures.duckdbBytes ?? 0, max);
      if (until.kind === 'cell') {
        const parts = await page.evaluate((id) => {
          const cell = document.querySelector(`[data-cell-id="${id}"]`)!;
          const out: Record<string, number> = { run: Number(cell.getAttribute('data-ms')) };
          for (const el of cell.querySelectorAll('*')) {
            for (const a of el.attributes) if (a.name.startsWith('data-ms-')) out[a.name.slice(8)] = Number(a.value);
          }
          return out;
        }, until.id);
        figures.parts ??= {};
        for (const [k, ms] of Object.entries(parts)) if (Number.isFinite(ms)) (figures.parts[k] ??= []).push(ms / 1000);
      }
      if (renderer) figures.peakRssBytes = Math.max(figures.peakRssBytes ?? 0, statusKb(renderer, 'VmHWM') * 1024);
      // The browser answers at its next garbage collection (up to ~20 s), so only the first run asks.
      if (isolated && figures.seconds.length === 1) {
        const bytes = await page.evaluate(async () => {
          const measure = (performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }).measureUserAgentSpecificMemory;
          if (!measure) return 0;
          const timeout = new Promise<{ bytes: number }>((resolve) => setTimeout(() => resolve({ bytes: 0 }), 30_000));
          return (await Promise.race([measure.call(performance), timeout])).bytes;
        });
        if (bytes > 0) figures.uaMemoryBytes = Math.max(figures.uaMemoryBytes ?? 0, bytes);
      }
      run.log?.(`${name} ${(m.ms / 1000).toFixed(3)} s (long task ${Math.round(m.longTaskMs)} ms)`);
    };
    const loadFile = (file: string) => () => page.setInputFiles('input[data-testid=file-input]', path.join(run.dataDir, file));
    const drop = async (table: string) => {
      await page.locator(`li[data-table="${table}"] [data-testid=drop-table]`).click();
      await page.locator(`li[data-table="${table}"]`).waitFor({ state: 'detached', timeout: LONG });
      await settle(page);
    };

    for (let r = 0; r < run.runs; r++) {
      await step('load_csv', { kind: 'rows', table: 'transactions' }, loadFile('transactions.csv'), true);
      await drop('transactions');
    }
    for (let r = 0; r < run.runs; r++) {
      await step('load_parquet', { kind: 'rows', table: 'transactions' }, loadFile('transactions.parquet'), true);
      await step('profile', { kind: 'profile', table: 'transactions' }, () => page.evaluate(() => window.__bench.click('li[data-table="transactions"]')), false);
      if (r < run.runs - 1) await drop('transactions');
    }
    await page.setInputFiles('input[data-testid=file-input]', path.join(run.dataDir, 'customers.parquet'));
    await page.waitForFunction(() => Number(document.querySelector('li[data-table="customers"]')?.getAttribute('data-rows')) > 0, null, { timeout: LONG });
    await settle(page);

    await page.setInputFiles('input[data-testid=open-notebook-input]', run.notebookFile);
    await page.locator('[data-testid=opened-run]').click();
    await page.locator(`[data-cell-id="${CELLS.lookalike}"]`).waitFor({ timeout: LONG });
    await page.waitForFunction(
      (ids) => ids.every((id) => ['ok', 'error'].includes(document.querySelector(`[data-cell-id="${id}"]`)?.getAttribute('data-status') ?? '')),
      Object.values(CELLS),
      { timeout: LONG, polling: 500 }
    );
    await settle(page);
    for (const id of Object.values(CELLS)) {
      const status = await page.locator(`[data-cell-id="${id}"]`).getAttribute('data-status');
      if (status !== 'ok') throw new Error(`cell ${id} ended ${status}: ${(await page.locator(`[data-cell-id="${id}"]`).innerText()).slice(0, 1000)}`);
    }
    const timedCells: [StepId, string][] = [['segment', CELLS.segment], ['rfm', CELLS.rfm], ['clv', CELLS.clv], ['kmeans', CELLS.kmeans], ['lookalike', CELLS.lookalike]];
    for (const [name, id] of timedCells) {
      for (let r = 0; r < run.runs; r++) {
        await step(name, { kind: 'cell', id }, () => page.evaluate((cell) => window.__bench.click(`[data-cell-id="${cell}"] [data-testid=cell-run]`), id), false);
      }
    }
    const detail = `Chromium ${version} headless, ${bundle}, ${threads} DuckDB thread${threads === 1 ? '' : 's'}${isolated ? ', cross-origin isolated' : ''}`;
    return { detail, bundle, threads, crossOriginIsolated: isolated, steps };
  } finally {
    await browser.close();
  }
}

/** Waits until the notebook runs nothing and the memory gauge has refreshed once (it does while idle). */
async function settle(page: Page): Promise<void> {
  await page.locator('[data-testid=notebook]:not([data-run-state=running])').waitFor({ timeout: LONG });
  const { ticks } = await page.evaluate(() => window.__bench.gauge());
  await page.waitForFunction((before) => window.__bench.gauge().ticks > before, ticks, { timeout: 3_500, polling: 100 }).catch(() => undefined);
}
