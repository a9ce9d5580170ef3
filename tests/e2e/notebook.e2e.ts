import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addSqlCell, ARTIFACTS, expect, gridRows, loadFiles, openApp, runOpened, setSql, shot, test } from './fixtures';

const SAMPLES = path.resolve('static/samples');
const DATA = [path.join(SAMPLES, 'kunden.csv'), path.join(SAMPLES, 'bestellungen.csv')];

const UMSATZ_SQL = `SELECT k."Bundesland", count(*) AS bestellungen, round(sum(b."Betrag"), 2) AS umsatz
FROM bestellungen b JOIN kunden k USING ("Kundennummer")
GROUP BY ALL
ORDER BY umsatz DESC, k."Bundesland"`;

/** Row counts of every cell that yields a table, by cell id, once the notebook is idle. */
async function results(page: Page): Promise<Record<string, string>> {
  return page.locator('[data-cell-id]').evaluateAll((cells) =>
    Object.fromEntries(
      cells
        .filter((c) => c.getAttribute('data-cell-kind') !== 'markdown')
        .map((c) => [c.getAttribute('data-cell-id'), `${c.getAttribute('data-status')}:${c.getAttribute('data-rows') ?? ''}`])
    )
  );
}

async function cellIds(page: Page): Promise<string[]> {
  return page.locator('[data-cell-id]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-cell-id')!));
}

async function attachAll(page: Page): Promise<void> {
  const dialog = page.locator('[data-testid=reattach-dialog]');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('[data-testid=reattach-row]')).toHaveCount(2);
  await dialog.locator('input[data-testid=reattach-input]').setInputFiles(DATA);
  await dialog.locator('[data-testid=reattach-confirm]').click();
  await expect(dialog).toBeHidden();
}

async function download(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync((await file.path())!);
}

test.describe('notebook', () => {
  test('builds a notebook by UI, charts it, saves it and gets identical results after reload, reopen and ?open=', async ({ page }) => {
    test.setTimeout(240_000);
    await openApp(page);
    await loadFiles(page, DATA);
    await expect(page.locator('li[data-table=kunden]')).toHaveAttribute('data-rows', '2000');
    await expect(page.locator('li[data-table=bestellungen]')).toHaveAttribute('data-rows', '15000');

    // The first loaded table gets a starter cell.
    const starter = page.locator('[data-cell-id]').first();
    await expect(starter).toHaveAttribute('data-rows', '100');

    // Markdown: rendered, sanitised.
    await page.click('[data-testid=add-markdown]');
    const md = page.locator('[data-cell-kind=markdown]');
    await md.locator('[data-testid=markdown-input]').fill(
      '# Umsatz je Bundesland\n\nDaten: **Beispiel**.\n\n<img src="x" onerror="window.__xss = 1"><script>window.__xss = 2</script>'
    );
    await md.locator('[data-testid=markdown-done]').click();
    await expect(md.locator('[data-testid=markdown-view] h1')).toHaveText('Umsatz je Bundesland');
    await expect(md.locator('[data-testid=markdown-view] strong')).toHaveText('Beispiel');
    await expect(md.locator('[data-testid=markdown-view] script')).toHaveCount(0);
    await expect(md.locator('[data-testid=markdown-view] img')).toHaveCount(0);
    await expect(md.locator('[data-testid=markdown-view]')).toContainText('<script>window.__xss = 2</script>');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    // A named cell becomes a view that a later cell reads.
    const umsatz = await addSqlCell(page, UMSATZ_SQL, 'umsatz');
    await expect(umsatz).toHaveAttribute('data-status', 'ok');
    const states = Number(await umsatz.getAttribute('data-rows'));
    expect(states).toBeGreaterThan(10);
    const reader = await addSqlCell(page, 'SELECT * FROM umsatz WHERE umsatz > 0 ORDER BY "Bundesland"');
    await expect(reader).toHaveAttribute('data-rows', String(states));

    // Editing the upstream cell re-runs it and its reader.
    await setSql(umsatz, UMSATZ_SQL.replace('GROUP BY ALL', `WHERE k."Bundesland" <> 'Bayern'\nGROUP BY ALL`));
    await umsatz.locator('.cm-content').press('Shift+Enter');
    await expect(reader).toHaveAttribute('data-rows', String(states - 1));
    await expect(umsatz).toHaveAttribute('data-rows', String(states - 1));

    // A chart over the named cell, aggregated in SQL.
    await page.click('[data-testid=add-chart]');
    const chart = page.locator('[data-cell-kind=chart]');
    await chart.locator('[data-testid=chart-from]').selectOption({ label: 'umsatz' });
    await chart.locator('[data-testid=chart-mark] [data-mark=bar]').click();
    await expect(chart).toHaveAttribute('data-status', 'ok');
    await expect(chart.locator('[data-testid=chart-view] svg, [data-testid=chart-view] canvas').first()).toBeVisible();
    const png = await download(page, () => chart.locator('[data-testid=export-png]').click());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const svg = await download(page, () => chart.locator('[data-testid=export-svg]').click());
    expect(svg.toString()).toContain('<svg');
    await shot(page, 'notebook-built');

    // Keyboard: move the Markdown cell down and back with Alt+arrows on its handle.
    const before = await cellIds(page);
    const handle = md.locator('[data-testid=cell-handle]');
    await handle.focus();
    await page.keyboard.press('Alt+ArrowDown');
    const moved = await cellIds(page);
    const i = before.indexOf((await md.getAttribute('data-cell-id'))!);
    expect(moved[i + 1]).toBe(before[i]);
    await md.locator('[data-testid=cell-handle]').focus();
    await page.keyboard.press('Alt+ArrowUp');
    expect(await cellIds(page)).toEqual(before);

    // Collapse hides the body, keeps the header.
    await starter.locator('[data-testid=cell-collapse]').click();
    await expect(starter.locator('.cm-content')).toHaveCount(0);

    await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle');
    const built = await results(page);
    expect(Object.values(built).every((v) => v.startsWith('ok:'))).toBe(true);

    // Save as .json: the documented format, every cell in order.
    const saved = await download(page, () => page.click('[data-testid=save-notebook]'));
    const doc = JSON.parse(saved.toString());
    expect(doc.format).toBe('seglab-notebook');
    expect(doc.cells.map((c: { id: string }) => c.id)).toEqual(before);
    expect(doc.sources.map((s: { name: string }) => s.name)).toEqual(['kunden', 'bestellungen']);
    const savedPath = path.join(ARTIFACTS, 'built.seglab.json');
    writeFileSync(savedPath, saved);

    // Reload: the autosaved notebook comes back; without kept data the user re-attaches the files.
    await expect(page.locator('[data-testid=autosave]')).toHaveAttribute('data-state', 'saved');
    await page.reload();
    await expect(page.locator('main')).toHaveAttribute('data-engine', 'ready', { timeout: 60_000 });
    await shot(page, 'notebook-reattach');
    await attachAll(page);
    expect(await cellIds(page)).toEqual(before);
    await expect.poll(() => results(page), { timeout: 60_000 }).toEqual(built);

    // Keep the data in this browser: a reload restores tables from OPFS without asking.
    await page.check('[data-testid=keep-data]');
    await expect(page.locator('[data-testid=autosave]')).toHaveAttribute('data-state', 'saved');
    await page.waitForFunction(async () => {
      const root = await navigator.storage.getDirectory();
      let n = 0;
      for await (const [name] of (root as unknown as { entries(): AsyncIterable<[string, unknown]> }).entries()) if (name) n++;
      return n > 0;
    });
    await page.waitForTimeout(500);
    await page.reload();
    await expect(page.locator('li[data-table=bestellungen]')).toHaveAttribute('data-rows', '15000', { timeout: 60_000 });
    await expect(page.locator('[data-testid=reattach-dialog]')).toHaveCount(0);
    await expect.poll(() => results(page), { timeout: 60_000 }).toEqual(built);

    // Forget everything: a reload starts empty.
    page.once('dialog', (d) => d.accept());
    await page.click('[data-testid=forget-everything]');
    await expect(page.locator('[data-testid=notice]').filter({ hasText: 'deleted' })).toBeVisible();
    await page.reload();
    await expect(page.locator('main')).toHaveAttribute('data-engine', 'ready', { timeout: 60_000 });
    await page.waitForTimeout(1000);
    await expect(page.locator('[data-cell-id]')).toHaveCount(0);
    await expect(page.locator('li[data-table]')).toHaveCount(0);

    // Open the saved file: same cells, same results once the data is attached.
    await page.setInputFiles('input[data-testid=open-notebook-input]', savedPath);
    await runOpened(page);
    await attachAll(page);
    expect(await cellIds(page)).toEqual(before);
    await expect.poll(() => results(page), { timeout: 60_000 }).toEqual(built);

    // ?open= a same-origin URL: sources load relative to the notebook.
    await page.route('**/e2e-open/**', (route) => {
      const name = new URL(route.request().url()).pathname.split('/').pop()!;
      const body = name.endsWith('.json') ? saved : readFileSync(path.join(SAMPLES, name));
      return route.fulfill({ body, contentType: name.endsWith('.json') ? 'application/json' : 'text/csv' });
    });
    await page.goto('./?open=e2e-open/nb.seglab.json');
    await expect(page.locator('main')).toHaveAttribute('data-engine', 'ready', { timeout: 60_000 });
    await runOpened(page);
    await expect(page.locator('li[data-table=bestellungen]')).toHaveAttribute('data-rows', '15000', { timeout: 60_000 });
    expect(await cellIds(page)).toEqual(before);
    await expect.poll(() => results(page), { timeout: 60_000 }).toEqual(built);
    await shot(page, 'notebook-open-url');

    // The runner runs the notebook saved from the UI and gives the same tables.
    const out = path.join(ARTIFACTS, 'runner-built');
    rmSync(out, { recursive: true, force: true });
    execFileSync('node', ['bin/seglab.mjs', 'run', savedPath, '--data', `kunden=${DATA[0]}`, '--data', `bestellungen=${DATA[1]}`, '--out', out], {
      stdio: 'pipe'
    });
    const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')) as { cells: { id: string; status: string; rows: number | null }[] };
    const runner = Object.fromEntries(run.cells.filter((c) => c.rows !== null).map((c) => [c.id, `${c.status}:${c.rows}`]));
    expect(runner).toEqual(built);
    const umsatzId = (await umsatz.getAttribute('data-cell-id'))!;
    const browserCsv = await download(page, () =>
      page.locator(`[data-cell-id="${umsatzId}"] [data-testid=result-grid] [data-testid=download-csv]`).click()
    );
    expect(browserCsv.equals(readFileSync(path.join(out, `${umsatzId}.csv`)))).toBe(true);
  });

  test('marks a SQL error in the editor and explains the cells it stops', async ({ page }) => {
    await openApp(page);
    const bad = await addSqlCell(page, 'SELECT 1 AS a,\n  nope(2) AS b', 'basis');
    const err = bad.locator('[data-testid=cell-error]');
    await expect(err).toContainText(/nope/);
    await expect(err).toHaveAttribute('data-line', '2');
    await expect(err).toHaveAttribute('data-column', '3');
    await expect(bad.locator('.cm-lintRange-error')).toHaveText('nope');
    await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'error');
    const reader = await addSqlCell(page, 'SELECT * FROM basis');
    await expect(reader).toHaveAttribute('data-status', 'skipped');
    await expect(reader.locator('[data-testid=cell-skipped]')).toContainText('depends on cell "basis", which failed');
    await shot(page, 'notebook-error');
    await setSql(bad, 'SELECT 1 AS a,\n  2 AS b');
    await bad.locator('.cm-content').press('Control+Enter');
    await expect(reader).toHaveAttribute('data-rows', '1');
    await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle');
  });

  test('shows the elapsed time of a running query and cancels it', async ({ page }) => {
    await openApp(page);
    await page.click('[data-testid=add-sql]');
    const cell = page.locator('[data-cell-id]').first();
    await setSql(cell, 'SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3');
    await cell.locator('.cm-content').press('Shift+Enter');
    await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'running');
    await expect(cell.locator('[data-testid=cell-status]')).toContainText(/Running \d/);
    await page.waitForTimeout(1200);
    await shot(page, 'notebook-running');
    await cell.locator('[data-testid=cell-cancel]').click();
    await expect(cell).toHaveAttribute('data-status', 'cancelled', { timeout: 20_000 });
    await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle');
    // The engine still answers.
    await setSql(cell, 'SELECT 42 AS answer');
    await cell.locator('.cm-content').press('Shift+Enter');
    await expect(cell).toHaveAttribute('data-rows', '1');
  });

  test('marks a reader out of date when its input ran again and the run was cancelled before the reader', async ({ page }) => {
    await openApp(page);
    const base = await addSqlCell(page, 'SELECT 1 AS x', 'base');
    // Slow only once base holds 2: the first run is quick, the re-run waits to be cancelled.
    const slow = await addSqlCell(page, 'SELECT count(*) AS n FROM range(CASE WHEN (SELECT max(x) FROM base) = 2 THEN 100000000000 ELSE 10 END) t(i) WHERE i % 7 = 3');
    const reader = await addSqlCell(page, 'SELECT x + 1 AS y FROM base');
    expect(await gridRows(reader)).toEqual([['2']]);
    await expect(reader.locator('[data-testid=cell-stale]')).toHaveCount(0);

    await setSql(base, 'SELECT 2 AS x');
    await base.locator('.cm-content').press('Shift+Enter');
    await expect(slow).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
    await expect(reader).toHaveAttribute('data-status', 'queued');
    await page.locator('[data-testid=notebook-cancel]').click();
    await expect(slow).toHaveAttribute('data-status', 'cancelled', { timeout: 20_000 });
    await expect(reader).toHaveAttribute('data-status', 'ok');
    await expect(reader.locator('[data-testid=cell-stale]')).toHaveText('· out of date');
    await expect(base.locator('[data-testid=cell-stale]')).toHaveCount(0);
    await shot(page, 'notebook-stale');

    await reader.locator('[data-testid=cell-run]').click();
    await expect(reader.locator('[data-testid=cell-stale]')).toHaveCount(0);
    await expect.poll(() => gridRows(reader)).toEqual([['3']]);
  });

  test('works by keyboard alone and has no serious accessibility violation', async ({ page }) => {
    await openApp(page, '?sample=1');
    await expect(page.locator('[data-cell-id=channels]')).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
    await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle', { timeout: 60_000 });
    const count = await page.locator('[data-cell-id]').count();
    expect(count).toBeGreaterThan(3);
    // Reach "+ SQL" with Tab only, add a cell, type, run with the keyboard.
    await page.locator('[data-testid=add-markdown]').focus();
    await page.keyboard.press('Shift+Tab');
    await expect(page.locator('[data-testid=add-sql]')).toBeFocused();
    await page.keyboard.press('Enter');
    const cell = page.locator('[data-cell-id]').nth(count);
    await expect(cell.locator('.cm-content')).toBeFocused();
    await page.keyboard.insertText('SELECT count(*) AS n FROM kunden');
    await page.keyboard.press('Shift+Enter');
    await expect(cell).toHaveAttribute('data-rows', '1');
    await shot(page, 'notebook-sample');
    const axe = await new AxeBuilder({ page }).include('[data-testid=notebook]').analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
  test('draws every chart type from rows aggregated in SQL, with tooltips and an editable spec', async ({ page }) => {
    test.setTimeout(180_000);
    await openApp(page);
    const source = await addSqlCell(
      page,
      `SELECT range AS id, 'G' || (range % 5) AS gruppe, (range * 7919 % 1000) / 10.0 AS wert,
  DATE '2024-01-01' + CAST(range % 365 AS INTEGER) AS tag
FROM range(10000000)`,
      'punkte'
    );
    await expect(source).toHaveAttribute('data-rows', '10000000', { timeout: 90_000 });
    await page.click('[data-testid=add-chart]');
    const chart = page.locator('[data-cell-kind=chart]');
    await chart.locator('[data-testid=chart-from]').selectOption({ label: 'punkte' });
    const limits: Record<string, number> = { bar: 50, line: 10_000, area: 10_000, scatter: 5000, histogram: 30, boxplot: 30, heatmap: 900 };
    for (const [mark, limit] of Object.entries(limits)) {
      await chart.locator(`[data-testid=chart-mark] [data-mark=${mark}]`).click();
      await expect(chart.locator(`[data-testid=chart-mark] [data-mark=${mark}]`)).toHaveAttribute('aria-checked', 'true');
      await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle', { timeout: 60_000 });
      await expect(chart, mark).toHaveAttribute('data-status', 'ok');
      await expect(chart.locator('[data-testid=chart-problem]'), mark).toHaveCount(0);
      await expect(chart.locator('[data-testid=chart-error]'), mark).toHaveCount(0);
      await expect(chart.locator('[data-testid=chart-view] svg .mark-group').first(), mark).toBeVisible();
      const drawn = Number(await chart.locator('[data-testid=chart-view]').getAttribute('data-marks'));
      expect(drawn, mark).toBeGreaterThan(0);
      expect(drawn, mark).toBeLessThanOrEqual(limit);
      await chart.screenshot({ path: path.join(ARTIFACTS, `chart-${mark}.png`) });
    }

    // The histogram of 10M values reaches the page as its 30 bins.
    await chart.locator('[data-testid=chart-mark] [data-mark=histogram]').click();
    await expect(chart.locator('[data-testid=chart-view]')).toHaveAttribute('data-marks', '30');
    await chart.locator('[data-testid=chart-x]').selectOption('wert');
    await expect(chart).toHaveAttribute('data-status', 'ok');
    await chart.locator('[data-testid=chart-view] .mark-rect path').nth(10).hover();
    await expect(page.locator('#vg-tooltip-element')).toContainText('rows');

    // Edit the Vega-Lite spec as JSON, apply, then reset to the generated one.
    await chart.locator('[data-testid=chart-spec-toggle]').click();
    const editor = chart.locator('[data-testid=chart-spec-editor]');
    await expect(editor).toContainText('"values"');
    const spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { name: 'values' },
      title: 'Verteilung der Werte',
      mark: { type: 'bar', color: '#e03131', tooltip: true },
      encoding: {
        x: { field: 'bin_start', type: 'quantitative', bin: { binned: true } },
        x2: { field: 'bin_end' },
        y: { field: 'count', type: 'quantitative' }
      }
    };
    await editor.click();
    await editor.press('ControlOrMeta+a');
    await page.keyboard.insertText(JSON.stringify(spec));
    await chart.locator('[data-testid=chart-spec-apply]').click();
    await expect(chart.locator('[data-testid=chart-view] svg')).toContainText('Verteilung der Werte');
    const saved = await page.evaluate(() => document.querySelector('[data-testid=chart-spec-reset]')?.hasAttribute('disabled'));
    expect(saved).toBe(false);
    await chart.locator('[data-testid=chart-spec-reset]').click();
    await expect(chart.locator('[data-testid=chart-view] svg')).not.toContainText('Verteilung der Werte');
  });

  test('completes table and column names and moves cells by drag and drop', async ({ page }) => {
    await openApp(page);
    await loadFiles(page, [DATA[0]]);
    await expect(page.locator('li[data-table=kunden]')).toHaveAttribute('data-rows', '2000');
    await page.click('[data-testid=add-sql]');
    const cell = page.locator('[data-cell-id]').nth(1);
    const editor = cell.locator('.cm-content');
    await editor.click();
    await page.keyboard.type('SELECT * FROM kun');
    await expect(page.locator('.cm-tooltip-autocomplete')).toContainText('kunden');
    // CodeMirror ignores Enter for 75 ms after the list opens (interactionDelay), as a typist would.
    await page.waitForTimeout(200);
    await page.keyboard.press('Enter');
    await expect(editor).toHaveText('SELECT * FROM kunden');
    await page.keyboard.type(' WHERE kunden.Bun');
    await expect(page.locator('.cm-tooltip-autocomplete')).toContainText('Bundesland');
    await page.keyboard.press('Escape');
    await shot(page, 'notebook-completion');

    await page.click('[data-testid=add-markdown]');
    await page.locator('[data-cell-kind=markdown] [data-testid=markdown-input]').fill('# Ende');
    const before = await cellIds(page);
    // Collapsed cells keep source and target on one screen while the mouse drags.
    for (const id of before.slice(0, 2)) await page.locator(`[data-cell-id="${id}"] [data-testid=cell-collapse]`).click();
    await page.locator('[data-cell-kind=markdown] [data-testid=cell-handle]').dragTo(page.locator('[data-cell-id]').first().locator('header'));
    await expect.poll(() => cellIds(page)).toEqual([before[2], before[0], before[1]]);
  });
});

