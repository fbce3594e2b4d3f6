// Server configuration, read once from the environment. Everything else receives a ServerConfig, so tests
// can build servers with their own ports, data dirs and databases without touching process.env.
import { resolve } from 'node:path';
import { loadMoneyOptions, type MoneyOptionsInput } from './finance/money-options.js';

export interface ServerConfig {
  /** TCP port; 0 picks a free one (tests). */
  port: number;
  host: string;
  /** PGlite files live in `<dataDir>/pglite` unless databaseUrl is set. */
  dataDir: string;
  /** A PostgreSQL connection string; when set, PGlite is not used. */
  databaseUrl?: string;
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
  /** Login attempts allowed per identifier within loginWindowMs. */
  loginMaxAttempts: number;
  loginWindowMs: number;
  /** Payments, payouts and webhooks timing (defaults in finance/money-services.ts). */
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

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
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
    jwtSecret: env.JWT_SECRET || undefined,
    corsOrigins: origins.length === 0 || origins.includes('*') ? true : origins,
    bodyLimit: int(env.HTTP_BODY_LIMIT_BYTES, 1024 * 1024, 'HTTP_BODY_LIMIT_BYTES'),
    syncMaxMessageBytes: int(env.SYNC_MAX_MESSAGE_BYTES, 4 * 1024 * 1024, 'SYNC_MAX_MESSAGE_BYTES'),
    syncCompactEvery: Math.max(2, int(env.SYNC_COMPACT_EVERY, 200, 'SYNC_COMPACT_EVERY')),
    syncDocIdleMs: int(env.SYNC_DOC_IDLE_MS, 30_000, 'SYNC_DOC_IDLE_MS'),
    logLevel: env.LOG_LEVEL || 'info',
    loginMaxAttempts: 5,
    loginWindowMs: 15 * 60 * 1000,
    money: loadMoneyOptions(env),
    media: loadMediaConfig(env),
  };
}
