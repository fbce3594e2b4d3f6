// Shared test fixtures: real servers on random ports, on PGlite (fresh temp dir) or on a real PostgreSQL
// (a fresh random schema per server, dropped afterwards), plus small clients for REST and the stock
// y-websocket WebsocketProvider.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, inject } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { loadConfig, type ServerConfig } from '../src/config.js';
import { buildServer, type FanzServer } from '../src/server.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL tests cannot run here, or null when a server answers. Printed by the suites that skip. */
export async function postgresUnavailable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return `PostgreSQL at ${TEST_DATABASE_URL.replace(/:[^:@/]*@/, ':***@')} is unreachable (${(err as Error).message}); set TEST_DATABASE_URL`;
  } finally {
    await client.end().catch(() => {});
  }
}

export const pgSkipReason = await postgresUnavailable();
if (pgSkipReason) console.warn(`[sync-server tests] skipping PostgreSQL runs: ${pgSkipReason}`);

export type BackendName = 'pglite' | 'postgres';
export const BACKENDS: BackendName[] = ['pglite', 'postgres'];

/** Storage for one server: env-style settings plus a cleanup that removes it. */
export interface Storage {
  dataDir: string;
  databaseUrl?: string;
  databaseSchema?: string;
  cleanup(): Promise<void>;
}

/** `fresh` skips the shared initialised PGlite template (see global-setup.ts) and starts truly empty. */
export function makeStorage(backend: BackendName, options: { fresh?: boolean } = {}): Storage {
  const dataDir = mkdtempSync(join(tmpdir(), 'fanz-sync-test-'));
  if (backend === 'pglite') {
    const template = options.fresh ? undefined : inject('pgliteTemplate');
    if (template) cpSync(template, join(dataDir, 'pglite'), { recursive: true });
    return { dataDir, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    dataDir,
    databaseUrl: TEST_DATABASE_URL,
    databaseSchema: schema,
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/**
 * A database on `backend` for the enclosing describe block, without a server: opened (and migrated, unless
 * `migrate: false`) before its tests and handed to `onOpen`, closed and removed after them. `skip` is true
 * for PostgreSQL when it cannot be reached (pgSkipReason says why).
 */
export function useDatabase(
  backend: BackendName,
  onOpen: (db: Database) => unknown,
  options: { migrate?: boolean; timeoutMs?: number } = {},
): { skip: boolean } {
  const skip = backend === 'postgres' && pgSkipReason !== null;
  let storage: Storage | undefined;
  let db: Database | undefined;
  beforeAll(async () => {
    if (skip) return;
    storage = makeStorage(backend);
    db = await openDatabase({ dataDir: storage.dataDir, databaseUrl: storage.databaseUrl, schema: storage.databaseSchema });
    if (options.migrate !== false) await migrate(db);
    await onOpen(db);
  }, options.timeoutMs);
  afterAll(async () => {
    await db?.close();
    await storage?.cleanup();
  });
  return { skip };
}

export const JWT_SECRET = 'test-secret-' + randomBytes(8).toString('hex');

export function testConfig(storage: Storage, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    dataDir: storage.dataDir,
    databaseUrl: storage.databaseUrl,
    databaseSchema: storage.databaseSchema,
    jwtSecret: JWT_SECRET,
    logLevel: 'silent',
    ...overrides,
  };
}

export interface Running {
  server: FanzServer;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export async function startServer(storage: Storage, overrides: Partial<ServerConfig> = {}): Promise<Running> {
  const server = await buildServer(testConfig(storage, overrides), { logger: false });
  const url = await server.listen();
  return { server, url, wsUrl: url.replace(/^http/, 'ws') + '/sync', close: () => server.close() };
}

export interface Account {
  id: string;
  role: 'creator' | 'fan';
  accessToken: string;
  refreshToken: string;
  email: string;
  password: string;
}

let counter = 0;
export async function register(url: string, role: 'creator' | 'fan'): Promise<Account> {
  const n = `${Date.now().toString(36)}${counter++}${randomBytes(2).toString('hex')}`;
  const email = `${role}${n}@example.test`;
  const password = 'correct horse battery';
  const res = await api(url, 'POST', '/api/v1/auth/register', {
    role,
    username: `${role}_${n}`,
    email,
    password,
    displayName: `Test ${role}`,
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  const d = res.body.data;
  return { id: d.user.id, role, accessToken: d.accessToken, refreshToken: d.refreshToken, email, password };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function api(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(url + path, init);
  const text = await res.text();
  let parsed: Json = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy(): void;
}

/** The stock y-websocket provider, exactly as the desktop uses it (Node needs the ws polyfill). */
export function connect(wsUrl: string, docName: string, token: string | undefined, doc = new Y.Doc()): Client {
  const provider = new WebsocketProvider(wsUrl, docName, doc, {
    params: token === undefined ? {} : { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  });
  return {
    doc,
    provider,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function synced(c: Client): Promise<void> {
  return waitFor(() => c.provider.synced, 'provider sync');
}

/** Opens a raw socket and resolves with how it ended: close code/reason and any messages received first. */
export function rawSocket(
  url: string,
): Promise<{ ws: WebSocket; opened: boolean; closed: Promise<{ code: number; reason: string; messages: number }> }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    let messages = 0;
    ws.on('message', () => messages++);
    const closed = new Promise<{ code: number; reason: string; messages: number }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: reason.toString(), messages })),
    );
    ws.on('error', () => {});
    ws.on('open', () => resolve({ ws, opened: true, closed }));
    ws.on('unexpected-response', () => resolve({ ws, opened: false, closed }));
  });
}

export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
