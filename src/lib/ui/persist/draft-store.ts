/**
 * The autosaved notebook: one draft in IndexedDB (database `seglab`), written debounced by an
 * `Autosaver` so that a reload or a crashed tab loses at most the last few hundred milliseconds.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Notebook, SourceOptions } from '../../notebook/model';
import { t } from '../strings';

/** Name of the IndexedDB database that holds everything seglab keeps in IndexedDB. */
export const DB_NAME = 'seglab';
/** Schema version of `DB_NAME`; raise it and add a step to `upgrade` when the stores change. */
export const DB_VERSION = 1;

const DRAFT_KEY = 'current';

/** What is known about the file a source table was loaded from. */
export interface DraftFile {
  /** Table name. */
  source: string;
  fileName: string;
  size: number;
  lastModified: number;
  /** The bytes are kept in OPFS (`FileStore`) under the table name. */
  stored: boolean;
  format?: string;
  options?: SourceOptions;
}

/** The notebook as the page last had it, with what is needed to bring its tables back. */
export interface Draft {
  notebook: Notebook;
  /** "Keep my data in this browser" was ticked. */
  keepData: boolean;
  /** ISO time of the edit this draft holds. */
  savedAt: string;
  files: DraftFile[];
}

/** Where drafts are kept; `openDraftStore` gives the IndexedDB one. */
export interface DraftStore {
  /** The saved draft, or null when there is none. */
  load(): Promise<Draft | null>;
  /**
   * Replaces the saved draft.
   * @param draft the new draft
   */
  save(draft: Draft): Promise<void>;
  /** Deletes the saved draft. */
  clear(): Promise<void>;
  /** Closes the connection; a later call opens it again. */
  close(): void;
}

interface SeglabDb extends DBSchema {
  drafts: { key: string; value: Draft };
}

/** Thrown by `DraftStore.load` when the stored value is not a draft (e.g. written by a broken build). */
export class DraftError extends Error {
  /**
   * @param detail what was wrong with the stored value
   */
  constructor(readonly detail: string) {
    super(t.persist.draftCorrupt);
    this.name = 'DraftError';
  }
}

/**
 * Opens (and creates or upgrades) the `seglab` database. The connection closes itself when another
 * connection wants to delete or upgrade the database (`forgetEverything`, a newer tab) and is opened
 * again on the next call.
 */
export async function openDraftStore(): Promise<DraftStore> {
  const store = new IdbDraftStore();
  await store.db();
  return store;
}

class IdbDraftStore implements DraftStore {
  #db: Promise<IDBPDatabase<SeglabDb>> | null = null;

  db(): Promise<IDBPDatabase<SeglabDb>> {
    this.#db ??= openDB<SeglabDb>(DB_NAME, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) db.createObjectStore('drafts');
      },
      blocking: () => this.close(),
      terminated: () => {
        this.#db = null;
      }
    }).catch((e: unknown) => {
      this.#db = null;
      throw e;
    });
    return this.#db;
  }

  async load(): Promise<Draft | null> {
    const value: unknown = await (await this.db()).get('drafts', DRAFT_KEY);
    if (value === undefined) return null;
    return checkDraft(value);
  }

  async save(draft: Draft): Promise<void> {
    await (await this.db()).put('drafts', plain(draft), DRAFT_KEY);
  }

  async clear(): Promise<void> {
    await (await this.db()).delete('drafts', DRAFT_KEY);
  }

  close(): void {
    const db = this.#db;
    this.#db = null;
    void db?.then((d) => d.close()).catch(() => undefined);
  }
}

/** A structured-cloneable copy: Svelte state proxies and functions cannot be stored. */
function plain(draft: Draft): Draft {
  return JSON.parse(JSON.stringify(draft)) as Draft;
}

/**
 * A light shape check of a stored draft. Deliberately not `validateNotebook`: a draft saved in the
 * middle of an edit (a duplicate cell name being typed) must still come back.
 */
function checkDraft(value: unknown): Draft {
  const v = value as Partial<Draft> | null;
  const nb = v?.notebook as Partial<Notebook> | undefined;
  if (!v || typeof v !== 'object') throw new DraftError('not an object');
  if (!nb || typeof nb !== 'object' || !Array.isArray(nb.cells) || !Array.isArray(nb.sources) || typeof nb.title !== 'string') {
    throw new DraftError('notebook is missing or has no cells/sources/title');
  }
  return {
    notebook: nb as Notebook,
    keepData: v.keepData === true,
    savedAt: typeof v.savedAt === 'string' ? v.savedAt : '',
    files: Array.isArray(v.files) ? v.files : []
  };
}

/** Autosave state for the UI: a change is waiting or being written, everything is written, or the last write failed. */
export type SaveStatus = 'saved' | 'saving' | 'error';

/**
 * Writes the latest draft debounced: many rapid edits make one write, never two writes run at
 * once, and the page's `pagehide` / `visibilitychange` → hidden flush what is pending. A failed
 * write sets `status` to `'error'` and calls `onStatus` with the error; it never throws.
 */
export class Autosaver {
  /** The current state; `onStatus` is called on every change. */
  status: SaveStatus = 'saved';
  /** The error of the last failed write, cleared by the next successful one. */
  error: unknown = null;
  /** Called when `status` changes (and again with each new error). */
  onStatus: ((status: SaveStatus, error?: unknown) => void) | null = null;

  readonly #store: DraftStore;
  readonly #delayMs: number;
  #make: (() => Draft) | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #writing: Promise<void> | null = null;
  #again = false;
  #destroyed = false;
  readonly #onHide = () => void this.flush();
  readonly #onVisibility = () => {
    if (globalThis.document?.visibilityState === 'hidden') void this.flush();
  };

  /**
   * @param store where drafts go
   * @param delayMs quiet time after the last edit before writing
   */
  constructor(store: DraftStore, delayMs = 300) {
    this.#store = store;
    this.#delayMs = delayMs;
    globalThis.addEventListener?.('pagehide', this.#onHide);
    globalThis.document?.addEventListener('visibilitychange', this.#onVisibility);
  }

  /**
   * Asks for a write after `delayMs` without further calls. `make` is called when the write
   * starts, so it captures the state at that moment; the latest `make` wins.
   * @param make builds the draft to write
   */
  schedule(make: () => Draft): void {
    if (this.#destroyed) return;
    this.#make = make;
    this.#set('saving');
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#kick();
    }, this.#delayMs);
  }

  /** Writes what is pending now and resolves when every write has ended (it never rejects). */
  async flush(): Promise<void> {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#kick();
    while (this.#writing) await this.#writing;
  }

  /** Stops listening to the page and drops a pending, unwritten draft (call `flush` first to keep it). */
  destroy(): void {
    this.#destroyed = true;
    this.#make = null;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    globalThis.removeEventListener?.('pagehide', this.#onHide);
    globalThis.document?.removeEventListener('visibilitychange', this.#onVisibility);
  }

  #kick(): void {
    if (!this.#make) return;
    if (this.#writing) {
      this.#again = true;
      return;
    }
    this.#writing = this.#drain().finally(() => {
      this.#writing = null;
    });
  }

  async #drain(): Promise<void> {
    do {
      this.#again = false;
      const make = this.#make;
      if (!make) break;
      this.#make = null;
      try {
        await this.#store.save(make());
        this.error = null;
        if (!this.#make && this.#timer === null) this.#set('saved');
      } catch (e) {
        this.error = e;
        this.#set('error', e);
      }
    } while (this.#again && this.#make);
  }

  #set(status: SaveStatus, error?: unknown): void {
    if (status === this.status && status !== 'error') return;
    this.status = status;
    this.onStatus?.(status, error);
  }
}
