import * as Comlink from 'comlink';
import type { EngineApi, EngineInfo, InitOptions, LoadOptions, LoadProgress, TableInfo } from './api';
import { EngineError } from './errors';
import './transfer';

type Remote = Comlink.Remote<EngineApi>;

/** A file the client loaded, kept so the tables can be reloaded after an engine restart. */
interface LoadedFile {
  file: File;
  options: LoadOptions;
}

/**
 * The UI's only door to the engine: owns the worker, turns a dead worker into an `ENGINE_DIED`
 * error for every pending call, restarts it and reloads the files it still holds.
 */
export class EngineClient {
  #worker!: Worker;
  #remote!: Remote;
  #died!: Promise<never>;
  #kill!: (e: EngineError) => void;
  #loaded = new Map<string, LoadedFile>();
  #init: InitOptions = {};

  /**
   * @param createWorker makes a new engine worker (`new Worker(new URL('./worker.ts', …))`)
   * @param onRestart told when the engine died and was restarted, with the reason and reloaded tables
   */
  constructor(
    private readonly createWorker: () => Worker,
    private readonly onRestart: (reason: string, reloaded: TableInfo[], failed: string[]) => void = () => {}
  ) {
    this.#spawn();
  }

  #spawn(): void {
    this.#worker = this.createWorker();
    this.#remote = Comlink.wrap<EngineApi>(this.#worker);
    this.#died = new Promise<never>((_, reject) => {
      this.#kill = reject;
    });
    this.#died.catch(() => undefined);
    const die = (reason: string) => void this.#restart(reason);
    this.#worker.addEventListener('error', (e) => die(e.message || 'the engine worker crashed'));
    this.#worker.addEventListener('message', (e: MessageEvent) => {
      if (e.data && typeof e.data === 'object' && 'seglabFatal' in e.data) die(String(e.data.seglabFatal));
    });
  }

  async #restart(reason: string): Promise<void> {
    this.#kill(new EngineError({ code: 'ENGINE_DIED', message: `The engine stopped and was restarted (${reason}).` }));
    this.#worker.terminate();
    this.#spawn();
    await this.init(this.#init).catch(() => undefined);
    const reloaded: TableInfo[] = [];
    const failed: string[] = [];
    for (const [name, { file, options }] of this.#loaded) {
      try {
        reloaded.push(await this.call((api) => api.load(file, { ...options, table: name })));
      } catch {
        failed.push(name);
        this.#loaded.delete(name);
      }
    }
    this.onRestart(reason, reloaded, failed);
  }

  /**
   * Starts the engine (again after a restart, with the same options).
   * @param options memory budget
   */
  init(options: InitOptions = {}): Promise<EngineInfo> {
    this.#init = options;
    return this.call((api) => api.init(options));
  }

  /**
   * Calls the engine; rejects with `ENGINE_DIED` if the worker dies meanwhile.
   * @param fn what to call on the remote API
   */
  call<T>(fn: (api: Remote) => Promise<T>): Promise<T> {
    return Promise.race([fn(this.#remote), this.#died]);
  }

  /**
   * Loads a file, reporting progress, and remembers it for reload after a restart.
   * @param file the picked or dropped file
   * @param options load options
   * @param onProgress progress callback (runs on the main thread)
   */
  async load(file: File, options: LoadOptions, onProgress?: (p: LoadProgress) => void): Promise<TableInfo> {
    const info = await this.call((api) => api.load(file, options, onProgress ? Comlink.proxy(onProgress) : undefined));
    this.#loaded.set(info.name, { file, options });
    return info;
  }

  /**
   * Renames a table and keeps the reload record in step.
   * @param from current name
   * @param to new name
   */
  async renameTable(from: string, to: string): Promise<TableInfo> {
    const info = await this.call((api) => api.renameTable(from, to));
    const rec = this.#loaded.get(from);
    if (rec) {
      this.#loaded.delete(from);
      this.#loaded.set(info.name, rec);
    }
    return info;
  }

  /**
   * Drops a table and forgets its file.
   * @param name the table
   */
  async dropTable(name: string): Promise<void> {
    await this.call((api) => api.dropTable(name));
    this.#loaded.delete(name);
  }

  /** Ends the worker (tests, page teardown). */
  terminate(): void {
    this.#worker.terminate();
  }
}

/** Creates the client for the bundled engine worker. */
export function createEngineClient(onRestart?: (reason: string, reloaded: TableInfo[], failed: string[]) => void): EngineClient {
  return new EngineClient(() => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }), onRestart);
}
