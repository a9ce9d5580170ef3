import path from 'node:path';
import { addSqlCell, expect, FIXTURES, gridRows, loadFiles, openApp, readGrid, shot, test } from './fixtures';
import type { Page } from '@playwright/test';

/** Runs SQL in a new notebook cell and returns the result's visible rows as text. */
async function runSql(page: Page, text: string): Promise<string[][]> {
  return gridRows(await addSqlCell(page, text));
}

test.describe('loading files', () => {
  test('loads a German Windows-1252 CSV with umlauts, decimal commas and dd.mm.yyyy dates', async ({ page }) => {
    await openApp(page);
    await loadFiles(page, [path.join(FIXTURES, 'csv/kunden_de_1252.csv')]);
    const table = page.locator('li[data-table=kunden_de_1252]');
    await expect(table).toHaveAttribute('data-rows', '20');
    await expect(table).toContainText('Windows-1252');
    const types = await runSql(page, `SELECT typeof(COLUMNS(*)) FROM kunden_de_1252 LIMIT 1`);
    expect(types[0]).toEqual(['VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'DOUBLE', 'BIGINT', 'DATE', 'TIMESTAMP', 'BOOLEAN']);
    const first = await runSql(
      page,
      `SELECT "Kundennr", "Name", "Ort", "Umsatz €"::VARCHAR, "Letzter Kauf"::VARCHAR FROM kunden_de_1252 ORDER BY "Kundennr" LIMIT 1`
    );
    expect(first[0]).toEqual(['00017', 'Jürgen Müller', 'Düsseldorf', '1234.56', '2025-12-31']);
    const totals = await runSql(page, `SELECT round(sum("Umsatz €"), 2)::VARCHAR, sum("Käufe")::VARCHAR FROM kunden_de_1252`);
    expect(totals[0]).toEqual(['12414396.67', '1824']);
    await shot(page, 'german-csv');
  });

  test('reloads a CSV under the same name when the user overrides the detected number format', async ({ page }) => {
    await openApp(page);
    await loadFiles(page, [path.join(FIXTURES, 'csv/kunden_de_1252.csv')]);
    const table = page.locator('li[data-table=kunden_de_1252]');
    await expect(table).toHaveAttribute('data-rows', '20');
    const reader = await addSqlCell(page, `SELECT typeof("Umsatz €") AS t FROM kunden_de_1252 LIMIT 1`);
    expect(await gridRows(reader)).toEqual([['DOUBLE']]);
    await table.locator('[data-testid=csv-options-toggle]').click();
    await expect(table.locator('select[data-testid=csv-number-locale]')).toHaveValue('de');
    await expect(table.locator('select[data-testid=csv-encoding]')).toHaveValue('windows-1252');
    await table.locator('select[data-testid=csv-number-locale]').selectOption('en');
    await table.locator('[data-testid=csv-reload]').click();
    await expect(page.locator('[data-testid=notice][data-kind=info]')).toContainText(/kunden_de_1252/);
    // The cell reading the table ran again on the reloaded data, so its result is not stale.
    await expect.poll(() => readGrid(reader.locator('[data-testid=result-grid]'))).toEqual([['VARCHAR']]);
    const types = await runSql(page, `SELECT typeof("Umsatz €"), typeof("Letzter Kauf"), count(*) OVER () FROM kunden_de_1252 LIMIT 1`);
    expect(types[0]).toEqual(['VARCHAR', 'DATE', '20']);
    await shot(page, 'csv-override');
  });

  test('loads TSV, Parquet, JSON, NDJSON and Arrow files dropped at once, one table each', async ({ page }) => {
    await openApp(page);
    await loadFiles(page, [
      path.join(FIXTURES, 'csv/tabs.tsv'),
      path.join(FIXTURES, 'parquet/small.parquet'),
      path.join(FIXTURES, 'json/customers.json'),
      path.join(FIXTURES, 'json/events.ndjson'),
      path.join(FIXTURES, 'arrow/small.arrow')
    ]);
    for (const [name, format] of [
      ['tabs', 'csv'],
      ['small', 'parquet'],
      ['customers', 'json'],
      ['events', 'ndjson'],
      ['small_2', 'arrow']
    ]) {
      await expect(page.locator(`li[data-table=${name}]`)).toHaveAttribute('data-format', format);
    }
    await expect(page.locator('li[data-table=small]')).toHaveAttribute('data-rows', '1000');
    await shot(page, 'formats');
  });

  test('asks which sheet of a two-sheet workbook to load', async ({ page }) => {
    await openApp(page);
    await loadFiles(page, [path.join(FIXTURES, 'xlsx/two_sheets.xlsx')]);
    const dialog = page.locator('[data-testid=load-dialog]');
    await expect(dialog).toBeVisible();
    await expect(dialog.locator('select[data-testid=sheet-select] option')).toHaveText(['Kunden', 'Umsatz']);
    await shot(page, 'xlsx-dialog');
    await dialog.locator('select[data-testid=sheet-select]').selectOption('Umsatz');
    await dialog.locator('[data-testid=load-confirm]').click();
    await expect(page.locator('li[data-table=two_sheets]')).toHaveAttribute('data-format', 'xlsx');
  });

  test('keeps odd column names queryable and lets the user rename a table', async ({ page }) => {
    await openApp(page);
    await loadFiles(page, [path.join(FIXTURES, 'csv/weird_columns.csv')]);
    const table = page.locator('li[data-table=weird_columns]');
    await expect(table).toBeVisible();
    const input = table.locator('input[data-testid=table-name]');
    await input.fill('Kunden "Süd" select');
    await input.press('Enter');
    await expect(page.locator('li[data-table="Kunden \\"Süd\\" select"]')).toBeVisible();
    const rows = await runSql(page, `SELECT count(*)::VARCHAR AS n FROM "Kunden ""Süd"" select"`);
    expect(rows[0][0]).toMatch(/^[1-9]\d*$/);
  });
});
