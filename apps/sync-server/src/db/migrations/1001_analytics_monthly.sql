-- Month-level copies of the per-post and unique-viewer rollups (issue 20), kept in the same transactions
-- as the daily rows: a long range reads whole months here and only its partial months' days from the
-- daily tables, so a year costs ~12 rows per post instead of ~365.
CREATE TABLE analytics_post_monthly (
  creator_id text NOT NULL,
  month date NOT NULL,
  post_id text NOT NULL,
  currency text NOT NULL DEFAULT '',
  views bigint NOT NULL DEFAULT 0,
  revenue bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (creator_id, month, post_id, currency)
);

CREATE TABLE analytics_monthly_viewers (
  creator_id text NOT NULL,
  month date NOT NULL,
  registers bytea NOT NULL,
  PRIMARY KEY (creator_id, month)
);
