-- Uploads of renditions to the sync server (issue 11).
-- tus upload URLs of files being uploaded (tus-js-client's urlStorage), so a studio killed mid-file asks the
-- server for the offset and sends only the rest. One row per started upload; removed when the file is done.
CREATE TABLE tus_uploads (
  storage_key TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  upload TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX tus_uploads_fingerprint ON tus_uploads (fingerprint);

-- Media whose upload finished (the server answered `ready` to POST /complete), per server, with the
-- manifest's hash so a re-transcoded item (new files) is uploaded again.
CREATE TABLE media_uploads (
  item_id TEXT NOT NULL,
  server_url TEXT NOT NULL,
  manifest_sha256 TEXT NOT NULL,
  files INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  completed_at INTEGER NOT NULL,
  PRIMARY KEY (item_id, server_url)
);
