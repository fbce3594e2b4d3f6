-- The append-only transparency log (RFC 9162 Merkle tree over the entries' leaf hashes). log_state holds
-- the next index; every money transaction updates it first, which both allocates a gapless index and
-- serialises money movements (so entries commit in index order and balance checks see settled state).
CREATE TABLE log_state (
  id integer PRIMARY KEY CHECK (id = 1),
  size bigint NOT NULL
);
INSERT INTO log_state (id, size) VALUES (1, 0);

CREATE TABLE log_entries (
  idx bigint PRIMARY KEY,
  leaf_hash bytea NOT NULL,
  -- RFC 8785 canonical JSON of the entry; leaf_hash = SHA-256(0x00 || entry)
  entry text NOT NULL,
  creator_id text NOT NULL,
  kind text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX log_entries_creator ON log_entries (creator_id, idx);

CREATE TABLE log_tree_heads (
  tree_size bigint PRIMARY KEY,
  root_hash bytea NOT NULL,
  timestamp_ms bigint NOT NULL,
  signature text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
