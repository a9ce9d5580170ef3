/**
 * The reports the runner writes beside a segment cell's members (`<id>.csv`): its profile, the mix
 * of its profile columns, the overlaps of its segments and, with `compareWith`, the transitions
 * from an earlier membership. Built with the pure builders of src/lib/sql/segment-profile.ts and
 * src/lib/analysis/segment-profile.ts, the same the app's segment report uses.
 *
 * The files are CSV with a fixed column order: header, `,`, `\n`, UTF-8, RFC 4180 quoting (a field
 * with `,`, `"` or a line break is quoted, `"` doubled), numbers as JavaScript prints them
 * (`String(n)`: every digit a DOUBLE needs to read back the same), booleans `true` / `false`, an
 * empty field for a missing value, lists (warnings) joined with `;`.
 */
import { table, toCSV } from 'arquero';
import { categoryResult, profileResult, type KpiProfile } from '../analysis/segment-profile';
import { baseTable, DEFAULT_GUARDS, segmentNames, type SegmentationCell, type SegmentGuards } from '../notebook/model';
import { categoryQuery, overlapQuery, profileQuery, transitionQuery } from '../sql/segment-profile';
import type { Engine } from './engine';
import { EngineError, type EngineErrorCode } from './errors';

/** The reports of a segment cell, in the order they are written; each is the file `<id>.<report>.csv`. */
export const SEGMENT_REPORTS = ['profile', 'categories', 'overlap', 'transitions'] as const;
/** One report of a segment cell. */
export type SegmentReport = (typeof SEGMENT_REPORTS)[number];

/** A report file to write: its name, its CSV text and its number of data rows. */
export interface ReportFile {
  name: string;
  text: string;
  rows: number;
}

/** Columns of `<id>.profile.csv`. */
export const PROFILE_COLUMNS = [
  'segment',
  'size',
  'share',
  'warnings',
  'kpi',
  'kind',
  'value',
  'base_value',
  'share_of_total',
  'estimate',
  'low',
  'high',
  'margin',
  'index',
  'kpi_warnings'
] as const;

/** Columns of `<id>.categories.csv`. */
export const CATEGORY_COLUMNS = ['column', 'segment', 'kind', 'value', 'count', 'share', 'base_count', 'base_share', 'index', 'z', 'p'] as const;

/** Columns of `<id>.overlap.csv`, as `overlapQuery` returns them. */
export const OVERLAP_COLUMNS = ['segment_a', 'segment_b', 'n_both', 'size_a', 'size_b', 'jaccard'] as const;

/** Columns of `<id>.transitions.csv`, as `transitionQuery` returns them. */
export const TRANSITION_COLUMNS = ['from_segment', 'to_segment', 'is_new', 'is_gone', 'count'] as const;

/**
 * The file name of one report of a cell: `<id>.<report>.csv`.
 * @param cellId the segment cell's id
 * @param report which report
 */
export function segmentReportName(cellId: string, report: SegmentReport): string {
  return `${cellId}.${report}.csv`;
}

type Row = Record<string, unknown>;

/**
 * Computes the reports of a segmentation (a segment or cluster cell) whose result exists as `view`:
 * - `<id>.profile.csv`: one row per segment and KPI (segments in the cell's order, the rest segment
 *   last), then one per KPI for the base (`segment` empty, `share` 1); without KPIs one row per
 *   segment and one for the base with the size columns only. Intervals at 95 %; warnings by `guards`.
 * - `<id>.categories.csv` (when the cell has `profileColumns`): per column in the cell's order, the
 *   rows of `categoryQuery` with shares, index and the two-proportion test of `categoryResult`.
 * - `<id>.overlap.csv`: every ordered pair of segments with members in both and the Jaccard index.
 * - `<id>.transitions.csv` (when the cell has `compareWith`): moves from that earlier membership.
 * A failing query throws an `EngineError` whose message starts with the file's name.
 * @param engine the engine holding the cell's result, its entity table and `compareWith`
 * @param cell the segment or cluster cell
 * @param view the view holding the cell's result (`cellView(cell)`)
 * @param guards the notebook's guards (`settings.guards`)
 * @param lang the notebook's language (the names of tiers)
 */
export async function segmentReports(engine: Engine, cell: SegmentationCell, view: string, guards: SegmentGuards = DEFAULT_GUARDS, lang: 'de' | 'en' = 'en'): Promise<ReportFile[]> {
  const query = async (report: SegmentReport, text: string): Promise<Row[]> => {
    try {
      return await engine.db.rows(text);
    } catch (e) {
      const code: EngineErrorCode = e instanceof EngineError ? e.code : 'INTERNAL';
      const message = e instanceof Error ? e.message : String(e);
      throw new EngineError({ code, message: `${segmentReportName(cell.id, report)}: ${message}`, sql: text }, { cause: e });
    }
  };
  const file = (report: SegmentReport, columns: readonly string[], rows: readonly Row[]): ReportFile => ({
    name: segmentReportName(cell.id, report),
    text: csvText(columns, rows),
    rows: rows.length
  });

  const kpis = cell.kpis ?? [];
  const order = segmentNames(cell, lang);
  const profile = profileResult(await query('profile', profileQuery({ members: view, base: baseTable(cell), kpis })), kpis, guards, 0.95, order);
  const profileRows: Row[] = [];
  const push = (segment: string | null, size: number, share: number, warnings: readonly string[], k?: KpiProfile) => {
    profileRows.push({ segment, size, share, warnings: warnings.join(';'), ...(k ? kpiFields(k) : {}) });
  };
  for (const s of profile.segments) {
    if (s.kpis.length === 0) push(s.segment, s.size, s.share, s.warnings);
    for (const k of s.kpis) push(s.segment, s.size, s.share, s.warnings, k);
  }
  if (profile.base.kpis.length === 0) push(null, profile.base.size, 1, []);
  for (const k of profile.base.kpis) push(null, profile.base.size, 1, [], k);
  const files = [file('profile', PROFILE_COLUMNS, profileRows)];

  if (cell.profileColumns?.length) {
    const rows: Row[] = [];
    for (const column of cell.profileColumns) {
      const result = categoryResult(await query('categories', categoryQuery({ members: view, base: baseTable(cell), column })));
      for (const c of result) {
        const { segment, kind, value, count, share, index, z, p } = c;
        rows.push({ column, segment, kind, value, count, share, base_count: c.baseCount, base_share: c.baseShare, index, z, p });
      }
    }
    files.push(file('categories', CATEGORY_COLUMNS, rows));
  }

  files.push(file('overlap', OVERLAP_COLUMNS, await query('overlap', overlapQuery({ members: view, key: cell.key }))));
  if (cell.compareWith) {
    files.push(file('transitions', TRANSITION_COLUMNS, await query('transitions', transitionQuery({ members: view, previous: cell.compareWith, key: cell.key }))));
  }
  return files;
}

function kpiFields(k: KpiProfile): Row {
  return {
    kpi: k.label,
    kind: k.kind,
    value: k.value,
    base_value: k.baseValue,
    share_of_total: k.shareOfTotal,
    estimate: k.estimate,
    low: k.low,
    high: k.high,
    margin: k.margin,
    index: k.index,
    kpi_warnings: k.warnings.join(';')
  };
}

/**
 * CSV text of `rows` in the order of `columns`, with Arquero's writer (`String(value)`, RFC 4180
 * quoting, `\n`), as every report file is written.
 * @param columns the header, in order
 * @param rows the rows (missing values empty)
 */
export function csvText(columns: readonly string[], rows: readonly Row[]): string {
  const data = Object.fromEntries(columns.map((c) => [c, rows.map((r) => r[c] ?? null)]));
  return toCSV(table(data), { columns: [...columns] });
}
