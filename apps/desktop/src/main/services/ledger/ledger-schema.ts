// The ledger's two tables in the studio database, created idempotently by the ledger service (not a
// numbered migration: the library's migration list is owned elsewhere and its tests pin it).
// Both tables are append-only: triggers refuse UPDATE and DELETE, so only a deliberate tamperer (who drops
// the triggers) can change history, and the hash chain + signatures then say where.
//
// `pos` is the storage order (rowid); `seq` is the entry's own field. Keeping them apart lets the verifier
// see rows that were swapped or renumbered instead of silently re-sorting them.
import type { Db } from '../library/db.js';

const SCHEMA = `
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
`;

export function ensureLedgerSchema(db: Db): void {
  // IMMEDIATE so two processes opening a fresh studio at once do not race on CREATE.
  db.transaction(() => db.exec(SCHEMA)).immediate();
}

export interface LedgerRow {
  pos: number;
  seq: number;
  prev_hash: string;
  timestamp: number;
  kind: string;
  body: string;
  key_id: string;
  signature: string;
}

export interface LedgerKeyRow {
  key_id: string;
  public_key: string;
  source: 'account' | 'local';
  secret_sealed: Buffer | null;
  created_at: number;
}
