-- The signed-in account (catalog/account-store.ts) and the local catalog documents (catalog/catalog-store.ts):
-- an append-only Yjs update log, one snapshot per document and the sync bookkeeping. The stores created
-- these tables ad hoc on every open before, so existing databases have them: IF NOT EXISTS keeps their rows
-- (and catalog_updates' AUTOINCREMENT sequence) as they are.
CREATE TABLE IF NOT EXISTS studio_account (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  server_url TEXT NOT NULL,
  user_id TEXT NOT NULL,
  username TEXT NOT NULL,
  role TEXT NOT NULL,
  refresh_sealed BLOB NOT NULL,
  device_key_id TEXT,
  device_secret_sealed BLOB,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS catalog_updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  doc_name TEXT NOT NULL,
  data BLOB NOT NULL,
  local INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS catalog_updates_doc ON catalog_updates (doc_name, seq);
CREATE TABLE IF NOT EXISTS catalog_snapshots (
  doc_name TEXT PRIMARY KEY,
  snapshot BLOB NOT NULL,
  upto_seq INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS catalog_sync_state (
  doc_name TEXT PRIMARY KEY,
  pending_local INTEGER NOT NULL DEFAULT 0,
  last_synced_at INTEGER
);
