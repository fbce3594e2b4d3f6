// Signed playback tokens, the way Mux and Cloudflare Stream sign playback: `<expiry s>.<viewer id>.<HMAC>`,
// the HMAC (per-database key in server_secrets) over media id, viewer id and expiry. The token sits in the
// URL path, so every playlist, segment and sprite under `/s/<token>/` is readable with no headers, a CDN
// keys its cache on it (never crossing viewers), and a token made for one media fails on every other.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/database.js';

const SECRET_NAME = 'media_playback_hmac';
const TOKEN_RE = /^([0-9]{1,12})\.([A-Za-z0-9_]{1,80})\.([A-Za-z0-9_-]{43})$/;

export interface PlaybackClaims {
  viewerId: string;
  /** Unix seconds. */
  expiresAt: number;
}

export class PlaybackSigner {
  private constructor(private readonly key: Buffer) {}

  static async open(db: Database): Promise<PlaybackSigner> {
    await db.query('INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [SECRET_NAME, randomBytes(32)]);
    const rows = await db.query<{ value: Uint8Array }>('SELECT value FROM server_secrets WHERE name = $1', [SECRET_NAME]);
    return new PlaybackSigner(Buffer.from(rows[0]!.value));
  }

  private mac(mediaId: string, viewerId: string, expiresAt: number): string {
    return createHmac('sha256', this.key).update(`${mediaId}\n${viewerId}\n${expiresAt}`).digest('base64url');
  }

  sign(mediaId: string, viewerId: string, expiresAt: number): string {
    return `${expiresAt}.${viewerId}.${this.mac(mediaId, viewerId, expiresAt)}`;
  }

  /** The claims of a token signed for this media, or why not (tampered / foreign and expired look alike to callers: 403). */
  verify(mediaId: string, token: string, nowS = Date.now() / 1000): { ok: true; claims: PlaybackClaims } | { ok: false; reason: 'malformed' | 'signature' | 'expired' } {
    const m = TOKEN_RE.exec(token);
    if (!m) return { ok: false, reason: 'malformed' };
    const expiresAt = Number(m[1]);
    const expected = Buffer.from(this.mac(mediaId, m[2]!, expiresAt));
    const given = Buffer.from(m[3]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'signature' };
    if (expiresAt <= nowS) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { viewerId: m[2]!, expiresAt } };
  }
}
