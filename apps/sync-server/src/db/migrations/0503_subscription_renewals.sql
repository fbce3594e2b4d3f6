-- Automatic renewal of subscriptions with dunning. `renewal`: none (bought before renewals, or superseded),
-- auto (renews at current_period_end), past_due (a renewal charge failed; retried at next_attempt_at),
-- canceled (the fan canceled; access until current_period_end), lapsed (retries exhausted).
-- The price and the saved test card are kept from the purchase; `renewals` counts periods renewed, and the
-- gateway idempotency key of a renewal is (subscription, period), so a crash can never charge one twice.
ALTER TABLE subscriptions ADD COLUMN renewal text NOT NULL DEFAULT 'none' CHECK (renewal IN ('none', 'auto', 'past_due', 'canceled', 'lapsed'));
ALTER TABLE subscriptions ADD COLUMN card_token text;
ALTER TABLE subscriptions ADD COLUMN amount bigint;
ALTER TABLE subscriptions ADD COLUMN currency text;
ALTER TABLE subscriptions ADD COLUMN billing_interval text;
ALTER TABLE subscriptions ADD COLUMN renewals integer NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN failed_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN next_attempt_at timestamptz;
ALTER TABLE subscriptions ADD COLUMN canceled_at timestamptz;
CREATE INDEX subscriptions_renewal_due ON subscriptions (next_attempt_at) WHERE renewal IN ('auto', 'past_due');

-- Each renewal payment and the period it paid for (refunds and chargebacks of it revoke the subscription).
CREATE TABLE subscription_renewals (
  payment_id text PRIMARY KEY,
  subscription_id text NOT NULL,
  period integer NOT NULL,
  UNIQUE (subscription_id, period)
);
