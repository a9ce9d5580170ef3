import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, FIXTURES, loadFiles, openApp, shot, test } from './fixtures';

// Each test serves its own copy of the built site, so it can take the server away (offline) or
// deploy a new version under the running page.
const PORT = Number(process.env.E2E_PORT ?? 4173) + 7;
const BUILD = path.resolve(process.env.E2E_BUILD_DIR ?? 'build');

test.use({ serviceWorkers: 'allow', baseURL: `http://127.0.0.1:${PORT}` });

let dir = '';
let server: ChildProcess | null = null;

test.beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'seglab-offline-'));
  cpSync(BUILD, dir, { recursive: true });
});

test.afterEach(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(): Promise<void> {
  server = spawn(process.execPath, ['scripts/serve.mjs', '--dir', dir, '--port', String(PORT)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(server.stdout!, 'data')) as [Buffer];
  expect(chunk.toString()).toContain('serving');
}

async function stop(): Promise<void> {
  if (!server) return;
  const exited = once(server, 'exit');
  server.kill();
  await exited;
  server = null;
}

/** Replaces the build's version everywhere it is written, as a new deployment would. */
function deployNewVersion(): string {
  const old = (JSON.parse(readFileSync(path.join(dir, '_app/version.json'), 'utf8')) as { version: string }).version;
  const next = `${old}1`;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(js|json|html)$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    if (text.includes(old)) writeFileSync(file, text.replaceAll(old, next));
  }
  return next;
}

test.describe('offline', () => {
  test('after the first visit the app opens and works with the server gone', async ({ page }) => {
    await serve();
    await openApp(page);
    await expect(page.locator('[data-testid=offline-ready]')).toBeVisible({ timeout: 60_000 });
    await stop();

    await openApp(page, '?sample=1');
    await expect(page.locator('[data-cell-id=channels]')).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
    await expect(page.locator('[data-testid=notebook]')).toHaveAttribute('data-run-state', 'idle', { timeout: 60_000 });
    await loadFiles(page, [path.join(FIXTURES, 'csv/tabs.tsv')]);
    await expect(page.locator('li[data-table=tabs]')).toBeVisible();
    await expect(page.locator('[data-testid=offline-ready]')).toBeVisible();
    await shot(page, 'offline-reload');
  });

  test('a new deployment takes over and the page says so', async ({ page }) => {
    await serve();
    await openApp(page);
    await expect(page.locator('[data-testid=offline-ready]')).toBeVisible({ timeout: 60_000 });
    const next = deployNewVersion();

    // The reload finds the new service worker; whichever version this page runs, it says a new one came.
    await page.reload();
    await expect(page.locator('[data-testid=notice][data-kind=info]').filter({ hasText: /new version|updated/ })).toBeVisible({ timeout: 60_000 });
    await shot(page, 'offline-update');
    // The visit after runs the new version.
    await page.reload();
    await expect(page.locator('main[data-engine]')).toHaveAttribute('data-engine', 'ready', { timeout: 60_000 });
    await expect.poll(() => page.evaluate(() => localStorage.getItem('seglab.version'))).toBe(next);
  });
});
