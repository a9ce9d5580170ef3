import { afterAll, beforeAll } from 'vitest';
import type { Db } from '../../../src/lib/engine/db';
import { NativeDb } from '../../../src/lib/engine/db-native';
import type { Engine } from '../../../src/lib/engine/engine';
import { openTestEngine } from './db';

/** A test engine over DuckDB-WASM and a native DuckDB with 4 threads, filled in by `beforeAll`. */
export interface WasmAndNative {
  engine: Engine;
  /** The engine's DuckDB-WASM. */
  db: Db;
  native: NativeDb;
}

/**
 * Opens both databases for a test file (in `beforeAll`), runs `create` on each, and closes native
 * DuckDB afterwards; the returned object is filled in once `beforeAll` has run.
 * @param create makes the file's tables
 */
export function useWasmAndNative(create: (db: Db) => Promise<void>): WasmAndNative {
  const dbs = {} as WasmAndNative;
  beforeAll(async () => {
    dbs.engine = await openTestEngine();
    dbs.db = dbs.engine.db;
    dbs.native = await NativeDb.open({ threads: 4 });
    await Promise.all([create(dbs.db), create(dbs.native)]);
  });
  afterAll(async () => {
    await dbs.native?.close();
  });
  return dbs;
}
