// Pay-per-view access grants: a URL token `<grantId>.<expiry ms>.<HMAC>` that names the grant and its expiry
// and is signed with a per-database key, plus a row that counts downloads against the grant's limit and can
// be revoked (refund, chargeback). The token alone proves nothing once the row says revoked or used up.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/database.js';

const SECRET_NAME = 'media_grant_hmac';

export class MediaGrantSigner {
  private constructor(private readonly key: Buffer) {}

  static async open(db: Database): Promise<MediaGrantSigner> {
    await db.query('INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [SECRET_NAME, randomBytes(32)]);
    const rows = await db.query<{ value: Uint8Array }>('SELECT value FROM server_secrets WHERE name = $1', [SECRET_NAME]);
    return new MediaGrantSigner(Buffer.from(rows[0]!.value));
  }

  private mac(grantId: string, expiresAt: number): string {
    return createHmac('sha256', this.key).update(`${grantId}.${expiresAt}`).digest('base64url');
  }

  token(grantId: string, expiresAt: number): string {
    return `${grantId}.${expiresAt}.${this.mac(grantId, expiresAt)}`;
  }

  /** The grant id and expiry of a well-signed token, or null. Expiry is checked by the caller. */
  parse(token: string): { grantId: string; expiresAt: number } | null {
    const m = /^([A-Za-z0-9_]{1,80})\.([0-9]{1,16})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return null;
    const expiresAt = Number(m[2]);
    const expected = Buffer.from(this.mac(m[1]!, expiresAt));
    const given = Buffer.from(m[3]!);
    return expected.length === given.length && timingSafeEqual(expected, given) ? { grantId: m[1]!, expiresAt } : null;
  }
}
