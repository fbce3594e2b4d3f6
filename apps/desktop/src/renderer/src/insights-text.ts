// Words for the Insights screen's states: why there are no numbers, how fresh the shown ones are. Pure.
import { INSIGHTS_RANGE_DAYS, type InsightsRange, type InsightsView } from '../../shared/insights-api';
import { formatWhen } from './time-text';

export const RANGE_LABELS: Record<InsightsRange, string> = {
  last_7_days: 'Last 7 days',
  last_30_days: 'Last 30 days',
  last_90_days: 'Last 90 days',
  last_365_days: 'Last 365 days',
};

/** What to say when there is nothing to show, by the error's code. */
export function insightsErrorText(code: string, message: string, range: InsightsRange): string {
  switch (code) {
    case 'NOT_SIGNED_IN':
      return 'Sign in to see your insights. Numbers you fetched before stay on this computer for when you are offline.';
    case 'NOT_A_CREATOR':
      return 'Insights are for creator accounts; this studio is signed in as a fan.';
    case 'SERVER_UNREACHABLE':
    case 'TIMEOUT':
      return `The server cannot be reached, and this computer has no saved insights for the ${INSIGHTS_RANGE_DAYS[range]} days asked for yet. They show here after the first refresh while online.`;
    case 'NOT_FOUND':
      return `This server does not offer creator insights (it answered: ${message}).`;
    default:
      return `Insights could not be loaded: ${message}`;
  }
}

/** "Up to date as of …" or "Saved numbers from … (offline: the server cannot be reached)". */
export function asOfText(v: InsightsView, refreshing: boolean): string {
  const when = formatWhen(v.asOf);
  if (v.fresh) return `Up to date as of ${when}.`;
  if (refreshing) return `Saved numbers from ${when}; fetching fresh ones…`;
  return `Saved numbers from ${when}${v.staleReason ? ` (${v.staleReason})` : ''}.`;
}

export function growthText(rate: number | undefined): string {
  if (rate === undefined) return 'no earlier revenue to compare with';
  return `${rate > 0 ? '+' : ''}${rate.toFixed(1)} %`;
}
