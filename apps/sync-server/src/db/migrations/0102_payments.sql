-- Fan payments and what they buy: subscriptions and pay-per-view media grants; idempotency keys; and the
-- index of which creator's catalog document defines a tier or post id (the documents hold the prices).
CREATE TABLE catalog_products (
  product_id text PRIMARY KEY,
  creator_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('tier', 'post'))
);

CREATE TABLE payments (
  id text PRIMARY KEY,
  fan_id text NOT NULL,
  creator_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('subscription', 'pay_per_view', 'tip')),
  product_id text,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  platform_fee bigint NOT NULL CHECK (platform_fee >= 0),
  creator_net bigint NOT NULL CHECK (creator_net >= 0),
  status text NOT NULL CHECK (status IN ('completed', 'declined', 'refunded', 'charged_back')),
  gateway_charge_id text,
  decline_code text,
  transaction_id text,
  log_index bigint,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (platform_fee + creator_net = amount)
);
CREATE INDEX payments_fan ON payments (fan_id, created_at);
CREATE INDEX payments_creator ON payments (creator_id, created_at);

CREATE TABLE subscriptions (
  id text PRIMARY KEY,
  fan_id text NOT NULL,
  creator_id text NOT NULL,
  tier_id text NOT NULL,
  tier_name text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'revoked')),
  current_period_end timestamptz NOT NULL,
  payment_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscriptions_fan_creator ON subscriptions (fan_id, creator_id, current_period_end);

CREATE TABLE media_access_grants (
  id text PRIMARY KEY,
  fan_id text NOT NULL,
  creator_id text NOT NULL,
  post_id text NOT NULL,
  payment_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  download_limit integer NOT NULL CHECK (download_limit > 0),
  downloads integer NOT NULL DEFAULT 0,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (downloads <= download_limit)
);
CREATE INDEX media_access_grants_payment ON media_access_grants (payment_id);

CREATE TABLE idempotency_keys (
  user_id text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status text NOT NULL CHECK (status IN ('started', 'completed')),
  response_status integer,
  response_body text,
  locked_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
