// Builds the creator-insights answer from the rollups: one pass over the per-source day totals for the
// range and the period before it, plus small reads for viewers, posts, cohorts and subscribers. Fields
// the platform has no data for (demographics, followers, watch completion) are left out, not invented.
import type { Queryable } from '../db/database.js';
import { REVENUE_SOURCES, type RevenueSource } from './analytics-events.js';
import { previousRange, resolveRange, type DayRange } from './date-ranges.js';
import { estimateCardinality, HLL_RELATIVE_ERROR, mergeRegisters } from './hyperloglog.js';
import type { InsightsBody, InsightsResponse, Metric } from './insights-schemas.js';
import * as q from './insights-queries.js';
import { percentages } from './shares.js';
import { growthPredictions, type Forecaster } from './growth-predictions.js';

const TOP_POSTS = 5;
const BEST_HOURS = 3;
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const monthStart = (day: string) => `${day.slice(0, 7)}-01`;

type Totals = q.SourceTotals[];
const pick = (rows: Totals, current: boolean, source: string, currency?: string) =>
  rows.filter((r) => r.current === current && r.source === source && (currency === undefined || r.currency === currency));
const sum = (rows: Totals, f: (r: q.SourceTotals) => number) => rows.reduce((a, r) => a + f(r), 0);

function primaryCurrency(rows: Totals): string | null {
  const gross = new Map<string, number>();
  for (const r of rows) if ((REVENUE_SOURCES as string[]).includes(r.source)) gross.set(r.currency, (gross.get(r.currency) ?? 0) + r.amount + (r.current ? 1e15 : 0));
  return [...gross].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
}

export class InsightsService {
  constructor(
    private readonly db: Queryable,
    private readonly forecaster: Forecaster | null,
  ) {}

  /** `db` may be a transaction (the weekly summary reads inside the one that writes its event). */
  async insights(body: InsightsBody, now = new Date(), db: Queryable = this.db): Promise<InsightsResponse> {
    if (db !== this.db) return new InsightsService(db, this.forecaster).insights(body, now);
    const range = resolveRange(body.date_range, now);
    const prev = previousRange(range);
    const want = new Set<Metric>(body.metrics);
    const creatorId = body.creator_id;
    const rows = await q.sourceTotals(this.db, creatorId, prev.from, range.from, range.to);
    const currency = primaryCurrency(rows) ?? (await q.latestCurrency(this.db, creatorId)) ?? 'USD';
    const out: InsightsResponse = { creator_id: creatorId, currency, date_range: range, generated_at: now.toISOString() };
    const counter = (source: string, current = true) => sum(pick(rows, current, source), (r) => r.events);

    if (want.has('revenue')) out.revenue_analytics = this.revenue(rows, range, currency);
    if (want.has('engagement') || want.has('audience')) {
      const atStart = await q.subscribersBefore(this.db, creatorId, range.from);
      const started = counter('subscription_starts');
      const ended = counter('subscription_ends');
      if (want.has('engagement')) {
        const views = counter('views');
        const registers = await q.viewerRegisters(this.db, creatorId, range);
        out.engagement_metrics = {
          total_views: views,
          unique_viewers: registers.length ? estimateCardinality(mergeRegisters(registers)) : 0,
          unique_viewers_estimate: { method: 'hyperloglog', relative_standard_error: HLL_RELATIVE_ERROR },
          average_views_per_day: round(views / range.days, 2),
          ...(atStart + started > 0 ? { fan_retention_rate: round(Math.max(0, 1 - ended / (atStart + started)), 4) } : {}),
        };
      }
      if (want.has('audience')) {
        out.audience_insights = {
          active_subscribers: await q.activeSubscribers(this.db, creatorId),
          subscribers_at_start: Math.max(0, atStart),
          new_subscribers: started,
          churned_subscribers: ended,
          renewals: counter('subscription_renewals'),
        };
      }
    }
    if (want.has('content')) out.content_performance = await this.content(creatorId, range, currency, counter('posts'));
    if (want.has('cohorts')) out.cohort_retention = await this.cohorts(creatorId, range);
    if (body.include_predictions && this.forecaster) out.growth_predictions = await growthPredictions(this.db, this.forecaster, creatorId, range, currency);
    return out;
  }

  private revenue(rows: Totals, range: DayRange, currency: string): NonNullable<InsightsResponse['revenue_analytics']> {
    const m = (amount: number) => ({ amount, currency });
    const bySource = REVENUE_SOURCES.map((source) => {
      const r = pick(rows, true, source, currency);
      return { source, net: sum(r, (x) => x.amount - x.reversedAmount), creatorNet: sum(r, (x) => x.creatorNet - x.reversedNet), refunds: sum(r, (x) => x.reversedAmount), payments: sum(r, (x) => x.events) };
    });
    const total = bySource.reduce((a, s) => a + s.net, 0);
    const previous = sum(
      REVENUE_SOURCES.flatMap((s) => pick(rows, false, s, currency)),
      (x) => x.amount - x.reversedAmount,
    );
    const shown = bySource.filter((s) => s.net !== 0 || s.payments > 0);
    const pct = percentages(shown.map((s) => s.net));
    const others = new Map<string, number>();
    for (const r of rows) if (r.current && r.currency !== currency && (REVENUE_SOURCES as string[]).includes(r.source)) others.set(r.currency, (others.get(r.currency) ?? 0) + r.amount - r.reversedAmount);
    return {
      total_revenue: m(total),
      creator_net: m(bySource.reduce((a, s) => a + s.creatorNet, 0)),
      refunds: m(bySource.reduce((a, s) => a + s.refunds, 0)),
      average_per_day: m(Math.round(total / range.days)),
      ...(previous > 0 ? { growth_rate: round(((total - previous) / previous) * 100, 2) } : {}),
      previous_period_revenue: m(previous),
      payments: bySource.reduce((a, s) => a + s.payments, 0),
      top_revenue_sources: shown
        .map((s, i) => ({ source: s.source as RevenueSource, amount: m(s.net), percentage: pct[i]! }))
        .sort((a, b) => b.amount.amount - a.amount.amount || a.source.localeCompare(b.source)),
      ...(others.size ? { other_currencies: [...others].map(([c, amount]) => ({ amount, currency: c })) } : {}),
    };
  }

  private async content(creatorId: string, range: DayRange, currency: string, published: number): Promise<NonNullable<InsightsResponse['content_performance']>> {
    const posts = await q.postTotals(this.db, creatorId, range, currency);
    const viewed = posts.filter((p) => p.views > 0);
    const totalViews = viewed.reduce((a, p) => a + p.views, 0);
    const m = (amount: number) => ({ amount, currency });
    const byRevenue = posts.filter((p) => p.revenue > 0).sort((a, b) => b.revenue - a.revenue || b.views - a.views || a.postId.localeCompare(b.postId));
    const byViews = viewed.sort((a, b) => b.views - a.views || b.revenue - a.revenue || a.postId.localeCompare(b.postId));
    const hours = await q.postingHours(this.db, creatorId, range);
    return {
      posts_published: published,
      total_post_views: totalViews,
      ...(viewed.length ? { average_views_per_post: round(totalViews / viewed.length, 2) } : {}),
      top_posts_by_revenue: byRevenue.slice(0, TOP_POSTS).map((p) => ({ post_id: p.postId, revenue: m(p.revenue), views: p.views })),
      top_posts_by_views: byViews.slice(0, TOP_POSTS).map((p) => ({ post_id: p.postId, views: p.views, revenue: m(p.revenue) })),
      best_posting_hours: hours
        .map((h) => ({ hour_utc: h.hour, posts: h.posts, average_views: round(h.views / h.posts, 2) }))
        .sort((a, b) => b.average_views - a.average_views || b.posts - a.posts || a.hour_utc - b.hour_utc)
        .slice(0, BEST_HOURS),
    };
  }

  /** Join-month cohorts in the range; each row's retention runs from its join month to the range's last month. */
  private async cohorts(creatorId: string, range: DayRange): Promise<NonNullable<InsightsResponse['cohort_retention']>> {
    const counts = await q.cohortCounts(this.db, creatorId, monthStart(range.from), monthStart(range.to));
    const lastMonth = range.to.slice(0, 7);
    const monthsBetween = (a: string, b: string) => (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
    const cohorts = new Map<string, Map<number, number>>();
    for (const c of counts) {
      const row = cohorts.get(c.cohort) ?? new Map<number, number>();
      row.set(monthsBetween(c.cohort, c.month), c.fans);
      cohorts.set(c.cohort, row);
    }
    return [...cohorts].map(([cohort, row]) => {
      const size = row.get(0) ?? 0;
      const span = monthsBetween(cohort, lastMonth);
      return { cohort, fans: size, retention: Array.from({ length: span + 1 }, (_, k) => (size ? round((row.get(k) ?? 0) / size, 4) : 0)) };
    });
  }
}
