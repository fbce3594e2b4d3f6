// Creates, lists, revokes and checks API keys. The secret is shown once (in the create answer) and kept only
// as its sha256: it carries 256 random bits, so unlike a password there is nothing a slow hash would protect,
// and a fast one lets each request find its key through the unique index. Keys are checked against the
// database on every request (no cache), so a revocation or an expiry holds from the very next request.
import { createHash, randomBytes } from 'node:crypto';
import type { AuthUser } from '../auth/auth-service.js';
import type { Database } from '../db/database.js';
import { ApiError } from '../errors.js';
import { newId } from '../ids.js';
import { API_KEY_PREFIX, type ApiKeyScope } from './scopes.js';

export interface ApiKeyView {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  /** The secret's last four characters, so a person can tell keys apart. */
  hint: string;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export interface KeyCaller {
  user: AuthUser;
  keyId: string;
  scopes: ApiKeyScope[];
}

interface Row {
  id: string;
  creator_id: string;
  name: string;
  scopes: string;
  secret_hint: string;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  created_at: Date | string;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

function view(r: Row): ApiKeyView {
  return {
    id: r.id,
    name: r.name,
    scopes: JSON.parse(r.scopes) as ApiKeyScope[],
    hint: r.secret_hint,
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
    createdAt: iso(r.created_at)!,
  };
}

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export class ApiKeyService {
  constructor(private readonly db: Database) {}

  async create(creatorId: string, input: { name: string; scopes: ApiKeyScope[]; expiresAt?: string }): Promise<ApiKeyView & { secret: string }> {
    if (input.expiresAt && Date.parse(input.expiresAt) <= Date.now()) {
      throw new ApiError('VALIDATION_ERROR', 'expiresAt must be in the future.', { field: 'expiresAt' });
    }
    const secret = API_KEY_PREFIX + randomBytes(32).toString('base64url');
    const scopes = [...new Set(input.scopes)].sort();
    const rows = await this.db.query<Row>(
      `INSERT INTO api_keys (id, creator_id, name, scopes, secret_hash, secret_hint, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [newId('apk'), creatorId, input.name, JSON.stringify(scopes), hashSecret(secret), secret.slice(-4), input.expiresAt ?? null],
    );
    return { ...view(rows[0]!), secret };
  }

  async list(creatorId: string): Promise<ApiKeyView[]> {
    const rows = await this.db.query<Row>('SELECT * FROM api_keys WHERE creator_id = $1 ORDER BY created_at DESC, id DESC', [creatorId]);
    return rows.map(view);
  }

  async revoke(creatorId: string, id: string): Promise<ApiKeyView> {
    const rows = await this.db.query<Row>(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 AND creator_id = $2 RETURNING *`,
      [id, creatorId],
    );
    if (!rows[0]) throw new ApiError('NOT_FOUND', `No API key ${id} of yours.`);
    return view(rows[0]);
  }

  /** The key's creator and scopes; 401 for an unknown, revoked or expired key (one message, no oracle). */
  async authenticate(secret: string): Promise<KeyCaller> {
    const rows = await this.db.query<Row & { role: 'creator' | 'fan' }>(
      `SELECT k.*, u.role FROM api_keys k JOIN users u ON u.id = k.creator_id
       WHERE k.secret_hash = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())`,
      [hashSecret(secret)],
    );
    const r = rows[0];
    if (!r) throw new ApiError('UNAUTHENTICATED', 'This API key is not valid: unknown, revoked or expired.');
    return { user: { id: r.creator_id, role: r.role, sessionId: `apikey:${r.id}` }, keyId: r.id, scopes: JSON.parse(r.scopes) as ApiKeyScope[] };
  }
}
