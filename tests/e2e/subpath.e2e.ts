import path from 'node:path';
import { SUB_PATH } from '../../playwright.config';
import { expect, FIXTURES, loadFiles, shot, test } from './fixtures';

test('works when served under a sub-path set at build time', async ({ page, baseURL }) => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.goto(`${baseURL}${SUB_PATH}/`);
  await expect(page.locator('main[data-engine]')).toHaveAttribute('data-engine', 'ready', { timeout: 60_000 });
  await loadFiles(page, [path.join(FIXTURES, 'csv/tabs.tsv')]);
  await expect(page.locator('li[data-table=tabs]')).toBeVisible();
  const outside = requests.filter((p) => !p.startsWith(`${SUB_PATH}/`));
  expect(outside).toEqual([]);
  expect(requests.some((p) => p.endsWith('.wasm'))).toBe(true);
  await shot(page, 'subpath');
});
