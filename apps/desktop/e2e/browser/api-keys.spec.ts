// API keys on the Account screen (issue 17), driven in browser mode against a real sync server: the empty
// state, field errors next to their fields, a key created by keyboard with read:catalog only, its secret
// shown once (copy button, "you will not see it again"), that secret used with fetch against the server
// (a read:catalog call works, a payout is 403), then revoked after a confirmation and refused (401) on the
// next request. axe finds no serious or critical violation; the screenshot goes to
// resources/screenshots/account-api-keys.png when FANZ_UPDATE_SCREENSHOTS=1 (else to test-results/).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startServer, startStudio, tempDir, type Proc } from '../processes.js';

const screenshotsDir = fileURLToPath(new URL('../../../../resources/screenshots/', import.meta.url));

let server: { proc: Proc; url: string };
let studio: { proc: Proc; url: string };

test.use({ timezoneId: 'Europe/Berlin' });
test.beforeAll(async () => {
  server = await startServer(tempDir('server'), await freePort());
  studio = await startStudio(tempDir('studio'), server.url);
});
test.afterAll(async () => {
  await studio?.proc.stop();
  await server?.proc.stop();
});

async function axeClean(page: Page): Promise<void> {
  const axe = await new AxeBuilder({ page }).analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
  const text = await page.locator('body').innerText();
  for (const raw of ['read:catalog', 'read:finance', 'VALIDATION_ERROR', 'undefined', 'NaN', 'Too small:', 'apk_']) expect(text).not.toContain(raw);
}

const withKey = (secret: string, path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${secret}` } });

test('a creator creates a read:catalog key, sees its secret once, uses it, and revokes it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: studio.url });
  const suffix = Math.random().toString(36).slice(2, 8);
  const username = `keys_${suffix}`;
  await page.goto(studio.url);
  await page.getByTestId('nav-account').click();
  await page.getByTestId('signin-mode').click();
  await page.getByTestId('signin-server').fill(server.url);
  await page.getByTestId('signin-display-name').fill('Kai Keys');
  await page.getByTestId('signin-username').fill(username);
  await page.getByTestId('signin-email').fill(`keys-${suffix}@example.test`);
  await page.getByTestId('signin-password').fill('correct horse battery');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('account-user')).toHaveText(username);

  const section = page.getByTestId('api-keys');
  await expect(section.getByTestId('api-keys-empty')).toHaveText('No API keys yet.');
  // Each permission is a labelled checkbox with its explanation read out with it.
  await expect(section.getByRole('checkbox', { name: 'Read finances' })).toHaveAccessibleDescription(/can never request a payout/);

  // Nothing filled in: one message per field, next to it.
  await section.getByTestId('api-key-create').click();
  await expect(section.getByTestId('error-name')).toHaveText('Enter a name for the key.');
  await expect(section.getByTestId('error-scopes')).toHaveText('Choose at least one permission.');
  await expect(section.getByTestId('api-key-name')).toHaveAttribute('aria-invalid', 'true');

  // By keyboard: name, Tab to the first permission (Read catalog), Space, then Enter submits the form.
  await section.getByTestId('api-key-name').fill('Shop sync');
  await page.keyboard.press('Tab');
  await expect(section.getByTestId('api-key-scope-read:catalog')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(section.getByTestId('api-key-scope-read:catalog')).toBeChecked();
  // A day in the past is refused next to the expiry field (checked by the studio before the server).
  await section.getByTestId('api-key-expires').fill('2020-01-01');
  await section.getByTestId('api-key-name').press('Enter');
  await expect(section.getByTestId('error-expiresAt')).toHaveText('Choose a date in the future.');
  const nextYear = new Date().getFullYear() + 1;
  await section.getByTestId('api-key-expires').fill(`${nextYear}-06-30`);
  await section.getByTestId('api-key-name').press('Enter');

  // The secret, once: focused, with a copy button and the warning.
  const created = section.getByTestId('api-key-created');
  await expect(created).toContainText('you will not see it again');
  const secretBox = section.getByTestId('api-key-secret');
  await expect(secretBox).toBeFocused();
  const secret = await secretBox.inputValue();
  expect(secret).toMatch(/^fanz_sk_[A-Za-z0-9_-]{43}$/);
  await section.getByTestId('api-key-copy').click();
  await expect(section.getByTestId('api-key-copied')).toHaveText('Copied to the clipboard.');
  expect(await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(secret);

  const row = section.getByTestId('api-key-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Shop sync');
  await expect(row).toContainText(`ends in …${secret.slice(-4)}`);
  await expect(row).toContainText('Read catalog');
  await expect(row.getByTestId('api-key-state')).toHaveText('Active');
  // Expires at the end of the chosen day in the creator's zone (Berlin, summer time: 11:59 PM local, not UTC).
  await expect(row).toContainText('Jun 30');
  await expect(row).toContainText('11:59 PM');
  await axeClean(page);
  const shot = process.env.FANZ_UPDATE_SCREENSHOTS === '1' ? join(screenshotsDir, 'account-api-keys.png') : test.info().outputPath('account-api-keys.png');
  mkdirSync(join(shot, '..'), { recursive: true });
  // Tall enough that the whole section is in view: no scrolling under the sticky header for the picture.
  await page.setViewportSize({ width: 1280, height: 2400 });
  await section.screenshot({ path: shot });
  await page.setViewportSize({ width: 1280, height: 800 });

  // The key works where its scope allows and nowhere else.
  const profile = await withKey(secret, `/api/v1/creators/${username}`);
  expect(profile.status).toBe(200);
  const payout = await withKey(secret, '/api/v1/finance/payouts', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ amount: { amount: 100, currency: 'USD' } }),
  });
  expect(payout.status).toBe(403);

  // Hidden once saved, and never shown again, not even after a reload.
  await section.getByTestId('api-key-done').click();
  await expect(section.getByTestId('api-key-created')).toHaveCount(0);
  await page.reload();
  await page.getByTestId('nav-account').click();
  await expect(page.getByTestId('api-key-row')).toHaveCount(1);
  expect(await page.locator('body').innerText()).not.toContain(secret);

  // Revoke by keyboard, after a confirmation that can be cancelled.
  await page.getByTestId('api-key-revoke').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('api-key-revoke-confirm')).toBeFocused();
  await expect(page.getByTestId('api-key-row')).toContainText('This cannot be undone');
  await page.getByRole('button', { name: 'Cancel' }).click();
  expect((await withKey(secret, `/api/v1/creators/${username}`)).status).toBe(200);
  await page.getByTestId('api-key-revoke').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('api-keys-notice')).toContainText('Revoked “Shop sync”');
  await expect(page.getByTestId('api-key-state')).toHaveText(/^Revoked /);
  await expect(page.getByTestId('api-key-revoke')).toHaveCount(0);
  expect((await withKey(secret, `/api/v1/creators/${username}`)).status).toBe(401);
  await axeClean(page);
});
