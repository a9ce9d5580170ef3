/**
 * Loaded data files kept in the browser's origin private file system (OPFS), directory
 * `seglab-files`, so a reload can load the tables again ("keep my data in this browser").
 *
 * Layout: each entry is a data file `<name>.<nonce>.bin` plus a small `<name>.json` sidecar with
 * the key, the original file name, type, size and lastModified. The sidecar is written last and
 * points at its data file, so an entry exists only once its bytes are complete: a cancelled or
 * failed `put` removes its data file and leaves any earlier entry of the key as it was.
 */
import { t } from '../strings';

/** Name of the OPFS directory that holds the kept files. */
export const FILES_DIR = 'seglab-files';

const META_SUFFIX = '.json';
const DATA_SUFFIX = '.bin';
/** Longest encoded key used as a file name; longer keys are hashed (OPFS names are limited to about 255 bytes). */
const MAX_NAME = 160;

/** The sidecar of one entry. */
interface Meta {
  key: string;
  name: string;
  type: string;
  size: number;
  lastModified: number;
  data: string;
}

/** Kept files by key (the table name). */
export interface FileStore {
  /**
   * Copies a file into the store, streaming it (never whole in memory). Replaces an entry with
   * the same key once complete; on failure or abort nothing of the new file stays.
   * @param key the table name (any characters)
   * @param file the file
   * @param onProgress called with the bytes written so far
   * @param signal aborts the copy
   */
  put(key: string, file: File, onProgress?: (bytes: number) => void, signal?: AbortSignal): Promise<void>;
  /**
   * The kept file with its original name, type and lastModified, or null.
   * @param key the table name
   */
  get(key: string): Promise<File | null>;
  /** Every key that has a complete entry. */
  keys(): Promise<string[]>;
  /**
   * Deletes an entry (nothing happens when it is missing).
   * @param key the table name
   */
  remove(key: string): Promise<void>;
  /** Deletes every entry. */
  clear(): Promise<void>;
  /** Bytes of the kept files and, when the browser says, the origin's storage quota. */
  usage(): Promise<{ bytes: number; quota?: number }>;
  /** Asks the browser not to evict this site's storage under pressure; true when granted. */
  requestPersistence(): Promise<boolean>;
}

/** Thrown by `FileStore.put` when the browser has no room left for the file. */
export class FileStoreQuotaError extends Error {
  /**
   * @param fileName the file that did not fit
   * @param cause the browser's error
   */
  constructor(fileName: string, cause: unknown) {
    super(t.persist.quota(fileName), { cause });
    this.name = 'FileStoreQuotaError';
  }
}

/**
 * Opens the OPFS store, or resolves to null where OPFS is unavailable (old browsers, some private
 * modes, Node).
 */
export async function openFileStore(): Promise<FileStore | null> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.getDirectory) return null;
  try {
    const root = await storage.getDirectory();
    const dir = await root.getDirectoryHandle(FILES_DIR, { create: true });
    const probe = await dir.getFileHandle('.probe', { create: true });
    if (typeof probe.createWritable !== 'function') return null;
    await dir.removeEntry('.probe');
    return new OpfsFileStore(dir);
  } catch {
    return null;
  }
}

/**
 * Asks the browser to keep this site's storage (`navigator.storage.persist()`); false when it
 * refuses or cannot.
 */
export async function requestPersistence(): Promise<boolean> {
  try {
    const storage = globalThis.navigator?.storage;
    if (!storage?.persist) return false;
    return (await storage.persisted?.()) || (await storage.persist());
  } catch {
    return false;
  }
}

/**
 * The file name stem an entry's files start with: the key percent-encoded down to
 * `[A-Za-z0-9_-]`, or a SHA-256 of it when that would be too long.
 * @param key the table name
 */
export async function entryName(key: string): Promise<string> {
  const encoded = Array.from(new TextEncoder().encode(key), (b) =>
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b === 0x2d
      ? String.fromCharCode(b)
      : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  ).join('');
  if (encoded.length + 1 <= MAX_NAME) return `k${encoded}`;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
  return `h${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The directory's entry names; typed here because the project's TS lib has no `DOM.AsyncIterable`. */
function names(dir: FileSystemDirectoryHandle): AsyncIterable<string> {
  return (dir as unknown as { keys(): AsyncIterable<string> }).keys();
}

function isNotFound(e: unknown): boolean {
  return e instanceof DOMException && (e.name === 'NotFoundError' || e.name === 'TypeMismatchError');
}

function isQuota(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'QuotaExceededError';
}

class OpfsFileStore implements FileStore {
  readonly #dir: FileSystemDirectoryHandle;
  /** Mutations run one after the other, so two puts of one key cannot orphan a data file. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(dir: FileSystemDirectoryHandle) {
    this.#dir = dir;
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  put(key: string, file: File, onProgress?: (bytes: number) => void, signal?: AbortSignal): Promise<void> {
    return this.#serial(async () => {
      signal?.throwIfAborted();
      const stem = await entryName(key);
      const dataName = `${stem}.${crypto.randomUUID()}${DATA_SUFFIX}`;
      const handle = await this.#dir.getFileHandle(dataName, { create: true });
      let writable: FileSystemWritableFileStream | null = null;
      try {
        writable = await handle.createWritable();
        const reader = file.stream().getReader();
        let written = 0;
        try {
          for (;;) {
            signal?.throwIfAborted();
            const { done, value } = await reader.read();
            if (done) break;
            await writable.write(value as Uint8Array<ArrayBuffer>);
            written += value.byteLength;
            onProgress?.(written);
          }
        } finally {
          reader.releaseLock();
        }
        signal?.throwIfAborted();
        await writable.close();
        writable = null;
        const old = await this.#meta(stem);
        const meta: Meta = { key, name: file.name, type: file.type, size: written, lastModified: file.lastModified, data: dataName };
        await this.#writeMeta(stem, meta);
        if (old && old.data !== dataName) await this.#dir.removeEntry(old.data).catch(() => undefined);
      } catch (e) {
        await writable?.abort().catch(() => undefined);
        await this.#dir.removeEntry(dataName).catch(() => undefined);
        throw isQuota(e) ? new FileStoreQuotaError(file.name, e) : e;
      }
    });
  }

  async get(key: string): Promise<File | null> {
    const meta = await this.#meta(await entryName(key));
    if (!meta || meta.key !== key) return null;
    try {
      const blob = await (await this.#dir.getFileHandle(meta.data)).getFile();
      return new File([blob], meta.name, { type: meta.type, lastModified: meta.lastModified });
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async keys(): Promise<string[]> {
    const out: string[] = [];
    for await (const name of names(this.#dir)) {
      if (!name.endsWith(META_SUFFIX)) continue;
      const meta = await this.#meta(name.slice(0, -META_SUFFIX.length));
      if (meta) out.push(meta.key);
    }
    return out.sort();
  }

  remove(key: string): Promise<void> {
    return this.#serial(async () => {
      const stem = await entryName(key);
      const meta = await this.#meta(stem);
      await this.#dir.removeEntry(stem + META_SUFFIX).catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
      if (meta) await this.#dir.removeEntry(meta.data).catch(() => undefined);
    });
  }

  clear(): Promise<void> {
    return this.#serial(async () => {
      const all: string[] = [];
      for await (const name of names(this.#dir)) all.push(name);
      for (const name of all) await this.#dir.removeEntry(name, { recursive: true }).catch(() => undefined);
    });
  }

  async usage(): Promise<{ bytes: number; quota?: number }> {
    let bytes = 0;
    for await (const name of names(this.#dir)) {
      if (!name.endsWith(META_SUFFIX)) continue;
      bytes += (await this.#meta(name.slice(0, -META_SUFFIX.length)))?.size ?? 0;
    }
    const estimate = await globalThis.navigator?.storage?.estimate?.().catch(() => undefined);
    return estimate?.quota === undefined ? { bytes } : { bytes, quota: estimate.quota };
  }

  requestPersistence(): Promise<boolean> {
    return requestPersistence();
  }

  async #meta(stem: string): Promise<Meta | null> {
    try {
      const file = await (await this.#dir.getFileHandle(stem + META_SUFFIX)).getFile();
      const meta = JSON.parse(await file.text()) as Partial<Meta>;
      if (typeof meta.key !== 'string' || typeof meta.data !== 'string' || typeof meta.name !== 'string') return null;
      return {
        key: meta.key,
        name: meta.name,
        type: typeof meta.type === 'string' ? meta.type : '',
        size: typeof meta.size === 'number' ? meta.size : 0,
        lastModified: typeof meta.lastModified === 'number' ? meta.lastModified : 0,
        data: meta.data
      };
    } catch (e) {
      if (isNotFound(e) || e instanceof SyntaxError) return null;
      throw e;
    }
  }

  async #writeMeta(stem: string, meta: Meta): Promise<void> {
    const writable = await (await this.#dir.getFileHandle(stem + META_SUFFIX, { create: true })).createWritable();
    try {
      await writable.write(JSON.stringify(meta));
      await writable.close();
    } catch (e) {
      await writable.abort().catch(() => undefined);
      throw e;
    }
  }
}
