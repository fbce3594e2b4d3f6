// Builds one server instance from a config: database (+ migrations), auth, HTTP routes, Yjs sync.
// Tests build several in one process; src/main.ts builds one and wires process signals.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import cors from '@fastify/cors';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import { installApiKeys } from './api-keys/api-key-feature.js';
import { installAuthRateLimit } from './auth/auth-rate-limit.js';
import { AuthService } from './auth/auth-service.js';
import { TokenSigner } from './auth/tokens.js';
import type { ServerConfig } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { newId } from './ids.js';
import { installEnvelope } from './http/envelope.js';
import { buildOpenApi } from './http/openapi.js';
import { RouteTable } from './http/routes.js';
import { ApiError } from './errors.js';
import { createMetrics, type Metrics } from './metrics.js';
import { authRoutes } from './auth/auth-routes.js';
import { deviceRoutes } from './devices/device-routes.js';
import { opsRoutes } from './ops/ops-routes.js';
import { DocManager } from './sync/doc-manager.js';
import { DocStore } from './sync/doc-store.js';
import { createMoneyServices, type MoneyServices } from './money/money-services.js';
import { SyncEndpoint } from './sync/sync-endpoint.js';
import { RedisDocRelay } from './sync/redis-doc-relay.js';
import { openRedis, type RedisConnections } from './redis/redis-connections.js';
import { RedisHashClientSlots } from './auth/hash-client-slots.js';
import { SessionRevocationRelay } from './auth/session-revocation-relay.js';
import { PostScheduler } from './scheduler/post-scheduler.js';
import { catalogRoutes } from './catalog/catalog-routes.js';
import { createMediaFeature, type MediaFeature } from './media/media-feature.js';
import { VR_PATH_PREFIX } from './vr/relay/relay-endpoint.js';
import { createVrFeature, type VrFeature, type VrFeatureOptions } from './vr/vr-feature.js';
import { createAnalyticsFeature, type AnalyticsFeature } from './analytics/analytics-feature.js';
import { creatorRoutes } from './creators/creator-routes.js';
import { fanLibraryRoutes } from './fan-library/fan-library-routes.js';
import { DEFAULT_FAN_WEB_DIR, serveFanWeb } from './fan-web/static-site.js';
import { updateRoutes } from './updates/update-routes.js';
import { openReleaseFiles } from './updates/release-files.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface FanzServer {
  app: FastifyInstance;
  db: Database;
  auth: AuthService;
  docs: DocManager;
  /** Publishes scheduled posts at their time (scheduler/post-scheduler.ts). */
  scheduler: PostScheduler;
  metrics: Metrics;
  /** Payments, payouts, the transparency log and webhooks. */
  money: MoneyServices;
  /** Media uploads (tus), storage and playback (media/media-feature.ts). */
  media: MediaFeature;
  /** VR meetups: experiences, tickets and the relay at /vr/ (vr/vr-feature.ts). */
  vr: VrFeature;
  /** Creator insights, rollup export and the weekly summary webhook (analytics/analytics-feature.ts). */
  analytics: AnalyticsFeature;
  /** Multi-instance mode (REDIS_URL): the shared Redis connections (redis/redis-connections.ts); else null. */
  redis: RedisConnections | null;
  /** Starts listening; resolves to the base URL (http://host:port). */
  listen(): Promise<string>;
  /** Graceful stop: refuse new work, close sockets, flush documents, close the database. */
  close(): Promise<void>;
}

export interface BuildOptions {
  /** A pino logger, or false for silence (tests). Defaults to JSON logs at config.logLevel. */
  logger?: Logger | false;
  /** The fan web app's build output (default apps/fan-web/dist); served at / when it exists. */
  fanWebDir?: string;
  /** VR relay limits and clock (tests). */
  vr?: VrFeatureOptions;
}

/** Strips the query string's token (sync URLs carry one) so it never reaches the logs. */
function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token)=)[^&]*/gi, '$1[redacted]');
}

async function jwtSecret(db: Database, configured?: string): Promise<Uint8Array> {
  if (configured) return new TextEncoder().encode(configured);
  // Generated once per database and shared by every instance that uses it, so tokens survive restarts.
  await db.query(`INSERT INTO server_secrets (name, value) VALUES ('jwt', $1) ON CONFLICT (name) DO NOTHING`, [
    randomBytes(32),
  ]);
  const rows = await db.query<{ value: Uint8Array }>(`SELECT value FROM server_secrets WHERE name = 'jwt'`);
  return new Uint8Array(rows[0]!.value);
}

export async function buildServer(config: ServerConfig, options: BuildOptions = {}): Promise<FanzServer> {
  const log: Logger =
    options.logger === false
      ? pino({ level: 'silent' })
      : (options.logger ??
        pino({
          level: config.logLevel,
          redact: { paths: ['req.headers.authorization', '*.password', '*.refreshToken', '*.accessToken'], censor: '[redacted]' },
        }));

  // Also refused in loadConfig; repeated here for configs built in code (tests, benchmarks).
  if (config.redisUrl && !config.databaseUrl) throw new Error('REDIS_URL needs DATABASE_URL: PGlite cannot be shared by several instances');
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, schema: config.databaseSchema });
  let endpoint: SyncEndpoint | null = null;
  let docs: DocManager | null = null;
  let redis: RedisConnections | null = null;
  let revocations: SessionRevocationRelay | null = null;
  try {
    const applied = await migrate(db);
    if (applied.length) log.info({ applied, engine: db.kind }, 'database migrations applied');
    if (config.redisUrl) redis = await openRedis({ url: config.redisUrl, keyPrefix: config.redisKeyPrefix, log: log.child({ component: 'redis' }) });

    const auth = new AuthService(db, new TokenSigner(await jwtSecret(db, config.jwtSecret)), {
      loginMaxAttempts: config.loginMaxAttempts,
      loginWindowMs: config.loginWindowMs,
      loginIpMaxFailures: config.loginIpMaxFailures,
      loginBackoffBaseMs: config.loginBackoffBaseMs,
      loginBackoffMaxMs: config.loginBackoffMaxMs,
      passwordHashConcurrency: config.passwordHashConcurrency,
      passwordHashQueue: config.passwordHashQueue,
      passwordHashPerIp: config.passwordHashPerIp,
      refreshGraceMs: config.refreshGraceMs,
      passwordHashSlots: redis ? new RedisHashClientSlots(redis) : undefined,
      onSessionRevoked: (sid) => {
        endpoint?.closeSession(sid);
        revocations?.publish(sid);
      },
    });
    if (redis) {
      revocations = new SessionRevocationRelay(redis, (sid) => {
        auth.forgetSession(sid);
        endpoint?.closeSession(sid);
      }, log.child({ component: 'auth' }));
      await revocations.start();
    }

    const metrics = createMetrics({
      openSockets: () => endpoint?.openSockets ?? 0,
      loadedDocs: () => docs?.loadedCount ?? 0,
      pool: () => db.poolStats(),
    });
    // One document store (one group-commit queue) for sync, catalog reads, media, money and the scheduler.
    const store = new DocStore(db);
    const relay = redis ? new RedisDocRelay({ redis, store, log: log.child({ component: 'sync-relay' }) }) : null;
    docs = new DocManager(store, log.child({ component: 'sync' }), {
      idleMs: config.syncDocIdleMs,
      compactEvery: config.syncCompactEvery,
      relay,
      onPersisted: (n, seconds) => {
        metrics.syncUpdates.inc(n);
        metrics.syncPersistSeconds.observe(seconds);
      },
    });

    const app = Fastify({
      loggerInstance: log as unknown as FastifyBaseLogger,
      bodyLimit: config.bodyLimit,
      // Fastify also takes a hop count at runtime; its types list only boolean | string | string[].
      trustProxy: config.trustProxy as boolean | string,
      genReqId: () => newId('req'),
    });
    app.addHook('onRequest', async (req, reply) => {
      reply.header('x-request-id', req.id);
      // A NUL reaches PostgreSQL text as an error (500); no route takes one, so refuse the URL up front.
      if (req.url.includes('%00') || req.url.includes('\u0000')) throw new ApiError('VALIDATION_ERROR', 'The URL must not contain NUL characters.', { reason: 'nul_in_url' });
    });
    // Fastify's default request serializer logs the raw URL; ours redacts tokens in query strings.
    app.setChildLoggerFactory((logger, bindings, opts) =>
      logger.child(bindings, {
        ...opts,
        serializers: {
          req: (req: FastifyRequest) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
        },
      }),
    );
    app.addHook('onResponse', async (req, reply) => {
      metrics.httpDuration.observe(
        { method: req.method, route: req.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
    installEnvelope(app);
    // The API speaks JSON only; a text/plain body is a client mistake (415), not a string to validate.
    app.removeContentTypeParser('text/plain');
    await app.register(cors, {
      origin: config.corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      allowedHeaders: ['content-type', 'authorization', 'idempotency-key', 'fanz-key-id', 'fanz-signature'],
      exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'],
      maxAge: 600,
    });

    await installAuthRateLimit(app, { max: config.authRateLimitMax, windowMs: config.authRateLimitWindowMs, redis });

    let shuttingDown = false;
    const routes = new RouteTable(app, auth);
    authRoutes(routes, auth);
    deviceRoutes(routes, db);
    await installApiKeys(app, routes, { db, apiKeyPerHour: config.apiKeyRateLimitPerHour, userPerHour: config.apiKeyUserRateLimitPerHour, redis });
    const money = await createMoneyServices({
      db,
      docs,
      store,
      logger: log.child({ component: 'money' }),
      options: config.money,
      webhookAllowPrivate: config.webhookAllowPrivate,
      gatewayStateFile: config.testGatewayStateFile,
      onChargeVoided: (outcome) => metrics.paymentsChargesVoided.inc({ outcome }),
    });
    money.routes(routes, auth);
    catalogRoutes(routes, store);
    const media = await createMediaFeature({
      app, routes, auth, db, store, dataDir: config.dataDir, config: config.media, redis,
      onReady: async (creatorId, mediaId, kind) => void (await money.emitEvent(creatorId, 'content.uploaded', { mediaId, kind })),
    });
    const analytics = createAnalyticsFeature({ db, routes, logger: log.child({ component: 'analytics' }), onQueued: (n) => n > 0 && money.webhooks.kick() });
    const vr = await createVrFeature({
      app, routes, auth, db, docs, store, catalog: money.catalog, log: log.child({ component: 'vr' }), publicUrl: config.media?.publicUrl,
      payments: money.payments,
      options: options.vr,
    });
    await creatorRoutes(app, routes, { db, auth });
    fanLibraryRoutes(routes, { db, catalog: money.catalog });
    // The desktop app's update channel, read from what `npm run release` wrote
    // (updates/release-cli.ts) into <dataDir>/updates or the media S3 bucket.
    updateRoutes(app, openReleaseFiles(config.dataDir, config.media?.s3));
    await serveFanWeb(app, { dir: options.fanWebDir ?? DEFAULT_FAN_WEB_DIR, log });
    // Off the RouteTable on purpose: /health and /ready answer 503 and DESIGN.md's shape, /metrics Prometheus text, none in the envelope the table sends and documents.
    opsRoutes(app, {
      db,
      metrics,
      isShuttingDown: () => shuttingDown,
      metricsToken: config.metricsToken,
      redis,
      sync: () => ({ loadedDocs: docs?.loadedCount ?? 0, openSockets: endpoint?.openSockets ?? 0 }),
    });
    // Off the RouteTable on purpose: it is the table's own document, served bare (not in the envelope) for generators such as the SDK's.
    app.get('/api/v1/openapi.json', async () => buildOpenApi(routes.specs, VERSION));

    endpoint = new SyncEndpoint({
      auth,
      docs,
      log: log.child({ component: 'sync' }),
      metrics,
      maxMessageBytes: config.syncMaxMessageBytes,
      maxDocBytes: config.syncDocMaxBytes,
    });
    endpoint.attach(app.server, [VR_PATH_PREFIX]);
    vr.relay.attach(app.server);
    await app.ready();
    const scheduler = new PostScheduler({ db, store, docs, log: log.child({ component: 'scheduler' }) });
    scheduler.start();

    const sync = endpoint;
    const docManager = docs;
    let closing: Promise<void> | null = null;
    return {
      app,
      db,
      auth,
      docs,
      scheduler,
      metrics,
      money,
      media,
      vr,
      analytics,
      redis,
      async listen() {
        return app.listen({ port: config.port, host: config.host });
      },
      close() {
        closing ??= (async () => {
          shuttingDown = true;
          await scheduler.stop();
          await analytics.close();
          await sync.close();
          await vr.close();
          await money.close();
          await app.close();
          await docManager.closeAll();
          await relay?.close();
          await revocations?.close();
          await redis?.close();
          media.close();
          await db.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await redis?.close().catch(() => {});
    await db.close().catch(() => {});
    throw err;
  }
}
