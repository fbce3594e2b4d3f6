// The Meetups screen in browser mode against a real sync server (in this process): a creator opens it by
// keyboard, sees the empty state, is told in words what a meetup without price or tier lacks, schedules
// one, sees it listed with its state and seats; a fan buys a ticket over the real payment route and the
// list shows it sold; the creator cancels with a confirmation and the server's refund is reported. A
// meetup starting now opens as host in the fan web app's room. A meetup scheduled while the server is down is
// said to be scheduled offline and waits to sync; when the server is back the studio's catalog sync carries
// it over and the server lists it. Screenshot to test-results/ (and resources/screenshots/meetups.png when FANZ_UPDATE_SCREENSHOTS=1).
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../../sync-server/src/server.js';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { ensureFanWebBuilt } from '../../../fan-web/scripts/ensure-built.mjs';
import { startStudio, tempDir, type Proc } from '../processes.js';
import { registerCreator, type Creator } from '../server-copy.js';

const screenshotsDir = fileURLToPath(new URL('../../../../resources/screenshots/', import.meta.url));

let server: FanzServer;
let url: string;
let studio: { proc: Proc; url: string };
let creator: Creator;
let serverDir: string;
let studioDir: string;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  test.setTimeout(300_000);
  // The host opens the fan web app's room: build it if its sources changed.
  await (ensureFanWebBuilt as (dir?: string, log?: (l: string) => void) => Promise<unknown>)(undefined, (l) => console.log(l));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: (serverDir = tempDir('meetups-server')), logLevel: 'silent' }, { logger: false });
  url = await server.listen();
  creator = await registerCreator(url, 'meetups');
  studioDir = tempDir('meetups-studio');
  studio = await startStudio(studioDir, url);
});
test.afterAll(async () => {
  await studio?.proc.stop();
  await server?.close();
  for (const d of [serverDir, studioDir]) if (d) rmSync(d, { recursive: true, force: true });
});

async function buyTicket(experienceId: string): Promise<void> {
  const n = Math.random().toString(36).slice(2, 8);
  const reg = await fetch(`${url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'fan', username: `fan_${n}`, email: `fan-${n}@example.test`, password: 'correct horse battery', displayName: 'Fan' }),
  });
  const token = ((await reg.json()) as { data: { accessToken: string } }).data.accessToken;
  const res = await fetch(`${url}/api/v1/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `meetups-e2e-${n}` },
    body: JSON.stringify({ experienceId, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' }, expectedAmount: { amount: 1500, currency: 'USD' } }),
  });
  const json = (await res.json()) as { data?: { ticket?: { experienceId: string } } };
  expect(res.status, JSON.stringify(json)).toBe(201);
  expect(json.data?.ticket?.experienceId).toBe(experienceId);
}

test('a creator schedules a meetup, sees it listed and sold, cancels it with refunds, and hosts one', async ({ page, context }) => {
  await page.goto(studio.url);
  await page.getByTestId('nav-account').click();
  await page.getByTestId('signin-email').fill(creator.email);
  await page.getByTestId('signin-password').fill(creator.password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('account-user')).toHaveText(creator.username);

  await page.getByTestId('nav-meetups').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Meetups', exact: true })).toBeVisible();
  await expect(page.getByTestId('meetups-empty')).toContainText('No meetups yet');

  // Neither a price nor a tier: said next to the price field, nothing sent.
  await page.getByTestId('meetup-title').fill('Q&A on the beach');
  await page.getByTestId('meetup-create').click();
  await expect(page.getByTestId('error-price')).toContainText('Set a ticket price, choose a tier');

  await page.getByTestId('meetup-theme').selectOption('beach');
  await page.getByTestId('meetup-capacity').fill('20');
  await page.getByTestId('meetup-price').fill('15');
  await page.getByTestId('meetup-create').click();
  await expect(page.getByTestId('meetup-notice')).toContainText('“Q&A on the beach” is scheduled');
  await expect(page.getByTestId('meetup-notice')).toContainText('/vr/vr_');
  const row = page.getByTestId('meetup-row').filter({ hasText: 'Q&A on the beach' });
  await expect(row.getByTestId('meetup-status')).toHaveText('Scheduled');
  await expect(row.getByTestId('meetup-seats')).toHaveText('0 of 20 seats taken');
  await expect(row).toContainText('$15.00 a ticket');

  // The server lists what the studio created; a fan buys a ticket through the real payment route.
  const listed = (await (await fetch(`${url}/api/v1/vr/experiences?creatorId=${creator.id}`)).json()) as { data: { experiences: { experience_id: string; title: string }[] } };
  const beach = listed.data.experiences.find((e) => e.title === 'Q&A on the beach')!;
  expect(beach).toBeTruthy();
  await buyTicket(beach.experience_id);

  // A meetup that starts now, for hosting.
  await page.getByTestId('meetup-title').fill('Right now in space');
  await page.getByTestId('meetup-theme').selectOption('space');
  const d = new Date(Date.now() + 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  await page.getByTestId('meetup-start').fill(`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`);
  await page.getByTestId('meetup-price').fill('15');
  await page.getByTestId('meetup-create').click();
  await expect(page.getByTestId('meetup-notice')).toContainText('“Right now in space” is scheduled');
  await expect(row.getByTestId('meetup-seats')).toHaveText('1 of 20 seats taken');
  const now = page.getByTestId('meetup-row').filter({ hasText: 'Right now in space' });
  await expect(now.getByTestId('meetup-status')).toHaveText('Room open');

  const axe = await new AxeBuilder({ page }).include('.meetups').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  await page.screenshot({ path: process.env.FANZ_UPDATE_SCREENSHOTS === '1' ? `${screenshotsDir}meetups.png` : test.info().outputPath('meetups.png') });

  // Cancel: a confirmation first, then the server refunds the sold ticket.
  await row.getByTestId('meetup-cancel').click();
  await expect(row.getByRole('group')).toContainText('All 1 tickets are refunded');
  await row.getByTestId('meetup-cancel-confirm').click();
  await expect(page.getByTestId('meetup-notice')).toContainText('“Q&A on the beach” is cancelled. 1 ticket was refunded.');
  await expect(row.getByTestId('meetup-status')).toHaveText('Cancelled');
  await expect(row.getByTestId('meetup-cancel')).toHaveCount(0);

  // Host: the fan web app's room opens with host controls (the token travels in the fragment only).
  const popup = context.waitForEvent('page');
  await now.getByTestId('meetup-host').click();
  const room = await popup;
  await expect(room.getByTestId('ticket-held')).toContainText('You are the host of this meetup.');
  expect(new URL(room.url()).hash).toBe('');
  await room.getByTestId('vr-enter').click();
  await expect(room.getByTestId('vr-people')).toContainText('(you, host)');
  await room.close();
});

test('a meetup scheduled while the server is down waits to sync, then the server lists it', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(studio.url);
  await page.getByTestId('nav-meetups').click();
  await expect(page.getByTestId('meetup-list')).toBeVisible();
  const port = Number(new URL(url).port);
  await server.close();

  await page.getByTestId('meetup-title').fill('Offline lounge');
  await page.getByTestId('meetup-capacity').fill('8');
  await page.getByTestId('meetup-price').fill('15');
  await page.getByTestId('meetup-create').click();
  await expect(page.getByTestId('meetup-notice')).toContainText('“Offline lounge” is scheduled offline; fans can buy tickets once the studio syncs');
  const row = page.getByTestId('meetup-row').filter({ hasText: 'Offline lounge' });
  await expect(row.getByTestId('meetup-status')).toContainText('Waiting to sync');
  await expect(row.getByTestId('meetup-cancel')).toHaveCount(0);

  // The server comes back (same address and data); the studio's catalog sync carries the meetup over.
  server = await buildServer({ ...loadConfig({}), port, host: '127.0.0.1', dataDir: serverDir, logLevel: 'silent' }, { logger: false });
  await server.listen();
  await expect
    .poll(async () => {
      const r = (await (await fetch(`${url}/api/v1/vr/experiences?creatorId=${creator.id}`)).json()) as { data: { experiences: { title: string }[] } };
      return r.data.experiences.map((e) => e.title);
    }, { timeout: 60_000 })
    .toContain('Offline lounge');
  await page.getByTestId('nav-account').click();
  await page.getByTestId('nav-meetups').click();
  await expect(row.getByTestId('meetup-status')).toHaveText('Scheduled');
  await expect(row.getByTestId('meetup-seats')).toHaveText('0 of 8 seats taken');
});
