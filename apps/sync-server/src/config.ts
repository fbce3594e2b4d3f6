// Server configuration, read once from the environment. Everything else receives a ServerConfig, so tests
// can build servers with their own ports, data dirs and databases without touching process.env.
import { resolve } from 'node:path';
import { loadMoneyOptions, type MoneyOptionsInput } from './money/money-options.js';

export interface ServerConfig {
  /** TCP port; 0 picks a free one (tests). */
  port: number;
  host: string;
  /** PGlite files live in `<dataDir>/pglite` unless databaseUrl is set. */
  dataDir: string;
  /** A PostgreSQL connection string; when set, PGlite is not used. */
  databaseUrl?: string;
  /** Redis (REDIS_URL): several instances share sync, presence and limits through it. Needs databaseUrl. */
  redisUrl?: string;
  /** Prefix of every Redis key and channel (REDIS_KEY_PREFIX, default `fanz:`); several deployments can share one Redis. */
  redisKeyPrefix: string;
  /** PostgreSQL schema to use (tests isolate runs in their own schema). */
  databaseSchema?: string;
  /** HS256 secret for access/refresh tokens; when unset, one is generated once and kept in the database. */
  jwtSecret?: string;
  /** Allowed CORS origins; `true` allows any (the API uses bearer tokens, not cookies). */
  corsOrigins: string[] | true;
  /** Largest accepted JSON body in bytes. */
  bodyLimit: number;
  /** Largest accepted WebSocket message in bytes (a Yjs update or sync step). */
  syncMaxMessageBytes: number;
  /** The update log of a document is folded into its snapshot once it holds this many rows. */
  syncCompactEvery: number;
  /** A document without connections is unloaded from memory after this many milliseconds. */
  syncDocIdleMs: number;
  logLevel: string;
  /** Failed logins allowed per (email, client IP) within loginWindowMs before exponential backoff starts. */
  loginMaxAttempts: number;
  loginWindowMs: number;
  /** Failed logins allowed per client IP (any email) within loginWindowMs; more are 429. */
  loginIpMaxFailures: number;
  /** Backoff after loginMaxAttempts failures of one (email, IP): base, doubled per further failure, capped. */
  loginBackoffBaseMs: number;
  loginBackoffMaxMs: number;
  /** Per-IP request limit on /api/v1/auth/* (@fastify/rate-limit); 0 turns it off. */
  authRateLimitMax: number;
  authRateLimitWindowMs: number;
  /** Requests per hour one API key may make (issue 17); 0 turns the limit off. */
  apiKeyRateLimitPerHour: number;
  /** Requests per hour all API keys of one creator may make together; 0 turns it off. */
  apiKeyUserRateLimitPerHour: number;
  /** Password hashes (scrypt, 128 MiB each) computed at once; others wait in a queue of passwordHashQueue. */
  passwordHashConcurrency: number;
  passwordHashQueue: number;
  /** Password hashes one client IP may have running or queued at once; more are 429. */
  passwordHashPerIp: number;
  /** Refresh: a spent refresh token presented again within this window returns the same rotated pair. */
  refreshGraceMs: number;
  /** Fastify trustProxy: true or the proxy addresses (a number is ignored by Fastify 5.12+); client IPs then come from X-Forwarded-For. */
  trustProxy: boolean | number | string;
  /** Bearer token that /metrics requires; when unset /metrics answers loopback clients only. */
  metricsToken?: string;
  /** WEBHOOK_ALLOW_PRIVATE=1: webhook URLs may target loopback (local development and tests only). */
  webhookAllowPrivate: boolean;
  /** TEST_GATEWAY_STATE_FILE: the test payment gateway keeps its records in this file, surviving restarts. */
  testGatewayStateFile?: string;
  /** Largest stored size of one Yjs document (snapshot + update log); beyond it the socket closes 4413. */
  syncDocMaxBytes: number;
  /** Payments, payouts and webhooks timing (defaults in money/money-options.ts). */
  money?: MoneyOptionsInput;
  /** Media uploads, storage and playback (defaults in media/media-feature.ts). */
  media?: Partial<MediaConfig>;
}

export interface MediaConfig {
  /** Per-creator storage quota in bytes (MEDIA_QUOTA_BYTES, default 50 GiB). */
  quotaBytes: number;
  /** Lifetime of a signed playback URL in seconds (MEDIA_PLAYBACK_TTL_S, default 3600). */
  playbackTtlS: number;
  /** Base of absolute URLs handed to clients (PUBLIC_URL); unset: the request's protocol and host. */
  publicUrl?: string;
  /** S3-compatible storage instead of `<dataDir>/media` (MEDIA_S3_ENDPOINT + MEDIA_S3_BUCKET). */
  s3?: { endpoint: string; bucket: string; region: string; accessKeyId?: string; secretAccessKey?: string };
}

function httpUrl(value: string | undefined, name: string): string | undefined {
  if (!value) return undefined;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new Error(`${name} must be an http(s) URL, got "${value}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${name} must be an http(s) URL, got "${value}"`);
  return value.replace(/\/+$/, '');
}

function loadMediaConfig(env: NodeJS.ProcessEnv): Partial<MediaConfig> {
  const endpoint = httpUrl(env.MEDIA_S3_ENDPOINT, 'MEDIA_S3_ENDPOINT');
  const bucket = env.MEDIA_S3_BUCKET || undefined;
  if (Boolean(endpoint) !== Boolean(bucket)) throw new Error('MEDIA_S3_ENDPOINT and MEDIA_S3_BUCKET must be set together');
  const ttl = int(env.MEDIA_PLAYBACK_TTL_S, 3600, 'MEDIA_PLAYBACK_TTL_S');
  if (ttl < 60 || ttl > 7 * 24 * 3600) throw new Error(`MEDIA_PLAYBACK_TTL_S must be between 60 and 604800, got ${ttl}`);
  return {
    quotaBytes: int(env.MEDIA_QUOTA_BYTES, 50 * 1024 ** 3, 'MEDIA_QUOTA_BYTES'),
    playbackTtlS: ttl,
    publicUrl: httpUrl(env.PUBLIC_URL, 'PUBLIC_URL'),
    s3:
      endpoint && bucket
        ? {
            endpoint,
            bucket,
            region: env.AWS_REGION || 'us-east-1',
            accessKeyId: env.AWS_ACCESS_KEY_ID || undefined,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY || undefined,
          }
        : undefined,
  };
}

function redisUrl(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.REDIS_URL;
  if (!value) return undefined;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new Error(`REDIS_URL must be a redis:// or rediss:// URL, got "${maskPassword(value)}"`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`REDIS_URL must be a redis:// or rediss:// URL, got "${maskPassword(value)}"`);
  // PGlite is one process's embedded database: a second instance could neither open it nor see its writes.
  if (!env.DATABASE_URL) {
    throw new Error('REDIS_URL is set but DATABASE_URL is not: several instances need a shared PostgreSQL (the embedded PGlite belongs to one process). Set DATABASE_URL, or unset REDIS_URL to run one instance.');
  }
  return value;
}

function maskPassword(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

function redisKeyPrefix(value: string | undefined): string {
  if (value === undefined || value === '') return 'fanz:';
  if (!/^[A-Za-z0-9_:.-]{1,64}$/.test(value)) throw new Error(`REDIS_KEY_PREFIX must be 1-64 of A-Z a-z 0-9 _ : . -, got "${value}"`);
  return value;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new Error(`${name} must be 1/true or 0/false, got "${value}"`);
}

/**
 * TRUST_PROXY: unset = off, `true` = trust every hop, otherwise a comma list of proxy addresses, CIDR ranges
 * or proxy-addr's names (loopback, linklocal, uniquelocal). A bare hop count is refused: Fastify (5.12+)
 * ignores it (it cannot check who the peer is), so every client would share the proxy's address.
 */
function trustProxy(value: string | undefined): boolean | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    throw new Error(`TRUST_PROXY must name the proxy (addresses, CIDR ranges, loopback/uniquelocal) or be true; a hop count ("${value}") is ignored by Fastify`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const origins = (env.CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    port: int(env.PORT, 4000, 'PORT'),
    host: env.HOST || '0.0.0.0',
    // npm runs workspace scripts inside the workspace; INIT_CWD is where the user ran npm, so
    // `npm run server` and `npm start` from the repo root both use <root>/data.
    dataDir: resolve(env.INIT_CWD || process.cwd(), env.FANZ_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: env.DATABASE_SCHEMA || undefined,
    redisUrl: redisUrl(env),
    redisKeyPrefix: redisKeyPrefix(env.REDIS_KEY_PREFIX),
    jwtSecret: env.JWT_SECRET || undefined,
    corsOrigins: origins.length === 0 || origins.includes('*') ? true : origins,
    bodyLimit: int(env.HTTP_BODY_LIMIT_BYTES, 1024 * 1024, 'HTTP_BODY_LIMIT_BYTES'),
    syncMaxMessageBytes: int(env.SYNC_MAX_MESSAGE_BYTES, 4 * 1024 * 1024, 'SYNC_MAX_MESSAGE_BYTES'),
    syncCompactEvery: Math.max(2, int(env.SYNC_COMPACT_EVERY, 200, 'SYNC_COMPACT_EVERY')),
    syncDocIdleMs: int(env.SYNC_DOC_IDLE_MS, 30_000, 'SYNC_DOC_IDLE_MS'),
    logLevel: env.LOG_LEVEL || 'info',
    loginMaxAttempts: int(env.LOGIN_MAX_ATTEMPTS, 5, 'LOGIN_MAX_ATTEMPTS'),
    loginWindowMs: int(env.LOGIN_WINDOW_MS, 15 * 60 * 1000, 'LOGIN_WINDOW_MS'),
    loginIpMaxFailures: int(env.LOGIN_IP_MAX_FAILURES, 100, 'LOGIN_IP_MAX_FAILURES'),
    loginBackoffBaseMs: int(env.LOGIN_BACKOFF_BASE_MS, 1000, 'LOGIN_BACKOFF_BASE_MS'),
    loginBackoffMaxMs: int(env.LOGIN_BACKOFF_MAX_MS, 15 * 60 * 1000, 'LOGIN_BACKOFF_MAX_MS'),
    authRateLimitMax: int(env.AUTH_RATE_LIMIT_MAX, 120, 'AUTH_RATE_LIMIT_MAX'),
    authRateLimitWindowMs: int(env.AUTH_RATE_LIMIT_WINDOW_MS, 60_000, 'AUTH_RATE_LIMIT_WINDOW_MS'),
    apiKeyRateLimitPerHour: int(env.API_KEY_RATE_LIMIT_PER_HOUR, 1000, 'API_KEY_RATE_LIMIT_PER_HOUR'),
    apiKeyUserRateLimitPerHour: int(env.API_KEY_USER_RATE_LIMIT_PER_HOUR, 5000, 'API_KEY_USER_RATE_LIMIT_PER_HOUR'),
    passwordHashConcurrency: Math.max(1, int(env.PASSWORD_HASH_CONCURRENCY, 2, 'PASSWORD_HASH_CONCURRENCY')),
    passwordHashQueue: int(env.PASSWORD_HASH_QUEUE, 64, 'PASSWORD_HASH_QUEUE'),
    passwordHashPerIp: Math.max(1, int(env.PASSWORD_HASH_PER_IP, 8, 'PASSWORD_HASH_PER_IP')),
    refreshGraceMs: int(env.REFRESH_GRACE_MS, 10_000, 'REFRESH_GRACE_MS'),
    trustProxy: trustProxy(env.TRUST_PROXY),
    metricsToken: env.METRICS_TOKEN || undefined,
    webhookAllowPrivate: flag(env.WEBHOOK_ALLOW_PRIVATE, 'WEBHOOK_ALLOW_PRIVATE'),
    testGatewayStateFile: env.TEST_GATEWAY_STATE_FILE || undefined,
    syncDocMaxBytes: int(env.SYNC_DOC_MAX_BYTES, 64 * 1024 * 1024, 'SYNC_DOC_MAX_BYTES'),
    money: loadMoneyOptions(env),
    media: loadMediaConfig(env),
  };
}
