import { describeError, type ErrorView } from './describe-error';
import type { EngineQueue } from './engine-queue';
import { Ticket } from './engine-queue';
import { decodeResult, type QueryResult } from './result';

/** Rows of a result the panel decodes and shows. */
export const SHOWN_ROWS = 1000;

/** The SQL panel: query text, the running query, its result or error and the time it took. */
export class SqlPanel {
  text = $state('');
  running = $state(false);
  result = $state.raw<QueryResult | null>(null);
  error = $state.raw<ErrorView | null>(null);
  cancelled = $state(false);
  /** Finished runs (succeeded, failed or cancelled), so observers can tell a new result from an old one. */
  runs = $state(0);
  /** Milliseconds the last query took in the engine plus decoding. */
  elapsed = $state<number | null>(null);
  #ticket: Ticket | null = null;
  #lastRun: string | null = null;

  /** @param queue the engine queue */
  constructor(private readonly queue: EngineQueue) {}

  /** Runs the text; a second Run while one is running is ignored. */
  async run(): Promise<void> {
    const text = this.text;
    if (this.running || !text.trim()) return;
    const ticket = new Ticket();
    this.#ticket = ticket;
    this.running = true;
    this.error = null;
    this.cancelled = false;
    let started = 0;
    try {
      const bytes = await this.queue.run((c) => {
        started = performance.now();
        return c.call((api) => api.query(text));
      }, ticket);
      this.result = decodeResult(bytes, SHOWN_ROWS);
      this.elapsed = performance.now() - started;
      this.#lastRun = text;
    } catch (e) {
      const view = describeError(e);
      this.result = null;
      this.elapsed = started ? performance.now() - started : null;
      if (view.code === 'CANCELLED' || ticket.cancelled) this.cancelled = true;
      else this.error = view;
    } finally {
      this.runs++;
      this.running = false;
      if (this.#ticket === ticket) this.#ticket = null;
    }
  }

  /**
   * Downloads the full result of the last successful query as CSV (written by DuckDB in the worker).
   * @param save hands the bytes to the browser (an object URL and a link click in the UI)
   */
  async downloadCsv(save: (bytes: Uint8Array, fileName: string) => void): Promise<void> {
    const text = this.#lastRun;
    if (!text) return;
    try {
      const bytes = await this.queue.run((c) => c.call((api) => api.exportCsv(text)));
      save(bytes, 'result.csv');
    } catch (e) {
      this.error = describeError(e);
    }
  }

  /** Cancels the running query. */
  async cancel(): Promise<void> {
    if (this.#ticket) await this.queue.cancel(this.#ticket);
  }
}
