import { defineConfig } from '@playwright/test';

// E2E_PORT / E2E_BUILD_DIR let a second checkout or a helper run e2e beside a running suite.
const ROOT_PORT = Number(process.env.E2E_PORT ?? 4173);
const SUB_PORT = ROOT_PORT + 1;
const ROOT_DIR = process.env.E2E_BUILD_DIR ?? 'build';
export const SUB_PATH = '/tools/seglab';

/** Built site served by a plain static server (scripts/serve.mjs): at `/` and under a sub-path. */
export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.e2e.ts',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  reporter: [['list']],
  globalSetup: './tests/e2e/global-setup.ts',
  globalTeardown: './tests/e2e/global-teardown.ts',
  use: {
    headless: true,
    // The UI language follows the browser's; tests that read texts read them in English unless they set a locale.
    locale: 'en-US',
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync'
      ]
    },
    trace: 'off',
    // The offline test (offline.e2e.ts) allows the service worker; elsewhere it would only add the
    // app's precaching to every fresh context.
    serviceWorkers: 'block',
    screenshot: 'only-on-failure'
  },
  projects: [
    { name: 'root', testIgnore: '**/subpath.e2e.ts', use: { baseURL: `http://127.0.0.1:${ROOT_PORT}` } },
    { name: 'subpath', testMatch: '**/subpath.e2e.ts', use: { baseURL: `http://127.0.0.1:${SUB_PORT}` } }
  ],
  webServer: [
    {
      command: `node scripts/serve.mjs --dir ${ROOT_DIR} --port ${ROOT_PORT}`,
      url: `http://127.0.0.1:${ROOT_PORT}/`,
      reuseExistingServer: !process.env.CI
    },
    ...(process.env.E2E_BUILD_DIR
      ? []
      : [
          {
            command: `node scripts/serve.mjs --dir build-subpath --port ${SUB_PORT} --base ${SUB_PATH}`,
            url: `http://127.0.0.1:${SUB_PORT}${SUB_PATH}/`,
            reuseExistingServer: !process.env.CI
          }
        ])
  ]
});
