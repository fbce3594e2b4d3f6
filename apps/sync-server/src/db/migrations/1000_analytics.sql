-- Creator analytics (issue 20). analytics_events is the append-only record of what happened, one row per
-- business event with a unique key tied to the payment, subscription, post or session it reports, so a
-- retried write never counts twice. Playback sessions stay in playback_sessions (media owns them); their
-- session id is their key. Every event updates the rollups below in the same transaction that records
-- it, so the insights route reads per-day rows and never scans raw events.
CREATE TABLE analytics_events (
  id bigserial PRIMARY KEY,
  event_key text NOT NULL UNIQUE,
  creator_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('payment', 'refund', 'chargeback', 'subscription_started', 'subscription_renewed',
                                     'subscription_ended', 'post_published', 'vr_attendance')),
  -- payments and their reversals: subscription | renewal | pay_per_view | tip | vr_ticket
  payment_kind text,
  source text CHECK (source IN ('subscriptions', 'pay_per_view', 'tips', 'vr_tickets')),
  fan_id text,
  -- the payment, subscription, post or VR experience the event is about
  subject_id text NOT NULL,
  post_id text,
  amount bigint NOT NULL DEFAULT 0,
  creator_net bigint NOT NULL DEFAULT 0,
  currency text,
  occurred_at timestamptz NOT NULL
);
CREATE INDEX analytics_events_creator ON analytics_events (creator_id, occurred_at);

-- One row per (creator, UTC day, source, currency). Money sources (subscriptions, pay_per_view, tips,
-- vr_tickets) carry gross amounts and the creator's share on the day paid, and reversals on the day
-- reversed; counter sources (views, posts, subscription_starts, subscription_renewals, subscription_ends,
-- vr_attendance) use `events` with currency ''.
CREATE TABLE analytics_daily (
  creator_id text NOT NULL,
  day date NOT NULL,
  source text NOT NULL,
  currency text NOT NULL DEFAULT '',
  events bigint NOT NULL DEFAULT 0,
  amount bigint NOT NULL DEFAULT 0,
  creator_net bigint NOT NULL DEFAULT 0,
  reversals bigint NOT NULL DEFAULT 0,
  reversed_amount bigint NOT NULL DEFAULT 0,
  reversed_net bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (creator_id, day, source, currency)
);

-- Distinct viewers per creator and day as HyperLogLog registers (1024 one-byte registers): merged over a
-- range they estimate unique viewers in O(days), where an exact count would scan every session.
CREATE TABLE analytics_daily_viewers (
  creator_id text NOT NULL,
  day date NOT NULL,
  registers bytea NOT NULL,
  PRIMARY KEY (creator_id, day)
);

-- Per post and day: views and pay-per-view revenue (gross, reversals subtracted on their day).
CREATE TABLE analytics_post_daily (
  creator_id text NOT NULL,
  day date NOT NULL,
  post_id text NOT NULL,
  currency text NOT NULL DEFAULT '',
  views bigint NOT NULL DEFAULT 0,
  revenue bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (creator_id, day, post_id, currency)
);

-- When each post went public (scheduler publications), for best posting hours.
CREATE TABLE analytics_posts (
  creator_id text NOT NULL,
  post_id text NOT NULL,
  published_at timestamptz NOT NULL,
  PRIMARY KEY (creator_id, post_id)
);
CREATE INDEX analytics_posts_published ON analytics_posts (creator_id, published_at);

-- Cohort retention: a fan's cohort is the month of their first subscription payment to the creator; a fan
-- is retained in a month when they paid a subscription (start or renewal) in it.
CREATE TABLE analytics_fan_cohorts (
  creator_id text NOT NULL,
  fan_id text NOT NULL,
  cohort_month date NOT NULL,
  PRIMARY KEY (creator_id, fan_id)
);
CREATE TABLE analytics_fan_months (
  creator_id text NOT NULL,
  fan_id text NOT NULL,
  month date NOT NULL,
  PRIMARY KEY (creator_id, fan_id, month)
);
CREATE TABLE analytics_cohort_counts (
  creator_id text NOT NULL,
  cohort_month date NOT NULL,
  month date NOT NULL,
  fans bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (creator_id, cohort_month, month)
);

-- Weekly summaries sent: the primary key makes it once per creator and ISO week, whatever the instances.
CREATE TABLE analytics_weekly_summaries (
  creator_id text NOT NULL,
  iso_week text NOT NULL,
  event_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (creator_id, iso_week)
);

-- Active subscribers of a creator are counted live from subscriptions.
CREATE INDEX subscriptions_creator_period ON subscriptions (creator_id, current_period_end);
