import { campaignSegmentCell, type Cell, type LeadsCell, type LookalikeCell, type Notebook, type Rule, type SegmentCell, type SqlCell } from './model';
import { note, type Note } from '../i18n/note';

/** What one cell reads: source tables (by name) and earlier cells (by id). */
export interface CellDeps {
  sources: string[];
  cells: string[];
}

/** How a source or a cell ended in a run. */
export type RunStatus = 'ok' | 'error' | 'skipped';

/** A cell that yields a table when it runs. */
export type ResultCell = Exclude<Cell, { kind: 'markdown' }>;

/**
 * The cells that run, in the order they run: document order, every kind but Markdown (which has
 * no result).
 * @param notebook the document
 */
export function runOrder(notebook: Notebook): ResultCell[] {
  return notebook.cells.filter((c): c is ResultCell => c.kind !== 'markdown');
}

/**
 * Works out what each cell depends on. A SQL cell depends on the table names its SQL reads: a
 * name counts when it is a source or a named cell *above* this one (compared case-insensitively,
 * as DuckDB does); anything else (tables made by the SQL itself, later cells) is not a
 * dependency. A chart cell depends on its `from` cell; a segment cell on the tables of
 * `segmentTables`; a lookalike cell on its seed cell and the tables of `lookalikeTables`; an A/B
 * test or KPI board cell on its tables and the segmentation cell it reads its segments from.
 * @param notebook the document
 * @param reads the table names a cell's SQL reads (from DuckDB's parser, or `sqlWords` as a fallback)
 */
export function cellDependencies(notebook: Notebook, reads: (cell: SqlCell) => readonly string[]): Map<string, CellDeps> {
  const sources = new Map(notebook.sources.map((s) => [s.name.toLowerCase(), s.name]));
  const views = new Map<string, string>();
  const out = new Map<string, CellDeps>();
  const above = new Set<string>();
  for (const cell of runOrder(notebook)) {
    const deps: CellDeps = { sources: [], cells: [] };
    if (cell.kind === 'lookalike' && cell.seeds?.kind === 'segment' && above.has(cell.seeds.from)) deps.cells.push(cell.seeds.from);
    const segmentation = campaignSegmentCell(cell);
    if (segmentation !== undefined && above.has(segmentation)) deps.cells.push(segmentation);
    if (cell.kind === 'chart') {
      if (above.has(cell.from)) deps.cells.push(cell.from);
      out.set(cell.id, deps);
      above.add(cell.id);
      if (cell.name) views.set(cell.name.toLowerCase(), cell.id);
      continue;
    }
    for (const raw of tablesOf(cell, reads)) {
      const name = raw.toLowerCase();
      const source = sources.get(name);
      const view = views.get(name);
      if (source !== undefined && !deps.sources.includes(source)) deps.sources.push(source);
      if (view !== undefined && !deps.cells.includes(view)) deps.cells.push(view);
    }
    out.set(cell.id, deps);
    above.add(cell.id);
    if (cell.name) views.set(cell.name.toLowerCase(), cell.id);
  }
  return out;
}

/** The table names a cell (not a chart) reads. */
function tablesOf(cell: Exclude<ResultCell, { kind: 'chart' }>, reads: (cell: SqlCell) => readonly string[]): readonly string[] {
  switch (cell.kind) {
    case 'sql':
      return reads(cell);
    case 'segment':
      return segmentTables(cell);
    case 'tiers':
      return cell.subdivide ? [cell.table, cell.subdivide] : [cell.table];
    case 'leads':
      return leadsTables(cell);
    case 'lookalike':
      return lookalikeTables(cell);
    case 'kpis':
      return [cell.table, cell.events.table];
    default:
      return [cell.table];
  }
}

/**
 * The tables a segment cell reads: its entity table, the tables of its behavioural conditions, and
 * the words of its plain SQL conditions (intersected with known names by `cellDependencies`).
 * @param cell the segment cell
 */
export function segmentTables(cell: SegmentCell): string[] {
  const out = [cell.table];
  for (const def of cell.segments) {
    if (def.where !== undefined) out.push(...sqlWords(def.where));
    else if (def.rule) behaviourTables(def.rule, out);
  }
  return [...new Set(out)];
}

/** Appends the tables of a rule tree's behavioural conditions to `out`. */
function behaviourTables(rule: Rule, out: string[]): void {
  if (rule.type === 'group') rule.rules.forEach((r) => behaviourTables(r, out));
  else if (rule.type === 'behaviour') out.push(rule.table);
}

/**
 * The tables a leads cell reads: its lead table, the tables of its points rules' behavioural
 * conditions (the activities) and the table of a score column read from elsewhere (the fit cell).
 * @param cell the leads cell
 */
export function leadsTables(cell: LeadsCell): string[] {
  const out = [cell.table];
  for (const score of [cell.fit, cell.engagement]) {
    if (score.kind === 'column') out.push(score.table ?? cell.table);
    else for (const r of score.rules) behaviourTables(r.rule, out);
  }
  return [...new Set(out)];
}

/**
 * The tables a lookalike cell reads by name: its population, the exclusion table and the tables of
 * behavioural conditions in a seed rule (its seed cell, read by id, is added by `cellDependencies`).
 * @param cell the lookalike cell
 */
export function lookalikeTables(cell: LookalikeCell): string[] {
  const out = [cell.table];
  if (cell.exclude) out.push(cell.exclude.table);
  if (cell.seeds?.kind === 'rule') behaviourTables(cell.seeds.rule, out);
  return [...new Set(out)];
}

/**
 * Why a cell must be skipped: the first of its dependencies that failed or was skipped, or
 * `undefined` when it may run.
 * @param deps what the cell reads
 * @param sourceStatus how each source's load ended, by source name
 * @param cellStatus how each earlier cell ended, by id
 * @param label how to name a cell in the message (its name, else its id)
 */
export function skipReason(
  deps: CellDeps,
  sourceStatus: ReadonlyMap<string, RunStatus>,
  cellStatus: ReadonlyMap<string, RunStatus>,
  label: (cellId: string) => string = (id) => id
): Note | undefined {
  for (const name of deps.sources) {
    const status = sourceStatus.get(name);
    if (status && status !== 'ok') return note('skipSourceFailed', { name });
  }
  for (const id of deps.cells) {
    const status = cellStatus.get(id);
    if (status === 'error') return note('skipCellFailed', { cell: label(id) });
    if (status === 'skipped') return note('skipCellSkipped', { cell: label(id) });
  }
  return undefined;
}

/**
 * Every cell that reads `cellId`, directly or through other cells, in document order.
 * @param deps the result of `cellDependencies`
 * @param cellId the cell that changed or failed
 */
export function dependants(deps: ReadonlyMap<string, CellDeps>, cellId: string): string[] {
  const hit = new Set([cellId]);
  const out: string[] = [];
  for (const [id, d] of deps) {
    if (d.cells.some((c) => hit.has(c))) {
      hit.add(id);
      out.push(id);
    }
  }
  return out;
}

/**
 * The identifiers in a SQL text, outside comments and string literals: unquoted words and
 * `"quoted"` names. A conservative stand-in for DuckDB's table-name extraction when the engine
 * cannot parse the text (e.g. a syntax error): it may report column names too, so only use it
 * intersected with known table names.
 * @param text SQL
 */
export function sqlWords(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (ch === "'") {
      i = closing(text, i, "'");
    } else if (ch === '"') {
      const end = closing(text, i, '"');
      words.push(text.slice(i + 1, end - 1).replaceAll('""', '"'));
      i = end;
    } else if (/[\p{L}_]/u.test(ch)) {
      let j = i + 1;
      while (j < text.length && /[\p{L}\p{N}_$]/u.test(text[j])) j++;
      words.push(text.slice(i, j));
      i = j;
    } else i++;
  }
  return words;
}

function closing(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}
