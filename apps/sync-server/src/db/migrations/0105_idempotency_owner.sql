-- Which request currently owns a started idempotency key. Taking over a stale key replaces the owner, and
-- only the current owner may store the response, so a slow first owner cannot record a second payment.
ALTER TABLE idempotency_keys ADD COLUMN owner text NOT NULL DEFAULT '';
