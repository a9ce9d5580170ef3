import path from 'node:path';
import type { Page } from '@playwright/test';
import { deflateRawSync } from 'node:zlib';
import { addSqlCell, expect, FIXTURES, gridRows, loadFiles, openApp, shot, shotOf, test } from './fixtures';

/** The texts that tell which language the page is in. */
const TEXTS = {
  de: { heading: 'Daten hinzufügen', runAll: 'Alle ausführen', engine: 'Engine bereit', referenceDate: 'Stichtag', tables: 'Tabellen' },
  en: { heading: 'Add data', runAll: 'Run all', engine: 'Engine ready', referenceDate: 'Reference date', tables: 'Tables' }
};

/**
 * Checks that the page shows its texts in one language.
 * @param page the page
 * @param lang the expected language
 */
async function expectLanguage(page: Page, lang: 'de' | 'en') {
  const texts = TEXTS[lang];
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  await expect(page.getByTestId('ui-language')).toHaveValue(lang);
  await expect(page.locator('.sidebar h2').first()).toHaveText(texts.heading);
  await expect(page.getByTestId('run-all')).toHaveText(texts.runAll);
  await expect(page.locator('header.top .status')).toHaveText(texts.engine);
  await expect(page.locator('label:has([data-testid=reference-date])')).toContainText(texts.referenceDate);
  await expect(page.getByRole('region', { name: texts.tables })).toBeVisible();
}

test.describe('the app in German and English', () => {
  test.use({ locale: 'de-DE' });

  test('opens in the browser language, switches from the header and keeps the choice over a reload', async ({ page }) => {
    await openApp(page);
    await expectLanguage(page, 'de');
    const cell = await addSqlCell(page, 'SELECT 1234.5 AS betrag');
    expect(await gridRows(cell)).toEqual([['1.234,5']]);
    await expect(cell.locator('[data-testid=grid-caption]')).toHaveText('1 Zeile');

    await page.getByTestId('ui-language').selectOption('en');
    await expectLanguage(page, 'en');
    expect(await gridRows(cell)).toEqual([['1,234.5']]);
    await expect(cell.locator('[data-testid=grid-caption]')).toHaveText('1 row');

    await page.reload();
    await expect(page.locator('main[data-engine]')).toHaveAttribute('data-engine', 'ready', { timeout: 60_000 });
    await expectLanguage(page, 'en');

    await page.getByTestId('ui-language').selectOption('de');
    await expectLanguage(page, 'de');
    await page.reload();
    await expect(page.locator('main[data-engine]')).toHaveAttribute('data-engine', 'ready', { timeout: 60_000 });
    await expectLanguage(page, 'de');
  });

  test('shows the retail sample notebook in German and in English; generated names keep the notebook language', async ({ page }) => {
    await openApp(page, '?sample=1');
    await expect(page.locator('[data-cell-id=channels]')).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
    await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle', { timeout: 60_000 });
    await expectLanguage(page, 'de');
    await expect(page.getByTestId('locale')).toHaveValue('de');
    await expect(page.locator('label:has([data-testid=locale])')).toContainText('Sprache der Ergebnisse');
    await shot(page, 'i18n-notebook-de');

    await page.getByTestId('ui-language').selectOption('en');
    await expectLanguage(page, 'en');
    await expect(page.getByTestId('locale')).toHaveValue('de');
    await expect(page.locator('label:has([data-testid=locale])')).toContainText('Result language');
    await shot(page, 'i18n-notebook-en');
  });

  test('shows load warnings and errors from the engine in German, and in English after a switch', async ({ page }) => {
    await openApp(page);
    await expectLanguage(page, 'de');
    await loadFiles(page, [path.join(FIXTURES, 'csv/kunden_de_1252.csv'), path.join(FIXTURES, 'csv/empty.csv')]);
    const table = page.locator('li[data-table=kunden_de_1252]');
    await expect(table).toHaveAttribute('data-rows', '20');
    await expect(table.locator('.warnings')).toHaveText('Als Windows-1252 gelesen (kein gültiges UTF-8).');
    const error = page.locator('[data-testid=notice][data-kind=error][data-file="empty.csv"]');
    await expect(error).toContainText('empty.csv konnte nicht geladen werden: Die Datei ist leer (0 Bytes).');
    await shot(page, 'i18n-engine-de');

    await table.click();
    const umsatz = page.locator('article[data-column="Umsatz €"] .conversion');
    const plz = page.locator('article[data-column="PLZ"] .conversion');
    await expect(umsatz).toHaveText('Zahl deutsch (1.234,56)');
    await expect(plz).toHaveText('Text (führende Nullen erhalten)');
    await shotOf(page.locator('article[data-column="Umsatz €"]'), 'i18n-profile-de');

    await page.getByTestId('ui-language').selectOption('en');
    await expectLanguage(page, 'en');
    await expect(table.locator('.warnings')).toHaveText('Read as Windows-1252 (not valid UTF-8).');
    await expect(error).toContainText('The file is empty (0 bytes).');
    await expect(umsatz).toHaveText('German number (1.234,56)');
    await expect(plz).toHaveText('text (leading zeros kept)');
  });

  test('says what is wrong with a share link\'s notebook in German, and in English after a switch', async ({ page }) => {
    const doc = { format: 'seglab-notebook', version: 1, title: 't', sources: [], cells: [{ id: 'a b', kind: 'sql', sql: 'SELECT 1' }] };
    await openApp(page, `#nb=${deflateRawSync(JSON.stringify(doc)).toString('base64url')}`);
    await expectLanguage(page, 'de');
    const notice = page.locator('[data-testid=notice][data-kind=error]');
    await expect(notice).toContainText('Der geteilte Link konnte nicht geöffnet werden: cells[0].id: 1–64 Buchstaben, Ziffern, „_“ oder „-“ erwartet');
    await expect(page.locator('[data-testid=opened-preview]')).toHaveCount(0);
    await shot(page, 'i18n-share-invalid-de');

    await page.getByTestId('ui-language').selectOption('en');
    await expectLanguage(page, 'en');
    await expect(notice).toContainText('shared link could not be opened: cells[0].id: expected 1–64 letters, digits, "_" or "-"');
  });
});
