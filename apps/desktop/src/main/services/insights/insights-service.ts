// The Insights screen's one call: fresh numbers from the server when it answers (saved for later), the
// numbers this computer saved last time when it does not, with when they are from and why they are not
// fresh. Nothing saved and no server: a StudioApiError in words.
import { StudioApiError } from '../../../shared/studio-api.js';
import type { InsightsQuery, InsightsView } from '../../../shared/insights-api.js';
import { insightsQuerySchema } from '../../../shared/insights-api.js';
import type { Db } from '../library/db.js';
import { fetchInsights } from './insights-client.js';
import { loadSnapshot, saveSnapshot, type InsightsSnapshot, type SnapshotKey } from './insights-store.js';

export interface InsightsDeps {
  db: Db;
  /** The signed-in creator, or null when signed out. */
  account: () => { serverUrl: string; creatorId: string; role: string } | null;
  accessToken: () => Promise<string>;
  now?: () => number;
}

function view(key: SnapshotKey, snap: InsightsSnapshot, fresh: boolean, staleReason: string | null): InsightsView {
  return { range: key.range, insights: snap.insights, rollups: snap.rollups, asOf: new Date(snap.fetchedAt).toISOString(), fresh, staleReason };
}

export async function loadInsights(d: InsightsDeps, input: InsightsQuery): Promise<InsightsView | null> {
  const q = insightsQuerySchema.parse(input);
  const account = d.account();
  if (!account) throw new StudioApiError('NOT_SIGNED_IN', 'sign in to see your insights');
  if (account.role !== 'creator') throw new StudioApiError('NOT_A_CREATOR', 'insights are for creator accounts');
  const key: SnapshotKey = { serverUrl: account.serverUrl, creatorId: account.creatorId, range: q.range };
  const saved = loadSnapshot(d.db, key);
  if (q.source === 'saved') return saved ? view(key, saved, false, null) : null;
  try {
    const fetched = await fetchInsights({ serverUrl: account.serverUrl, creatorId: account.creatorId, accessToken: d.accessToken }, q.range);
    const fetchedAt = (d.now ?? Date.now)();
    saveSnapshot(d.db, key, { ...fetched, fetchedAt });
    const snap = loadSnapshot(d.db, key);
    if (!snap) throw new StudioApiError('BAD_SERVER_RESPONSE', 'the insights the server sent could not be read back');
    return view(key, snap, true, null);
  } catch (err) {
    if (!saved) throw err;
    const reason = err instanceof StudioApiError && err.code === 'SERVER_UNREACHABLE' ? 'offline: the server cannot be reached' : (err as Error).message;
    return view(key, saved, false, reason);
  }
}
