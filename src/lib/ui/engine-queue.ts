import type { EngineClient } from '../engine/client';
import { EngineError } from '../engine/errors';
import { t } from './strings';

/** One queued engine task that can be cancelled before or while it runs. */
export class Ticket {
  running = false;
  cancelled = false;
}

/**
 * Runs engine work one task at a time, so a Cancel only ever interrupts the task it belongs to
 * (the engine's `cancel()` stops whatever runs) and a profile never competes with a load.
 */
export class EngineQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #waiting = 0;

  /** @param client the engine client */
  constructor(readonly client: EngineClient) {}

  /** Whether a task runs or waits. */
  get busy(): boolean {
    return this.#waiting > 0;
  }

  /**
   * Queues `fn`; if `ticket` is cancelled before its turn, `fn` never runs and the promise
   * rejects with a `CANCELLED` error.
   * @param fn the engine work
   * @param ticket lets the caller cancel this task
   * @param file the file the task is about, for the error
   */
  run<T>(fn: (client: EngineClient) => Promise<T>, ticket?: Ticket, file?: string): Promise<T> {
    const task = async (): Promise<T> => {
      if (ticket?.cancelled) throw new EngineError({ code: 'CANCELLED', message: t.load.cancelledBeforeStart, file });
      if (ticket) ticket.running = true;
      try {
        return await fn(this.client);
      } finally {
        if (ticket) ticket.running = false;
      }
    };
    this.#waiting++;
    const result = this.#tail.then(task, task);
    this.#tail = result.then(
      () => void this.#waiting--,
      () => void this.#waiting--
    );
    return result;
  }

  /**
   * Cancels a task: drops it if it waits, interrupts the engine if it runs.
   * @param ticket the task's ticket
   */
  async cancel(ticket: Ticket): Promise<void> {
    ticket.cancelled = true;
    if (ticket.running) await this.client.call((api) => api.cancel());
  }
}
