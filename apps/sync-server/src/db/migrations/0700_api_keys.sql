-- API keys for integrations (issue 17). Only the sha256 of the secret is kept: the secret is 32 random bytes,
-- so a fast hash is enough (nothing to brute-force) and lets every request find its key through one index.
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  creator_id text NOT NULL REFERENCES users (id),
  name text NOT NULL,
  scopes text NOT NULL,
  secret_hash text NOT NULL UNIQUE,
  secret_hint text NOT NULL,
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_creator ON api_keys (creator_id, created_at);
