import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const ARTIFACTS = path.resolve('tests/e2e/.artifacts');
export const REQUEST_LOG = path.join(ARTIFACTS, 'requests.jsonl');
export const FIXTURES = path.resolve('tests/fixtures');

interface Recorded {
  test: string;
  url: string;
  sameOrigin: boolean;
}

/**
 * Every test gets a page whose requests are all recorded (to `requests.jsonl`, summed up by the
 * global teardown) and whose off-origin requests are aborted before they leave and fail the
 * test. CSP violations reported on the console fail the test too.
 */
export const test = base.extend<{ offOrigin: string[] }>({
  offOrigin: [
    async ({ context, baseURL }, use, testInfo) => {
      const origin = new URL(baseURL!).origin;
      const off: string[] = [];
      mkdirSync(ARTIFACTS, { recursive: true });
      await context.route(
        (url) => !isLocal(url, origin),
        (route) => route.abort('blockedbyclient')
      );
      context.on('request', (req) => {
        const url = req.url();
        const sameOrigin = isLocal(new URL(url), origin);
        if (!sameOrigin) off.push(url);
        const rec: Recorded = { test: testInfo.titlePath.join(' › '), url, sameOrigin };
        appendFileSync(REQUEST_LOG, JSON.stringify(rec) + '\n');
      });
      await use(off);
      expect(off, 'requests to another origin').toEqual([]);
    },
    { auto: true }
  ],
  page: async ({ page }, use) => {
    const violations: string[] = [];
    page.on('console', (msg) => {
      if (/Content.Security.Policy|Refused to (load|connect|execute|create)/i.test(msg.text())) violations.push(msg.text());
    });
    await use(page);
    expect(violations, 'CSP violations').toEqual([]);
  }
});

function isLocal(url: URL, origin: string): boolean {
  return url.origin === origin || url.protocol === 'data:' || url.protocol === 'blob:';
}

/**
 * Opens the app and waits until the engine is ready.
 * @param page the page
 * @param query optional query string, e.g. `?sample=1`
 */
export async function openApp(page: Page, query = ''): Promise<void> {
  await page.goto(`./${query}`);
  await expect(page.locator('main[data-engine]')).toHaveAttribute('data-engine', 'ready', { timeout: 60_000 });
}

/**
 * Runs a notebook opened from a file or `?open=`: waits for its preview (nothing has run yet) and
 * clicks "Run notebook".
 * @param page the page
 */
export async function runOpened(page: Page): Promise<void> {
  const preview = page.locator('[data-testid=opened-preview]');
  await expect(preview).toBeVisible({ timeout: 60_000 });
  await preview.locator('[data-testid=opened-run]').click();
  await expect(preview).toHaveCount(0);
}

/**
 * Picks files through the file input and waits for their tables (by name) to appear.
 * @param page the page
 * @param files absolute paths
 */
export async function loadFiles(page: Page, files: string[]): Promise<void> {
  await page.setInputFiles('input[data-testid=file-input]', files);
}

/**
 * Saves a screenshot of one element, scrolled into view, for a person to look at
 * (tests/e2e/.artifacts/<name>.png).
 * @param target the element
 * @param name file stem
 */
export async function shotOf(target: Locator, name: string): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  await target.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/**
 * Waits until the notebook is idle again (or stopped at an error) and `cell` ran fine.
 * @param page the page
 * @param cell the cell's element
 */
export async function settled(page: Page, cell: Locator): Promise<void> {
  await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', /idle|error/, { timeout: 60_000 });
  await expect(cell).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
}

/**
 * Saves a screenshot of the window for a person to look at (tests/e2e/.artifacts/<name>.png).
 * @param page the page
 * @param name file stem
 */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/**
 * Adds a SQL cell at the end of the notebook, types `text` into its editor, optionally names it,
 * runs it with Shift+Enter and waits until it has finished (ok, error or skipped).
 * @param page the page
 * @param text the SQL
 * @param name the cell's name (its view), if any
 */
export async function addSqlCell(page: Page, text: string, name?: string): Promise<Locator> {
  const before = await page.locator('[data-cell-id]').count();
  await page.click('[data-testid=add-sql]');
  const cell = page.locator('[data-cell-id]').nth(before);
  await expect(cell).toHaveAttribute('data-cell-kind', 'sql');
  if (name) {
    await cell.locator('[data-testid=cell-name]').fill(name);
    await cell.locator('[data-testid=cell-name]').press('Enter');
  }
  await setSql(cell, text);
  await cell.locator('.cm-content').press('Shift+Enter');
  await expect(cell).toHaveAttribute('data-status', /^(ok|error|skipped)$/, { timeout: 60_000 });
  return cell;
}

/**
 * Replaces the text of a cell's SQL editor (select all, then insert, so auto-closing brackets do not
 * double up).
 * @param cell the cell
 * @param text the new SQL
 */
export async function setSql(cell: Locator, text: string): Promise<void> {
  const editor = cell.locator('.cm-content');
  await editor.click();
  await editor.press('ControlOrMeta+a');
  await cell.page().keyboard.insertText(text);
  await expect(editor).toHaveText(text.split('\n').join(''));
}

/**
 * Waits for a cell's run to end and returns the visible rows of its result grid as text.
 * @param cell the cell
 */
export async function gridRows(cell: Locator): Promise<string[][]> {
  await expect(cell).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  return readGrid(cell.locator('[data-testid=result-grid]'));
}

/**
 * The visible rows of a result grid as text.
 * @param grid the `[data-testid=result-grid]` element
 */
export async function readGrid(grid: Locator): Promise<string[][]> {
  await expect(grid).toBeVisible();
  return grid.locator('[role=row][aria-rowindex]').evaluateAll((rows) =>
    rows
      .filter((r) => Number(r.getAttribute('aria-rowindex')) > 1)
      .map((r) => Array.from(r.querySelectorAll('[role=gridcell]'), (c) => c.textContent?.trim() ?? ''))
  );
}

export { expect };
