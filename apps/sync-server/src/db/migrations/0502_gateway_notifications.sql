-- Notifications the payment gateway sent us (chargebacks), by the gateway's event id, so a redelivered
-- notification is answered without acting twice.
CREATE TABLE gateway_notifications (
  id text PRIMARY KEY,
  type text NOT NULL,
  charge_id text NOT NULL,
  payment_id text,
  received_at timestamptz NOT NULL DEFAULT now()
);
