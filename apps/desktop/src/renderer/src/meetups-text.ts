// Words for the Meetups screen: a meetup's state now (scheduled, open, ended, cancelled) and its access.
import { formatMoneyLocale } from '@fanz/core';
import type { MeetupView } from '../../shared/meetups-api';

export type MeetupPhase = 'scheduled' | 'open' | 'ended' | 'cancelled';

export function meetupPhase(m: Pick<MeetupView, 'status' | 'scheduling'>, now: number): MeetupPhase {
  if (m.status === 'cancelled') return 'cancelled';
  if (now >= Date.parse(m.scheduling.end_time)) return 'ended';
  // The host may open the room 15 minutes before the start.
  if (now >= Date.parse(m.scheduling.start_time) - 15 * 60_000) return 'open';
  return 'scheduled';
}

export const PHASE_TEXT: Record<MeetupPhase, string> = {
  scheduled: 'Scheduled',
  open: 'Room open',
  ended: 'Ended',
  cancelled: 'Cancelled',
};

export function accessText(m: Pick<MeetupView, 'access_control'>, tierName: (id: string) => string | null, locale?: string): string {
  const { price, tier_requirement } = m.access_control;
  const parts: string[] = [];
  if (price) parts.push(`${formatMoneyLocale(price, locale)} a ticket`);
  if (tier_requirement) {
    const name = tierName(tier_requirement);
    parts.push(name ? `free for ${name} subscribers` : 'free for subscribers of the required tier');
  }
  return parts.join(', ') || '—';
}

export function seatsText(m: Pick<MeetupView, 'tickets_sold' | 'environment'>): string {
  return `${m.tickets_sold} of ${m.environment.capacity} ${m.environment.capacity === 1 ? 'seat' : 'seats'} taken`;
}

/** The datetime-local input's value ("2030-01-02T18:30") as an ISO instant in this computer's zone. */
export function localInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** A datetime-local value `minutes` from now, rounded up to the next quarter hour. */
export function defaultStartInput(now: number, minutes = 60): string {
  const d = new Date(now + minutes * 60_000);
  d.setSeconds(0, 0);
  d.setMinutes(Math.ceil(d.getMinutes() / 15) * 15);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
