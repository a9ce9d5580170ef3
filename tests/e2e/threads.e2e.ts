import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { addSqlCell, expect, gridRows, openApp, shot, test } from './fixtures';

// The playwright config serves the build plain; this file serves it cross-origin isolated
// (COOP/COEP, as docs/BENCHMARKS.md tells hosts to) on a port of its own.
const PLAIN = Number(process.env.E2E_PORT ?? 4173);
const PORT = PLAIN + 8;
const BUILD = path.resolve(process.env.E2E_BUILD_DIR ?? 'build');

test.use({ baseURL: `http://127.0.0.1:${PORT}` });

let server: ChildProcess | null = null;

test.beforeAll(async () => {
  server = spawn(process.execPath, ['scripts/serve.mjs', '--dir', BUILD, '--port', String(PORT), '--isolate'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(server.stdout!, 'data')) as [Buffer];
  expect(chunk.toString()).toContain('serving');
});

test.afterAll(async () => {
  if (!server) return;
  const exited = once(server, 'exit');
  server.kill();
  await exited;
});

/** Integer aggregates over 3 million rows in 7 groups: exact, so any thread split must give the same rows. */
const QUERY = `SELECT x % 7 AS g, count(*) AS n, sum(x) AS s, count(DISTINCT x % 1000) AS d, min(x) AS lo, max(x) AS hi
FROM range(3000000) AS t(x)
GROUP BY g
ORDER BY g`;

async function engine(page: Page): Promise<{ bundle: string | null; threads: number; isolated: boolean }> {
  const main = page.locator('main[data-engine=ready]');
  await expect(main).toHaveAttribute('data-engine-threads', /\d+/);
  return {
    bundle: await main.getAttribute('data-engine-bundle'),
    threads: Number(await main.getAttribute('data-engine-threads')),
    isolated: await page.evaluate(() => self.crossOriginIsolated)
  };
}

test.describe('threaded engine', () => {
  test('a cross-origin isolated page runs the threaded build and a query gives the single-threaded result', async ({ page, browser }) => {
    test.setTimeout(180_000);
    await openApp(page);
    expect(await engine(page)).toEqual({ bundle: 'wasm-coi', threads: expect.any(Number), isolated: true });
    expect((await engine(page)).threads).toBeGreaterThan(1);
    const threaded = await gridRows(await addSqlCell(page, QUERY));
    expect(threaded).toHaveLength(7);
    await page.keyboard.press('Escape');
    await shot(page, 'threads-isolated');

    const plainContext = await browser.newContext({ baseURL: `http://127.0.0.1:${PLAIN}`, serviceWorkers: 'block' });
    try {
      const plain = await plainContext.newPage();
      await openApp(plain);
      expect(await engine(plain)).toEqual({ bundle: 'wasm-eh', threads: 1, isolated: false });
      expect(await gridRows(await addSqlCell(plain, QUERY))).toEqual(threaded);
    } finally {
      await plainContext.close();
    }
  });
});
