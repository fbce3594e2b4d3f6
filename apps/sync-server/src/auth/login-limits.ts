// Login throttling that cannot be turned against an account's owner. Failures are counted per
// (email, client IP): after `maxFailures` within the window that pair is blocked for base * 2^k (k = failures
// beyond the limit), capped; a success clears it. Separately each client IP may fail `ipMaxFailures` times
// per window whatever the email (password spraying). A wrong password from elsewhere therefore never blocks
// the owner's own address. All counting happens in the database, so every instance and restart agrees.
import type { Database } from '../db/database.js';
import { ApiError } from '../errors.js';

export interface LoginLimitOptions {
  maxFailures: number;
  windowMs: number;
  ipMaxFailures: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

function limited(seconds: number, message: string): ApiError {
  const s = Math.max(1, seconds);
  return new ApiError('RATE_LIMITED', message.replace('{s}', String(s)), { retryAfterSeconds: s }, { 'retry-after': String(s) });
}

export class LoginLimits {
  constructor(
    private readonly db: Database,
    private readonly o: LoginLimitOptions,
  ) {}

  /** Throws 429 RATE_LIMITED (with Retry-After) when this email from this IP, or this IP, must wait. */
  async check(email: string, ip: string): Promise<void> {
    const windowSecs = this.o.windowMs / 1000;
    // Computed in SQL so the database clock alone decides (no skew with a remote PostgreSQL).
    const rows = await this.db.query<{ pair_wait: number | null; ip_failures: number; ip_wait: number | null }>(
      `SELECT (SELECT ceil(extract(epoch FROM (blocked_until - now())) * 1000)::int FROM login_failures
                WHERE email = $1 AND ip = $2 AND blocked_until > now()) AS pair_wait,
              (SELECT count(*)::int FROM login_attempts WHERE identifier = $3 AND attempted_at > now() - make_interval(secs => $4)) AS ip_failures,
              (SELECT ceil(extract(epoch FROM (min(attempted_at) + make_interval(secs => $4) - now())))::int FROM login_attempts
                WHERE identifier = $3 AND attempted_at > now() - make_interval(secs => $4)) AS ip_wait`,
      [email, ip, `ip:${ip}`, windowSecs],
    );
    const r = rows[0]!;
    if (r.pair_wait !== null && r.pair_wait > 0) {
      throw limited(Math.ceil(r.pair_wait / 1000), 'Too many failed logins for this account from your address; try again in {s} seconds.');
    }
    if (r.ip_failures >= this.o.ipMaxFailures) {
      throw limited(r.ip_wait ?? 1, 'Too many failed logins from your address; try again in {s} seconds.');
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const { maxFailures, windowMs, backoffBaseMs, backoffMaxMs } = this.o;
    await this.db.transaction(async (tx) => {
      // A failure after a quiet window starts the count again.
      const rows = await tx.query<{ failures: number }>(
        `INSERT INTO login_failures (email, ip, failures, last_failure_at) VALUES ($1, $2, 1, now())
         ON CONFLICT (email, ip) DO UPDATE SET
           failures = CASE WHEN login_failures.last_failure_at < now() - make_interval(secs => $3) THEN 1 ELSE login_failures.failures + 1 END,
           last_failure_at = now()
         RETURNING failures`,
        [email, ip, windowMs / 1000],
      );
      const failures = rows[0]!.failures;
      if (failures >= maxFailures) {
        const ms = Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.min(30, failures - maxFailures));
        await tx.query(`UPDATE login_failures SET blocked_until = now() + make_interval(secs => $3) WHERE email = $1 AND ip = $2`, [email, ip, ms / 1000]);
      }
      await tx.query('INSERT INTO login_attempts (identifier) VALUES ($1)', [`ip:${ip}`]);
      // Old rows are useless; trim them so the tables stay small.
      await tx.query(`DELETE FROM login_attempts WHERE identifier = $1 AND attempted_at <= now() - make_interval(secs => $2)`, [`ip:${ip}`, windowMs / 1000]);
    });
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.db.query('DELETE FROM login_failures WHERE email = $1 AND ip = $2', [email, ip]);
  }
}
