/**
 * Compiles segment rules (the typed rule trees of `SegmentCell`) to DuckDB SQL. Pure: every
 * identifier goes through `ident` and every value through `lit`, so no user text reaches SQL
 * unquoted, except a segment's plain `where`, which is the user's own SQL like a SQL cell's.
 *
 * NULL semantics: a condition on an empty value is false (except `empty`); groups combine with
 * SQL's AND / OR, and a NOT group negates `coalesce(group, false)`, so NOT (Land = 'DE') includes
 * entities without a Land while Land ≠ 'DE' does not.
 */
import {
  DEFAULT_REST,
  segmentNames,
  type BehaviourCondition,
  type BehaviourOp,
  type ColumnCondition,
  type Rule,
  type RuleGroup,
  type RuleValue,
  type SegmentCell,
  type SegmentDef
} from '../notebook/model';
import { note, NoteError, type Note } from '../i18n/note';
import { ident, join, lit, sql, SqlFragment } from './quote';

/** A rule that cannot be compiled; `path` says which segment and rule, `field` which setting. */
export class RuleError extends NoteError {
  constructor(
    problem: Note,
    readonly path: Note,
    readonly field?: string
  ) {
    super(note('ruleAt', { path, problem }));
    this.name = 'RuleError';
  }
}

/**
 * A place one step inside another, e.g. `segment "VIP" › 2`.
 * @param path the outer place
 * @param step the rule's position or a named part
 */
export function deeper(path: Note, step: number | Note): Note {
  return note('rulePathStep', { path, step });
}

/** What a rule is compiled against. */
export interface RuleContext {
  /** The table whose columns the conditions test. */
  table: string;
  /** The alias that table has in the query. */
  alias: string;
  /** The entity key column (behavioural conditions join on it). */
  key: string;
  /** The notebook's reference date (`YYYY-MM-DD`); needed by relative time conditions. */
  referenceDate?: string;
}

/** The alias of the entity table in a segment query. */
export const ENTITY_ALIAS = '__e';

const ORDER_COLUMN = '__segment_order';

/** Result columns a segment cell adds in front of the entity's own. */
export const SEGMENT_COLUMNS = ['segment', 'tags'] as const;

/**
 * The SQL boolean expression of a rule tree.
 * @param rule the tree's root
 * @param ctx the table and reference date
 * @param path where the rule sits, for error messages (`segment "VIP"`)
 */
export function compileRule(rule: Rule, ctx: RuleContext, path = note('pathRule')): SqlFragment {
  return new Compiler(ctx).rule(rule, path);
}

/**
 * The boolean expression of one segment: its rule tree, or its plain SQL `where`.
 * @param def the segment
 * @param ctx the entity table
 */
export function segmentCondition(def: SegmentDef, ctx: RuleContext): SqlFragment {
  const path = note('pathSegment', { name: def.name });
  if (def.where !== undefined) {
    if (!def.where.trim()) throw new RuleError(note('ruleSqlEmpty'), path, 'where');
    return new SqlFragment(`(${def.where.trim().replace(/;+$/, '')}\n)`);
  }
  if (!def.rule) throw new RuleError(note('ruleNone'), path, 'rule');
  return compileRule(def.rule, ctx, path);
}

/**
 * The query of a segment cell's result: the key, `segment`, `tags` and the entity's other columns.
 * A segmentation (`exclusive`) gives every entity the first segment whose rule matches, or the rest
 * segment; overlapping segments give one row per entity and matching segment. Rows are ordered by
 * segment (in the cell's order) and key, so exports are reproducible.
 * @param cell the segment cell
 * @param referenceDate the notebook's reference date
 */
export function segmentQuery(cell: SegmentCell, referenceDate?: string): SqlFragment {
  checkSegments(cell);
  const ctx: RuleContext = { table: cell.table, alias: ENTITY_ALIAS, key: cell.key, referenceDate };
  const from = sql`${ident(cell.table)} AS ${ident(ENTITY_ALIAS)}`;
  const order = ident(ORDER_COLUMN);
  let inner: SqlFragment;
  const names = segmentNames(cell).map((name) => lit(name));
  const tags = cell.segments.map((def) => lit((def.tags ?? []).join(';')));
  if (cell.exclusive) {
    const cases = cell.segments.map((def, i) => sql`WHEN ${segmentCondition(def, ctx)} THEN ${i}`);
    inner = sql`SELECT CASE ${join(cases, '\n  ')}\n  ELSE ${cell.segments.length} END AS ${order}, *\nFROM ${from}`;
    tags.push(lit(''));
  } else {
    const parts = cell.segments.map((def, i) => sql`SELECT ${i} AS ${order}, *\nFROM ${from}\nWHERE ${segmentCondition(def, ctx)}`);
    inner = join(parts, '\nUNION ALL\n');
  }
  const hidden = [cell.key, ...SEGMENT_COLUMNS, ORDER_COLUMN].map((c) => lit(c));
  const key = ident(cell.key);
  return sql`SELECT ${key}, [${names}][${order} + 1] AS "segment", [${tags}][${order} + 1] AS "tags", COLUMNS(c -> c NOT IN (${hidden}))\nFROM (\n${inner}\n)\nORDER BY ${order}, ${key}`;
}

function checkSegments(cell: SegmentCell): void {
  if (!cell.table) throw new RuleError(note('ruleChooseEntityTable'), note('pathSegmentCell'), 'table');
  if (!cell.key) throw new RuleError(note('ruleChooseKey'), note('pathSegmentCell'), 'key');
  if (cell.segments.length === 0) throw new RuleError(note('ruleAddSegment'), note('pathSegmentCell'), 'segments');
  const seen = new Set<string>();
  const rest = cell.exclusive ? (cell.rest?.trim() || DEFAULT_REST) : undefined;
  for (const def of cell.segments) {
    const name = def.name.trim();
    if (!name) throw new RuleError(note('ruleSegmentNoName'), note('pathSegmentCell'), 'name');
    if (seen.has(name) || name === rest) throw new RuleError(note('ruleNameTwice', { name }), note('pathSegment', { name }), 'name');
    seen.add(name);
  }
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

class Compiler {
  private behaviours = 0;
  constructor(private readonly ctx: RuleContext) {}

  rule(rule: Rule, path: Note): SqlFragment {
    switch (rule.type) {
      case 'group':
        return this.group(rule, path, this.ctx);
      case 'condition':
        return this.condition(rule, path, this.ctx);
      case 'behaviour':
        return this.behaviour(rule, path);
    }
  }

  private group(group: RuleGroup, path: Note, ctx: RuleContext): SqlFragment {
    const parts = group.rules.map((r, i) => {
      const at = deeper(path, i + 1);
      if (r.type === 'group') return this.group(r, at, ctx);
      if (r.type === 'condition') return this.condition(r, at, ctx);
      if (ctx !== this.ctx) throw new RuleError(note('ruleBehaviourNested'), at);
      return this.behaviour(r, at);
    });
    const body = parts.length === 0 ? sql`TRUE` : parts.length === 1 ? parts[0] : sql`(${join(parts, group.op === 'or' ? ' OR ' : ' AND ')})`;
    return group.not ? sql`(NOT coalesce(${body}, FALSE))` : body;
  }

  private condition(cond: ColumnCondition, path: Note, ctx: RuleContext): SqlFragment {
    if (!cond.column) throw new RuleError(note('ruleChooseColumn'), path, 'column');
    const c = sql`${ident(ctx.alias)}.${ident(cond.column)}`;
    const list = () => {
      const values = cond.values ?? [];
      if (values.length === 0) throw new RuleError(note('ruleListEmpty'), path, 'values');
      return values.map((x) => value(x, path));
    };
    const text = sql`lower(CAST(${c} AS VARCHAR))`;
    switch (cond.op) {
      case 'eq':
      case 'neq':
      case 'between':
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        return compare(c, cond.op, cond, path);
      case 'in':
        return sql`${c} IN (${list()})`;
      case 'not_in':
        return sql`${c} NOT IN (${list()})`;
      case 'contains':
        return sql`contains(${text}, lower(${textValue(cond.value, path)}))`;
      case 'starts_with':
        return sql`starts_with(${text}, lower(${textValue(cond.value, path)}))`;
      case 'empty':
        return sql`(${c} IS NULL OR trim(CAST(${c} AS VARCHAR)) = '')`;
      case 'not_empty':
        return sql`(${c} IS NOT NULL AND trim(CAST(${c} AS VARCHAR)) <> '')`;
      case 'before':
        return sql`CAST(${c} AS DATE) < ${dateValue(cond.value, path)}`;
      case 'after':
        return sql`CAST(${c} AS DATE) > ${dateValue(cond.value, path)}`;
      case 'within_last': {
        const ref = this.reference(path);
        return sql`CAST(${c} AS DATE) BETWEEN ${ref} - ${days(cond.value, path)} + 1 AND ${ref}`;
      }
      case 'not_within_last':
        return sql`CAST(${c} AS DATE) <= ${this.reference(path)} - ${days(cond.value, path)}`;
      case 'top_pct':
        return sql`${c} >= ${rankCut(cond.column, ctx.table, percent(cond.value, path), 'top')}`;
      case 'bottom_pct':
        return sql`${c} <= ${rankCut(cond.column, ctx.table, percent(cond.value, path), 'bottom')}`;
      default:
        throw new RuleError(note('ruleUnknownOperator', { op: String(cond.op) }), path, 'op');
    }
  }

  /**
   * A behavioural condition as an uncorrelated semi-join: the entity's key is among the keys whose
   * rows (filtered by window and `where`) have an aggregate that passes the comparison. Entities
   * without rows pass when the empty aggregate does (`count` and `sum` are 0 then). DuckDB runs this
   * as one grouped pass over the second table, about 2–3× faster than a correlated subquery, and
   * the expression stays self-contained (a plain-SQL segment can start from it).
   */
  private behaviour(b: BehaviourCondition, path: Note): SqlFragment {
    if (!b.table) throw new RuleError(note('ruleChooseEvents'), path, 'table');
    if (!b.key) throw new RuleError(note('ruleChooseEventKey'), path, 'key');
    const alias = `__b${++this.behaviours}`;
    const inner: RuleContext = { ...this.ctx, table: b.table, alias };
    const col = (name: string | undefined, field: string) => {
      if (!name) throw new RuleError(note(field === 'column' ? 'ruleChooseMeasured' : 'ruleChooseDate'), path, field);
      return sql`${ident(alias)}.${ident(name)}`;
    };
    const key = sql`${ident(alias)}.${ident(b.key)}`;
    const filters = [sql`${key} IS NOT NULL`];
    const window = b.window ?? { kind: 'all' };
    if (window.kind !== 'all') {
      const d = sql`CAST(${col(b.dateColumn, 'dateColumn')} AS DATE)`;
      if (window.kind === 'last_days') {
        const ref = this.reference(path);
        filters.push(sql`${d} BETWEEN ${ref} - ${days(window.days, path)} + 1 AND ${ref}`);
      } else if (window.kind === 'this_year') {
        const ref = this.reference(path);
        filters.push(sql`${d} BETWEEN date_trunc('year', ${ref}) AND ${ref}`);
      } else {
        filters.push(sql`${d} BETWEEN ${dateValue(window.from, path)} AND ${dateValue(window.to, path)}`);
      }
    }
    if (b.where && b.where.rules.length > 0) filters.push(this.group(b.where, deeper(path, note('pathWhere')), inner));
    const rows = sql`SELECT ${key} FROM ${ident(b.table)} AS ${ident(alias)} WHERE ${join(filters, ' AND ')}`;
    const entity = sql`${ident(this.ctx.alias)}.${ident(this.ctx.key)}`;
    let measure: SqlFragment;
    switch (b.measure) {
      case 'exists':
        return sql`${entity} IN (${rows})`;
      case 'not_exists':
        return sql`${entity} NOT IN (${rows})`;
      case 'count':
        measure = sql`count(*)`;
        break;
      case 'sum':
        measure = sql`coalesce(sum(${col(b.column, 'column')}), 0)`;
        break;
      case 'avg':
      case 'min':
      case 'max':
        measure = sql`${new SqlFragment(b.measure)}(${col(b.column, 'column')})`;
        break;
      case 'last': {
        // Ties on the latest date take the largest value, so the result never depends on row order.
        const c = col(b.column, 'column');
        measure = sql`arg_max(${c}, (${col(b.dateColumn, 'dateColumn')}, ${c}))`;
        break;
      }
      case 'days_since_last':
        measure = sql`date_diff('day', max(CAST(${col(b.dateColumn, 'dateColumn')} AS DATE)), ${this.reference(path)})`;
        break;
      default:
        throw new RuleError(note('ruleUnknownMeasure', { measure: String(b.measure) }), path, 'measure');
    }
    const passing = sql`${entity} IN (${rows} GROUP BY ${key} HAVING ${compare(measure, b.op, b, path)})`;
    const empty = b.measure === 'count' || b.measure === 'sum' ? zeroPasses(b) : false;
    if (empty === false) return passing;
    const also = empty === true ? sql`${entity} NOT IN (${rows})` : sql`(${compare(new SqlFragment('0'), b.op, b, path)} AND ${entity} NOT IN (${rows}))`;
    return sql`(${passing} OR ${also})`;
  }

  private reference(path: Note): SqlFragment {
    const date = this.ctx.referenceDate;
    if (!date) throw new RuleError(note('ruleNeedsReferenceDate'), path, 'referenceDate');
    return dateValue(date, path);
  }
}

/**
 * The value at rank ⌈p % × n⌉ of a column's non-empty values (n of them), from the top or the
 * bottom, so `top 10 %` of 1,000 customers is the 100 largest, plus any tied with the 100th.
 */
function rankCut(column: string, table: string, p: number, end: 'top' | 'bottom'): SqlFragment {
  const v = ident(column);
  const order = end === 'top' ? sql`${v} DESC` : sql`${v} ASC`;
  const pick = end === 'top' ? sql`min(${v})` : sql`max(${v})`;
  return sql`(SELECT ${pick} FROM (SELECT ${v}, row_number() OVER (ORDER BY ${order}) AS "__rank", count(*) OVER () AS "__n" FROM ${ident(table)} WHERE ${v} IS NOT NULL) WHERE "__rank" <= ceil(${p / 100} * "__n"))`;
}

const SYMBOLS = { eq: '=', neq: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

/** `left <op> operand`, or `left BETWEEN low AND high`; the operands come from the rule. */
function compare(left: SqlFragment, op: BehaviourOp | undefined, rule: { value?: RuleValue; values?: RuleValue[] }, path: Note): SqlFragment {
  if (op === 'between') {
    const [lo, hi] = pair(rule.values, path);
    return sql`${left} BETWEEN ${lo} AND ${hi}`;
  }
  if (!op || !Object.hasOwn(SYMBOLS, op)) throw new RuleError(note('ruleChooseComparison'), path, 'op');
  return sql`${left} ${new SqlFragment(SYMBOLS[op])} ${value(rule.value, path)}`;
}

/** Whether an aggregate of 0 passes a behavioural comparison with numeric operands; `null` when they are not numbers (SQL decides). */
function zeroPasses(b: BehaviourCondition): boolean | null {
  const n = (v: RuleValue | undefined) => (typeof v === 'number' ? v : NaN);
  const v = n(b.value);
  switch (b.op) {
    case 'between': {
      const [lo, hi] = [n(b.values?.[0]), n(b.values?.[1])];
      return Number.isNaN(lo) || Number.isNaN(hi) ? null : lo <= 0 && 0 <= hi;
    }
    case 'eq':
      return Number.isNaN(v) ? null : v === 0;
    case 'neq':
      return Number.isNaN(v) ? null : v !== 0;
    case 'lt':
      return Number.isNaN(v) ? null : 0 < v;
    case 'lte':
      return Number.isNaN(v) ? null : 0 <= v;
    case 'gt':
      return Number.isNaN(v) ? null : 0 > v;
    case 'gte':
      return Number.isNaN(v) ? null : 0 >= v;
    default:
      return null;
  }
}

function value(v: RuleValue | undefined, path: Note): SqlFragment {
  if (v === undefined || (typeof v === 'number' && !Number.isFinite(v))) throw new RuleError(note('ruleEnterValue'), path, 'value');
  return typeof v === 'string' && isoDate.test(v) ? sql`CAST(${lit(v)} AS DATE)` : lit(v);
}

function textValue(v: RuleValue | undefined, path: Note): SqlFragment {
  if (v === undefined || v === '') throw new RuleError(note('ruleEnterText'), path, 'value');
  return lit(String(v));
}

function pair(values: RuleValue[] | undefined, path: Note): [SqlFragment, SqlFragment] {
  if (!values || values.length !== 2) throw new RuleError(note('ruleEnterBounds'), path, 'values');
  return [value(values[0], path), value(values[1], path)];
}

function dateValue(v: RuleValue | undefined, path: Note): SqlFragment {
  if (typeof v !== 'string' || !isoDate.test(v) || Number.isNaN(Date.parse(v))) {
    throw new RuleError(note('ruleEnterDate'), path, 'value');
  }
  return sql`DATE ${lit(v)}`;
}

function days(v: RuleValue | undefined, path: Note): number {
  const n = Number(v);
  if (typeof v === 'boolean' || !Number.isInteger(n) || n < 1) throw new RuleError(note('ruleEnterDays'), path, 'value');
  return n;
}

function percent(v: RuleValue | undefined, path: Note): number {
  const n = Number(v);
  if (typeof v === 'boolean' || !(n > 0 && n <= 100)) throw new RuleError(note('ruleEnterPercent'), path, 'value');
  return n;
}
