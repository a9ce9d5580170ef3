import type { CsvOptions, EngineInfo, LoadEstimate, LoadOptions, TableInfo } from '../engine/api';
import type { EngineClient, EngineDeath, EngineEvents } from '../engine/client';
import type { EngineMemory } from '../engine/api';
import { previewNotebook, type NotebookPreview } from '../notebook/preview';
import { readShareFragment, SHARE_KEY, shareFragment } from '../notebook/share';
import { parseNotebook } from '../notebook/validate';
import { serializeNotebook } from '../notebook/serialize';
import { cellView, type Notebook, type Source, type SourceOptions } from '../notebook/model';
import { ident } from '../sql/quote';
import { describeError } from './describe-error';
import { NotebookState } from './notebook/notebook.svelte';
import { buildReport } from './notebook/report';
import { Autosaver, openDraftStore, type Draft, type DraftFile } from './persist/draft-store';
import { openFileStore, type FileStore } from './persist/file-store';
import { forgetEverything } from './persist/forget';
import { openNotebookUrl } from './persist/open-url';
import { missingColumns } from './persist/reattach-match';
import { fileStem, saveFile } from './save-file';
import { version } from '../../../package.json';
import { EngineQueue } from './engine-queue';
import { Formatter } from './format';
import { issueText, language } from './language.svelte';
import { LoadQueue, type LoadedFn } from './loads.svelte';
import { Notices } from './notices.svelte';
import { Profiles } from './profiles.svelte';
import { PersonalData } from './privacy/personal.svelte';
import { personalExport } from '../analysis/personal';
import { emptyNotebook } from '../notebook/model';
import { dropStatements, userObjectsQuery, type DbObject } from '../sql/drop-all';
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
  /** The engine crashed and the table could not be reloaded: the sidebar offers to re-attach its file. */
  lost?: boolean;
}

/** An engine crash as its notice tells it: what ran, and which tables came back. */
export interface CrashReport {
  /** Why it died: a note is said in the UI's language when shown. */
  reason: EngineDeath;
  /** What was running when it died (a cell or a load), if anything. */
  running: string | null;
  /** The running SQL cell's text. */
  sql?: string;
  /** True until the new engine has reloaded the tables. */
  restarting: boolean;
  reloaded: string[];
  /** Tables neither the open file nor a kept copy could bring back. */
  lost: string[];
}

/** A notebook opened from a file or a link, shown before anything in it runs. */
export interface OpenedNotebook {
  doc: Notebook;
  /** Source files that came with it (`?open=` fetches them beside the notebook). */
  files: Map<string, File>;
  /** The file name or URL it came from. */
  origin: string;
  summary: NotebookPreview;
}

/** How often the memory gauge asks the idle engine what it holds. */
const MEMORY_REFRESH_MS = 3_000;
/** How often the gauge looks whether engine work has ended (no engine call). */
const MEMORY_TICK_MS = 250;

/** `localStorage` key holding the cell that runs now; left behind when the page dies mid-run. */
const RUN_MARK = 'seglab.running';

/** The cell a page was running when it died, if it died mid-run. */
function runMark(): string | null {
  try {
    return localStorage.getItem(RUN_MARK);
  } catch {
    return null;
  }
}

/**
 * Notes the running cell in `localStorage`, or clears the note when none runs.
 * @param running the running cell, if any
 */
function markRun(running: { cell: { id: string; kind: string; name?: string } } | undefined): void {
  try {
    if (running) localStorage.setItem(RUN_MARK, running.cell.name ?? running.cell.id);
    else localStorage.removeItem(RUN_MARK);
  } catch {
    // Storage may be unavailable (private mode, quota): the guard is then off.
  }
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
  /** What the started engine reported (version, build, its files). */
  engineInfo = $state.raw<EngineInfo | null>(null);
  tables = $state<TableEntry[]>([]);
  selected = $state<string | null>(null);
  readonly notices = new Notices();
  readonly loads: LoadQueue;
  readonly profiles: Profiles;
  /** Number and date formats of each UI language. */
  readonly #formatters = { de: new Formatter('de-DE'), en: new Formatter('en-US') };
  readonly notebook: NotebookState;
  /** Autosave state for the toolbar. */
  saveState = $state<'idle' | 'saving' | 'saved' | 'error'>('idle');
  /** "Keep my data in this browser": loaded files are copied to OPFS. */
  keepData = $state(false);
  /** Sources of the open notebook whose data is not loaded; non-empty shows the re-attach dialog. */
  reattach = $state<Source[]>([]);
  /** Personal-data marks (saved with the sources) and the opt-ins of the next downloads. */
  readonly personal = new PersonalData(() => this.#changed());
  /** Sources the open notebook lists, loaded or not (a restored notebook remembers missing ones). */
  #sources: Source[] = [];
  #autosaver: Autosaver | null = null;
  #files: FileStore | null = null;
  /** Tables whose files are in OPFS. */
  readonly #kept = new Set<string>();
  #restoring = false;
  /** "Forget everything" closed the stores; the next change opens them again. */
  #forgotten = false;
  readonly #queue: EngineQueue;
  readonly #client: EngineClient;
  // ── crash recovery, memory gauge, opened-notebook preview (issue 8, points 5 and 6) ──
  /** The last engine crash, while its notice shows. */
  crash = $state<CrashReport | null>(null);
  /** DuckDB's memory against the engine's budget, refreshed while the engine is idle. */
  memory = $state.raw<EngineMemory | null>(null);
  /** An opened notebook waiting for the user's "Run" (nothing in it has run). */
  opened = $state.raw<OpenedNotebook | null>(null);
  #memoryTimer: ReturnType<typeof setInterval> | null = null;
  readonly #unmark: () => void;
  /** The cell the last page of this browser was running when it died, if it died mid-run. */
  readonly #interrupted: string | null;
  /** Whether the notebook runs once the re-attach dialog closes. */
  #runAfterAttach = true;

  /**
   * @param makeClient creates the engine client, given the crash and restart handlers
   */
  constructor(makeClient: (events: EngineEvents) => EngineClient) {
    this.#client = makeClient({
      died: (reason) => this.#died(reason),
      restarted: (reason, reloaded, failed) => void this.#restarted(reason, reloaded, failed)
    });
    this.#queue = new EngineQueue(this.#client);
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
    this.notebook.settings = { locale: language.current };
    this.#interrupted = runMark();
    this.#unmark = $effect.root(() => {
      $effect(() => markRun(this.notebook.cells.find((c) => c.status === 'running')));
    });
  }

  /**
   * Opens what the page asks for: `?open=` a notebook by URL (shown before it runs), `?sample=1`
   * the sample notebook, else the autosaved notebook of this browser, if any.
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
    if (this.#openShared(location.hash)) return;
    const open = params.get('open');
    if (open) await this.openUrl(open);
    else if (params.get('sample') === '1') await this.openUrl(sampleUrl, true);
    else if (draft) await this.#restore(draft);
  }

  /**
   * Opens a notebook from a same-origin URL; its sources load from paths relative to it. A link's
   * notebook is shown first and runs when the user says so; the app's own examples run at once.
   * @param url the notebook's URL (relative to the page)
   * @param ours true for the examples this site ships (the gallery, `?sample=1`)
   */
  async openUrl(url: string, ours = false): Promise<void> {
    try {
      const opened = await openNotebookUrl(url, location.href);
      for (const m of opened.missing) this.notices.push({ kind: 'error', message: () => t.errors.file(m.path, m.reason), file: m.path });
      if (ours) await this.#openDocument(opened.notebook, opened.files);
      else this.#preview(opened.notebook, opened.files, url);
    } catch (e) {
      const view = describeError(e);
      this.notices.push({ kind: 'error', message: () => `${t.notebook.openFailed(url)}: ${view.message}`, file: url, detail: view.detail });
    }
  }

  /**
   * Shows a notebook `.json` the user picked, before it runs; sources already loaded under their
   * names are used, the others are asked for.
   * @param file the notebook file
   */
  async openNotebookFile(file: File): Promise<void> {
    const parsed = parseNotebook(await file.text());
    if (!parsed.ok) {
      this.notices.push({
        kind: 'error',
        message: () => `${t.notebook.openFailed(file.name)}: ${parsed.issues.slice(0, 3).map(issueText).join('; ')}`,
        file: file.name
      });
      return;
    }
    this.#preview(parsed.notebook, new Map(), file.name);
  }

  /** A link to this page that opens the current notebook (cells and settings in the URL fragment, never data). */
  shareLink(): string {
    return `${location.origin}${location.pathname}#${shareFragment(this.notebook.toDocument())}`;
  }

  /**
   * Shows the notebook a share link carries, before it runs, and takes the fragment off the
   * address so a reload opens the user's own draft. False when the fragment carries none, or a
   * damaged one (said in a notice; the draft opens as usual).
   * @param hash `location.hash`
   */
  #openShared(hash: string): boolean {
    let doc: Notebook | null;
    try {
      doc = readShareFragment(hash);
    } catch (e) {
      const view = describeError(e);
      this.notices.push({ kind: 'error', message: () => `${t.share.failed}: ${view.message}`, detail: view.detail });
      doc = null;
    }
    if (new URLSearchParams(hash.replace(/^#/, '')).has(SHARE_KEY)) history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    if (doc) this.#preview(doc, new Map(), t.share.origin);
    return doc !== null;
  }

  #preview(doc: Notebook, files: Map<string, File>, origin: string): void {
    const summary = previewNotebook(doc, this.tables.map((e) => e.info.name), [...files.keys()]);
    this.opened = { doc, files, origin, summary };
  }

  /**
   * Takes the previewed notebook: replaces the open one, loads its sources and, with `run`, runs it.
   * @param run run every cell (the preview's "Run"), or only open it
   */
  async acceptOpened(run: boolean): Promise<void> {
    const opened = this.opened;
    if (!opened) return;
    this.opened = null;
    await this.#openDocument(opened.doc, opened.files, run);
  }

  /** Drops the previewed notebook; the open one stays as it was. */
  rejectOpened(): void {
    this.opened = null;
  }

  /** Runs the whole notebook again after a crash (the user asked) and closes the crash notice. */
  rerunAfterCrash(): void {
    this.crash = null;
    this.notebook.runAll();
  }

  /** Closes the crash notice. */
  dismissCrash(): void {
    this.crash = null;
  }

  /**
   * Loads a file again for a table the crash lost, under the table's name and options.
   * @param entry the lost table
   * @param file the file the user picked
   */
  reattachLost(entry: TableEntry, file: File): void {
    const options: LoadOptions = { ...($state.snapshot(entry.options) as LoadOptions), table: entry.info.name };
    this.tables = this.tables.filter((e) => e !== entry);
    if (this.crash) this.crash.lost = this.crash.lost.filter((n) => n !== entry.info.name);
    this.loads.loadAs(file, options);
  }

  #died(reason: EngineDeath): void {
    const cell = this.notebook.cells.find((c) => c.status === 'running');
    const job = this.loads.jobs.find((j) => j.phase === 'loading' || j.phase === 'inspecting');
    const running = cell ? t.crash.cell(cell.cell.kind !== 'markdown' ? (cell.cell.name ?? cell.cell.id) : cell.cell.id) : job ? t.crash.load(job.file.name) : null;
    this.crash = { reason, running, sql: cell?.cell.kind === 'sql' ? cell.cell.sql : undefined, restarting: true, reloaded: [], lost: [] };
    this.engine = 'loading';
    void this.#autosaver?.flush();
  }

  async #restarted(reason: EngineDeath, reloaded: TableInfo[], failed: string[]): Promise<void> {
    const byName = new Map(reloaded.map((i) => [i.name, i]));
    const lost: string[] = [];
    for (const entry of this.tables) {
      const info = byName.get(entry.info.name);
      if (info) entry.info = info;
      else if (failed.includes(entry.info.name) && !(await this.#reloadKept(entry))) {
        entry.lost = true;
        lost.push(entry.info.name);
      }
    }
    if (this.selected && lost.includes(this.selected)) this.selected = null;
    this.profiles.clear();
    if (this.selected) this.profiles.ensure(this.selected);
    this.notebook.tablesChanged();
    this.crash = { ...(this.crash ?? { reason, running: null }), restarting: false, reloaded: [...byName.keys()], lost };
    this.engine = 'ready';
  }

  /** Reloads a table from its copy in OPFS ("keep my data"), when its open file failed. */
  async #reloadKept(entry: TableEntry): Promise<boolean> {
    const name = entry.info.name;
    const file = this.#kept.has(name) ? await this.#files?.get(name).catch(() => null) : null;
    if (!file) return false;
    try {
      entry.info = await this.#queue.run((c) => c.load(file, { ...($state.snapshot(entry.options) as LoadOptions), table: name }));
      entry.file = file;
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Keeps the memory gauge current: asks the engine every `MEMORY_REFRESH_MS` while it is idle, and
   * at once when a load or a run has just ended (a timer alone showed "0 B used" for seconds after
   * a large load).
   */
  #watchMemory(): void {
    if (this.#memoryTimer !== null) return;
    let last = -Infinity;
    let sawWork = false;
    let asking = false;
    const tick = async () => {
      if (asking) return;
      if (this.#queue.busy) {
        sawWork = true;
        return;
      }
      if (this.engine !== 'ready' || (!sawWork && performance.now() - last < MEMORY_REFRESH_MS)) return;
      sawWork = false;
      asking = true;
      last = performance.now();
      try {
        this.memory = await this.#queue.run((c) => c.call((api) => api.memory(), true)).catch(() => this.memory);
      } finally {
        asking = false;
      }
    };
    void tick();
    this.#memoryTimer = setInterval(() => void tick(), MEMORY_TICK_MS);
  }

  /** Downloads the notebook as a `.json` document. */
  saveNotebook(): void {
    const doc = this.notebook.toDocument();
    saveFile(new TextEncoder().encode(serializeNotebook(doc)), `${fileStem(doc.title, 'notebook')}.seglab.json`, 'application/json');
  }

  /**
   * Downloads the notebook's report, `<title>.html`: one self-contained HTML file with its
   * Markdown, results and charts as shown; a notice names the cells that have not run.
   * @param root the notebook's element on the page
   */
  async exportReport(root: Element): Promise<void> {
    try {
      const tables = this.tables.map((e) => ({ name: e.info.name, rows: e.info.rows }));
      const report = await buildReport({ nb: this.notebook, fmt: this.fmt, tables, marks: this.personal.all() }, root, new Date());
      const file = `${fileStem(this.notebook.title, 'report')}.html`;
      saveFile(new TextEncoder().encode(report.html), file, 'text/html');
      if (report.notRun.length) this.notices.push({ kind: 'info', message: t.report.notRunNotice(file, report.notRun.join(', ')) });
    } catch (e) {
      const view = describeError(e);
      this.notices.push({ kind: 'error', message: () => `${t.report.failedExport}: ${view.message}`, detail: view.detail });
    }
  }

  /** Downloads the notebook as one DuckDB SQL script (`<title>.sql`) written by the engine from its last runs. */
  async exportSqlScript(): Promise<void> {
    const doc = this.notebook.toDocument();
    const fileName = `${fileStem(doc.title, 'notebook')}.sql`;
    const meta = { version, date: new Date().toISOString().slice(0, 10), fileName };
    try {
      const text = await this.#queue.run((c) => c.call((api) => api.sqlScript(doc, meta)));
      saveFile(new TextEncoder().encode(text), fileName, 'application/sql');
    } catch (e) {
      const view = describeError(e);
      this.notices.push({ kind: 'error', message: () => `${t.sqlScript.failed}: ${view.message}`, detail: view.detail });
    }
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
    this.#reportMissingColumns(wanted.filter((s) => files.has(s.name)));
    if (this.#runAfterAttach) this.notebook.runAll();
  }

  /**
   * A file's column names, as the engine's load inspection reads them: the re-attach dialog matches
   * files of other names to sources by these.
   * @param file a picked file
   */
  async inspectColumns(file: File): Promise<string[]> {
    const found = await this.#queue.run((c) => c.call((api) => api.inspect(file)), undefined, file.name);
    return found.columns.map((c) => c.name);
  }

  /** Warns, per loaded source, of the saved columns its new file lacks. */
  #reportMissingColumns(sources: readonly Source[]): void {
    for (const source of sources) {
      const entry = this.tables.find((e) => e.info.name === source.name);
      if (!entry || !source.columns) continue;
      const lacking = missingColumns(source.columns, entry.info.columns.map((c) => c.name));
      if (lacking.length) {
        const message = t.persist.reattach.lacksColumns(entry.file.name, source.name, lacking.join(', '));
        this.notices.push({ kind: 'error', message, file: entry.file.name });
      }
    }
  }

  /** Closes the re-attach dialog; cells that need the missing tables say so when they run. */
  skipReattach(): void {
    this.reattach = [];
    if (this.#runAfterAttach) this.notebook.runAll();
  }

  /**
   * Renames the notebook.
   * @param title the new title
   */
  setTitle(title: string): void {
    this.notebook.title = title.trim() || t.notebook.untitled;
    this.#changed();
  }

  /** Number and date formats of the UI language. */
  get fmt(): Formatter {
    return this.#formatters[language.current];
  }

  /**
   * Sets the language of the names and chart labels the notebook writes into its results.
   * @param locale `de` or `en`
   */
  setLocale(locale: 'de' | 'en'): void {
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
      if (keep) this.notices.push({ kind: 'error', message: () => t.persist.noOpfs });
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

  /**
   * Forgets everything: drops every table and view in the engine, resets to an empty notebook and
   * deletes what this origin keeps in the browser (IndexedDB, OPFS, local and session storage,
   * Cache Storage). The stores open again with the next edit.
   */
  async forgetEverything(): Promise<void> {
    this.#autosaver?.destroy();
    this.#autosaver = null;
    this.#files = null;
    this.#forgotten = true;
    await this.notebook.cancel();
    try {
      for (const entry of this.tables) await this.#queue.run((c) => c.dropTable(entry.info.name));
      const objects = await this.notebook.rows<DbObject>(String(userObjectsQuery()));
      for (const statement of dropStatements(objects)) await this.#queue.run((c) => c.call((api) => api.exec(statement)));
    } catch (e) {
      const view = describeError(e);
      this.notices.push({ kind: 'error', message: () => view.message, detail: view.detail });
    }
    this.tables = [];
    this.selected = null;
    this.reattach = [];
    this.#sources = [];
    this.#kept.clear();
    this.keepData = false;
    this.profiles.clear();
    this.personal.restore([]);
    this.notebook.replace({ ...emptyNotebook(t.notebook.untitled), settings: { locale: language.current } });
    this.saveState = 'idle';
    try {
      await forgetEverything();
    } catch (e) {
      this.notices.push({ kind: 'error', message: describeError(e).message });
      return;
    }
    this.notices.push({ kind: 'info', message: () => t.notebook.forgot });
  }

  /**
   * Downloads a cell's whole result.
   * @param id cell id
   * @param format CSV or Parquet
   */
  async downloadCell(id: string, format: 'csv' | 'parquet'): Promise<void> {
    try {
      const state = this.notebook.get(id);
      if (!state || state.cell.kind === 'markdown') throw new Error(`Cell "${id}" has no result.`);
      const optIn = this.personal.take(id);
      const salt = optIn.pseudonymise ? this.notebook.pseudonymSalt() : undefined;
      const rows = (q: string) => this.notebook.rows(q);
      const query = await personalExport(rows, cellView(state.cell), this.personal.all(), { include: optIn.include, salt });
      const bytes = await this.notebook.exportQuery(String(query), format);
      saveFile(bytes, `${state.cell.name ?? state.cell.id}.${format}`, format === 'csv' ? 'text/csv' : 'application/vnd.apache.parquet');
    } catch (e) {
      const view = describeError(e);
      this.notices.push({ kind: 'error', message: () => `${t.notebook.downloadFailed(format.toUpperCase())}: ${view.message}`, detail: view.detail });
    }
  }

  async #openDocument(doc: Notebook, files: Map<string, File>, run = true): Promise<void> {
    this.#restoring = true;
    try {
      this.notebook.replace(doc);
      this.personal.restore(doc.sources);
      this.#sources = doc.sources;
      const loaded = new Set(this.tables.map((e) => e.info.name));
      const missing: Source[] = [];
      for (const source of doc.sources) {
        if (loaded.has(source.name)) continue;
        const file = files.get(source.name);
        if (file) this.loads.loadAs(file, this.#sourceLoadOptions(source));
        else missing.push(source);
      }
      this.notices.push({ kind: 'info', message: () => t.notebook.opened(doc.title) });
      await this.loads.idle();
    } finally {
      this.#restoring = false;
    }
    this.#changed();
    const stillMissing = doc.sources.filter((s) => !this.tables.some((e) => e.info.name === s.name) && !files.has(s.name));
    this.#runAfterAttach = run;
    if (stillMissing.length) this.reattach = stillMissing;
    else if (run) this.notebook.runAll();
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
    // A page that closed or crashed while a cell ran must not run it again by itself (a crash loop).
    const interrupted = this.#interrupted;
    await this.#openDocument(draft.notebook, files, interrupted === null);
    this.notices.push({ kind: 'info', message: () => t.notebook.restored(draft.notebook.title) });
    if (interrupted !== null) {
      this.crash = { reason: t.crash.pageClosed, running: t.crash.cell(interrupted), restarting: false, reloaded: [], lost: [] };
    }
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
      const marks = this.personal.of(e.info.name);
      if (marks) source.personal = marks;
      source.columns = e.info.columns.map((c) => c.name);
      return source;
    });
    for (const s of this.#sources) if (!out.some((o) => o.name === s.name)) out.push(s);
    return out;
  }

  #changed(): void {
    if (this.#forgotten && !this.#restoring) {
      this.#forgotten = false;
      void this.#reopenStores().then(() => this.#changed());
      return;
    }
    if (this.#restoring || !this.#autosaver) return;
    this.#autosaver.schedule(() => this.#draft());
  }

  async #reopenStores(): Promise<void> {
    this.#files = await openFileStore().catch(() => null);
    const store = await openDraftStore().catch(() => null);
    this.#autosaver = store ? new Autosaver(store) : null;
    if (this.#autosaver) this.#autosaver.onStatus = (status) => (this.saveState = status);
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
      this.notices.push({ kind: 'error', message: () => t.persist.keepFailed(entry.file.name, describeError(e).message), file: entry.file.name });
    }
  }

  /**
   * Starts the engine.
   * @param memoryBudgetBytes lowers the engine's memory budget (to rehearse a small device)
   */
  async start(memoryBudgetBytes?: number): Promise<void> {
    this.engine = 'loading';
    try {
      this.engineInfo = await this.#queue.run((c) => c.init(memoryBudgetBytes ? { memoryBudgetBytes } : {}));
      this.engine = 'ready';
      this.#watchMemory();
    } catch (e) {
      const view = describeError(e);
      this.engine = 'error';
      this.engineMessage = view.message;
      this.notices.push({ kind: 'error', message: () => `${t.engine.error}: ${view.message}`, detail: view.detail });
    }
  }

  /** Ends the engine worker. */
  destroy(): void {
    if (this.#memoryTimer !== null) clearInterval(this.#memoryTimer);
    this.#unmark();
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
      this.personal.rename(from, info.name);
      await this.notebook.tableGone(from);
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
      this.personal.forget(name);
      await this.notebook.tableGone(name);
      this.notebook.tablesChanged();
      if (this.#kept.delete(name)) await this.#files?.remove(name).catch(() => undefined);
      this.#changed();
      if (this.selected === name) this.selected = null;
    } catch (e) {
      const view = describeError(e);
      this.notices.push({ kind: 'error', message: () => t.tables.dropFailed(name, view.message), detail: view.detail });
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
      this.notices.push({ kind: 'info', message: () => t.csv.reloaded(replaces), file: file.name });
      if (this.selected === replaces) this.profiles.ensure(replaces);
      // The cells reading the table run again: what they show (and analysis cells hold as tables) is of the old data.
      void this.notebook.tableLoaded(replaces);
      return;
    }
    this.tables.push({ info, file, options: kept, detected: estimate?.csv });
    this.notebook.tablesChanged();
    if (!this.#restoring) void this.notebook.tableLoaded(info.name);
    if (this.keepData) void this.#keep(this.tables.at(-1)!);
    if (!this.#restoring && !this.notebook.cells.length) this.notebook.add('sql', undefined, { sql: `SELECT *\nFROM ${ident(info.name)}\nLIMIT 100` });
    this.#changed();
  };
}

