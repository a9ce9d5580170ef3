/** "Forget everything": deletes what seglab keeps in this browser, for this origin. */
import { deleteDB } from 'idb';
import { DB_NAME } from './draft-store';
import { t } from '../strings';

/**
 * Deletes everything this origin keeps in the browser: every IndexedDB database (the autosaved
 * notebook is `seglab`), every entry of the origin's private file system (OPFS: kept files),
 * localStorage, sessionStorage and Cache Storage. Any of them may be missing. Rejects when
 * another tab keeps a database open for longer than `blockedMs` (seglab's own connections close
 * themselves when asked).
 * @param blockedMs how long to wait for other connections to close
 */
export async function forgetEverything(blockedMs = 5000): Promise<void> {
  const names = await databaseNames();
  await Promise.all([...names.map((name) => deleteDatabase(name, blockedMs)), deleteFiles(), deleteCaches()]);
  globalThis.localStorage?.clear();
  globalThis.sessionStorage?.clear();
}

async function databaseNames(): Promise<string[]> {
  const idb = globalThis.indexedDB;
  if (!idb) return [];
  const listed = idb.databases ? await idb.databases().catch(() => []) : [];
  return [...new Set([DB_NAME, ...listed.flatMap((d) => (d.name ? [d.name] : []))])];
}

async function deleteDatabase(name: string, blockedMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let fail: (e: Error) => void = () => undefined;
  const blocked = new Promise<never>((_, reject) => (fail = reject));
  try {
    await Promise.race([
      deleteDB(name, {
        blocked: () => {
          timer ??= setTimeout(() => fail(new Error(t.persist.forgetBlocked)), blockedMs);
        }
      }),
      blocked
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function deleteFiles(): Promise<void> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.getDirectory) return;
  let root: FileSystemDirectoryHandle;
  try {
    root = await storage.getDirectory();
  } catch {
    return;
  }
  const names: string[] = [];
  for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
  for (const name of names) {
    try {
      await root.removeEntry(name, { recursive: true });
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'NotFoundError')) throw e;
    }
  }
}

async function deleteCaches(): Promise<void> {
  const caches = globalThis.caches;
  if (!caches) return;
  for (const key of await caches.keys()) await caches.delete(key);
}
