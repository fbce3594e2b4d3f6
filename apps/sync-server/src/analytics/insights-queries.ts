// The reads behind the insights route. Every query reads rollup tables by (creator, day) ranges, so its cost
// grows with the number of days asked for, not with the number of payments or views behind them.
import type { Queryable } from '../db/database.js';
import { REVENUE_SOURCES } from './analytics-events.js';
import { blockSplit, monthSplit, type DayRange } from './date-ranges.js';
import type { RollupRow } from './insights-schemas.js';

const n = (v: unknown): number => Number(v ?? 0);

export interface SourceTotals {
  current: boolean;
  source: string;
  currency: string;
  events: number;
  amount: number;
  creatorNet: number;
  reversals: number;
  reversedAmount: number;
  reversedNet: number;
}

/** Totals per source and currency for the range (current) and the period before it (not current). */
export async function sourceTotals(db: Queryable, creatorId: string, prevFrom: string, from: string, to: string): Promise<SourceTotals[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT day >= $3::date AS current, source, currency, sum(events) AS events, sum(amount) AS amount, sum(creator_net) AS creator_net,
            sum(reversals) AS reversals, sum(reversed_amount) AS reversed_amount, sum(reversed_net) AS reversed_net
       FROM analytics_daily WHERE creator_id = $1 AND day BETWEEN $2::date AND $4::date
      GROUP BY 1, 2, 3`,
    [creatorId, prevFrom, from, to],
  );
  return rows.map((r) => ({
    current: r.current === true,
    source: String(r.source),
    currency: String(r.currency),
    events: n(r.events),
    amount: n(r.amount),
    creatorNet: n(r.creator_net),
    reversals: n(r.reversals),
    reversedAmount: n(r.reversed_amount),
    reversedNet: n(r.reversed_net),
  }));
}

/** The currency of the creator's latest money rollup row, for ranges with no money at all. */
export async function latestCurrency(db: Queryable, creatorId: string): Promise<string | null> {
  const rows = await db.query<{ currency: string }>(
    `SELECT currency FROM analytics_daily WHERE creator_id = $1 AND source = ANY($2::text[]) ORDER BY day DESC LIMIT 1`,
    [creatorId, `{${REVENUE_SOURCES.join(',')}}`],
  );
  return rows[0]?.currency ?? null;
}

/** Register arrays covering the range: whole months from the month table, edge days from the daily one. */
export async function viewerRegisters(db: Queryable, creatorId: string, r: DayRange): Promise<Uint8Array[]> {
  const { fullFrom, fullTo } = monthSplit(r);
  // Hex text: PGlite hands text back much faster than bytea. Two plain day ranges (not one OR) keep index range scans.
  const rows = await db.query<{ hex: string }>(
    `SELECT encode(registers, 'hex') AS hex FROM analytics_monthly_viewers WHERE creator_id = $1 AND month >= $4::date AND month < $5::date
     UNION ALL
     SELECT encode(registers, 'hex') FROM analytics_daily_viewers WHERE creator_id = $1 AND day >= $2::date AND day < $4::date
     UNION ALL
     SELECT encode(registers, 'hex') FROM analytics_daily_viewers WHERE creator_id = $1 AND day >= $5::date AND day <= $3::date`,
    [creatorId, r.from, r.to, fullFrom, fullTo],
  );
  return rows.map((x) => new Uint8Array(Buffer.from(x.hex, 'hex')));
}

/** Subscription starts minus ends before `from`: subscriptions in force when the range began. */
export async function subscribersBefore(db: Queryable, creatorId: string, from: string): Promise<number> {
  const rows = await db.query<{ net: unknown }>(
    `SELECT sum(CASE WHEN source = 'subscription_starts' THEN events ELSE -events END) AS net
       FROM analytics_daily WHERE creator_id = $1 AND day < $2::date AND source IN ('subscription_starts', 'subscription_ends')`,
    [creatorId, from],
  );
  return n(rows[0]?.net);
}

export interface PostFigures {
  postId: string;
  views: number;
  /** Pay-per-view revenue in the answer's currency (gross minus reversals). */
  revenue: number;
}

export interface ContentFigures {
  /** The most viewed posts, most first (ties: more revenue, then post id). */
  byViews: PostFigures[];
  /** The highest earning posts in the currency, most first (ties: more views, then post id). */
  byRevenue: PostFigures[];
  /** Posts with views in the range, and their views. */
  viewedPosts: number;
  totalViews: number;
  /** Posts published in the range per UTC hour, and the views those posts got in the range. */
  hours: { hour: number; posts: number; views: number }[];
}

/**
 * Per-post figures for content_performance in one statement: each post's range totals come from its aligned
 * blocks in analytics_post_blocks plus its single edge days in analytics_post_daily, and the ranking and
 * hour grouping run in SQL, so a few dozen rows come back instead of one per post (on PGlite a row returned
 * costs about as much as ten aggregated).
 */
export async function contentFigures(db: Queryable, creatorId: string, r: DayRange, currency: string, top: number): Promise<ContentFigures> {
  const { days, levels, blocks } = blockSplit(r);
  // Rows: views / revenue (k = place, key = post, x = views, y = revenue), hour (key = hour, x = posts, y = views),
  // total (x = posts viewed, y = views).
  const rows = await db.query<{ kind: string; k: unknown; key: string; x: unknown; y: unknown }>(
    `WITH p AS (
       SELECT post_id, sum(views) AS views, COALESCE(sum(revenue) FILTER (WHERE currency = $7), 0) AS revenue FROM (
         SELECT b.post_id, b.currency, b.views, b.revenue FROM unnest($2::int[], $3::int[]) AS u(level, block)
           JOIN analytics_post_blocks b ON b.creator_id = $1 AND b.level = u.level AND b.block = u.block
         UNION ALL
         SELECT post_id, currency, views, revenue FROM analytics_post_daily WHERE creator_id = $1 AND day = ANY($4::date[])
       ) x GROUP BY post_id
     )
     SELECT * FROM (SELECT 'views' AS kind, row_number() OVER (ORDER BY views DESC, revenue DESC, post_id COLLATE "C") AS k, post_id AS key, views AS x, revenue AS y
                      FROM p WHERE views > 0) v WHERE k <= $8
     UNION ALL
     SELECT * FROM (SELECT 'revenue', row_number() OVER (ORDER BY revenue DESC, views DESC, post_id COLLATE "C") AS k, post_id, views, revenue
                      FROM p WHERE revenue > 0) r WHERE k <= $8
     UNION ALL
     SELECT 'hour', 0, extract(hour FROM a.published_at AT TIME ZONE 'UTC')::int::text, count(*), COALESCE(sum(p.views), 0)
       FROM analytics_posts a LEFT JOIN p ON p.post_id = a.post_id
      WHERE a.creator_id = $1 AND a.published_at >= ($5::date::timestamp AT TIME ZONE 'UTC') AND a.published_at < (($6::date + 1)::timestamp AT TIME ZONE 'UTC')
      GROUP BY 3
     UNION ALL
     SELECT 'total', 0, '', count(*), COALESCE(sum(views), 0) FROM p WHERE views > 0`,
    [creatorId, `{${levels.join(',')}}`, `{${blocks.join(',')}}`, `{${days.join(',')}}`, r.from, r.to, currency, top],
  );
  const out: ContentFigures = { byViews: [], byRevenue: [], viewedPosts: 0, totalViews: 0, hours: [] };
  for (const row of rows.sort((a, b) => n(a.k) - n(b.k))) {
    if (row.kind === 'total') {
      out.viewedPosts = n(row.x);
      out.totalViews = n(row.y);
    } else if (row.kind === 'hour') out.hours.push({ hour: n(row.key), posts: n(row.x), views: n(row.y) });
    else (row.kind === 'views' ? out.byViews : out.byRevenue).push({ postId: row.key, views: n(row.x), revenue: n(row.y) });
  }
  return out;
}

export async function cohortCounts(db: Queryable, creatorId: string, fromMonth: string, toMonth: string): Promise<{ cohort: string; month: string; fans: number }[]> {
  const rows = await db.query<{ cohort: string; month: string; fans: unknown }>(
    `SELECT to_char(cohort_month, 'YYYY-MM') AS cohort, to_char(month, 'YYYY-MM') AS month, fans FROM analytics_cohort_counts
      WHERE creator_id = $1 AND cohort_month BETWEEN $2::date AND $3::date AND month <= $3::date ORDER BY cohort_month, month`,
    [creatorId, fromMonth, toMonth],
  );
  return rows.map((x) => ({ cohort: x.cohort, month: x.month, fans: n(x.fans) }));
}

/** Daily revenue in one currency (gross minus reversals, all sources) over a range, for the forecast. */
export async function dailyRevenue(db: Queryable, creatorId: string, r: DayRange, currency: string): Promise<{ date: string; value: number }[]> {
  const rows = await db.query<{ day: string; value: unknown }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(amount - reversed_amount) AS value FROM analytics_daily
      WHERE creator_id = $1 AND day BETWEEN $2::date AND $3::date AND currency = $4 AND source = ANY($5::text[])
      GROUP BY day ORDER BY day`,
    [creatorId, r.from, r.to, currency, `{${REVENUE_SOURCES.join(',')}}`],
  );
  return rows.map((x) => ({ date: x.day, value: n(x.value) }));
}

/** Net subscription change (starts - ends) per day up to `to`, from the first day there is one. */
export async function dailySubscriberChange(db: Queryable, creatorId: string, to: string): Promise<{ date: string; value: number }[]> {
  const rows = await db.query<{ day: string; value: unknown }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(CASE WHEN source = 'subscription_starts' THEN events ELSE -events END) AS value
       FROM analytics_daily WHERE creator_id = $1 AND day <= $2::date AND source IN ('subscription_starts', 'subscription_ends')
      GROUP BY day ORDER BY day`,
    [creatorId, to],
  );
  return rows.map((x) => ({ date: x.day, value: n(x.value) }));
}

/** The rollup rows themselves (for charts and the CSV export). */
export async function rollupRows(db: Queryable, creatorId: string, from: string, to: string): Promise<RollupRow[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, source, currency, events, amount, creator_net, reversals, reversed_amount, reversed_net
       FROM analytics_daily WHERE creator_id = $1 AND day BETWEEN $2::date AND $3::date ORDER BY day, source, currency`,
    [creatorId, from, to],
  );
  return rows.map((r) => ({
    day: String(r.day),
    source: String(r.source),
    currency: String(r.currency),
    events: n(r.events),
    amount: n(r.amount),
    creator_net: n(r.creator_net),
    reversals: n(r.reversals),
    reversed_amount: n(r.reversed_amount),
    reversed_net: n(r.reversed_net),
  }));
}
