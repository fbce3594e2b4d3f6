// Request limits for API keys with @fastify/rate-limit: each key gets apiKeyPerHour requests per hour, and all
// keys of one creator together get userPerHour (so minting more keys does not multiply the allowance).
// Answers carry the IETF draft headers (draft-ietf-httpapi-ratelimit-headers: RateLimit-Limit,
// RateLimit-Remaining, RateLimit-Reset, the names the plugin's enableDraftSpec uses) for the tighter of the
// two, and a refusal is the normal envelope: 429 RATE_LIMITED with Retry-After. The counters live in Redis
// with REDIS_URL (every instance counts against one allowance) and in this process's memory otherwise
// (http/rate-limit-plugin.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import { registerRateLimit } from '../http/rate-limit-plugin.js';
import type { RedisConnections } from '../redis/redis-connections.js';

const HOUR_MS = 3_600_000;

interface Outcome {
  max: number;
  remaining: number;
  ttlInSeconds: number;
  isExceeded: boolean;
}
type Limiter = (req: FastifyRequest) => Promise<Outcome>;

export interface KeyRateLimit {
  /** Counts one request of this key (of this creator); throws 429 past either limit. */
  check(req: FastifyRequest, reply: FastifyReply, caller: { keyId: string; userId: string }): Promise<void>;
}

export async function installKeyRateLimit(
  app: FastifyInstance,
  o: { apiKeyPerHour: number; userPerHour: number; windowMs?: number; redis?: RedisConnections | null },
): Promise<KeyRateLimit> {
  // The auth routes may have registered the plugin already (it decorates the root instance once).
  await registerRateLimit(app, o.redis ?? null);
  const who = new WeakMap<FastifyRequest, string>();
  const make = (max: number, prefix: string): Limiter | null =>
    max > 0
      ? (app.createRateLimit({ max, timeWindow: o.windowMs ?? HOUR_MS, keyGenerator: (req: FastifyRequest) => prefix + who.get(req) }) as unknown as Limiter)
      : null;
  const perKey = make(o.apiKeyPerHour, 'key:');
  const perUser = make(o.userPerHour, 'user:');

  return {
    async check(req, reply, caller) {
      const results: Outcome[] = [];
      if (perKey) {
        who.set(req, caller.keyId);
        results.push(await perKey(req));
      }
      if (perUser) {
        who.set(req, caller.userId);
        results.push(await perUser(req));
      }
      if (!results.length) return;
      const exceeded = results.filter((r) => r.isExceeded).sort((a, b) => b.ttlInSeconds - a.ttlInSeconds)[0];
      const shown = exceeded ?? results.sort((a, b) => a.remaining - b.remaining)[0]!;
      reply.header('ratelimit-limit', String(shown.max));
      reply.header('ratelimit-remaining', String(exceeded ? 0 : shown.remaining));
      reply.header('ratelimit-reset', String(shown.ttlInSeconds));
      if (exceeded) {
        const seconds = Math.max(1, exceeded.ttlInSeconds);
        throw new ApiError(
          'RATE_LIMITED',
          `This API key has used its ${exceeded.max} requests for this hour; try again in ${seconds} seconds.`,
          { limit: exceeded.max, retryAfterSeconds: seconds },
          { 'retry-after': String(seconds) },
        );
      }
    },
  };
}
