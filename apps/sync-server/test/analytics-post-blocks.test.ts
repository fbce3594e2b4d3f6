// Per-post analytics over long histories (issue 20): views, pay-per-view payments, refunds and publications
// spread over 400 days go through the real writers (analytics-events.ts, which keep the daily rows and the
// 4^l-day blocks), then content_performance for many ranges must equal what a plain sum over the events
// written gives — whichever blocks and edge days a range is cut into. PGlite and PostgreSQL.
import { describe, expect, it } from 'vitest';
import { recordPayment, recordPostPublished, recordReversal, rollUpView } from '../src/analytics/analytics-events.js';
import { dayNumber, dayString } from '../src/analytics/date-ranges.js';
import { InsightsService } from '../src/analytics/insights-service.js';
import type { Database } from '../src/db/database.js';
import { BACKENDS, useDatabase } from './helpers.js';

const NOW = new Date('2026-06-15T12:00:00Z');
const CREATOR = 'cr_blocks';
const POSTS = ['post_a', 'post_b', 'post_c', 'post_d', 'post_e', 'post_f', 'post_g'];

interface Written {
  day: string;
  postId: string;
  views: number;
  revenue: number;
}

// A fixed pseudo-random history: the same on every run and backend.
function history(): { events: (Written & { at: Date; kind: 'view' | 'payment' | 'refund'; id: string })[]; published: { postId: string; at: Date }[] } {
  let seed = 20;
  const rand = (k: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % k;
  };
  const events: (Written & { at: Date; kind: 'view' | 'payment' | 'refund'; id: string })[] = [];
  const today = dayNumber(NOW.toISOString().slice(0, 10));
  for (let i = 0; i < 700; i++) {
    const day = today - rand(400);
    const at = new Date(day * 86_400_000 + rand(86_400) * 1000);
    const postId = POSTS[rand(POSTS.length)]!;
    const kind = i % 5 === 0 ? 'payment' : 'view';
    const amount = 100 + rand(900);
    events.push({ kind, id: `e${i}`, at, day: dayString(day), postId, views: kind === 'view' ? 1 : 0, revenue: kind === 'payment' ? amount : 0 });
    // Every fourth payment is refunded 0-20 days later (counted against the post on the refund's day).
    if (kind === 'payment' && i % 20 === 0 && day + 20 <= today) {
      const back = new Date(at.getTime() + rand(21) * 86_400_000);
      events.push({ kind: 'refund', id: `e${i}`, at: back, day: back.toISOString().slice(0, 10), postId, views: 0, revenue: -amount });
    }
  }
  const published = POSTS.map((postId) => ({ postId, at: new Date((today - rand(400)) * 86_400_000 + rand(86_400) * 1000) }));
  return { events, published };
}

describe.each(BACKENDS)('per-post analytics blocks on %s', (backend) => {
  let db: Database;
  const { events, published } = history();
  // The history goes in through the real writers once, for every test below.
  const { skip } = useDatabase(
    backend,
    async (opened) => {
      db = opened;
      await db.transaction(async (tx) => {
        for (const e of events) {
          if (e.kind === 'view') await rollUpView(tx, { creatorId: CREATOR, viewerId: `fan_${e.id}`, postId: e.postId, at: e.at });
          else if (e.kind === 'payment') {
            const amount = { amount: e.revenue, currency: 'USD' as const };
            await recordPayment(tx, { paymentId: `pay_${e.id}`, creatorId: CREATOR, fanId: 'fan_x', kind: 'pay_per_view', productId: e.postId, amount, creatorNet: e.revenue, at: e.at });
          } else {
            const amount = { amount: -e.revenue, currency: 'USD' as const };
            await recordReversal(tx, { paymentId: `pay_${e.id}`, reason: 'refund', creatorId: CREATOR, fanId: 'fan_x', kind: 'pay_per_view', productId: e.postId, amount, creatorNet: -e.revenue, at: e.at });
          }
        }
        for (const p of published) await recordPostPublished(tx, { postId: p.postId, creatorId: CREATOR, at: p.at });
      });
    },
    { timeoutMs: 120_000 },
  );

  it.skipIf(skip)('answers content_performance for any range as the plain sum of the events in it', async () => {
    const insights = new InsightsService(db, null);
    const today = dayNumber(NOW.toISOString().slice(0, 10));
    const ranges: ({ from: string; to: string } | 'last_7_days' | 'last_30_days' | 'last_90_days' | 'last_365_days')[] = ['last_7_days', 'last_30_days', 'last_90_days', 'last_365_days'];
    for (let k = 0; k < 40; k++) {
      const to = today - ((k * 37) % 120);
      const from = to - ((k * 53) % 366);
      ranges.push({ from: dayString(from), to: dayString(to) });
    }
    let blocksUsed = 0;
    for (const range of ranges) {
      const d = await insights.insights({ creator_id: CREATOR, date_range: range, metrics: ['content'], include_predictions: false }, NOW);
      const { from, to } = d.date_range;
      const inRange = events.filter((e) => e.day >= from && e.day <= to);
      const per = new Map<string, { views: number; revenue: number }>();
      for (const e of inRange) {
        const p = per.get(e.postId) ?? { views: 0, revenue: 0 };
        p.views += e.views;
        p.revenue += e.revenue;
        per.set(e.postId, p);
      }
      const posts = [...per].map(([postId, p]) => ({ postId, ...p }));
      const id = (a: { postId: string }, b: { postId: string }) => (a.postId < b.postId ? -1 : 1);
      const byViews = posts.filter((p) => p.views > 0).sort((a, b) => b.views - a.views || b.revenue - a.revenue || id(a, b));
      const byRevenue = posts.filter((p) => p.revenue > 0).sort((a, b) => b.revenue - a.revenue || b.views - a.views || id(a, b));
      const totalViews = byViews.reduce((a, p) => a + p.views, 0);
      const usd = (amount: number) => ({ amount, currency: 'USD' });
      const hours = new Map<number, { posts: number; views: number }>();
      for (const p of published.filter((x) => x.at.toISOString().slice(0, 10) >= from && x.at.toISOString().slice(0, 10) <= to)) {
        const h = hours.get(p.at.getUTCHours()) ?? { posts: 0, views: 0 };
        h.posts++;
        h.views += per.get(p.postId)?.views ?? 0;
        hours.set(p.at.getUTCHours(), h);
      }
      const c = d.content_performance!;
      expect({ range, c }).toEqual({
        range,
        c: {
          posts_published: hours.size ? [...hours.values()].reduce((a, h) => a + h.posts, 0) : 0,
          total_post_views: totalViews,
          ...(byViews.length ? { average_views_per_post: Math.round((totalViews / byViews.length) * 100) / 100 } : {}),
          top_posts_by_revenue: byRevenue.slice(0, 5).map((p) => ({ post_id: p.postId, revenue: usd(p.revenue), views: p.views })),
          top_posts_by_views: byViews.slice(0, 5).map((p) => ({ post_id: p.postId, views: p.views, revenue: usd(p.revenue) })),
          best_posting_hours: [...hours]
            .map(([hour, h]) => ({ hour_utc: hour, posts: h.posts, average_views: Math.round((h.views / h.posts) * 100) / 100 }))
            .sort((a, b) => b.average_views - a.average_views || b.posts - a.posts || a.hour_utc - b.hour_utc)
            .slice(0, 3),
        },
      });
      if (d.date_range.days >= 4) blocksUsed++;
    }
    // The ranges did go through blocks, and the blocks hold what the day rows hold, level by level.
    expect(blocksUsed).toBeGreaterThan(30);
    const levels = await db.query<{ level: number; views: string | number; revenue: string | number }>(
      `SELECT level, sum(views) AS views, sum(revenue) AS revenue FROM analytics_post_blocks WHERE creator_id = $1 GROUP BY level ORDER BY level`,
      [CREATOR],
    );
    const sum = (f: (e: Written) => number) => events.reduce((a, e) => a + f(e), 0);
    expect(levels.map((l) => [Number(l.level), Number(l.views), Number(l.revenue)])).toEqual(
      [1, 2, 3, 4].map((l) => [l, sum((e) => e.views), sum((e) => e.revenue)]),
    );
  });
});
