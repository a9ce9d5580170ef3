import type { Locator, Page } from '@playwright/test';
import path from 'node:path';
import { addSqlCell, expect, gridRows, loadFiles, openApp, readGrid, settled, shotOf, test } from './fixtures';

const LEADS = path.resolve('static/samples/leads.csv');
const ACTIVITIES = path.resolve('static/samples/lead_activities.csv');
const REFERENCE = '2025-06-30';
const CODES = ['A1', 'A2', 'A3', 'B1', 'B2', 'B3', 'C1', 'C2', 'C3'];

/** The lead counts of the nine grid cells, A1 … C3, as the report's table shows them. */
async function gridCounts(cell: Locator): Promise<number[]> {
  await cell.locator('[data-testid=leads-tab-grid]').click();
  await expect(cell.locator('[data-testid=leads-grid-cell]')).toHaveCount(9);
  return cell.locator('[data-testid=leads-grid-cell]').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-leads'))));
}

/**
 * The nine counts of a hand-written query over `scores` (columns fit, eng): tiers by shares of
 * leads scoring at least as high (20 % / 30 %), or by the score limits given.
 */
async function expectedCounts(page: Page, scores: string, fitTier: string, engTier: string): Promise<number[]> {
  const counts = CODES.map((c) => `count(*) FILTER (WHERE code = '${c}') AS "${c}"`).join(', ');
  const cell = await addSqlCell(
    page,
    `WITH s AS (${scores}),
r AS (SELECT *, count(fit) OVER (ORDER BY fit DESC) AS fge, count(eng) OVER (ORDER BY eng DESC) AS ege, count(fit) OVER () AS fn, count(eng) OVER () AS en FROM s),
c AS (SELECT (${fitTier}) || (${engTier}) AS code FROM r)
SELECT ${counts} FROM c`
  );
  const [row] = await gridRows(cell);
  await cell.locator('[data-testid=cell-delete]').click();
  return row.map((v) => Number(v.replace(/,/g, '')));
}

/** Types a points rule's name and points (each commits with Enter). */
async function nameRule(rule: Locator, label: string, points: number): Promise<void> {
  await rule.locator('[data-testid=lead-rule-label]').fill(label);
  await rule.locator('[data-testid=lead-rule-label]').press('Enter');
  await rule.locator('[data-testid=lead-rule-points]').fill(String(points));
  await rule.locator('[data-testid=lead-rule-points]').press('Enter');
}

const SHARE_FIT = `CASE WHEN fit IS NULL THEN 'C' WHEN fge <= 0.2 * fn THEN 'A' WHEN fge <= 0.5 * fn THEN 'B' ELSE 'C' END`;
const SHARE_ENG = `CASE WHEN ege <= 0.2 * en THEN '1' WHEN ege <= 0.5 * en THEN '2' ELSE '3' END`;
/** Fit and engagement points of the rules the test builds, written out by hand. */
const POINTS = `SELECT l."Lead-ID",
  CASE WHEN l.Branche IN ('Maschinenbau', 'Elektrotechnik') THEN 20 ELSE 0 END + CASE WHEN l.Mitarbeiter BETWEEN 50 AND 999 THEN 15 ELSE 0 END AS fit,
  CASE WHEN EXISTS (SELECT 1 FROM lead_activities a WHERE a."Lead-ID" = l."Lead-ID" AND a.Datum BETWEEN DATE '2025-06-01' AND DATE '${REFERENCE}') THEN 10 ELSE 0 END
  + CASE WHEN EXISTS (SELECT 1 FROM lead_activities a WHERE a."Lead-ID" = l."Lead-ID" AND a.Typ = 'Demo-Anfrage' AND a.Datum BETWEEN DATE '2025-04-02' AND DATE '${REFERENCE}') THEN 25 ELSE 0 END AS eng
FROM leads l`;

test.describe('Lead tiers cell', () => {
  test('score leads by fit rules and engagement rules, move a cut, take fit from an upstream score, open a grid cell', async ({ page }) => {
    test.setTimeout(300_000);
    await page.setViewportSize({ width: 1280, height: 1600 });
    await openApp(page);
    await loadFiles(page, [LEADS, ACTIVITIES]);
    await expect(page.locator('li[data-table=leads]')).toHaveAttribute('data-rows', '2400', { timeout: 60_000 });
    await expect(page.locator('li[data-table=lead_activities]')).toHaveAttribute('data-rows', /\d+/, { timeout: 60_000 });
    await page.locator('[data-testid=reference-date]').fill(REFERENCE);

    // An upstream score, e.g. what a lookalike cell would give: larger firms of the target industries score higher.
    await addSqlCell(page, `SELECT "Lead-ID" AS lead, round(ln(1 + Mitarbeiter) + CASE WHEN Branche = 'Maschinenbau' THEN 3 ELSE 0 END, 3) AS score FROM leads`, 'fit_scores');

    // A new leads cell finds the leads, their key and the activities (+10 for activity in the last 30 days).
    await page.click('[data-testid=add-leads-cell]');
    const leads = page.locator('[data-cell-kind=leads]');
    await settled(page, leads);
    await expect(leads.locator('[data-testid=leads-table]')).toHaveValue('leads');
    await expect(leads.locator('[data-testid=leads-key]')).toHaveValue('Lead-ID');
    await expect(leads).toHaveAttribute('data-rows', '2400');
    const fit = leads.locator('[data-testid=leads-fit]');
    const engagement = leads.locator('[data-testid=leads-engagement]');
    await expect(engagement.locator('[data-testid=lead-rule]')).toHaveCount(1);
    await expect(engagement.locator('[data-testid=beh-table]')).toHaveValue('lead_activities');
    await expect(engagement.locator('[data-testid=beh-days]')).toHaveValue('30');

    // Fit: target industry +20, 50–999 employees +15.
    await fit.locator('[data-testid=lead-add-rule]').click();
    let rule = fit.locator('[data-testid=lead-rule]').nth(0);
    await nameRule(rule, 'Zielbranche', 20);
    await rule.locator('[data-testid=rule-column]').selectOption('Branche');
    await rule.locator('[data-testid=rule-op]').selectOption('in');
    await rule.locator('[data-testid=rule-value]').fill('Maschinenbau, Elektrotechnik');
    await rule.locator('[data-testid=rule-value]').press('Enter');
    await fit.locator('[data-testid=lead-add-rule]').click();
    rule = fit.locator('[data-testid=lead-rule]').nth(1);
    await nameRule(rule, 'Größe', 15);
    await rule.locator('[data-testid=rule-column]').selectOption('Mitarbeiter');
    await rule.locator('[data-testid=rule-op]').selectOption('between');
    await rule.locator('[data-testid=rule-value]').fill('50');
    await rule.locator('[data-testid=rule-value]').press('Enter');
    await rule.locator('[data-testid=rule-value-2]').fill('999');
    await rule.locator('[data-testid=rule-value-2]').press('Enter');

    // Engagement: a demo request in the last 90 days +25.
    await engagement.locator('[data-testid=lead-add-rule]').click();
    rule = engagement.locator('[data-testid=lead-rule]').nth(1);
    await nameRule(rule, 'Demo angefragt', 25);
    await rule.locator('[data-testid=beh-measure]').selectOption('exists');
    await rule.locator('[data-testid=beh-window]').selectOption('last_days');
    await expect(rule.locator('[data-testid=beh-days]')).toHaveValue('90');
    await rule.locator('[data-testid=beh-add-where]').click();
    const where = rule.locator('[data-testid=rule-group][data-depth="1"]').last();
    await where.locator('[data-testid=add-condition]').click();
    await where.locator('[data-testid=rule-column]').selectOption('Typ');
    await where.locator('[data-testid=rule-value]').fill('Demo-Anfrage');
    await where.locator('[data-testid=rule-value]').press('Enter');
    await settled(page, leads);
    await expect(leads.locator('[data-testid=leads-rule-error]')).toHaveCount(0);
    await shotOf(leads.locator('[data-testid=leads-editor]'), 'leads-editor');

    // The 3×3 counts match a hand-written count of the same rules.
    const byShares = await gridCounts(leads);
    expect(byShares.reduce((a, b) => a + b, 0)).toBe(2400);
    expect(byShares).toEqual(await expectedCounts(page, POINTS, SHARE_FIT, SHARE_ENG));
    await expect(leads.locator('[data-testid=leads-grid-chart] [data-testid=chart-view] svg')).toBeVisible();
    await shotOf(leads.locator('[data-testid=leads-report]'), 'leads-grid');

    // Fit tiers by score limits instead: A from 20 points (the target industry alone), B from 15; the counts move.
    await fit.locator('[data-testid=lead-cut-by]').selectOption('score');
    await settled(page, leads);
    await fit.locator('[data-testid=lead-cut-first]').fill('20');
    await fit.locator('[data-testid=lead-cut-first]').press('Enter');
    await settled(page, leads);
    await fit.locator('[data-testid=lead-cut-second]').fill('15');
    await fit.locator('[data-testid=lead-cut-second]').press('Enter');
    await settled(page, leads);
    await expect(fit.locator('[data-testid=lead-cut-rule]')).toContainText('A: score ≥ 20, B: score ≥ 15');
    const byScore = await gridCounts(leads);
    expect(byScore).not.toEqual(byShares);
    expect(byScore).toEqual(await expectedCounts(page, POINTS, `CASE WHEN fit >= 20 THEN 'A' WHEN fit >= 15 THEN 'B' ELSE 'C' END`, SHARE_ENG));

    // The distributions mark where each tier starts.
    await leads.locator('[data-testid=leads-tab-distributions]').click();
    await expect(leads.locator('[data-testid=leads-distribution] [data-testid=chart-view] svg')).toHaveCount(2);
    await expect(leads.locator('[data-testid=leads-distribution][data-score=fit] [data-testid=leads-tier-row][data-tier=A]')).toHaveAttribute('data-min', '20');
    await shotOf(leads.locator('[data-testid=leads-report]'), 'leads-distributions');

    // Fit from the upstream cell's score column, by shares again.
    await fit.locator('[data-testid=lead-score-kind]').selectOption('column');
    await settled(page, leads);
    await fit.locator('[data-testid=lead-score-table]').selectOption('fit_scores');
    await settled(page, leads);
    await expect(fit.locator('[data-testid=lead-score-key]')).toHaveValue('lead');
    await expect(fit.locator('[data-testid=lead-score-column]')).toHaveValue('score');
    await fit.locator('[data-testid=lead-cut-by]').selectOption('share');
    await settled(page, leads);
    const upstream = `SELECT p."Lead-ID", f.score AS fit, p.eng FROM (${POINTS}) p LEFT JOIN fit_scores f ON f.lead = p."Lead-ID"`;
    expect(await gridCounts(leads)).toEqual(await expectedCounts(page, upstream, SHARE_FIT, SHARE_ENG));

    // A named grid cell: its leads open below the grid with the name as their segment.
    await leads.locator('[data-testid=leads-grid-labels] summary').click();
    await leads.locator('[data-testid=lead-grid-name][data-code=A1]').fill('A1 · sofort anrufen');
    await leads.locator('[data-testid=lead-grid-name][data-code=A1]').press('Enter');
    await settled(page, leads);
    const a1 = leads.locator('[data-testid=leads-grid-cell][data-code=A1]');
    await leads.locator('[data-testid=leads-tab-grid]').click();
    await expect(a1).toContainText('A1 · sofort anrufen');
    const inA1 = Number(await a1.getAttribute('data-leads'));
    expect(inA1).toBeGreaterThan(0);
    await a1.locator('[data-testid=leads-grid-open]').click();
    const members = leads.locator('[data-testid=leads-members]');
    await expect(members).toHaveAttribute('data-code', 'A1');
    await expect(members).toHaveAttribute('data-rows', String(inA1));
    const [first] = await readGrid(members.locator('[data-testid=result-grid]'));
    expect(first).toContain('A1 · sofort anrufen');
    await shotOf(leads.locator('[data-testid=leads-report]'), 'leads-members');
  });
});
