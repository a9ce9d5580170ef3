/** "Forget everything": deletes what seglab keeps in this browser. */
import { deleteDB } from 'idb';
import { DB_NAME } from './draft-store';
import { FILES_DIR } from './file-store';
import { t } from '../strings';

/**
 * Deletes the `seglab` IndexedDB database (the autosaved notebook) and the OPFS directory of kept
 * files. Either may be missing. Rejects when another tab keeps the database open for longer than
 * `blockedMs` (seglab's own connections close themselves when asked).
 * @param blockedMs how long to wait for other connections to close
 */
export async function forgetEverything(blockedMs = 5000): Promise<void> {
  await Promise.all([deleteDatabase(blockedMs), deleteFiles()]);
}

async function deleteDatabase(blockedMs: number): Promise<void> {
  if (!globalThis.indexedDB) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let fail: (e: Error) => void = () => undefined;
  const blocked = new Promise<never>((_, reject) => (fail = reject));
  try {
    await Promise.race([
      deleteDB(DB_NAME, {
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
  try {
    await root.removeEntry(FILES_DIR, { recursive: true });
  } catch (e) {
    if (!(e instanceof DOMException && e.name === 'NotFoundError')) throw e;
  }
}
