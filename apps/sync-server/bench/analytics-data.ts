// Bulk data for the analytics bench, written with generate_series straight into the raw tables (not
// through routes: a million payments through the API would take hours here), then the rollups built from
// those raw rows with one INSERT ... SELECT each: the same numbers the incremental writers would keep.
import type { Database } from '../src/db/database.js';
import { POST_BLOCK_LEVELS } from '../src/analytics/date-ranges.js';
import { hllSlotSql, HLL_REGISTERS } from '../src/analytics/hyperloglog.js';

export interface BenchScale {
  payments: number;
  views: number;
  fans: number;
  posts: number;
  days: number;
}

const SOURCE_SQL = `CASE pk WHEN 'subscription' THEN 'subscriptions' WHEN 'renewal' THEN 'subscriptions' WHEN 'pay_per_view' THEN 'pay_per_view' WHEN 'tip' THEN 'tips' ELSE 'vr_tickets' END`;
const DAY = `(occurred_at AT TIME ZONE 'UTC')::date`;

/** Raw events for one creator spread evenly over the last `days` days; returns seconds per step. */
export async function generate(db: Database, creatorId: string, s: BenchScale, log: (m: string) => void): Promise<void> {
  const step = async (what: string, sql: string, params: (string | number)[] = []) => {
    const t = performance.now();
    await db.query(sql, params);
    log(`  ${what}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  const spanSeconds = s.days * 86_400;
  // Payments: kinds in a fixed mix (40 % subscriptions/renewals, 25 % pay-per-view, 30 % tips, 5 % VR tickets),
  // amounts 1.00-50.99, the creator's share 90 %; every 100th one is refunded a day later.
  await step(
    `${s.payments.toLocaleString()} payment events`,
    `INSERT INTO analytics_events (event_key, creator_id, kind, payment_kind, source, fan_id, subject_id, post_id, amount, creator_net, currency, occurred_at)
     SELECT 'payment:bench' || i, $1, 'payment', pk, ${SOURCE_SQL}, 'fan_' || (i * 7919 % $3), 'pay_bench' || i,
            CASE WHEN pk = 'pay_per_view' THEN 'post_' || (i % $4) END, amt, amt - amt / 10, 'USD',
            now() - make_interval(secs => (i::float8 / $2) * $5)
       FROM (SELECT i, (ARRAY['subscription','renewal','renewal','renewal','pay_per_view','pay_per_view','tip','tip','tip','vr_ticket'])[(1 + i * 31 % 10)::int] AS pk, 100 + (i * 104729 % 5000) AS amt FROM generate_series(1, $2::bigint) AS g(i)) x`,
    [creatorId, s.payments, s.fans, s.posts, spanSeconds],
  );
  await step(
    'refund events (1 %)',
    `INSERT INTO analytics_events (event_key, creator_id, kind, payment_kind, source, fan_id, subject_id, post_id, amount, creator_net, currency, occurred_at)
     SELECT 'reversal:' || subject_id, creator_id, 'refund', payment_kind, source, fan_id, subject_id, post_id, amount, creator_net, currency, occurred_at + interval '1 day'
       FROM analytics_events WHERE creator_id = $1 AND kind = 'payment' AND occurred_at < now() - interval '1 day' AND right(subject_id, 2) = '00'`,
    [creatorId],
  );
  await step(
    `${s.posts} media objects and posts`,
    `WITH m AS (INSERT INTO media_objects (id, creator_id, kind, status) SELECT 'med_bench' || i, $1, 'video', 'ready' FROM generate_series(0, $2 - 1) g(i) RETURNING id)
     INSERT INTO analytics_posts (creator_id, post_id, published_at)
     SELECT $1, 'post_' || i, now() - make_interval(secs => ((i::float8 + 0.5) / $2) * $3) FROM generate_series(0, $2 - 1) g(i)`,
    [creatorId, s.posts, spanSeconds],
  );
  await step(
    `${s.views.toLocaleString()} playback sessions`,
    `INSERT INTO playback_sessions (id, viewer_id, media_id, post_id, started_at)
     SELECT 'pbs_bench' || i, 'fan_' || (i * 7907 % $2), 'med_bench' || (i * 13 % $3), 'post_' || (i * 13 % $3),
            now() - make_interval(secs => (i::float8 / $1) * $4)
       FROM generate_series(1, $1::bigint) g(i)`,
    [s.views, s.fans, s.posts, spanSeconds],
  );
  await step(
    `${s.fans.toLocaleString()} subscriptions (two thirds in force)`,
    `INSERT INTO subscriptions (id, fan_id, creator_id, tier_id, tier_name, status, current_period_end, payment_id)
     SELECT 'sub_bench' || i, 'fan_' || i, $1, 'tier_bench', 'Bench', 'active', now() + make_interval(days => (i % 60) - 20), 'pay_bench' || i
       FROM generate_series(0, $2 - 1) g(i)`,
    [creatorId, s.fans],
  );
  await db.query('ANALYZE analytics_events');
  await db.query('ANALYZE playback_sessions');
  await buildRollups(db, creatorId, step);
}

async function buildRollups(db: Database, creatorId: string, step: (what: string, sql: string, params?: (string | number)[]) => Promise<void>): Promise<void> {
  await step(
    'rollup: money per day and source',
    `INSERT INTO analytics_daily (creator_id, day, source, currency, events, amount, creator_net, reversals, reversed_amount, reversed_net)
     SELECT $1, ${DAY}, source, currency,
            count(*) FILTER (WHERE kind = 'payment'), COALESCE(sum(amount) FILTER (WHERE kind = 'payment'), 0), COALESCE(sum(creator_net) FILTER (WHERE kind = 'payment'), 0),
            count(*) FILTER (WHERE kind <> 'payment'), COALESCE(sum(amount) FILTER (WHERE kind <> 'payment'), 0), COALESCE(sum(creator_net) FILTER (WHERE kind <> 'payment'), 0)
       FROM analytics_events WHERE creator_id = $1 AND kind IN ('payment', 'refund', 'chargeback') GROUP BY 2, 3, 4`,
    [creatorId],
  );
  await step(
    'rollup: subscription starts per day',
    `INSERT INTO analytics_daily (creator_id, day, source, currency, events)
     SELECT $1, ${DAY}, 'subscription_starts', '', count(*) FROM analytics_events WHERE creator_id = $1 AND kind = 'payment' AND payment_kind = 'subscription' GROUP BY 2`,
    [creatorId],
  );
  await step(
    'rollup: post revenue per day',
    `INSERT INTO analytics_post_daily (creator_id, day, post_id, currency, revenue)
     SELECT $1, ${DAY}, post_id, currency, sum(CASE WHEN kind = 'payment' THEN amount ELSE -amount END)
       FROM analytics_events WHERE creator_id = $1 AND post_id IS NOT NULL GROUP BY 2, 3, 4`,
    [creatorId],
  );
  // Cohorts in three plain statements (one CTE chain left the planner without row estimates: a nested loop).
  await step(
    'rollup: fan months',
    `INSERT INTO analytics_fan_months (creator_id, fan_id, month)
     SELECT DISTINCT $1, fan_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date FROM analytics_events
      WHERE creator_id = $1 AND kind = 'payment' AND payment_kind IN ('subscription', 'renewal')`,
    [creatorId],
  );
  await step(
    'rollup: fan cohorts',
    `INSERT INTO analytics_fan_cohorts (creator_id, fan_id, cohort_month)
     SELECT creator_id, fan_id, min(month) FROM analytics_fan_months WHERE creator_id = $1 GROUP BY 1, 2`,
    [creatorId],
  );
  await db.query('ANALYZE analytics_fan_months');
  await db.query('ANALYZE analytics_fan_cohorts');
  await step(
    'rollup: cohort counts',
    `INSERT INTO analytics_cohort_counts (creator_id, cohort_month, month, fans)
     SELECT $1, c.cohort_month, m.month, count(*) FROM analytics_fan_months m
       JOIN analytics_fan_cohorts c ON c.creator_id = m.creator_id AND c.fan_id = m.fan_id
      WHERE m.creator_id = $1 GROUP BY 2, 3`,
    [creatorId],
  );
  const pbsDay = `(p.started_at AT TIME ZONE 'UTC')::date`;
  const creatorMedia = `p.media_id IN (SELECT id FROM media_objects WHERE creator_id = $1)`;
  await step(
    'rollup: views per day',
    `INSERT INTO analytics_daily (creator_id, day, source, currency, events)
     SELECT $1, ${pbsDay}, 'views', '', count(*) FROM playback_sessions p WHERE ${creatorMedia} GROUP BY 2`,
    [creatorId],
  );
  await step(
    'rollup: views per post and day',
    `INSERT INTO analytics_post_daily AS t (creator_id, day, post_id, currency, views)
     SELECT $1, ${pbsDay}, p.post_id, '', count(*) FROM playback_sessions p WHERE ${creatorMedia} AND p.post_id IS NOT NULL GROUP BY 2, 3
     ON CONFLICT (creator_id, day, post_id, currency) DO UPDATE SET views = t.views + EXCLUDED.views`,
    [creatorId],
  );
  await step(
    'rollup: posts per 4^l-day block',
    `INSERT INTO analytics_post_blocks (creator_id, level, block, post_id, currency, views, revenue)
     SELECT creator_id, l, (day - DATE '1970-01-01') / (1 << (2 * l)), post_id, currency, sum(views), sum(revenue)
       FROM analytics_post_daily CROSS JOIN generate_series(1, ${POST_BLOCK_LEVELS}) AS l WHERE creator_id = $1 GROUP BY 1, 2, 3, 4, 5`,
    [creatorId],
  );
  const slot = hllSlotSql('v.viewer_id');
  for (const [table, column, bucket] of [
    ['analytics_daily_viewers', 'day', pbsDay],
    ['analytics_monthly_viewers', 'month', `date_trunc('month', p.started_at AT TIME ZONE 'UTC')::date`],
  ] as const) {
    await step(
      `rollup: unique-viewer registers per ${column}`,
      `WITH v AS (SELECT DISTINCT ${bucket} AS b, p.viewer_id FROM playback_sessions p WHERE ${creatorMedia}),
            r AS (SELECT b, ${slot.index} AS idx, max(${slot.rank}) AS rank FROM v GROUP BY 1, 2)
       INSERT INTO ${table} (creator_id, ${column}, registers)
       SELECT $1, d.b, decode(string_agg(lpad(to_hex(COALESCE(r.rank, 0)), 2, '0'), '' ORDER BY g.i), 'hex')
         FROM (SELECT DISTINCT b FROM r) d CROSS JOIN generate_series(0, ${HLL_REGISTERS - 1}) g(i)
         LEFT JOIN r ON r.b = d.b AND r.idx = g.i
        GROUP BY d.b`,
      [creatorId],
    );
  }
}
