// What the studio's Insights screen reads: the server's creator insights (POST /api/v1/analytics/
// creator-insights) and its daily rollups (GET /api/v1/analytics/rollups), as the main process fetched
// and saved them. The schemas name only the fields the screen draws; other fields pass through unread.
// Money is {amount, currency} in minor units, as on the server.
import { z } from 'zod';

export const INSIGHTS_RANGES = ['last_7_days', 'last_30_days', 'last_90_days', 'last_365_days'] as const;
export type InsightsRange = (typeof INSIGHTS_RANGES)[number];
export const INSIGHTS_RANGE_DAYS: Record<InsightsRange, number> = { last_7_days: 7, last_30_days: 30, last_90_days: 90, last_365_days: 365 };

export const insightsQuerySchema = z.strictObject({
  range: z.enum(INSIGHTS_RANGES),
  /** 'saved': only what this computer kept (instant, works offline); 'server': ask the server, fall back to saved. */
  source: z.enum(['saved', 'server']).default('server'),
});
export type InsightsQuery = z.input<typeof insightsQuerySchema>;

const money = z.object({ amount: z.number().int(), currency: z.string() });
export type InsightsMoney = z.infer<typeof money>;

const forecastPoint = z.object({ date: z.string(), mean: z.number(), lo80: z.number(), hi80: z.number(), lo95: z.number(), hi95: z.number() });
export type ForecastPointView = z.infer<typeof forecastPoint>;
const forecastAnswer = z.union([
  z.object({ status: z.literal('ok'), method: z.string(), days_of_data: z.number().int(), points: z.array(forecastPoint) }),
  z.object({ status: z.literal('not_enough_history'), days_of_data: z.number().int(), minimum_days: z.number().int() }),
]);
export type ForecastAnswer = z.infer<typeof forecastAnswer>;

export const serverInsightsSchema = z.object({
  creator_id: z.string(),
  currency: z.string(),
  date_range: z.object({ from: z.string(), to: z.string(), days: z.number().int() }),
  generated_at: z.string(),
  revenue_analytics: z
    .object({
      total_revenue: money,
      creator_net: money,
      average_per_day: money,
      growth_rate: z.number().optional(),
      top_revenue_sources: z.array(z.object({ source: z.string(), amount: money, percentage: z.number() })),
      /** Revenue in currencies other than `currency`: listed, never converted or added in. */
      other_currencies: z.array(money).optional(),
    })
    .optional(),
  engagement_metrics: z
    .object({ total_views: z.number().int(), unique_viewers: z.number().int(), fan_retention_rate: z.number().optional() })
    .optional(),
  audience_insights: z
    .object({
      active_subscribers: z.number().int(),
      subscribers_at_start: z.number().int().optional(),
      new_subscribers: z.number().int(),
      churned_subscribers: z.number().int(),
    })
    .optional(),
  content_performance: z
    .object({
      posts_published: z.number().int(),
      top_posts_by_revenue: z.array(z.object({ post_id: z.string(), revenue: money, views: z.number().int() })),
      top_posts_by_views: z.array(z.object({ post_id: z.string(), views: z.number().int(), revenue: money })),
      best_posting_hours: z.array(z.object({ hour_utc: z.number().int().min(0).max(23), posts: z.number().int(), average_views: z.number() })),
    })
    .optional(),
  growth_predictions: z.object({ revenue: forecastAnswer, subscribers: forecastAnswer }).optional(),
});
export type ServerInsights = z.infer<typeof serverInsightsSchema>;

export const rollupRowSchema = z.object({
  day: z.string(),
  source: z.string(),
  currency: z.string(),
  amount: z.number().int(),
  reversed_amount: z.number().int(),
});
export type RollupRowView = z.infer<typeof rollupRowSchema>;
export const serverRollupsSchema = z.object({ creator_id: z.string(), from: z.string(), to: z.string(), rows: z.array(rollupRowSchema) });

/** What the Insights screen gets: the numbers, when they were fetched, and whether they are fresh. */
export interface InsightsView {
  range: InsightsRange;
  insights: ServerInsights;
  rollups: RollupRowView[];
  /** When these numbers came from the server (ISO 8601). */
  asOf: string;
  /** True when they were fetched just now; false when they are what this computer saved earlier. */
  fresh: boolean;
  /** Why fresh numbers could not be had (offline, server error), when showing saved ones. */
  staleReason: string | null;
}
