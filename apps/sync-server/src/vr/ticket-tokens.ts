// Signed VR tickets: `<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`, checked by the relay at the
// WebSocket upgrade. The signature proves the server issued it; the claims say for which room, for whom,
// and until when. The database still decides whether the ticket is live (a refund or a cancellation ends
// it before it expires). The key is generated once per database, like the JWT secret.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '../db/database.js';

export interface TicketClaims {
  ticketId: string;
  experienceId: string;
  userId: string;
  /** Epoch milliseconds after which the ticket no longer admits. */
  expiresAt: number;
}

const claimsSchema = z.strictObject({ t: z.string().max(64), e: z.string().max(64), u: z.string().max(64), x: z.int().positive() });
const MAX_TOKEN_CHARS = 512;

export type TicketCheck = { ok: true; claims: TicketClaims } | { ok: false; reason: 'malformed' | 'bad_signature' };

export class TicketSigner {
  constructor(private readonly key: Uint8Array) {}

  static async forDatabase(db: Database): Promise<TicketSigner> {
    await db.query(`INSERT INTO server_secrets (name, value) VALUES ('vr_ticket', $1) ON CONFLICT (name) DO NOTHING`, [randomBytes(32)]);
    const rows = await db.query<{ value: Uint8Array }>(`SELECT value FROM server_secrets WHERE name = 'vr_ticket'`);
    return new TicketSigner(new Uint8Array(rows[0]!.value));
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest();
  }

  sign(c: TicketClaims): string {
    const payload = Buffer.from(JSON.stringify({ t: c.ticketId, e: c.experienceId, u: c.userId, x: c.expiresAt })).toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** Signature and shape only; expiry and room are the caller's checks (they have their own close codes). */
  verify(token: string): TicketCheck {
    if (token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'malformed' };
    const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return { ok: false, reason: 'malformed' };
    const given = Buffer.from(m[2]!, 'base64url');
    if (given.length !== 32 || !timingSafeEqual(given, this.mac(m[1]!))) return { ok: false, reason: 'bad_signature' };
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const r = claimsSchema.safeParse(json);
    if (!r.success) return { ok: false, reason: 'malformed' };
    return { ok: true, claims: { ticketId: r.data.t, experienceId: r.data.e, userId: r.data.u, expiresAt: r.data.x } };
  }
}
