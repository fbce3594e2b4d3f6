// The fan's ticket for a room, held for this browser session (sessionStorage, per experience) so a reload
// or a dropped connection rejoins without asking the server again. Read back through core's ticket schema:
// anything else in storage is ignored. The server stays the judge (admission checks every join).
import { vrTicketSchema, type VrTicket } from '@fanz/core/vr';

const key = (experienceId: string, userId: string) => `fanz.vr.ticket.${userId}.${experienceId}`;

export function heldTicket(experienceId: string, userId: string): VrTicket | null {
  try {
    const raw = sessionStorage.getItem(key(experienceId, userId));
    if (!raw) return null;
    const r = vrTicketSchema.safeParse(JSON.parse(raw));
    if (!r.success || r.data.experienceId !== experienceId || Date.parse(r.data.expiresAt) <= Date.now()) return null;
    return r.data;
  } catch {
    return null;
  }
}

export function holdTicket(userId: string, t: VrTicket): void {
  sessionStorage.setItem(key(t.experienceId, userId), JSON.stringify(t));
}

export function dropTicket(experienceId: string, userId: string): void {
  sessionStorage.removeItem(key(experienceId, userId));
}
