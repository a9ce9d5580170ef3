/**
 * The customer-value cells in the engine: RFM, CLV, profitability tiers and cohorts. Each turns its
 * cell into the SQL of the cell's result; the CLV cell first fits its models (`fitClv`) and writes
 * their per-customer result as a table, whose fit the views read back through `clvDetails`.
 */
import {
  DEFAULT_REST,
  segmentNames,
  VALUE_TIER_LABELS,
  VALUE_TIERS,
  type ClvCell,
  type CohortCell,
  type RfmCell,
  type TiersCell
} from '../notebook/model';
import { cohortQuery } from '../sql/cohorts';
import { ident, join, lit, sql, type SqlFragment } from '../sql/quote';
import { rfmQuery } from '../sql/rfm';
import { valueTierQuery } from '../sql/value-tiers';
import { fitClv, type ClvFit } from './clv';
import type { Engine } from './engine';
import { said } from '../i18n/note';
import { EngineError } from './errors';
import { csvText, type ReportFile } from './segment-reports';

/** Columns a segmentation's result has in front of the entity's own. */
const SEGMENT_COLUMNS = ['segment', 'tags'];

/**
 * The reference date of a value cell: the notebook's, else the last purchase day in the table.
 * @param engine the engine holding the table
 * @param table the transactions table
 * @param date its date column
 * @param referenceDate the notebook's reference date, if set
 * @throws EngineError when the table has no purchase date at all
 */
export async function lastPurchaseDay(engine: Engine, table: string, date: string, referenceDate?: string): Promise<string> {
  if (referenceDate) return referenceDate;
  const [row] = await engine.db.rows<{ d: string | null }>(String(sql`SELECT CAST(max(CAST(${ident(date)} AS DATE)) AS VARCHAR) AS d FROM ${ident(table)}`));
  if (!row?.d) throw new EngineError({ code: 'SQL_BIND', ...said('valueNoDate', { table, date }) });
  return row.d;
}

/**
 * The view of an RFM cell: a segmentation (key, `segment`, `tags` empty, then the RFM columns of
 * `rfmQuery`), customers no rectangle of the map covers in the `Rest` segment, ordered by the map's
 * segment order, then key. Recency counts to the notebook's reference date, else to the last
 * purchase day in the table.
 * @param engine the engine holding the transactions table
 * @param cell the RFM cell
 * @param referenceDate the notebook's reference date, if set
 */
export async function rfmCellQuery(engine: Engine, cell: RfmCell, referenceDate?: string): Promise<SqlFragment> {
  const day = await lastPurchaseDay(engine, cell.table, cell.date, referenceDate);
  const scoring = cell.breakpoints ? { kind: 'breakpoints' as const, ...cell.breakpoints } : { kind: 'quintiles' as const };
  const rfm = rfmQuery({ ...cell, referenceDate: day, scoring, segments: cell.segments.map((s) => ({ ...s, name: s.name.trim() })) });
  return segmentation(rfm, cell.key, sql`coalesce(segment, ${lit(DEFAULT_REST)})`, sql`''`, segmentNames(cell));
}

/**
 * The view of a tiers cell: a segmentation by tier (key, `segment` = the tier's name in the
 * notebook's language, `tags` = the tier's id), then `value`, `cost`, `profit`, `potential` (the
 * ones configured), `tier`, `subsegment` (with `subdivide`: the profitable customer's segments there,
 * joined by ` + ` in name order; NULL for the others) and the table's other columns; ordered by
 * tier, then key.
 * @param cell the tiers cell
 * @param lang the notebook's language
 */
export function tiersCellQuery(cell: TiersCell, lang: 'de' | 'en'): SqlFragment {
  const tiers = valueTierQuery(cell);
  const key = ident(cell.key);
  const reserved = [...SEGMENT_COLUMNS, 'value', 'cost', 'profit', 'potential', 'tier', 'subsegment'];
  const entity = sql`SELECT COLUMNS(c -> c NOT IN (${join(reserved.map((c) => lit(c)))})) FROM ${ident(cell.table)}`;
  const sub = cell.subdivide
    ? {
        column: sql`, CASE WHEN t.tier = 'profitable' THEN s.sub END AS subsegment`,
        join: sql`\nLEFT JOIN (SELECT ${key}, string_agg(DISTINCT CAST(segment AS VARCHAR), ' + ' ORDER BY CAST(segment AS VARCHAR)) AS sub FROM ${ident(cell.subdivide)} GROUP BY ${key}) AS s ON s.${key} = t.${key}`
      }
    : { column: sql``, join: sql`` };
  const body = sql`SELECT t.*${sub.column}, e.* EXCLUDE (${key})
FROM (${tiers}) AS t
JOIN (${entity}) AS e ON e.${key} = t.${key}${sub.join}`;
  const names = VALUE_TIERS.map((tier) => lit(VALUE_TIER_LABELS[lang][tier]));
  const position = sql`list_position([${join(VALUE_TIERS.map((tier) => lit(tier)))}], tier)`;
  return sql`SELECT ${key}, [${join(names)}][${position}] AS "segment", tier AS "tags", COLUMNS(c -> c NOT IN (${join([cell.key, ...SEGMENT_COLUMNS].map((c) => lit(c)))}))
FROM (${body})
ORDER BY ${position}, ${key}`;
}

/** A result in segmentation shape, ordered by the segments' order, then key. */
function segmentation(query: SqlFragment, keyColumn: string, segment: SqlFragment, tags: SqlFragment, order: readonly string[]): SqlFragment {
  const key = ident(keyColumn);
  const hidden = join([keyColumn, ...SEGMENT_COLUMNS].map((c) => lit(c)));
  return sql`SELECT ${key}, ${segment} AS "segment", ${tags} AS "tags", COLUMNS(c -> c NOT IN (${hidden}))
FROM (${query})
ORDER BY list_position([${join(order.map((name) => lit(name)))}], "segment"), ${key}`;
}

/**
 * The view of a cohort cell: `cohortQuery` by month over complete months up to the notebook's
 * reference date (else the last purchase day).
 * @param cell the cohort cell
 * @param referenceDate the notebook's reference date, if set
 */
export function cohortCellQuery(cell: CohortCell, referenceDate?: string): SqlFragment {
  return cohortQuery({ table: cell.table, key: cell.key, date: cell.date, amount: cell.amount, referenceDate, period: 'month' });
}

/** The table a CLV cell's models write, read by its result query. */
export const CLV_RESULT_PREFIX = '__seglab_clv_';

/** The last fit per engine and CLV cell, so the cell's reports and the runner's reports read it back. */
const fits = new WeakMap<Engine, Map<string, { config: string; fit: ClvFit }>>();

/** What a CLV fit depends on: everything but the cell's name and look. */
function clvConfig(cell: ClvCell): string {
  return JSON.stringify({ ...cell, name: undefined, collapsed: undefined });
}

async function fitCell(engine: Engine, cell: ClvCell): Promise<ClvFit> {
  const fit = await fitClv(
    engine.db,
    {
      table: cell.table,
      key: cell.key,
      date: cell.date,
      amount: cell.amount,
      margin: cell.margin,
      orderId: cell.orderId,
      calibrationEnd: cell.calibrationEnd,
      holdoutEnd: cell.holdoutEnd,
      unit: cell.unit,
      valueBy: cell.valueBy
    },
    { resultTable: `${CLV_RESULT_PREFIX}${cell.id}`, horizon: cell.horizon, period: cell.period, discountRate: cell.discountRate }
  );
  let byCell = fits.get(engine);
  if (!byCell) fits.set(engine, (byCell = new Map()));
  byCell.set(cell.id, { config: clvConfig(cell), fit });
  return fit;
}

/**
 * Decimals the view keeps of each model column. The fit's last digits depend on the JavaScript
 * engine's floating-point functions (the browser's and Node's differ around 1e-13), and no estimate
 * is that precise: purchases and probabilities keep 6 decimals, money keeps cents.
 */
const CLV_DECIMALS: Record<string, number> = { p_alive: 6, expected_purchases: 6, expected_spend: 2, predicted_clv: 2, expected_holdout_purchases: 6 };

/**
 * The view of a CLV cell: fits BG/NBD and Gamma-Gamma on the calibration period and writes one row
 * per customer (see `fitClv`), then reads that table with the model columns rounded
 * (`CLV_DECIMALS`).
 * @param engine the engine holding the transactions table
 * @param cell the CLV cell
 */
export async function clvCellQuery(engine: Engine, cell: ClvCell): Promise<SqlFragment> {
  await fitCell(engine, cell);
  const columns = Object.entries(CLV_DECIMALS).filter(([c]) => cell.holdoutEnd !== undefined || c !== 'expected_holdout_purchases');
  const rounded = join(columns.map(([c, digits]) => sql`round(${ident(c)}, ${digits}) AS ${ident(c)}`));
  return sql`SELECT * REPLACE (${rounded}) FROM ${ident(`${CLV_RESULT_PREFIX}${cell.id}`)}`;
}

/**
 * The fit behind a CLV cell's result: the run's, while the cell is unchanged; else fitted afresh.
 * @param engine the engine
 * @param cell the CLV cell
 */
export async function clvDetails(engine: Engine, cell: ClvCell): Promise<ClvFit> {
  const cached = fits.get(engine)?.get(cell.id);
  return cached && cached.config === clvConfig(cell) ? cached.fit : fitCell(engine, cell);
}

/** Columns of `<id>.model.csv`. */
export const CLV_MODEL_REPORT_COLUMNS = ['model', 'parameter', 'value'] as const;

/** Columns of `<id>.holdout.csv`. */
export const CLV_HOLDOUT_REPORT_COLUMNS = ['x', 'customers', 'actual', 'predicted'] as const;

/**
 * The reports of a CLV cell besides its result: `<id>.model.csv` (per model its parameters, log-
 * likelihood, convergence and customers, then one `warning` row per warning with its code and
 * message) and, with a holdout period, `<id>.holdout.csv` (mean actual and predicted holdout
 * purchases per calibration frequency).
 * @param engine the engine that ran the cell
 * @param cell the CLV cell
 */
export async function clvReports(engine: Engine, cell: ClvCell): Promise<ReportFile[]> {
  const fit = await clvDetails(engine, cell);
  const rows: Record<string, unknown>[] = [];
  const model = (name: string, m: NonNullable<ClvFit['gammaGamma']> | ClvFit['bgnbd']) => {
    for (const [parameter, value] of Object.entries(m.params)) rows.push({ model: name, parameter, value });
    rows.push({ model: name, parameter: 'log_likelihood', value: m.logLikelihood });
    rows.push({ model: name, parameter: 'converged', value: m.converged });
    rows.push({ model: name, parameter: 'customers', value: m.customers });
  };
  model('bgnbd', fit.bgnbd);
  if (fit.gammaGamma) model('gamma_gamma', fit.gammaGamma);
  for (const w of fit.warnings) rows.push({ model: 'warning', parameter: w.code, value: w.message });
  const files: ReportFile[] = [{ name: `${cell.id}.model.csv`, text: csvText(CLV_MODEL_REPORT_COLUMNS, rows), rows: rows.length }];
  if (fit.holdout) {
    const buckets = fit.holdout.buckets.map((b) => ({ ...b }));
    files.push({ name: `${cell.id}.holdout.csv`, text: csvText(CLV_HOLDOUT_REPORT_COLUMNS, buckets), rows: buckets.length });
  }
  return files;
}
