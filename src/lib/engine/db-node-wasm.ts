import * as duckdb from '@duckdb/duckdb-wasm/blocking';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { WasmDb } from './db-wasm';

/**
 * Opens DuckDB-WASM's blocking Node build: the same engine and SQL as the browser, used by the
 * unit tests and by the runner's default `--engine wasm`.
 */
export async function openNodeWasmDb(): Promise<WasmDb> {
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));
  const bindings = await duckdb.createDuckDB(
    {
      mvp: { mainModule: path.join(dist, 'duckdb-mvp.wasm'), mainWorker: path.join(dist, 'duckdb-node-mvp.worker.cjs') },
      eh: { mainModule: path.join(dist, 'duckdb-eh.wasm'), mainWorker: path.join(dist, 'duckdb-node-eh.worker.cjs') }
    },
    new duckdb.VoidLogger(),
    duckdb.NODE_RUNTIME
  );
  await bindings.instantiate();
  bindings.open({});
  const conn = bindings.connect() as unknown as { _conn: number };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seglab-wasm-'));
  return WasmDb.open(bindings, conn._conn, {
    directory: `${dir}${path.sep}`,
    unlink: (file) => rm(file, { force: true }),
    remove: () => rm(dir, { recursive: true, force: true })
  });
}
