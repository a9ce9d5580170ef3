import { openNodeWasmDb } from '../../../src/lib/engine/db-node-wasm';
import type { Db } from '../../../src/lib/engine/db';
import { Engine } from '../../../src/lib/engine/engine';
import { bytesSource, type ByteSource } from '../../../src/lib/engine/source';

/** Opens DuckDB-WASM's Node build (about 1–2 s); call once per test file in `beforeAll`. */
export async function openTestDb(): Promise<Db> {
  return openNodeWasmDb();
}

/** A fresh engine over a fresh DuckDB-WASM, with a 2 GiB budget like the browser's. */
export async function openTestEngine(): Promise<Engine> {
  return new Engine(await openNodeWasmDb(), 2 * 1024 ** 3);
}

/**
 * An in-memory file.
 * @param name file name
 * @param content text (encoded UTF-8) or bytes
 */
export function file(name: string, content: string | Uint8Array): ByteSource {
  return bytesSource(name, typeof content === 'string' ? new TextEncoder().encode(content) : content);
}
