// The analytics feature: insights and rollup routes, and the weekly summary webhook pass. Events are
// recorded by the features where they happen (payments, renewals, media playback, the scheduler) through
// analytics-events.ts, in their own transactions.
import { forecast } from '@fanz/core';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import type { RouteTable } from '../http/routes.js';
import { analyticsRoutes } from './analytics-routes.js';
import type { Forecaster } from './growth-predictions.js';
import { InsightsService } from './insights-service.js';
import { WeeklySummaries } from './weekly-summary.js';

export interface AnalyticsFeature {
  insights: InsightsService;
  weekly: WeeklySummaries;
  close(): Promise<void>;
}

export function createAnalyticsFeature(deps: {
  db: Database;
  routes: RouteTable;
  logger: Logger;
  /** The forecasting function (default @fanz/core's forecast()); null leaves growth_predictions out. */
  forecaster?: Forecaster | null;
  /** Called with the number of webhook deliveries a summary queued (the dispatcher is kicked). */
  onQueued: (deliveries: number) => void;
  /** How often the weekly pass looks for a finished week (default 15 minutes). */
  weeklyPollMs?: number;
}): AnalyticsFeature {
  const insights = new InsightsService(deps.db, deps.forecaster === undefined ? forecast : deps.forecaster);
  analyticsRoutes(deps.routes, { db: deps.db, insights });
  const weekly = new WeeklySummaries(deps.db, insights, { pollMs: deps.weeklyPollMs ?? 15 * 60_000, logger: deps.logger, onQueued: deps.onQueued });
  weekly.start();
  return {
    insights,
    weekly,
    close: () => weekly.stop(),
  };
}
