-- Creator payouts: requested -> processing -> completed | failed. The signed request body and the device
-- key that signed it are kept, so the request can be proven later.
CREATE TABLE payouts (
  id text PRIMARY KEY,
  creator_id text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  fee bigint NOT NULL CHECK (fee >= 0),
  net bigint NOT NULL CHECK (net >= 0),
  method text NOT NULL CHECK (method IN ('paxum', 'bank_transfer')),
  status text NOT NULL CHECK (status IN ('requested', 'processing', 'completed', 'failed')),
  reference_number text NOT NULL UNIQUE,
  device_key_id text NOT NULL,
  signature text NOT NULL,
  request_body text NOT NULL,
  failure_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (fee + net = amount)
);
CREATE INDEX payouts_creator ON payouts (creator_id, created_at);
CREATE INDEX payouts_open ON payouts (status) WHERE status IN ('requested', 'processing');
