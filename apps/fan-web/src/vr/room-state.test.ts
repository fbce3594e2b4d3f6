import { describe, expect, it } from 'vitest';
import { roomClosedReason } from './room-state';

const view = (status: 'scheduled' | 'cancelled' = 'scheduled') =>
  ({ status, scheduling: { start_time: '2030-01-01T10:00:00Z', end_time: '2030-01-01T11:00:00Z', duration_minutes: 60, timezone: 'UTC' } }) as never;

describe('roomClosedReason', () => {
  it('says cancelled, ended and not open yet in words, and nothing while the room is open', () => {
    expect(roomClosedReason(view('cancelled'), Date.parse('2030-01-01T10:30:00Z'), false)?.text).toMatch(/cancelled.*refunded/);
    expect(roomClosedReason(view(), Date.parse('2030-01-01T11:00:00Z'), false)?.testId).toBe('room-ended');
    expect(roomClosedReason(view(), Date.parse('2030-01-01T09:50:00Z'), false)?.text).toMatch(/has not opened yet/);
    expect(roomClosedReason(view(), Date.parse('2030-01-01T10:00:00Z'), false)).toBeNull();
  });

  it('lets the host in 15 minutes early, as the relay does', () => {
    expect(roomClosedReason(view(), Date.parse('2030-01-01T09:50:00Z'), true)).toBeNull();
    expect(roomClosedReason(view(), Date.parse('2030-01-01T09:44:00Z'), true)?.text).toMatch(/15 minutes before the start/);
  });
});
