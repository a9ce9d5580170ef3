import type { LoadEstimate, LoadOptions, LoadProgress, TableInfo } from '../engine/api';
import { describeError } from './describe-error';
import { Ticket, type EngineQueue } from './engine-queue';
import type { Notices } from './notices.svelte';
import { t } from './strings';

/** A file waiting for, or going through, inspect → (dialog) → load. */
export interface LoadJob {
  id: number;
  file: File;
  phase: 'queued' | 'inspecting' | 'choosing' | 'loading';
  progress: LoadProgress | null;
  ticket: Ticket;
  /** Options fixed up front (a reload): skips inspect and the dialog. */
  preset?: LoadOptions;
  /** The table this load replaces once it succeeds (a reload with new options). */
  replaces?: string;
  /** What inspecting the file estimated (rows, memory), for the memory gauge. */
  estimate?: LoadEstimate;
}

/** What the user chose in the load dialog. */
export interface LoadChoice {
  sheet?: string;
  columns?: string[];
  sampleRows?: number;
}

/** An open load dialog, waiting for the user. */
export interface DialogRequest {
  file: string;
  estimate: LoadEstimate;
  /** An Excel workbook with more than one sheet. */
  needsSheet: boolean;
  /** The estimate says the table will not fit. */
  tooLarge: boolean;
  /** Answers the dialog; `null` skips the file. */
  resolve: (choice: LoadChoice | null) => void;
}

/** Told about each finished load. */
export type LoadedFn = (loaded: {
  info: TableInfo;
  file: File;
  options: LoadOptions;
  estimate: LoadEstimate | null;
  replaces?: string;
}) => Promise<void>;

/**
 * The load queue: files are inspected and loaded one after another; a file that will not fit,
 * or a workbook with several sheets, waits for the load dialog first.
 */
export class LoadQueue {
  jobs = $state<LoadJob[]>([]);
  dialog = $state<DialogRequest | null>(null);
  #next = 1;
  #pumping = false;
  #pumped: Promise<void> = Promise.resolve();

  /**
   * @param queue the engine queue
   * @param notices where failures and cancellations are reported
   * @param onLoaded called with each new table
   */
  constructor(
    private readonly queue: EngineQueue,
    private readonly notices: Notices,
    private readonly onLoaded: LoadedFn
  ) {}

  /**
   * Queues files for loading.
   * @param files picked, dropped or fetched files
   */
  add(files: File[]): void {
    for (const file of files) this.#push({ file });
    void this.#pump();
  }

  /**
   * Queues a reload of a file with fixed options that replaces an existing table on success.
   * @param file the table's file
   * @param options the new options
   * @param replaces the table to replace
   */
  reload(file: File, options: LoadOptions, replaces: string): void {
    this.#push({ file, preset: options, replaces });
    void this.#pump();
  }

  /**
   * Queues a file with fixed options (a notebook source: its table name, dialect, sheet); no
   * inspect and no dialog.
   * @param file the source's file
   * @param options how the source is read, with `table` set to the source's name
   */
  loadAs(file: File, options: LoadOptions): void {
    this.#push({ file, preset: options });
    void this.#pump();
  }

  /** Resolves when the queue has run empty. */
  async idle(): Promise<void> {
    while (this.#pumping) await this.#pumped;
  }

  /**
   * Whether a reload of this table is queued or running.
   * @param table the table name
   */
  reloading(table: string): boolean {
    return this.jobs.some((j) => j.replaces === table);
  }

  /**
   * Cancels a job: a waiting one is dropped, a running one interrupted.
   * @param id the job's id
   */
  async cancel(id: number): Promise<void> {
    const job = this.jobs.find((j) => j.id === id);
    if (!job) return;
    if (job !== this.jobs[0]) {
      this.jobs = this.jobs.filter((j) => j.id !== id);
      this.notices.push({ kind: 'info', message: () => t.load.cancelled(job.file.name), file: job.file.name });
      return;
    }
    if (job.phase === 'choosing') {
      this.dialog?.resolve(null);
      return;
    }
    await this.queue.cancel(job.ticket);
  }

  #push(init: Pick<LoadJob, 'file' | 'preset' | 'replaces'>): void {
    this.jobs.push({ id: this.#next++, phase: 'queued', progress: null, ticket: new Ticket(), ...init });
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    let done = () => {};
    this.#pumped = new Promise<void>((resolve) => (done = resolve));
    try {
      for (let job = this.jobs[0]; job; job = this.jobs[0]) {
        await this.#process(job);
        this.jobs = this.jobs.filter((j) => j.id !== job.id);
      }
    } finally {
      this.#pumping = false;
      done();
    }
  }

  async #process(job: LoadJob): Promise<void> {
    const { file, ticket } = job;
    try {
      let options: LoadOptions | null = job.preset ?? {};
      let estimate: LoadEstimate | null = null;
      if (!job.preset) {
        job.phase = 'inspecting';
        const found = await this.queue.run((c) => c.call((api) => api.inspect(file)), ticket, file.name);
        estimate = found;
        job.estimate = found;
        options = await this.#choose(job, found);
        if (!options) {
          this.notices.push({ kind: 'info', message: () => t.load.skipped(file.name), file: file.name });
          return;
        }
      }
      if (ticket.cancelled) throw new Error('cancelled');
      job.phase = 'loading';
      const chosen = $state.snapshot(options) as LoadOptions;
      const info = await this.queue.run(
        (c) =>
          c.load(file, chosen, (p) => {
            job.progress = p;
          }),
        ticket,
        file.name
      );
      await this.onLoaded({ info, file, options: chosen, estimate, replaces: job.replaces });
    } catch (e) {
      const view = describeError(e);
      if (ticket.cancelled || view.code === 'CANCELLED') {
        this.notices.push({ kind: 'info', message: () => t.load.cancelled(file.name), file: file.name });
      } else {
        this.notices.push({
          kind: 'error',
          message: () => t.errors.file(file.name, view.message),
          file: file.name,
          detail: view.detail
        });
      }
    }
  }

  async #choose(job: LoadJob, estimate: LoadEstimate): Promise<LoadOptions | null> {
    const needsSheet = estimate.format === 'xlsx' && (estimate.sheets?.length ?? 0) > 1;
    const tooLarge = !estimate.fits;
    if (!needsSheet && !tooLarge) return {};
    job.phase = 'choosing';
    const choice = await new Promise<LoadChoice | null>((resolve) => {
      this.dialog = { file: job.file.name, estimate, needsSheet, tooLarge, resolve };
    });
    this.dialog = null;
    if (!choice) return null;
    const options: LoadOptions = {};
    if (choice.sheet) options.sheet = choice.sheet;
    if (choice.columns && choice.columns.length < estimate.columns.length) options.columns = choice.columns;
    if (choice.sampleRows && choice.sampleRows > 0) options.sampleRows = Math.floor(choice.sampleRows);
    return options;
  }
}
