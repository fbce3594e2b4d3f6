// Idempotency keys for money-moving POSTs (the Stripe model). The first request with a key owns it and
// runs; its response is stored in the same DB transaction as its money movement. A retry with the same key
// and the same request gets the stored response; with a different request, 409. Requests that arrive while
// the first one still runs wait for it (in-process first, then by polling the row for other instances).
// A key whose owner died mid-request (no response after staleMs) can be taken over: gateways are
// idempotent on the same key, so re-running cannot charge twice.
import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from '@fanz/core';
import type { Database, Queryable } from '../db/database.js';
import { ApiError, type ErrorCode } from '../errors.js';

export interface StoredResponse {
  status: number;
  data?: unknown;
  error?: { code: ErrorCode; message: string; details?: unknown };
}

/** A key this request owns: what complete() and abandon() need. */
export interface OwnedKey {
  userId: string;
  key: string;
  token: string;
}

export type Claim = { owner: true; token: string; release: () => void } | { owner: false; response: StoredResponse };

const KEY_RE = /^[\x21-\x7e]{1,255}$/;

/** Resolves when `until` settles or after ms, whichever is first, without leaving a timer behind. */
function wait(ms: number, until?: Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void until?.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function requestHash(scope: string, body: unknown): string {
  return createHash('sha256').update(canonicalJson({ scope, body })).digest('hex');
}

/** Reads and checks the Idempotency-Key header; undefined when absent. */
export function idempotencyKeyFrom(headers: Record<string, string | string[] | undefined>): string | undefined {
  const raw = headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || !KEY_RE.test(key)) {
    throw new ApiError('VALIDATION_ERROR', 'Idempotency-Key must be 1-255 printable ASCII characters.', { header: 'Idempotency-Key' });
  }
  return key;
}

export function replay(response: StoredResponse): unknown {
  if (response.error) throw new ApiError(response.error.code, response.error.message, response.error.details);
  return response.data;
}

export class IdempotencyStore {
  private readonly local = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly options: { waitMs: number; staleMs: number },
  ) {}

  async claim(userId: string, key: string, hash: string): Promise<Claim> {
    const deadline = Date.now() + this.options.waitMs;
    const localKey = `${userId}\u0000${key}`;
    const token = randomBytes(12).toString('base64url');
    for (;;) {
      const inserted = await this.db.query(
        `INSERT INTO idempotency_keys (user_id, key, request_hash, status, owner) VALUES ($1, $2, $3, 'started', $4)
         ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
        [userId, key, hash, token],
      );
      if (inserted.length === 0) {
        const rows = await this.db.query<{ request_hash: string; status: string; response_body: string | null; stale: boolean }>(
          `SELECT request_hash, status, response_body, locked_at < now() - ($3::int * interval '1 millisecond') AS stale
             FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
          [userId, key, this.options.staleMs],
        );
        const row = rows[0];
        if (!row) continue; // released between our insert and select: try again
        if (row.request_hash !== hash) {
          throw new ApiError('CONFLICT', 'This Idempotency-Key was already used with a different request.', { header: 'Idempotency-Key' });
        }
        if (row.status === 'completed') return { owner: false, response: JSON.parse(row.response_body!) as StoredResponse };
        const takenOver = row.stale
          ? await this.db.query(
              `UPDATE idempotency_keys SET locked_at = now(), owner = $4 WHERE user_id = $1 AND key = $2 AND status = 'started'
                 AND locked_at < now() - ($3::int * interval '1 millisecond') RETURNING key`,
              [userId, key, this.options.staleMs, token],
            )
          : [];
        if (takenOver.length === 0) {
          const left = deadline - Date.now();
          if (left <= 0) {
            throw new ApiError('CONFLICT', 'A request with this Idempotency-Key is still being processed; retry later.', {
              header: 'Idempotency-Key',
            });
          }
          // Wait for the owner: in this process, until it finishes; otherwise poll the row.
          const running = this.local.get(localKey);
          await (running ? wait(left, running) : wait(25));
          continue;
        }
      }
      let release!: () => void;
      const mine = new Promise<void>((r) => (release = r));
      this.local.set(localKey, mine);
      return {
        owner: true,
        token,
        release: () => {
          if (this.local.get(localKey) === mine) this.local.delete(localKey);
          release();
        },
      };
    }
  }

  /**
   * Stores the response (call inside the transaction that moves the money). Throws if this request no longer
   * owns the key (it was taken over as stale), which rolls that transaction back: the new owner records it.
   */
  async complete(q: Queryable, claim: OwnedKey, response: StoredResponse): Promise<void> {
    const rows = await q.query(
      `UPDATE idempotency_keys SET status = 'completed', response_status = $4, response_body = $5
        WHERE user_id = $1 AND key = $2 AND owner = $3 AND status = 'started' RETURNING key`,
      [claim.userId, claim.key, claim.token, response.status, JSON.stringify(response)],
    );
    if (rows.length === 0) {
      throw new ApiError('CONFLICT', 'This request took too long and another request with the same Idempotency-Key took over; retry to see its result.');
    }
  }

  /** Deletes keys older than maxAgeMs (a retry after that is a new request); returns how many. */
  async prune(maxAgeMs: number): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM idempotency_keys WHERE created_at < now() - ($1::bigint * interval '1 millisecond') RETURNING key`,
      [maxAgeMs],
    );
    return rows.length;
  }

  /** Forgets a key whose request failed without a definite outcome, so the client may retry it. */
  async abandon(claim: OwnedKey): Promise<void> {
    await this.db.query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND owner = $3 AND status = 'started'`, [
      claim.userId,
      claim.key,
      claim.token,
    ]);
  }
}
