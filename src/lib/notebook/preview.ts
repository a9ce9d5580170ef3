import type { Notebook, NotebookSettings } from './model';

/** Where the data of a source the opened notebook lists comes from. */
export type PreviewSourceStatus = 'loaded' | 'included' | 'missing';

/** One source of an opened notebook, matched against the tables the page has. */
export interface PreviewSource {
  name: string;
  path: string;
  /** `loaded`: a table of that name exists now and is used; `included`: the file came with the link; `missing`: the user will be asked for it. */
  status: PreviewSourceStatus;
}

/** One cell as the preview shows it: what it would run, before it runs. */
export interface PreviewCell {
  id: string;
  kind: string;
  name?: string;
  /** SQL cells: the text that would run verbatim. */
  sql?: string;
  /** Markdown cells: the text. */
  text?: string;
  /** Other cells: their configuration (compiled to SQL by the app, never run as written). */
  config?: string;
}

/** What a person reads about an opened notebook before deciding to run it. */
export interface NotebookPreview {
  title: string;
  /** The notebook's settings, as `[name, value]` pairs. */
  settings: [string, string][];
  sources: PreviewSource[];
  cells: PreviewCell[];
  /** How many SQL cells hold text that will run as the notebook wrote it. */
  sqlCells: number;
}

/**
 * Summarises an opened notebook for the preview shown before it runs: every cell's SQL or
 * configuration, the settings, and each source matched against the loaded tables (case-insensitive,
 * as DuckDB matches names) and the files that came with it.
 * @param doc the opened, validated notebook
 * @param loaded names of the tables loaded now
 * @param included names of the sources whose files came with the notebook (`?open=` fetches them)
 */
export function previewNotebook(doc: Notebook, loaded: readonly string[], included: readonly string[]): NotebookPreview {
  const have = new Set(loaded.map((n) => n.toLowerCase()));
  const brought = new Set(included);
  const sources = doc.sources.map((s): PreviewSource => ({
    name: s.name,
    path: s.path,
    status: have.has(s.name.toLowerCase()) ? 'loaded' : brought.has(s.name) ? 'included' : 'missing'
  }));
  const cells = doc.cells.map((cell): PreviewCell => {
    if (cell.kind === 'markdown') return { id: cell.id, kind: cell.kind, text: cell.text };
    const base: PreviewCell = { id: cell.id, kind: cell.kind };
    if (cell.name) base.name = cell.name;
    if (cell.kind === 'sql') return { ...base, sql: cell.sql };
    const { id: _id, kind: _kind, name: _name, collapsed: _collapsed, ...config } = cell as typeof cell & { collapsed?: boolean };
    return { ...base, config: JSON.stringify(config, null, 2) };
  });
  return {
    title: doc.title,
    settings: settingsList(doc.settings ?? {}),
    sources,
    cells,
    sqlCells: cells.filter((c) => c.sql !== undefined).length
  };
}

function settingsList(settings: NotebookSettings): [string, string][] {
  return Object.entries(settings)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}
