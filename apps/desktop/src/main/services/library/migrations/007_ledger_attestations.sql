-- The last ledger head this device attested in a server's transparency log (ledger/ledger-attestation.ts):
-- `ledger verify` checks the attested entry is still in the ledger, which catches a cut tail.
CREATE TABLE ledger_attestations (
  server_url TEXT NOT NULL,
  key_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  log_index INTEGER NOT NULL,
  attested_at TEXT NOT NULL,
  PRIMARY KEY (server_url, key_id)
);
