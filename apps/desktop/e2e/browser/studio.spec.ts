// The creator's day in browser mode: sign in to a local server, import a generated clip and watch its
// job finish, write a pay-per-view post, schedule it, lose the server, keep editing offline, get the
// server back and find the server's copy identical. Screenshots of every screen go to test-results/.
import { expect, test, type Page } from '@playwright/test';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeClip } from '../clip.js';
import { freePort, startServer, startStudio, tempDir, type Proc } from '../processes.js';
import { registerCreator, serverPosts, tipCreator, type Creator } from '../server-copy.js';

const screenshotsDir = fileURLToPath(new URL('../../../../resources/screenshots/', import.meta.url));

async function signIn(page: Page, creator: Creator): Promise<void> {
  await page.getByTestId('nav-account').click();
  await page.getByTestId('signin-email').fill(creator.email);
  await page.getByTestId('signin-password').fill(creator.password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('account-user')).toHaveText(creator.username);
  // The device key was created here and registered with the server.
  await expect(page.getByTestId('account')).toContainText(/Device key key_\w+/);
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced');
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
}

test.describe.configure({ mode: 'serial' });

let serverDir: string;
let port: number;
let server: { proc: Proc; url: string };
let studio: { proc: Proc; url: string };
let creator: Creator;

test.beforeAll(async () => {
  serverDir = tempDir('server');
  port = await freePort();
  server = await startServer(serverDir, port);
  studio = await startStudio(tempDir('studio'), server.url);
  creator = await registerCreator(server.url, 'creator');
});

test.afterAll(async () => {
  await studio?.proc.stop();
  await server?.proc.stop();
});

test('import, post with a price, schedule, edit offline, and the server copy matches after reconnecting', async ({ page }) => {
  await page.goto(studio.url);
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'signed-out');
  // A wrong password is refused with the server's message, nothing else changes.
  await page.getByTestId('nav-account').click();
  await page.getByTestId('signin-email').fill(creator.email);
  await page.getByTestId('signin-password').fill('not the password');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-error')).toBeVisible();
  await shot(page, 'sign-in');
  await signIn(page, creator);

  // Import a generated clip and watch its processing job finish.
  const clip = makeClip(tempDir('media'));
  await page.getByTestId('nav-library').click();
  await page.getByTestId('import-paths').fill(clip);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-message')).toContainText('Imported 1');
  await page.getByTestId('nav-jobs').click();
  await expect(page.getByTestId('job-row').first()).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await shot(page, 'jobs');
  await page.getByTestId('nav-library').click();
  const tile = page.getByTestId('library-tile').first();
  await expect(tile).toHaveAttribute('data-status', 'ready');
  await expect(tile.locator('img')).toBeVisible();
  await tile.click();
  await expect(page.getByTestId('renditions')).toContainText('Stream');
  await shot(page, 'library');
  // The README's screenshot: written when missing or when asked (FANZ_UPDATE_SCREENSHOTS=1), so a test run
  // does not dirty the checkout.
  if (process.env.FANZ_UPDATE_SCREENSHOTS === '1' || !existsSync(`${screenshotsDir}library.png`)) {
    mkdirSync(screenshotsDir, { recursive: true });
    await page.screenshot({ path: `${screenshotsDir}library.png` });
  }

  // A pay-per-view post with a price, scheduled for tomorrow.
  await page.getByTestId('nav-posts').click();
  await page.getByTestId('post-new').click();
  await page.getByTestId('post-title').fill('Sunset walk');
  await page.getByTestId('post-description').fill('Golden hour by the sea.');
  await page.getByTestId('post-tags').fill('sunset, beach');
  await page.getByTestId('post-media').first().check();
  await page.getByTestId('visibility-pay_per_view').check();
  await page.getByTestId('post-price').fill('12.99');
  const tomorrow = new Date(Date.now() + 24 * 3600_000);
  const local = (d: Date) =>
    `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  await page.getByTestId('post-schedule-at').fill(local(tomorrow));
  await page.getByTestId('post-schedule').click();
  await expect(page.getByTestId('post-notice')).toContainText('Scheduled for');
  await expect(page.getByTestId('post-status')).toContainText('Scheduled');
  await shot(page, 'post-editor');
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced');

  await expect
    .poll(async () => (await serverPosts(server.url, creator)).map((p) => [p.title, p.price?.amount, p.price?.currency, p.status]))
    .toEqual([['Sunset walk', 1299, 'USD', 'scheduled']]);

  await expect(page.getByTestId('recommendations')).toContainText('sunset-walk');

  // Scheduling queued the upload of the clip's renditions; the Jobs screen says so in words.
  await page.getByTestId('nav-jobs').click();
  await expect(page.getByTestId('job-text').filter({ hasText: /^Uploaded '/ })).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('nav-posts').click();

  // Drag the post one day later on the month calendar: same time of day, next day.
  await page.getByTestId('nav-schedule').click();
  await page.getByTestId('schedule-month').click();
  await expect(page.getByTestId('calendar-event')).toContainText('Sunset walk');
  const before = (await serverPosts(server.url, creator))[0]!.scheduledAt!;
  const dayAfter = new Date(Date.parse(before) + 24 * 3600_000);
  const key = `${dayAfter.getFullYear()}-${String(dayAfter.getMonth() + 1).padStart(2, '0')}-${String(dayAfter.getDate()).padStart(2, '0')}`;
  await page.getByTestId('calendar-event').dragTo(page.locator(`[data-date="${key}"]`));
  await expect(page.locator(`[data-date="${key}"]`).getByTestId('calendar-event')).toContainText('Sunset walk');
  await expect
    .poll(async () => {
      const at = new Date((await serverPosts(server.url, creator))[0]!.scheduledAt!);
      return [at.getDate(), at.getHours(), at.getMinutes()];
    })
    .toEqual([dayAfter.getDate(), dayAfter.getHours(), dayAfter.getMinutes()]);
  await shot(page, 'schedule');
  // A fan's tip shows up in earnings with its log entry proven on this machine.
  await tipCreator(server.url, creator.id, 500);
  await page.getByTestId('nav-earnings').click();
  await expect(page.getByTestId('log-badge')).toContainText('verified ·');
  await expect(page.getByTestId('statement-row').first()).toContainText('verified');
  await shot(page, 'earnings');
  // A payout signed with this device's key: more than the balance is refused clearly, a fitting one completes.
  await page.getByTestId('payout-amount').fill('1000.00');
  await page.getByTestId('payout-submit').click();
  await expect(page.getByTestId('payout-error')).toContainText('available balance');
  await expect(page.getByTestId('payout-row')).toHaveCount(0);
  await page.getByTestId('payout-amount').fill('2.00');
  await page.getByTestId('payout-submit').click();
  // Answered once the server holds the money; the processor completes it right after (seen on a refresh).
  await expect(page.getByTestId('payout-result')).toContainText('requested');
  await expect(page.getByTestId('payout-row')).toHaveCount(1);
  await expect(async () => {
    await page.getByTestId('nav-earnings').click();
    await expect(page.getByTestId('payout-row').first()).toContainText('completed', { timeout: 1000 });
  }).toPass();
  await shot(page, 'payout');

  // The server goes away; editing goes on.
  await server.proc.stop();
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', /offline|connecting/);
  await page.getByTestId('nav-posts').click();
  await page.getByTestId('post-item').first().click();
  await page.getByTestId('post-title').fill('Sunset walk (extended cut)');
  await page.getByTestId('post-price').fill('14.50');
  await page.getByTestId('post-save').click();
  await expect(page.getByTestId('post-notice')).toHaveText('Saved');
  await expect(page.getByTestId('sync-pending')).not.toHaveText('0 pending');
  await shot(page, 'offline-edit');

  // Back online: the studio reconnects by itself and the server's copy is the edited one.
  server = await startServer(serverDir, port);
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced', { timeout: 30_000 });
  await expect(page.getByTestId('sync-pending')).toHaveText('0 pending');
  await expect
    .poll(async () => (await serverPosts(server.url, creator)).map((p) => [p.title, p.price?.amount, p.status, p.tags]))
    .toEqual([['Sunset walk (extended cut)', 1450, 'scheduled', ['sunset', 'beach']]]);
  await shot(page, 'synced-again');
});

test('bad input gets a clear message and loses nothing', async ({ page }) => {
  await page.goto(studio.url);
  await page.getByTestId('nav-posts').click();
  await page.getByTestId('post-item').first().click();
  await expect(page.getByTestId('post-title')).toHaveValue('Sunset walk (extended cut)');

  // Invalid prices: three decimals, words, zero.
  for (const price of ['12.999', 'twelve', '0']) {
    await page.getByTestId('post-price').fill(price);
    await page.getByTestId('post-save').click();
    await expect(page.getByTestId('error-price')).toBeVisible();
  }
  await page.getByTestId('post-price').fill('14.50');

  // A 10,000-character title.
  await page.getByTestId('post-title').fill('x'.repeat(10_000));
  await page.getByTestId('post-save').click();
  await expect(page.getByTestId('error-title')).toContainText('at most');
  await expect(page.getByTestId('post-title')).toHaveAttribute('aria-invalid', 'true');
  await page.getByTestId('post-title').fill('Sunset walk (extended cut)');

  // A release time in the past.
  await page.getByTestId('post-schedule-at').fill('2020-01-01T10:00');
  await page.getByTestId('post-schedule').click();
  await expect(page.getByTestId('error-scheduledAt')).toContainText('in the past');
  await shot(page, 'bad-input');

  // Nothing was lost: the server still has the last good version.
  const posts = await serverPosts(server.url, creator);
  expect(posts.map((p) => [p.title, p.price?.amount, p.status])).toEqual([['Sunset walk (extended cut)', 1450, 'scheduled']]);
  expect(Date.parse(posts[0]!.scheduledAt!)).toBeGreaterThan(Date.now());
});

test('teaser choice: the clip (it has a poster and a teaser) becomes the public teaser after the label check', async ({ page }) => {
  await page.goto(studio.url);
  await page.getByTestId('nav-posts').click();
  await page.getByTestId('post-item').first().click();
  await expect(page.getByTestId('post-title')).toHaveValue('Sunset walk (extended cut)');
  // The candidate shows its picture and its content label (or that it is not checked yet).
  await expect(page.getByTestId('thumbnail-choice')).toHaveCount(1);
  await expect(page.getByTestId('thumbnail-choice')).toContainText(/Safe for everyone|Suggestive|Explicit|Not checked yet/);
  await expect(page.getByTestId('thumbnail-choice').locator('img')).toBeVisible();
  const mediaId = (await serverPosts(server.url, creator))[0]!.media[0]!.mediaId;
  await page.getByTestId('post-teaser').check();
  await page.getByTestId('post-save').click();
  // A scheduled post is checked before saving: a warning (label not safe, or not scored yet) must be
  // confirmed; a safe teaser saves at once.
  const warnings = page.getByTestId('publish-warnings');
  await expect(warnings.or(page.getByTestId('post-notice'))).toBeVisible();
  if (await warnings.isVisible()) {
    await expect(page.getByTestId('publish-warning').first()).toContainText('public teaser');
    await expect(page.getByTestId('post-notice')).toHaveCount(0);
    await page.getByTestId('publish-confirm').check();
    await page.getByTestId('post-save').click();
  }
  await expect(page.getByTestId('post-notice')).toHaveText('Saved');
  await expect
    .poll(async () => (await serverPosts(server.url, creator)).map((p) => [p.title, p.teaserMediaId, p.status]))
    .toEqual([['Sunset walk (extended cut)', mediaId, 'scheduled']]);
});
