// The VR room end to end: a real sync server, two fans who buy tickets through the payment form in
// Chromium and enter one room, and the creator as host. Each page moves with the keyboard and the other
// page sees the move in the poses that came over the relay (window.__vrRoom, filled from the decoded
// batches). The host mutes and removes a guest; the guest reads why in words. Screenshot to test-results/
// (and resources/screenshots/vr-room.png when FANZ_UPDATE_SCREENSHOTS=1).
import { expect, test, type Browser, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, Proc, tempDir } from '../../desktop/e2e/processes.js';
import { registerCreator, type Creator } from '../../desktop/e2e/server-copy.js';

const screenshotsDir = fileURLToPath(new URL('../../../resources/screenshots/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The real sync server, as desktop/e2e/processes.ts starts it, but allowed 4 minutes to come up: on this
 *  shared 2-core machine tsx alone can take more than the minute startServer waits. */
async function startVrServer(dataDir: string): Promise<{ proc: Proc; url: string }> {
  const port = await freePort();
  const proc = new Proc(
    spawn(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(repoRoot, 'apps/sync-server/src/main.ts')], {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', FANZ_DATA_DIR: dataDir, LOG_LEVEL: 'info', AUTH_RATE_LIMIT_MAX: '0', PASSWORD_HASH_PER_IP: '1000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  await proc.waitFor(/listening on/i, 240_000);
  return { proc, url: `http://127.0.0.1:${port}` };
}

test.describe.configure({ mode: 'serial' });

let server: { proc: Proc; url: string };
let dataDir: string;
let creator: Creator;
let experienceId: string;
const pageErrors: string[] = [];

interface Registered {
  user: { id: string; role: 'fan' | 'creator'; username: string };
  accessToken: string;
  refreshToken: string;
}

async function post<T>(path: string, body: unknown, token?: string): Promise<{ status: number; data: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `vr-e2e-${Math.random().toString(36).slice(2)}`, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { data: T; error?: unknown };
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json.error)}`);
  return { status: res.status, data: json.data };
}

async function registerFan(label: string): Promise<Registered> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const username = `${label}_${suffix}`;
  return (await post<Registered>('/api/v1/auth/register', { role: 'fan', displayName: `Fan ${label}`, username, email: `${username}@example.test`, password: 'correct horse battery' })).data;
}

/** A browser page signed in as `who` (the fan app keeps its session in localStorage). */
async function signedInPage(browser: Browser, who: Registered): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${server.url}/`);
  await page.evaluate((s) => localStorage.setItem('fanz.session', JSON.stringify(s)), { user: who.user, accessToken: who.accessToken, refreshToken: who.refreshToken });
  return page;
}

type Pos = { x: number; y: number; z: number };

async function positionOf(page: Page, name: string): Promise<Pos | null> {
  return page.evaluate((n) => window.__vrRoom?.participants.find((p) => p.displayName === n)?.position ?? null, name);
}

async function walk(page: Page, key: string, ms: number): Promise<void> {
  await page.getByTestId('vr-stage').focus();
  await page.keyboard.down(key);
  await page.waitForTimeout(ms);
  await page.keyboard.up(key);
}

test.afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

test.beforeAll(async () => {
  test.setTimeout(300_000);
  dataDir = tempDir('vr-server');
  server = await startVrServer(dataDir);
  creator = await registerCreator(server.url, 'lena');
  const created = await post<{ experience_id: string }>(
    '/api/v1/vr/experiences',
    {
      type: 'virtual_meetup',
      title: 'Sunset on the roof',
      description: 'Bring your questions.',
      environment: { theme: 'rooftop', capacity: 10, interactive_elements: ['chat'] },
      scheduling: { start_time: new Date().toISOString(), duration_minutes: 60, timezone: 'Europe/Berlin' },
      access_control: { price: { amount: 500, currency: 'USD' } },
    },
    creator.accessToken,
  );
  experienceId = created.data.experience_id;
});

test.afterAll(async () => {
  await server?.proc.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('an unknown meetup and a signed-out visitor get words, not a broken page', async ({ page }) => {
  await page.goto(`${server.url}/vr/vr_00000000000000000000000000`);
  await expect(page.getByTestId('empty')).toContainText('There is no meetup at this address');
  await page.goto(`${server.url}/vr/${experienceId}`);
  await expect(page.getByRole('heading', { name: 'Sunset on the roof' })).toBeVisible();
  await expect(page.getByTestId('room-sign-in')).toContainText('to get a ticket');
});

test('a cancelled meetup, a sold-out one and one not open yet say so in words', async ({ browser }) => {
  const body = (title: string, startInMs: number) => ({
    type: 'virtual_meetup',
    title,
    environment: { theme: 'space', capacity: 1 },
    scheduling: { start_time: new Date(Date.now() + startInMs).toISOString(), duration_minutes: 30, timezone: 'UTC' },
    access_control: { price: { amount: 300, currency: 'USD' } },
  });
  const cancelled = (await post<{ experience_id: string }>('/api/v1/vr/experiences', body('Called off', 0), creator.accessToken)).data.experience_id;
  await post(`/api/v1/vr/experiences/${cancelled}/cancel`, {}, creator.accessToken);
  const full = (await post<{ experience_id: string }>('/api/v1/vr/experiences', body('Tiny room', 0), creator.accessToken)).data.experience_id;
  const buyer = await registerFan('buyer');
  await post(
    '/api/v1/payments',
    { experienceId: full, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' }, expectedAmount: { amount: 300, currency: 'USD' } },
    buyer.accessToken,
  );
  const later = (await post<{ experience_id: string }>('/api/v1/vr/experiences', body('Next week', 7 * 86_400_000), creator.accessToken)).data.experience_id;

  const page = await signedInPage(browser, await registerFan('late'));
  await page.goto(`${server.url}/vr/${cancelled}`);
  await expect(page.getByTestId('room-cancelled')).toHaveText('This meetup was cancelled. Every paid ticket has been refunded.');
  await expect(page.getByTestId('ticket-form')).toHaveCount(0);
  await page.goto(`${server.url}/vr/${full}`);
  await expect(page.getByTestId('empty')).toHaveText('Sold out: the only seat is taken.');
  await page.goto(`${server.url}/vr/${later}`);
  await expect(page.getByTestId('room-not-open')).toContainText('The room has not opened yet.');
  // Tickets are sold before the start; entering waits for it.
  await expect(page.getByTestId('ticket-form')).toBeVisible();
  await page.context().close();
});

test('two fans buy tickets, enter one room and see each other move; the host mutes and removes a guest', async ({ browser }) => {
  test.setTimeout(180_000);
  const ana = await registerFan('ana');
  const ben = await registerFan('ben');
  const a = await signedInPage(browser, ana);
  const b = await signedInPage(browser, ben);
  const scripts: string[] = [];
  a.on('request', (r) => r.resourceType() === 'script' && scripts.push(r.url()));

  for (const page of [a, b]) {
    await page.goto(`${server.url}/vr/${experienceId}`);
    await expect(page.getByTestId('ticket-form')).toBeVisible();
    await page.getByTestId('pay-submit').click();
    await expect(page.getByTestId('ticket-held')).toContainText('You have a ticket');
    await page.getByTestId('vr-enter').click();
    await expect(page.getByTestId('vr-people')).toBeVisible();
  }
  // three.js came only with the room.
  expect(scripts.some((u) => /room-scene/.test(u))).toBe(true);

  // Each sees the other, placed by a pose that came over the relay.
  await expect.poll(() => positionOf(a, 'Fan ben'), { timeout: 15_000 }).not.toBeNull();
  await expect.poll(() => positionOf(b, 'Fan ana'), { timeout: 15_000 }).not.toBeNull();

  const anaBefore = (await positionOf(b, 'Fan ana'))!;
  await walk(a, 'KeyW', 700);
  await expect
    .poll(async () => {
      const p = await positionOf(b, 'Fan ana');
      return p ? Math.hypot(p.x - anaBefore.x, p.z - anaBefore.z) : 0;
    }, { timeout: 10_000 })
    .toBeGreaterThan(0.3);
  // B's own view of A matches where A says it is (to the millimetre rounding of the wire).
  const aSelf = await a.evaluate(() => window.__vrRoom!.you!.position);
  await expect.poll(async () => Math.hypot(((await positionOf(b, 'Fan ana'))!.x - aSelf.x), ((await positionOf(b, 'Fan ana'))!.z - aSelf.z))).toBeLessThan(0.01);

  const benBefore = (await positionOf(a, 'Fan ben'))!;
  await walk(b, 'KeyD', 600);
  await expect
    .poll(async () => {
      const p = await positionOf(a, 'Fan ben');
      return p ? Math.hypot(p.x - benBefore.x, p.z - benBefore.z) : 0;
    }, { timeout: 10_000 })
    .toBeGreaterThan(0.3);

  // Chat goes both ways.
  await a.getByTestId('vr-chat-input').fill('Hello from Ana');
  await a.getByTestId('vr-chat-input').press('Enter');
  await expect(b.getByTestId('vr-chat-log')).toContainText('Fan ana: Hello from Ana');

  // Screenshot of the room as a fan sees it (the other fan's avatar and name tag in view).
  await walk(b, 'KeyQ', 300);
  await b.waitForTimeout(500);
  await b.screenshot({ path: process.env.FANZ_UPDATE_SCREENSHOTS === '1' ? `${screenshotsDir}vr-room.png` : test.info().outputPath('vr-room.png') });

  // The creator opens the room as host, mutes Ben, then removes him.
  const host = await signedInPage(browser, { user: { id: creator.id, role: 'creator', username: creator.username }, accessToken: creator.accessToken, refreshToken: 'unused-in-this-test' });
  await host.goto(`${server.url}/vr/${experienceId}`);
  await expect(host.getByTestId('ticket-held')).toContainText('You are the host');
  await host.getByTestId('vr-enter').click();
  const benIndex = await host.evaluate(() => window.__vrRoom?.participants.find((p) => p.displayName === 'Fan ben')?.participantIndex);
  await expect.poll(() => host.evaluate(() => window.__vrRoom?.participants.find((p) => p.displayName === 'Fan ben')?.participantIndex ?? null)).not.toBeNull();
  const idx = benIndex ?? (await host.evaluate(() => window.__vrRoom!.participants.find((p) => p.displayName === 'Fan ben')!.participantIndex));
  await host.getByTestId(`vr-mute-${idx}`).click();
  await expect(b.getByTestId('vr-chat-log')).toContainText('The host muted you');
  await expect.poll(() => a.evaluate((i) => window.__vrRoom!.participants.find((p) => p.participantIndex === i)?.muted, idx)).toBe(true);
  host.once('dialog', (d) => void d.accept());
  await host.getByTestId(`vr-remove-${idx}`).click();
  await expect(b.getByTestId('vr-closed')).toContainText('The host removed you from this room.');
  await expect(b.getByTestId('vr-closed')).toHaveAttribute('data-close-code', '4406');
  await expect(b.getByTestId('vr-rejoin')).toHaveCount(0);
  await expect(a.getByTestId('vr-chat-log')).toContainText('Fan ben was removed by the host');

  for (const p of [a, b, host]) await p.context().close();
});
