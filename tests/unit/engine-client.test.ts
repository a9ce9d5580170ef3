import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import type { TableInfo } from '../../src/lib/engine/api';
import { EngineClient, type EngineDeath, type EngineEvents } from '../../src/lib/engine/client';

// Issue 8, point 5: the client notices a dead engine worker, fails what was pending with
// ENGINE_DIED, restarts it and reloads the files it holds.

/** What one fake engine does; every method may be left hanging to play a dead or busy worker. */
interface FakeApi {
  init(): Promise<unknown>;
  load(file: File, options: { table?: string }): Promise<TableInfo>;
  query(sql: string): Promise<Uint8Array>;
  ping(): Promise<'pong'>;
}

const never = <T>() => new Promise<T>(() => {});

function table(name: string): TableInfo {
  return { name, file: `${name}.csv`, format: 'csv', rows: 3, columns: [], warnings: [], ms: 1 };
}

/** A Worker stand-in: a MessageChannel with the engine API exposed on its far end. */
class FakeWorker extends EventTarget {
  readonly calls: string[] = [];
  readonly #port: MessagePort;
  terminated = false;

  constructor(api: Partial<FakeApi>) {
    super();
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    const logged = Object.fromEntries(
      Object.entries({ init: async () => ({}), ping: async () => 'pong' as const, ...api }).map(([name, fn]) => [
        name,
        (...args: unknown[]) => {
          this.calls.push(name === 'load' ? `load ${(args[1] as { table?: string }).table}` : name);
          return (fn as (...a: unknown[]) => unknown)(...args);
        }
      ])
    );
    Comlink.expose(logged, port2 as unknown as Comlink.Endpoint);
    port1.addEventListener('message', (e) => this.dispatchEvent(new MessageEvent('message', { data: (e as MessageEvent).data })));
    port1.start();
    port2.start();
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (!this.terminated) this.#port.postMessage(message, transfer as never);
  }

  terminate(): void {
    this.terminated = true;
    this.#port.close();
  }

  /** Plays the worker's `error` event (an uncaught error inside it). */
  crash(message: string): void {
    this.dispatchEvent(Object.assign(new Event('error'), { message }));
  }
}

/** A client over scripted workers (one per spawn), recording what it reports. */
function setup(scripts: Partial<FakeApi>[], heartbeat = { intervalMs: 10_000, timeoutMs: 10_000, busyTimeoutMs: 10_000 }) {
  const workers: FakeWorker[] = [];
  const log: string[] = [];
  const keys: string[] = [];
  const english = (reason: EngineDeath) => (typeof reason === 'string' ? reason : reason.text);
  let restarted: (v: { reason: string; reloaded: string[]; failed: string[] }) => void = () => {};
  const done = new Promise<{ reason: string; reloaded: string[]; failed: string[] }>((r) => (restarted = r));
  const events: EngineEvents = {
    died: (reason) => {
      log.push(`died: ${english(reason)}`);
      if (typeof reason === 'object') keys.push(reason.key);
    },
    restarted: (reason, reloaded, failed) => restarted({ reason: english(reason), reloaded: reloaded.map((t) => t.name), failed })
  };
  const client = new EngineClient(
    () => {
      const w = new FakeWorker(scripts[Math.min(workers.length, scripts.length - 1)]);
      workers.push(w);
      return w as unknown as Worker;
    },
    events,
    heartbeat
  );
  clients.push(client);
  return { client, workers, log, keys, restarted: done };
}

const clients: EngineClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.terminate();
});

describe('EngineClient', () => {
  it("fails pending calls with ENGINE_DIED on the worker's error event, restarts and reloads the files it holds", async () => {
    const { client, workers, log, restarted } = setup([
      { load: async (_f, o) => table(o.table ?? 'kunden'), query: () => never() },
      { load: async (_f, o) => table(o.table!) }
    ]);
    await client.init({ memoryBudgetBytes: 1024 });
    await client.load(new File(['a\n1\n'], 'kunden.csv'), { table: 'kunden' });
    const pending = client.call((api) => api.query('SELECT 1'));
    workers[0].crash('Uncaught RuntimeError: unreachable');
    await expect(pending).rejects.toMatchObject({ code: 'ENGINE_DIED' });
    expect(log).toEqual(['died: Uncaught RuntimeError: unreachable']);
    expect(await restarted).toEqual({ reason: 'Uncaught RuntimeError: unreachable', reloaded: ['kunden'], failed: [] });
    expect(workers[0].terminated).toBe(true);
    expect(workers[1].calls).toEqual(['init', 'load kunden']);
  });

  it('lets calls made during the restart wait for the new engine', async () => {
    let release: () => void = () => {};
    const { client, workers, restarted } = setup([
      { load: async (_f, o) => table(o.table!) },
      { load: (_f, o) => new Promise((r) => (release = () => r(table(o.table!)))), query: async () => new Uint8Array([7]) }
    ]);
    await client.load(new File(['x'], 'a.csv'), { table: 'a' });
    workers[0].dispatchEvent(new MessageEvent('message', { data: { seglabFatal: 'DuckDB crashed: memory access out of bounds' } }));
    const during = client.call((api) => api.query('SELECT 1'));
    await new Promise((r) => setTimeout(r, 20));
    expect(workers[1].calls).toEqual(['init', 'load a']);
    release();
    expect(await during).toEqual(new Uint8Array([7]));
    expect(workers[1].calls).toEqual(['init', 'load a', 'query']);
    expect((await restarted).reason).toBe('DuckDB crashed: memory access out of bounds');
  });

  it('reports a table whose file can no longer be loaded as failed', async () => {
    const { client, workers, restarted } = setup([
      { load: async (_f, o) => table(o.table!) },
      {
        load: async (_f, o) => {
          if (o.table === 'gone') throw new Error('NotReadableError');
          return table(o.table!);
        }
      }
    ]);
    await client.load(new File(['x'], 'gone.csv'), { table: 'gone' });
    await client.load(new File(['x'], 'kept.csv'), { table: 'kept' });
    workers[0].crash('boom');
    expect(await restarted).toEqual({ reason: 'boom', reloaded: ['kept'], failed: ['gone'] });
  });

  it('restarts an idle worker that stops answering its heartbeat', async () => {
    const { workers, log, keys, restarted } = setup([{ ping: () => never() }, {}], { intervalMs: 10, timeoutMs: 60, busyTimeoutMs: 10_000 });
    const { reason } = await restarted;
    expect(reason).toMatch(/^it did not answer for \d+ s$/);
    expect(log).toEqual([`died: ${reason}`]);
    expect(keys).toEqual(['engineNoAnswer']);
    expect(workers).toHaveLength(2);
  });

  it('gives a worker that is busy with a call the longer timeout', async () => {
    const { client, workers } = setup([{ ping: () => never(), query: () => never() }], { intervalMs: 10, timeoutMs: 40, busyTimeoutMs: 10_000 });
    void client.call((api) => api.query('SELECT 1')).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(workers).toHaveLength(1);
  });

  it('does not count a background call (the memory gauge) as work', async () => {
    const { client, restarted } = setup([{ ping: () => never(), query: () => never() }, {}], { intervalMs: 10, timeoutMs: 60, busyTimeoutMs: 10_000 });
    void client.call((api) => api.query('SELECT 1'), true).catch(() => undefined);
    expect((await restarted).reason).toMatch(/did not answer/);
  });
});
