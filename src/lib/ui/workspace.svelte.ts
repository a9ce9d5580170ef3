import type { CsvOptions, LoadEstimate, LoadOptions, TableInfo } from '../engine/api';
import type { EngineClient } from '../engine/client';
import { formatIssue, parseNotebook } from '../notebook/validate';
import { serializeNotebook } from '../notebook/serialize';
import type { Notebook, Source, SourceOptions } from '../notebook/model';
import { ident } from '../sql/quote';
import { describeError } from './describe-error';
import { NotebookState } from './notebook/notebook.svelte';
import { Autosaver, openDraftStore, type Draft, type DraftFile } from './persist/draft-store';
import { openFileStore, type FileStore } from './persist/file-store';
import { forgetEverything } from './persist/forget';
import { openNotebookUrl } from './persist/open-url';
import { saveFile } from './save-file';
import { EngineQueue } from './engine-queue';
import { Formatter, type UiLocale } from './format';
import { LoadQueue, type LoadedFn } from './loads.svelte';
import { Notices } from './notices.svelte';
import { Profiles } from './profiles.svelte';
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
  readonly profiles: Profiles;
  fmt = $state.raw<Formatter>(new Formatter('en-US'));
  readonly notebook: NotebookState;
  /** Autosave state for the toolbar. */
  saveState = $state<'idle' | 'saving' | 'saved' | 'error'>('idle');
  /** "Keep my data in this browser": loaded files are copied to OPFS. */
  keepData = $state(false);
  /** Sources of the open notebook whose data is not loaded; non-empty shows the re-attach dialog. */
  reattach = $state<Source[]>([]);
  /** Sources the open notebook lists, loaded or not (a restored notebook remembers missing ones). */
  #sources: Source[] = [];
  #autosaver: Autosaver | null = null;
  #files: FileStore | null = null;
  /** Tables whose files are in OPFS. */
  readonly #kept = new Set<string>();
  #restoring = false;
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
    this.profiles = new Profiles(this.#queue);
    this.notebook = new NotebookState({
      queue: this.#queue,
      tables: () => this.tables.map((e) => ({ name: e.info.name, rows: e.info.rows, columns: e.info.columns })),
      sources: () => this.#documentSources(),
      changed: () => this.#changed(),
      addFiles: async (files) => {
        this.addFiles(files);
        await this.loads.idle();
      }
    });
  }

  /**
   * Opens what the page asks for: `?open=` a notebook by URL, `?sample=1` the sample notebook,
   * else the autosaved notebook of this browser, if any.
   * @param params the page's query parameters
   * @param sampleUrl URL of the sample notebook
   */
  async openInitial(params: URLSearchParams, sampleUrl: string): Promise<void> {
    const store = await openDraftStore().catch(() => null);
    this.#files = await openFileStore().catch(() => null);
    const draft = await store?.load().catch(() => null);
    if (store) {
      this.#autosaver = new Autosaver(store);
      this.#autosaver.onStatus = (status) => (this.saveState = status);
    }
    const open = params.get('open') ?? (params.get('sample') === '1' ? sampleUrl : null);
    if (open) await this.openUrl(open);
    else if (draft) await this.#restore(draft);
  }

  /**
   * Opens a notebook from a same-origin URL; its sources load from paths relative to it.
   * @param url the notebook's URL (relative to the page)
   */
  async openUrl(url: string): Promise<void> {
    try {
      const opened = await openNotebookUrl(url, location.href);
      for (const m of opened.missing) this.notices.push({ kind: 'error', message: t.errors.file(m.path, m.reason), file: m.path });
      await this.#openDocument(opened.notebook, opened.files);
    } catch (e) {
      const view = describeError(e);
      this.notices.push({ kind: 'error', message: `${t.notebook.openFailed(url)}: ${view.message}`, file: url, detail: view.detail });
    }
  }

  /**
   * Opens a notebook `.json` the user picked; sources already loaded under their names are used,
   * the others are asked for.
   * @param file the notebook file
   */
  async openNotebookFile(file: File): Promise<void> {
    const parsed = parseNotebook(await file.text());
    if (!parsed.ok) {
      this.notices.push({
        kind: 'error',
        message: `${t.notebook.openFailed(file.name)}: ${parsed.issues.slice(0, 3).map(formatIssue).join('; ')}`,
        file: file.name
      });
      return;
    }
    await this.#openDocument(parsed.notebook, new Map());
  }

  /** Downloads the notebook as a `.json` document. */
  saveNotebook(): void {
    const doc = this.notebook.toDocument();
    const stem = doc.title.replace(/[^\p{L}\p{N}_-]+/gu, '_').replace(/^_+|_+$/g, '') || 'notebook';
    saveFile(new TextEncoder().encode(serializeNotebook(doc)), `${stem}.seglab.json`, 'application/json');
  }

  /**
   * Loads the files the re-attach dialog matched to sources, then runs the notebook.
   * @param files source name → file
   */
  async attach(files: Map<string, File>): Promise<void> {
    const wanted = this.reattach;
    this.reattach = [];
    for (const source of wanted) {
      const file = files.get(source.name);
      if (file) this.loads.loadAs(file, this.#sourceLoadOptions(source));
    }
    await this.loads.idle();
    this.notebook.runAll();
  }

  /** Closes the re-attach dialog; cells that need the missing tables say so when they run. */
  skipReattach(): void {
    this.reattach = [];
    this.notebook.runAll();
  }

  /**
   * Renames the notebook.
   * @param title the new title
   */
  setTitle(title: string): void {
    this.notebook.title = title.trim() || t.notebook.untitled;
    this.#changed();
  }

  /**
   * Switches number and date formats (and the chart locale) between German and English.
   * @param locale `de` or `en`
   */
  setLocale(locale: 'de' | 'en'): void {
    this.fmt = new Formatter(locale === 'de' ? 'de-DE' : 'en-US');
    this.notebook.localeChanged(locale);
    this.#changed();
  }

  /**
   * Turns "keep my data in this browser" on (copies every loaded file to OPFS) or off (deletes them).
   * @param keep the new setting
   */
  async setKeepData(keep: boolean): Promise<void> {
    this.keepData = keep;
    this.#changed();
    if (!this.#files) {
      if (keep) this.notices.push({ kind: 'error', message: t.persist.noOpfs });
      return;
    }
    if (!keep) {
      await this.#files.clear();
      this.#changed();
      return;
    }
    await this.#files.requestPersistence?.();
    for (const entry of this.tables) await this.#keep(entry);
  }

  /** Deletes the autosaved notebook and every kept file; the page keeps what is loaded now. */
  async forgetEverything(): Promise<void> {
    this.#autosaver?.destroy();
    try {
      await forgetEverything();
    } catch (e) {
      this.notices.push({ kind: 'error', message: describeError(e).message });
      return;
    }
    this.keepData = false;
    this.#kept.clear();
    this.#files = await openFileStore().catch(() => null);
    const store = await openDraftStore().catch(() => null);
    this.#autosaver = store ? new Autosaver(store) : null;
    if (this.#autosaver) this.#autosaver.onStatus = (status) => (this.saveState = status);
    this.saveState = 'idle';
    this.notices.push({ kind: 'info', message: t.notebook.forgot });
  }

  /**
   * Downloads a cell's whole result.
   * @param id cell id
   * @param format CSV or Parquet
   */
  async downloadCell(id: string, format: 'csv' | 'parquet'): Promise<void> {
    try {
      const { bytes, fileName } = await this.notebook.download(id, format);
      saveFile(bytes, fileName, format === 'csv' ? 'text/csv' : 'application/vnd.apache.parquet');
    } catch (e) {
      const view = describeError(e);
      this.notices.push({ kind: 'error', message: `${t.notebook.downloadFailed(format.toUpperCase())}: ${view.message}`, detail: view.detail });
    }
  }

  async #openDocument(doc: Notebook, files: Map<string, File>): Promise<void> {
    this.#restoring = true;
    try {
      this.notebook.replace(doc);
      if (doc.settings?.locale) this.fmt = new Formatter(doc.settings.locale === 'de' ? 'de-DE' : 'en-US');
      this.#sources = doc.sources;
      const loaded = new Set(this.tables.map((e) => e.info.name));
      const missing: Source[] = [];
      for (const source of doc.sources) {
        if (loaded.has(source.name)) continue;
        const file = files.get(source.name);
        if (file) this.loads.loadAs(file, this.#sourceLoadOptions(source));
        else missing.push(source);
      }
      this.notices.push({ kind: 'info', message: t.notebook.opened(doc.title) });
      await this.loads.idle();
    } finally {
      this.#restoring = false;
    }
    this.#changed();
    const stillMissing = doc.sources.filter((s) => !this.tables.some((e) => e.info.name === s.name) && !files.has(s.name));
    if (stillMissing.length) this.reattach = stillMissing;
    else this.notebook.runAll();
  }

  async #restore(draft: Draft): Promise<void> {
    this.keepData = draft.keepData;
    const files = new Map<string, File>();
    if (this.#files) {
      for (const f of draft.files) {
        if (!f.stored) continue;
        const file = await this.#files.get(f.source).catch(() => null);
        if (file) files.set(f.source, file);
      }
    }
    await this.#openDocument(draft.notebook, files);
    this.notices.push({ kind: 'info', message: t.notebook.restored(draft.notebook.title) });
  }

  #sourceLoadOptions(source: Source): LoadOptions {
    const options: LoadOptions = { ...(structuredClone(source.options ?? {}) as SourceOptions), table: source.name };
    if (source.format) options.format = source.format;
    return options;
  }

  /** The sources a saved notebook lists: loaded tables first, then remembered ones not loaded. */
  #documentSources(): Source[] {
    const out: Source[] = this.tables.map((e) => {
      const source: Source = { name: e.info.name, path: e.file.name };
      const { format, csv, sheet, columns, sampleRows } = $state.snapshot(e.options);
      if (format) source.format = format;
      const options: SourceOptions = {};
      if (csv && Object.keys(csv).length) options.csv = csv;
      if (sheet) options.sheet = sheet;
      if (columns) options.columns = columns;
      if (sampleRows) options.sampleRows = sampleRows;
      if (Object.keys(options).length) source.options = options;
      return source;
    });
    for (const s of this.#sources) if (!out.some((o) => o.name === s.name)) out.push(s);
    return out;
  }

  #changed(): void {
    if (this.#restoring || !this.#autosaver) return;
    this.#autosaver.schedule(() => this.#draft());
  }

  #draft(): Draft {
    const notebook = this.notebook.toDocument();
    const files: DraftFile[] = this.tables.map((e) => ({
      source: e.info.name,
      fileName: e.file.name,
      size: e.file.size,
      lastModified: e.file.lastModified,
      stored: this.keepData && this.#kept.has(e.info.name)
    }));
    return { notebook, keepData: this.keepData, savedAt: new Date().toISOString(), files };
  }

  async #keep(entry: TableEntry): Promise<void> {
    if (!this.#files || this.#kept.has(entry.info.name)) return;
    try {
      await this.#files.put(entry.info.name, entry.file);
      this.#kept.add(entry.info.name);
      this.#changed();
    } catch (e) {
      this.notices.push({ kind: 'error', message: t.persist.keepFailed(entry.file.name, describeError(e).message), file: entry.file.name });
    }
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
      this.notebook.tablesChanged();
      if (this.#kept.delete(from)) {
        await this.#files?.remove(from).catch(() => undefined);
        await this.#keep(entry);
      }
      this.#changed();
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
      this.#sources = this.#sources.filter((src) => src.name !== name);
      this.profiles.forget(name);
      this.notebook.tablesChanged();
      if (this.#kept.delete(name)) await this.#files?.remove(name).catch(() => undefined);
      this.#changed();
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
    this.notebook.tablesChanged();
    if (!this.#restoring) void this.notebook.tableLoaded(info.name);
    if (this.keepData) void this.#keep(this.tables.at(-1)!);
    if (!this.#restoring && !this.notebook.cells.length) this.notebook.add('sql', undefined, { sql: `SELECT *\nFROM ${ident(info.name)}\nLIMIT 100` });
    this.#changed();
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
    // The cells' views died with the engine: build them again from the reloaded tables.
    this.notebook.runAll();
  }
}
