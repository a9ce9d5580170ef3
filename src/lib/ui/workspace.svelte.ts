import type { CsvOptions, LoadEstimate, LoadOptions, TableInfo } from '../engine/api';
import type { EngineClient } from '../engine/client';
import { ident } from '../sql/quote';
import { describeError } from './describe-error';
import { EngineQueue } from './engine-queue';
import { Formatter, type UiLocale } from './format';
import { LoadQueue, type LoadedFn } from './loads.svelte';
import { Notices } from './notices.svelte';
import { Profiles } from './profiles.svelte';
import { SqlPanel } from './sql-panel.svelte';
import { t } from './strings';

/** A loaded table as the sidebar shows it. */
export interface TableEntry {
  info: TableInfo;
  /** The file it came from, kept for "Reload with these options". */
  file: File;
  /** The options it was loaded with. */
  options: LoadOptions;
  /** CSV: what the sniffer detected. */
  detected?: LoadEstimate['csv'];
  /** The last rename failure, shown under the name. */
  renameError?: string;
}

/** Engine start-up state, mirrored on `<main data-engine>`. */
export type EngineStatus = 'loading' | 'ready' | 'error';

/**
 * The whole workspace: engine status, tables, load queue, notices, profiles and the SQL panel.
 * Components read its state and call its methods; it alone talks to the engine client.
 */
export class Workspace {
  engine = $state<EngineStatus>('loading');
  engineMessage = $state('');
  tables = $state<TableEntry[]>([]);
  selected = $state<string | null>(null);
  readonly notices = new Notices();
  readonly loads: LoadQueue;
  readonly sql: SqlPanel;
  readonly profiles: Profiles;
  readonly fmt: Formatter;
  readonly #queue: EngineQueue;
  readonly #client: EngineClient;

  /**
   * @param makeClient creates the engine client, given the restart handler
   * @param locale number and date formatting locale
   */
  constructor(
    makeClient: (onRestart: (reason: string, reloaded: TableInfo[], failed: string[]) => void) => EngineClient,
    locale: UiLocale
  ) {
    this.#client = makeClient((reason, reloaded, failed) => this.#restarted(reason, reloaded, failed));
    this.#queue = new EngineQueue(this.#client);
    this.fmt = new Formatter(locale);
    this.loads = new LoadQueue(this.#queue, this.notices, this.#loaded);
    this.sql = new SqlPanel(this.#queue);
    this.profiles = new Profiles(this.#queue);
  }

  /**
   * Starts the engine.
   * @param memoryBudgetBytes lowers the engine's memory budget (to rehearse a small device)
   */
  async start(memoryBudgetBytes?: number): Promise<void> {
    this.engine = 'loading';
    try {
      await this.#queue.run((c) => c.init(memoryBudgetBytes ? { memoryBudgetBytes } : {}));
      this.engine = 'ready';
    } catch (e) {
      const view = describeError(e);
      this.engine = 'error';
      this.engineMessage = view.message;
      this.notices.push({ kind: 'error', message: `${t.engine.error}: ${view.message}`, detail: view.detail });
    }
  }

  /** Ends the engine worker. */
  destroy(): void {
    this.#client.terminate();
  }

  /**
   * Queues files for loading.
   * @param files picked or dropped files
   */
  addFiles(files: File[]): void {
    if (files.length) this.loads.add(files);
  }

  /**
   * Fetches same-origin sample files and loads them like dropped files; reports missing ones.
   * @param urls file name → URL
   */
  async loadSamples(urls: Record<string, string>): Promise<void> {
    const files: File[] = [];
    for (const [name, url] of Object.entries(urls)) {
      try {
        const res = await fetch(url);
        const type = res.headers.get('content-type') ?? '';
        if (res.status === 404 || (res.ok && type.includes('text/html'))) {
          this.notices.push({ kind: 'info', message: t.files.sampleMissing, file: name });
          continue;
        }
        if (!res.ok) {
          this.notices.push({ kind: 'error', message: t.files.sampleFailed(name, `${res.status} ${res.statusText}`), file: name });
          continue;
        }
        files.push(new File([await res.blob()], name, { type: 'text/csv' }));
      } catch (e) {
        this.notices.push({ kind: 'error', message: t.files.sampleFailed(name, describeError(e).message), file: name });
      }
    }
    this.addFiles(files);
  }

  /**
   * Shows a table's profile.
   * @param name the table
   */
  select(name: string): void {
    this.selected = name;
    this.profiles.ensure(name);
  }

  /**
   * Renames a table; a failure is kept on the entry and the old name stays.
   * @param entry the table
   * @param to the wanted name
   */
  async rename(entry: TableEntry, to: string): Promise<boolean> {
    const from = entry.info.name;
    if (to.trim() === from) {
      entry.renameError = undefined;
      return true;
    }
    try {
      const info = await this.#queue.run((c) => c.renameTable(from, to));
      entry.info = info;
      entry.renameError = undefined;
      this.profiles.rename(from, info.name);
      if (this.selected === from) this.selected = info.name;
      return true;
    } catch (e) {
      entry.renameError = t.tables.renameFailed(from, describeError(e).message);
      return false;
    }
  }

  /**
   * Drops a table.
   * @param entry the table
   */
  async drop(entry: TableEntry): Promise<void> {
    const name = entry.info.name;
    try {
      await this.#queue.run((c) => c.dropTable(name));
      this.tables = this.tables.filter((e) => e.info.name !== name);
      this.profiles.forget(name);
      if (this.selected === name) this.selected = null;
    } catch (e) {
      const view = describeError(e);
      this.notices.push({ kind: 'error', message: t.tables.dropFailed(name, view.message), detail: view.detail });
    }
  }

  /**
   * Reloads a CSV table with changed dialect options under the same name; the old table stays
   * until the new load has succeeded.
   * @param entry the table
   * @param csv the options to apply
   */
  reloadCsv(entry: TableEntry, csv: CsvOptions): void {
    const options: LoadOptions = { ...entry.options, format: 'csv', csv: { ...entry.options.csv, ...csv }, table: `${entry.info.name}_reload` };
    this.loads.reload(entry.file, options, entry.info.name);
  }

  #loaded: LoadedFn = async ({ info, file, options, estimate, replaces }) => {
    const { table: _, ...kept } = options;
    if (replaces) {
      const old = this.tables.find((e) => e.info.name === replaces);
      await this.#queue.run((c) => c.dropTable(replaces));
      const renamed = await this.#queue.run((c) => c.renameTable(info.name, replaces));
      this.profiles.forget(replaces);
      if (old) {
        old.info = renamed;
        old.options = kept;
      } else {
        this.tables.push({ info: renamed, file, options: kept });
      }
      this.notices.push({ kind: 'info', message: t.csv.reloaded(replaces), file: file.name });
      if (this.selected === replaces) this.profiles.ensure(replaces);
      return;
    }
    this.tables.push({ info, file, options: kept, detected: estimate?.csv });
    if (!this.sql.text.trim()) this.sql.text = `SELECT *\nFROM ${ident(info.name)}\nLIMIT 100`;
  };

  #restarted(reason: string, reloaded: TableInfo[], failed: string[]): void {
    const byName = new Map(reloaded.map((i) => [i.name, i]));
    this.tables = this.tables
      .filter((e) => !failed.includes(e.info.name))
      .map((e) => ({ ...e, info: byName.get(e.info.name) ?? e.info }));
    if (this.selected && failed.includes(this.selected)) this.selected = null;
    this.profiles.clear();
    if (this.selected) this.profiles.ensure(this.selected);
    const parts = [t.engine.restarted(reason)];
    parts.push(reloaded.length ? t.engine.reloaded(reloaded.map((i) => i.name)) : t.engine.nothingReloaded);
    if (failed.length) parts.push(t.engine.reloadFailed(failed));
    this.notices.push({ kind: failed.length ? 'error' : 'info', message: parts.join(' ') });
    this.engine = 'ready';
  }
}
