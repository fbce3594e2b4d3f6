// analytics.weekly_summary: after each ISO week ends (Monday 00:00 UTC), every creator with an active
// webhook endpoint subscribed to it gets one event with that week's numbers (from the insights service, so
// they match the route). A row per (creator, ISO week), claimed in the transaction that writes the outbox
// event, makes it exactly once whatever the number of instances, passes or restarts.
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { PeriodicPass } from '../scheduler/periodic-pass.js';
import { enqueueWebhookEvent } from '../webhooks/webhook-events.js';
import { dayNumber, dayString } from './date-ranges.js';
import type { InsightsService } from './insights-service.js';

const EVENT = 'analytics.weekly_summary';

/** The ISO week that ended most recently before `now`: its label (2026-W47) and its Monday..Sunday. */
export function lastCompleteIsoWeek(now: Date): { week: string; from: string; to: string } {
  const today = dayNumber(now.toISOString().slice(0, 10));
  const weekday = (new Date(today * 86_400_000).getUTCDay() + 6) % 7; // Monday = 0
  const monday = today - weekday - 7;
  // ISO week-numbering year: the year of that week's Thursday.
  const thursday = new Date((monday + 3) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((monday + 3 - dayNumber(`${year}-01-01`)) / 7) + 1;
  return { week: `${year}-W${String(week).padStart(2, '0')}`, from: dayString(monday), to: dayString(monday + 6) };
}

export class WeeklySummaries {
  private readonly loop: PeriodicPass;

  constructor(
    private readonly db: Database,
    private readonly insights: InsightsService,
    private readonly o: { pollMs: number; logger: Logger; onQueued: (deliveries: number) => void },
  ) {
    this.loop = new PeriodicPass(() => this.runOnce(), { pollMs: o.pollMs, logger: o.logger, failure: 'weekly analytics summaries failed' });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Sends the last complete week's summary to every subscribed creator not sent it yet; returns how many were sent. */
  async runOnce(now = new Date()): Promise<number> {
    const { week, from, to } = lastCompleteIsoWeek(now);
    const owners = await this.db.query<{ owner_id: string }>(
      `SELECT DISTINCT e.owner_id FROM webhook_endpoints e JOIN users u ON u.id = e.owner_id AND u.role = 'creator'
        WHERE e.active AND e.events LIKE $1
          AND NOT EXISTS (SELECT 1 FROM analytics_weekly_summaries s WHERE s.creator_id = e.owner_id AND s.iso_week = $2)`,
      [`%"${EVENT}"%`, week],
    );
    let sent = 0;
    for (const { owner_id: creatorId } of owners) {
      if (this.loop.stopped && sent > 0) break;
      const queued = await this.db.transaction(async (tx) => {
        const claimed = await tx.query(`INSERT INTO analytics_weekly_summaries (creator_id, iso_week, event_id) VALUES ($1, $2, '') ON CONFLICT DO NOTHING RETURNING creator_id`, [creatorId, week]);
        if (claimed.length === 0) return null;
        const i = await this.insights.insights({ creator_id: creatorId, date_range: { from, to }, metrics: ['revenue', 'engagement', 'audience', 'content'], include_predictions: false }, now, tx);
        const r = i.revenue_analytics!;
        const e = i.engagement_metrics!;
        const a = i.audience_insights!;
        const c = i.content_performance!;
        const { id, deliveries } = await enqueueWebhookEvent(tx, creatorId, EVENT, {
          creator_id: creatorId,
          iso_week: week,
          from,
          to,
          total_revenue: r.total_revenue,
          creator_net: r.creator_net,
          refunds: r.refunds,
          payments: r.payments,
          ...(r.growth_rate !== undefined ? { growth_rate: r.growth_rate } : {}),
          top_revenue_sources: r.top_revenue_sources,
          total_views: e.total_views,
          unique_viewers: e.unique_viewers,
          new_subscribers: a.new_subscribers,
          churned_subscribers: a.churned_subscribers,
          active_subscribers: a.active_subscribers,
          posts_published: c.posts_published,
        });
        await tx.query('UPDATE analytics_weekly_summaries SET event_id = $3 WHERE creator_id = $1 AND iso_week = $2', [creatorId, week, id]);
        return deliveries;
      });
      if (queued !== null) {
        sent++;
        this.o.onQueued(queued);
      }
    }
    return sent;
  }
}
