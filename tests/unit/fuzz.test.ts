/**
 * Issue 8, point 3: property-based tests (fast-check) with a fixed, seeded budget. The CSV scanner
 * and sniffer never throw and are deterministic; the CSV loader ends every generated file with a
 * table or a described file error; segment rules with hostile column names and values compile to
 * SQL that DuckDB runs and that selects exactly the rows a JS evaluation of the rule selects.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { EngineError } from '../../src/lib/engine/errors';
import type { ColumnCondition, Rule, RuleGroup } from '../../src/lib/notebook/model';
import { DELIMITERS, scanRecords, sniffDialect } from '../../src/lib/sql/csv-scan';
import { ident, lit, sql } from '../../src/lib/sql/quote';
import { compileRule } from '../../src/lib/sql/segment-rules';
import { file, openTestEngine } from './helpers/db';

const SEED = 20_250_108;

/** Characters that stress CSV scanning: delimiters, both quotes, every line end, text. */
const csvChar = fc.constantFrom(',', ';', '\t', '|', '"', "'", '\n', '\r', '\r\n', ' ', 'a', 'b', '1', '2', '.', 'ä', '€', '🙂', '\0');
const csvText = fc.array(csvChar, { maxLength: 200 }).map((cs) => cs.join(''));

describe('scanRecords / sniffDialect (fuzzed)', () => {
  it('never throw, are deterministic and count consistently', () => {
    fc.assert(
      fc.property(csvText, fc.boolean(), (text, final) => {
        const dialect = sniffDialect(text, final);
        expect(sniffDialect(text, final)).toEqual(dialect);
        expect(DELIMITERS as readonly string[]).toContain(dialect.delimiter);
        const scan = scanRecords(text, dialect, final);
        expect(scanRecords(text, dialect, final)).toEqual(scan);
        expect(scan.end).toBeGreaterThanOrEqual(0);
        expect(scan.end).toBeLessThanOrEqual(text.length);
        expect([...scan.fieldCounts.values()].reduce((s, n) => s + n, 0)).toBe(scan.records);
        if (scan.records > 0) expect(scan.fieldCounts.has(scan.firstFields)).toBe(true);
        if (final && !scan.unterminatedQuote) expect(scan.end).toBe(text.length);
        if (scan.unterminatedQuote) expect(scan.openQuoteLine).toBeGreaterThan(0);
      }),
      { numRuns: 3000, seed: SEED }
    );
  });

  it('find the same records when the text arrives in two pieces', () => {
    fc.assert(
      fc.property(csvText, fc.nat(), fc.constantFrom(',', ';'), fc.constantFrom('"', "'", ''), (text, at, delimiter, quote) => {
        const dialect = { delimiter, quote };
        const whole = scanRecords(text, dialect, true);
        const first = scanRecords(text.slice(0, at % (text.length + 1)), dialect, false);
        const rest = scanRecords(text.slice(first.end), dialect, true);
        expect(first.records + rest.records).toBe(whole.records);
        expect(rest.unterminatedQuote).toBe(whole.unterminatedQuote);
      }),
      { numRuns: 3000, seed: SEED }
    );
  });
});

describe('the CSV loader on generated files (fuzzed)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });

  const cell = fc.oneof(
    fc.constantFrom('', '1', '-2', '1.234,5', '1,234.5', '0012', 'ja', 'nein', 'true', '2024-02-29', '31.12.2023', 'NULL', '#NV', '=1+1', '"', '""'),
    fc.string({ maxLength: 6, unit: fc.constantFrom('a', 'ä', ' ', ',', ';', '"', '\n', '🙂', '\\', '\0') })
  );
  const csvFile = fc
    .record({
      delimiter: fc.constantFrom(',', ';', '\t'),
      rows: fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 0, maxLength: 8 }),
      lineEnd: fc.constantFrom('\n', '\r\n', '\r'),
      quoteAll: fc.boolean()
    })
    .map(({ delimiter, rows, lineEnd, quoteAll }) =>
      rows
        .map((r) => r.map((v) => (quoteAll || /[",;\t\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(delimiter))
        .join(lineEnd)
    );

  it('ends every file with a table or a described file error, the same way each time', async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, async (text) => {
        const outcome = async () => {
          try {
            const info = await engine.load(file('fuzz.csv', text));
            const rows = await engine.db.rows(String(sql`SELECT * FROM ${ident(info.name)}`));
            await engine.dropTable(info.name);
            return { columns: info.columns, rows: JSON.stringify(rows, (_, v) => (typeof v === 'bigint' ? String(v) : v)) };
          } catch (e) {
            expect(e).toBeInstanceOf(EngineError);
            expect(['FILE_FORMAT', 'FILE_EMPTY', 'UNSUPPORTED']).toContain((e as EngineError).code);
            expect((e as EngineError).file).toBe('fuzz.csv');
            return { error: (e as EngineError).message };
          }
        };
        expect(await outcome()).toEqual(await outcome());
        expect(engine.tables()).toEqual([]);
      }),
      { numRuns: 25, seed: SEED }
    );
  });
});

describe('compileRule on hostile names and values (fuzzed against DuckDB)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });

  const hostileChar = fc.constantFrom('a', 'B', ' ', "'", '"', '\\', ';', '-', '--', '/*', '*/', '%', '_', 'ä', 'Ä', 'ß', '🙂', 'ש', '\t', '\0', '1');
  const hostile = fc.array(hostileChar, { minLength: 1, maxLength: 8 }).map((cs) => cs.join(''));
  /** Names unique case-insensitively (DuckDB's identifiers are), none of them `id`; without NUL, which DuckDB refuses in names. */
  const names = fc.uniqueArray(hostile.map((n) => n.replaceAll('\0', '0')), { minLength: 2, maxLength: 2, selector: (n) => n.toLowerCase() }).filter((ns) => ns.every((n) => n.toLowerCase() !== 'id'));
  const textValue = fc.oneof(hostile, fc.constant(''));
  const numValue = fc.integer({ min: -4, max: 4 }).map((n) => n / 2);

  interface Table {
    text: string;
    num: string;
    rows: { id: number; text: string | null; num: number | null }[];
  }
  const table: fc.Arbitrary<Table> = names.chain(([text, num]) =>
    fc
      .array(fc.record({ text: fc.option(textValue, { nil: null }), num: fc.option(numValue, { nil: null }) }), { minLength: 1, maxLength: 12 })
      .map((rows) => ({ text, num, rows: rows.map((r, i) => ({ id: i + 1, ...r })) }))
  );

  const textCondition = (column: string): fc.Arbitrary<ColumnCondition> =>
    fc.oneof(
      fc.record({ op: fc.constantFrom('eq' as const, 'neq' as const, 'contains' as const, 'starts_with' as const), value: hostile }),
      fc.record({ op: fc.constantFrom('in' as const, 'not_in' as const), values: fc.array(textValue, { minLength: 1, maxLength: 3 }) }),
      fc.record({ op: fc.constantFrom('empty' as const, 'not_empty' as const) })
    ).map((c) => ({ type: 'condition', column, ...c }));
  const numCondition = (column: string): fc.Arbitrary<ColumnCondition> =>
    fc.oneof(
      fc.record({ op: fc.constantFrom('eq' as const, 'neq' as const, 'lt' as const, 'lte' as const, 'gt' as const, 'gte' as const), value: numValue }),
      fc.record({ op: fc.constant('between' as const), values: fc.tuple(numValue, numValue) }),
      fc.record({ op: fc.constant('in' as const), values: fc.array(numValue, { minLength: 1, maxLength: 3 }) })
    ).map((c) => ({ type: 'condition', column, ...c }));

  const rule = (t: Table): fc.Arbitrary<RuleGroup> => {
    const { tree } = fc.letrec<{ tree: Rule; group: RuleGroup }>((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, textCondition(t.text), numCondition(t.num), tie('group')),
      group: fc.record({ type: fc.constant('group' as const), op: fc.constantFrom('and' as const, 'or' as const), not: fc.boolean(), rules: fc.array(tie('tree'), { maxLength: 3 }) })
    }));
    return fc.record({ type: fc.constant('group' as const), op: fc.constantFrom('and' as const, 'or' as const), not: fc.boolean(), rules: fc.array(tree, { minLength: 1, maxLength: 3 }) });
  };

  it('selects the rows a JS evaluation selects', async () => {
    await fc.assert(
      fc.asyncProperty(
        table.chain((t) => fc.tuple(fc.constant(t), rule(t))),
        async ([t, r]) => {
          await engine.db.exec(String(sql`CREATE OR REPLACE TABLE fuzz (id INTEGER, ${ident(t.text)} VARCHAR, ${ident(t.num)} DOUBLE)`));
          const values = t.rows.map((row) => sql`(${row.id}, ${lit(row.text)}, ${lit(row.num)})`);
          await engine.db.exec(String(sql`INSERT INTO fuzz VALUES ${values}`));
          const where = compileRule(r, { table: 'fuzz', alias: '__e', key: 'id' });
          const got = await engine.db.rows<{ id: number }>(String(sql`SELECT id FROM fuzz AS "__e" WHERE ${where} ORDER BY id`));
          const want = t.rows.filter((row) => evaluate(r, t, row) === true).map((row) => row.id);
          expect(got.map((g) => g.id)).toEqual(want);
          expect(await engine.db.rows('SELECT count(*)::INTEGER AS n FROM fuzz')).toEqual([{ n: t.rows.length }]);
        }
      ),
      { numRuns: 150, seed: SEED }
    );
  });
});

type Three = boolean | null;

/** SQL's three-valued meaning of a rule on one row, as segment-rules.ts documents it. */
function evaluate(rule: Rule, t: { text: string; num: string }, row: { text: string | null; num: number | null }): Three {
  if (rule.type === 'group') {
    const parts = rule.rules.map((r) => evaluate(r, t, row));
    let body: Three;
    if (parts.length === 0) body = true;
    else if (rule.op === 'and') body = parts.includes(false) ? false : parts.includes(null) ? null : true;
    else body = parts.includes(true) ? true : parts.includes(null) ? null : false;
    return rule.not ? body !== true : body;
  }
  if (rule.type !== 'condition') throw new Error('behavioural conditions are not generated');
  const v = rule.column === t.text ? row.text : row.num;
  const cmp = (a: string | number, b: string | number) =>
    typeof a === 'string' ? Buffer.compare(Buffer.from(a), Buffer.from(String(b))) : Math.sign(a - Number(b));
  if (rule.op === 'empty') return v === null || String(v).replace(/^ +| +$/g, '') === '';
  if (rule.op === 'not_empty') return v !== null && String(v).replace(/^ +| +$/g, '') !== '';
  if (v === null) return null;
  const value = rule.value as string | number;
  switch (rule.op) {
    case 'eq':
      return cmp(v, value) === 0;
    case 'neq':
      return cmp(v, value) !== 0;
    case 'lt':
      return cmp(v, value) < 0;
    case 'lte':
      return cmp(v, value) <= 0;
    case 'gt':
      return cmp(v, value) > 0;
    case 'gte':
      return cmp(v, value) >= 0;
    case 'between':
      return cmp(v, rule.values![0] as number) >= 0 && cmp(v, rule.values![1] as number) <= 0;
    case 'in':
      return rule.values!.some((x) => cmp(v, x as string | number) === 0);
    case 'not_in':
      return rule.values!.every((x) => cmp(v, x as string | number) !== 0);
    case 'contains':
      return String(v).toLowerCase().includes(String(value).toLowerCase());
    case 'starts_with':
      return String(v).toLowerCase().startsWith(String(value).toLowerCase());
    default:
      throw new Error(`op ${rule.op} is not generated`);
  }
}
