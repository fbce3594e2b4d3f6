import { describe, expect, it } from 'vitest';
import type { InsightsView } from '../../shared/insights-api';
import { asOfText, forecastMethodText, freshErrorText, growthText, insightsErrorText } from './insights-text';

const view = (fresh: boolean, staleReason: string | null) => ({ asOf: '2026-11-29T00:45:00.000Z', fresh, staleReason }) as InsightsView;

describe('insights words', () => {
  it('says how fresh the numbers are and why they are not', () => {
    expect(asOfText(view(true, null), false)).toMatch(/^Up to date as of .+\.$/);
    expect(asOfText(view(false, null), true)).toMatch(/^Saved numbers from .+; fetching fresh ones…$/);
    expect(asOfText(view(false, 'offline: the server cannot be reached'), false)).toMatch(/^Saved numbers from .+ \(offline: the server cannot be reached\)\.$/);
  });

  it('explains a missing screen in words, never a bare code', () => {
    expect(insightsErrorText('NOT_SIGNED_IN', 'x', 'last_30_days')).toMatch(/^Sign in to see your insights/);
    expect(insightsErrorText('SERVER_UNREACHABLE', 'fetch failed', 'last_90_days')).toBe(
      'The server cannot be reached, and this computer has no saved insights for the 90 days asked for yet. They show here after the first refresh while online.',
    );
    expect(insightsErrorText('FORBIDDEN', "A creator's analytics are readable only by that creator.", 'last_7_days')).toBe(
      "Insights could not be loaded: A creator's analytics are readable only by that creator.",
    );
    // Transport text and a server's raw answer never reach the screen.
    expect(insightsErrorText('INTERNAL', 'fetch failed', 'last_7_days')).toBe(
      "Insights could not be loaded: Can't reach the server right now. Check the address and that the server is running, then try again.",
    );
    expect(insightsErrorText('NOT_FOUND', 'Cannot GET /api/v1/creators/abc/insights', 'last_7_days')).not.toMatch(/api\/v1|Cannot GET/);
  });

  it('says why fresh numbers are missing under saved ones, in words', () => {
    expect(freshErrorText('SERVER_UNREACHABLE', 'fetch failed')).toBe('Fresh numbers could not be fetched: the server cannot be reached right now.');
    expect(freshErrorText('TIMEOUT', 'timed out after 15000 ms')).not.toMatch(/TIMEOUT|15000/);
    expect(freshErrorText('INTERNAL', 'TypeError: fetch failed')).toBe(
      "Fresh numbers could not be fetched. Can't reach the server right now. Check the address and that the server is running, then try again.",
    );
  });

  it('says what a forecast follows without the model name', () => {
    expect(forecastMethodText('ETS(A,Ad,A)')).toBe('a trend that levels off and the weekly pattern');
    expect(forecastMethodText('ETS(A,A,N)')).toBe('the trend');
    expect(forecastMethodText('ETS(A,N,N)')).toBe('the usual level');
    expect(forecastMethodText('something new')).toBe('the revenue so far');
  });

  it('growth as a signed percentage, or why there is none', () => {
    expect(growthText(12.345)).toBe('+12.3 %');
    expect(growthText(-4)).toBe('-4.0 %');
    expect(growthText(undefined)).toBe('no earlier revenue to compare with');
  });
});
