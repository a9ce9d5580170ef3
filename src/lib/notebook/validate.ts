import {
  FEATURE_PREPS,
  CLUSTER_ALGORITHMS,
  LOOKALIKE_METHODS,
  LOOKALIKE_METRICS,
  type LabelColumn,
  type LookalikeCell,
  type LookalikeCut,
  type LookalikeSeeds,
  type ClusterCell,
  type ClusterFeature,
  BEHAVIOUR_MEASURES,
  BEHAVIOUR_OPS,
  CONDITION_OPS,
  KPI_KINDS,
  type BehaviourCondition,
  type BehaviourWindow,
  type ColumnCondition,
  type Kpi,
  type Rule,
  type RuleGroup,
  type RuleValue,
  type SegmentCell,
  type SegmentDef,
  type SegmentationReport,
  type RfmCell,
  type RfmSegment,
  type ClvCell,
  type TiersCell,
  type LeadsCell,
  type LeadScore,
  type TierCuts,
  LEAD_GRID,
  type CohortCell,
  type AbTestCell,
  type CampaignSegments,
  type KpisCell,
  campaignSegmentCell,
  type SegmentGuards,
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
import { note, type Note } from '../i18n/note';

/** One problem in a notebook document, located by a JSON path such as `cells[2].sql`. */
export interface NotebookIssue {
  /** `cells[2].sql`; empty for the document as a whole. */
  path: string;
  /** What is wrong; its English `text` is what `formatIssue` writes. */
  note: Note;
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
  return issue.path ? `${issue.path}: ${issue.note.text}` : issue.note.text;
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
    return { ok: false, issues: [{ path: '', note: note('nbNotJson', { detail: (e as Error).message }) }] };
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
const REPORT_FIELDS = ['kpis', 'profileColumns', 'compareWith'] as const;
const TRANSACTION_FIELDS = ['table', 'key', 'date', 'amount', 'orderId', 'margin'] as const;
const FORMATS: readonly string[] = SOURCE_FORMATS;
const WHOLE_FROM_1 = expectedNumber('whole', 'atLeast', 1);

class Validator {
  readonly issues: NotebookIssue[] = [];

  /** Records a problem; undefined, so a check can `return this.reject(…)`. */
  reject(path: string, problem: Note): undefined {
    this.issues.push({ path, note: problem });
    return undefined;
  }

  notebook(value: unknown): Notebook | undefined {
    const forbidden = findProtoKey(value, '');
    if (forbidden !== null) return this.reject(forbidden, note('nbProtoKey'));
    const o = this.object(value, '');
    if (!o) return undefined;
    if (o.format !== NOTEBOOK_FORMAT) {
      return this.reject('format', note('nbNotNotebook', { format: NOTEBOOK_FORMAT }));
    }
    if (typeof o.version !== 'number' || !Number.isInteger(o.version) || o.version < 1) {
      return this.reject('version', WHOLE_FROM_1);
    }
    if (o.version > NOTEBOOK_VERSION) {
      return this.reject('version', note('nbVersionTooNew', { version: o.version, max: NOTEBOOK_VERSION }));
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
    this.known(o, path, ['name', 'path', 'format', 'options', 'personal', 'columns']);
    const name = this.name(o.name, `${path}.name`);
    const file = this.string(o.path, `${path}.path`, true);
    const out: Source = { name: name ?? '', path: file ?? '' };
    if (o.format !== undefined) {
      if (typeof o.format !== 'string' || !FORMATS.includes(o.format)) {
        this.reject(`${path}.format`, expectedOneOf(FORMATS));
      } else out.format = o.format as Source['format'];
    }
    if (o.options !== undefined) {
      const options = this.sourceOptions(o.options, `${path}.options`);
      if (options) out.options = options;
    }
    if (o.personal !== undefined) {
      const marks = this.object(o.personal, `${path}.personal`);
      if (marks) {
        const copy: Record<string, boolean> = {};
        for (const [column, mark] of Object.entries(marks)) {
          const b = this.boolean(mark, `${path}.personal${key(column)}`);
          if (b !== undefined) copy[column] = b;
        }
        out.personal = copy;
      }
    }
    if (o.columns !== undefined) out.columns = this.strings(o.columns, `${path}.columns`);
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
        this.reject(`${path}.sampleRows`, WHOLE_FROM_1);
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
      const header = this.boolean(o.header, `${path}.header`);
      if (header !== undefined) out.header = header;
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
      this.reject(`${path}.id`, note('nbCellId'));
    }
    const kind = this.string(o.kind, `${path}.kind`);
    if (kind === undefined) return undefined;
    if (!KNOWN_KINDS.includes(kind)) {
      const label = { named: id === undefined ? 'no' : 'yes', cell: id ?? path };
      return this.reject(`${path}.kind`, note('nbUnknownKind', { ...label, kind, known: KNOWN_KINDS.join(', ') }));
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
    } else if (o.kind === 'segment') {
      cell = this.segmentCell(o, path, id ?? '');
    } else if (o.kind === 'cluster') {
      cell = this.clusterCell(o, path, id ?? '');
    } else if (o.kind === 'rfm') {
      cell = this.rfmCell(o, path, id ?? '');
    } else if (o.kind === 'clv') {
      cell = this.clvCell(o, path, id ?? '');
    } else if (o.kind === 'tiers') {
      cell = this.tiersCell(o, path, id ?? '');
    } else if (o.kind === 'leads') {
      cell = this.leadsCell(o, path, id ?? '');
    } else if (o.kind === 'lookalike') {
      cell = this.lookalikeCell(o, path, id ?? '');
    } else if (o.kind === 'abtest') {
      cell = this.abTestCell(o, path, id ?? '');
    } else if (o.kind === 'kpis') {
      cell = this.kpisCell(o, path, id ?? '');
    } else if (o.kind === 'cohort') {
      this.known(o, path, ['id', 'kind', 'name', 'collapsed', 'table', 'key', 'date', 'amount']);
      cell = { id: id ?? '', kind: 'cohort', ...this.columns(o, path, ['table', 'key', 'date'], ['amount']) } as CohortCell;
      if (o.name !== undefined) cell.name = this.name(o.name, `${path}.name`);
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
    if (o.mark === undefined) this.reject(`${path}.mark`, expectedOneOf(CHART_MARKS));
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
        this.reject(`${path}.bins`, expectedNumber('whole', 'between', 1, 1000));
      } else out.bins = o.bins;
    }
    return out;
  }

  segmentCell(o: Obj, path: string, id: string): SegmentCell {
    this.known(o, path, ['id', 'kind', 'name', 'collapsed', 'table', 'key', 'exclusive', 'rest', 'segments', ...REPORT_FIELDS]);
    const cell: SegmentCell = {
      id,
      kind: 'segment',
      table: this.string(o.table, `${path}.table`) ?? '',
      key: this.string(o.key, `${path}.key`) ?? '',
      exclusive: this.boolean(o.exclusive, `${path}.exclusive`) ?? false,
      segments: (this.array(o.segments, `${path}.segments`) ?? []).map((d, i) => this.segmentDef(d, `${path}.segments[${i}]`))
    };
    if (o.name !== undefined) cell.name = this.name(o.name, `${path}.name`);
    if (o.rest !== undefined) cell.rest = this.string(o.rest, `${path}.rest`, true);
    return Object.assign(cell, this.report(o, path));
  }

  /** The report fields a segment and a cluster cell share. */
  report(o: Obj, path: string): SegmentationReport {
    const out: SegmentationReport = {};
    if (o.kpis !== undefined) out.kpis = (this.array(o.kpis, `${path}.kpis`) ?? []).map((k, i) => this.kpi(k, `${path}.kpis[${i}]`));
    if (o.profileColumns !== undefined) out.profileColumns = this.strings(o.profileColumns, `${path}.profileColumns`);
    if (o.compareWith !== undefined) out.compareWith = this.string(o.compareWith, `${path}.compareWith`, true);
    return out;
  }

  clusterCell(o: Obj, path: string, id: string): ClusterCell {
    this.known(o, path, ['id', 'kind', 'name', 'collapsed', 'table', 'key', 'features', 'k', 'algorithm', 'restarts', 'seed', 'names', ...REPORT_FIELDS]);
    const int = (v: unknown, at: string, min: number, max: number) =>
      typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : this.reject(at, expectedNumber('whole', 'between', min, max));
    const cell: ClusterCell = {
      id,
      kind: 'cluster',
      table: this.string(o.table, `${path}.table`, true) ?? '',
      key: this.string(o.key, `${path}.key`, true) ?? '',
      features: (this.array(o.features, `${path}.features`) ?? []).map((f, i) => this.feature(f, `${path}.features[${i}]`)),
      k: int(o.k, `${path}.k`, 1, 100) ?? 2
    };
    if (cell.features.length === 0) this.reject(`${path}.features`, note('nbAtLeastOne', { what: 'feature' }));
    if (o.name !== undefined) cell.name = this.name(o.name, `${path}.name`);
    const algorithm = this.oneOf(o.algorithm, `${path}.algorithm`, CLUSTER_ALGORITHMS);
    if (algorithm) cell.algorithm = algorithm;
    if (o.restarts !== undefined) cell.restarts = int(o.restarts, `${path}.restarts`, 1, 100);
    if (o.seed !== undefined) cell.seed = int(o.seed, `${path}.seed`, 0, 2 ** 31 - 1);
    if (o.names !== undefined) cell.names = this.strings(o.names, `${path}.names`);
    return Object.assign(cell, this.report(o, path));
  }

  /** Non-empty text fields, required and optional, e.g. a table and its columns. */
  columns(o: Obj, path: string, required: readonly string[], optional: readonly string[] = []): Record<string, string> {
    const out: Record<string, string> = {};
    for (const field of required) out[field] = this.string(o[field], `${path}.${field}`, true) ?? '';
    for (const field of optional) if (o[field] !== undefined) out[field] = this.string(o[field], `${path}.${field}`, true) ?? '';
    return out;
  }

  /** A finite number in [min, max]. */
  number(value: unknown, path: string, min = -Infinity, max = Infinity): number | undefined {
    if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) return value;
    return this.reject(path, Number.isFinite(min) ? expectedNumber('number', 'between', min, max) : expectedNumber('number'));
  }

  date(value: unknown, path: string): string | undefined {
    return typeof value === 'string' && isIsoDate(value) ? value : this.reject(path, note('nbExpectedDate'));
  }

  rfmCell(o: Obj, path: string, id: string): RfmCell {
    this.known(o, path, ['id', 'kind', 'name', 'collapsed', ...TRANSACTION_FIELDS, 'monetary', 'breakpoints', 'segments', ...REPORT_FIELDS]);
    const cell = {
      id,
      kind: 'rfm',
      ...this.columns(o, path, ['table', 'key', 'date', 'amount'], ['orderId', 'margin']),
      monetary: this.oneOf(o.monetary, `${path}.monetary`, ['sum', 'mean_per_order'] as const) ?? 'sum',
      segments: (this.array(o.segments, `${path}.segments`) ?? []).map((s, i) => this.rfmSegment(s, `${path}.segments[${i}]`))
    } as RfmCell;
    if (o.monetary === undefined) this.reject(`${path}.monetary`, expectedOneOf(['sum', 'mean_per_order']));
    if (cell.segments.length === 0) this.reject(`${path}.segments`, note('nbAtLeastOne', { what: 'segment' }));
    if (o.name !== undefined) cell.name = this.name(o.name, `${path}.name`);
    if (o.breakpoints !== undefined) {
      const b = this.object(o.breakpoints, `${path}.breakpoints`) ?? {};
      this.known(b, `${path}.breakpoints`, ['recency', 'frequency', 'monetary']);
      const limits = (field: 'recency' | 'frequency' | 'monetary') => {
        const list = this.array(b[field], `${path}.breakpoints.${field}`) ?? [];
        const ok = list.length === 4 && list.every((x, i) => typeof x === 'number' && Number.isFinite(x) && (i === 0 || x > (list[i - 1] as number)));
        return ok ? (list as number[]) : (this.reject(`${path}.breakpoints.${field}`, note('nbAscending')) ?? []);
      };
      cell.breakpoints = { recency: limits('recency'), frequency: limits('frequency'), monetary: limits('monetary') };
    }
    return Object.assign(cell, this.report(o, path));
  }

  rfmSegment(value: unknown, path: string): RfmSegment {
    const o = this.object(value, path) ?? {};
    this.known(o, path, ['name', 'r', 'f']);
    const range = (v: unknown, at: string): [number, number] => {
      const ok = Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x) && x >= 1 && x <= 5) && v[0] <= v[1];
      return ok ? [v[0], v[1]] : (this.reject(at, note('nbScoreRange')) ?? [1, 5]);
    };
    return { name: this.string(o.name, `${path}.name`, true) ?? '', r: range(o.r, `${path}.r`), f: range(o.f, `${path}.f`) };
  }

  clvCell(o: Obj, path: string, id: string): ClvCell {
    this.known(o, path, ['id', 'kind', 'name', 'collapsed', ...TRANSACTION_FIELDS, 'valueBy', 'calibrationEnd', 'holdoutEnd', 'unit', 'horizon', 'period', 'discountRate']);
    const options = { valueBy: ['revenue', 'margin'], unit: ['week', 'day'], period: ['day', 'week', 'month'] } as const;
    const cell = {
      id,
      kind: 'clv',
      ...this.columns(o, path, ['table', 'key', 'date', 'amount'], ['orderId', 'margin']),
      valueBy: this.oneOf(o.valueBy, `${path}.valueBy`, options.valueBy) ?? 'revenue',
      calibrationEnd: this.date(o.calibrationEnd, `${path}.calibrationEnd`) ?? '',
      unit: this.oneOf(o.unit, `${path}.unit`, options.unit) ?? 'week',
      horizon: Number.isInteger(o.horizon) && (o.horizon as number) >= 1 && (o.horizon as number) <= 1000 ? (o.horizon as number) : (this.reject(`${path}.horizon`, expectedNumber('whole', 'between', 1, 1000)) ?? 12),
      period: this.oneOf(o.period, `${path}.period`, options.period) ?? 'month',
      discountRate: this.number(o.discountRate, `${path}.discountRate`, 0, 1) ?? 0
    } as ClvCell;
    for (const field of ['valueBy', 'unit', 'period'] as const) if (o[field] === undefined) this.reject(`${path}.${field}`, expectedOneOf(options[field]));
    if (cell.valueBy === 'margin' && cell.margin === undefined) this.reject(`${path}.margin`, note('nbMarginColumn'));
    if (o.name !== undefined) cell.name = this.name(o.name, `${path}.name`);
    if (o.holdoutEnd !== undefined) {
      const end = this.date(o.holdoutEnd, `${path}.holdoutEnd`);
      if (end !== undefined && end <= cell.calibrationEnd) this.reject(`${path}.holdoutEnd`, note('nbDateAfter', { field: 'calibrationEnd' }));
      else if (end !== undefined) cell.holdoutEnd = end;
    }
    return cell;
  }

  lookalikeCell(o: Obj, path: string, id: string): LookalikeCell {
    this.known(o, path, [
      'id', 'kind', 'name', 'collapsed', 'table', 'key', 'seeds', 'label', 'evaluate', 'excludeSeeds', 'exclude',
      'features', 'method', 'metric', 'neighbours', 'l2', 'holdout', 'seed', 'cut', ...REPORT_FIELDS
    ]);
    const cell = {
      id,
      kind: 'lookalike',
      ...this.columns(o, path, ['table', 'key']),
      features: (this.array(o.features, `${path}.features`) ?? []).map((f, i) => this.feature(f, `${path}.features[${i}]`)),
      method: this.oneOf(o.method, `${path}.method`, LOOKALIKE_METHODS) ?? 'centroid',
      cut: this.lookalikeCut(o.cut, `${path}.cut`)
    } as LookalikeCell;
    if (o.method === undefined) this.reject(`${path}.method`, expectedOneOf(LOOKALIKE_METHODS));
    if (cell.features.length === 0) this.reject(`${path}.features`, note('nbAtLeastOne', { what: 'feature' }));
    if (o.name !== undefined) cell.name = this.name(o.name, `${path}.name`);
    if ((o.seeds === undefined) === (o.label === undefined)) this.reject(path, note('nbSeedsOrLabel'));
    if (o.seeds !== undefined) cell.seeds = this.lookalikeSeeds(o.seeds, `${path}.seeds`);
    if (o.label !== undefined) cell.label = this.labelColumn(o.label, `${path}.label`);
    if (o.evaluate !== undefined) {
      if (o.label !== undefined) this.reject(`${path}.evaluate`, note('nbLabelEvaluates'));
      cell.evaluate = this.labelColumn(o.evaluate, `${path}.evaluate`);
    }
    if (o.excludeSeeds !== undefined) cell.excludeSeeds = this.boolean(o.excludeSeeds, `${path}.excludeSeeds`);
    if (o.exclude !== undefined) {
      const x = this.object(o.exclude, `${path}.exclude`) ?? {};
      this.known(x, `${path}.exclude`, ['table', 'key']);
      cell.exclude = this.columns(x, `${path}.exclude`, ['table', 'key']) as { table: string; key: string };
    }
    const metric = this.oneOf(o.metric, `${path}.metric`, LOOKALIKE_METRICS);
    if (metric) cell.metric = metric;
    const int = (v: unknown, at: string, min: number, max: number) =>
      typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : this.reject(at, expectedNumber('whole', 'between', min, max));
    if (o.neighbours !== undefined) cell.neighbours = int(o.neighbours, `${path}.neighbours`, 1, 1000);
    if (o.seed !== undefined) cell.seed = int(o.seed, `${path}.seed`, 0, 2 ** 31 - 1);
    if (o.l2 !== undefined) {
      if (typeof o.l2 !== 'number' || !(o.l2 > 0) || !Number.isFinite(o.l2)) this.reject(`${path}.l2`, expectedNumber('number', 'above', 0));
      else cell.l2 = o.l2;
    }
    if (o.holdout !== undefined) {
      if (typeof o.holdout !== 'number' || !(o.holdout >= 0 && o.holdout < 1)) this.reject(`${path}.holdout`, expectedNumber('number', 'below', 0, 1));
      else cell.holdout = o.holdout;
    }
    return Object.assign(cell, this.report(o, path));
  }

  lookalikeSeeds(value: unknown, path: string): LookalikeSeeds | undefined {
    const o = this.object(value, path);
    if (!o) return undefined;
    if (o.kind === 'segment') {
      this.known(o, path, ['kind', 'from', 'segments']);
      return { kind: 'segment', from: this.string(o.from, `${path}.from`, true) ?? '', segments: this.strings(o.segments, `${path}.segments`) };
    }
    if (o.kind === 'rule') {
      this.known(o, path, ['kind', 'rule']);
      return { kind: 'rule', rule: this.ruleGroup(o.rule, `${path}.rule`) };
    }
    if (o.kind === 'keys') {
      this.known(o, path, ['kind', 'keys']);
      return { kind: 'keys', keys: this.strings(o.keys, `${path}.keys`) };
    }
    return this.reject(`${path}.kind`, expectedOneOf(['segment', 'rule', 'keys']));
  }

  labelColumn(value: unknown, path: string): LabelColumn | undefined {
    const o = this.object(value, path);
    if (!o) return undefined;
    this.known(o, path, ['column', 'positive']);
    return { column: this.string(o.column, `${path}.column`, true) ?? '', positive: this.string(o.positive, `${path}.positive`) ?? '' };
  }

  lookalikeCut(value: unknown, path: string): LookalikeCut {
    const o = this.object(value, path) ?? {};
    const name = () => (o.name === undefined ? {} : { name: this.string(o.name, `${path}.name`, true) ?? '' });
    if (o.kind === 'top_n') {
      this.known(o, path, ['kind', 'n', 'name']);
      const n = Number.isInteger(o.n) && (o.n as number) >= 1 ? (o.n as number) : (this.reject(`${path}.n`, WHOLE_FROM_1) ?? 1);
      return { kind: 'top_n', n, ...name() };
    }
    if (o.kind === 'top_pct') {
      this.known(o, path, ['kind', 'pct', 'name']);
      return { kind: 'top_pct', pct: this.number(o.pct, `${path}.pct`, 0, 100) ?? 10, ...name() };
    }
    if (o.kind === 'score') {
      this.known(o, path, ['kind', 'min', 'name']);
      return { kind: 'score', min: this.number(o.min, `${path}.min`) ?? 0, ...name() };
    }
    if (o.kind === 'bands') {
      this.known(o, path, ['kind', 'high', 'medium']);
      const high = this.number(o.high, `${path}.high`) ?? 0;
      const medium = this.number(o.medium, `${path}.medium`) ?? 0;
      if (medium > high) this.reject(`${path}.medium`, note('nbExpectedOrder', { high: 'high', low: 'medium' }));
      return { kind: 'bands', high, medium };
    }
    this.reject(`${path}.kind`, expectedOneOf(['top_n', 'top_pct', 'score', 'bands']));
    return { kind: 'top_pct', pct: 10 };
  }

  abTestCell(o: Obj, path: string, id: string): AbTestCell {
    this.known(o, path, ['id', 'kind', 'name', 'collapsed', 'table', 'key', 'arm', 'control', 'outcome', 'metric', 'positive', 'by']);
    const cell = {
      id,
      kind: 'abtest',
      ...this.columns(o, path, ['table', 'arm'], ['key']),
      control: this.string(o.control, `${path}.control`) ?? '',
      outcome: this.string(o.outcome, `${path}.outcome`, true) ?? '',
      metric: this.oneOf(o.metric, `${path}.metric`, ['binary', 'numeric'] as const) ?? 'binary'
    } as AbTestCell;
    if (o.metric === undefined) this.reject(`${path}.metric`, expectedOneOf(['binary', 'numeric']));
    if (o.name !== undefined) cell.name = this.name(o.name, `${path}.name`);
    if (o.positive !== undefined) {
      if (cell.metric !== 'binary') this.reject(`${path}.positive`, note('nbPositiveBinary'));
      else cell.positive = this.string(o.positive, `${path}.positive`);
    }
    if (o.by !== undefined) {
      cell.by = this.campaignSegments(o.by, `${path}.by`);
      if (cell.by?.kind === 'cell' && cell.key === undefined) this.reject(`${path}.key`, note('nbKeyForCell'));
    }
    return cell;
  }

  kpisCell(o: Obj, path: string, id: string): KpisCell {
    this.known(o, path, ['id', 'kind', 'name', 'collapsed', 'table', 'key', 'by', 'events', 'period', 'periods']);
    const cell = { id, kind: 'kpis', ...this.columns(o, path, ['table', 'key']) } as KpisCell;
    if (o.name !== undefined) cell.name = this.name(o.name, `${path}.name`);
    if (o.by !== undefined) cell.by = this.campaignSegments(o.by, `${path}.by`);
    const e = this.object(o.events, `${path}.events`) ?? {};
    this.known(e, `${path}.events`, ['table', 'key', 'date', 'amount', 'conversion']);
    cell.events = this.columns(e, `${path}.events`, ['table', 'key', 'date'], ['amount']) as unknown as KpisCell['events'];
    if (e.conversion !== undefined) {
      const c = this.object(e.conversion, `${path}.events.conversion`) ?? {};
      this.known(c, `${path}.events.conversion`, ['column', 'value']);
      cell.events.conversion = { column: this.string(c.column, `${path}.events.conversion.column`, true) ?? '', value: this.string(c.value, `${path}.events.conversion.value`) ?? '' };
    }
    cell.period = this.oneOf(o.period, `${path}.period`, ['month', 'week'] as const) ?? 'month';
    if (o.period === undefined) this.reject(`${path}.period`, expectedOneOf(['month', 'week']));
    const periods = o.periods;
    if (typeof periods !== 'number' || !Number.isInteger(periods) || periods < 1 || periods > 120) this.reject(`${path}.periods`, expectedNumber('whole', 'between', 1, 120));
    cell.periods = typeof periods === 'number' ? periods : 12;
    return cell;
  }

  campaignSegments(value: unknown, path: string): CampaignSegments | undefined {
    const o = this.object(value, path);
    if (!o) return undefined;
    if (o.kind === 'column') {
      this.known(o, path, ['kind', 'column']);
      return { kind: 'column', column: this.string(o.column, `${path}.column`, true) ?? '' };
    }
    if (o.kind === 'cell') {
      this.known(o, path, ['kind', 'from']);
      return { kind: 'cell', from: this.string(o.from, `${path}.from`, true) ?? '' };
    }
    return this.reject(`${path}.kind`, expectedOneOf(['column', 'cell']));
  }

  tiersCell(o: Obj, path: string, id: string): TiersCell {
    this.known(o, path, ['id', 'kind', 'name', 'collapsed', 'table', 'key', 'value', 'cost', 'profitableAbove', 'potential', 'subdivide', ...REPORT_FIELDS]);
    const cell = { id, kind: 'tiers', ...this.columns(o, path, ['table', 'key', 'value'], ['cost', 'subdivide']) } as TiersCell;
    if (o.name !== undefined) cell.name = this.name(o.name, `${path}.name`);
    if (o.profitableAbove !== undefined) cell.profitableAbove = this.number(o.profitableAbove, `${path}.profitableAbove`);
    if (o.potential !== undefined) {
      const p = this.object(o.potential, `${path}.potential`) ?? {};
      this.known(p, `${path}.potential`, ['column', 'above']);
      cell.potential = { column: this.string(p.column, `${path}.potential.column`, true) ?? '', above: this.number(p.above, `${path}.potential.above`) ?? 0 };
    }
    return Object.assign(cell, this.report(o, path));
  }

  leadsCell(o: Obj, path: string, id: string): LeadsCell {
    this.known(o, path, ['id', 'kind', 'name', 'collapsed', 'table', 'key', 'fit', 'fitCuts', 'engagement', 'engagementCuts', 'grid', ...REPORT_FIELDS]);
    const cell = {
      id,
      kind: 'leads',
      ...this.columns(o, path, ['table', 'key']),
      fit: this.leadScore(o.fit, `${path}.fit`),
      engagement: this.leadScore(o.engagement, `${path}.engagement`)
    } as LeadsCell;
    if (o.name !== undefined) cell.name = this.name(o.name, `${path}.name`);
    if (o.fitCuts !== undefined) cell.fitCuts = this.tierCuts(o.fitCuts, `${path}.fitCuts`);
    if (o.engagementCuts !== undefined) cell.engagementCuts = this.tierCuts(o.engagementCuts, `${path}.engagementCuts`);
    if (o.grid !== undefined) {
      const grid = this.object(o.grid, `${path}.grid`) ?? {};
      this.known(grid, `${path}.grid`, LEAD_GRID);
      cell.grid = {};
      for (const [code, value] of Object.entries(grid)) {
        const g = this.object(value, `${path}.grid.${code}`) ?? {};
        this.known(g, `${path}.grid.${code}`, ['name', 'action']);
        cell.grid[code] = {};
        if (g.name !== undefined) cell.grid[code].name = this.string(g.name, `${path}.grid.${code}.name`);
        if (g.action !== undefined) cell.grid[code].action = this.string(g.action, `${path}.grid.${code}.action`);
      }
    }
    return Object.assign(cell, this.report(o, path));
  }

  leadScore(value: unknown, path: string): LeadScore {
    const o = this.object(value, path) ?? {};
    if (o.kind === 'column') {
      this.known(o, path, ['kind', 'column', 'table', 'key']);
      return { kind: 'column', ...this.columns(o, path, ['column'], ['table', 'key']) } as LeadScore;
    }
    this.known(o, path, ['kind', 'rules']);
    if (o.kind !== 'points') this.reject(`${path}.kind`, expectedOneOf(['points', 'column']));
    const rules = (this.array(o.rules, `${path}.rules`) ?? []).map((r, i) => {
      const at = `${path}.rules[${i}]`;
      const x = this.object(r, at) ?? {};
      this.known(x, at, ['label', 'points', 'rule']);
      return { label: this.string(x.label, `${at}.label`) ?? '', points: this.number(x.points, `${at}.points`) ?? 0, rule: this.ruleGroup(x.rule, `${at}.rule`) };
    });
    return { kind: 'points', rules };
  }

  tierCuts(value: unknown, path: string): TierCuts {
    const o = this.object(value, path) ?? {};
    this.known(o, path, ['by', 'first', 'second']);
    const by = this.oneOf(o.by, `${path}.by`, ['share', 'score'] as const) ?? 'share';
    if (o.by === undefined) this.reject(`${path}.by`, expectedOneOf(['share', 'score']));
    const [lo, hi] = by === 'share' ? [0, 1] : [-Infinity, Infinity];
    const cuts: TierCuts = { by, first: this.number(o.first, `${path}.first`, lo, hi) ?? 0, second: this.number(o.second, `${path}.second`, lo, hi) ?? 0 };
    if (by === 'share' && cuts.first + cuts.second > 1) this.reject(path, note('nbSharesSum'));
    if (by === 'score' && cuts.first < cuts.second) this.reject(path, note('nbExpectedOrder', { high: 'first', low: 'second' }));
    return cuts;
  }

  feature(value: unknown, path: string): ClusterFeature {
    const o = this.object(value, path) ?? {};
    this.known(o, path, ['column', 'prep', 'weight', 'top', 'impute']);
    const f: ClusterFeature = { column: this.string(o.column, `${path}.column`, true) ?? '', prep: this.oneOf(o.prep, `${path}.prep`, FEATURE_PREPS) ?? 'z' };
    if (o.prep === undefined) this.reject(`${path}.prep`, expectedOneOf(FEATURE_PREPS));
    if (o.weight !== undefined) {
      if (typeof o.weight !== 'number' || !(o.weight > 0) || !Number.isFinite(o.weight)) this.reject(`${path}.weight`, expectedNumber('number', 'above', 0));
      else f.weight = o.weight;
    }
    if (o.top !== undefined) {
      if (typeof o.top !== 'number' || !Number.isInteger(o.top) || o.top < 1) this.reject(`${path}.top`, WHOLE_FROM_1);
      else f.top = o.top;
    }
    const impute = this.oneOf(o.impute, `${path}.impute`, ['median', 'mode', 'mean'] as const);
    if (impute) f.impute = impute;
    return f;
  }

  segmentDef(value: unknown, path: string): SegmentDef {
    const o = this.object(value, path) ?? {};
    this.known(o, path, ['name', 'tags', 'rule', 'where']);
    const def: SegmentDef = { name: this.string(o.name, `${path}.name`, true) ?? '' };
    if (o.tags !== undefined) def.tags = this.strings(o.tags, `${path}.tags`);
    if (o.rule !== undefined) def.rule = this.ruleGroup(o.rule, `${path}.rule`);
    if (o.where !== undefined) def.where = this.string(o.where, `${path}.where`);
    if (def.rule === undefined && def.where === undefined) this.reject(path, note('nbRuleOrWhere'));
    return def;
  }

  rule(value: unknown, path: string): Rule {
    const o = this.object(value, path) ?? {};
    if (o.type === 'group') return this.ruleGroup(o, path);
    if (o.type === 'condition') {
      this.known(o, path, ['type', 'column', 'op', 'value', 'values']);
      const cond: ColumnCondition = {
        type: 'condition',
        column: this.string(o.column, `${path}.column`) ?? '',
        op: this.oneOf(o.op, `${path}.op`, CONDITION_OPS) ?? 'eq'
      };
      this.operands(o, path, cond);
      return cond;
    }
    if (o.type === 'behaviour') {
      this.known(o, path, ['type', 'table', 'key', 'measure', 'column', 'dateColumn', 'window', 'where', 'op', 'value', 'values']);
      const b: BehaviourCondition = {
        type: 'behaviour',
        table: this.string(o.table, `${path}.table`) ?? '',
        key: this.string(o.key, `${path}.key`) ?? '',
        measure: this.oneOf(o.measure, `${path}.measure`, BEHAVIOUR_MEASURES) ?? 'count'
      };
      for (const field of ['column', 'dateColumn'] as const) {
        if (o[field] !== undefined) b[field] = this.string(o[field], `${path}.${field}`);
      }
      if (o.window !== undefined) b.window = this.window(o.window, `${path}.window`);
      if (o.where !== undefined) b.where = this.ruleGroup(o.where, `${path}.where`);
      const op = this.oneOf(o.op, `${path}.op`, BEHAVIOUR_OPS);
      if (op) b.op = op;
      this.operands(o, path, b);
      return b;
    }
    this.reject(`${path}.type`, expectedOneOf(['group', 'condition', 'behaviour']));
    return { type: 'group', op: 'and', rules: [] };
  }

  ruleGroup(value: unknown, path: string): RuleGroup {
    const o = this.object(value, path) ?? {};
    this.known(o, path, ['type', 'op', 'not', 'rules']);
    if (o.type !== 'group') this.reject(`${path}.type`, expectedOneOf(['group']));
    const group: RuleGroup = {
      type: 'group',
      op: this.oneOf(o.op, `${path}.op`, ['and', 'or'] as const) ?? 'and',
      rules: (this.array(o.rules, `${path}.rules`) ?? []).map((r, i) => this.rule(r, `${path}.rules[${i}]`))
    };
    if (o.not !== undefined) group.not = this.boolean(o.not, `${path}.not`);
    return group;
  }

  operands(o: Obj, path: string, out: { value?: RuleValue; values?: RuleValue[] }): void {
    if (o.value !== undefined) out.value = this.ruleValue(o.value, `${path}.value`);
    if (o.values !== undefined) {
      out.values = (this.array(o.values, `${path}.values`) ?? []).map((v, i) => this.ruleValue(v, `${path}.values[${i}]`) ?? '');
    }
  }

  ruleValue(value: unknown, path: string): RuleValue | undefined {
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
    return this.reject(path, note('nbExpectedType', { type: 'value', found: found(value) }));
  }

  window(value: unknown, path: string): BehaviourWindow | undefined {
    const o = this.object(value, path);
    if (!o) return undefined;
    if (o.kind === 'all' || o.kind === 'this_year') {
      this.known(o, path, ['kind']);
      return { kind: o.kind };
    }
    if (o.kind === 'last_days') {
      this.known(o, path, ['kind', 'days']);
      if (typeof o.days !== 'number' || !Number.isInteger(o.days) || o.days < 1) return this.reject(`${path}.days`, WHOLE_FROM_1);
      return { kind: 'last_days', days: o.days };
    }
    if (o.kind === 'between') {
      this.known(o, path, ['kind', 'from', 'to']);
      const dates = (['from', 'to'] as const).map((k) =>
        typeof o[k] === 'string' && isIsoDate(o[k]) ? o[k] : this.reject(`${path}.${k}`, note('nbExpectedDate'))
      );
      return dates[0] && dates[1] ? { kind: 'between', from: dates[0], to: dates[1] } : undefined;
    }
    return this.reject(`${path}.kind`, expectedOneOf(['all', 'last_days', 'this_year', 'between']));
  }

  kpi(value: unknown, path: string): Kpi {
    const o = this.object(value, path) ?? {};
    this.known(o, path, ['label', 'kind', 'column', 'denominator']);
    const kpi: Kpi = {
      label: this.string(o.label, `${path}.label`, true) ?? '',
      kind: this.oneOf(o.kind, `${path}.kind`, KPI_KINDS) ?? 'mean',
      column: this.string(o.column, `${path}.column`, true) ?? ''
    };
    if (o.kind === undefined) this.reject(`${path}.kind`, expectedOneOf(KPI_KINDS));
    if (o.denominator !== undefined) kpi.denominator = this.string(o.denominator, `${path}.denominator`, true);
    if ((kpi.kind === 'ratio' || kpi.kind === 'roi') && !kpi.denominator) this.reject(`${path}.denominator`, note('nbKpiDenominator', { kind: kpi.kind }));
    return kpi;
  }

  guards(value: unknown, path: string): SegmentGuards | undefined {
    const o = this.object(value, path);
    if (!o) return undefined;
    this.known(o, path, ['minSize', 'minShare', 'maxCiMargin', 'minExportSize']);
    const num = (k: keyof SegmentGuards, max: number, integer: boolean) => {
      const v = o[k];
      if (typeof v !== 'number' || !(v >= 0 && v <= max) || (integer && !Number.isInteger(v))) {
        return this.reject(`${path}.${k}`, expectedNumber(integer ? 'whole' : 'number', 'between', 0, max));
      }
      return v;
    };
    const g = {
      minSize: num('minSize', 1e9, true),
      minShare: num('minShare', 1, false),
      maxCiMargin: num('maxCiMargin', 100, false),
      minExportSize: num('minExportSize', 1e9, true)
    };
    return Object.values(g).every((v) => v !== undefined) ? (g as SegmentGuards) : undefined;
  }

  strings(value: unknown, path: string): string[] {
    return (this.array(value, path) ?? []).map((s, i) => this.string(s, `${path}[${i}]`, true) ?? '');
  }

  settings(value: unknown, path: string): NotebookSettings | undefined {
    const o = this.object(value, path);
    if (!o) return undefined;
    this.known(o, path, ['locale', 'referenceDate', 'guards', 'pseudonymSalt']);
    const out: NotebookSettings = {};
    const locale = this.oneOf(o.locale, `${path}.locale`, ['de', 'en'] as const);
    if (locale) out.locale = locale;
    if (o.referenceDate !== undefined) {
      if (typeof o.referenceDate !== 'string' || !isIsoDate(o.referenceDate)) {
        this.reject(`${path}.referenceDate`, note('nbExpectedDate'));
      } else out.referenceDate = o.referenceDate;
    }
    if (o.guards !== undefined) {
      const guards = this.guards(o.guards, `${path}.guards`);
      if (guards) out.guards = guards;
    }
    if (o.pseudonymSalt !== undefined) {
      const salt = this.string(o.pseudonymSalt, `${path}.pseudonymSalt`, true);
      if (salt !== undefined) out.pseudonymSalt = salt;
    }
    return out;
  }

  unique(sources: (Source | undefined)[], cells: (Cell | undefined)[]): void {
    const names = new Map<string, string>();
    const claim = (name: string | undefined, path: string) => {
      if (!name) return;
      const lower = name.toLowerCase();
      const owner = names.get(lower);
      if (owner) this.reject(path, note('nbNameTaken', { name, owner }));
      else names.set(lower, path.replace(/\.name$/, ''));
    };
    sources.forEach((s, i) => claim(s?.name, `sources[${i}].name`));
    const ids = new Map<string, number>();
    cells.forEach((c, i) => {
      if (!c) return;
      if (c.id) {
        const first = ids.get(c.id);
        if (first !== undefined) this.reject(`cells[${i}].id`, note('nbDuplicateId', { id: c.id, first: `cells[${first}]` }));
        else ids.set(c.id, i);
      }
      if (c.kind !== 'markdown') claim(c.name, `cells[${i}].name`);
    });
    cells.forEach((c, i) => {
      if (c?.kind === 'segment') {
        if (c.segments.length === 0) this.reject(`cells[${i}].segments`, note('nbAtLeastOne', { what: 'segment' }));
        const segmentNames = new Set<string>();
        c.segments.forEach((d, j) => {
          if (segmentNames.has(d.name)) this.reject(`cells[${i}].segments[${j}].name`, note('nbSegmentNameTwice', { name: d.name }));
          segmentNames.add(d.name);
        });
      }
      if (c?.kind === 'lookalike' && c.seeds?.kind === 'segment' && c.seeds.from) {
        const at = ids.get(c.seeds.from);
        const seedCell = at === undefined ? undefined : cells[at];
        const segmentation = ['segment', 'cluster', 'rfm', 'tiers', 'leads', 'lookalike'];
        if (seedCell === undefined || at === undefined || at >= i || !segmentation.includes(seedCell.kind)) {
          this.reject(`cells[${i}].seeds.from`, note('nbInputCell', { input: 'segmentation', id: c.seeds.from }));
        }
      }
      const from = c ? campaignSegmentCell(c) : undefined;
      if (from) {
        const at = ids.get(from);
        const input = at === undefined ? undefined : cells[at];
        if (input === undefined || at === undefined || at >= i || !['segment', 'cluster', 'rfm', 'tiers', 'leads', 'lookalike'].includes(input.kind)) {
          this.reject(`cells[${i}].by.from`, note('nbInputCell', { input: 'segmentation', id: from }));
        }
      }
      if (c?.kind !== 'chart' || !c.from) return;
      const at = ids.get(c.from);
      const input = at === undefined ? undefined : cells[at];
      if (input === undefined || at === undefined || at >= i || input.kind === 'markdown') {
        this.reject(`cells[${i}].from`, note('nbInputCell', { input: 'result', id: c.from }));
      }
    });
  }

  object(value: unknown, path: string): Obj | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.reject(path, note('nbExpectedType', { type: 'object', found: found(value) }));
    }
    return value as Obj;
  }

  array(value: unknown, path: string): unknown[] | undefined {
    if (!Array.isArray(value)) return this.reject(path, note('nbExpectedType', { type: 'array', found: found(value) }));
    return value;
  }

  string(value: unknown, path: string, nonEmpty = false): string | undefined {
    if (typeof value !== 'string') return this.reject(path, note('nbExpectedType', { type: 'string', found: found(value) }));
    if (nonEmpty && !value.trim()) return this.reject(path, note('nbExpectedNonEmpty'));
    return value;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (typeof value !== 'boolean') return this.reject(path, note('nbExpectedType', { type: 'boolean', found: found(value) }));
    return value;
  }

  name(value: unknown, path: string): string | undefined {
    const s = this.string(value, path, true);
    if (s === undefined) return undefined;
    if (s !== s.trim()) return this.reject(path, note('nbNameSpaces'));
    if (s.length > MAX_NAME_LENGTH) return this.reject(path, note('nbNameLength', { max: MAX_NAME_LENGTH }));
    if (s.startsWith('__seglab')) return this.reject(path, note('nbNameReserved'));
    return s;
  }

  oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
      return this.reject(path, expectedOneOf(options));
    }
    return value as T;
  }

  known(o: Obj, path: string, keys: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!keys.includes(k)) this.reject(at(path, k), note('nbUnknownProperty', { expected: keys.join(', ') }));
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

/** What a check found instead: `null`, `nothing`, `an array`, `the string "ab"`, `number 3`. */
function found(value: unknown): Note {
  if (value === null) return note('nbFound', { kind: 'null' });
  if (Array.isArray(value)) return note('nbFound', { kind: 'array' });
  if (typeof value === 'string') return note('nbFound', { kind: 'string', text: JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value) });
  if (typeof value === 'object') return note('nbFound', { kind: 'object' });
  if (value === undefined) return note('nbFound', { kind: 'nothing' });
  return note('nbFound', { kind: typeof value, text: String(value) });
}

/**
 * "expected a whole number ≥ 1", "expected a number from 0 to below 1" and the like.
 * @param kind a whole number or any number
 * @param range which bounds apply: none, `≥ min`, `> min`, `min` to `max`, `min` to below `max`
 * @param min the lower bound
 * @param max the upper bound
 */
function expectedNumber(kind: 'whole' | 'number', range: 'any' | 'atLeast' | 'above' | 'between' | 'below' = 'any', min = 0, max = 0): Note {
  return note('nbExpectedNumber', { kind, range, min, max });
}

/**
 * "expected one of "a", "b"" (or "expected "a"" for one), the options quoted as JSON writes them.
 * @param options the values allowed
 */
function expectedOneOf(options: readonly string[]): Note {
  return note('nbExpectedOneOf', { n: options.length, values: options.map((o) => `"${o}"`).join(', ') });
}

function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}
