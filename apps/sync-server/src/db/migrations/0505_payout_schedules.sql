-- Standing payout schedules (weekly, monthly), signed once by a device key, and one row per period run:
-- the primary key (schedule, period) is what makes a period pay out at most once across instances and restarts.
CREATE TABLE payout_schedules (
  id text PRIMARY KEY,
  creator_id text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  method text NOT NULL,
  every text NOT NULL CHECK (every IN ('weekly', 'monthly')),
  device_key_id text NOT NULL,
  signature text NOT NULL,
  request_body text NOT NULL,
  next_run_at timestamptz NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payout_schedules_due ON payout_schedules (next_run_at) WHERE active;

CREATE TABLE payout_schedule_runs (
  schedule_id text NOT NULL,
  period timestamptz NOT NULL,
  payout_id text,
  outcome text NOT NULL CHECK (outcome IN ('requested', 'skipped_no_balance')),
  ran_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (schedule_id, period)
);
