import type { Locator, Page } from '@playwright/test';

/**
 * Waits for the notebook to be idle and the cell to have run again (its `data-ms` changed) and
 * returns its run time in seconds; throws when the cell did not end `ok`.
 * @param page the page
 * @param cell the cell
 * @param before its `data-ms` before the run (null for its first run)
 */
export async function ran(page: Page, cell: Locator, before: string | null): Promise<number> {
  await page.locator('[data-testid=notebook][data-run-state=idle]').waitFor({ timeout: 1_800_000 });
  await page.waitForFunction(
    ([id, ms]) => {
      const el = document.querySelector(`[data-cell-id="${id}"]`);
      return el?.getAttribute('data-status') !== 'running' && el?.getAttribute('data-ms') !== ms;
    },
    [await cell.getAttribute('data-cell-id'), before] as const,
    { timeout: 1_800_000 }
  );
  const status = await cell.getAttribute('data-status');
  if (status !== 'ok') throw new Error(`cell ended ${status}: ${(await cell.innerText()).slice(0, 2000)}`);
  return Number(await cell.getAttribute('data-ms')) / 1000;
}
