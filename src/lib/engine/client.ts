import * as Comlink from 'comlink';
import type { EngineApi, EngineInfo, InitOptions, LoadOptions, LoadProgress, TableInfo } from './api';
import { note, said, type Note } from '../i18n/note';
import { EngineError } from './errors';
import './transfer';

type Remote = Comlink.Remote<EngineApi>;

/** A file the client loaded, kept so the tables can be reloaded after an engine restart. */
interface LoadedFile {
  file: File;
  options: LoadOptions;
}

/** Why the engine died: the client's own reason as a note, or the browser's or DuckDB's text as it came. */
export type EngineDeath = Note | string;

/** What the client tells its owner about the engine's deaths. */
export interface EngineEvents {
  /**
   * The worker died; called at once, before the pending calls reject and before the restart, so
   * the owner can note what was running and save what must not be lost.
   */
  died?(reason: EngineDeath): void;
  /** The new engine runs: the tables reloaded from their files, and those that could not be. */
  restarted?(reason: EngineDeath, reloaded: TableInfo[], failed: string[]): void;
}

/** How often and how patiently the client checks that the worker still answers. */
export interface HeartbeatOptions {
  /** Milliseconds between pings (default 3 s). */
  intervalMs: number;
  /** A ping unanswered this long while no call runs means the worker is gone (default 10 s). */
  timeoutMs: number;
  /**
   * The same while a call runs (default 2 min). The worker answers pings while DuckDB works (that
   * runs in its own worker), but not during long synchronous work of its own (a k-means fit).
   */
  busyTimeoutMs: number;
}

const HEARTBEAT: HeartbeatOptions = { intervalMs: 3_000, timeoutMs: 10_000, busyTimeoutMs: 120_000 };

/**
 * The UI's only door to the engine: owns the worker, notices when it dies (its `error` event, a
 * fatal message from inside it, or a heartbeat unanswered while it is idle), turns the death into
 * an `ENGINE_DIED` error for every pending call, restarts it and reloads the files it still holds.
 * Calls made during a restart wait for the new engine.
 */
export class EngineClient {
  #worker!: Worker;
  #remote!: Remote;
  #died!: Promise<never>;
  #kill!: (e: EngineError) => void;
  #generation = 0;
  #inFlight = 0;
  #restarting: Promise<void> | null = null;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #pinging = false;
  #loaded = new Map<string, LoadedFile>();
  #init: InitOptions = {};
  readonly #beat: HeartbeatOptions;

  /**
   * @param createWorker makes a new engine worker (`new Worker(new URL('./worker.ts', …))`)
   * @param events told when the engine died and when it runs again
   * @param heartbeat ping interval and timeout (tests shorten them)
   */
  constructor(
    private readonly createWorker: () => Worker,
    private readonly events: EngineEvents = {},
    heartbeat: Partial<HeartbeatOptions> = {}
  ) {
    this.#beat = { ...HEARTBEAT, ...heartbeat };
    this.#spawn();
  }

  #spawn(): void {
    const generation = ++this.#generation;
    this.#worker = this.createWorker();
    this.#remote = Comlink.wrap<EngineApi>(this.#worker);
    this.#died = new Promise<never>((_, reject) => {
      this.#kill = reject;
    });
    this.#died.catch(() => undefined);
    const die = (reason: EngineDeath) => {
      if (generation === this.#generation) void this.#restart(reason);
    };
    this.#worker.addEventListener('error', (e) => die(e.message || note('engineWorkerCrashed')));
    this.#worker.addEventListener('message', (e: MessageEvent) => {
      if (e.data && typeof e.data === 'object' && 'seglabFatal' in e.data) die(String(e.data.seglabFatal));
    });
    if (this.#heartbeat === null) this.#heartbeat = setInterval(() => void this.#ping(), this.#beat.intervalMs);
  }

  async #ping(): Promise<void> {
    if (this.#pinging || this.#restarting) return;
    this.#pinging = true;
    const generation = this.#generation;
    const sent = Date.now();
    let timer: ReturnType<typeof setInterval> | undefined;
    try {
      const late = new Promise<number>((resolve) => {
        timer = setInterval(() => {
          const waited = Date.now() - sent;
          if (waited >= (this.#inFlight > 0 ? this.#beat.busyTimeoutMs : this.#beat.timeoutMs)) resolve(waited);
        }, Math.min(1_000, this.#beat.timeoutMs));
      });
      const answer = await Promise.race([this.#remote.ping(), late, this.#died]);
      if (typeof answer === 'number' && generation === this.#generation) {
        void this.#restart(note('engineNoAnswer', { seconds: Math.round(answer / 1000) }));
      }
    } catch {
      // The worker died meanwhile: the restart is already under way.
    } finally {
      clearInterval(timer);
      this.#pinging = false;
    }
  }

  #restart(reason: EngineDeath): Promise<void> {
    if (this.#restarting) {
      // The new worker died while reloading: its pending calls fail, the heartbeat tries again.
      this.#kill(new EngineError({ code: 'ENGINE_DIED', ...said('engineStoppedAgain', { reason }) }));
      return this.#restarting;
    }
    this.events.died?.(reason);
    this.#kill(new EngineError({ code: 'ENGINE_DIED', ...said('engineRestarting', { reason }) }));
    this.#worker.terminate();
    this.#spawn();
    const restart = this.#reload(reason).finally(() => {
      this.#restarting = null;
    });
    this.#restarting = restart;
    return restart;
  }

  async #reload(reason: EngineDeath): Promise<void> {
    await this.#now((api) => api.init(this.#init)).catch(() => undefined);
    const reloaded: TableInfo[] = [];
    const failed: string[] = [];
    for (const [name, { file, options }] of [...this.#loaded]) {
      try {
        reloaded.push(await this.#now((api) => api.load(file, { ...options, table: name })));
      } catch {
        failed.push(name);
        this.#loaded.delete(name);
      }
    }
    this.events.restarted?.(reason, reloaded, failed);
  }

  async #now<T>(fn: (api: Remote) => Promise<T>, background = false): Promise<T> {
    if (background) return Promise.race([fn(this.#remote), this.#died]);
    this.#inFlight++;
    try {
      return await Promise.race([fn(this.#remote), this.#died]);
    } finally {
      this.#inFlight--;
    }
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
   * Calls the engine; rejects with `ENGINE_DIED` if the worker dies meanwhile. During a restart
   * the call waits until the new engine has reloaded the tables.
   * @param fn what to call on the remote API
   * @param background a quick look (the memory gauge) that does not count as work for the heartbeat
   */
  async call<T>(fn: (api: Remote) => Promise<T>, background = false): Promise<T> {
    while (this.#restarting) await this.#restarting;
    return this.#now(fn, background);
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

  /** Ends the worker and the heartbeat (tests, page teardown). */
  terminate(): void {
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    this.#generation++;
    this.#worker.terminate();
  }
}

/**
 * Creates the client for the bundled engine worker.
 * @param events told when the engine died and when it runs again
 */
export function createEngineClient(events?: EngineEvents): EngineClient {
  return new EngineClient(() => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }), events);
}
