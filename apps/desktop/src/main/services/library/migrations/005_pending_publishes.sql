-- Posts the creator chose to publish now whose media was still uploading: the post goes public only once
-- every one of its media is on the server (publish/pending-publishes.ts). Survives a restart of the studio.
CREATE TABLE pending_publishes (
  post_id TEXT PRIMARY KEY,
  requested_at INTEGER NOT NULL
);
