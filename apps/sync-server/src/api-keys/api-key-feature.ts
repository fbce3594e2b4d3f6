// Wires API keys into the server: the service, the per-key/per-creator limits, the routes, and the hook by
// which the RouteTable authenticates `Authorization: Bearer fanz_sk_...`.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.js';
import type { RouteTable } from '../http/routes.js';
import type { RedisConnections } from '../redis/redis-connections.js';
import { apiKeyRoutes } from './api-key-routes.js';
import { ApiKeyService } from './api-key-service.js';
import { installKeyRateLimit } from './key-rate-limit.js';

export async function installApiKeys(
  app: FastifyInstance,
  routes: RouteTable,
  o: { db: Database; apiKeyPerHour: number; userPerHour: number; redis?: RedisConnections | null },
): Promise<ApiKeyService> {
  const keys = new ApiKeyService(o.db);
  const limit = await installKeyRateLimit(app, { apiKeyPerHour: o.apiKeyPerHour, userPerHour: o.userPerHour, redis: o.redis });
  routes.useApiKeys({
    authenticate: (secret) => keys.authenticate(secret),
    countRequest: (req, reply, caller) => limit.check(req, reply, { keyId: caller.keyId, userId: caller.user.id }),
  });
  apiKeyRoutes(routes, keys);
  return keys;
}
