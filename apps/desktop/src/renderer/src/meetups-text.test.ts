import { describe, expect, it } from 'vitest';
import { accessText, defaultStartInput, localInputToIso, meetupPhase, seatsText } from './meetups-text';

const at = (start: string, end: string, status: 'scheduled' | 'cancelled' = 'scheduled') => ({
  status,
  scheduling: { start_time: start, end_time: end, duration_minutes: 60, timezone: 'UTC' },
});

describe('meetup words', () => {
  it('tells scheduled, open (15 minutes early for the host), ended and cancelled apart', () => {
    const m = at('2030-01-01T10:00:00Z', '2030-01-01T11:00:00Z');
    expect(meetupPhase(m, Date.parse('2030-01-01T09:40:00Z'))).toBe('scheduled');
    expect(meetupPhase(m, Date.parse('2030-01-01T09:46:00Z'))).toBe('open');
    expect(meetupPhase(m, Date.parse('2030-01-01T11:00:00Z'))).toBe('ended');
    expect(meetupPhase(at('2030-01-01T10:00:00Z', '2030-01-01T11:00:00Z', 'cancelled'), Date.parse('2030-01-01T10:30:00Z'))).toBe('cancelled');
  });

  it('says the price and the tier, and the seats', () => {
    expect(accessText({ access_control: { price: { amount: 500, currency: 'USD' }, tier_requirement: 'tier_1' } }, () => 'Inner circle', 'en-US')).toBe(
      '$5.00 a ticket, free for Inner circle subscribers',
    );
    expect(accessText({ access_control: { price: null, tier_requirement: 'tier_gone' } }, () => null, 'en-US')).toBe('free for subscribers of the required tier');
    expect(seatsText({ tickets_sold: 1, environment: { capacity: 1, theme: 'space', interactive_elements: [] } })).toBe('1 of 1 seat taken');
  });

  it('turns the local date-time input into an instant and refuses anything else', () => {
    expect(localInputToIso('2030-01-02T18:30')).toBe(new Date('2030-01-02T18:30').toISOString());
    expect(localInputToIso('tomorrow')).toBeNull();
    expect(localInputToIso('')).toBeNull();
    expect(defaultStartInput(Date.parse('2030-01-02T10:07:00'))).toBe('2030-01-02T11:15');
  });
});
