import * as Comlink from 'comlink';
import type { GridFilters, SortKey, TransformApi } from './transform';

/** The worker side as the client sees it: `TransformApi` with promises, and a way to stop it. */
export interface TransformConnection {
  api: {
    append(id: number, part: Uint8Array): Promise<void>;
    load(id: number): Promise<void>;
    order(id: number, sort: SortKey[], filters: GridFilters): Promise<Uint32Array>;
  };
  close(): void;
}

/** Starts a grid transform worker (same origin, no page CSP, so Arquero may compile expressions). */
export function connectTransformWorker(): TransformConnection {
  const worker = new Worker(new URL('./transform.worker.ts', import.meta.url), { type: 'module', name: 'seglab-grid' });
  const api = Comlink.wrap<TransformApi>(worker);
  return {
    api: {
      append: (id, part) => api.append(id, Comlink.transfer(part, [part.buffer])),
      load: (id) => api.load(id),
      order: (id, sort, filters) => api.order(id, sort, filters)
    },
    close: () => worker.terminate()
  };
}

/** Bytes copied and sent to the worker per message (a 4 MiB copy takes a few milliseconds). */
const SEND_PART = 4 * 1024 * 1024;

interface Pending {
  sort: SortKey[];
  filters: GridFilters;
  resolve: (order: Uint32Array | null) => void;
  reject: (e: unknown) => void;
}

/**
 * Asks the grid transform worker for row orders. The worker starts on the first request and gets
 * the result bytes once per result, copied in 4 MiB parts over several tasks. Requests are answered latest-first: a request that a
 * newer one supersedes before it ran is never sent, and one superseded while running resolves to
 * null, so the grid only ever shows the order for what the user asked last.
 */
export class GridTransformClient {
  #conn: TransformConnection | null = null;
  #bytes: Uint8Array | null = null;
  #version = 0;
  #loaded = -1;
  #pending: Pending | null = null;
  #running = false;

  /** @param connect starts the worker (tests pass an in-process one) */
  constructor(private readonly connect: () => TransformConnection = connectTransformWorker) {}

  /**
   * Sets the result later requests work on; it reaches the worker with the next request.
   * @param bytes Arrow IPC stream bytes
   */
  setData(bytes: Uint8Array): void {
    this.#bytes = bytes;
    this.#version++;
    this.#pending?.resolve(null);
    this.#pending = null;
  }

  /**
   * The order of shown rows for a sort and filters, or null when a newer request superseded this one.
   * @param sort sort keys, most significant first
   * @param filters column filters and the quick filter
   */
  order(sort: SortKey[], filters: GridFilters): Promise<Uint32Array | null> {
    return new Promise((resolve, reject) => {
      this.#pending?.resolve(null);
      this.#pending = { sort, filters, resolve, reject };
      void this.#pump();
    });
  }

  /** Stops the worker; pending requests resolve to null. */
  destroy(): void {
    this.#pending?.resolve(null);
    this.#pending = null;
    this.#conn?.close();
    this.#conn = null;
    this.#loaded = -1;
  }

  async #pump(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#pending) {
        const req = this.#pending;
        this.#pending = null;
        try {
          if (!this.#bytes) throw new Error('grid transform: no result set');
          this.#conn ??= this.connect();
          const version = this.#version;
          if (this.#loaded !== version) {
            const bytes = this.#bytes;
            for (let a = 0; a < bytes.length; a += SEND_PART) {
              if (version !== this.#version) break;
              await this.#conn.api.append(version, bytes.slice(a, a + SEND_PART));
            }
            if (version !== this.#version) {
              req.resolve(null);
              continue;
            }
            await this.#conn.api.load(version);
            this.#loaded = version;
          }
          const order = await this.#conn.api.order(version, plain(req.sort), plain(req.filters));
          req.resolve(this.#pending || version !== this.#version ? null : order);
        } catch (e) {
          if (this.#pending) req.resolve(null);
          else req.reject(e);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}

/** Structured-clone-safe copy of plain data (Svelte state proxies cannot be posted). */
function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
