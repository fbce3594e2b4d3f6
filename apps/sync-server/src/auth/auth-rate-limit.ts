// Per-IP request limit on /api/v1/auth/* (register, login, refresh, logout) with @fastify/rate-limit, in
// front of the per-account login throttling: it bounds how fast one address can even ask. The refusal is a
// normal envelope (429 RATE_LIMITED + Retry-After). max 0 turns it off (tests and e2e runs that sign in
// repeatedly from 127.0.0.1 set their own numbers through ServerConfig). With REDIS_URL the counter is
// shared by every instance (http/rate-limit-plugin.ts).
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import { registerRateLimit } from '../http/rate-limit-plugin.js';
import type { RedisConnections } from '../redis/redis-connections.js';

const AUTH_PREFIX = '/api/v1/auth/';

export async function installAuthRateLimit(app: FastifyInstance, o: { max: number; windowMs: number; redis?: RedisConnections | null }): Promise<void> {
  if (o.max <= 0) return;
  await registerRateLimit(app, o.redis ?? null);
  const limit = app.rateLimit({
    max: o.max,
    timeWindow: o.windowMs,
    keyGenerator: (req) => req.ip,
    errorResponseBuilder: (_req, ctx) => {
      const seconds = Math.max(1, Math.ceil(ctx.ttl / 1000));
      return new ApiError('RATE_LIMITED', `Too many requests to the sign-in routes from your address; try again in ${seconds} seconds.`, { retryAfterSeconds: seconds }, { 'retry-after': String(seconds) });
    },
  });
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith(AUTH_PREFIX)) await limit.call(app, req, reply);
  });
}
