import * as Comlink from 'comlink';
import * as duckdb from '@duckdb/duckdb-wasm';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import type { EngineApi, EngineInfo, InitOptions, LoadOptions, ProgressFn } from './api';
import { WasmDb } from './db-wasm';
import { Engine } from './engine';
import { EngineError } from './errors';
import { clusterDetails, clusterKSelection } from './cluster';
import { clvDetails } from './value-cells';
import { exportCsv } from './export';
import { exportParquet } from './export-parquet';
import { headConsumer, runCell, tablesRead } from './run-notebook';
import { fileSource } from './source';
import { ident, sql } from '../sql/quote';
import './transfer';

/** wasm32 caps the heap at 4 GiB and browsers fail well before; keep a margin (duckdb-wasm #1705). */
const WASM_MEMORY_BUDGET = 2 * 1024 ** 3;

let ready: Promise<Engine> | null = null;

async function start(budget: number): Promise<Engine> {
  const bundle = await duckdb.selectBundle({
    mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
    eh: { mainModule: ehWasm, mainWorker: ehWorker }
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
  await db.open({ query: { castBigIntToDouble: false } });
  const conn = await db.connectInternal();
  const wasm = await WasmDb.open(db, conn);
  const bundleName = bundle.mainModule.includes('-eh') ? 'wasm-eh' : 'wasm-mvp';
  return new Engine(wasm, budget, bundleName);
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
    const run = await runCell(e, cell, { input, consume: head.consume, referenceDate: settings.referenceDate, locale: settings.locale });
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
  async dropView(name: string) {
    await (await engine()).db.exec(String(sql`DROP VIEW IF EXISTS ${ident(name)}`));
  }
};

self.addEventListener('unhandledrejection', (e) => {
  if (!(e.reason instanceof EngineError)) console.error('engine: unhandled', e.reason);
});

Comlink.expose(api);
