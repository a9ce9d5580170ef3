/**
 * The notebook document model: a versioned JSON document with data sources and an ordered list
 * of cells. Pure types and constants; no engine, no I/O. See docs/notebook-format.md.
 */

/** The value of `format` in every notebook file. */
export const NOTEBOOK_FORMAT = 'seglab-notebook';

/** The newest format version this code reads and the one it writes. */
export const NOTEBOOK_VERSION = 1;

/** File formats a source may force (the same as the engine's `FileFormat`). */
export const SOURCE_FORMATS = ['csv', 'parquet', 'json', 'ndjson', 'xlsx', 'arrow'] as const;
/** A file format a source may force. */
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

const BY_EXTENSION: Record<string, SourceFormat> = {
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  tab: 'csv',
  parquet: 'parquet',
  pq: 'parquet',
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  xlsx: 'xlsx',
  arrow: 'arrow',
  ipc: 'arrow',
  feather: 'arrow',
  arrows: 'arrow'
};

/**
 * The format a file name's extension says (`Kunden.CSV` → `csv`), or `undefined`.
 * @param name a file name or path
 */
export function formatFromName(name: string): SourceFormat | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  return Object.hasOwn(BY_EXTENSION, ext) ? BY_EXTENSION[ext] : undefined;
}

/**
 * Cell kinds this version knows. Every kind that yields a table (all but Markdown) may carry a
 * `name` that makes its result a view later cells read; later kinds (`segment`, `rfm`, `cluster`,
 * `lookalike`) follow the same pattern: a config object compiled to SQL by a pure builder.
 */
export const CELL_KINDS = ['sql', 'markdown', 'chart', 'segment', 'cluster', 'rfm', 'clv', 'tiers', 'cohort', 'leads', 'lookalike', 'abtest', 'kpis'] as const;
/** The `kind` of any cell this version knows. */
export type CellKind = Cell['kind'];

/** How a CSV is read; every field is optional and overrides what the sniffer detected. Used by notebook sources and by the engine's `LoadOptions`. */
export interface CsvOptions {
  delimiter?: string;
  quote?: string;
  header?: boolean;
  encoding?: 'utf-8' | 'windows-1252';
  /** `de`: `1.234,56`; `en`: `1,234.56`. */
  numberLocale?: 'de' | 'en';
  /** strftime-style format of date columns, e.g. `%d.%m.%Y`. */
  dateFormat?: string;
  /** Per-column type override, by original column name: `VARCHAR`, `DOUBLE`, `BIGINT`, `DATE`, `TIMESTAMP`, `BOOLEAN`. */
  columnTypes?: Record<string, string>;
}

/** How a source is read; the `LoadOptions` fields that make sense in a saved document. */
export interface SourceOptions {
  csv?: CsvOptions;
  sheet?: string;
  columns?: string[];
  sampleRows?: number;
}

/** A data file that becomes a table named `name`. */
export interface Source {
  /** Table name (any characters; always quoted in SQL). Unique among sources and named cells. */
  name: string;
  /** Path relative to the notebook file (or absolute). */
  path: string;
  format?: SourceFormat;
  options?: SourceOptions;
  /**
   * Personal-data marks by column name: `true` the user marked the column personal, `false` they
   * unmarked a detected one. Columns not listed follow detection. Exports leave personal columns out.
   */
  personal?: Record<string, boolean>;
  /**
   * The table's column names when the notebook was saved. A file of another name whose columns
   * cover these is offered for this source, and a file that lacks some of them is reported.
   */
  columns?: string[];
}

interface CellBase {
  /** Stable, unique id: letters, digits, `_` and `-` (it names the cell's CSV file). */
  id: string;
  collapsed?: boolean;
}

/** A SQL query. With a `name`, its result becomes a view later cells can query. */
export interface SqlCell extends CellBase {
  kind: 'sql';
  name?: string;
  sql: string;
}

/** Markdown prose between the queries. */
export interface MarkdownCell extends CellBase {
  kind: 'markdown';
  text: string;
}

/** Chart types a chart cell draws. */
export const CHART_MARKS = ['bar', 'line', 'area', 'scatter', 'histogram', 'boxplot', 'heatmap'] as const;
/** A chart type. */
export type ChartMark = (typeof CHART_MARKS)[number];

/** How a chart cell aggregates its measure in SQL. */
export const CHART_AGGREGATES = ['count', 'sum', 'mean', 'median', 'min', 'max', 'distinct'] as const;
/** An aggregate of the measure field. */
export type ChartAggregate = (typeof CHART_AGGREGATES)[number];

/** What a chart cell draws: fields by column name of its input's result. */
export interface ChartConfig {
  mark: ChartMark;
  /** Category, time or numeric field on the x axis (histogram: the binned field; box plot: the group). */
  x?: string;
  /** Measure (aggregated unless `aggregate` is missing for scatter; box plot: the distributed value; heatmap: the second category). */
  y?: string;
  /** Series / colour field (heatmap: the measure aggregated into colour). */
  color?: string;
  /** Aggregate of the measure; `count` needs no measure field. */
  aggregate?: ChartAggregate;
  /** Histogram bins (default 30). */
  bins?: number;
}

/** A Vega-Lite chart over the result of an earlier cell, aggregated in SQL first. */
export interface ChartCell extends CellBase {
  kind: 'chart';
  /** Makes the aggregated rows a view. */
  name?: string;
  /** Id of the cell whose result is charted. */
  from: string;
  chart: ChartConfig;
  /** A hand-edited Vega-Lite spec that replaces the generated one; its data stays `{ name: 'values' }`. */
  spec?: Record<string, unknown>;
}

/** Comparison operators of a column condition; which ones a column offers depends on its type. */
export const CONDITION_OPS = [
  'eq',
  'neq',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'between',
  'lt',
  'lte',
  'gt',
  'gte',
  'empty',
  'not_empty',
  'before',
  'after',
  'within_last',
  'not_within_last',
  'top_pct',
  'bottom_pct'
] as const;
/** A comparison operator of a column condition. */
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** A literal in a rule: text, number, boolean, or a date as `YYYY-MM-DD` text. */
export type RuleValue = string | number | boolean;

/**
 * One test on a column of the entity table. `value` holds the operand (`within_last`: days;
 * `top_pct` / `bottom_pct`: percent), `values` the list of `in` / `not_in` and the `[low, high]`
 * of `between`. A condition on an empty (NULL) value is false, except `empty`.
 */
export interface ColumnCondition {
  type: 'condition';
  column: string;
  op: ConditionOp;
  value?: RuleValue;
  values?: RuleValue[];
}

/** Per-entity aggregates a behavioural condition computes over a second table. */
export const BEHAVIOUR_MEASURES = ['count', 'sum', 'avg', 'min', 'max', 'last', 'days_since_last', 'exists', 'not_exists'] as const;
/** An aggregate of a behavioural condition. */
export type BehaviourMeasure = (typeof BEHAVIOUR_MEASURES)[number];

/** Comparisons of a behavioural aggregate with its operand. */
export const BEHAVIOUR_OPS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between'] as const;
/** A comparison of a behavioural aggregate. */
export type BehaviourOp = (typeof BEHAVIOUR_OPS)[number];

/** The time window of a behavioural condition, relative to the notebook's reference date. */
export type BehaviourWindow =
  | { kind: 'all' }
  | { kind: 'last_days'; days: number }
  | { kind: 'this_year' }
  | { kind: 'between'; from: string; to: string };

/**
 * A test on what an entity did, read from a second table (orders, events) joined by key:
 * `count(*) over the last 90 days >= 2`, `sum(Betrag) this year > 500`, `exists where Typ = 'view'`.
 * `where` filters the second table's rows first (its own columns). Entities without rows count
 * 0 for `count` and `sum`, are NULL (so false) for `avg`, `min`, `max`, `last` and `days_since_last`.
 */
export interface BehaviourCondition {
  type: 'behaviour';
  /** The second table (a source or a named cell). */
  table: string;
  /** Its column that holds the entity key. */
  key: string;
  measure: BehaviourMeasure;
  /** The aggregated column (`sum`, `avg`, `min`, `max`, `last`). */
  column?: string;
  /** The time column for the window, `last` and `days_since_last`. */
  dateColumn?: string;
  window?: BehaviourWindow;
  where?: RuleGroup;
  /** Comparison (not for `exists` / `not_exists`). */
  op?: BehaviourOp;
  value?: RuleValue;
  values?: RuleValue[];
}

/** AND / OR over rules, optionally negated (NOT). */
export interface RuleGroup {
  type: 'group';
  op: 'and' | 'or';
  not?: boolean;
  rules: Rule[];
}

/** A node of a segment's rule tree. */
export type Rule = RuleGroup | ColumnCondition | BehaviourCondition;

/** One segment: a name, optional tags for CRM export, and either a rule tree or a plain SQL `WHERE`. */
export interface SegmentDef {
  name: string;
  tags?: string[];
  rule?: RuleGroup;
  /** A plain SQL boolean expression over the entity table's columns; replaces `rule` when set. */
  where?: string;
}

/** How a KPI of a segment profile is computed from the entity table's columns. */
export const KPI_KINDS = ['rate', 'mean', 'sum', 'ratio', 'roi'] as const;
/** A KPI kind. */
export type KpiKind = (typeof KPI_KINDS)[number];

/**
 * A KPI compared between each segment and the base:
 * `rate` – share of rows where `column` is true / 1 (conversion, retention), Wilson interval;
 * `mean` – mean of `column` per entity (t interval); `sum` – total of `column`, its share of the
 * base total, index and interval on the per-entity mean; `ratio` – Σcolumn / Σdenominator
 * (average order value = revenue / orders, margin rate), delta-method interval;
 * `roi` – (Σcolumn − Σdenominator) / Σdenominator with `denominator` the cost.
 */
export interface Kpi {
  label: string;
  kind: KpiKind;
  column: string;
  denominator?: string;
}

/**
 * A segment cell: segments of the rows of an entity table (customers, leads, accounts).
 * `exclusive` makes it a segmentation (first matching segment wins, the rest go to `rest`); else
 * segments may overlap and an entity appears once per segment it matches. Its result has the key,
 * `segment`, `tags` and the entity's other columns.
 */
/** How a segmentation (segment or cluster cell) is reported: its KPIs, profile columns, earlier membership. */
export interface SegmentationReport {
  kpis?: Kpi[];
  /** Categorical columns whose over- and under-represented values the profile lists. */
  profileColumns?: string[];
  /** A table of an earlier membership (key and `segment` columns) to show transitions against. */
  compareWith?: string;
}

export interface SegmentCell extends CellBase, SegmentationReport {
  kind: 'segment';
  name?: string;
  /** The entity table: a source or a named cell. */
  table: string;
  /** Its key column. */
  key: string;
  exclusive: boolean;
  /** Name of the segment of entities no rule matched (segmentations only; default `Rest`). */
  rest?: string;
  segments: SegmentDef[];
}

/** How a cluster cell prepares a feature (see `sql/cluster-prepare.ts`). */
export const FEATURE_PREPS = ['z', 'robust', 'log1p_z', 'none', 'onehot'] as const;

/** How a cluster cell clusters. */
export const CLUSTER_ALGORITHMS = ['kmeans', 'kmodes'] as const;

/** One clustering feature: a column, how it is prepared, its weight. */
export interface ClusterFeature {
  column: string;
  prep: (typeof FEATURE_PREPS)[number];
  /** Finite, > 0; the feature's columns are multiplied by √weight. Default 1. */
  weight?: number;
  /** One-hot only: how many of the most frequent levels get their own column. Default 8. */
  top?: number;
  /** Fill rule for NULLs: `median` (numeric default), `mean` or `mode` (one-hot default). */
  impute?: 'median' | 'mode' | 'mean';
}

/**
 * A cluster cell: k-means over prepared features of an entity table, in the worker. Its result is a
 * segmentation like a segment cell's (key, `segment` = the cluster's name, `tags`, `cluster` 1…k,
 * the entity's columns), so profiles, overlaps, exports and lookalikes treat it the same way.
 */
export interface ClusterCell extends CellBase, SegmentationReport {
  kind: 'cluster';
  name?: string;
  table: string;
  key: string;
  features: ClusterFeature[];
  k: number;
  /**
   * `kmeans` (default) over the prepared features; `kmodes` over the features' values as
   * categories (for survey and needs data with only categorical answers; preparation is ignored).
   */
  algorithm?: (typeof CLUSTER_ALGORITHMS)[number];
  /** k-means++ (k-modes: Huang) restarts (default 10); the best by inertia (cost) is kept. */
  restarts?: number;
  /** Seed of the initialisation, so a run replays (default 0). */
  seed?: number;
  /** The user's names of clusters 1…k (default `Cluster 1`…). */
  names?: string[];
}

/** The columns of a transactions table that the customer-value cells read. */
export interface Transactions {
  /** The transactions table: one row per purchase or order line (a source or a named cell). */
  table: string;
  /** The customer key column. */
  key: string;
  /** The purchase date (DATE, TIMESTAMP or ISO text; the day counts). */
  date: string;
  /** The amount (revenue) of the row. */
  amount: string;
  /** The order id; without it, purchases are distinct purchase days. */
  orderId?: string;
  /** A margin column. */
  margin?: string;
}

/** A named rectangle of the RFM grid: customers whose R and F scores lie in both inclusive ranges. */
export interface RfmSegment {
  name: string;
  /** Recency score range [low, high], 1–5 (5 = most recent). */
  r: [number, number];
  /** Frequency score range [low, high], 1–5 (5 = most frequent). */
  f: [number, number];
}

/** Scores from user-set limits instead of quintiles (four ascending numbers each; see `sql/rfm.ts`). */
export interface RfmBreakpoints {
  recency: number[];
  frequency: number[];
  monetary: number[];
}

/**
 * An RFM cell: recency, frequency and monetary value per customer from a transactions table,
 * scores 1–5 and a named segment from the R×F grid. Its result is a segmentation (key, `segment`,
 * `tags`, then the RFM columns), so profiles, overlaps and exports treat it like a segment cell's.
 */
export interface RfmCell extends CellBase, Transactions, SegmentationReport {
  kind: 'rfm';
  name?: string;
  /** `sum`: total amount; `mean_per_order`: total amount / frequency. */
  monetary: 'sum' | 'mean_per_order';
  /** Scores by these limits; quintiles when absent. */
  breakpoints?: RfmBreakpoints;
  /** The R×F map, first match wins; customers no rectangle covers are in the `Rest` segment. */
  segments: RfmSegment[];
}

/**
 * A CLV cell: value to date per customer, and predicted value by BG/NBD + Gamma-Gamma fitted on a
 * calibration period (see `engine/clv.ts`). Its result has one row per customer.
 */
export interface ClvCell extends CellBase, Transactions {
  kind: 'clv';
  name?: string;
  /** The value counted and predicted: revenue or margin (needs `margin`). */
  valueBy: 'revenue' | 'margin';
  /** Last day of the calibration period (`YYYY-MM-DD`). */
  calibrationEnd: string;
  /** Last day of the holdout period, for the check of predicted against actual purchases. */
  holdoutEnd?: string;
  /** The models' time unit. */
  unit: 'week' | 'day';
  /** Number of periods predicted. */
  horizon: number;
  period: 'day' | 'week' | 'month';
  /** Annual discount rate (0.1 = 10 %). */
  discountRate: number;
}

/**
 * A tiers cell: the two-step profitability tiers over a table with one row per customer (e.g. an
 * RFM or CLV result): profitable or not, the unprofitable with growth potential flagged, the
 * profitable subdivided by a segmentation. Its result is a segmentation by tier.
 */
export interface TiersCell extends CellBase, SegmentationReport {
  kind: 'tiers';
  name?: string;
  table: string;
  key: string;
  /** The value column (margin, or revenue). */
  value: string;
  /** The cost-to-serve column: profit = value − cost. */
  cost?: string;
  /** Profitable means profit strictly above this (default 0). */
  profitableAbove?: number;
  /** Unprofitable customers whose `column` is strictly above `above` have growth potential. */
  potential?: { column: string; above: number };
  /** A segmentation's result table (key and `segment`) that subdivides the profitable customers. */
  subdivide?: string;
}

/** A cohort cell: customers by first-purchase month, retention and revenue over the months after. */
export interface CohortCell extends CellBase {
  kind: 'cohort';
  name?: string;
  table: string;
  key: string;
  date: string;
  /** The amount; without it, no revenue columns. */
  amount?: string;
}

/** A points rule of a lead score: leads whose rule tree matches get `points` (negative ones subtract). */
export interface LeadRule {
  /** What the rule stands for, e.g. `Zielbranche` or `Demo angefragt`. */
  label: string;
  points: number;
  /** Column conditions on the lead table and behavioural conditions on an activities table. */
  rule: RuleGroup;
}

/**
 * How a lead score is computed: the sum of the points of the rules a lead matches (0 when none), or
 * a numeric column of the lead table or of an upstream table joined by key (e.g. a lookalike cell's
 * `score` or `percentile`; leads without a value there have no score).
 */
export type LeadScore =
  | { kind: 'points'; rules: LeadRule[] }
  | {
      kind: 'column';
      column: string;
      /** The table holding the column; the lead table when absent. */
      table?: string;
      /** That table's key column; the lead table's key name when absent. */
      key?: string;
    };

/**
 * Where a lead score is cut into three tiers. `share`: the best `first` share of scored leads (0–1)
 * form the first tier, the next `second` share the second; `score`: a score of at least `first`
 * is the first tier, at least `second` the second. See `sql/lead-tiers.ts` for ties and NULLs.
 */
export interface TierCuts {
  by: 'share' | 'score';
  first: number;
  second: number;
}

/** The cuts a leads cell uses unless it sets its own: top 20 %, next 30 %, the other 50 %. */
export const DEFAULT_TIER_CUTS: TierCuts = { by: 'share', first: 0.2, second: 0.3 };

/** Fit tiers, best first. */
export const FIT_TIERS = ['A', 'B', 'C'] as const;
/** Engagement tiers, most engaged first. */
export const ENGAGEMENT_TIERS = [1, 2, 3] as const;
/** The nine cells of the lead grid in report order (`A1`, `A2`, … `C3`). */
export const LEAD_GRID = FIT_TIERS.flatMap((f) => ENGAGEMENT_TIERS.map((e) => `${f}${e}`));

/** The user's name and follow-up action of one cell of the lead grid. */
export interface LeadGridLabel {
  name?: string;
  action?: string;
}

/**
 * A leads cell: scores every lead of a table by fit (firmographic similarity to won accounts) and
 * engagement (recent behaviour), cuts each score into three tiers and places the lead in the A/B/C ×
 * 1/2/3 grid. Its result is a segmentation by grid cell (key, `segment`, `tags` = the cell's action,
 * `fit`, `fit_tier`, `engagement`, `engagement_tier`, the lead's columns).
 */
export interface LeadsCell extends CellBase, SegmentationReport {
  kind: 'leads';
  name?: string;
  /** The lead table: a source or a named cell. */
  table: string;
  key: string;
  fit: LeadScore;
  /** Default `DEFAULT_TIER_CUTS`. */
  fitCuts?: TierCuts;
  engagement: LeadScore;
  /** Default `DEFAULT_TIER_CUTS`. */
  engagementCuts?: TierCuts;
  /** Names and actions by grid cell (`A1` …); a cell without a name is called by its code. */
  grid?: Record<string, LeadGridLabel>;
}

/** How a lookalike cell scores: similarity to the seed centroid, to the k nearest seeds, or a logistic model. */
export const LOOKALIKE_METHODS = ['centroid', 'knn', 'logistic'] as const;

/** The similarity of the centroid and k-nearest-seeds methods. */
export const LOOKALIKE_METRICS = ['cosine', 'euclidean'] as const;

/**
 * Where a lookalike cell's seeds come from: segments of a segmentation cell above (by id), a rule
 * over the population table, or a list of keys (pasted or uploaded; compared as text).
 */
export type LookalikeSeeds =
  | { kind: 'segment'; from: string; segments: string[] }
  | { kind: 'rule'; rule: RuleGroup }
  | { kind: 'keys'; keys: string[] };

/** A column and its positive value (compared as text, e.g. `Yes`, `true`). */
export interface LabelColumn {
  column: string;
  positive: string;
}

/**
 * How a lookalike cell's ranking becomes segments: the top n, the top pct % or the rows scoring at
 * least `min` (the rest in `Rest`), or three risk bands by score (≥ high, ≥ medium, below).
 */
export type LookalikeCut =
  | { kind: 'top_n'; n: number; name?: string }
  | { kind: 'top_pct'; pct: number; name?: string }
  | { kind: 'score'; min: number; name?: string }
  | { kind: 'bands'; high: number; medium: number };

/**
 * A lookalike (or propensity) cell: ranks the rows of an entity table by how much they look like a
 * seed set, or, with `label`, by a model trained on a label column (churned = yes). Its result is
 * a segmentation (key, `segment` = the cut, `tags`, `score`, `rank`, `percentile`, `top_features`,
 * `is_seed`, the entity's columns). See `engine/lookalike.ts`.
 */
export interface LookalikeCell extends CellBase, SegmentationReport {
  kind: 'lookalike';
  name?: string;
  /** The population: a source or a named cell. */
  table: string;
  key: string;
  /** The seed set (exactly one of `seeds` and `label`). */
  seeds?: LookalikeSeeds;
  /** Supervised mode: train on the labelled rows, rank those whose label is not positive. */
  label?: LabelColumn;
  /** Seed mode: evaluate against this real label instead of the held-out seeds. */
  evaluate?: LabelColumn;
  /** Leave the seeds out of the ranking (they form their own segment). */
  excludeSeeds?: boolean;
  /** Rows whose key is in this table's `key` column are left out of the ranking (existing customers). */
  exclude?: { table: string; key: string };
  features: ClusterFeature[];
  method: (typeof LOOKALIKE_METHODS)[number];
  /** Centroid and k nearest seeds: cosine (default) or standardised euclidean. */
  metric?: (typeof LOOKALIKE_METRICS)[number];
  /** k of the k nearest seeds (default 10). */
  neighbours?: number;
  /** C of the logistic model, scikit-learn's convention: smaller is stronger regularisation (default 1). */
  l2?: number;
  /** Share of the seeds (label mode: of the labelled rows) held out for the evaluation (default 0.2). */
  holdout?: number;
  /** Seed of the held-out split (default 0). */
  seed?: number;
  cut: LookalikeCut;
}

/** The words a lookalike cell writes into its `segment` column, by the notebook's language. */
export const LOOKALIKE_LABELS: Record<'de' | 'en', { lookalikes: string; seeds: string; excluded: string; bands: [string, string, string] }> = {
  de: { lookalikes: 'Lookalikes', seeds: 'Seeds', excluded: 'Ausgeschlossen', bands: ['Hohes Risiko', 'Mittleres Risiko', 'Geringes Risiko'] },
  en: { lookalikes: 'Lookalikes', seeds: 'Seeds', excluded: 'Excluded', bands: ['High risk', 'Medium risk', 'Low risk'] }
};

/**
 * The segments of a lookalike cell, in report order: the cut (its name, `Rest`) or the three risk
 * bands; then the seeds when they are not ranked (label mode: `column = positive`); then the
 * excluded rows when there is an exclusion.
 * @param cell the lookalike cell
 * @param lang the notebook's language
 */
export function lookalikeSegmentNames(cell: LookalikeCell, lang: 'de' | 'en' = 'en'): string[] {
  const words = LOOKALIKE_LABELS[lang];
  const names = cell.cut.kind === 'bands' ? [...words.bands] : [cell.cut.name?.trim() || words.lookalikes, DEFAULT_REST];
  if (cell.label) names.push(`${cell.label.column} = ${cell.label.positive}`);
  else if (cell.excludeSeeds) names.push(words.seeds);
  if (cell.exclude) names.push(words.excluded);
  return names;
}

/**
 * Where a campaign cell's segments come from: a column of its table, or the `segment` column of a
 * segmentation cell above (by id), joined on the campaign cell's `key`, which both results have.
 */
export type CampaignSegments = { kind: 'column'; column: string } | { kind: 'cell'; from: string };

/**
 * An A/B test cell: per arm (control and variants) of a table with one row per unit, the
 * conversion rate (binary outcome) or mean (numeric outcome), each variant's difference from the
 * control with its 95 % interval and p-value, over all rows and per segment (see
 * `analysis/abtest.ts`). Its result is the read-out table (see `sql/abtest.ts`).
 */
export interface AbTestCell extends CellBase {
  kind: 'abtest';
  name?: string;
  /** The units of the test: a source or a named cell. */
  table: string;
  /** Its key column; needed to join a segmentation cell (`by.kind = 'cell'`). */
  key?: string;
  /** The assignment column (compared as text). */
  arm: string;
  /** The control arm's value; every other value is a variant. */
  control: string;
  outcome: string;
  /** `binary`: converted or not (two-proportion z test); `numeric`: e.g. revenue (Welch's t test). */
  metric: 'binary' | 'numeric';
  /** Binary only: the outcome's text that counts as converted; default: true or a number other than 0. */
  positive?: string;
  /** The breakdown by segment; without it only the overall rows. */
  by?: CampaignSegments;
}

/** The events a KPI board reads: one row per visit, order or other event of a member. */
export interface KpiEvents {
  /** A source or a named cell. */
  table: string;
  /** Its member key column. */
  key: string;
  /** The event day (DATE, TIMESTAMP or ISO text). */
  date: string;
  /** Summed as revenue; without it the board has no revenue. */
  amount?: string;
  /** Events whose `column` reads `value` (as text) are conversions; without it every event is. */
  conversion?: { column: string; value: string };
}

/**
 * A KPI board cell: per segment of a member table and per month or week up to the notebook's
 * reference date, the conversion (share of members with a conversion event), retention (share of
 * the members active in the period before who are active again) and revenue (see
 * `sql/kpi-board.ts`).
 */
export interface KpisCell extends CellBase {
  kind: 'kpis';
  name?: string;
  /** The members: one row per customer (a source or a named cell). */
  table: string;
  key: string;
  /** The members' segments; without it all members form one segment. */
  by?: CampaignSegments;
  events: KpiEvents;
  period: 'month' | 'week';
  /** Complete periods shown, ending with the last one before the reference date (1–120). */
  periods: number;
}

/** The words a campaign cell writes: the overall rows of an A/B test, the one segment of a board without segments. */
export const CAMPAIGN_LABELS: Record<'de' | 'en', { overall: string; all: string }> = {
  de: { overall: 'Gesamt', all: 'Alle' },
  en: { overall: 'Overall', all: 'All' }
};

/**
 * The id of the segmentation cell a campaign cell reads its segments from, if it does.
 * @param cell any cell
 */
export function campaignSegmentCell(cell: Cell): string | undefined {
  return (cell.kind === 'abtest' || cell.kind === 'kpis') && cell.by?.kind === 'cell' ? cell.by.from : undefined;
}

/** One notebook cell, discriminated by `kind`. */
export type Cell = SqlCell | MarkdownCell | ChartCell | SegmentCell | ClusterCell | RfmCell | ClvCell | TiersCell | CohortCell | LeadsCell | LookalikeCell | AbTestCell | KpisCell;

/** A cell whose result is a segmentation (key, `segment`, `tags`, the entity's columns). */
export type SegmentationCell = SegmentCell | ClusterCell | RfmCell | TiersCell | LeadsCell | LookalikeCell;

/** The tiers of a tiers cell, most valuable first: above the profit threshold; below it with potential; below it without. */
export const VALUE_TIERS = ['profitable', 'unprofitable_potential', 'unprofitable'] as const;

/** A customer's tier. */
export type ValueTier = (typeof VALUE_TIERS)[number];

/** Tier names in German and English: what the `segment` column of a tiers cell says, by the notebook's language. */
export const VALUE_TIER_LABELS: Record<'de' | 'en', Record<ValueTier, string>> = {
  de: { profitable: 'Profitabel', unprofitable_potential: 'Unprofitabel mit Potenzial', unprofitable: 'Unprofitabel' },
  en: { profitable: 'Profitable', unprofitable_potential: 'Unprofitable with potential', unprofitable: 'Unprofitable' }
};

/** Name of a segmentation's segment of entities no rule matched, unless the cell names it. */
export const DEFAULT_REST = 'Rest';

/**
 * The segment names a segmentation's result holds, in report order: a segment cell's segments
 * (then its rest, when exclusive), a cluster cell's clusters 1…k by the user's names or `Cluster n`.
 * @param cell a segment or cluster cell
 */
export function segmentNames(cell: SegmentationCell, lang: 'de' | 'en' = 'en'): string[] {
  if (cell.kind === 'cluster') return Array.from({ length: cell.k }, (_, i) => cell.names?.[i]?.trim() || `Cluster ${i + 1}`);
  if (cell.kind === 'tiers') return VALUE_TIERS.map((tier) => VALUE_TIER_LABELS[lang][tier]);
  if (cell.kind === 'lookalike') return lookalikeSegmentNames(cell, lang);
  if (cell.kind === 'leads') return LEAD_GRID.map((code) => cell.grid?.[code]?.name?.trim() || code);
  if (cell.kind === 'rfm') {
    const names = [...new Set(cell.segments.map((s) => s.name.trim()))];
    return rfmCovers(cell.segments) ? names : [...names, DEFAULT_REST];
  }
  const names = cell.segments.map((d) => d.name.trim());
  return cell.exclusive ? [...names, cell.rest?.trim() || DEFAULT_REST] : names;
}

/**
 * The table a segmentation's segments are profiled against (its base): the entity table of a
 * segment, cluster or tiers cell; an RFM cell's own result, which has one row per customer (its
 * `table` holds transactions).
 * @param cell a segmentation cell
 */
export function baseTable(cell: SegmentationCell): string {
  return cell.kind === 'rfm' ? cellView(cell) : cell.table;
}

/**
 * Whether every entity is in exactly one segment: an exclusive segment cell, or any clustering.
 * @param cell a segment or cluster cell
 */
export function isExclusive(cell: SegmentationCell): boolean {
  return cell.kind !== 'segment' || cell.exclusive;
}

/**
 * Whether an R×F map names every one of the 25 score pairs.
 * @param segments the map
 */
export function rfmCovers(segments: readonly RfmSegment[]): boolean {
  for (let r = 1; r <= 5; r++) {
    for (let f = 1; f <= 5; f++) {
      if (!segments.some((s) => s.r[0] <= r && r <= s.r[1] && s.f[0] <= f && f <= s.f[1])) return false;
    }
  }
  return true;
}

export interface NotebookSettings {
  /** Language of labels and number formats. */
  locale?: 'de' | 'en';
  /** The "today" of the analysis (`YYYY-MM-DD`), e.g. for recency. */
  referenceDate?: string;
  /** Guards against segments too small to act on or to trust; see `DEFAULT_GUARDS`. */
  guards?: SegmentGuards;
  /** Salt of pseudonymised exports: `sha256(salt || value)`; random per notebook, replaceable. */
  pseudonymSalt?: string;
}

/** When a segment is flagged as too small or its KPIs too uncertain. */
export interface SegmentGuards {
  /** Fewest entities a segment should have (absolute). */
  minSize: number;
  /** Smallest share of the base a segment should have (0–1). */
  minShare: number;
  /** Widest acceptable 95 % interval as a share of the KPI's value (half-width / value). */
  maxCiMargin: number;
  /** Segments smaller than this are suppressed from aggregate exports and flagged in membership exports. */
  minExportSize: number;
}

/** The guards a notebook uses unless it sets its own. */
export const DEFAULT_GUARDS: SegmentGuards = { minSize: 50, minShare: 0.01, maxCiMargin: 0.2, minExportSize: 10 };

/** A whole notebook document. */
export interface Notebook {
  format: typeof NOTEBOOK_FORMAT;
  version: typeof NOTEBOOK_VERSION;
  title: string;
  sources: Source[];
  cells: Cell[];
  settings?: NotebookSettings;
}

/** Pattern every cell id matches. */
export const CELL_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Longest table name (source or named cell) DuckDB handles comfortably. */
export const MAX_NAME_LENGTH = 63;

/**
 * The table a cell's result can be read from: its view name when named, else nothing.
 * @param cell the cell
 */
export function cellTableName(cell: Cell): string | undefined {
  return cell.kind === 'markdown' ? undefined : cell.name;
}

/** The prefix of the hidden views that hold unnamed cells' results. */
export const CELL_VIEW_PREFIX = '__seglab_cell_';

/**
 * The view a cell's result is read from: its name, else a hidden one made from its id.
 * @param cell a cell that yields a table
 */
export function cellView(cell: Exclude<Cell, MarkdownCell>): string {
  return cell.name ?? `${CELL_VIEW_PREFIX}${cell.id}`;
}

/**
 * A new, empty notebook.
 * @param title shown at the top
 */
export function emptyNotebook(title: string): Notebook {
  return { format: NOTEBOOK_FORMAT, version: NOTEBOOK_VERSION, title, sources: [], cells: [] };
}
