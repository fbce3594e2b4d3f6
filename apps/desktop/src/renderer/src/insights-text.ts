// Words for the Insights screen's states: why there are no numbers, how fresh the shown ones are. Pure.
import { INSIGHTS_RANGE_DAYS, type InsightsRange, type InsightsView } from '../../shared/insights-api';
import { humanMessage } from './errors';
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
      return 'This server does not offer creator insights yet. Ask whoever runs it to update it.';
    default:
      return `Insights could not be loaded: ${humanMessage(message)}`;
  }
}

/** Why fresh numbers are missing while saved ones stay on screen: in words, never a raw code or transport text. */
export function freshErrorText(code: string, message: string): string {
  if (code === 'SERVER_UNREACHABLE' || code === 'TIMEOUT') return 'Fresh numbers could not be fetched: the server cannot be reached right now.';
  if (code === 'NOT_SIGNED_IN') return 'Fresh numbers could not be fetched: sign in again on the Account screen.';
  return `Fresh numbers could not be fetched. ${humanMessage(message)}`;
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

/**
 * What a forecast follows, in words: "ETS(A,Ad,A)" becomes "a trend that levels off and the weekly pattern".
 * The model's own name stays on screen only as a small note for those who know it.
 */
export function forecastMethodText(method: string): string {
  const m = /^ETS\(A,(N|A|Ad),(N|A)\)$/.exec(method);
  if (!m) return 'the revenue so far';
  const trend = m[1] === 'A' ? 'the trend' : m[1] === 'Ad' ? 'a trend that levels off' : 'the usual level';
  return m[2] === 'A' ? `${trend} and the weekly pattern` : trend;
}
