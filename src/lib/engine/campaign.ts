/**
 * The campaign cells in the engine: the A/B test cell reads its sufficient statistics with one
 * query, tests them in `analysis/abtest.ts` and writes the read-out as a literal view; the KPI board
 * cell is a single query (`sql/kpi-board.ts`).
 */
import { abTestTable, type ArmGroup } from '../analysis/abtest';
import { CAMPAIGN_LABELS, DEFAULT_GUARDS, type AbTestCell, type KpisCell } from '../notebook/model';
import { abTestResultQuery, abTestStatsQuery, type AbSegments, type AbStatsRow } from '../sql/abtest';
import { kpiBoardQuery } from '../sql/kpi-board';
import type { SqlFragment } from '../sql/quote';
import type { Engine } from './engine';
import { said } from '../i18n/note';
import { EngineError } from './errors';

function segmentView(cell: AbTestCell | KpisCell, input: string | undefined): string | undefined {
  if (cell.by?.kind !== 'cell') return undefined;
  if (!input) throw new EngineError({ code: 'SQL_BIND', ...said('campaignNoSegments', { cell: cell.by.from }) });
  return input;
}

/**
 * The view of an A/B test cell: its statistics per arm and segment from one query, the tests of
 * `abTestTable` on them, written as literal rows (`abTestResultQuery`).
 * @param engine the engine holding the table
 * @param cell the A/B test cell
 * @param input the view of the segmentation cell of `by`, if it reads one
 * @param minSize the notebook's guard: fewest rows an arm should have
 * @param locale the notebook's language (the overall rows' label)
 * @throws EngineError when no row has the control arm
 */
export async function abTestCellQuery(engine: Engine, cell: AbTestCell, input: string | undefined, minSize = DEFAULT_GUARDS.minSize, locale: 'de' | 'en' = 'en'): Promise<SqlFragment> {
  const view = segmentView(cell, input);
  let segments: AbSegments | undefined;
  if (cell.by?.kind === 'column') segments = { kind: 'column', column: cell.by.column };
  else if (view !== undefined) {
    if (!cell.key) throw new EngineError({ code: 'SQL_BIND', ...said('campaignNoKey') });
    segments = { kind: 'table', table: view, key: cell.key };
  }
  const stats = await engine.db.rows<AbStatsRow>(String(abTestStatsQuery({ ...cell, segments })));
  if (!stats.some((r) => r.overall && r.arm === cell.control)) {
    throw new EngineError({ code: 'SQL_BIND', ...said('campaignNoControl', { table: cell.table, arm: cell.arm, control: cell.control }) });
  }
  const groups: ArmGroup[] = stats.map((r) => ({ segment: r.overall ? null : r.segment, arm: r.arm, sums: { n: r.n, sum: r.total, sumSq: r.total_sq, shift: r.shift } }));
  const rows = abTestTable(groups, { metric: cell.metric, control: cell.control, minSize });
  return abTestResultQuery(rows, cell.metric, CAMPAIGN_LABELS[locale].overall);
}

/**
 * The view of a KPI board cell: `kpiBoardQuery` over its members, segments and events, up to the
 * notebook's reference date.
 * @param cell the KPI board cell
 * @param input the view of the segmentation cell of `by`, if it reads one
 * @param referenceDate the notebook's reference date, if set
 * @param locale the notebook's language (the one segment's name without `by`)
 */
export function kpisCellQuery(cell: KpisCell, input: string | undefined, referenceDate?: string, locale: 'de' | 'en' = 'en'): SqlFragment {
  const view = segmentView(cell, input);
  const segments = cell.by?.kind === 'column' ? { kind: 'column' as const, column: cell.by.column } : view !== undefined ? { kind: 'table' as const, table: view } : undefined;
  return kpiBoardQuery({
    members: cell.table,
    key: cell.key,
    segments,
    allLabel: CAMPAIGN_LABELS[locale].all,
    events: cell.events.table,
    eventKey: cell.events.key,
    date: cell.events.date,
    amount: cell.events.amount,
    conversion: cell.events.conversion,
    period: cell.period,
    periods: cell.periods,
    referenceDate
  });
}
