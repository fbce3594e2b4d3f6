-- Media library: one row per imported file (de-duplicated by content hash), its renditions, tags, scores,
-- and an FTS5 index over titles, file names and tags kept current by triggers.
CREATE TABLE media_items (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('video', 'photo')),
  path          TEXT NOT NULL,
  file_name     TEXT NOT NULL,
  title         TEXT NOT NULL,
  content_hash  TEXT NOT NULL UNIQUE,
  size_bytes    INTEGER NOT NULL,
  mtime_ms      INTEGER NOT NULL,
  status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'ready', 'failed')),
  error         TEXT,
  duration_s    REAL,
  width         INTEGER,
  height        INTEGER,
  video_codec   TEXT,
  audio_codec   TEXT,
  container     TEXT,
  phash         TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX media_items_created ON media_items (created_at DESC, id DESC);
CREATE INDEX media_items_kind_created ON media_items (kind, created_at DESC, id DESC);
CREATE INDEX media_items_path ON media_items (path);

CREATE TABLE renditions (
  id          TEXT PRIMARY KEY,
  item_id     TEXT NOT NULL REFERENCES media_items (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  path        TEXT NOT NULL,          -- relative to the data dir, forward slashes
  width       INTEGER,
  height      INTEGER,
  bandwidth   INTEGER,
  codecs      TEXT,
  size_bytes  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX renditions_item ON renditions (item_id);

CREATE TABLE tags (
  item_id  TEXT NOT NULL REFERENCES media_items (id) ON DELETE CASCADE,
  tag      TEXT NOT NULL,
  PRIMARY KEY (item_id, tag)
) WITHOUT ROWID;

-- Written by the scoring service (ONNX models): one row per model output label.
CREATE TABLE scores (
  item_id     TEXT NOT NULL REFERENCES media_items (id) ON DELETE CASCADE,
  model       TEXT NOT NULL,
  label       TEXT NOT NULL,
  score       REAL NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (item_id, model, label)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE media_fts USING fts5 (
  title, file_name, tags,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

CREATE TRIGGER media_items_ai AFTER INSERT ON media_items BEGIN
  INSERT INTO media_fts (rowid, title, file_name, tags) VALUES (new.rowid, new.title, new.file_name, '');
END;
CREATE TRIGGER media_items_au AFTER UPDATE OF title, file_name ON media_items BEGIN
  UPDATE media_fts SET title = new.title, file_name = new.file_name WHERE rowid = new.rowid;
END;
CREATE TRIGGER media_items_ad AFTER DELETE ON media_items BEGIN
  DELETE FROM media_fts WHERE rowid = old.rowid;
END;
CREATE TRIGGER tags_ai AFTER INSERT ON tags BEGIN
  UPDATE media_fts SET tags = (SELECT coalesce(group_concat(tag, ' '), '') FROM tags WHERE item_id = new.item_id)
  WHERE rowid = (SELECT rowid FROM media_items WHERE id = new.item_id);
END;
CREATE TRIGGER tags_ad AFTER DELETE ON tags BEGIN
  UPDATE media_fts SET tags = (SELECT coalesce(group_concat(tag, ' '), '') FROM tags WHERE item_id = old.item_id)
  WHERE rowid = (SELECT rowid FROM media_items WHERE id = old.item_id);
END;
