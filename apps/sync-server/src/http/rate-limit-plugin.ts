// Registers @fastify/rate-limit once per server, with its counters in Redis when the server runs as several
// instances (REDIS_URL) and in this process's memory otherwise. The auth routes' per-IP limit and the API
// key limits both hang off this one registration (the plugin decorates the root instance once).
//
// In Redis the plugin's own store counts with one Lua script per hit (INCR, PEXPIRE on the first hit of a
// window, PTTL otherwise), so every instance sees one counter with one window: the same fixed-window
// semantics as the local store. While Redis is unreachable a hit is let through (skipOnError) rather than
// failing every sign-in: the per-account login throttling lives in PostgreSQL and still holds. The counters
// use a connection of their own without ioredis' offline queue, so during an outage a request is let
// through at once instead of waiting out the reconnect attempts (~15 s) first.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { RedisConnections } from '../redis/redis-connections.js';

export async function registerRateLimit(app: FastifyInstance, redis: RedisConnections | null): Promise<void> {
  if (app.hasDecorator('createRateLimit')) return;
  let counters: Redis | null = null;
  if (redis) {
    counters = redis.dedicated('rate-limit');
    counters.options.enableOfflineQueue = false; // read per command by ioredis: fail fast while disconnected
  }
  await app.register(rateLimit, {
    global: false,
    ...(counters && redis ? { redis: counters, nameSpace: redis.key('rate-limit', ''), skipOnError: true } : {}),
  });
}
