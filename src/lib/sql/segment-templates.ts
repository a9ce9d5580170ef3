/**
 * Ready segment templates over the user's own columns: the segment types analysts ask for
 * (demographic, geographic, firmographic, technological, behavioural, needs-based, value-based),
 * each turned into ordinary, editable rule trees. Pure: values a template needs from the data
 * (a column's most frequent values) are passed in.
 */
import type { ConditionOp, Rule, RuleGroup, SegmentDef } from '../notebook/model';
import { note, NoteError } from '../i18n/note';

/** What kind of values a column holds, from its DuckDB type. */
export type ColumnKind = 'number' | 'date' | 'text' | 'boolean';

/**
 * The kind of a DuckDB type.
 * @param type e.g. `BIGINT`, `DECIMAL(10,2)`, `TIMESTAMP WITH TIME ZONE`, `VARCHAR`
 */
export function columnKind(type: string): ColumnKind {
  const t = type.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL)\b/.test(t)) return 'number';
  if (/^(DATE|TIMESTAMP)\b/.test(t)) return 'date';
  if (t === 'BOOLEAN') return 'boolean';
  return 'text';
}

/** Column names that look like an entity key (`Kundennummer`, `customer_id`, `ID`, `Konto-Nr`, `InvoiceNo`). */
export function isKeyName(name: string): boolean {
  return /(^|[^a-z])(id|key|nr|nummer|number|no)([^a-z]|$)|nummer$|_id$|id$/i.test(name) || /[a-z](Id|ID|No|Nr|Key|Number)$/.test(name);
}

/**
 * The column most likely to be a table's key: the first named like one, else the first column.
 * @param columns the table's columns
 */
export function guessKey<C extends { name: string }>(columns: readonly C[]): C | undefined {
  return columns.find((c) => isKeyName(c.name)) ?? columns[0];
}

const OPS: Record<ColumnKind, readonly ConditionOp[]> = {
  text: ['eq', 'neq', 'in', 'not_in', 'contains', 'starts_with', 'empty', 'not_empty'],
  number: ['eq', 'neq', 'in', 'not_in', 'between', 'lt', 'lte', 'gt', 'gte', 'top_pct', 'bottom_pct', 'empty', 'not_empty'],
  date: ['eq', 'before', 'after', 'between', 'within_last', 'not_within_last', 'empty', 'not_empty'],
  boolean: ['eq', 'empty', 'not_empty']
};

/**
 * The operators that fit a column of this kind, in menu order.
 * @param kind the column's kind
 */
export function conditionOps(kind: ColumnKind): readonly ConditionOp[] {
  return OPS[kind];
}

/** Which operand an operator takes. */
export function operandOf(op: ConditionOp): 'none' | 'one' | 'list' | 'pair' | 'days' | 'percent' {
  if (op === 'empty' || op === 'not_empty') return 'none';
  if (op === 'in' || op === 'not_in') return 'list';
  if (op === 'between') return 'pair';
  if (op === 'within_last' || op === 'not_within_last') return 'days';
  if (op === 'top_pct' || op === 'bottom_pct') return 'percent';
  return 'one';
}

/** Template ids, in menu order. */
export const TEMPLATES = ['age', 'values', 'postcode', 'size', 'revenue', 'recency', 'value', 'needs'] as const;
/** A template id. */
export type TemplateId = (typeof TEMPLATES)[number];

/** What a template builds: the segments, and whether they are a segmentation (exclusive). */
export interface TemplateResult {
  exclusive: boolean;
  segments: SegmentDef[];
}

/** Language of the segment names a template writes. */
export type TemplateLang = 'de' | 'en';

const NAMES = {
  de: {
    size: ['Kleinst (1–9)', 'Klein (10–49)', 'Mittel (50–249)', 'Groß (250+)'],
    revenue: ['Umsatz < 2 Mio. €', 'Umsatz 2–10 Mio. €', 'Umsatz 10–50 Mio. €', 'Umsatz > 50 Mio. €'],
    recency: ['Aktiv (≤ 90 Tage)', 'Abkühlend (91–365 Tage)', 'Inaktiv (> 365 Tage)'],
    value: ['Top 20 %', 'Nächste 30 %']
  },
  en: {
    size: ['Micro (1–9)', 'Small (10–49)', 'Medium (50–249)', 'Large (250+)'],
    revenue: ['Revenue < €2M', 'Revenue €2–10M', 'Revenue €10–50M', 'Revenue > €50M'],
    recency: ['Active (≤ 90 days)', 'Cooling (91–365 days)', 'Lapsed (> 365 days)'],
    value: ['Top 20 %', 'Next 30 %']
  }
} as const;

const group = (...rules: Rule[]): RuleGroup => ({ type: 'group', op: 'and', rules });

/** Band edges [low, high) to segments over a numeric column; `null` is open-ended. */
function bands(column: string, edges: readonly (readonly [string, number | null, number | null])[], tag: string): SegmentDef[] {
  return edges.map(([name, lo, hi]) => {
    const rules: Rule[] = [];
    if (lo !== null) rules.push({ type: 'condition', column, op: 'gte', value: lo });
    if (hi !== null) rules.push({ type: 'condition', column, op: 'lt', value: hi });
    return { name, tags: [tag], rule: group(...rules) };
  });
}

const AGE_BANDS = [
  ['18–24', 18, 25],
  ['25–34', 25, 35],
  ['35–44', 35, 45],
  ['45–54', 45, 55],
  ['55–64', 55, 65],
  ['65+', 65, null]
] as const;

/**
 * Age bands (18–24 … 65+) from an age in years, or from a birth date relative to the reference
 * date (born after the day that makes one `hi` years old, on or before the day that makes one `lo`).
 * @param column the age or birth-date column
 * @param kind its kind
 * @param referenceDate the notebook's reference date, for birth dates
 */
export function ageTemplate(column: string, kind: ColumnKind, referenceDate?: string): TemplateResult {
  if (kind === 'number') return { exclusive: true, segments: bands(column, AGE_BANDS, 'age') };
  if (!referenceDate) throw new NoteError(note('ageNeedsReferenceDate'));
  const yearsBefore = (years: number) => {
    const d = new Date(`${referenceDate}T00:00:00Z`);
    d.setUTCFullYear(d.getUTCFullYear() - years);
    return d.toISOString().slice(0, 10);
  };
  const segments = AGE_BANDS.map(([name, lo, hi]): SegmentDef => {
    const rules: Rule[] = [{ type: 'condition', column, op: 'before', value: nextDay(yearsBefore(lo)) }];
    if (hi !== null) rules.push({ type: 'condition', column, op: 'after', value: yearsBefore(hi) });
    return { name, tags: ['age'], rule: group(...rules) };
  });
  return { exclusive: true, segments };
}

function nextDay(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * One segment per frequent value of a categorical column (gender, marital status, country, region,
 * industry, device, channel, browser…); the other values go to the rest.
 * @param column the column
 * @param values its most frequent values, most frequent first
 * @param tag the CRM tag of the segments (e.g. the column's name)
 */
export function valuesTemplate(column: string, values: readonly (string | number | boolean)[], tag: string): TemplateResult {
  const segments = values.map((v): SegmentDef => ({ name: String(v), tags: [tag], rule: group({ type: 'condition', column, op: 'eq', value: v }) }));
  return { exclusive: true, segments };
}

/**
 * German postcode regions (Leitzonen 0–9) by the first digit of a postcode column.
 * @param column the postcode column (text or number)
 */
export function postcodeTemplate(column: string): TemplateResult {
  const segments = Array.from({ length: 10 }, (_, d): SegmentDef => ({
    name: `PLZ ${d}xxxx`,
    tags: ['postcode'],
    rule: group({ type: 'condition', column, op: 'starts_with', value: String(d) })
  }));
  return { exclusive: true, segments };
}

/**
 * Company size bands by head count, as the EU's SME definition (Recommendation 2003/361/EC):
 * micro < 10, small < 50, medium < 250, large.
 * @param column the employees column
 * @param lang language of the segment names
 */
export function sizeTemplate(column: string, lang: TemplateLang): TemplateResult {
  const [micro, small, medium, large] = NAMES[lang].size;
  const edges = [
    [micro, null, 10],
    [small, 10, 50],
    [medium, 50, 250],
    [large, 250, null]
  ] as const;
  return { exclusive: true, segments: bands(column, edges, 'company-size') };
}

/**
 * Revenue bands by the EU SME turnover limits: ≤ 2 M€, ≤ 10 M€, ≤ 50 M€, above.
 * @param column the annual revenue column (in euros)
 * @param lang language of the segment names
 */
export function revenueTemplate(column: string, lang: TemplateLang): TemplateResult {
  const [a, b, c, d] = NAMES[lang].revenue;
  const edges = [
    [a, null, 2e6],
    [b, 2e6, 1e7],
    [c, 1e7, 5e7],
    [d, 5e7, null]
  ] as const;
  return { exclusive: true, segments: bands(column, edges, 'revenue-band') };
}

/**
 * Behavioural activity from an events table: active (activity in the last 90 days), cooling
 * (91–365 days ago), lapsed (longer ago); entities without any activity go to the rest.
 * @param table the events table
 * @param key its column holding the entity key
 * @param dateColumn its date column
 * @param lang language of the segment names
 */
export function recencyTemplate(table: string, key: string, dateColumn: string, lang: TemplateLang): TemplateResult {
  const [active, cooling, lapsed] = NAMES[lang].recency;
  const since = (op: 'lte' | 'gt', days: number): Rule => ({ type: 'behaviour', table, key, measure: 'days_since_last', dateColumn, op, value: days });
  return {
    exclusive: true,
    segments: [
      { name: active, tags: ['active'], rule: group(since('lte', 90)) },
      { name: cooling, tags: ['cooling'], rule: group(since('lte', 365)) },
      { name: lapsed, tags: ['lapsed'], rule: group(since('gt', 365)) }
    ]
  };
}

/**
 * Value tiers by a spend or margin column: the top 20 %, the next 30 %, the rest (a Pareto cut).
 * @param column the value column
 * @param lang language of the segment names
 */
export function valueTemplate(column: string, lang: TemplateLang): TemplateResult {
  const [top, next] = NAMES[lang].value;
  return {
    exclusive: true,
    segments: [
      { name: top, tags: ['value-a'], rule: group({ type: 'condition', column, op: 'top_pct', value: 20 }) },
      { name: next, tags: ['value-b'], rule: group({ type: 'condition', column, op: 'top_pct', value: 50 }) }
    ]
  };
}

/**
 * Needs-based segments from survey answers on a 1–5 scale: one overlapping segment per question of
 * those who agree (answer 4 or 5).
 * @param columns the answer columns
 */
export function needsTemplate(columns: readonly string[]): TemplateResult {
  const segments = columns.map((column): SegmentDef => ({ name: column, tags: ['needs'], rule: group({ type: 'condition', column, op: 'gte', value: 4 }) }));
  return { exclusive: false, segments };
}

const GUESS: Record<TemplateId, RegExp> = {
  age: /^(alter|age)$|geburt|birth/i,
  values: /geschlecht|gender|familienstand|marital|land|country|bundesland|region|kanton|ort|city|branche|industry|gerät|device|kanal|channel|browser|quelle|source|interess/i,
  postcode: /^(plz|postleitzahl|zip|postcode|postal)/i,
  size: /mitarbeiter|employees|headcount|beschäftigte/i,
  revenue: /jahresumsatz|annual.?revenue|turnover/i,
  recency: /datum|date|zeit|time/i,
  value: /umsatz|revenue|spend|sales|marge|margin|clv|wert|value/i,
  needs: /wichtig|important|zufrieden|satisf|answer|frage|q\d/i
};

/**
 * The columns a template would likely use, best first (by name), so the picker starts filled.
 * @param id the template
 * @param columns the candidate columns with their kinds
 */
export function guessColumns(id: TemplateId, columns: readonly { name: string; kind: ColumnKind }[]): string[] {
  const fits = (kind: ColumnKind) => {
    if (id === 'age') return kind === 'number' || kind === 'date';
    if (id === 'recency') return kind === 'date';
    if (id === 'size' || id === 'revenue' || id === 'value' || id === 'needs') return kind === 'number';
    return kind === 'text' || kind === 'number' || kind === 'boolean';
  };
  return columns.filter((c) => fits(c.kind) && GUESS[id].test(c.name)).map((c) => c.name);
}
