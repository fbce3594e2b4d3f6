// The insights route's body and answer (zod; the same schemas feed the OpenAPI document and the SDK).
// Money is {amount, currency} in minor units; names are the seed's snake_case ones.
import { z } from 'zod';

export const DATE_PRESETS = ['last_7_days', 'last_30_days', 'last_90_days', 'last_365_days'] as const;
export const METRICS = ['revenue', 'engagement', 'audience', 'content', 'cohorts'] as const;
export type Metric = (typeof METRICS)[number];
/** Longest explicit range: a year (leap years included). */
export const MAX_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;
const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a calendar date YYYY-MM-DD')
  .refine((s) => {
    const t = Date.parse(`${s}T00:00:00Z`);
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s && s >= '2000-01-01';
  }, 'must be a real calendar date from 2000-01-01 on');

export const explicitRange = z
  .strictObject({ from: calendarDay, to: calendarDay })
  .check((ctx) => {
    const { from, to } = ctx.value;
    if (from > to) {
      ctx.issues.push({ code: 'custom', input: ctx.value, path: ['from'], message: `from (${from}) is after to (${to}); the range is inverted` });
      return;
    }
    const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
    if (days > MAX_RANGE_DAYS) {
      ctx.issues.push({ code: 'custom', input: ctx.value, path: ['to'], message: `the range covers ${days} days; at most ${MAX_RANGE_DAYS} are allowed` });
    }
  });

const RANGE_HELP = `date_range must be one of ${DATE_PRESETS.join(', ')} or {from, to} with YYYY-MM-DD dates`;
/** A union's refusal names the object's own problem (inverted, too long, not a date) when an object was sent. */
export const dateRangeSchema = z.union([z.enum(DATE_PRESETS), explicitRange], {
  error: (iss) => {
    const objectIssues = iss.code === 'invalid_union' && typeof iss.input === 'object' && iss.input !== null ? (iss.errors[1] ?? []) : [];
    if (objectIssues.length === 0) return RANGE_HELP;
    return objectIssues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
  },
});

const metricSchema = z.enum(METRICS, { error: (iss) => `unknown metric ${JSON.stringify(iss.input)}; known metrics: ${METRICS.join(', ')}` });

export const insightsBody = z.strictObject({
  creator_id: z.string().min(1).max(64),
  date_range: dateRangeSchema.default('last_30_days'),
  metrics: z.array(metricSchema).min(1).max(METRICS.length * 2).default([...METRICS]),
  include_predictions: z.boolean().default(false),
});
export type InsightsBody = z.infer<typeof insightsBody>;

const money = z.object({ amount: z.int(), currency: z.string() });
const sourceName = z.enum(['subscriptions', 'pay_per_view', 'tips', 'vr_tickets']);

const forecastPoint = z.object({ date: z.string(), mean: z.number(), lo80: z.number(), hi80: z.number(), lo95: z.number(), hi95: z.number() });
const forecastAnswer = z.union([
  z.object({ status: z.literal('ok'), method: z.string(), days_of_data: z.int(), horizon_days: z.int(), points: z.array(forecastPoint) }),
  z.object({ status: z.literal('not_enough_history'), days_of_data: z.int(), minimum_days: z.int() }),
]);

export const insightsResponse = z.object({
  creator_id: z.string(),
  currency: z.string(),
  date_range: z.object({ from: z.string(), to: z.string(), days: z.int() }),
  generated_at: z.string(),
  revenue_analytics: z
    .object({
      total_revenue: money.describe('What fans paid in the range (gross), minus refunds and chargebacks made in the range'),
      creator_net: money.describe("The creator's share of total_revenue"),
      refunds: money.describe('Refunded and charged-back amounts in the range (already subtracted from total_revenue)'),
      average_per_day: money,
      growth_rate: z.number().optional().describe('Percent change of total_revenue against the previous period of the same length; absent when that period earned nothing'),
      previous_period_revenue: money,
      payments: z.int(),
      top_revenue_sources: z.array(z.object({ source: sourceName, amount: money, percentage: z.number() })),
      other_currencies: z.array(money).optional().describe('Revenue received in currencies other than `currency` (not converted)'),
    })
    .optional(),
  engagement_metrics: z
    .object({
      total_views: z.int(),
      unique_viewers: z.int(),
      unique_viewers_estimate: z.object({ method: z.literal('hyperloglog'), relative_standard_error: z.number() }),
      average_views_per_day: z.number(),
      vr_attendances: z.int().describe("Fans' joins of the creator's VR rooms in the range"),
      fan_retention_rate: z.number().optional().describe('Share of subscriptions (held at the start or begun in the range) that did not end in the range'),
    })
    .optional(),
  audience_insights: z
    .object({
      active_subscribers: z.int().describe('Subscriptions in force at the end of the range: started minus ended (canceled, lapsed or revoked; a cancellation counts on the day the fan cancels)'),
      subscribers_at_start: z.int(),
      new_subscribers: z.int(),
      churned_subscribers: z.int(),
      renewals: z.int(),
    })
    .optional(),
  content_performance: z
    .object({
      posts_published: z.int(),
      total_post_views: z.int(),
      average_views_per_post: z.number().optional(),
      top_posts_by_revenue: z.array(z.object({ post_id: z.string(), revenue: money, views: z.int() })),
      top_posts_by_views: z.array(z.object({ post_id: z.string(), views: z.int(), revenue: money })),
      best_posting_hours: z.array(z.object({ hour_utc: z.int(), posts: z.int(), average_views: z.number() })),
    })
    .optional(),
  cohort_retention: z
    .array(z.object({ cohort: z.string().describe('Join month YYYY-MM'), fans: z.int(), retention: z.array(z.number()).describe('Share of the cohort paying in month 0, 1, 2, ...') }))
    .optional(),
  growth_predictions: z.object({ revenue: forecastAnswer, subscribers: forecastAnswer }).optional(),
});
export type InsightsResponse = z.infer<typeof insightsResponse>;

export const rollupsQuery = z
  .strictObject({
    creator_id: z.string().min(1).max(64).optional(),
    from: calendarDay,
    to: calendarDay,
    format: z.enum(['json', 'csv']).default('json'),
  })
  .check((ctx) => {
    const r = explicitRange.safeParse({ from: ctx.value.from, to: ctx.value.to });
    if (!r.success) for (const i of r.error.issues) ctx.issues.push({ ...i, input: ctx.value } as never);
  });

export const rollupRow = z.object({
  day: z.string(),
  source: z.string(),
  currency: z.string(),
  events: z.int(),
  amount: z.int(),
  creator_net: z.int(),
  reversals: z.int(),
  reversed_amount: z.int(),
  reversed_net: z.int(),
});
export type RollupRow = z.infer<typeof rollupRow>;
export const rollupsResponse = z.object({ creator_id: z.string(), from: z.string(), to: z.string(), rows: z.array(rollupRow) });
