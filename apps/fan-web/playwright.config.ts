// Playwright end-to-end tests of the fan web app, in Debian's Chromium (/usr/bin/chromium or
// PLAYWRIGHT_CHROMIUM_EXECUTABLE), against a real sync server started by the tests on a free port.
// The global setup builds the app (when its sources changed) and the studio's renderer (the tip is checked
// in the studio's Earnings screen). Artifacts go to test-results/fan-web-e2e.
import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';

const chromium = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE || '/usr/bin/chromium';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export default defineConfig({
  testDir: './e2e',
  outputDir: `${repoRoot}test-results/fan-web-e2e`,
  globalSetup: './e2e/global-setup.ts',
  timeout: 240_000,
  expect: { timeout: 20_000 },
  // Two cores are shared with other suites: one worker, tests run in order.
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    },
  },
  projects: [{ name: 'fan-web', testMatch: /.*\.spec\.ts$/ }],
});
