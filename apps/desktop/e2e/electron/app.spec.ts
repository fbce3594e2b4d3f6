// The Electron build, driven by Playwright's _electron. Runs where an Electron binary is installed (it is
// an optional dependency whose download needs the internet); elsewhere every test skips and says why.
import { _electron as electron, expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { freePort, startServer, tempDir, type Proc } from '../processes.js';
import { registerCreator, serverPosts } from '../server-copy.js';

const desktop = fileURLToPath(new URL('../../', import.meta.url));

function electronBinary(): { path: string } | { reason: string } {
  try {
    const p = createRequire(`${desktop}package.json`)('electron') as unknown;
    if (typeof p === 'string' && existsSync(p)) return { path: p };
    return { reason: 'the electron package is installed but has no binary' };
  } catch (err) {
    return { reason: `no Electron binary is installed here (${(err as Error).message.split('\n')[0]})` };
  }
}

const bin = electronBinary();
const skipReason = 'reason' in bin ? bin.reason : null;
if (skipReason) console.log(`[electron e2e] skipped: ${skipReason}`);

test.describe('Electron app', () => {
  // Playwright shows this reason in its report too; the console line above says it at run time.
  test.skip(skipReason !== null, skipReason ?? '');
  let server: { proc: Proc; url: string };

  test.beforeAll(async () => {
    const built = spawnSync(`${desktop}../../node_modules/.bin/electron-vite`, ['build'], { cwd: desktop, stdio: 'inherit' });
    expect(built.status).toBe(0);
    server = await startServer(tempDir('server'), await freePort());
  });
  test.afterAll(async () => {
    await server?.proc.stop();
  });

  test('opens a sandboxed window with the studio and signs in through the preload API', async () => {
    const creator = await registerCreator(server.url, 'electron');
    const app = await electron.launch({
      executablePath: (bin as { path: string }).path,
      args: [desktop, '--no-sandbox', '--disable-gpu'],
      env: { ...process.env, FANZ_STUDIO_DIR: tempDir('studio'), FANZ_SERVER_URL: server.url },
    });
    try {
      const page = await app.firstWindow();
      // The page sees one API object and no Node.
      expect(await page.evaluate(() => typeof (globalThis as unknown as { studio?: unknown }).studio)).toBe('object');
      expect(await page.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined');
      await page.getByTestId('nav-account').click();
      await page.getByTestId('signin-email').fill(creator.email);
      await page.getByTestId('signin-password').fill(creator.password);
      await page.getByTestId('signin-submit').click();
      await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced');
      await page.getByTestId('nav-posts').click();
      await page.getByTestId('post-new').click();
      await page.getByTestId('post-title').fill('From the desktop app');
      await page.getByTestId('post-save').click();
      await expect.poll(async () => (await serverPosts(server.url, creator)).map((p) => p.title)).toEqual(['From the desktop app']);
      await page.screenshot({ path: test.info().outputPath('electron-posts.png') });
    } finally {
      await app.close();
    }
  });
});
