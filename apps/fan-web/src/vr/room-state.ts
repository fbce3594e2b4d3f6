// Whether a meetup's room can be entered now, and why not in words: cancelled, ended, or not open yet
// (the host may open it 15 minutes early, as the relay allows). Pure, so it is unit-tested.
import { VR_LIMITS, type VrExperienceView } from '@fanz/core/vr';

/** Why the room cannot be entered now, in words; null when it can. */
export function roomClosedReason(v: VrExperienceView, now: number, isHost: boolean): { text: string; testId: string } | null {
  if (v.status === 'cancelled') return { text: 'This meetup was cancelled. Every paid ticket has been refunded.', testId: 'room-cancelled' };
  if (now >= Date.parse(v.scheduling.end_time)) return { text: 'This meetup has ended.', testId: 'room-ended' };
  const opens = Date.parse(v.scheduling.start_time) - (isHost ? VR_LIMITS.hostEarlyMinutes * 60_000 : 0);
  if (now < opens) {
    const at = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(opens);
    return { text: `The room has not opened yet. It opens ${isHost ? '15 minutes before the start, ' : ''}at ${at}.`, testId: 'room-not-open' };
  }
  return null;
}
