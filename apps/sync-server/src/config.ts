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
  };
}
