import path from 'node:path';
import { expect, FIXTURES, loadFiles, openApp, shot, test } from './fixtures';

const BAD: [file: string, message: RegExp][] = [
  ['csv/empty.csv', /empty/i],
  ['csv/junk.csv', /not a text file/i],
  ['parquet/truncated.parquet', /parquet/i],
  ['xlsx/corrupt.xlsx', /excel|xlsx|workbook|zip/i],
  ['json/bad.json', /json/i]
];

test.describe('bad input', () => {
  test('names the file and the problem for each bad file and keeps the good table', async ({ page }) => {
    await openApp(page);
    await loadFiles(page, [path.join(FIXTURES, 'csv/tabs.tsv')]);
    await expect(page.locator('li[data-table=tabs]')).toBeVisible();
    await loadFiles(
      page,
      BAD.map(([f]) => path.join(FIXTURES, f))
    );
    for (const [f, message] of BAD) {
      const notice = page.locator(`[data-testid=notice][data-kind=error][data-file="${path.basename(f)}"]`);
      await expect(notice).toBeVisible();
      await expect(notice).toContainText(path.basename(f));
      await expect(notice).toContainText(message);
    }
    await expect(page.locator('li[data-table=tabs]')).toBeVisible();
    await expect(page.locator('main')).toHaveAttribute('data-engine', 'ready');
    await shot(page, 'bad-input');
  });

  test('loads ragged rows and says how many were padded', async ({ page }) => {
    await openApp(page);
    await loadFiles(page, [path.join(FIXTURES, 'csv/ragged.csv')]);
    const table = page.locator('li[data-table=ragged]');
    await expect(table).toBeVisible();
    await expect(table).toContainText(/ragged|padded|fields/i);
  });

  test('loads a header-only CSV as an empty table', async ({ page }) => {
    await openApp(page);
    await loadFiles(page, [path.join(FIXTURES, 'csv/header_only.csv')]);
    await expect(page.locator('li[data-table=header_only]')).toHaveAttribute('data-rows', '0');
  });
});
