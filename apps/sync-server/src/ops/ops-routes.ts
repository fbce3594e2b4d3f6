// Operational endpoints outside /api/v1: /health (DESIGN.md shape), /ready (for load balancers: 503 while
// shutting down or while PostgreSQL, or Redis in multi-instance mode, does not answer), /metrics.
// /metrics reveals traffic and internals: with METRICS_TOKEN it wants `Authorization: Bearer <token>`,
// without one it answers loopback clients only (a scraper on the same host or a sidecar).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import type { Database } from '../db/database.js';
import type { Metrics } from '../metrics.js';
import type { RedisConnections } from '../redis/redis-connections.js';

export interface OpsState {
  db: Database;
  metrics: Metrics;
  isShuttingDown: () => boolean;
  sync: () => { loadedDocs: number; openSockets: number };
  metricsToken?: string;
  /** Multi-instance mode (REDIS_URL): /ready also wants Redis to answer. */
  redis?: RedisConnections | null;
}

/** A readiness probe must answer quickly: a check that has not answered within this counts as down. */
const PROBE_DEADLINE_MS = 2000;

function withinDeadline(check: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_DEADLINE_MS)));
  return Promise.race([check.catch(() => false), late]).finally(() => clearTimeout(timer));
}

async function redisUp(redis: RedisConnections): Promise<boolean> {
  // While disconnected ioredis would queue the PING until it reconnects; the status says "down" at once.
  if (redis.commands.status !== 'ready') return false;
  return (await redis.commands.ping()) === 'PONG';
}

function isLoopback(ip: string): boolean {
  return /^127\./.test(ip) || ip === '::1' || /^::ffff:127\./.test(ip);
}

function checkMetricsAccess(req: FastifyRequest, token: string | undefined): void {
  if (token === undefined) {
    if (!isLoopback(req.ip)) throw new ApiError('FORBIDDEN', '/metrics answers loopback clients only; set METRICS_TOKEN to scrape it from elsewhere.');
    return;
  }
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ApiError('UNAUTHENTICATED', '/metrics needs Authorization: Bearer <METRICS_TOKEN>.');
  }
}

async function databaseUp(db: Database): Promise<boolean> {
  try {
    await db.query('SELECT 1 FROM schema_migrations LIMIT 1');
    return true;
  } catch {
    return false;
  }
}

// Registered on Fastify, not the RouteTable: the table answers in the JSON envelope with the route's fixed status.
export function opsRoutes(app: FastifyInstance, s: OpsState): void {
  app.get('/health', async (_req, reply) => {
    const dbUp = await databaseUp(s.db);
    const healthy = dbUp && !s.isShuttingDown();
    reply.status(healthy ? 200 : 503);
    return {
      status: healthy ? 'healthy' : 'unhealthy',
      services: [
        { name: 'database', status: dbUp ? 'healthy' : 'unhealthy', engine: s.db.kind },
        { name: 'sync', status: s.isShuttingDown() ? 'stopping' : 'healthy', ...s.sync() },
      ],
    };
  });
  app.get('/ready', async (_req, reply) => {
    const redis = s.redis;
    const [dbUp, redisOk] = await Promise.all([withinDeadline(databaseUp(s.db)), redis ? withinDeadline(redisUp(redis)) : null]);
    const ready = !s.isShuttingDown() && dbUp && redisOk !== false;
    reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready', database: dbUp ? 'up' : 'down', ...(redisOk === null ? {} : { redis: redisOk ? 'up' : 'down' }) };
  });
  app.get('/metrics', async (req, reply) => {
    checkMetricsAccess(req, s.metricsToken);
    reply.header('content-type', s.metrics.registry.contentType);
    return s.metrics.registry.metrics();
  });
}
