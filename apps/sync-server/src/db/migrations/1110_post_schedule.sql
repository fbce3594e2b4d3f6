-- The scheduler's index of scheduled posts (scheduler/post-scheduler.ts, issue 14 item 11): one row per
-- scheduled post of a creator's catalog document, rewritten whenever that document is written (its
-- head_seq moves past indexed_doc_seq). Due posts are found here, so the scheduler reads a document only
-- after it changed or when something in it is due, instead of replaying every document every minute.
CREATE TABLE post_schedule (
  doc_name text NOT NULL,
  post_id text NOT NULL,
  scheduled_at timestamptz NOT NULL,
  PRIMARY KEY (doc_name, post_id)
);
CREATE INDEX post_schedule_due ON post_schedule (scheduled_at);
CREATE TABLE post_schedule_docs (
  doc_name text PRIMARY KEY,
  indexed_doc_seq bigint NOT NULL
);
