import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { addSqlCell, expect, gridRows, loadFiles, openApp, readGrid, shotOf, test } from './fixtures';

const SURVEY = path.resolve('static/samples/umfrage.csv');

async function download(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync((await file.path())!);
}

/** The number in a grid cell's text (`1,234`: the browser, and so the UI, is English). */
const count = (text: string) => Number(text.replace(/,/g, ''));

async function openSample(page: Page): Promise<void> {
  await openApp(page, '?sample=1');
  await expect(page.locator('[data-cell-id=channels]')).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle', { timeout: 60_000 });
}

/** Waits until the cell re-ran after an edit and is done. */
async function settled(page: Page, cell: Locator): Promise<void> {
  await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', /idle|error/, { timeout: 60_000 });
  await expect(cell).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
}

test.describe('segment cells', () => {
  test('build a segmentation with column and behavioural rules, see its SQL and members', async ({ page }) => {
    await openSample(page);
    await page.click('[data-testid=add-segment-cell]');
    const cell = page.locator('[data-cell-kind=segment]').last();
    await expect(cell).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
    await expect(cell.locator('[data-testid=segment-table]')).toHaveValue('kunden');
    await expect(cell.locator('[data-testid=segment-key]')).toHaveValue('Kundennummer');
    await cell.locator('[data-testid=cell-name]').fill('segs');
    await cell.locator('[data-testid=cell-name]').press('Enter');

    // Segment 1: Bayern AND at least 2 orders in the last 90 days (relative to 31.12.2025).
    const first = cell.locator('[data-testid=segment-def]').nth(0);
    await first.locator('[data-testid=segment-name]').fill('Aktiv in Bayern');
    await first.locator('[data-testid=segment-name]').press('Enter');
    await first.locator('[data-testid=add-condition]').first().click();
    const cond = first.locator('[data-testid=rule-condition]').first();
    await cond.locator('[data-testid=rule-column]').selectOption('Bundesland');
    await cond.locator('[data-testid=rule-value]').fill('Bayern');
    await cond.locator('[data-testid=rule-value]').press('Enter');
    await first.locator('[data-testid=add-behaviour]').first().click();
    const beh = first.locator('[data-testid=rule-behaviour]');
    await expect(beh.locator('[data-testid=beh-table]')).toHaveValue('bestellungen');
    await expect(beh.locator('[data-testid=beh-key]')).toHaveValue('Kundennummer');
    await beh.locator('[data-testid=beh-window]').selectOption('last_days');
    await beh.locator('[data-testid=beh-value]').fill('2');
    await beh.locator('[data-testid=beh-value]').press('Enter');
    await settled(page, cell);

    // Segment 2: NOT (Kanal = Filiale) — a negated group.
    await cell.locator('[data-testid=add-segment]').click();
    const second = cell.locator('[data-testid=segment-def]').nth(1);
    await second.locator('[data-testid=segment-name]').fill('Nicht Filiale');
    await second.locator('[data-testid=segment-name]').press('Enter');
    await second.locator('[data-testid=add-group]').click();
    const inner = second.locator('[data-testid=rule-group][data-depth="1"]');
    await inner.locator('[data-testid=rule-not]').check();
    await inner.locator('[data-testid=add-condition]').click();
    await inner.locator('[data-testid=rule-column]').selectOption('Kanal');
    await inner.locator('[data-testid=rule-value]').fill('Filiale');
    await inner.locator('[data-testid=rule-value]').press('Enter');
    await settled(page, cell);

    await expect(cell.locator('[data-testid=segment-sql] pre')).toContainText(`"__e"."Bundesland" = 'Bayern'`);
    await expect(cell.locator('[data-testid=segment-sql] pre')).toContainText('NOT coalesce');
    await shotOf(cell, 'segment-builder');

    // The same segmentation written by hand gives the same sizes.
    const check = await addSqlCell(
      page,
      `WITH hand AS (
  SELECT CASE
    WHEN k."Bundesland" = 'Bayern' AND (SELECT count(*) FROM bestellungen b WHERE b."Kundennummer" = k."Kundennummer" AND b."Bestelldatum" BETWEEN DATE '2025-10-03' AND DATE '2025-12-31') >= 2 THEN 'Aktiv in Bayern'
    WHEN k."Kanal" IS DISTINCT FROM 'Filiale' THEN 'Nicht Filiale'
    ELSE 'Rest' END AS segment
  FROM kunden k)
SELECT h.segment, h.n AS hand, s.n AS cell FROM (SELECT segment, count(*) AS n FROM hand GROUP BY ALL) h
FULL JOIN (SELECT segment, count(*) AS n FROM segs GROUP BY ALL) s USING (segment) ORDER BY segment`
    );
    const rows = await gridRows(check);
    expect(rows).toHaveLength(3);
    for (const [segment, hand, fromCell] of rows) {
      expect(fromCell, segment).toBe(hand);
      expect(count(hand)).toBeGreaterThan(0);
    }

    // Profile: sizes, a KPI against the base with its interval and index, flagged small segments.
    await cell.locator('[data-testid=segment-tab-profile]').click();
    await cell.locator('[data-testid=add-kpi]').click();
    const kpi = cell.locator('[data-testid=kpi-row]').first();
    await kpi.locator('[data-testid=kpi-column]').selectOption('Umsatz gesamt');
    await expect(cell.locator('[data-testid=profile-row]')).toHaveCount(3);
    const sizes = await cell.locator('[data-testid=profile-row]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-segment'), tr.getAttribute('data-size')]));
    const bySize = Object.fromEntries(rows.map(([segment, hand]) => [segment, String(count(hand))]));
    for (const [segment, size] of sizes) expect(size, segment!).toBe(bySize[segment!]);
    await expect(cell.locator('[data-testid=profile-row][data-segment="Aktiv in Bayern"]')).toHaveAttribute('data-warnings', '');
    await cell.locator('[data-testid=guard-minSize]').fill('100');
    await cell.locator('[data-testid=guard-minSize]').press('Enter');
    await expect(cell.locator('[data-testid=profile-row][data-segment="Aktiv in Bayern"]')).toHaveAttribute('data-warnings', 'too_small');
    await expect(cell.locator('[data-testid=profile-row][data-segment="Nicht Filiale"]')).toHaveAttribute('data-warnings', '');
    await expect(cell.locator('[data-testid=segment-charts] [data-testid=chart-view]')).toHaveCount(3);
    await shotOf(cell.locator('[data-testid=segment-profile]'), 'segment-profile');

    // Switch a segment to plain SQL: it starts from the compiled rules, and an edit re-runs the cell.
    await second.locator('[data-testid=segment-sql-mode]').click();
    await expect(second.locator('.cm-content')).toContainText(`NOT coalesce("__e"."Kanal" = 'Filiale', FALSE)`);
    await second.locator('.cm-content').click();
    await second.locator('.cm-content').press('ControlOrMeta+a');
    await page.keyboard.insertText(`"Kanal" = 'App'`);
    await second.locator('.cm-content').press('Shift+Enter');
    await settled(page, cell);
    const app = await addSqlCell(page, `SELECT count(*) FILTER (segment = 'Nicht Filiale') AS seg, (SELECT count(*) FROM kunden WHERE "Kanal" = 'App' AND "Kundennummer" NOT IN (SELECT "Kundennummer" FROM segs WHERE segment = 'Aktiv in Bayern')) AS hand FROM segs`);
    const [[seg, hand]] = await gridRows(app);
    expect(seg).toBe(hand);
    await second.locator('[data-testid=segment-rules-mode]').click();
    await settled(page, cell);
    await expect(second.locator('[data-testid=rule-group][data-depth="1"] [data-testid=rule-not]')).toBeChecked();

    const axe = await new AxeBuilder({ page }).include('[data-cell-kind=segment]').analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});

test('overlapping needs segments from a template: overlap, UpSet, transitions on a new file, a seeded sample and a safe CRM export', async ({ page }) => {
  test.setTimeout(180_000);
  await openSample(page);
  await loadFiles(page, [SURVEY]);
  await expect(page.locator('li[data-table=umfrage]')).toHaveAttribute('data-rows', '800');

  await page.click('[data-testid=add-segment-cell]');
  const cell = page.locator('[data-cell-kind=segment]').last();
  await cell.locator('[data-testid=cell-name]').fill('beduerfnisse');
  await cell.locator('[data-testid=cell-name]').press('Enter');
  await cell.locator('[data-testid=segment-table]').selectOption('umfrage');
  await expect(cell.locator('[data-testid=segment-key]')).toHaveValue('Kundennummer');
  await cell.locator('[data-testid=template]').selectOption('needs');
  await expect(cell.locator('[data-testid=template-columns] option:checked')).toHaveCount(5);
  await cell.locator('[data-testid=template-apply]').click();
  await expect(cell.locator('[data-testid=segment-def]')).toHaveCount(5);
  await expect(cell.locator('[data-testid=segment-mode]')).toHaveValue('overlapping');
  await settled(page, cell);

  // Overlap of two needs, checked against a hand-written count.
  await cell.locator('[data-testid=segment-tab-compare]').click();
  const both = cell.locator('[data-testid=overlap-cell][data-a="Preis wichtig"][data-b="Qualität wichtig"]');
  await expect(both).toHaveAttribute('data-both', /\d+/);
  const check = await addSqlCell(
    page,
    `SELECT count(*) FILTER ("Preis wichtig" >= 4 AND "Qualität wichtig" >= 4) AS both, count(*) FILTER ("Preis wichtig" >= 4) AS preis FROM umfrage`
  );
  const [[handBoth, handPreis]] = await gridRows(check);
  await expect(both).toHaveAttribute('data-both', String(count(handBoth)));
  await expect(cell.locator('[data-testid=overlap-cell][data-a="Preis wichtig"][data-b="Preis wichtig"]')).toHaveAttribute('data-both', String(count(handPreis)));
  await expect(cell.locator('[data-testid=segment-compare] [data-testid=chart-view]')).toHaveCount(2);
  await shotOf(cell.locator('[data-testid=segment-compare]'), 'segment-compare');

  // Keep the membership as a baseline, then load next month's survey under the same name.
  await cell.locator('[data-testid=segment-tab-changes]').click();
  await cell.locator('[data-testid=keep-baseline]').click();
  await expect(page.locator('li[data-table=beduerfnisse_baseline]')).toBeVisible();
  await expect(cell.locator('[data-testid=compare-with]')).toHaveValue('beduerfnisse_baseline');
  const summary = cell.locator('[data-testid=transition-summary]');
  await expect(summary).toHaveAttribute('data-new', '0');
  await expect(summary).toHaveAttribute('data-gone', '0');
  const rowsNow = await cell.locator('[data-testid=transition-row]').evaluateAll((trs) =>
    trs.filter((tr) => tr.getAttribute('data-from') === tr.getAttribute('data-to')).map((tr) => [tr.getAttribute('data-from'), Number(tr.getAttribute('data-count'))])
  );
  expect(rowsNow).toContainEqual(['Preis wichtig', count(handPreis)]);

  const lines = readFileSync(SURVEY, 'latin1').split('\r\n');
  // Everyone who rated price 4 now rates it 1; the last 50 customers are gone.
  const next = lines.slice(0, lines.length - 51).map((line, i) => (i === 0 ? line : line.replace(/^([^;]*);4;/, '$1;1;')));
  const dir = mkdtempSync(path.join(tmpdir(), 'seglab-'));
  writeFileSync(path.join(dir, 'umfrage.csv'), next.join('\r\n') + '\r\n', 'latin1');
  const dropped = lines.slice(lines.length - 51).filter(Boolean).length;
  const fours = lines.slice(1, lines.length - 51).filter((l) => /^[^;]*;4;/.test(l)).length;
  await page.locator('li[data-table=umfrage] [data-testid=drop-table]').click();
  await expect(page.locator('li[data-table=umfrage]')).toHaveCount(0);
  await loadFiles(page, [path.join(dir, 'umfrage.csv')]);
  await expect(page.locator('li[data-table=umfrage]')).toHaveAttribute('data-rows', String(800 - dropped));
  await settled(page, cell);
  const from = (to: string) => cell.locator(`[data-testid=transition-row][data-from="Preis wichtig"][data-to="${to}"]`);
  await expect(summary).not.toHaveAttribute('data-gone', '0');
  const stayed = Number(await from('Preis wichtig').getAttribute('data-count'));
  const check2 = await addSqlCell(page, `SELECT count(*) AS n FROM umfrage WHERE "Preis wichtig" = 5`);
  expect(stayed).toBe(count((await gridRows(check2))[0][0]));
  expect(fours).toBeGreaterThan(0);
  await shotOf(cell.locator('[data-testid=segment-changes]'), 'segment-changes');

  // A seeded sample: the same seed draws the same rows.
  await cell.locator('[data-testid=segment-tab-sample]').click();
  await cell.locator('[data-testid=sample-n]').fill('5');
  await cell.locator('[data-testid=sample-n]').press('Enter');
  await cell.locator('[data-testid=sample-draw]').click();
  await expect(cell.locator('[data-testid=sample-result]')).toHaveAttribute('data-rows', '25');
  const sampleGrid = cell.locator('[data-testid=segment-sample] [data-testid=result-grid]');
  const first = await readGrid(sampleGrid);
  expect(first.length).toBeGreaterThan(5);
  await cell.locator('[data-testid=sample-seed]').fill('2');
  await cell.locator('[data-testid=sample-draw]').click();
  await expect.poll(() => readGrid(sampleGrid)).not.toEqual(first);
  await cell.locator('[data-testid=sample-seed]').fill('1');
  await cell.locator('[data-testid=sample-draw]').click();
  await expect.poll(() => readGrid(sampleGrid)).toEqual(first);

  // CRM export: `;` + BOM; a column marked personal in the profile is left out even when chosen,
  // unless this export includes it, or pseudonymised with the notebook's salt.
  await page.locator('li[data-table=umfrage]').click();
  await page.locator('[data-testid=profile][data-table=umfrage] [data-column=Familienstand] [data-testid=pii-mark]').check();
  await cell.locator('[data-testid=segment-tab-export]').click();
  const csv = (await download(page, () => cell.locator('[data-testid=export-membership]').click())).toString('utf8');
  expect(csv.startsWith('\uFEFFKundennummer;segment;tags;small_segment')).toBe(true);
  expect(csv).not.toContain('Familienstand');
  await expect(cell.locator('[data-testid=export-pii][data-column=Familienstand]')).toBeVisible();
  await cell.locator('[data-testid=export-column][value=Familienstand]').check();
  const left = (await download(page, () => cell.locator('[data-testid=export-membership]').click())).toString('utf8');
  expect(left.split('\n')[0]).toBe('\uFEFFKundennummer;segment;tags;small_segment');
  await cell.locator('[data-testid=export-include][value=Familienstand]').check();
  await expect(cell.locator('[data-testid=export-warning]')).toBeVisible();
  await shotOf(cell.locator('[data-testid=segment-export]'), 'segment-export-personal');
  const clear = (await download(page, () => cell.locator('[data-testid=export-membership]').click())).toString('utf8');
  expect(clear.split('\n')[0]).toBe('\uFEFFKundennummer;segment;tags;Familienstand;small_segment');
  await expect(cell.locator('[data-testid=export-include][value=Familienstand]')).not.toBeChecked();
  await cell.locator('[data-testid=export-hash]').check();
  const hashed = (await download(page, () => cell.locator('[data-testid=export-membership]').click())).toString('utf8');
  await page.click('[data-testid=privacy-open]');
  const salt = await page.locator('[data-testid=privacy-salt]').inputValue();
  await page.click('[data-testid=privacy-close]');
  const [clearRow, hashedRow] = [clear, hashed].map((text) => text.split('\n')[1].split(';'));
  expect(hashedRow[0]).toBe(clearRow[0]);
  expect(hashedRow[3]).toBe(createHash('sha256').update(`${salt}${clearRow[3]}`).digest('hex'));

  // Aggregates single out no one: segments under k are suppressed (k = 270 here).
  await cell.locator('[data-testid=segment-tab-profile]').click();
  await cell.locator('[data-testid=guard-minExportSize]').fill('270');
  await cell.locator('[data-testid=guard-minExportSize]').press('Enter');
  await cell.locator('[data-testid=segment-tab-export]').click();
  await expect(cell.locator('[data-testid=export-small]')).not.toHaveAttribute('data-small', '0');
  const aggregates = (await download(page, () => cell.locator("[data-testid=export-summary]").click())).toString("utf8");
  const rows = aggregates.replace('\uFEFF', '').trim().split('\n').map((l) => l.split(';'));
  expect(rows[0]).toEqual(['segment', 'members', 'suppressed']);
  for (const [segment, members, suppressed] of rows.slice(1)) {
    if (suppressed === 'true') expect(members, segment).toBe('');
    else expect(Number(members), segment).toBeGreaterThanOrEqual(270);
  }
  expect(rows.slice(1).some((r) => r[2] === 'true')).toBe(true);
  await shotOf(cell.locator('[data-testid=segment-export]'), 'segment-export');
});

test('opens the segmentation example from the gallery and runs every cell', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page);
  await page.click('[data-testid=gallery-open]');
  await page.click('[data-testid=gallery-card][data-example=segments] [data-testid=gallery-run]');
  const cells = page.locator('[data-cell-id]');
  await expect(cells.first()).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('[data-cell-id=b2b_verhalten]')).toHaveAttribute('data-status', 'ok', { timeout: 120_000 });
  await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle', { timeout: 120_000 });
  const statuses = await cells.evaluateAll((els) => els.filter((e) => e.getAttribute('data-cell-kind') !== 'markdown').map((e) => `${e.getAttribute('data-cell-id')}:${e.getAttribute('data-status')}`));
  expect(statuses.filter((s) => !s.endsWith(':ok'))).toEqual([]);
  expect(statuses.length).toBeGreaterThan(10);
  const firms = page.locator('[data-cell-id=firmografie]');
  await firms.locator('[data-testid=segment-tab-profile]').click();
  await expect(firms.locator('[data-testid=profile-row]').first()).toBeVisible();
  await shotOf(firms, 'segment-sample-firmographic');
});
