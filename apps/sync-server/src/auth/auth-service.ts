// Accounts and sessions: register, login (rate limited), refresh-token rotation with reuse detection,
// logout, and turning an access token into an authenticated user. A session is a refresh-token family:
// reusing any already-rotated refresh token revokes the session, which also invalidates its access tokens.
import type { Database, Queryable } from '../db/database.js';
import { ApiError } from '../errors.js';
import { newId } from '@fanz/core';
import { dummyHash, hashPassword, verifyPassword } from './passwords.js';
import type { AuthResult, LoginBody, RegisterBody } from './schemas.js';
import type { TokenSigner } from './tokens.js';
import { REFRESH_TTL_SECONDS, type Role } from './tokens.js';

export interface AuthUser {
  id: string;
  role: Role;
  sessionId: string;
}

export interface AuthServiceOptions {
  loginMaxAttempts: number;
  loginWindowMs: number;
  /** Called with a session id when it is revoked, so open sync sockets of that session can be closed. */
  onSessionRevoked?: (sessionId: string) => void;
}

export class AuthService {
  constructor(
    private readonly db: Database,
    readonly tokens: TokenSigner,
    private readonly options: AuthServiceOptions,
  ) {}

  async register(body: RegisterBody): Promise<AuthResult> {
    const passwordHash = await hashPassword(body.password);
    const id = newId(body.role === 'creator' ? 'cr' : 'fan');
    try {
      await this.db.query(
        `INSERT INTO users (id, role, username, email, password_hash, display_name, bio, categories)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          id,
          body.role,
          body.username,
          body.email.toLowerCase(),
          passwordHash,
          body.displayName,
          body.bio ?? '',
          JSON.stringify(body.categories ?? []),
        ],
      );
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        const field = String((err as { constraint?: string; message?: string }).constraint ?? (err as Error).message);
        throw new ApiError('CONFLICT', 'An account with this username or email already exists.', {
          field: field.includes('email') ? 'email' : 'username',
        });
      }
      throw err;
    }
    return this.startSession({ id, role: body.role, username: body.username });
  }

  async login(body: LoginBody): Promise<AuthResult> {
    const identifier = body.email.toLowerCase();
    await this.takeLoginAttempt(identifier);
    const rows = await this.db.query<{ id: string; role: Role; username: string; password_hash: string }>(
      'SELECT id, role, username, password_hash FROM users WHERE lower(email) = $1',
      [identifier],
    );
    const user = rows[0];
    // Hash even for unknown emails so response time does not reveal which accounts exist.
    const ok = await verifyPassword(body.password, user?.password_hash ?? (await dummyHash()));
    if (!user || !ok) throw new ApiError('INVALID_CREDENTIALS', 'Email or password is incorrect.');
    return this.startSession(user);
  }

  async refresh(refreshToken: string): Promise<AuthResult> {
    const claims = await this.tokens.verifyRefresh(refreshToken);
    const outcome = await this.db.transaction(async (tx) => {
      const rows = await tx.query<{ used: boolean; revoked: boolean; user_id: string; role: Role; username: string }>(
        `SELECT rt.used_at IS NOT NULL AS used, s.revoked_at IS NOT NULL AS revoked, u.id AS user_id, u.role, u.username
           FROM refresh_tokens rt JOIN auth_sessions s ON s.id = rt.session_id JOIN users u ON u.id = s.user_id
          WHERE rt.jti = $1 AND rt.session_id = $2 FOR UPDATE OF rt, s`,
        [claims.jti, claims.sessionId],
      );
      const row = rows[0];
      if (!row || row.user_id !== claims.userId) return { kind: 'unknown' as const };
      if (row.revoked) return { kind: 'revoked' as const };
      if (row.used) {
        await revokeSession(tx, claims.sessionId, 'refresh token reused');
        return { kind: 'reused' as const };
      }
      await tx.query('UPDATE refresh_tokens SET used_at = now() WHERE jti = $1', [claims.jti]);
      const next = await this.issueRefresh(tx, claims.sessionId, claims.userId);
      return { kind: 'ok' as const, user: { id: row.user_id, role: row.role, username: row.username }, refreshToken: next };
    });
    switch (outcome.kind) {
      case 'unknown':
        throw new ApiError('UNAUTHENTICATED', 'The refresh token is not valid.');
      case 'revoked':
        throw new ApiError('UNAUTHENTICATED', 'This session has been revoked; log in again.');
      case 'reused':
        this.options.onSessionRevoked?.(claims.sessionId);
        throw new ApiError(
          'TOKEN_REUSED',
          'This refresh token was already used. The whole session has been revoked; log in again.',
        );
      case 'ok': {
        const accessToken = await this.tokens.signAccess({
          userId: outcome.user.id,
          role: outcome.user.role,
          sessionId: claims.sessionId,
        });
        return { user: outcome.user, accessToken, refreshToken: outcome.refreshToken };
      }
    }
  }

  /**
   * Revokes the session of the access token's user and/or of refreshToken. A refresh token alone is
   * enough (its signature proves possession); with both, the refresh token must belong to the same user.
   */
  async logout(user: AuthUser | null, refreshToken?: string): Promise<void> {
    const sessions = user ? [user.sessionId] : [];
    if (refreshToken) {
      const claims = await this.tokens.verifyRefresh(refreshToken);
      if (user && claims.userId !== user.id) throw new ApiError('FORBIDDEN', 'This refresh token belongs to another account.');
      sessions.push(claims.sessionId);
    }
    for (const sid of new Set(sessions)) {
      await revokeSession(this.db, sid, 'logout');
      this.options.onSessionRevoked?.(sid);
    }
  }

  /** Verifies an access token and that its session is still live. Throws ApiError 401 otherwise. */
  async authenticate(accessToken: string | undefined): Promise<AuthUser> {
    if (!accessToken) throw new ApiError('UNAUTHENTICATED', 'An access token is required.');
    const claims = await this.tokens.verifyAccess(accessToken);
    const rows = await this.db.query<{ revoked: boolean }>(
      'SELECT revoked_at IS NOT NULL AS revoked FROM auth_sessions WHERE id = $1 AND user_id = $2',
      [claims.sessionId, claims.userId],
    );
    if (!rows[0] || rows[0].revoked) throw new ApiError('UNAUTHENTICATED', 'This session has been revoked; log in again.');
    return { id: claims.userId, role: claims.role, sessionId: claims.sessionId };
  }

  private async startSession(user: { id: string; role: Role; username: string }): Promise<AuthResult> {
    const sessionId = newId('ses');
    const refreshToken = await this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO auth_sessions (id, user_id) VALUES ($1, $2)', [sessionId, user.id]);
      return this.issueRefresh(tx, sessionId, user.id);
    });
    const accessToken = await this.tokens.signAccess({ userId: user.id, role: user.role, sessionId });
    return { user: { id: user.id, role: user.role, username: user.username }, accessToken, refreshToken };
  }

  private async issueRefresh(tx: Queryable, sessionId: string, userId: string): Promise<string> {
    const jti = newId('rt');
    await tx.query(
      `INSERT INTO refresh_tokens (jti, session_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
      [jti, sessionId, REFRESH_TTL_SECONDS],
    );
    return this.tokens.signRefresh({ userId, sessionId, jti });
  }

  /** Sliding window: at most loginMaxAttempts per identifier per loginWindowMs, counted in the database. */
  private async takeLoginAttempt(identifier: string): Promise<void> {
    const { loginMaxAttempts: max, loginWindowMs: windowMs } = this.options;
    const retryAfter = await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [identifier]);
      // Computed in SQL so the database clock alone decides (no skew with a remote PostgreSQL).
      const rows = await tx.query<{ n: number; retry_after: number | null }>(
        `SELECT count(*)::int AS n,
                ceil(extract(epoch FROM (min(attempted_at) + make_interval(secs => $2) - now())))::int AS retry_after
           FROM login_attempts WHERE identifier = $1 AND attempted_at > now() - make_interval(secs => $2)`,
        [identifier, windowMs / 1000],
      );
      const { n, retry_after } = rows[0] ?? { n: 0, retry_after: null };
      if (n >= max) return Math.max(1, retry_after ?? 1);
      await tx.query('INSERT INTO login_attempts (identifier) VALUES ($1)', [identifier]);
      // Old rows are useless; trim them so the table stays small.
      await tx.query(
        `DELETE FROM login_attempts WHERE identifier = $1 AND attempted_at <= now() - make_interval(secs => $2)`,
        [identifier, windowMs / 1000],
      );
      return 0;
    });
    if (retryAfter > 0) {
      throw new ApiError(
        'RATE_LIMITED',
        `Too many login attempts for this account; try again in ${retryAfter} seconds.`,
        { retryAfterSeconds: retryAfter },
        { 'retry-after': String(retryAfter) },
      );
    }
  }
}

async function revokeSession(q: Queryable, sessionId: string, reason: string): Promise<void> {
  await q.query('UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL', [
    sessionId,
    reason,
  ]);
}
