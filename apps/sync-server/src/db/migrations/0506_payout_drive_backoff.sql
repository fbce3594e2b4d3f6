-- Open payouts are re-driven on a timer (payout-driver.ts): a transient processor failure pushes the next
-- attempt back (exponential backoff), kept here so it holds across instances and restarts.
ALTER TABLE payouts ADD COLUMN drive_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE payouts ADD COLUMN next_drive_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX payouts_open_due ON payouts (next_drive_at) WHERE status IN ('requested', 'processing');
