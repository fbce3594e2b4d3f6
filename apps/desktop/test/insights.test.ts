// The studio's insights service against the real sync server (in-process, PGlite): payments made through
// the real routes show up in the insights and the daily rollups the service fetches, the answer is saved in
// the studio's SQLite, and with the server gone the service answers the saved numbers with their "as of"
// time and says why they are not fresh. A server answering something else is refused, the saved row kept.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../sync-server/src/server.js';
import { openDb, type Db } from '../src/main/services/library/db.js';
import { loadInsights, type InsightsDeps } from '../src/main/services/insights/insights-service.js';
import { StudioApiError } from '../src/shared/studio-api.js';
import { recordHistory } from './helpers/insights-history.js';
import { serverApi } from './helpers/server-api.js';

let dir: string;
let server: FanzServer;
let url: string;
let db: Db;
let garbage: Server;
let garbageUrl: string;
let creator: { id: string; token: string };
let fan: { id: string; token: string };

const { post, registerAs } = serverApi(() => url);

async function pay(body: Record<string, unknown>) {
  const r = await post('/api/v1/payments', { ...body, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' } }, fan.token, {
    'idempotency-key': randomBytes(8).toString('hex'),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

const deps = (serverUrl: string, who = creator, role = 'creator'): InsightsDeps => ({
  db,
  account: () => ({ serverUrl, creatorId: who.id, role }),
  accessToken: async () => who.token,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-insights-'));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  url = await server.listen();
  db = openDb(join(dir, 'studio'));
  garbage = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ success: true, data: { hello: 'not insights' } }));
  });
  garbageUrl = await new Promise<string>((r) => garbage.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(garbage.address() as AddressInfo).port}`)));
  creator = await registerAs('creator');
  fan = await registerAs('fan');
  const tier = await post('/api/v1/subscriptions', { name: 'Premium', price: { amount: 1999, currency: 'USD' }, interval: 'month', benefits: ['All posts'] }, creator.token);
  expect(tier.status).toBe(201);
  // A euro tip first: the insights' currency is the latest one (USD); euros are listed apart, not added in.
  await pay({ tip: { creatorId: creator.id, amount: { amount: 900, currency: 'EUR' } } });
  await pay({ subscriptionId: tier.body.data.id });
  await pay({ tip: { creatorId: creator.id, amount: { amount: 500, currency: 'USD' } } });
  await pay({ tip: { creatorId: creator.id, amount: { amount: 250, currency: 'USD' } } });
}, 90_000);

afterAll(async () => {
  await server?.close();
  await new Promise((r) => garbage?.close(r));
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('insights service against the real server', () => {
  it('has nothing saved before the first fetch', async () => {
    expect(await loadInsights(deps(url), { range: 'last_30_days', source: 'saved' })).toBeNull();
  });

  it('fetches the insights and rollups of the payments just made, with predictions, and saves them', async () => {
    const v = (await loadInsights(deps(url), { range: 'last_30_days' }))!;
    expect(v).toMatchObject({ range: 'last_30_days', fresh: true, staleReason: null });
    const r = v.insights.revenue_analytics!;
    expect(r.total_revenue).toEqual({ amount: 1999 + 500 + 250, currency: 'USD' });
    const bySource = Object.fromEntries(r.top_revenue_sources.map((s) => [s.source, s.amount.amount]));
    expect(bySource).toMatchObject({ subscriptions: 1999, tips: 750 });
    expect(r.other_currencies).toEqual([{ amount: 900, currency: 'EUR' }]);
    expect(v.insights.audience_insights).toMatchObject({ active_subscribers: 1, new_subscribers: 1, churned_subscribers: 0 });
    // One day of history: the server says so rather than forecasting.
    expect(v.insights.growth_predictions?.revenue).toMatchObject({ status: 'not_enough_history', days_of_data: 1, minimum_days: 14 });
    // The rollups carry the same money per source and day.
    const rolled: Record<string, number> = {};
    for (const row of v.rollups.filter((x) => x.currency === 'USD')) rolled[row.source] = (rolled[row.source] ?? 0) + row.amount - row.reversed_amount;
    expect(Object.values(rolled).reduce((a, b) => a + b, 0)).toBe(2749);
    expect(new Set(v.rollups.map((x) => x.day))).toEqual(new Set([v.insights.date_range.to]));

    const row = db.prepare('SELECT creator_id, range, fetched_at FROM insights_snapshots').all() as Array<{ creator_id: string; range: string; fetched_at: number }>;
    expect(row).toEqual([{ creator_id: creator.id, range: 'last_30_days', fetched_at: Date.parse(v.asOf) }]);
    const saved = (await loadInsights(deps(url), { range: 'last_30_days', source: 'saved' }))!;
    expect(saved).toMatchObject({ fresh: false, asOf: v.asOf, staleReason: null });
    expect(saved.insights.revenue_analytics?.total_revenue).toEqual({ amount: 2749, currency: 'USD' });
  });

  it('refuses an answer that is not insights and keeps the saved numbers', async () => {
    const before = (await loadInsights(deps(url), { range: 'last_30_days', source: 'saved' }))!;
    const v = (await loadInsights(deps(garbageUrl), { range: 'last_7_days' }).catch((e: unknown) => e)) as StudioApiError;
    expect(v).toBeInstanceOf(StudioApiError);
    expect(v.code).toBe('BAD_SERVER_RESPONSE');
    expect(v.message).toMatch(/insights the studio does not understand/);
    expect((await loadInsights(deps(url), { range: 'last_30_days', source: 'saved' }))!.asOf).toBe(before.asOf);
  });

  it('refuses signed-out and fan accounts in words, and bad ranges', async () => {
    const signedOut: InsightsDeps = { db, account: () => null, accessToken: async () => 'x' };
    await expect(loadInsights(signedOut, { range: 'last_30_days' })).rejects.toThrow('sign in to see your insights');
    await expect(loadInsights(deps(url, fan, 'fan'), { range: 'last_30_days' })).rejects.toThrow('insights are for creator accounts');
    await expect(loadInsights(deps(url), { range: 'last_3_days' as never })).rejects.toThrow();
  });

  it('asking for another creator is refused by the server (403), not shown', async () => {
    const other = await registerAs('creator');
    const err = (await loadInsights({ db, account: () => ({ serverUrl: url, creatorId: other.id, role: 'creator' }), accessToken: async () => creator.token }, { range: 'last_7_days' }).catch(
      (e: unknown) => e,
    )) as StudioApiError;
    expect(err).toBeInstanceOf(StudioApiError);
    expect(err.code).toBe('FORBIDDEN');
  });

  it('with 60 days of earlier payments, answers 30-day revenue and subscriber forecasts with nested intervals', async () => {
    const seasoned = await registerAs('creator');
    const h = await recordHistory(server.db, seasoned.id, fan.id, 60);
    const v = (await loadInsights(deps(url, seasoned), { range: 'last_90_days' }))!;
    expect(v.fresh).toBe(true);
    expect(v.insights.revenue_analytics?.total_revenue).toEqual({ amount: h.total, currency: 'USD' });
    const revenue = v.insights.growth_predictions!.revenue;
    if (revenue.status !== 'ok') throw new Error(`expected a revenue forecast, got ${JSON.stringify(revenue)}`);
    expect(revenue.method).toMatch(/^ETS\(A,(N|A|Ad),(N|A)\)$/);
    expect(revenue.days_of_data).toBeGreaterThanOrEqual(60);
    expect(revenue.points).toHaveLength(30);
    for (const p of revenue.points) {
      expect(p.lo95).toBeLessThanOrEqual(p.lo80);
      expect(p.lo80).toBeLessThanOrEqual(p.mean);
      expect(p.mean).toBeLessThanOrEqual(p.hi80);
      expect(p.hi80).toBeLessThanOrEqual(p.hi95);
    }
    // Daily tips were 1,050-3,600 minor units: the forecast's level is in that world, not in dollars or cents x100.
    const meanDaily = revenue.points.reduce((a, p) => a + p.mean, 0) / revenue.points.length;
    expect(meanDaily).toBeGreaterThan(1000);
    expect(meanDaily).toBeLessThan(6000);
    expect(v.insights.growth_predictions!.subscribers.status).toBe('ok');
    // The rollups hold every one of those days, by source.
    expect(new Set(v.rollups.map((r) => r.day)).size).toBe(60);
    const saved = (await loadInsights(deps(url, seasoned), { range: 'last_90_days', source: 'saved' }))!;
    expect(saved.insights.growth_predictions).toEqual(v.insights.growth_predictions);
  });

  it('with the server gone, answers the saved numbers, their time, and that the studio is offline', async () => {
    const fresh = (await loadInsights(deps(url), { range: 'last_30_days', source: 'saved' }))!;
    await server.close();
    const v = (await loadInsights(deps(url), { range: 'last_30_days' }))!;
    expect(v).toMatchObject({ fresh: false, asOf: fresh.asOf, staleReason: 'offline: the server cannot be reached' });
    expect(v.insights.revenue_analytics?.total_revenue).toEqual({ amount: 2749, currency: 'USD' });
    // Nothing saved for this range and no server: an error in words.
    const none = (await loadInsights(deps(url), { range: 'last_90_days' }).catch((e: unknown) => e)) as StudioApiError;
    expect(none.code).toBe('SERVER_UNREACHABLE');
  });
});
