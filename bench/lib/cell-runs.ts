import type { Locator, Page } from '@playwright/test';

/**
 * Waits for the notebook to stop running (idle, or error when a cell failed) and the cell to have
 * run again (its `data-ms` changed, or it failed) and returns its run time in seconds; throws (with
 * the cell's text) when the cell did not end `ok`.
 * @param page the page
 * @param cell the cell
 * @param before its `data-ms` before the run (null for its first run)
 */
export async function ran(page: Page, cell: Locator, before: string | null): Promise<number> {
  await page.locator('[data-testid=notebook]:not([data-run-state=running])').waitFor({ timeout: 1_800_000 });
  await page.waitForFunction(
    ([id, ms]) => {
      const el = document.querySelector(`[data-cell-id="${id}"]`);
      const status = el?.getAttribute('data-status');
      // A failed run may leave `data-ms` as it was, so a failure ends the wait as well.
      return status !== 'running' && (status === 'error' || el?.getAttribute('data-ms') !== ms);
    },
    [await cell.getAttribute('data-cell-id'), before] as const,
    { timeout: 1_800_000 }
  );
  const status = await cell.getAttribute('data-status');
  if (status !== 'ok') throw new Error(`cell ended ${status}: ${(await cell.innerText()).slice(0, 2000)}`);
  return Number(await cell.getAttribute('data-ms')) / 1000;
}
