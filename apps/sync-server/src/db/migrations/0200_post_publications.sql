-- One row per post the server's scheduler published: the primary key makes a publication happen once,
-- whatever the number of instances, ticks or restarts.
CREATE TABLE post_publications (
  post_id text PRIMARY KEY,
  creator_id text NOT NULL,
  doc_name text NOT NULL,
  scheduled_at timestamptz NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX post_publications_creator ON post_publications (creator_id, scheduled_at);
