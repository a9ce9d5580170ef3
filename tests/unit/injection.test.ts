/**
 * Issue 8, point 4: names and values are untrusted. SQL-looking file names, column names, cell
 * names, segment names and rule values from an opened notebook are quoted, never executed; CSV
 * exports neutralise formulas.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { exportCsv } from '../../src/lib/engine/export';
import { runNotebook } from '../../src/lib/engine/run-notebook';
import { parseNotebook, readNotebook } from '../../src/lib/notebook/validate';
import { ident, lit, sql } from '../../src/lib/sql/quote';
import { file, openTestEngine } from './helpers/db';

const PAYLOADS = [`"; DROP TABLE victim; --`, `'); DROP TABLE victim; --`, `x" OR 1=1 --`, `a\\"; /* */ DROP TABLE victim`, `\u0000"; DROP TABLE victim; --`];

describe('SQL injection through names and values', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });

  async function victimRows(): Promise<number> {
    const [{ n }] = await engine.db.rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM victim');
    return n;
  }

  it('keeps file names, column names and values inert', async () => {
    await engine.db.exec('CREATE OR REPLACE TABLE victim AS SELECT 1 AS id');
    const header = PAYLOADS.slice(0, 4).map((p) => `"${p.replaceAll('"', '""')}"`).join(',');
    const info = await engine.load(file(`${PAYLOADS[0]}.csv`, `${header}\n1,2,3,4\n`));
    expect(info.name).toBe('drop_table_victim');
    expect(info.columns.map((c) => c.name)).toEqual(PAYLOADS.slice(0, 4));
    const [values] = await engine.db.rows<Record<string, number>>(String(sql`SELECT * FROM ${ident(info.name)}`));
    expect(Object.values(values)).toEqual([1, 2, 3, 4]);
    const renamed = await engine.renameTable(info.name, PAYLOADS[1]);
    await engine.profile(renamed.name);
    await engine.dropTable(renamed.name);
    expect(await victimRows()).toBe(1);
  });

  it('quotes NUL in values instead of ending the literal early', async () => {
    for (const p of PAYLOADS) expect(await engine.db.rows(String(sql`SELECT ${lit(p)} AS v`))).toEqual([{ v: p }]);
  });

  it('runs an opened notebook whose names and rule values carry SQL as plain text', async () => {
    await engine.db.exec('CREATE OR REPLACE TABLE victim AS SELECT 1 AS id');
    const [evil, evil2, evil3] = PAYLOADS;
    const text = JSON.stringify({
      format: 'seglab-notebook',
      version: 1,
      title: `<img src=x onerror=alert(1)> ${evil}`,
      sources: [{ name: evil, path: `${evil}.csv` }],
      cells: [
        { id: 'c1', kind: 'sql', name: evil2, sql: `SELECT * FROM ${String(ident(evil))}` },
        {
          id: 'c2',
          kind: 'segment',
          name: evil3,
          table: evil2,
          key: 'id',
          exclusive: true,
          rest: evil,
          segments: [
            { name: evil2, rule: { type: 'group', op: 'or', rules: [{ type: 'condition', column: evil, op: 'eq', value: evil2 }] } },
            { name: PAYLOADS[3], rule: { type: 'group', op: 'and', rules: [{ type: 'condition', column: evil, op: 'in', values: [evil, evil3, PAYLOADS[4]] }] } }
          ]
        }
      ]
    });
    const notebook = readNotebook(text);
    const csv = `id,"${evil.replaceAll('"', '""')}"\n1,"${evil2.replaceAll('"', '""')}"\n2,"${evil.replaceAll('"', '""')}"\n3,plain\n`;
    const run = await runNotebook(engine, notebook, { openSource: () => file(`${evil}.csv`, csv) });
    expect(run.cells.map((c) => [c.id, c.status])).toEqual([
      ['c1', 'ok'],
      ['c2', 'ok']
    ]);
    const members = await engine.db.rows<{ id: number; segment: string }>(String(sql`SELECT id, segment FROM ${ident(evil3)} ORDER BY id`));
    expect(members).toEqual([
      { id: 1, segment: evil2 },
      { id: 2, segment: PAYLOADS[3] },
      { id: 3, segment: evil }
    ]);
    expect(await victimRows()).toBe(1);
  });

  it('refuses reserved and malformed names in an opened notebook', () => {
    const bad = parseNotebook(
      JSON.stringify({ format: 'seglab-notebook', version: 1, title: 't', sources: [{ name: '__seglab_loading_1', path: 'a.csv' }], cells: [{ id: 'c', kind: 'sql', name: ` ${PAYLOADS[0]} `, sql: 'SELECT 1' }] })
    );
    expect(bad.ok).toBe(false);
  });
});

describe('exportCsv against CSV injection', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });

  it('prefixes formula-like text and header names with a quote and leaves numbers and dates alone', async () => {
    await engine.db.exec(`CREATE OR REPLACE TABLE f AS SELECT * FROM (VALUES
      (1, '=HYPERLINK("https://evil.invalid","x")', -5, DATE '2024-01-02', ['=a']),
      (2, '+cmd', 3, NULL, []),
      (3, '-1+1', 0, NULL, NULL),
      (4, '@SUM(A1)', 1, NULL, NULL),
      (5, chr(9) || 'tab', 2, NULL, NULL),
      (6, chr(13) || 'cr', 2, NULL, NULL),
      (7, 'plain = fine', 2, NULL, NULL),
      (8, NULL, NULL, NULL, NULL)
    ) AS t(id, "=text", n, d, l)`);
    const { bytes, rows } = await exportCsv(engine.db, { table: 'f' });
    expect(rows).toBe(8);
    expect(new TextDecoder().decode(bytes)).toBe(
      [
        `id,'=text,n,d,l`,
        `1,"'=HYPERLINK(""https://evil.invalid"",""x"")",-5,2024-01-02,['=a']`,
        `2,'+cmd,3,,[]`,
        `3,'-1+1,0,,`,
        `4,'@SUM(A1),1,,`,
        `5,'\ttab,2,,`,
        `6,"'\rcr",2,,`,
        `7,plain = fine,2,,`,
        `8,,,,`,
        ''
      ].join('\n')
    );
  });

  it('neutralises the result of a query too, keeping its row order', async () => {
    const { bytes } = await exportCsv(engine.db, { sql: `SELECT '-' || i AS v FROM range(3) t(i) ORDER BY i DESC;` });
    expect(new TextDecoder().decode(bytes)).toBe("v\n'-2\n'-1\n'-0\n");
  });
});
