// Row shapes of the ledger's two tables. The tables, their append-only triggers and the appendOnce index
// come from migration 008_ledger.sql (library/migrations), applied when the studio database is opened.
// Both tables are append-only: triggers refuse UPDATE and DELETE, so only a deliberate tamperer (who drops
// the triggers) can change history, and the hash chain + signatures then say where.
//
// `pos` is the storage order (rowid); `seq` is the entry's own field. Keeping them apart lets the verifier
// see rows that were swapped or renumbered instead of silently re-sorting them.
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
