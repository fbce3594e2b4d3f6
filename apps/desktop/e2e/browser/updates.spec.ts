// Browser mode, Account screen: the update check against a real server whose release was published by
// the real release CLI. The studio shows "update available: X.Y.Z (verified)" with the notes only when the
// feed's signature verifies with its release key (FANZ_UPDATE_PUBLIC_KEY here), and says why otherwise.
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentPlatform } from '../../src/main/services/updates/update-check.js';
import { freePort, startServer, startStudio, tempDir, type Proc } from '../processes.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
let server: { proc: Proc; url: string };
let studio: { proc: Proc; url: string };

function release(args: string[]): string {
  const r = spawnSync('npm', ['run', '-s', 'release', '--', ...args], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`release ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

test.beforeAll(async () => {
  const serverDir = tempDir('server');
  const work = tempDir('release');
  const { publicKey } = JSON.parse(release(['keygen', '--out', join(work, 'op.key')])) as { publicKey: string };
  writeFileSync(join(work, 'FANZ-Studio-9.1.0.AppImage'), 'app 9.1.0');
  writeFileSync(join(work, 'notes.md'), 'Calendar drag and drop is faster.');
  // Published for the platform this studio checks for, so the test runs on any OS.
  release(['publish', '--channel', 'latest', '--version', '9.1.0', '--platform', currentPlatform(),
    '--file', join(work, 'FANZ-Studio-9.1.0.AppImage'), '--notes', join(work, 'notes.md'), '--key', join(work, 'op.key'), '--data-dir', serverDir]);
  server = await startServer(serverDir, await freePort());
  process.env.FANZ_UPDATE_PUBLIC_KEY = publicKey; // inherited by the studio host
  studio = await startStudio(tempDir('studio'), server.url);
});
test.afterAll(async () => {
  delete process.env.FANZ_UPDATE_PUBLIC_KEY;
  await studio?.proc.stop();
  await server?.proc.stop();
});

test('the Account screen says a verified update is available, with its notes; another channel says why not', async ({ page }) => {
  const suffix = Math.random().toString(36).slice(2, 8);
  await page.goto(studio.url);
  await page.getByTestId('nav-account').click();
  await page.getByTestId('signin-mode').click();
  await page.getByTestId('signin-server').fill(server.url);
  await page.getByTestId('signin-display-name').fill('Uma Updates');
  await page.getByTestId('signin-username').fill(`upd_${suffix}`);
  await page.getByTestId('signin-email').fill(`upd-${suffix}@example.test`);
  await page.getByTestId('signin-password').fill('correct horse battery');
  await page.getByTestId('signin-submit').click();

  const section = page.getByTestId('updates');
  await expect(section.getByTestId('update-line')).toHaveText('update available: 9.1.0 (verified)');
  await expect(section.getByTestId('update-notes')).toHaveText('Calendar drag and drop is faster.');
  await section.getByRole('combobox', { name: 'Channel' }).selectOption('beta');
  await expect(section.getByTestId('update-line')).toContainText('No verified update: no release is published on beta');
  await section.getByRole('checkbox', { name: 'Download updates automatically' }).check();
  await expect(section.getByRole('checkbox', { name: 'Download updates automatically' })).toBeChecked();
});
