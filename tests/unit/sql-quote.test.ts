import { describe, expect, it } from 'vitest';
import { ident, join, lit, sql } from '../../src/lib/sql/quote';
import { tableNameFromFile, uniqueColumnNames, uniqueName } from '../../src/lib/sql/names';
import { openTestDb } from './helpers/db';

describe('ident', () => {
  it('doubles quotes and keeps spaces, umlauts and keywords', () => {
    expect(String(ident('Umsatz "netto" €'))).toBe('"Umsatz ""netto"" €"');
    expect(String(ident('select'))).toBe('"select"');
  });
});

describe('lit', () => {
  it('doubles single quotes, maps non-finite numbers to NULL and dates to DATE literals', () => {
    expect(String(lit("O'Brien'; DROP TABLE x; --"))).toBe("'O''Brien''; DROP TABLE x; --'");
    expect(String(lit(Number.NaN))).toBe('NULL');
    expect(String(lit(new Date(Date.UTC(2025, 11, 31))))).toBe("DATE '2025-12-31'");
    expect(String(lit(12345678901234567890n))).toBe('12345678901234567890');
  });
});

describe('sql', () => {
  it('refuses to splice a plain string', () => {
    const user = 'x; DROP TABLE t';
    expect(() => sql`SELECT * FROM ${user as never}`).toThrow(/refusing to splice/);
  });

  it('joins fragment arrays and renders numbers and booleans', () => {
    const cols = [ident('a'), ident('b c')];
    expect(String(sql`SELECT ${cols} FROM t LIMIT ${10} WHERE ${true}`)).toBe('SELECT "a", "b c" FROM t LIMIT 10 WHERE TRUE');
    expect(String(join([ident('x'), lit(1)], ' = '))).toBe('"x" = 1');
  });

  it('keeps hostile names and values inert when DuckDB runs them', async () => {
    const db = await openTestDb();
    const name = `t"; DROP TABLE keep; --`;
    const column = `a'b"c select`;
    const value = `'); DROP TABLE keep; --`;
    await db.exec('CREATE TABLE keep AS SELECT 1 AS x');
    await db.exec(String(sql`CREATE TABLE ${ident(name)} (${ident(column)} VARCHAR)`));
    await db.exec(String(sql`INSERT INTO ${ident(name)} VALUES (${lit(value)})`));
    const rows = await db.rows(String(sql`SELECT ${ident(column)} AS v FROM ${ident(name)}`));
    expect(rows).toEqual([{ v: value }]);
    expect(await db.rows('SELECT x FROM keep')).toEqual([{ x: 1 }]);
  });
});

describe('tableNameFromFile', () => {
  it('derives a typeable name and keeps umlauts', () => {
    expect(tableNameFromFile('Kunden Übersicht (2025).csv')).toBe('kunden_übersicht_2025');
    expect(tableNameFromFile('2025-orders.parquet')).toBe('t_2025_orders');
    expect(tableNameFromFile('.csv')).toBe('table');
  });
});

describe('uniqueName', () => {
  it('appends the first free number, comparing case-insensitively', () => {
    expect(uniqueName('kunden', ['Kunden', 'kunden_2'])).toBe('kunden_3');
    expect(uniqueName('neu', ['kunden'])).toBe('neu');
  });
});

describe('uniqueColumnNames', () => {
  it('names empty headers by position and numbers duplicates', () => {
    expect(uniqueColumnNames(['Name', '', 'name', null, 'Name'])).toEqual(['Name', 'column_2', 'name_2', 'column_4', 'Name_3']);
  });
});
