-- Per-post totals over aligned blocks of 4, 16, 64 and 256 days (issue 20), replacing the month copy of
-- analytics_post_daily. Block b of level l covers days [b * 4^l, (b + 1) * 4^l) counted from 1970-01-01, so
-- any range is a handful of blocks plus a few edge days from the daily table: 30 days read ~7 rows per
-- post on average (at most 12) where day + month rows read ~30, and a year ~12 instead of ~40. Kept in the
-- same transactions as the daily rows (analytics-events.ts bumpPost).
CREATE TABLE analytics_post_blocks (
  creator_id text NOT NULL,
  level smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
  block integer NOT NULL,
  post_id text NOT NULL,
  currency text NOT NULL DEFAULT '',
  views bigint NOT NULL DEFAULT 0,
  revenue bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (creator_id, level, block, post_id, currency)
);

INSERT INTO analytics_post_blocks (creator_id, level, block, post_id, currency, views, revenue)
SELECT d.creator_id, l.level, (d.day - DATE '1970-01-01') / (1 << (2 * l.level)), d.post_id, d.currency, sum(d.views), sum(d.revenue)
  FROM analytics_post_daily d CROSS JOIN generate_series(1, 4) AS l(level)
 GROUP BY 1, 2, 3, 4, 5;

DROP TABLE analytics_post_monthly;
