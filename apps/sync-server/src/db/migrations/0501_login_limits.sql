-- Failed logins per (email, client IP), for exponential backoff that an attacker at another address cannot
-- impose on the account's owner. Failures per IP alone go to login_attempts (identifier 'ip:<address>').
CREATE TABLE login_failures (
  email text NOT NULL,
  ip text NOT NULL,
  failures integer NOT NULL,
  blocked_until timestamptz,
  last_failure_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (email, ip)
);

-- Refresh tokens remember their successor, so a concurrent refresh inside the grace window gets the same pair.
ALTER TABLE refresh_tokens ADD COLUMN replaced_by text;
