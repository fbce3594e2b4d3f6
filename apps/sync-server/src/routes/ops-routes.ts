// Operational endpoints outside /api/v1: /health (DESIGN.md shape), /ready (for load balancers), /metrics.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.js';
import type { Metrics } from '../metrics.js';

export interface OpsState {
  db: Database;
  metrics: Metrics;
  isShuttingDown: () => boolean;
  sync: () => { loadedDocs: number; openSockets: number };
}

async function databaseUp(db: Database): Promise<boolean> {
  try {
    await db.query('SELECT 1 FROM schema_migrations LIMIT 1');
    return true;
  } catch {
    return false;
  }
}

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
    const ready = !s.isShuttingDown() && (await databaseUp(s.db));
    reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready' };
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', s.metrics.registry.contentType);
    return s.metrics.registry.metrics();
  });
}
