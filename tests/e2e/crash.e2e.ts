import type { Page, Worker } from '@playwright/test';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addSqlCell, ARTIFACTS, expect, gridRows, loadFiles, openApp, settled, shot, shotOf, test } from './fixtures';

// Issue 8, point 5: when the engine dies the page says so, restarts it, reloads the tables, keeps
// every edit and re-runs the notebook only when asked.

const SAMPLES = path.resolve('static/samples');
const KUNDEN = path.join(SAMPLES, 'kunden.csv');
const BESTELLUNGEN = path.join(SAMPLES, 'bestellungen.csv');
/** A query that keeps DuckDB busy long enough to be "running" when it traps. */
const HEAVY = 'SELECT count(*) AS n, sum(i % 7) AS s\nFROM range(30000000) t(i)';

/** The engine's two workers: ours (Comlink) and the DuckDB-WASM worker it owns. */
function workers(page: Page): { engine: Worker; duckdb: Worker } {
  const all = page.workers();
  return {
    engine: all.find((w) => !w.url().includes('duckdb'))!,
    duckdb: all.find((w) => w.url().includes('duckdb-browser'))!
  };
}

/**
 * Makes the WebAssembly module trap inside the next statement containing `marker`, the way an
 * out-of-bounds access or an Emscripten abort surfaces: DuckDB-WASM's worker starts the query,
 * then the call throws a `RuntimeError`. Nothing in the app is changed for this.
 * @param duckdb DuckDB-WASM's worker
 * @param marker text of the statement to trap in
 */
async function trapInside(duckdb: Worker, marker: string): Promise<void> {
  await duckdb.evaluate((m) => {
    const bindings = (globalThis as unknown as { DUCKDB_BINDINGS: Record<string, (...a: unknown[]) => unknown> }).DUCKDB_BINDINGS;
    const start = bindings.startPendingQuery.bind(bindings);
    bindings.startPendingQuery = (conn: unknown, text: unknown, ...rest: unknown[]) => {
      const header = start(conn, text, ...rest);
      if (String(text).includes(m)) throw new WebAssembly.RuntimeError('memory access out of bounds');
      return header;
    };
  }, marker);
}

/** The notebook's SQL texts, as the editors show them. */
async function sqlTexts(page: Page): Promise<string[]> {
  return page.locator('[data-cell-kind=sql] .cm-content').allTextContents();
}

/** The autosaved draft in IndexedDB: its cells' SQL. */
async function draftSql(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('seglab');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('drafts').objectStore('drafts').get('current');
          get.onsuccess = () => {
            const cells = (get.result?.notebook?.cells ?? []) as { kind: string; sql?: string }[];
            resolve(cells.filter((c) => c.kind === 'sql').map((c) => c.sql ?? ''));
            open.result.close();
          };
          get.onerror = () => reject(get.error);
        };
      })
  );
}

test.describe('crash recovery', () => {
  test('a WASM trap mid-query: says which cell, restarts, reloads the tables, loses no edit, re-runs on request', async ({ page }) => {
    await openApp(page);
    await loadFiles(page, [KUNDEN, BESTELLUNGEN]);
    await expect(page.locator('li[data-table=bestellungen]')).toHaveAttribute('data-rows', '15000', { timeout: 60_000 });
    const first = page.locator('[data-cell-id]').first();
    await settled(page, first);
    const summe = await addSqlCell(page, 'SELECT count(*) AS kunden FROM kunden', 'summe');
    const before = await gridRows(summe);
    expect(before).toEqual([['2,000']]);

    const { duckdb } = workers(page);
    await trapInside(duckdb, 'range(30000000)');
    const heavy = await addSqlCell(page, HEAVY, 'schwer');
    const texts = await sqlTexts(page);

    const notice = page.locator('[data-testid=crash-notice]');
    await expect(notice).toBeVisible();
    await expect(notice.locator('[data-testid=crash-what]')).toContainText('cell “schwer”');
    await expect(notice.locator('[data-testid=crash-what]')).toContainText('memory access out of bounds');
    await expect(notice).toHaveAttribute('data-state', 'restarted', { timeout: 60_000 });
    await expect(page.locator('main')).toHaveAttribute('data-engine', 'ready');
    await expect(notice.locator('[data-testid=crash-reloaded]')).toContainText('kunden, bestellungen');
    await expect(page.locator('li[data-table=kunden]')).toHaveAttribute('data-rows', '2000');
    await expect(page.locator('li[data-table=bestellungen]')).toHaveAttribute('data-rows', '15000');
    await expect(page.locator('li[data-lost]')).toHaveCount(0);
    await notice.locator('summary').click();
    await expect(notice.locator('[data-testid=crash-sql]')).toHaveText(HEAVY);
    await shotOf(notice, 'crash-notice');

    // The crashed cell says why; nothing ran again by itself; every edit is on screen and saved.
    await expect(heavy).toHaveAttribute('data-status', 'error');
    await expect(heavy.locator('[data-testid=cell-error]')).toContainText('memory access out of bounds');
    await page.waitForTimeout(2000);
    await expect(page.locator('[data-cell-id][data-status=running], [data-cell-id][data-status=queued]')).toHaveCount(0);
    expect(await sqlTexts(page)).toEqual(texts);
    await expect(page.locator('[data-testid=autosave]')).toHaveAttribute('data-state', 'saved');
    const saved = await draftSql(page);
    expect(saved.map((q) => q.replaceAll('\n', ''))).toEqual(texts);
    expect(saved.at(-1)).toBe(HEAVY);
    await shot(page, 'crash-recovered');

    // Re-run on request: the same results, and the cell that crashed now runs on the new engine.
    await notice.locator('[data-testid=crash-rerun]').click();
    await expect(notice).toHaveCount(0);
    await settled(page, heavy);
    expect(await gridRows(summe)).toEqual(before);
    expect(await gridRows(heavy)).toEqual([['30,000,000', '89,999,995']]);
    await shot(page, 'crash-rerun');
  });

  test('a table whose file is gone after a crash is marked and can be re-attached', async ({ page }) => {
    const dir = path.join(ARTIFACTS, 'crash-lost');
    mkdirSync(dir, { recursive: true });
    const temp = path.join(dir, 'kunden.csv');
    copyFileSync(KUNDEN, temp);
    await openApp(page);
    await loadFiles(page, [temp, BESTELLUNGEN]);
    await expect(page.locator('li[data-table=bestellungen]')).toHaveAttribute('data-rows', '15000', { timeout: 60_000 });
    await expect(page.locator('li[data-table=kunden]')).toHaveAttribute('data-rows', '2000');
    await settled(page, page.locator('[data-cell-id]').first());
    rmSync(temp);

    await trapInside(workers(page).duckdb, 'range(30000000)');
    await addSqlCell(page, HEAVY);
    const notice = page.locator('[data-testid=crash-notice]');
    await expect(notice).toHaveAttribute('data-state', 'restarted', { timeout: 60_000 });
    await expect(notice.locator('[data-testid=crash-lost]')).toContainText('kunden');
    const lost = page.locator('li[data-table=kunden]');
    await expect(lost).toHaveAttribute('data-lost', 'true');
    await expect(page.locator('li[data-table=bestellungen]')).not.toHaveAttribute('data-lost', 'true');
    await shotOf(page.locator('section.sidebar'), 'crash-lost-table');

    await lost.locator('input[data-testid=table-reattach]').setInputFiles(KUNDEN);
    await expect(page.locator('li[data-table=kunden]:not([data-lost])')).toHaveAttribute('data-rows', '2000', { timeout: 60_000 });
    await expect(page.locator('li[data-table=kunden]')).toHaveCount(1);
  });

  test('an engine that stops answering while idle is noticed by the heartbeat and restarted', async ({ page }) => {
    await openApp(page);
    await loadFiles(page, [KUNDEN]);
    await expect(page.locator('li[data-table=kunden]')).toHaveAttribute('data-rows', '2000', { timeout: 60_000 });
    await settled(page, page.locator('[data-cell-id]').first());
    await workers(page).engine.evaluate(() => self.close());
    const notice = page.locator('[data-testid=crash-notice]');
    await expect(notice.locator('[data-testid=crash-what]')).toContainText('did not answer', { timeout: 30_000 });
    await expect(notice).toHaveAttribute('data-state', 'restarted', { timeout: 60_000 });
    await expect(notice.locator('[data-testid=crash-reloaded]')).toContainText('kunden');
    const cell = await addSqlCell(page, 'SELECT count(*) AS n FROM kunden');
    expect(await gridRows(cell)).toEqual([['2,000']]);
  });
});

test.describe('a page that dies mid-run', () => {
  test('restores the notebook without running it and offers the re-run', async ({ page }) => {
    await openApp(page);
    await loadFiles(page, [KUNDEN]);
    await expect(page.locator('li[data-table=kunden]')).toHaveAttribute('data-rows', '2000', { timeout: 60_000 });
    await settled(page, page.locator('[data-cell-id]').first());
    await page.click('[data-testid=add-sql]');
    const endless = page.locator('[data-cell-id]').nth(1);
    await endless.locator('[data-testid=cell-name]').fill('endlos');
    await endless.locator('[data-testid=cell-name]').press('Enter');
    await endless.locator('.cm-content').click();
    await page.keyboard.insertText('SELECT count(*) AS n FROM range(100000000000)');
    await endless.locator('.cm-content').press('Shift+Enter');
    await expect(endless).toHaveAttribute('data-status', 'running');
    await expect(page.locator('[data-testid=autosave]')).toHaveAttribute('data-state', 'saved');

    await page.reload();
    await expect(page.locator('main')).toHaveAttribute('data-engine', 'ready', { timeout: 60_000 });
    await page.locator('[data-testid=reattach-skip]').click();
    const notice = page.locator('[data-testid=crash-notice]');
    await expect(notice.locator('[data-testid=crash-what]')).toContainText('cell “endlos”');
    await expect(notice.locator('[data-testid=crash-what]')).toContainText('page closed');
    await page.waitForTimeout(1500);
    await expect(page.locator('[data-cell-id][data-status=running], [data-cell-id][data-status=queued]')).toHaveCount(0);
    await expect(page.locator('[data-cell-id]')).toHaveCount(2);
    await expect(notice.locator('[data-testid=crash-rerun]')).toBeEnabled();
  });
});

test.describe('memory gauge', () => {
  test('shows what the engine holds and warns before a load that will not fit', async ({ page }) => {
    const big = path.join(ARTIFACTS, 'gauge_orders.csv');
    const lines = ['id;kunde;betrag;kanal'];
    for (let i = 1; i <= 400_000; i++) lines.push(`${i};K${(i * 7919) % 100000};${(i % 997) + 1},${String(i % 100).padStart(2, '0')};${i % 3 ? 'Online' : 'Filiale'}`);
    writeFileSync(big, lines.join('\n') + '\n');

    await openApp(page, '?memory=8');
    await loadFiles(page, [BESTELLUNGEN]);
    await expect(page.locator('li[data-table=bestellungen]')).toHaveAttribute('data-rows', '15000', { timeout: 60_000 });
    const gauge = page.locator('[data-testid=memory-gauge]');
    await expect(gauge).toHaveAttribute('data-budget', String(8 * 1024 * 1024));
    await expect.poll(async () => Number(await gauge.getAttribute('data-used')), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect(gauge).toContainText('of 8.0 MB used');

    await loadFiles(page, [big]);
    await expect(page.locator('[data-testid=load-dialog]')).toBeVisible({ timeout: 60_000 });
    await expect(gauge).toHaveAttribute('data-level', 'over');
    await expect(gauge.locator('[data-testid=memory-next]')).toContainText('gauge_orders.csv');
    await expect(gauge.locator('[data-testid=memory-warning]')).toContainText('will probably not fit');
    await shotOf(gauge, 'memory-gauge');
    await shot(page, 'memory-gauge-dialog');
  });
});
