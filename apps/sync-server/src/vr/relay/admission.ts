// Who may enter a VR room, decided at the WebSocket upgrade before the socket joins anything: a signed,
// unexpired, live ticket for this very room (or the room creator's access token), inside the scheduled
// window (the creator may open it 15 minutes early). Capacity and one-socket-per-ticket are the room's
// synchronous checks (room.ts reserve), so two upgrades racing for one seat cannot both win.
import { VrCloseEvents, VR_LIMITS, type VrCloseEvent, type VrRole } from '@fanz/core';
import type { AuthService } from '../../auth/auth-service.js';
import type { Database } from '../../db/database.js';
import { ApiError } from '../../errors.js';
import type { Experience, ExperienceStore } from '../experience-store.js';
import type { TicketSigner } from '../ticket-tokens.js';

export interface Admitted {
  experience: Experience;
  userId: string;
  role: VrRole;
  ticketId: string | null;
  seatKey: string;
  displayName: string;
}

export type AdmissionResult = { ok: true; admitted: Admitted } | { ok: false; close: VrCloseEvent; detail: string };

export interface AdmissionDeps {
  db: Database;
  auth: AuthService;
  experiences: ExperienceStore;
  tickets: TicketSigner;
  clock: () => number;
}

const refuse = (close: VrCloseEvent, detail: string): AdmissionResult => ({ ok: false, close, detail });
const EXPERIENCE_ID = /^vr_[0-9a-z]{26}$/;

export async function admit(d: AdmissionDeps, experienceId: string, credentials: { ticket?: string; accessToken?: string }): Promise<AdmissionResult> {
  if (!EXPERIENCE_ID.test(experienceId)) return refuse(VrCloseEvents.ExperienceNotFound, 'not an experience id');
  let userId: string;
  let role: VrRole;
  let ticketId: string | null = null;
  let experience: Experience | null;
  const now = d.clock();
  if (credentials.ticket !== undefined) {
    const check = d.tickets.verify(credentials.ticket);
    if (!check.ok) return refuse(VrCloseEvents.Unauthorized, `ticket ${check.reason}`);
    const c = check.claims;
    if (c.experienceId !== experienceId) return refuse(VrCloseEvents.WrongRoom, 'ticket for another room');
    if (c.expiresAt <= now) return refuse(VrCloseEvents.TicketExpired, 'ticket expired');
    const rows = await d.db.query<{ status: string; fan_id: string }>('SELECT status, fan_id FROM vr_tickets WHERE id = $1 AND experience_id = $2', [c.ticketId, experienceId]);
    const t = rows[0];
    if (!t || t.fan_id !== c.userId) return refuse(VrCloseEvents.Unauthorized, 'unknown ticket');
    if (t.status !== 'active') return refuse(VrCloseEvents.TicketExpired, `ticket ${t.status}`);
    experience = await d.experiences.get(experienceId);
    userId = c.userId;
    role = 'guest';
    ticketId = c.ticketId;
  } else if (credentials.accessToken !== undefined) {
    try {
      const user = await d.auth.authenticate(credentials.accessToken);
      userId = user.id;
    } catch (err) {
      if (err instanceof ApiError) return refuse(err.code === 'TOKEN_EXPIRED' ? VrCloseEvents.TicketExpired : VrCloseEvents.Unauthorized, 'access token not valid');
      throw err;
    }
    experience = await d.experiences.get(experienceId);
    // Only the room's creator enters with an access token; fans need a ticket.
    if (experience && experience.creatorId !== userId) return refuse(VrCloseEvents.Unauthorized, 'only the creator enters without a ticket');
    role = 'host';
  } else {
    return refuse(VrCloseEvents.Unauthorized, 'no ticket');
  }
  if (!experience) return refuse(VrCloseEvents.ExperienceNotFound, 'no such experience');
  if (experience.status === 'cancelled') return refuse(VrCloseEvents.RoomClosed, 'cancelled');
  if (now >= experience.endsAt) return refuse(VrCloseEvents.RoomClosed, 'ended');
  const opensAt = role === 'host' ? experience.startsAt - VR_LIMITS.hostEarlyMinutes * 60_000 : experience.startsAt;
  if (now < opensAt) return refuse(VrCloseEvents.TooEarly, 'before the window');
  const names = await d.db.query<{ display_name: string }>('SELECT display_name FROM users WHERE id = $1', [userId]);
  return {
    ok: true,
    admitted: { experience, userId, role, ticketId, seatKey: ticketId ?? `host:${userId}`, displayName: names[0]?.display_name ?? 'Guest' },
  };
}
