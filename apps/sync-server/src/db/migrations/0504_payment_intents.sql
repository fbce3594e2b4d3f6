-- A payment intent is written before the card is charged, so no charge can exist that the database does not
-- know about: it ends `recorded` (in the payment's own transaction), `declined`, or `voided` (the record
-- failed, or a crash left it pending past the intent TTL and the sweep voided the gateway charge by key).
CREATE TABLE payment_intents (
  id text PRIMARY KEY,
  gateway_key text NOT NULL,
  fan_id text NOT NULL,
  creator_id text NOT NULL,
  kind text NOT NULL,
  amount bigint NOT NULL,
  currency text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'recorded', 'declined', 'voided', 'superseded')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_intents_pending ON payment_intents (created_at) WHERE status = 'pending';
CREATE INDEX payment_intents_key ON payment_intents (gateway_key);
