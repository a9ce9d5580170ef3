import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, expect, gridRows, loadFiles, openApp, settled, shot, shotOf, test } from './fixtures';

// Issue 8, point 6: an opened notebook is data, not code. It is shown before it runs, and when it
// runs its SQL reaches the loaded tables only: remote reads, extensions, other files and settings
// changes fail with DuckDB's own clear message, and the page makes no request for them (the
// fixture fails the test on any off-origin request).

const SAMPLES = path.resolve('static/samples');
const KUNDEN = path.join(SAMPLES, 'kunden.csv');

/** Cell id → SQL, and the message each must fail with (`null`: runs fine). */
const HOSTILE: [string, string, RegExp | null][] = [
  ['remote', "SELECT * FROM read_csv('https://example.com/kunden.csv')", /Permission Error: Cannot access file "https:\/\/example\.com\/kunden\.csv"/],
  ['remote_scan', "SELECT * FROM 'https://example.com/kunden.parquet'", /Permission Error|Catalog Error/],
  ['unlock', 'SELECT 1 AS a;\nSET enable_external_access = true', /configuration has been locked/],
  ['relock', 'SELECT 1 AS a;\nSET lock_configuration = false', /configuration has been locked/],
  ['load_httpfs', 'SELECT 1 AS a;\nLOAD httpfs', /Loading external extensions is disabled/],
  ['attach', "SELECT 1 AS a;\nATTACH 'https://example.com/x.duckdb' AS remote_db", /Permission Error/],
  ['passwd', "SELECT * FROM read_text('/etc/passwd')", /Permission Error: Cannot access file "\/etc\/passwd"/],
  ['copy_out', "SELECT 1 AS a;\nCOPY (SELECT * FROM kunden) TO '/tmp/kunden.csv'", /Permission Error/],
  // DuckDB-WASM's INSTALL records a name and fetches nothing (LOAD would, and fails above).
  ['install', 'SELECT 1 AS a;\nINSTALL httpfs', null],
  ['local', 'SELECT count(*) AS n FROM kunden', null]
];

function hostileNotebook(): string {
  return JSON.stringify({
    format: 'seglab-notebook',
    version: 1,
    title: 'Hostile',
    settings: { locale: 'en' },
    sources: [{ name: 'kunden', path: 'kunden.csv' }],
    cells: [
      { id: 'intro', kind: 'markdown', text: '<img src=x onerror="alert(1)"> Looks harmless.' },
      ...HOSTILE.map(([id, sql]) => ({ id, kind: 'sql', name: id, sql }))
    ]
  });
}

test.describe('opened notebooks', () => {
  test('are shown before they run, and their SQL cannot leave the loaded tables', async ({ page }) => {
    const dir = path.join(ARTIFACTS, 'opened');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'hostile.seglab.json');
    writeFileSync(file, hostileNotebook());

    await openApp(page);
    await loadFiles(page, [KUNDEN]);
    await expect(page.locator('li[data-table=kunden]')).toHaveAttribute('data-rows', '2000', { timeout: 60_000 });
    await settled(page, page.locator('[data-cell-id]').first());
    const before = await page.locator('[data-cell-id]').count();

    page.once('dialog', (d) => d.accept());
    await page.setInputFiles('input[data-testid=open-notebook-input]', file);
    const preview = page.locator('[data-testid=opened-preview]');
    await expect(preview).toBeVisible();
    await expect(preview.locator('[data-testid=opened-source][data-source=kunden]')).toHaveAttribute('data-status', 'loaded');
    await expect(preview.locator('[data-testid=opened-cell]')).toHaveCount(HOSTILE.length + 1);
    await expect(preview.locator('[data-testid=opened-cell][data-cell=remote] pre')).toHaveText(HOSTILE[0][1]);
    await expect(preview.locator('[data-testid=opened-cell][data-cell=intro]')).toContainText('<img src=x');
    await expect(preview.locator('img')).toHaveCount(0);
    await shotOf(preview, 'opened-preview');

    // Nothing ran: the old notebook is still there, untouched.
    await page.waitForTimeout(1500);
    await expect(page.locator('[data-cell-id]')).toHaveCount(before);
    await expect(page.locator('[data-cell-id=remote]')).toHaveCount(0);

    await preview.locator('[data-testid=opened-run]').click();
    await expect(preview).toHaveCount(0);
    await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', /idle|error/, { timeout: 60_000 });
    for (const [id, , error] of HOSTILE) {
      const cell = page.locator(`[data-cell-id=${id}]`);
      if (error) {
        await expect(cell, id).toHaveAttribute('data-status', 'error', { timeout: 60_000 });
        await expect(cell.locator('[data-testid=cell-error]'), id).toContainText(error);
      } else {
        await expect(cell, id).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
      }
    }
    expect(await gridRows(page.locator('[data-cell-id=local]'))).toEqual([['2,000']]);
    await shot(page, 'opened-hostile-ran');
  });

  test('?open= shows the notebook and the files that came with it before it runs', async ({ page }) => {
    const notebook = readFileSync(path.join(SAMPLES, 'retail.notebook.json'));
    await page.route('**/e2e-opened/**', (route) => {
      const name = new URL(route.request().url()).pathname.split('/').pop()!;
      const body = name.endsWith('.json') ? notebook : readFileSync(path.join(SAMPLES, name));
      return route.fulfill({ body, contentType: name.endsWith('.json') ? 'application/json' : 'text/csv' });
    });
    await openApp(page, '?open=e2e-opened/retail.notebook.json');
    const preview = page.locator('[data-testid=opened-preview]');
    await expect(preview).toBeVisible({ timeout: 60_000 });
    await expect(preview.locator('[data-testid=opened-source][data-source=kunden]')).toHaveAttribute('data-status', 'included');
    await expect(page.locator('li[data-table]')).toHaveCount(0);
    await expect(page.locator('[data-cell-id]')).toHaveCount(0);

    await preview.locator('[data-testid=opened-open]').click();
    await expect(page.locator('li[data-table=kunden]')).toHaveAttribute('data-rows', '2000', { timeout: 60_000 });
    await page.waitForTimeout(1500);
    const statuses = await page.locator('[data-cell-id][data-cell-kind=sql]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['idle']));
  });
});
