import {
  CELL_ID_PATTERN,
  CELL_KINDS,
  CHART_AGGREGATES,
  CHART_MARKS,
  MAX_NAME_LENGTH,
  NOTEBOOK_FORMAT,
  NOTEBOOK_VERSION,
  SOURCE_FORMATS,
  type Cell,
  type ChartConfig,
  type Notebook,
  type NotebookSettings,
  type Source,
  type CsvOptions,
  type SourceOptions
} from './model';

/** One problem in a notebook document, located by a JSON path such as `cells[2].sql`. */
export interface NotebookIssue {
  /** `cells[2].sql`; empty for the document as a whole. */
  path: string;
  message: string;
}

/** The outcome of reading a notebook: the typed document, or every problem found. */
export type NotebookResult = { ok: true; notebook: Notebook } | { ok: false; issues: NotebookIssue[] };

/** Thrown by `readNotebook` when a document is invalid; `issues` lists every problem. */
export class NotebookFormatError extends Error {
  /**
   * @param issues the problems, each with its JSON path
   */
  constructor(readonly issues: NotebookIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'NotebookFormatError';
  }
}

/**
 * Renders an issue as `cells[2].sql: expected a string`.
 * @param issue the problem
 */
export function formatIssue(issue: NotebookIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/**
 * Parses and validates notebook JSON text. Pure: no eval, and `__proto__` keys are rejected.
 * @param text the file content
 */
export function parseNotebook(text: string): NotebookResult {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { ok: false, issues: [{ path: '', message: `not valid JSON: ${(e as Error).message}` }] };
  }
  return validateNotebook(value);
}

/**
 * Parses a notebook or throws `NotebookFormatError` listing every problem.
 * @param text the file content
 */
export function readNotebook(text: string): Notebook {
  const result = parseNotebook(text);
  if (!result.ok) throw new NotebookFormatError(result.issues);
  return result.notebook;
}

/**
 * Validates an already parsed value and returns a fresh, typed copy holding only known fields.
 * @param value e.g. the result of `JSON.parse`
 */
export function validateNotebook(value: unknown): NotebookResult {
  const v = new Validator();
  const notebook = v.notebook(value);
  return v.issues.length || !notebook ? { ok: false, issues: v.issues } : { ok: true, notebook };
}

type Obj = Record<string, unknown>;

const KNOWN_KINDS: readonly string[] = CELL_KINDS;
const FORMATS: readonly string[] = SOURCE_FORMATS;

class Validator {
  readonly issues: NotebookIssue[] = [];

  fail(path: string, message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }

  notebook(value: unknown): Notebook | undefined {
    const forbidden = findProtoKey(value, '');
    if (forbidden !== null) return this.fail(forbidden, 'the key "__proto__" is not allowed');
    const o = this.object(value, '');
    if (!o) return undefined;
    if (o.format !== NOTEBOOK_FORMAT) {
      return this.fail('format', `expected "${NOTEBOOK_FORMAT}" (this is not a seglab notebook)`);
    }
    if (typeof o.version !== 'number' || !Number.isInteger(o.version) || o.version < 1) {
      return this.fail('version', 'expected a whole number ≥ 1');
    }
    if (o.version > NOTEBOOK_VERSION) {
      return this.fail(
        'version',
        `this notebook is format version ${o.version}; this seglab reads up to version ${NOTEBOOK_VERSION}. Update seglab to open it.`
      );
    }
    this.known(o, '', ['format', 'version', 'title', 'sources', 'cells', 'settings']);
    const title = this.string(o.title, 'title');
    const sources = this.array(o.sources, 'sources')?.map((s, i) => this.source(s, `sources[${i}]`));
    const cells = this.array(o.cells, 'cells')?.map((c, i) => this.cell(c, `cells[${i}]`));
    const settings = o.settings === undefined ? undefined : this.settings(o.settings, 'settings');
    if (sources && cells) this.unique(sources, cells);
    if (title === undefined || !sources || !cells || this.issues.length) return undefined;
    const notebook: Notebook = {
      format: NOTEBOOK_FORMAT,
      version: NOTEBOOK_VERSION,
      title,
      sources: sources as Source[],
      cells: cells as Cell[]
    };
    if (settings) notebook.settings = settings;
    return notebook;
  }

  source(value: unknown, path: string): Source | undefined {
    const o = this.object(value, path);
    if (!o) return undefined;
    this.known(o, path, ['name', 'path', 'format', 'options']);
    const name = this.name(o.name, `${path}.name`);
    const file = this.string(o.path, `${path}.path`, true);
    const out: Source = { name: name ?? '', path: file ?? '' };
    if (o.format !== undefined) {
      if (typeof o.format !== 'string' || !FORMATS.includes(o.format)) {
        this.fail(`${path}.format`, `expected one of ${FORMATS.map((f) => `"${f}"`).join(', ')}`);
      } else out.format = o.format as Source['format'];
    }
    if (o.options !== undefined) {
      const options = this.sourceOptions(o.options, `${path}.options`);
      if (options) out.options = options;
    }
    return out;
  }

  sourceOptions(value: unknown, path: string): SourceOptions | undefined {
    const o = this.object(value, path);
    if (!o) return undefined;
    this.known(o, path, ['csv', 'sheet', 'columns', 'sampleRows']);
    const out: SourceOptions = {};
    if (o.csv !== undefined) {
      const csv = this.csvOptions(o.csv, `${path}.csv`);
      if (csv) out.csv = csv;
    }
    if (o.sheet !== undefined) {
      const sheet = this.string(o.sheet, `${path}.sheet`, true);
      if (sheet !== undefined) out.sheet = sheet;
    }
    if (o.columns !== undefined) {
      const columns = this.array(o.columns, `${path}.columns`);
      if (columns) {
        const names = columns.map((c, i) => this.string(c, `${path}.columns[${i}]`, true));
        if (names.every((n) => n !== undefined)) out.columns = names as string[];
      }
    }
    if (o.sampleRows !== undefined) {
      if (typeof o.sampleRows !== 'number' || !Number.isInteger(o.sampleRows) || o.sampleRows < 1) {
        this.fail(`${path}.sampleRows`, 'expected a whole number ≥ 1');
      } else out.sampleRows = o.sampleRows;
    }
    return out;
  }

  csvOptions(value: unknown, path: string): CsvOptions | undefined {
    const o = this.object(value, path);
    if (!o) return undefined;
    this.known(o, path, ['delimiter', 'quote', 'header', 'encoding', 'numberLocale', 'dateFormat', 'columnTypes']);
    const out: CsvOptions = {};
    for (const key of ['delimiter', 'quote', 'dateFormat'] as const) {
      if (o[key] !== undefined) {
        const s = this.string(o[key], `${path}.${key}`, true);
        if (s !== undefined) out[key] = s;
      }
    }
    if (o.header !== undefined) {
      if (typeof o.header !== 'boolean') this.fail(`${path}.header`, 'expected true or false');
      else out.header = o.header;
    }
    const encoding = this.oneOf(o.encoding, `${path}.encoding`, ['utf-8', 'windows-1252'] as const);
    if (encoding) out.encoding = encoding;
    const locale = this.oneOf(o.numberLocale, `${path}.numberLocale`, ['de', 'en'] as const);
    if (locale) out.numberLocale = locale;
    if (o.columnTypes !== undefined) {
      const types = this.object(o.columnTypes, `${path}.columnTypes`);
      if (types) {
        const copy: Record<string, string> = {};
        for (const [column, type] of Object.entries(types)) {
          const t = this.string(type, `${path}.columnTypes${key(column)}`, true);
          if (t !== undefined) copy[column] = t;
        }
        out.columnTypes = copy;
      }
    }
    return out;
  }

  cell(value: unknown, path: string): Cell | undefined {
    const o = this.object(value, path);
    if (!o) return undefined;
    const id = this.string(o.id, `${path}.id`);
    if (id !== undefined && !CELL_ID_PATTERN.test(id)) {
      this.fail(`${path}.id`, 'expected 1–64 letters, digits, "_" or "-"');
    }
    const label = id === undefined ? path : `cell "${id}"`;
    if (typeof o.kind !== 'string') return this.fail(`${path}.kind`, 'expected a string');
    if (!KNOWN_KINDS.includes(o.kind)) {
      return this.fail(
        `${path}.kind`,
        `${label} has kind "${o.kind}", which this seglab does not know (known: ${KNOWN_KINDS.join(', ')}); it may come from a newer version`
      );
    }
    const collapsed = o.collapsed === undefined ? undefined : this.boolean(o.collapsed, `${path}.collapsed`);
    let cell: Cell | undefined;
    if (o.kind === 'sql') {
      this.known(o, path, ['id', 'kind', 'name', 'sql', 'collapsed']);
      const text = this.string(o.sql, `${path}.sql`);
      const name = o.name === undefined ? undefined : this.name(o.name, `${path}.name`);
      cell = { id: id ?? '', kind: 'sql', sql: text ?? '' };
      if (name !== undefined) cell.name = name;
    } else if (o.kind === 'chart') {
      this.known(o, path, ['id', 'kind', 'name', 'from', 'chart', 'spec', 'collapsed']);
      const name = o.name === undefined ? undefined : this.name(o.name, `${path}.name`);
      const from = this.string(o.from, `${path}.from`, true);
      const chart = this.chart(o.chart, `${path}.chart`);
      cell = { id: id ?? '', kind: 'chart', from: from ?? '', chart: chart ?? { mark: 'bar' } };
      if (name !== undefined) cell.name = name;
      if (o.spec !== undefined) {
        const spec = this.object(o.spec, `${path}.spec`);
        if (spec) cell.spec = spec;
      }
    } else {
      this.known(o, path, ['id', 'kind', 'text', 'collapsed']);
      cell = { id: id ?? '', kind: 'markdown', text: this.string(o.text, `${path}.text`) ?? '' };
    }
    if (collapsed !== undefined) cell.collapsed = collapsed;
    return cell;
  }

  chart(value: unknown, path: string): ChartConfig | undefined {
    const o = this.object(value, path);
    if (!o) return undefined;
    this.known(o, path, ['mark', 'x', 'y', 'color', 'aggregate', 'bins']);
    const mark = this.oneOf(o.mark, `${path}.mark`, CHART_MARKS);
    if (o.mark === undefined) this.fail(`${path}.mark`, `expected one of ${CHART_MARKS.join(', ')}`);
    const out: ChartConfig = { mark: mark ?? 'bar' };
    for (const field of ['x', 'y', 'color'] as const) {
      if (o[field] !== undefined) {
        const s = this.string(o[field], `${path}.${field}`, true);
        if (s !== undefined) out[field] = s;
      }
    }
    const aggregate = this.oneOf(o.aggregate, `${path}.aggregate`, CHART_AGGREGATES);
    if (aggregate) out.aggregate = aggregate;
    if (o.bins !== undefined) {
      if (typeof o.bins !== 'number' || !Number.isInteger(o.bins) || o.bins < 1 || o.bins > 1000) {
        this.fail(`${path}.bins`, 'expected a whole number from 1 to 1000');
      } else out.bins = o.bins;
    }
    return out;
  }

  settings(value: unknown, path: string): NotebookSettings | undefined {
    const o = this.object(value, path);
    if (!o) return undefined;
    this.known(o, path, ['locale', 'referenceDate']);
    const out: NotebookSettings = {};
    const locale = this.oneOf(o.locale, `${path}.locale`, ['de', 'en'] as const);
    if (locale) out.locale = locale;
    if (o.referenceDate !== undefined) {
      if (typeof o.referenceDate !== 'string' || !isIsoDate(o.referenceDate)) {
        this.fail(`${path}.referenceDate`, 'expected a date "YYYY-MM-DD"');
      } else out.referenceDate = o.referenceDate;
    }
    return out;
  }

  unique(sources: (Source | undefined)[], cells: (Cell | undefined)[]): void {
    const names = new Map<string, string>();
    const claim = (name: string | undefined, path: string) => {
      if (!name) return;
      const lower = name.toLowerCase();
      const owner = names.get(lower);
      if (owner) this.fail(path, `the table name "${name}" is already used by ${owner}`);
      else names.set(lower, path.replace(/\.name$/, ''));
    };
    sources.forEach((s, i) => claim(s?.name, `sources[${i}].name`));
    const ids = new Map<string, number>();
    cells.forEach((c, i) => {
      if (!c) return;
      if (c.id) {
        const first = ids.get(c.id);
        if (first !== undefined) this.fail(`cells[${i}].id`, `duplicate id "${c.id}" (also cells[${first}])`);
        else ids.set(c.id, i);
      }
      if (c.kind !== 'markdown') claim(c.name, `cells[${i}].name`);
    });
    cells.forEach((c, i) => {
      if (c?.kind !== 'chart' || !c.from) return;
      const at = ids.get(c.from);
      const input = at === undefined ? undefined : cells[at];
      if (input === undefined || at === undefined || at >= i || input.kind === 'markdown') {
        this.fail(`cells[${i}].from`, `expected the id of a SQL or chart cell above this one, got "${c.from}"`);
      }
    });
  }

  object(value: unknown, path: string): Obj | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.fail(path, `expected an object, got ${describe(value)}`);
    }
    return value as Obj;
  }

  array(value: unknown, path: string): unknown[] | undefined {
    if (!Array.isArray(value)) return this.fail(path, `expected an array, got ${describe(value)}`);
    return value;
  }

  string(value: unknown, path: string, nonEmpty = false): string | undefined {
    if (typeof value !== 'string') return this.fail(path, `expected a string, got ${describe(value)}`);
    if (nonEmpty && !value.trim()) return this.fail(path, 'expected a non-empty string');
    return value;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (typeof value !== 'boolean') return this.fail(path, `expected true or false, got ${describe(value)}`);
    return value;
  }

  name(value: unknown, path: string): string | undefined {
    const s = this.string(value, path, true);
    if (s === undefined) return undefined;
    if (s !== s.trim()) return this.fail(path, 'a table name may not start or end with spaces');
    if (s.length > MAX_NAME_LENGTH) return this.fail(path, `a table name may have at most ${MAX_NAME_LENGTH} characters`);
    if (s.startsWith('__seglab')) return this.fail(path, 'names starting with "__seglab" are reserved');
    return s;
  }

  oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
      return this.fail(path, `expected one of ${options.map((o) => `"${o}"`).join(', ')}`);
    }
    return value as T;
  }

  known(o: Obj, path: string, keys: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!keys.includes(k)) this.fail(at(path, k), `unknown property (expected ${keys.join(', ')})`);
    }
  }
}

function at(path: string, k: string): string {
  const step = key(k);
  return path || step.startsWith('[') ? `${path}${step}` : k;
}

function key(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
}

function findProtoKey(value: unknown, path: string): string | null {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findProtoKey(value[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const k of Object.keys(value)) {
      const p = at(path, k);
      if (k === '__proto__') return p;
      const found = findProtoKey((value as Obj)[k], p);
      if (found !== null) return found;
    }
  }
  return null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  if (value === undefined) return 'nothing';
  return `${typeof value} ${String(value)}`;
}

function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}
