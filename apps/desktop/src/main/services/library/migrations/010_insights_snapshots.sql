-- The last creator insights the studio fetched, per server, creator and date range (insights/insights-store.ts),
-- so the Insights screen works offline from the last synced numbers and says when they are from. One row
-- per key, replaced on every successful fetch; bodies are the server's JSON as received (validated).
CREATE TABLE IF NOT EXISTS insights_snapshots (
  server_url TEXT NOT NULL,
  creator_id TEXT NOT NULL,
  range TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  insights_json TEXT NOT NULL,
  rollups_json TEXT NOT NULL,
  PRIMARY KEY (server_url, creator_id, range)
);
