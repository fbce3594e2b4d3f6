// Creator analytics (issue 20) end to end: the numbers the insights route answers come from payments,
// refunds, playback sessions and publications (immediate ones written over doc sync, scheduled ones by the
// real scheduler) this test makes through the real routes, on PGlite and PostgreSQL. Also: who may read them, bad input, the rollups export and
// the weekly summary webhook (once per creator and ISO week).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { catalogDocName, getPost, initCatalogDoc, newId, publishPost, putPost, updatePost } from '@fanz/core';
import { DocStore } from '../src/sync/doc-store.js';
import { lastCompleteIsoWeek } from '../src/analytics/weekly-summary.js';
import type { TestGateway } from '../src/payments/payment-gateway.js';
import { api, BACKENDS, connect, eventually, makeStorage, pgSkipReason, register, synced, type Account, type Running, type Storage } from './helpers.js';
import { makePhotoSet, uploadAll, complete, writePosts, type LadderFile } from './media-helpers.js';
import { bearer, createTier, FAST_MONEY, pay, startMoneyServer } from './money-helpers.js';

let work: string;
let photos: LadderFile[];
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fanz-analytics-test-'));
  photos = makePhotoSet(join(work, 'photo'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function hookReceiver(): Promise<{ url: string; bodies: string[]; close: () => Promise<void> }> {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(200).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, bodies, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

const today = () => new Date().toISOString().slice(0, 10);

/** The post as the server stored it (its document replayed from the store). */
async function serverPost(s: Running, creatorId: string, postId: string) {
  const stored = await new DocStore(s.server.db).load(catalogDocName(creatorId));
  const doc = new Y.Doc();
  for (const u of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) Y.applyUpdate(doc, u);
  const post = getPost(doc, postId);
  doc.destroy();
  return post;
}

describe.each(BACKENDS)('creator analytics on %s', (backend) => {
  const skip = backend === 'postgres' && pgSkipReason !== null;
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  let other: Account;
  let fanA: Account;
  let fanB: Account;
  let fanC: Account;
  let ppvPostId: string;
  let scheduledPostId: string;
  const ppvMedia = newId('med');
  const freeMedia = newId('med');
  const paid: { amount: number; creatorNet: number }[] = [];
  let refundedTip: { amount: number; creatorNet: number };

  beforeAll(async () => {
    if (skip) return console.log(`skipping PostgreSQL analytics tests: ${pgSkipReason}`);
    storage = makeStorage(backend);
    srv = await startMoneyServer(storage, { webhookAllowPrivate: true });
    [creator, other, fanA, fanB, fanC] = await Promise.all([
      register(srv.url, 'creator'),
      register(srv.url, 'creator'),
      register(srv.url, 'fan'),
      register(srv.url, 'fan'),
      register(srv.url, 'fan'),
    ]);
    await uploadAll(srv.url, creator, ppvMedia, photos);
    await uploadAll(srv.url, creator, freeMedia, photos);
    expect((await complete(srv.url, creator, ppvMedia, 'image', photos)).status).toBe(200);
    expect((await complete(srv.url, creator, freeMedia, 'image', photos)).status).toBe(200);
    [ppvPostId, scheduledPostId] = await writePosts(srv, creator, [
      { title: 'Paid photo', visibility: 'pay_per_view', price: { amount: 499, currency: 'USD' }, status: 'published', media: [{ mediaId: ppvMedia, kind: 'image' }] },
      { title: 'Free photo', visibility: 'free', status: 'scheduled', scheduledAt: new Date(Date.now() - 60_000).toISOString(), media: [{ mediaId: freeMedia, kind: 'image' }] },
    ]) as [string, string];
    // The real scheduler publishes the scheduled post and records the one published immediately (analytics
    // counts each once, however often it ticks).
    await srv.server.scheduler.tick();
    await srv.server.scheduler.tick();

    const tier = await createTier(srv.url, creator, 1999);
    const record = (res: Awaited<ReturnType<typeof pay>>) => {
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const p = res.body.data.payment;
      return { id: p.id as string, amount: p.amount.amount as number, creatorNet: p.creatorNet.amount as number };
    };
    const subA = record(await pay(srv.url, fanA, { subscriptionId: tier.id }, 'sub-a'));
    // A retry with the same Idempotency-Key is the same payment: counted once.
    expect(record(await pay(srv.url, fanA, { subscriptionId: tier.id }, 'sub-a')).id).toBe(subA.id);
    const subB = record(await pay(srv.url, fanB, { subscriptionId: tier.id }, 'sub-b'));
    const ppv = record(await pay(srv.url, fanA, { postId: ppvPostId }, 'ppv-a'));
    const tipC = record(await pay(srv.url, fanC, { tip: { creatorId: creator.id, amount: { amount: 500, currency: 'USD' } } }, 'tip-c'));
    const tipB = record(await pay(srv.url, fanB, { tip: { creatorId: creator.id, amount: { amount: 300, currency: 'USD' } } }, 'tip-b'));
    paid.push(subA, subB, ppv, tipC, tipB);
    refundedTip = tipB;
    const refund = await api(srv.url, 'POST', `/api/v1/payments/${tipB.id}/refund`, { reason: 'asked' }, { ...bearer(creator), 'idempotency-key': 'refund-b' });
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);

    // Playback sessions: fan A opens the paid photo twice, fan B the free one once; the creator's own is not a view.
    for (const [fan, media] of [[fanA, ppvMedia], [fanA, ppvMedia], [fanB, freeMedia], [creator, ppvMedia]] as const) {
      const r = await api(srv.url, 'GET', `/api/v1/media/${media}/playback`, undefined, bearer(fan));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
  }, 180_000);

  afterAll(async () => {
    await srv?.close();
    await storage?.cleanup();
  });

  const insights = (who: Account | string, body: Record<string, unknown>) =>
    api(srv.url, 'POST', '/api/v1/analytics/creator-insights', body, typeof who === 'string' ? { authorization: `Bearer ${who}` } : bearer(who));

  it.skipIf(skip)('answers revenue, engagement, audience, content and cohorts from what happened', async () => {
    const res = await insights(creator, { creator_id: creator.id, date_range: 'last_7_days' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const d = res.body.data;
    expect(d.currency).toBe('USD');
    expect(d.date_range).toEqual({ from: new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10), to: today(), days: 7 });

    const gross = paid.reduce((a, p) => a + p.amount, 0);
    const total = gross - refundedTip.amount;
    expect(total).toBe(1999 * 2 + 499 + 500);
    const r = d.revenue_analytics;
    expect(r.total_revenue).toEqual({ amount: total, currency: 'USD' });
    expect(r.creator_net).toEqual({ amount: paid.reduce((a, p) => a + p.creatorNet, 0) - refundedTip.creatorNet, currency: 'USD' });
    expect(r.refunds).toEqual({ amount: 300, currency: 'USD' });
    expect(r.payments).toBe(5);
    expect(r.average_per_day).toEqual({ amount: Math.round(total / 7), currency: 'USD' });
    expect(r.previous_period_revenue).toEqual({ amount: 0, currency: 'USD' });
    expect(r).not.toHaveProperty('growth_rate');
    expect(r.top_revenue_sources.map((s: { source: string; amount: { amount: number } }) => [s.source, s.amount.amount])).toEqual([
      ['subscriptions', 3998],
      ['tips', 500],
      ['pay_per_view', 499],
    ]);
    const pcts = r.top_revenue_sources.map((s: { percentage: number }) => s.percentage);
    expect(Math.round(pcts.reduce((a: number, b: number) => a + b, 0) * 100)).toBe(10_000);
    for (const s of r.top_revenue_sources) expect(Math.abs(s.percentage - (s.amount.amount / total) * 100)).toBeLessThanOrEqual(0.01);

    const e = d.engagement_metrics;
    expect(e.total_views).toBe(3);
    expect(e.unique_viewers).toBe(2);
    expect(e.unique_viewers_estimate.method).toBe('hyperloglog');
    expect(e.fan_retention_rate).toBe(1);
    expect(e.vr_attendances).toBe(0);
    expect(e).not.toHaveProperty('completion_rate');

    expect(d.audience_insights).toEqual({ active_subscribers: 2, subscribers_at_start: 0, new_subscribers: 2, churned_subscribers: 0, renewals: 0 });
    expect(d.audience_insights).not.toHaveProperty('total_followers');

    const c = d.content_performance;
    // The paid photo was published immediately from the desktop, the free one by the scheduler.
    expect(c.posts_published).toBe(2);
    expect(c.total_post_views).toBe(3);
    expect(c.average_views_per_post).toBe(1.5);
    expect(c.top_posts_by_views).toEqual([
      { post_id: ppvPostId, views: 2, revenue: { amount: 499, currency: 'USD' } },
      { post_id: scheduledPostId, views: 1, revenue: { amount: 0, currency: 'USD' } },
    ]);
    expect(c.top_posts_by_revenue).toEqual([{ post_id: ppvPostId, revenue: { amount: 499, currency: 'USD' }, views: 2 }]);
    const published = await srv.server.db.query<{ published_at: Date | string }>('SELECT published_at FROM post_publications WHERE post_id = $1', [scheduledPostId]);
    const scheduledHour = new Date(published[0]!.published_at).getUTCHours();
    const immediateHour = new Date((await serverPost(srv, creator.id, ppvPostId))!.publishedAt!).getUTCHours();
    expect(c.best_posting_hours).toEqual(
      scheduledHour === immediateHour
        ? [{ hour_utc: immediateHour, posts: 2, average_views: 1.5 }]
        : [
            { hour_utc: immediateHour, posts: 1, average_views: 2 },
            { hour_utc: scheduledHour, posts: 1, average_views: 1 },
          ],
    );

    expect(d.cohort_retention).toEqual([{ cohort: today().slice(0, 7), fans: 2, retention: [1] }]);
    expect(d).not.toHaveProperty('growth_predictions');
  });

  it.skipIf(skip)('answers only the metrics asked for, and growth predictions say when history is too short', async () => {
    const res = await insights(creator, { creator_id: creator.id, date_range: { from: today(), to: today() }, metrics: ['revenue'], include_predictions: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body.data).sort()).toEqual(['creator_id', 'currency', 'date_range', 'generated_at', 'growth_predictions', 'revenue_analytics']);
    expect(res.body.data.revenue_analytics.total_revenue.amount).toBe(4997);
    expect(res.body.data.growth_predictions.revenue).toEqual({ status: 'not_enough_history', days_of_data: 1, minimum_days: 14 });
    expect(res.body.data.growth_predictions.subscribers).toEqual({ status: 'not_enough_history', days_of_data: 1, minimum_days: 14 });
    // A range with nothing in it: zeros, no growth rate, no sources.
    const empty = await insights(creator, { creator_id: creator.id, date_range: { from: '2024-01-01', to: '2024-01-31' }, metrics: ['revenue', 'engagement'] });
    expect(empty.body.data.revenue_analytics).toMatchObject({ total_revenue: { amount: 0, currency: 'USD' }, payments: 0, top_revenue_sources: [] });
    expect(empty.body.data.engagement_metrics).toMatchObject({ total_views: 0, unique_viewers: 0 });
  });

  it.skipIf(skip)('lets only the creator, or their API key with read:analytics, read the insights', async () => {
    const body = { creator_id: creator.id, date_range: 'last_30_days' };
    const fan = await insights(fanA, body);
    expect(fan.status).toBe(403);
    expect(fan.body.error.code).toBe('FORBIDDEN');
    const stranger = await insights(other, body);
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.message).toMatch(/only by that creator/);
    expect((await insights(creator, { ...body, creator_id: other.id })).status).toBe(403);
    expect((await api(srv.url, 'POST', '/api/v1/analytics/creator-insights', body)).status).toBe(401);

    const key = async (scopes: string[]) => (await api(srv.url, 'POST', '/api/v1/api-keys', { name: 'analytics', scopes }, bearer(creator))).body.data.secret as string;
    const withScope = await insights(await key(['read:analytics']), body);
    expect(withScope.status, JSON.stringify(withScope.body)).toBe(200);
    expect(withScope.body.data.revenue_analytics.total_revenue.amount).toBe(4997);
    const without = await insights(await key(['read:catalog']), body);
    expect(without.status).toBe(403);
    expect(without.body.error.details).toEqual({ requiredScope: 'read:analytics' });
  });

  it.skipIf(skip)('refuses bad input with 400 and a message that names the problem', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ creator_id: creator.id, metrics: ['revenue', 'demographics'] }, /unknown metric "demographics"/],
      [{ creator_id: creator.id, date_range: { from: '2026-03-10', to: '2026-03-01' } }, /inverted/],
      [{ creator_id: creator.id, date_range: { from: '2020-01-01', to: '2026-01-01' } }, /at most 366/],
      [{ creator_id: creator.id, date_range: { from: '2026-02-30', to: '2026-03-01' } }, /real calendar date/],
      [{ creator_id: creator.id, date_range: 'last_2_weeks' }, /date_range/],
      [{ creator_id: creator.id, metrics: [] }, /metrics/],
      [{ creator_id: creator.id, include_predictions: 'yes' }, /include_predictions/],
      [{ creator_id: creator.id, surprise: 1 }, /surprise/],
      [{ date_range: 'last_7_days' }, /creator_id/],
      [{ creator_id: 'x'.repeat(10_000) }, /creator_id/],
    ];
    for (const [body, message] of cases) {
      const res = await insights(creator, body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status: 400, code: 'VALIDATION_ERROR' });
      expect(res.body.error.message).toMatch(message);
    }
    const notJson = await api(srv.url, 'POST', '/api/v1/analytics/creator-insights', '{"creator_id":', { ...bearer(creator), 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
  });

  it.skipIf(skip)('exports the daily rollups as JSON and CSV', async () => {
    const q = `from=${today()}&to=${today()}`;
    const json = await api(srv.url, 'GET', `/api/v1/analytics/rollups?${q}`, undefined, bearer(creator));
    expect(json.status, JSON.stringify(json.body)).toBe(200);
    const rows = json.body.data.rows as { source: string; events: number; amount: number; reversed_amount: number }[];
    const by = (s: string) => rows.find((r) => r.source === s)!;
    expect(by('subscriptions')).toMatchObject({ events: 2, amount: 3998, reversed_amount: 0 });
    expect(by('tips')).toMatchObject({ events: 2, amount: 800, reversed_amount: 300 });
    expect(by('views').events).toBe(3);
    expect(by('posts').events).toBe(2);
    const csv = await fetch(`${srv.url}/api/v1/analytics/rollups?${q}&format=csv`, { headers: bearer(creator) });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('day,source,currency,events,amount,creator_net,reversals,reversed_amount,reversed_net');
    expect(lines).toContain(`${today()},tips,USD,2,800,${paid[3]!.creatorNet + refundedTip.creatorNet},1,300,${refundedTip.creatorNet}`);
    expect(lines.length).toBe(rows.length + 1);
    expect((await api(srv.url, 'GET', `/api/v1/analytics/rollups?from=2026-02-01&to=2025-01-01`, undefined, bearer(creator))).status).toBe(400);
    expect((await api(srv.url, 'GET', `/api/v1/analytics/rollups?${q}&format=xml`, undefined, bearer(creator))).status).toBe(400);
    expect((await api(srv.url, 'GET', `/api/v1/analytics/rollups?${q}&creator_id=${creator.id}`, undefined, bearer(other))).status).toBe(403);
  });

  it.skipIf(skip)('counts a post published immediately over doc sync once, at its publication hour', async () => {
    const author = await register(srv.url, 'creator');
    const client = connect(srv.wsUrl, catalogDocName(author.id), author.accessToken);
    await synced(client);
    initCatalogDoc(client.doc, author.id);
    const postId = newId('post');
    const now = new Date().toISOString();
    putPost(client.doc, { id: postId, creatorId: author.id, title: 'Right now', visibility: 'free', status: 'draft', createdAt: now, updatedAt: now });
    // What the desktop's Publish button does: no schedule, straight to published.
    const post = publishPost(client.doc, postId);
    const body = { creator_id: author.id, date_range: 'last_7_days', metrics: ['content'] };
    const content = async () => (await insights(author, body)).body.data.content_performance;
    // The server's own scheduler loop (not a test tick) notices it in the written document.
    await eventually(async () => (await content()).posts_published === 1, 'the immediate publication counted', 15_000);
    expect((await content()).best_posting_hours).toEqual([{ hour_utc: new Date(post.publishedAt!).getUTCHours(), posts: 1, average_views: 0 }]);

    // Unpublished and published again: still one publication.
    updatePost(client.doc, postId, { status: 'draft', publishedAt: null });
    publishPost(client.doc, postId);
    await eventually(async () => (await serverPost(srv, author.id, postId))?.publishedAt === getPost(client.doc, postId)!.publishedAt, 'server has the second publication');
    await srv.server.scheduler.tick();
    await srv.server.scheduler.tick();
    client.destroy();
    expect((await content()).posts_published).toBe(1);
    const events = await srv.server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM analytics_events WHERE creator_id = $1 AND kind = 'post_published'`, [author.id]);
    expect(events[0]!.n).toBe(1);
  });

  it.skipIf(skip)('sends analytics.weekly_summary once per creator and ISO week', async () => {
    const hook = await hookReceiver();
    try {
      const created = await api(srv.url, 'POST', '/api/v1/webhooks', { url: hook.url, events: ['analytics.weekly_summary'] }, bearer(creator));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      // A week from now, the week holding today is the last complete one.
      const later = new Date(Date.now() + 7 * 86_400_000);
      const week = lastCompleteIsoWeek(later);
      const [first, second] = [await srv.server.analytics.weekly.runOnce(later), await srv.server.analytics.weekly.runOnce(later)];
      expect([first, second]).toEqual([1, 0]);
      const events = await srv.server.db.query<{ payload: string }>(`SELECT payload FROM webhook_events WHERE owner_id = $1 AND type = 'analytics.weekly_summary'`, [creator.id]);
      expect(events.length).toBe(1);
      srv.server.money.webhooks.kick();
      for (let i = 0; i < 200 && hook.bodies.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(hook.bodies.length).toBe(1);
      const data = JSON.parse(hook.bodies[0]!).data;
      expect(data).toMatchObject({
        creator_id: creator.id,
        iso_week: week.week,
        total_revenue: { amount: 4997, currency: 'USD' },
        refunds: { amount: 300, currency: 'USD' },
        payments: 5,
        total_views: 3,
        unique_viewers: 2,
        new_subscribers: 2,
        posts_published: 2,
      });
    } finally {
      await hook.close();
    }
  });
});

describe('creator analytics: subscription lifecycle', () => {
  let storage: Storage;
  let srv: Running;
  beforeAll(async () => {
    storage = makeStorage('pglite');
    srv = await startMoneyServer(storage, { money: { ...FAST_MONEY, renewals: { pollMs: 100, retryDelaysMs: [150], leaseMs: 10_000 } } });
  });
  afterAll(async () => {
    await srv?.close();
    await storage?.cleanup();
  });

  it('counts a renewal, a cancellation and a chargeback once each, as the renewal loop and gateway make them', async () => {
    const creator = await register(srv.url, 'creator');
    const tier = await createTier(srv.url, creator, 1999);
    const [renews, cancels, disputes] = await Promise.all([register(srv.url, 'fan'), register(srv.url, 'fan'), register(srv.url, 'fan')]);
    const sub: Record<string, { payment: string; subscription: string }> = {};
    for (const [name, fan] of [['renews', renews], ['cancels', cancels], ['disputes', disputes]] as const) {
      const res = await pay(srv.url, fan, { subscriptionId: tier.id }, `sub-${name}`);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      sub[name] = { payment: res.body.data.payment.id, subscription: res.body.data.subscription.id };
    }
    // The period of one subscription ends: the real renewal loop charges the saved card.
    await srv.server.db.query(`UPDATE subscriptions SET current_period_end = now() - interval '1 second', next_attempt_at = now() - interval '1 second' WHERE id = $1`, [sub.renews!.subscription]);
    await eventually(async () => (await srv.server.db.query(`SELECT 1 FROM subscription_renewals WHERE subscription_id = $1`, [sub.renews!.subscription])).length === 1, 'the renewal');
    // One fan cancels (twice: the second changes nothing), another's card network disputes the charge (delivered twice).
    for (let i = 0; i < 2; i++) expect((await api(srv.url, 'POST', `/api/v1/subscriptions/${sub.cancels!.subscription}/cancel`, {}, bearer(cancels))).status).toBe(200);
    const charge = (await srv.server.db.query<{ gateway_charge_id: string }>('SELECT gateway_charge_id FROM payments WHERE id = $1', [sub.disputes!.payment]))[0]!.gateway_charge_id;
    const dispute = (srv.server.money.gateway as TestGateway).disputeNotification(charge);
    for (let i = 0; i < 2; i++) expect((await api(srv.url, 'POST', '/api/v1/payments/gateway-notifications', dispute.body, dispute.headers)).status).toBe(200);

    const res = await api(srv.url, 'POST', '/api/v1/analytics/creator-insights', { creator_id: creator.id, date_range: 'last_7_days' }, bearer(creator));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const d = res.body.data;
    expect(d.revenue_analytics).toMatchObject({ total_revenue: { amount: 3 * 1999, currency: 'USD' }, refunds: { amount: 1999, currency: 'USD' }, payments: 4 });
    expect(d.revenue_analytics.top_revenue_sources).toEqual([{ source: 'subscriptions', amount: { amount: 3 * 1999, currency: 'USD' }, percentage: 100 }]);
    // In force at the range's end: the renewed one; the canceled one ended for analytics when the fan canceled,
    // the disputed one when it was revoked.
    expect(d.audience_insights).toEqual({ active_subscribers: 1, subscribers_at_start: 0, new_subscribers: 3, churned_subscribers: 2, renewals: 1 });
    expect(d.engagement_metrics.fan_retention_rate).toBe(0.3333);
    expect(d.cohort_retention).toEqual([{ cohort: today().slice(0, 7), fans: 3, retention: [1] }]);
    const kinds = await srv.server.db.query<{ kind: string; n: number }>(
      'SELECT kind, count(*)::int AS n FROM analytics_events WHERE creator_id = $1 GROUP BY kind ORDER BY kind',
      [creator.id],
    );
    expect(kinds).toEqual([
      { kind: 'chargeback', n: 1 },
      { kind: 'payment', n: 4 },
      { kind: 'subscription_ended', n: 2 },
      { kind: 'subscription_renewed', n: 1 },
      { kind: 'subscription_started', n: 3 },
    ]);
  });
});
