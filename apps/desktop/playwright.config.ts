// Playwright end-to-end tests of the studio. Browser mode runs in Debian's Chromium (never a downloaded
// browser): /usr/bin/chromium or PLAYWRIGHT_CHROMIUM_EXECUTABLE. The Electron project runs where an
// Electron binary is installed and skips with a printed reason elsewhere. Artifacts go to test-results/.
import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';

const chromium = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE || '/usr/bin/chromium';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export default defineConfig({
  testDir: './e2e',
  outputDir: `${repoRoot}test-results/desktop-e2e`,
  globalSetup: './e2e/global-setup.ts',
  timeout: 150_000,
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
  projects: [
    { name: 'browser-mode', testMatch: /browser\/.*\.spec\.ts$/ },
    { name: 'electron', testMatch: /electron\/.*\.spec\.ts$/ },
  ],
});
