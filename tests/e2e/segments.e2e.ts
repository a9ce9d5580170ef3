import type { Locator, Page } from '@playwright/test';
import { addSqlCell, ARTIFACTS, expect, gridRows, openApp, test } from './fixtures';
import path from 'node:path';

/** Screenshot of one element (scrolled into view) for a person to look at. */
async function shotOf(target: Locator, name: string): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  await target.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

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

    await cell.locator('[data-testid=segment-sql] summary').click();
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
      expect(Number(hand.replace('.', ''))).toBeGreaterThan(0);
    }

    // Profile: sizes, a KPI against the base with its interval and index, flagged small segments.
    await cell.locator('[data-testid=segment-tab-profile]').click();
    await cell.locator('[data-testid=add-kpi]').click();
    const kpi = cell.locator('[data-testid=kpi-row]').first();
    await kpi.locator('[data-testid=kpi-column]').selectOption('Umsatz gesamt');
    await expect(cell.locator('[data-testid=profile-row]')).toHaveCount(3);
    const sizes = await cell.locator('[data-testid=profile-row]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-segment'), tr.getAttribute('data-size')]));
    const bySize = Object.fromEntries(rows.map(([segment, hand]) => [segment, hand.replace('.', '')]));
    for (const [segment, size] of sizes) expect(size, segment!).toBe(bySize[segment!]);
    await expect(cell.locator('[data-testid=profile-row][data-segment="Aktiv in Bayern"]')).toHaveAttribute('data-warnings', '');
    await cell.locator('[data-testid=guard-minSize]').fill('100');
    await cell.locator('[data-testid=guard-minSize]').press('Enter');
    await expect(cell.locator('[data-testid=profile-row][data-segment="Aktiv in Bayern"]')).toHaveAttribute('data-warnings', 'too_small');
    await expect(cell.locator('[data-testid=profile-row][data-segment="Nicht Filiale"]')).toHaveAttribute('data-warnings', '');
    await expect(cell.locator('[data-testid=segment-charts] [data-testid=chart-view]')).toHaveCount(3);
    await shotOf(cell.locator('[data-testid=segment-profile]'), 'segment-profile');
  });
});
