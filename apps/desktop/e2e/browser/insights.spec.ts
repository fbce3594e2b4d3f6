// The Insights screen in browser mode against a real sync server. The server runs in this process so the
// test can also date nine weeks of earlier payments with the server's own analytics recorder (the payment
// routes only make payments "now", and a forecast needs 14 days). Shown: the empty states of a new
// creator, then with a real tip and that history: totals, revenue by source, forecast fans, subscribers and
// churn, top posts, the posting-hours heat map of posts synced from the server; reached and used by
// keyboard; no serious axe finding; then offline: the saved numbers with their "as of" time. Screenshot to
// test-results/ (and resources/screenshots/insights.png when FANZ_UPDATE_SCREENSHOTS=1).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { catalogDocName, newId, putPost } from '@fanz/core';
import { loadConfig } from '../../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../../sync-server/src/server.js';
import { recordHistory } from '../../test/helpers/insights-history.js';
import { startStudio, tempDir, type Proc } from '../processes.js';
import { registerCreator, tipCreator, type Creator } from '../server-copy.js';

const screenshotsDir = fileURLToPath(new URL('../../../../resources/screenshots/', import.meta.url));

let server: FanzServer;
let url: string;
let studio: { proc: Proc; url: string };
let creator: Creator;
let serverDir: string;
let studioDir: string;

test.describe.configure({ mode: 'serial' });
test.use({ timezoneId: 'Europe/Berlin' });
test.beforeAll(async () => {
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: (serverDir = tempDir('insights-server')), logLevel: 'silent' }, { logger: false });
  url = await server.listen();
  creator = await registerCreator(url, 'insights');
  studioDir = tempDir('insights-studio');
  studio = await startStudio(studioDir, url);
});
test.afterAll(async () => {
  await studio?.proc.stop();
  await server?.close();
  for (const d of [serverDir, studioDir]) if (d) rmSync(d, { recursive: true, force: true });
});

/** Published posts at past times, written into the creator's catalog document as a second device would. */
async function publishPostsOnServer(times: Date[]): Promise<string[]> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/sync`, catalogDocName(creator.id), doc, {
    params: { token: creator.accessToken },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  try {
    await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    // The first post is pay-per-view ($4.99), so a fan can buy it through the payment route.
    const ids = times.map(() => newId('post'));
    doc.transact(() => {
      times.forEach((at, i) => {
        const iso = at.toISOString();
        const access = i === 0 ? { visibility: 'pay_per_view' as const, price: { amount: 499, currency: 'USD' as const } } : { visibility: 'free' as const };
        putPost(doc, { id: ids[i]!, creatorId: creator.id, title: `Evening set ${i + 1}`, ...access, status: 'published', publishedAt: iso, createdAt: iso, updatedAt: iso });
      });
    });
    // Give the provider a moment to send the update before closing.
    await new Promise((r) => setTimeout(r, 500));
    return ids;
  } finally {
    provider.destroy();
    doc.destroy();
  }
}

async function registerFan(): Promise<{ id: string; token: string }> {
  const n = Math.random().toString(36).slice(2, 8);
  const res = await fetch(`${url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'fan', username: `fan_${n}`, email: `fan-${n}@example.test`, password: 'correct horse battery', displayName: 'Fan' }),
  });
  const d = ((await res.json()) as { data: { user: { id: string }; accessToken: string } }).data;
  return { id: d.user.id, token: d.accessToken };
}

/** A fan buys a pay-per-view post through the real payment route. */
async function buyPost(fanToken: string, postId: string): Promise<void> {
  const res = await fetch(`${url}/api/v1/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${fanToken}`, 'idempotency-key': `ppv-${postId}` },
    body: JSON.stringify({ postId, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' } }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

async function axeClean(page: Page): Promise<void> {
  const axe = await new AxeBuilder({ page }).include('.insights').analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
  const text = await page.locator('.insights').innerText();
  for (const raw of ['undefined', 'NaN', 'null', 'not_enough_history', 'SERVER_UNREACHABLE']) expect(text).not.toContain(raw);
}

test('a creator reads insights: empty states, then charts and forecasts, then the saved numbers offline', async ({ page }) => {
  await page.goto(studio.url);
  await page.getByTestId('nav-account').click();
  await page.getByTestId('signin-email').fill(creator.email);
  await page.getByTestId('signin-password').fill(creator.password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('account-user')).toHaveText(creator.username);

  // The Insights entry is in the navigation and opens by keyboard.
  await page.getByTestId('nav-insights').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Insights' })).toBeVisible();
  await expect(page.getByTestId('insights-as-of')).toContainText('Up to date as of');
  await expect(page.getByTestId('insights-no-revenue')).toContainText('No revenue in these days yet');
  await expect(page.getByTestId('insights-forecast-empty')).toContainText('Not enough history for a forecast yet: it needs at least 14 days of revenue, and there are 0 days.');
  await expect(page.getByTestId('insights-no-posts')).toContainText('No published posts yet');

  // A real tip today, nine weeks of earlier payments, and a dozen posts published over the last weeks.
  await tipCreator(url, creator.id, 2500);
  const fan = await registerFan();
  const history = await recordHistory(server.db, creator.id, fan.id, 63);
  const now = Date.now();
  const posts = await publishPostsOnServer(Array.from({ length: 12 }, (_, i) => new Date(now - (i + 1) * 4.3 * 86_400_000 + (i % 3) * 3_600_000)));
  await buyPost(fan.token, posts[0]!);

  // Keyboard: the range is a select; Arrow Down moves from "Last 30 days" to "Last 90 days" and loads it.
  await page.getByTestId('insights-range').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('insights-range')).toHaveValue('last_90_days');
  await expect(page.getByTestId('insights-as-of')).toContainText('Up to date as of');
  const total = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format((history.total + 2500 + 499) / 100);
  await expect(page.getByTestId('insights-total')).toHaveText(total);
  for (const id of ['chart-revenue-sources', 'chart-revenue-forecast', 'chart-subscriber-forecast']) {
    await expect(page.getByTestId(id).locator('canvas')).toBeVisible();
  }
  await expect(page.getByTestId('chart-revenue-forecast')).toHaveAttribute('aria-label', /Revenue forecast for the next 30 days/);
  await expect(page.getByText(/ETS\(A,(N|A|Ad),(N|A)\) chosen by AICc from \d+ days of history/)).toBeVisible();
  await expect(page.getByTestId('insights-churn')).toContainText('New');
  // The bought post leads the top posts by revenue, under its title from the studio's own catalog.
  await expect(page.getByTestId('top-posts-revenue').getByRole('row', { name: /Evening set 1 .*\$4\.99/ })).toBeVisible();
  // The posts synced from the server fill the heat map (12 posts in 7 x 24 cells).
  await expect(page.getByTestId('posting-heatmap')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('Your 12 published posts by weekday and hour')).toBeVisible();
  // The numbers behind a chart open from the keyboard too.
  const numbers = page.getByText('Show the numbers').first();
  await numbers.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Revenue by source per day' })).toBeVisible();
  await page.keyboard.press('Enter');
  await axeClean(page);

  const shot = process.env.FANZ_UPDATE_SCREENSHOTS === '1' ? join(screenshotsDir, 'insights.png') : test.info().outputPath('insights.png');
  mkdirSync(join(shot, '..'), { recursive: true });
  // The screen scrolls inside its panel: make the window as tall as the content for one full picture.
  const height = await page.locator('.insights').evaluate((el) => el.scrollHeight + 80);
  await page.setViewportSize({ width: 1280, height });
  await page.screenshot({ path: shot });

  // Offline: the server goes away; a refresh shows the saved numbers, when they are from, and why.
  await server.close();
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByTestId('insights-as-of')).toContainText(/Saved numbers from .+ \(offline: the server cannot be reached\)\./);
  await expect(page.getByTestId('insights-total')).toHaveText(total);
  await expect(page.getByTestId('chart-revenue-forecast').locator('canvas')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('insights-offline.png') });
});
