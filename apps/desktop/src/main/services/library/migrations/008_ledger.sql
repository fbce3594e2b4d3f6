-- The signed device ledger (ledger/ledger-service.ts), created ad hoc by the ledger service before; IF NOT
-- EXISTS because existing databases have the tables. Append-only: triggers refuse UPDATE and DELETE.
-- ledger_entries_dedupe serves appendOnce's lookup of an existing (kind, body) without a scan.
CREATE TABLE IF NOT EXISTS ledger_keys (
  key_id TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('account', 'local')),
  secret_sealed BLOB,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_entries (
  pos INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  prev_hash TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_keys_no_update BEFORE UPDATE ON ledger_keys
BEGIN SELECT RAISE(ABORT, 'ledger_keys is append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_keys_no_delete BEFORE DELETE ON ledger_keys
BEGIN SELECT RAISE(ABORT, 'ledger_keys is append-only'); END;
CREATE INDEX IF NOT EXISTS ledger_entries_dedupe ON ledger_entries (kind, body);
