-- Persistent job queue. A job that was `running` when its process died is found by its owner (pid + token,
-- heartbeat) and re-queued at the next start-up.
CREATE TABLE jobs (
  id                TEXT PRIMARY KEY,
  kind              TEXT NOT NULL,
  item_id           TEXT REFERENCES media_items (id) ON DELETE CASCADE,
  payload           TEXT NOT NULL DEFAULT '{}',
  state             TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  priority          INTEGER NOT NULL DEFAULT 0,
  progress          REAL NOT NULL DEFAULT 0,
  eta_s             REAL,
  stage             TEXT,
  attempts          INTEGER NOT NULL DEFAULT 0,
  max_attempts      INTEGER NOT NULL DEFAULT 3,
  error             TEXT,
  result            TEXT,
  run_after         INTEGER NOT NULL DEFAULT 0,
  owner_pid         INTEGER,
  owner_token       TEXT,
  heartbeat_at      INTEGER,
  cancel_requested  INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL,
  started_at        INTEGER,
  finished_at       INTEGER,
  updated_at        INTEGER NOT NULL
);
CREATE INDEX jobs_pick ON jobs (state, run_after, priority DESC, created_at);
CREATE INDEX jobs_item ON jobs (item_id);
