import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLES, type Example } from '../../src/lib/ui/gallery/examples';
import { expect, openApp, shot, shotOf, test } from './fixtures';

interface NotebookFile {
  sources: { name: string }[];
  cells: { id: string; kind: string }[];
}

const notebookOf = (example: Example): NotebookFile => JSON.parse(readFileSync(path.resolve('static/samples', example.file), 'utf8'));

/** Opens the gallery from the sidebar and waits for its cards. */
async function openGallery(page: Page) {
  await page.click('[data-testid=gallery-open]');
  const gallery = page.getByRole('dialog', { name: 'Example gallery' });
  await expect(gallery.locator('[data-testid=gallery-card]')).toHaveCount(EXAMPLES.length);
  return gallery;
}

test('the gallery shows a card per example with its methods, data, licence and link', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 1300 });
  await openApp(page);
  const gallery = await openGallery(page);
  for (const example of EXAMPLES) {
    const card = gallery.locator(`[data-testid=gallery-card][data-example=${example.id}]`);
    await expect(card.locator('h3')).not.toBeEmpty();
    await expect(card.locator('.methods li').first()).toBeVisible();
    await expect(card.locator('[data-testid=gallery-dataset]')).toContainText(example.data.join(', '));
    await expect(card.locator('[data-testid=gallery-link]')).toHaveAttribute('href', `/?open=samples/${example.file}`);
  }
  await expect(gallery.locator('[data-example=churn] [data-testid=gallery-licence]')).toContainText('Apache-2.0');
  await expect(gallery.locator('[data-example=churn] [data-testid=gallery-licence]')).toContainText('IBM/telco-customer-churn-on-icp4d');
  await shot(page, 'gallery');
  await gallery.locator('[data-testid=gallery-close]').click();
  await expect(gallery).toHaveCount(0);
});

for (const example of EXAMPLES) {
  test(`opens the ${example.id} example from the gallery and runs every cell ok`, async ({ page }) => {
    test.setTimeout(240_000);
    const notebook = notebookOf(example);
    await openApp(page);
    const gallery = await openGallery(page);
    await gallery.locator(`[data-example=${example.id}] [data-testid=gallery-run]`).click();
    await expect(gallery).toHaveCount(0);
    for (const source of notebook.sources) {
      await expect(page.locator(`li[data-table="${source.name}"]`)).toHaveAttribute('data-rows', /^\d+$/, { timeout: 90_000 });
    }
    await expect(page.locator('[data-cell-id]')).toHaveCount(notebook.cells.length, { timeout: 60_000 });
    await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle', { timeout: 180_000 });
    const statuses = await page.locator('[data-cell-id]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-cell-id')}:${e.getAttribute('data-status')}`));
    // Markdown cells do not run: they stay idle.
    expect(statuses).toEqual(notebook.cells.map((c) => `${c.id}:${c.kind === 'markdown' ? 'idle' : 'ok'}`));
    const first = page.locator('[data-cell-kind=markdown]').first();
    await expect(first).toContainText('Deutsch.');
    await expect(first).toContainText('English.');
    if (example.id === 'survey' || example.id === 'churn') {
      // A German and an English notebook: the bilingual introduction, then the model's report in full.
      await page.setViewportSize({ width: 1400, height: 1400 });
      await first.scrollIntoViewIfNeeded();
      await shot(page, `gallery-${example.id}`);
      await page.setViewportSize({ width: 1400, height: 2400 });
      const report = page.locator(example.id === 'churn' ? '[data-cell-id=risk] [data-testid=lookalike-report]' : '[data-cell-id=cluster] [data-testid=cluster-report]');
      await shotOf(report, `gallery-${example.id}-report`);
    }
  });
}

test('an example opens by link and is shown before it runs', async ({ page }) => {
  await openApp(page, '?open=samples/churn.notebook.json');
  const preview = page.locator('[data-testid=opened-preview]');
  await expect(preview).toBeVisible({ timeout: 60_000 });
  await expect(preview).toContainText('Example: churn risk (IBM Telco)');
  await expect(page.locator('[data-cell-id]')).toHaveCount(0);
});
