-- Transparency log checks (catalog/log-verifier.ts): the last signed tree head this device accepted per
-- server (the table existed before as an ad-hoc CREATE TABLE, hence IF NOT EXISTS), and the log's public
-- key pinned on first use: a server that later presents another key is refused, not trusted.
CREATE TABLE IF NOT EXISTS studio_log_heads (
  server_url TEXT PRIMARY KEY,
  tree_size INTEGER NOT NULL,
  root_hash TEXT NOT NULL,
  checked_at INTEGER NOT NULL
);
CREATE TABLE studio_log_keys (
  server_url TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  pinned_at INTEGER NOT NULL
);
