-- Media a creator uploads for their posts (issue 11): one object per media id (claimed by the first
-- creator who uploads to it), its stored files (one per path, replaced by a later upload of that path),
-- the tus uploads in flight (they reserve quota until they finish), and one playback session row per
-- /playback call (analytics; never one per segment).
CREATE TABLE media_objects (
  id text PRIMARY KEY,
  creator_id text NOT NULL,
  kind text CHECK (kind IN ('video', 'image')),
  status text NOT NULL DEFAULT 'uploading' CHECK (status IN ('uploading', 'ready')),
  -- The completed file list {kind, files: [{path, sha256, size, role}]}; null until complete.
  manifest jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_objects_creator ON media_objects (creator_id);

CREATE TABLE media_files (
  media_id text NOT NULL REFERENCES media_objects (id),
  path text NOT NULL,
  sha256 text NOT NULL,
  size bigint NOT NULL CHECK (size >= 0),
  content_type text NOT NULL,
  storage_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (media_id, path)
);

CREATE TABLE media_uploads (
  upload_id text PRIMARY KEY,
  media_id text NOT NULL REFERENCES media_objects (id),
  creator_id text NOT NULL,
  path text NOT NULL,
  sha256 text NOT NULL,
  size bigint NOT NULL CHECK (size >= 0),
  status text NOT NULL DEFAULT 'uploading' CHECK (status IN ('uploading', 'stored', 'rejected', 'terminated')),
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX media_uploads_creator_open ON media_uploads (creator_id) WHERE status = 'uploading';

CREATE TABLE playback_sessions (
  id text PRIMARY KEY,
  viewer_id text NOT NULL,
  media_id text NOT NULL,
  -- The post that entitled the viewer; null when the creator watches their own media.
  post_id text,
  started_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX playback_sessions_media ON playback_sessions (media_id, started_at);
