/**
 * Lookalike and propensity scoring on the engine. The features are prepared as for clustering
 * (`prepareFeatures`), the roles of the rows (seed, held out, labelled, excluded) come from one SQL
 * query, and the seed centroid and the columns' population mean and spread from SQL aggregates
 * (src/lib/sql/lookalike.ts). Every row is then scored in the worker over the typed matrix
 * (src/lib/analysis/similarity.ts, logistic.ts), the ranking is evaluated
 * (src/lib/analysis/evaluation.ts), and the scores are written as a table the cell's result reads.
 *
 * The logistic method in seed mode is a positive–unlabelled (PU) model: the training seeds are the
 * positives and every other row (apart from the held-out seeds) counts as a negative, although
 * some of them are exactly the lookalikes sought. Its probabilities are therefore "looks like a
 * seed rather than like the population", not calibrated conversion probabilities; only the order
 * is meant. Likewise the held-out AUC compares held-out seeds with the unlabelled rows, which
 * contain hidden positives, so it understates the AUC against true positives and negatives. With a
 * label column (label mode, or `evaluate`) both the model and the evaluation are the ordinary
 * supervised ones.
 */
import { makeVector, Table, tableFromIPC, type Vector } from 'apache-arrow';
import { evaluateRanking, histogram, type Histogram, type RankingEvaluation } from '../analysis/evaluation';
import { fitLogistic } from '../analysis/logistic';
import { centroidScores, knnScores, linearScores, TOP_FEATURES, type ColumnScale, type ScoreResult, type ScoringInput } from '../analysis/similarity';
import { lookalikeSegmentNames, type LookalikeCell } from '../notebook/model';
import { columnStatsQuery, lookalikeViewQuery, ROLE_COLUMNS, rolesQuery, SCORE_COLUMNS, unmatchedKeysQuery, type SeedContext } from '../sql/lookalike';
import { ident, sql, type SqlFragment } from '../sql/quote';
import { prepareFeatures, type PreparedFeatures } from './cluster';
import type { Engine } from './engine';
import { said } from '../i18n/note';
import { EngineError } from './errors';
import { csvText, type ReportFile } from './segment-reports';

/** How the pasted keys matched the population. */
export interface KeyMatch {
  pasted: number;
  matched: number;
  /** The keys that match no row, in paste order (at most `UNMATCHED_SHOWN`). */
  unmatched: string[];
  unmatchedCount: number;
}

/** Unmatched keys listed at most. */
export const UNMATCHED_SHOWN = 200;

/** The fitted logistic model, by prepared column. */
export interface LookalikeModel {
  intercept: number;
  /** Per prepared column: its description, feature, one-hot level (null for numeric and `other`) and coefficient. */
  coefficients: { dimension: string; feature: string; level: string | null; value: number }[];
  iterations: number;
  converged: boolean;
}

/** What a lookalike cell's report shows besides its members. */
export interface LookalikeDetails {
  method: LookalikeCell['method'];
  metric: NonNullable<LookalikeCell['metric']>;
  mode: 'seeds' | 'label';
  /** Population rows, and those ranked (not excluded, not seeds when seeds are left out). */
  rows: number;
  ranked: number;
  /** Seeds (label mode: positive rows): all, used for training, held out. */
  seeds: { total: number; training: number; heldOut: number };
  /** Label mode: the labelled negative rows used for training and held out. */
  negatives: { training: number; heldOut: number } | null;
  keys: KeyMatch | null;
  /** What the evaluation compares: held-out seeds with the population, or a real label. */
  evaluatedAgainst: 'heldout' | 'label';
  evaluation: RankingEvaluation | null;
  /** Scores of the ranked rows. */
  scores: Histogram;
  /** Per feature: the share of the top 5 % of the ranking that lists it among its top features. */
  features: { column: string; share: number }[];
  model: LookalikeModel | null;
  missing: PreparedFeatures['missing'];
  /** Milliseconds: preparing the features and roles in DuckDB, scoring (and fitting) in the worker. */
  ms: { prepare: number; score: number };
}

/** The share of the ranking whose top features the feature summary counts. */
const TOP_SHARE = 0.05;

interface Run {
  config: string;
  ctx: string;
  details: LookalikeDetails;
}

/** The last run per engine and cell, so its reports and the runner's report read it back. */
const runs = new WeakMap<Engine, Map<string, Run>>();

/** The prefix of the tables that hold a lookalike cell's scores. */
export const SCORES_PREFIX = '__seglab_scores_';

/** What a run depends on: all but the name, the look, the cut and the report settings. */
function configOf(cell: LookalikeCell): string {
  return JSON.stringify({ ...cell, name: undefined, collapsed: undefined, cut: undefined, kpis: undefined, profileColumns: undefined, compareWith: undefined });
}

/**
 * Scores a lookalike cell's population, writes the scores table and returns the cell's result query.
 * @param engine the engine
 * @param cell the lookalike cell
 * @param seedView segment seeds: the view of the seed cell
 * @param referenceDate the notebook's reference date (rule seeds)
 * @param lang the notebook's language (segment names)
 */
export async function lookalikeCellQuery(engine: Engine, cell: LookalikeCell, seedView?: string, referenceDate?: string, lang: 'de' | 'en' = 'en'): Promise<SqlFragment> {
  await score(engine, cell, seedView, referenceDate);
  const features = cell.features.map((f) => ({ column: f.column, onehot: f.prep === 'onehot' }));
  return lookalikeViewQuery(cell, { scores: `${SCORES_PREFIX}${cell.id}`, names: lookalikeSegmentNames(cell, lang), features });
}

/**
 * The scoring behind a lookalike cell's result: the run's while the cell's settings are the same,
 * else scored afresh.
 * @param engine the engine
 * @param cell the lookalike cell
 * @param seedView segment seeds: the view of the seed cell
 * @param referenceDate the notebook's reference date
 */
export async function lookalikeDetails(engine: Engine, cell: LookalikeCell, seedView?: string, referenceDate?: string): Promise<LookalikeDetails> {
  const cached = runs.get(engine)?.get(cell.id);
  if (cached && cached.config === configOf(cell) && cached.ctx === JSON.stringify([seedView, referenceDate])) return cached.details;
  return score(engine, cell, seedView, referenceDate);
}

async function score(engine: Engine, cell: LookalikeCell, seedView?: string, referenceDate?: string): Promise<LookalikeDetails> {
  check(cell);
  const started = performance.now();
  const ctx: SeedContext = { seedView, referenceDate };
  if (cell.seeds?.kind === 'segment' && seedView) {
    const [first] = await engine.db.rows<{ column_name: string }>(String(sql`DESCRIBE SELECT * FROM ${ident(seedView)}`));
    ctx.seedKey = first?.column_name;
  }
  const keys = cell.seeds?.kind === 'keys' && !cell.label ? await matchKeys(engine, cell, cell.seeds.keys) : null;
  const roles = rolesQuery(cell, ctx);
  const prepared = await prepareFeatures(engine, cell.table, cell.key, cell.features);
  const rolesTable = tableFromIPC(await engine.query(String(roles)));
  const [stats] = await engine.db.rows<Record<string, number | null>>(String(columnStatsQuery(prepared.query, roles, prepared.dims)));
  const { n, d, matrix } = prepared;
  if (Number(stats.keys) !== Number(stats.rows) || rolesTable.numRows !== n) {
    throw new EngineError({ code: 'SQL_BIND', ...said('lookalikeKeyNotUnique', { key: cell.key, table: cell.table }) });
  }
  const role = int8(rolesTable.getChild(ROLE_COLUMNS.role) as Vector, 0);
  const excluded = int8(rolesTable.getChild(ROLE_COLUMNS.excluded) as Vector, 0);
  const truth = int8(rolesTable.getChild(ROLE_COLUMNS.truth) as Vector, -1);
  const counts = [0, 0, 0, 0, 0];
  for (let i = 0; i < n; i++) counts[role[i]]++;
  if (counts[1] === 0) {
    const what = cell.label ? said('lookalikeNoPositive', { column: cell.label.column, positive: String(cell.label.positive) }) : said('lookalikeNoSeed');
    throw new EngineError({ code: 'SQL_BIND', ...what });
  }
  const scale: ColumnScale = { mean: new Float64Array(d), scale: new Float64Array(d) };
  const centroid = new Float64Array(d);
  prepared.dims.forEach((dim, j) => {
    scale.mean[j] = Number(stats[`mean_${j}`] ?? 0);
    const sd = Number(stats[`sd_${j}`] ?? 0);
    scale.scale[j] = sd > 0 ? sd / Math.sqrt(dim.weight) : 1;
    centroid[j] = Number(stats[`centre_${j}`] ?? 0);
  });
  const columns = cell.features.map((f) => f.column);
  const input: ScoringInput = { matrix, n, d, groups: Int32Array.from(prepared.dims, (dim) => columns.indexOf(dim.feature)), features: columns.length };
  const prepareMs = performance.now() - started;
  const scoring = performance.now();
  const metric = cell.metric ?? 'cosine';
  let result: ScoreResult;
  let model: LookalikeModel | null = null;
  if (cell.method === 'logistic') {
    const negative = cell.label ? 3 : 0;
    const train = rowsWhere(role, (r) => r === 1 || r === negative);
    const y = Uint8Array.from(role, (r) => (r === 1 ? 1 : 0));
    const fit = fitLogistic(matrix, d, y, train, { C: cell.l2 ?? 1 });
    result = linearScores(input, fit.intercept, fit.coefficients);
    model = {
      intercept: fit.intercept,
      coefficients: prepared.dims.map((dim, j) => ({ dimension: dim.description, feature: dim.feature, level: dim.level, value: fit.coefficients[j] })),
      iterations: fit.iterations,
      converged: fit.converged
    };
  } else if (cell.method === 'knn') {
    result = knnScores(input, rowsWhere(role, (r) => r === 1), cell.neighbours ?? 10, scale, metric);
  } else {
    result = centroidScores(input, centroid, scale, metric);
  }
  const scoreMs = performance.now() - scoring;
  const rankedLabel = cell.label || cell.excludeSeeds;
  const ranked = rowsWhere(role, (r, i) => excluded[i] === 0 && !(rankedLabel && (r === 1 || r === 2)));
  await writeScores(engine, `${SCORES_PREFIX}${cell.id}`, cell.key, prepared.keys, role, excluded, result);
  const details: LookalikeDetails = {
    method: cell.method,
    metric,
    mode: cell.label ? 'label' : 'seeds',
    rows: n,
    ranked: ranked.length,
    seeds: { total: counts[1] + counts[2], training: counts[1], heldOut: counts[2] },
    negatives: cell.label ? { training: counts[3], heldOut: counts[4] } : null,
    keys,
    evaluatedAgainst: cell.label || cell.evaluate ? 'label' : 'heldout',
    evaluation: evaluateRanking(result.scores, truth),
    scores: histogram(result.scores, ranked),
    features: featureShares(result, ranked, columns),
    model,
    missing: prepared.missing,
    ms: { prepare: prepareMs, score: scoreMs }
  };
  let byCell = runs.get(engine);
  if (!byCell) runs.set(engine, (byCell = new Map()));
  byCell.set(cell.id, { config: configOf(cell), ctx: JSON.stringify([seedView, referenceDate]), details });
  return details;
}

function check(cell: LookalikeCell): void {
  const fail = (...what: Parameters<typeof said>) => {
    throw new EngineError({ code: 'SQL_BIND', ...said(...what) });
  };
  if (!cell.table) fail('lookalikeChooseTable');
  if (!cell.key) fail('lookalikeChooseKey');
  if (!cell.seeds && !cell.label) fail('lookalikeChooseSeeds');
  if (cell.features.length === 0) fail('lookalikeChooseFeature');
  if (cell.holdout !== undefined && !(cell.holdout >= 0 && cell.holdout < 1)) fail('lookalikeHoldout', { got: String(cell.holdout) });
}

async function matchKeys(engine: Engine, cell: LookalikeCell, keys: readonly string[]): Promise<KeyMatch> {
  if (keys.length === 0) throw new EngineError({ code: 'SQL_BIND', ...said('lookalikeNoKeys') });
  const rows = await engine.db.rows<{ key: string; matched: boolean }>(String(unmatchedKeysQuery(cell.table, cell.key, keys)));
  const unmatched = rows.filter((r) => !r.matched).map((r) => r.key);
  return { pasted: keys.length, matched: keys.length - unmatched.length, unmatched: unmatched.slice(0, UNMATCHED_SHOWN), unmatchedCount: unmatched.length };
}

function int8(vector: Vector, nullAs: number): Int8Array {
  const out = new Int8Array(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const v = vector.get(i) as number | boolean | null;
    out[i] = v === null ? nullAs : Number(v);
  }
  return out;
}

function rowsWhere(role: Int8Array, keep: (role: number, i: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < role.length; i++) if (keep(role[i], i)) out.push(i);
  return Int32Array.from(out);
}

/** Per feature, the share of the top `TOP_SHARE` of the ranked rows that lists it among its top features. */
function featureShares(result: ScoreResult, ranked: Int32Array, columns: string[]): { column: string; share: number }[] {
  const order = Array.from(ranked).sort((a, b) => result.scores[b] - result.scores[a] || a - b);
  const top = order.slice(0, Math.max(1, Math.ceil(TOP_SHARE * order.length)));
  const counts = new Array<number>(columns.length).fill(0);
  for (const i of top) {
    for (let t = 0; t < TOP_FEATURES; t++) {
      const f = result.top[i * TOP_FEATURES + t];
      if (f >= 0) counts[f]++;
    }
  }
  return columns.map((column, f) => ({ column, share: top.length ? counts[f] / top.length : 0 })).sort((a, b) => b.share - a.share);
}

async function writeScores(engine: Engine, name: string, keyColumn: string, keys: Vector, role: Int8Array, excluded: Int8Array, result: ScoreResult): Promise<void> {
  const n = role.length;
  const top = SCORE_COLUMNS.top.map((_, t) => Int16Array.from({ length: n }, (_, i) => result.top[i * TOP_FEATURES + t]));
  await engine.db.exec(String(sql`DROP TABLE IF EXISTS ${ident(name)}`));
  await engine.db.createTable(
    name,
    new Table({
      [keyColumn]: keys,
      [ROLE_COLUMNS.role]: makeVector(role),
      [ROLE_COLUMNS.excluded]: makeVector(excluded),
      [SCORE_COLUMNS.score]: makeVector(result.scores),
      ...Object.fromEntries(SCORE_COLUMNS.top.map((c, t) => [c, makeVector(top[t])]))
    })
  );
}

/** Columns of `<id>.evaluation.csv`. */
export const EVALUATION_COLUMNS = ['metric', 'at', 'value'] as const;

/** Decimals of the evaluation figures in the report (the model's last bits differ between JavaScript engines). */
const REPORT_DECIMALS = 6;

/**
 * The report of a lookalike cell besides its result and segment reports: `<id>.evaluation.csv` with
 * one row per figure (`metric`, `at`, `value`): the counts, the pasted keys that did not match,
 * the AUC, recall and gains / lift at each depth, the positives per tenth of the ranking, and the
 * logistic model's intercept and coefficients. Figures rounded to 6 decimals.
 * @param engine the engine that ran the cell
 * @param cell the lookalike cell
 */
export async function lookalikeReports(engine: Engine, cell: LookalikeCell): Promise<ReportFile[]> {
  const run = runs.get(engine)?.get(cell.id);
  if (!run || run.config !== configOf(cell)) throw new EngineError({ code: 'INTERNAL', message: `The lookalike cell "${cell.id}" has not run.` });
  const d = run.details;
  const rows: { metric: string; at: string | number | null; value: unknown }[] = [];
  const add = (metric: string, at: string | number | null, value: unknown) =>
    rows.push({ metric, at, value: typeof value === 'number' ? Number(value.toFixed(REPORT_DECIMALS)) : value });
  add('rows', null, d.rows);
  add('ranked', null, d.ranked);
  add('seeds', null, d.seeds.total);
  add('training_seeds', null, d.seeds.training);
  add('heldout_seeds', null, d.seeds.heldOut);
  if (d.negatives) {
    add('training_negatives', null, d.negatives.training);
    add('heldout_negatives', null, d.negatives.heldOut);
  }
  if (d.keys) {
    add('keys_matched', null, d.keys.matched);
    add('keys_unmatched', null, d.keys.unmatchedCount);
    for (const key of d.keys.unmatched) add('unmatched_key', null, key);
  }
  const e = d.evaluation;
  if (e) {
    add('evaluated_against', null, d.evaluatedAgainst);
    add('positives', null, e.positives);
    add('negatives', null, e.negatives);
    add('auc', null, e.auc);
    for (const r of e.recall) add('recall', r.share, r.recall);
    for (const g of e.gains) add('gain', g.share, g.gain);
    for (const g of e.gains) if (g.lift !== null) add('lift', g.share, g.lift);
    e.positiveRanks.forEach((count, b) => add('positives_in_tenth', b + 1, count));
  }
  if (d.model) {
    add('intercept', null, d.model.intercept);
    for (const c of d.model.coefficients) add('coefficient', c.dimension, c.value);
  }
  return [{ name: `${cell.id}.evaluation.csv`, text: csvText(EVALUATION_COLUMNS, rows), rows: rows.length }];
}
