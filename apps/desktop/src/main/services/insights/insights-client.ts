// The two server calls behind the Insights screen: the creator's insights with growth predictions
// (POST /api/v1/analytics/creator-insights) and the daily rollups for the same days
// (GET /api/v1/analytics/rollups), which give revenue by source per day. Answers are checked with zod,
// so a server that answers something else is a clear BAD_SERVER_RESPONSE, never a broken chart.
import type { z } from 'zod';
import { StudioApiError } from '../../../shared/studio-api.js';
import { serverInsightsSchema, serverRollupsSchema, type InsightsRange } from '../../../shared/insights-api.js';
import { callServer } from '../account/server-client.js';

export interface InsightsClientDeps {
  serverUrl: string;
  creatorId: string;
  accessToken: () => Promise<string>;
}

function parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const r = schema.safeParse(data);
  if (!r.success) throw new StudioApiError('BAD_SERVER_RESPONSE', `the server answered ${what} the studio does not understand`);
  return r.data;
}

/** Fetches insights and rollups; returns both as received (raw, for saving) after validating them. */
export async function fetchInsights(d: InsightsClientDeps, range: InsightsRange): Promise<{ insights: unknown; rollups: unknown }> {
  const token = await d.accessToken();
  const insights = await callServer(d.serverUrl, 'POST', '/api/v1/analytics/creator-insights', {
    accessToken: token,
    body: { creator_id: d.creatorId, date_range: range, include_predictions: true },
    // Forecasts fit six models per series on the server: more than the default 10 s, and with the rollups
    // call still inside the studio's 30 s bound on one API call (rpc-envelope.ts).
    timeoutMs: 18_000,
  });
  const { date_range } = parse(serverInsightsSchema, insights, 'insights');
  const query = new URLSearchParams({ from: date_range.from, to: date_range.to, format: 'json' });
  const rollups = await callServer(d.serverUrl, 'GET', `/api/v1/analytics/rollups?${query}`, { accessToken: token, timeoutMs: 8_000 });
  const rows = parse(serverRollupsSchema, rollups, 'daily rollups').rows;
  return { insights, rollups: rows };
}
