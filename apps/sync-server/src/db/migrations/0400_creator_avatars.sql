-- Creator avatars (issue 12): one image per creator, sniffed PNG/JPEG/WebP of at most 2 MB, served publicly
-- at /api/v1/creators/:username/avatar. Kept in the database so every instance serves the same bytes.
CREATE TABLE creator_avatars (
  user_id text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
  data bytea NOT NULL,
  sha256 text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
