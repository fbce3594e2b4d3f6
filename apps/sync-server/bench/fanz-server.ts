// Benchmark child: our server (PGlite in a temp dir, auth and durable persistence on), built with the
// same buildServer as production. Accounts are seeded straight into the database (scrypt at OWASP cost
// for hundreds of users would dominate the run); every socket still goes through full token checks.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { newId } from '@fanz/core';
import { buildServer } from '../src/server.js';
import { serveBenchIpc } from './bench-ipc.js';

const dataDir = mkdtempSync(join(tmpdir(), 'fanz-sync-bench-'));
// With BENCH_DATABASE_URL the same server runs on PostgreSQL, in a throwaway schema. Two instances share
// one (BENCH_DATABASE_SCHEMA, dropped by the one started without it) and a Redis (BENCH_REDIS_URL).
const databaseUrl = process.env.BENCH_DATABASE_URL || undefined;
const sharedSchema = process.env.BENCH_DATABASE_SCHEMA || undefined;
const schema = databaseUrl ? (sharedSchema ?? `bench_${randomBytes(6).toString('hex')}`) : undefined;
const redisUrl = process.env.BENCH_REDIS_URL || undefined;
const server = await buildServer(
  {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl,
    databaseSchema: schema,
    redisUrl,
    redisKeyPrefix: process.env.BENCH_REDIS_PREFIX || 'bench:',
    syncDocIdleMs: Number(process.env.BENCH_IDLE_MS ?? 1000),
  },
  { logger: false },
);
const url = await server.listen();
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
process.on('disconnect', () => {
  void (async () => {
    await server.close();
    if (databaseUrl && schema && !sharedSchema) {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  })().finally(() => process.exit(0));
});

serveBenchIpc({
  port: Number(new URL(url).port),
  schema,
  loadedDocs: () => server.docs.loadedCount,
  seed: async (n) => {
    const out: { docName: string; token: string }[] = [];
    for (let i = 0; i < n; i++) {
      const id = newId('cr');
      const sid = newId('ses');
      await server.db.query(
        `INSERT INTO users (id, role, username, email, password_hash, display_name) VALUES ($1, 'creator', $2, $3, 'x', 'Bench')`,
        [id, `bench_${id}`, `${id}@bench.test`],
      );
      await server.db.query('INSERT INTO auth_sessions (id, user_id) VALUES ($1, $2)', [sid, id]);
      out.push({ docName: `creator:${id}`, token: await server.auth.tokens.signAccess({ userId: id, role: 'creator', sessionId: sid }) });
    }
    return out;
  },
});
