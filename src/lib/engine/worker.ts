import * as Comlink from 'comlink';
import * as duckdb from '@duckdb/duckdb-wasm';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import coiWasm from '@duckdb/duckdb-wasm/dist/duckdb-coi.wasm?url';
import coiWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.worker.js?url';
import coiPthreadWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.pthread.worker.js?url';
import type { EngineApi, EngineInfo, InitOptions, LoadOptions, ProgressFn } from './api';
import { WasmDb } from './db-wasm';
import { Engine } from './engine';
import { EngineError, isWasmTrap } from './errors';
import { clusterDetails, clusterKSelection } from './cluster';
import { clvDetails } from './value-cells';
import { lookalikeDetails } from './lookalike';
import { exportCsv } from './export';
import { exportParquet } from './export-parquet';
import { clearResultName, dropResult, headConsumer, runCell, tablesRead } from './run-notebook';
import { fileSource } from './source';
import { exportNotebookScript } from './notebook-script';
import { RecordingDb } from './recording-db';
import type { ScriptCell } from '../notebook/sql-script';
import './transfer';

/** wasm32 caps the heap at 4 GiB and browsers fail well before; keep a margin (duckdb-wasm #1705). */
const WASM_MEMORY_BUDGET = 2 * 1024 ** 3;

/** Where registered and written files live in DuckDB-WASM's file system; the only place SQL may reach. */
const SCRATCH_DIR = '/seglab/';

let ready: Promise<Engine> | null = null;
let recorder: RecordingDb | null = null;
/** Cell id → what the cell's last successful `runCell` did, for the notebook's SQL script. */
const scripted = new Map<string, ScriptCell>();

async function start(budget: number): Promise<Engine> {
  const bundle = await duckdb.selectBundle({
    mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
    eh: { mainModule: ehWasm, mainWorker: ehWorker },
    coi: { mainModule: coiWasm, mainWorker: coiWorker, pthreadWorker: coiPthreadWorker }
  });
  const worker = new Worker(bundle.mainWorker!);
  worker.addEventListener('error', (e) => {
    // The nested DuckDB worker died (out of memory, abort): ours cannot recover it, so it closes
    // itself and the client restarts the engine (see client.ts).
    self.postMessage({ seglabFatal: `DuckDB stopped: ${e.message || 'out of memory or aborted'}` });
    self.close();
  });
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  const threaded = bundle.pthreadWorker !== null;
  await db.open({ query: { castBigIntToDouble: false }, ...(threaded ? { maximumThreads: threadCount() } : {}) });
  const conn = await db.connectInternal();
  const wasm = await WasmDb.open(db, conn, { directory: SCRATCH_DIR });
  recorder = new RecordingDb(wasm);
  const bundleName = threaded ? 'wasm-coi' : bundle.mainModule.includes('-eh') ? 'wasm-eh' : 'wasm-mvp';
  const assets = [bundle.mainModule, bundle.mainWorker!, ...(threaded ? [bundle.pthreadWorker!] : [])].map((u) => new URL(u, self.location.href).href);
  return new Engine(recorder, budget, bundleName, assets);
}

/**
 * DuckDB threads for the threaded build (`selectBundle` picks it only in a cross-origin isolated
 * page): one per logical core, at most 8, since every thread's stack comes out of the wasm32 heap.
 */
function threadCount(): number {
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8));
}

function engine(budget = WASM_MEMORY_BUDGET): Promise<Engine> {
  ready ??= start(Math.min(budget, WASM_MEMORY_BUDGET));
  return ready;
}

const api: EngineApi = {
  async init(options?: InitOptions): Promise<EngineInfo> {
    return (await engine(options?.memoryBudgetBytes)).info();
  },
  async inspect(file: File, options?: LoadOptions) {
    return (await engine()).inspect(fileSource(file), options);
  },
  async load(file: File, options: LoadOptions, onProgress?: ProgressFn) {
    return (await engine()).load(fileSource(file), options, onProgress);
  },
  async cancel() {
    await (await engine()).cancel();
  },
  async ping() {
    return 'pong' as const;
  },
  async memory() {
    return (await engine()).memory();
  },
  async query(text: string) {
    const bytes = await (await engine()).query(text);
    return Comlink.transfer(bytes, [bytes.buffer]);
  },
  async exec(text: string) {
    await (await engine()).db.exec(text);
  },
  async exportCsv(text: string, options) {
    const { bytes } = await exportCsv((await engine()).db, { sql: text }, options);
    return Comlink.transfer(bytes, [bytes.buffer]);
  },
  async exportParquet(text: string) {
    const bytes = await exportParquet((await engine()).db, text);
    return Comlink.transfer(bytes, [bytes.buffer]);
  },
  async tables() {
    return (await engine()).tables();
  },
  async renameTable(from: string, to: string) {
    return (await engine()).renameTable(from, to);
  },
  async dropTable(name: string) {
    return (await engine()).dropTable(name);
  },
  async profile(table: string) {
    return (await engine()).profile(table);
  },
  async runCell(cell, input, limit, settings = {}) {
    const e = await engine();
    const head = headConsumer(e, limit);
    await clearResultName(e, cell);
    recorder!.start();
    const run = await runCell(e, cell, { input, consume: head.consume, referenceDate: settings.referenceDate, locale: settings.locale, guards: settings.guards });
    const steps = recorder!.stop();
    if (run.status === 'ok') scripted.set(cell.id, { steps });
    else scripted.delete(cell.id);
    const bytes = run.status === 'ok' ? head.bytes() : new Uint8Array();
    return Comlink.transfer({ run, bytes }, [bytes.buffer]);
  },
  async reads(text: string) {
    return [...(await tablesRead(await engine(), text))];
  },
  async clusterDetails(cell) {
    const details = await clusterDetails(await engine(), cell);
    const buffers = [details.centroids.buffer, details.scale.mean.buffer, details.scale.sd.buffer];
    if (details.map) buffers.push(details.map.projection.buffer, details.map.labels.buffer);
    return Comlink.transfer(details, buffers as ArrayBuffer[]);
  },
  async clusterKSelection(cell, kMin, kMax) {
    return clusterKSelection(await engine(), cell, kMin, kMax);
  },
  async clvDetails(cell) {
    return clvDetails(await engine(), cell);
  },
  async lookalikeDetails(cell, seedView, referenceDate) {
    return lookalikeDetails(await engine(), cell, seedView, referenceDate);
  },
  async dropView(name: string) {
    await dropResult(await engine(), name);
  },
  async sqlScript(notebook, meta) {
    return exportNotebookScript(await engine(), notebook, scripted, meta);
  }
};

self.addEventListener('unhandledrejection', (e) => {
  if (!(e.reason instanceof EngineError)) console.error('engine: unhandled', e.reason);
});

/**
 * Ends this worker when DuckDB-WASM trapped (see `isWasmTrap`): the module is broken, so every
 * later call would fail in odd ways. The client sees the message, restarts the engine and reloads.
 * @param error the failure, or a failed cell run's message
 */
function endIfTrapped(error: unknown): void {
  for (let e = error; e; e = e instanceof Error ? e.cause : undefined) {
    if ((e instanceof EngineError && e.code === 'ENGINE_DIED') || isWasmTrap(e)) {
      self.postMessage({ seglabFatal: `DuckDB crashed: ${(e as Error).message}` });
      self.close();
      return;
    }
  }
}

/** Every API method, with a trap inside DuckDB-WASM ending the worker (a failed cell run included). */
const guarded = Object.fromEntries(
  Object.entries(api).map(([name, method]) => [
    name,
    async (...args: unknown[]) => {
      try {
        const result = await (method as (...a: unknown[]) => Promise<unknown>)(...args);
        const run = (result as { run?: { code?: string; error?: string } } | undefined)?.run;
        if (run?.code === 'ENGINE_DIED') endIfTrapped(new EngineError({ code: 'ENGINE_DIED', message: run.error ?? 'DuckDB stopped' }));
        return result;
      } catch (e) {
        endIfTrapped(e);
        throw e;
      }
    }
  ])
) as unknown as EngineApi;

Comlink.expose(guarded);
