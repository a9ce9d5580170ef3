import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { ARTIFACTS, expect, openApp, runOpened, test } from './fixtures';

interface SampleCell {
  id: string;
  kind: string;
  text?: string;
}

const notebook = (file: string) => JSON.parse(readFileSync(path.resolve('static/samples', file), 'utf8')) as { title: string; cells: SampleCell[] };

/** The Markdown headings of a notebook's cells, as text. */
function headings(cells: SampleCell[]): string[] {
  return cells.flatMap((c) => (c.kind === 'markdown' ? (c.text ?? '').split('\n').flatMap((line) => /^#{1,6}\s+(.+)$/.exec(line)?.[1]?.trim() ?? []) : []));
}

/** The text as the report escapes it. */
const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Opens an example, runs it and waits until every cell ran and every chart on the page is drawn. */
async function openAndRun(page: Page, file: string): Promise<void> {
  await openApp(page, `?open=samples/${file}`);
  await runOpened(page);
  await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle', { timeout: 120_000 });
  for (const cell of notebook(file).cells.filter((c) => c.kind !== 'markdown')) {
    await expect(page.locator(`[data-cell-id="${cell.id}"]`)).toHaveAttribute('data-status', 'ok');
  }
}

/** Clicks "Export report (HTML)" and returns the file's name and text. */
async function exportReport(page: Page): Promise<{ name: string; html: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-report]').click()]);
  return { name: download.suggestedFilename(), html: readFileSync((await download.path())!, 'utf8') };
}

/** Shows the report in a fresh page of the same browser and returns every request the page made. */
async function showOffline(page: Page, html: string): Promise<{ report: Page; requests: string[] }> {
  const report = await page.context().newPage();
  const requests: string[] = [];
  report.on('request', (r) => requests.push(r.url()));
  await report.setContent(html, { waitUntil: 'load' });
  return { report, requests };
}

/** A cell's section of the report. */
function section(html: string, cellId: string): string {
  const start = html.indexOf(`<section class="cell" id="cell-${cellId}">`);
  expect(start, cellId).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</section>', start));
}

/** The text of every cell of a report section's first table, by row. */
function firstTable(html: string, cellId: string): string[][] {
  const cell = section(html, cellId);
  const body = cell.slice(cell.indexOf('<tbody>'), cell.indexOf('</tbody>'));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]));
}

test('the value example exports one self-contained HTML report with its Markdown, tables and charts', async ({ page }) => {
  test.setTimeout(240_000);
  await openAndRun(page, 'value.notebook.json');
  const { name, html } = await exportReport(page);
  writeFileSync(path.join(ARTIFACTS, 'report-value.html'), html);
  const doc = notebook('value.notebook.json');

  expect(name).toBe('Beispiel_Kundenwert_RFM_CLV_Profitabilität_Kohorten.html');
  expect(html).toContain(`<title>${escaped(doc.title)}</title>`);
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
  expect(html).toContain('<dt>Reference date</dt><dd>2025-12-31</dd>');
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/\s(?:src|href|xlink:href|action|srcset|poster|background)\s*=\s*["']?\s*(?:https?:|\/\/)/i);
  for (const heading of headings(doc.cells)) expect(html, heading).toMatch(new RegExp(`<h[1-6][^>]*>${escaped(heading).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</h[1-6]>`));
  const svgs = (html.match(/<svg/g) ?? []).length;
  for (const id of ['rfm', 'clv', 'stufen', 'kohorten']) expect(section(html, id), id).toContain('<svg');
  expect(svgs).toBeGreaterThanOrEqual(12);

  // The SQL cell's first row, as the browser's own CSV download of the cell writes it.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-cell-id=kosten] [data-testid=download-csv]').click()]);
  const [header, first] = readFileSync((await csv.path())!, 'utf8').trim().split('\n').map((line) => line.split(','));
  const row = firstTable(html, 'kosten')[0];
  const key = header.indexOf('Kundennummer');
  const cost = header.indexOf('servicekosten');
  expect(row).toContain(first[key]);
  expect(row).toContain(new Intl.NumberFormat('de-DE', { maximumFractionDigits: 4 }).format(Number(first[cost])));
  expect(firstTable(html, 'kosten')).toHaveLength(50);
  expect(html).toMatch(/<p class="count">First 50 of [\d.]+ rows<\/p>/);
  expect(html).toContain('<figcaption>Members per segment (segments under 10 members suppressed)</figcaption>');

  // The sample's customers carry names and e-mail addresses: detected as personal, left out and named.
  expect(html).toMatch(/Personal-data columns are left out of every result table: [^<]*E-Mail/);
  expect(html).not.toContain('@example.com');

  const { report, requests } = await showOffline(page, html);
  await report.setViewportSize({ width: 1100, height: 1400 });
  await report.screenshot({ path: path.join(ARTIFACTS, 'report-top.png') });
  await report.locator('figure.chart').first().scrollIntoViewIfNeeded();
  await report.screenshot({ path: path.join(ARTIFACTS, 'report-charts.png') });
  await report.emulateMedia({ media: 'print' });
  await report.screenshot({ path: path.join(ARTIFACTS, 'report-print.png') });
  expect(requests).toEqual([]);
  expect(Buffer.byteLength(html)).toBeLessThan(3_000_000);
  test.info().annotations.push({ type: 'report', description: `${Buffer.byteLength(html)} bytes, ${svgs} SVG` });
});

test('the campaign example reports its A/B tests and KPI board with their tables and charts', async ({ page }) => {
  test.setTimeout(240_000);
  await openAndRun(page, 'campaign.notebook.json');
  const { html } = await exportReport(page);
  writeFileSync(path.join(ARTIFACTS, 'report-campaign.html'), html);
  const doc = notebook('campaign.notebook.json');

  for (const heading of headings(doc.cells)) expect(html, heading).toContain(escaped(heading));
  for (const id of ['ab_konversion', 'ab_umsatz', 'kpis']) expect(section(html, id), id).toContain('<svg');
  await page.locator('[data-cell-id=ab_konversion] [data-testid=abtest-tab-summary]').click();
  const figures = await page.locator('[data-cell-id=ab_konversion] [data-testid=abtest-summary] tbody tr').nth(1).locator('td.n').allTextContents();
  expect(figures.length).toBeGreaterThanOrEqual(5);
  expect(firstTable(html, 'ab_konversion')[1]).toEqual(expect.arrayContaining(figures.map((s) => escaped(s.trim()))));

  const { report, requests } = await showOffline(page, html);
  await report.setViewportSize({ width: 1100, height: 1400 });
  await report.locator('#cell-ab_konversion').scrollIntoViewIfNeeded();
  await report.screenshot({ path: path.join(ARTIFACTS, 'report-campaign-ab.png') });
  await report.locator('#cell-kpis figure.chart').scrollIntoViewIfNeeded();
  await report.screenshot({ path: path.join(ARTIFACTS, 'report-campaign-kpis.png') });
  expect(requests).toEqual([]);
});

test('a notebook opened without running exports a report that lists its cells as not run, with a notice', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page, '?open=samples/campaign.notebook.json');
  const preview = page.locator('[data-testid=opened-preview]');
  await preview.locator('[data-testid=opened-open]').click();
  await expect(preview).toHaveCount(0);
  await expect(page.locator('li[data-table=kampagne_ereignisse]')).toHaveAttribute('data-rows', '27805', { timeout: 60_000 });
  await expect(page.locator('[data-testid=export-report]')).toBeEnabled();
  const { html } = await exportReport(page);

  const notRun = ['ab_konversion', 'ab_umsatz', 'kpi_board'];
  expect(html).toContain(`<li>Not run: ${notRun.join(', ')}. These cells show no output in this report.</li>`);
  for (const id of ['ab_konversion', 'ab_umsatz', 'kpis']) expect(section(html, id)).toContain('<p class="note">Not run.</p>');
  expect(html).not.toContain('<svg');
  await expect(page.locator('[data-testid=notice][data-kind=info]').filter({ hasText: 'Not run, so without output in it' })).toContainText(notRun.join(', '));
});
