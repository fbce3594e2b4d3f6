// Records analytics events inside the caller's transaction (the one that moves the money, publishes the
// post or opens the playback session), and updates the daily rollups in that same transaction. Each event
// has a unique key tied to what it reports (payment id, subscription id + period, post id, session id);
// a second write with the same key changes nothing, so retries and redelivered notifications never
// count twice. This module never opens a transaction of its own.
import type { Money } from '@fanz/core';
import type { Queryable } from '../db/database.js';
import { POST_BLOCK_LEVELS } from './date-ranges.js';
import { HLL_REGISTERS, hllSlot } from './hyperloglog.js';

export type PaymentKind = 'subscription' | 'renewal' | 'pay_per_view' | 'tip' | 'vr_ticket';
export type RevenueSource = 'subscriptions' | 'pay_per_view' | 'tips' | 'vr_tickets';
export const REVENUE_SOURCES: readonly RevenueSource[] = ['subscriptions', 'pay_per_view', 'tips', 'vr_tickets'];
/** Counter sources in analytics_daily (currency ''). */
export type CounterSource = 'views' | 'posts' | 'subscription_starts' | 'subscription_renewals' | 'subscription_ends' | 'vr_attendance';

export function sourceOf(kind: PaymentKind | 'subscription'): RevenueSource {
  switch (kind) {
    case 'subscription':
    case 'renewal':
      return 'subscriptions';
    case 'pay_per_view':
      return 'pay_per_view';
    case 'tip':
      return 'tips';
    case 'vr_ticket':
      return 'vr_tickets';
  }
}

/** UTC calendar day (YYYY-MM-DD) and month (YYYY-MM-01) of an instant. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);
export const utcMonth = (at: Date): string => `${at.toISOString().slice(0, 7)}-01`;

interface EventRow {
  key: string;
  creatorId: string;
  kind: 'payment' | 'refund' | 'chargeback' | 'subscription_started' | 'subscription_renewed' | 'subscription_ended' | 'post_published' | 'vr_attendance';
  paymentKind?: PaymentKind;
  source?: RevenueSource;
  fanId?: string | null;
  subjectId: string;
  postId?: string | null;
  amount?: number;
  creatorNet?: number;
  currency?: string | null;
  at: Date;
}

/** Appends the event; false when its key was recorded before (then the caller must not roll it up again). */
async function append(tx: Queryable, e: EventRow): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO analytics_events (event_key, creator_id, kind, payment_kind, source, fan_id, subject_id, post_id, amount, creator_net, currency, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (event_key) DO NOTHING RETURNING id`,
    [e.key, e.creatorId, e.kind, e.paymentKind ?? null, e.source ?? null, e.fanId ?? null, e.subjectId, e.postId ?? null, e.amount ?? 0, e.creatorNet ?? 0, e.currency ?? null, e.at],
  );
  return rows.length > 0;
}

interface DailyDelta {
  events?: number;
  amount?: number;
  creatorNet?: number;
  reversals?: number;
  reversedAmount?: number;
  reversedNet?: number;
}

async function bumpDaily(tx: Queryable, creatorId: string, day: string, source: RevenueSource | CounterSource, currency: string, d: DailyDelta): Promise<void> {
  await tx.query(
    `INSERT INTO analytics_daily AS t (creator_id, day, source, currency, events, amount, creator_net, reversals, reversed_amount, reversed_net)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (creator_id, day, source, currency) DO UPDATE SET
       events = t.events + EXCLUDED.events, amount = t.amount + EXCLUDED.amount, creator_net = t.creator_net + EXCLUDED.creator_net,
       reversals = t.reversals + EXCLUDED.reversals, reversed_amount = t.reversed_amount + EXCLUDED.reversed_amount,
       reversed_net = t.reversed_net + EXCLUDED.reversed_net`,
    [creatorId, day, source, currency, d.events ?? 0, d.amount ?? 0, d.creatorNet ?? 0, d.reversals ?? 0, d.reversedAmount ?? 0, d.reversedNet ?? 0],
  );
}

/** Per post: the day row and the four aligned blocks holding that day (analytics_post_blocks, migration 1002). */
async function bumpPost(tx: Queryable, creatorId: string, day: string, postId: string, currency: string, views: number, revenue: number): Promise<void> {
  await tx.query(
    `WITH d AS (
       INSERT INTO analytics_post_daily AS t (creator_id, day, post_id, currency, views, revenue) VALUES ($1, $2::date, $3, $4, $5, $6)
       ON CONFLICT (creator_id, day, post_id, currency) DO UPDATE SET views = t.views + EXCLUDED.views, revenue = t.revenue + EXCLUDED.revenue
       RETURNING 1
     )
     INSERT INTO analytics_post_blocks AS b (creator_id, level, block, post_id, currency, views, revenue)
     SELECT $1, l, ($2::date - DATE '1970-01-01') / (1 << (2 * l)), $3, $4, $5, $6 FROM d, generate_series(1, ${POST_BLOCK_LEVELS}) AS l
     ON CONFLICT (creator_id, level, block, post_id, currency) DO UPDATE SET views = b.views + EXCLUDED.views, revenue = b.revenue + EXCLUDED.revenue`,
    [creatorId, day, postId, currency, views, revenue],
  );
}

/** A subscription payment (start or renewal) makes the fan active in that month for cohort retention. */
async function markSubscriberMonth(tx: Queryable, creatorId: string, fanId: string, at: Date): Promise<void> {
  const month = utcMonth(at);
  await tx.query(`INSERT INTO analytics_fan_cohorts (creator_id, fan_id, cohort_month) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [creatorId, fanId, month]);
  await tx.query(
    `WITH fresh AS (
       INSERT INTO analytics_fan_months (creator_id, fan_id, month) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING creator_id
     )
     INSERT INTO analytics_cohort_counts AS t (creator_id, cohort_month, month, fans)
     SELECT $1, c.cohort_month, $3, 1 FROM fresh, analytics_fan_cohorts c WHERE c.creator_id = $1 AND c.fan_id = $2
     ON CONFLICT (creator_id, cohort_month, month) DO UPDATE SET fans = t.fans + 1`,
    [creatorId, fanId, month],
  );
}

export interface PaymentEvent {
  paymentId: string;
  creatorId: string;
  fanId: string;
  kind: PaymentKind;
  /** The tier, post or VR experience bought; null for tips. */
  productId: string | null;
  amount: Money;
  /** The creator's share of amount (same currency). */
  creatorNet: number;
  at: Date;
  /** For subscription starts and renewals: the subscription and the period paid (0 = the start). */
  subscription?: { id: string; period: number };
}

/** A completed payment. Returns false when this payment was recorded before. */
export async function recordPayment(tx: Queryable, p: PaymentEvent): Promise<boolean> {
  const source = sourceOf(p.kind);
  const cur = p.amount.currency;
  const fresh = await append(tx, {
    key: `payment:${p.paymentId}`,
    creatorId: p.creatorId,
    kind: 'payment',
    paymentKind: p.kind,
    source,
    fanId: p.fanId,
    subjectId: p.paymentId,
    postId: p.kind === 'pay_per_view' ? p.productId : null,
    amount: p.amount.amount,
    creatorNet: p.creatorNet,
    currency: cur,
    at: p.at,
  });
  if (!fresh) return false;
  const day = utcDay(p.at);
  await bumpDaily(tx, p.creatorId, day, source, cur, { events: 1, amount: p.amount.amount, creatorNet: p.creatorNet });
  if (p.kind === 'pay_per_view' && p.productId) await bumpPost(tx, p.creatorId, day, p.productId, cur, 0, p.amount.amount);
  if (p.subscription) {
    const renewal = p.subscription.period > 0;
    const subFresh = await append(tx, {
      key: renewal ? `subscription_renewed:${p.subscription.id}:${p.subscription.period}` : `subscription_started:${p.subscription.id}`,
      creatorId: p.creatorId,
      kind: renewal ? 'subscription_renewed' : 'subscription_started',
      fanId: p.fanId,
      subjectId: p.subscription.id,
      at: p.at,
    });
    if (subFresh) {
      await bumpDaily(tx, p.creatorId, day, renewal ? 'subscription_renewals' : 'subscription_starts', '', { events: 1 });
      await markSubscriberMonth(tx, p.creatorId, p.fanId, p.at);
    }
  }
  return true;
}

export interface ReversalEvent {
  paymentId: string;
  reason: 'refund' | 'chargeback';
  creatorId: string;
  fanId: string;
  /** payments.kind of the reversed payment ('subscription' also for renewals). */
  kind: PaymentKind;
  productId: string | null;
  amount: Money;
  creatorNet: number;
  at: Date;
}

/**
 * A refund or chargeback, counted on the day it happens against the source of the payment it reverses
 * (so past days never change). A payment is reversed at most once, whatever the reason.
 */
export async function recordReversal(tx: Queryable, r: ReversalEvent): Promise<boolean> {
  const source = sourceOf(r.kind);
  const cur = r.amount.currency;
  const fresh = await append(tx, {
    key: `reversal:${r.paymentId}`,
    creatorId: r.creatorId,
    kind: r.reason,
    paymentKind: r.kind,
    source,
    fanId: r.fanId,
    subjectId: r.paymentId,
    postId: r.kind === 'pay_per_view' ? r.productId : null,
    amount: r.amount.amount,
    creatorNet: r.creatorNet,
    currency: cur,
    at: r.at,
  });
  if (!fresh) return false;
  const day = utcDay(r.at);
  await bumpDaily(tx, r.creatorId, day, source, cur, { reversals: 1, reversedAmount: r.amount.amount, reversedNet: r.creatorNet });
  if (r.kind === 'pay_per_view' && r.productId) await bumpPost(tx, r.creatorId, day, r.productId, cur, 0, -r.amount.amount);
  return true;
}

/**
 * A subscription ended for the creator (churn): the fan canceled, renewal retries ran out, or a refund or
 * chargeback revoked it. Counted once per subscription, on the day of the first of these.
 */
export async function recordSubscriptionEnded(
  tx: Queryable,
  e: { subscriptionId: string; creatorId: string; fanId: string; reason: 'canceled' | 'lapsed' | 'revoked'; at: Date },
): Promise<boolean> {
  const fresh = await append(tx, {
    key: `subscription_ended:${e.subscriptionId}`,
    creatorId: e.creatorId,
    kind: 'subscription_ended',
    paymentKind: undefined,
    fanId: e.fanId,
    subjectId: e.subscriptionId,
    at: e.at,
  });
  if (fresh) await bumpDaily(tx, e.creatorId, utcDay(e.at), 'subscription_ends', '', { events: 1 });
  return fresh;
}

/** A post went public (the scheduler's publication). */
export async function recordPostPublished(tx: Queryable, e: { postId: string; creatorId: string; at: Date }): Promise<boolean> {
  const fresh = await append(tx, { key: `post_published:${e.postId}`, creatorId: e.creatorId, kind: 'post_published', subjectId: e.postId, postId: e.postId, at: e.at });
  if (!fresh) return false;
  await bumpDaily(tx, e.creatorId, utcDay(e.at), 'posts', '', { events: 1 });
  await tx.query(`INSERT INTO analytics_posts (creator_id, post_id, published_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [e.creatorId, e.postId, e.at]);
  return true;
}

/** A fan joined a VR experience (one event per attendance id). */
export async function recordVrAttendance(tx: Queryable, e: { attendanceId: string; experienceId: string; creatorId: string; fanId: string; at: Date }): Promise<boolean> {
  const fresh = await append(tx, { key: `vr_attendance:${e.attendanceId}`, creatorId: e.creatorId, kind: 'vr_attendance', fanId: e.fanId, subjectId: e.experienceId, at: e.at });
  if (fresh) await bumpDaily(tx, e.creatorId, utcDay(e.at), 'vr_attendance', '', { events: 1 });
  return fresh;
}

/**
 * A playback session media just opened (its row in playback_sessions is the raw event; the caller inserts
 * it in this transaction, and its primary key keeps it single). The creator watching their own media is
 * not a view.
 */
export async function rollUpView(tx: Queryable, v: { creatorId: string; viewerId: string; postId: string | null; at: Date }): Promise<void> {
  if (v.viewerId === v.creatorId) return;
  const day = utcDay(v.at);
  await bumpDaily(tx, v.creatorId, day, 'views', '', { events: 1 });
  const { index, rank } = hllSlot(v.viewerId);
  for (const [table, column, key] of [['analytics_daily_viewers', 'day', day], ['analytics_monthly_viewers', 'month', utcMonth(v.at)]] as const) {
    await tx.query(
      `INSERT INTO ${table} AS t (creator_id, ${column}, registers)
       VALUES ($1, $2, set_byte(decode(repeat('00', ${HLL_REGISTERS}), 'hex'), $3::int, $4::int))
       ON CONFLICT (creator_id, ${column}) DO UPDATE SET registers = set_byte(t.registers, $3::int, GREATEST(get_byte(t.registers, $3::int), $4::int))`,
      [v.creatorId, key, index, rank],
    );
  }
  if (v.postId) await bumpPost(tx, v.creatorId, day, v.postId, '', 1, 0);
}
