-- Stored media bytes per creator, kept current by the statement that records a file (media-queries.ts
-- storeUpload: + the new size, - the size of the file it replaces), so the quota check on every tus upload
-- reads one row instead of summing all of the creator's files.
CREATE TABLE media_usage (
  creator_id text PRIMARY KEY,
  stored_bytes bigint NOT NULL DEFAULT 0
);

INSERT INTO media_usage (creator_id, stored_bytes)
SELECT o.creator_id, sum(f.size) FROM media_files f JOIN media_objects o ON o.id = f.media_id GROUP BY o.creator_id;
