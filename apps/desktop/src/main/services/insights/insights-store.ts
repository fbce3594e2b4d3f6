// Keeps the last insights fetched per (server, creator, range) in the studio's SQLite (migration 010), so
// the Insights screen has numbers to show offline. Rows are re-validated on read: a row written by another
// version that no longer parses is treated as absent rather than shown half-understood.
import type { Db } from '../library/db.js';
import { rollupRowSchema, serverInsightsSchema, type InsightsRange, type RollupRowView, type ServerInsights } from '../../../shared/insights-api.js';

export interface InsightsSnapshot {
  insights: ServerInsights;
  rollups: RollupRowView[];
  fetchedAt: number;
}

export interface SnapshotKey {
  serverUrl: string;
  creatorId: string;
  range: InsightsRange;
}

export function saveSnapshot(db: Db, key: SnapshotKey, snap: { insights: unknown; rollups: unknown; fetchedAt: number }): void {
  db.prepare(
    `INSERT INTO insights_snapshots (server_url, creator_id, range, fetched_at, insights_json, rollups_json) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (server_url, creator_id, range) DO UPDATE SET fetched_at = excluded.fetched_at,
       insights_json = excluded.insights_json, rollups_json = excluded.rollups_json`,
  ).run(key.serverUrl, key.creatorId, key.range, snap.fetchedAt, JSON.stringify(snap.insights), JSON.stringify(snap.rollups));
}

export function loadSnapshot(db: Db, key: SnapshotKey): InsightsSnapshot | null {
  const row = db
    .prepare('SELECT fetched_at, insights_json, rollups_json FROM insights_snapshots WHERE server_url = ? AND creator_id = ? AND range = ?')
    .get(key.serverUrl, key.creatorId, key.range) as { fetched_at: number; insights_json: string; rollups_json: string } | undefined;
  if (!row) return null;
  try {
    const insights = serverInsightsSchema.safeParse(JSON.parse(row.insights_json));
    const rollups = rollupRowSchema.array().safeParse(JSON.parse(row.rollups_json));
    if (!insights.success || !rollups.success) return null;
    return { insights: insights.data, rollups: rollups.data, fetchedAt: row.fetched_at };
  } catch {
    return null;
  }
}
