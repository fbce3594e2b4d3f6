// Accounts and sessions: register, login (throttled per (email, IP) and per IP, login-limits.ts), refresh-token
// rotation with reuse detection, logout, and turning an access token into an authenticated user. A session
// is a refresh-token family: reusing an already-rotated refresh token revokes the session, which also
// invalidates its access tokens, except inside a short grace window after the rotation, where concurrent
// refreshes (two tabs, a retried request) get the same rotated pair. Password hashing is bounded
// (hash-limiter.ts).
import type { Database, Queryable } from '../db/database.js';
import { ApiError } from '../errors.js';
import { newId } from '@fanz/core';
import type { HashClientSlots } from './hash-client-slots.js';
import { HashLimiter } from './hash-limiter.js';
import { LoginLimits, type LoginLimitOptions } from './login-limits.js';
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
  loginIpMaxFailures?: number;
  loginBackoffBaseMs?: number;
  loginBackoffMaxMs?: number;
  passwordHashConcurrency?: number;
  passwordHashQueue?: number;
  /** Hashes one client IP may have running or queued at once. */
  passwordHashPerIp?: number;
  /** Where that per-IP count lives (Redis with several instances); in memory by default. */
  passwordHashSlots?: HashClientSlots;
  /** A spent refresh token presented again within this window returns the same rotated pair. */
  refreshGraceMs?: number;
  /** Called with a session id when it is revoked, so open sync sockets of that session can be closed. */
  onSessionRevoked?: (sessionId: string) => void;
  /**
   * How long a session found live is trusted without asking the database again (default 5000 ms; 0 asks
   * on every request). A revocation through this instance takes effect at once; one made by another
   * instance sharing the database is honoured within this time.
   */
  sessionCheckCacheMs?: number;
}

export class AuthService {
  private readonly hashing: HashLimiter;
  private readonly limits: LoginLimits;
  private readonly graceMs: number;
  /** Refreshes of the last graceMs by the refresh token's jti: concurrent callers share one rotation. */
  private readonly recentRefreshes = new Map<string, { result: Promise<AuthResult>; until: number }>();
  /** Sessions found live, by id, until when that answer is trusted (an upload sends hundreds of requests). */
  private readonly liveSessions = new Map<string, number>();
  /** Counts revocations here, so a check that raced one does not cache its stale "live". */
  private revocations = 0;
  private readonly sessionCacheMs: number;

  constructor(
    private readonly db: Database,
    readonly tokens: TokenSigner,
    private readonly options: AuthServiceOptions,
  ) {
    this.hashing = new HashLimiter(options.passwordHashConcurrency ?? 2, options.passwordHashQueue ?? 64, options.passwordHashPerIp ?? Infinity, options.passwordHashSlots);
    const limits: LoginLimitOptions = {
      maxFailures: options.loginMaxAttempts,
      windowMs: options.loginWindowMs,
      ipMaxFailures: options.loginIpMaxFailures ?? 100,
      backoffBaseMs: options.loginBackoffBaseMs ?? 1000,
      backoffMaxMs: options.loginBackoffMaxMs ?? options.loginWindowMs,
    };
    this.limits = new LoginLimits(db, limits);
    this.graceMs = options.refreshGraceMs ?? 10_000;
    this.sessionCacheMs = options.sessionCheckCacheMs ?? 5000;
  }

  private sessionRevoked(sessionId: string): void {
    this.forgetSession(sessionId);
    this.options.onSessionRevoked?.(sessionId);
  }

  /** Another instance revoked this session: stop trusting the cached "live" (auth/session-revocation-relay.ts). */
  forgetSession(sessionId: string): void {
    this.revocations++;
    this.liveSessions.delete(sessionId);
  }

  async register(body: RegisterBody, ip?: string): Promise<AuthResult> {
    const passwordHash = await this.hashing.run(() => hashPassword(body.password), ip);
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

  /** `ip` is the client address (req.ip); failures are throttled per (email, ip) and per ip. */
  async login(body: LoginBody, ip = 'unknown'): Promise<AuthResult> {
    const email = body.email.toLowerCase();
    await this.limits.check(email, ip);
    const rows = await this.db.query<{ id: string; role: Role; username: string; password_hash: string }>(
      'SELECT id, role, username, password_hash FROM users WHERE lower(email) = $1',
      [email],
    );
    const user = rows[0];
    // Hash even for unknown emails so response time does not reveal which accounts exist.
    const stored = user?.password_hash ?? (await dummyHash());
    const ok = await this.hashing.run(() => verifyPassword(body.password, stored), ip);
    if (!user || !ok) {
      await this.limits.recordFailure(email, ip);
      throw new ApiError('INVALID_CREDENTIALS', 'Email or password is incorrect.');
    }
    await this.limits.recordSuccess(email, ip);
    return this.startSession(user);
  }

  async refresh(refreshToken: string): Promise<AuthResult> {
    const claims = await this.tokens.verifyRefresh(refreshToken);
    const now = Date.now();
    for (const [jti, r] of this.recentRefreshes) {
      if (r.until > now) break;
      this.recentRefreshes.delete(jti);
    }
    const recent = this.recentRefreshes.get(claims.jti);
    if (recent && recent.until > now) return recent.result;
    const result = this.rotate(claims);
    this.recentRefreshes.set(claims.jti, { result, until: now + this.graceMs });
    // A refusal is not shared: the next caller is judged afresh.
    result.catch(() => this.recentRefreshes.delete(claims.jti));
    return result;
  }

  private async rotate(claims: { userId: string; sessionId: string; jti: string }): Promise<AuthResult> {
    const outcome = await this.db.transaction(async (tx) => {
      const rows = await tx.query<{ used: boolean; in_grace: boolean; successor: string | null; successor_unused: boolean | null; revoked: boolean; user_id: string; role: Role; username: string }>(
        `SELECT rt.used_at IS NOT NULL AS used, rt.used_at > now() - make_interval(secs => $3) AS in_grace, rt.replaced_by AS successor,
                (SELECT n.used_at IS NULL FROM refresh_tokens n WHERE n.jti = rt.replaced_by) AS successor_unused,
                s.revoked_at IS NOT NULL AS revoked, u.id AS user_id, u.role, u.username
           FROM refresh_tokens rt JOIN auth_sessions s ON s.id = rt.session_id JOIN users u ON u.id = s.user_id
          WHERE rt.jti = $1 AND rt.session_id = $2 FOR UPDATE OF rt, s`,
        [claims.jti, claims.sessionId, this.graceMs / 1000],
      );
      const row = rows[0];
      if (!row || row.user_id !== claims.userId) return { kind: 'unknown' as const };
      if (row.revoked) return { kind: 'revoked' as const };
      const user = { id: row.user_id, role: row.role, username: row.username };
      if (row.used) {
        // Another instance rotated it a moment ago and its successor is still unspent: the same refresh token again.
        if (row.in_grace && row.successor && row.successor_unused) {
          return { kind: 'ok' as const, user, refreshToken: await this.tokens.signRefresh({ userId: claims.userId, sessionId: claims.sessionId, jti: row.successor }) };
        }
        await revokeSession(tx, claims.sessionId, 'refresh token reused');
        return { kind: 'reused' as const };
      }
      const jti = newId('rt');
      await tx.query('UPDATE refresh_tokens SET used_at = now(), replaced_by = $2 WHERE jti = $1', [claims.jti, jti]);
      const next = await this.issueRefresh(tx, claims.sessionId, claims.userId, jti);
      return { kind: 'ok' as const, user, refreshToken: next };
    });
    switch (outcome.kind) {
      case 'unknown':
        throw new ApiError('UNAUTHENTICATED', 'The refresh token is not valid.');
      case 'revoked':
        throw new ApiError('UNAUTHENTICATED', 'This session has been revoked; log in again.');
      case 'reused':
        this.sessionRevoked(claims.sessionId);
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
      this.sessionRevoked(sid);
    }
  }

  /** Verifies an access token and that its session is still live. Throws ApiError 401 otherwise. */
  async authenticate(accessToken: string | undefined): Promise<AuthUser> {
    if (!accessToken) throw new ApiError('UNAUTHENTICATED', 'An access token is required.');
    const claims = await this.tokens.verifyAccess(accessToken);
    const user = { id: claims.userId, role: claims.role, sessionId: claims.sessionId };
    // The cache is keyed by session id only: the token's signature (checked above) binds user and session.
    const now = Date.now();
    if ((this.liveSessions.get(claims.sessionId) ?? 0) > now) return user;
    const epoch = this.revocations;
    const rows = await this.db.query<{ revoked: boolean }>(
      'SELECT revoked_at IS NOT NULL AS revoked FROM auth_sessions WHERE id = $1 AND user_id = $2',
      [claims.sessionId, claims.userId],
    );
    if (!rows[0] || rows[0].revoked) throw new ApiError('UNAUTHENTICATED', 'This session has been revoked; log in again.');
    if (this.sessionCacheMs > 0 && epoch === this.revocations) {
      if (this.liveSessions.size >= 10_000) for (const [id, until] of this.liveSessions) if (until <= now) this.liveSessions.delete(id);
      this.liveSessions.set(claims.sessionId, now + this.sessionCacheMs);
    }
    return user;
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

  private async issueRefresh(tx: Queryable, sessionId: string, userId: string, jti = newId('rt')): Promise<string> {
    await tx.query(
      `INSERT INTO refresh_tokens (jti, session_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
      [jti, sessionId, REFRESH_TTL_SECONDS],
    );
    return this.tokens.signRefresh({ userId, sessionId, jti });
  }
}

async function revokeSession(q: Queryable, sessionId: string, reason: string): Promise<void> {
  await q.query('UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL', [
    sessionId,
    reason,
  ]);
}
