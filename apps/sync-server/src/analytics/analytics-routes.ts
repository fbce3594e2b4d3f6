// Analytics routes: the creator's insights (the seed's POST body) and the daily rollups behind them (JSON
// for the studio's charts, CSV for export). Only the creator themselves, or their API key with
// read:analytics, may read a creator's numbers; everyone else gets 403.
import type { AuthUser } from '../auth/auth-service.js';
import { ApiError } from '../errors.js';
import { RawReply, type RouteTable } from '../http/routes.js';
import { insightsBody, insightsResponse, rollupsQuery, rollupsResponse } from './insights-schemas.js';
import type { InsightsService } from './insights-service.js';
import { rollupRows } from './insights-queries.js';
import { rollupsCsv } from './rollups-csv.js';
import type { Queryable } from '../db/database.js';

function ownCreator(user: AuthUser, creatorId: string): void {
  if (user.id !== creatorId) throw new ApiError('FORBIDDEN', "A creator's analytics are readable only by that creator (or their API key with read:analytics).", { creator_id: creatorId });
}

export function analyticsRoutes(routes: RouteTable, deps: { db: Queryable; insights: InsightsService }): void {
  routes.add({
    method: 'POST',
    url: '/api/v1/analytics/creator-insights',
    summary: "A creator's revenue, engagement, audience, content performance, cohort retention and (optionally) growth predictions for a date range",
    tag: 'analytics',
    access: 'creator',
    apiKey: 'read:analytics',
    body: insightsBody,
    response: insightsResponse,
    handler: async ({ user, body }) => {
      ownCreator(user, body.creator_id);
      return deps.insights.insights(body);
    },
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/analytics/rollups',
    summary: 'The daily rollups (per day, source and currency; money in minor units) for a range of at most 366 days; format=csv answers text/csv',
    tag: 'analytics',
    access: 'creator',
    apiKey: 'read:analytics',
    query: rollupsQuery,
    response: rollupsResponse,
    handler: async ({ user, query }) => {
      const creatorId = query.creator_id ?? user.id;
      ownCreator(user, creatorId);
      const rows = await rollupRows(deps.db, creatorId, query.from, query.to);
      if (query.format === 'csv') {
        return new RawReply('text/csv; charset=utf-8', rollupsCsv(rows), {
          'content-disposition': `attachment; filename="analytics-${query.from}-${query.to}.csv"`,
        });
      }
      return { creator_id: creatorId, from: query.from, to: query.to, rows };
    },
  });
}
