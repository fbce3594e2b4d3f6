// Two real server processes (src/main.ts) on one fresh PostgreSQL database and one Redis, with stock
// WebsocketProvider clients: concurrent edits on both instances converge, presence crosses instances,
// kill -9 of an instance mid-burst loses no acknowledged update (its clients move to the other), and a
// Redis outage of 5 s (a private redis-server, stopped and restarted) ends with both instances converged.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { DocStore } from '../src/sync/doc-store.js';
import { connect, pgSkipReason, register, synced, waitFor, type Account, type Client } from './helpers.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import {
  OwnRedis,
  TEST_REDIS_URL,
  cleanRedisPrefix,
  freshDatabase,
  randomPrefix,
  redisServerMissing,
  redisUnavailable,
} from './scale-helpers.js';

const skipReason = pgSkipReason ?? (await redisUnavailable());
if (skipReason) console.warn(`[multi-instance] skipped: ${skipReason}`);
const ownRedisSkip = skipReason ?? redisServerMissing();
if (!skipReason && ownRedisSkip) console.warn(`[multi-instance] Redis outage test skipped: ${ownRedisSkip}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts two instances at the same moment (also a concurrent first migration on the empty database). */
async function startPair(databaseUrl: string, dataDir: string, redisUrl: string, prefix: string): Promise<ServerProcess[]> {
  const storage = { dataDir, databaseUrl, cleanup: async () => {} };
  return Promise.all(
    [0, 1].map(() => startServerProcess(storage, { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, SYNC_DOC_IDLE_MS: '5000' })),
  );
}

async function stopAll(procs: ServerProcess[]): Promise<void> {
  await Promise.all(
    procs.map(async (p) => {
      if (p.proc.exitCode !== null || p.proc.signalCode !== null) return;
      p.proc.kill('SIGTERM');
      const t = setTimeout(() => p.proc.kill('SIGKILL'), 10_000);
      await p.exited;
      clearTimeout(t);
    }),
  );
}

/** The document as PostgreSQL holds it (snapshot + log), read without any server. */
async function storedDoc(databaseUrl: string, dataDir: string, name: string): Promise<Y.Doc> {
  const db = await openDatabase({ dataDir, databaseUrl });
  try {
    const stored = await new DocStore(db).load(name);
    const doc = new Y.Doc();
    for (const u of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) Y.applyUpdate(doc, u);
    return doc;
  } finally {
    await db.close();
  }
}

const same = (a: Client, b: Client, key: string) => JSON.stringify(a.doc.getArray(key).toJSON()) === JSON.stringify(b.doc.getArray(key).toJSON());

describe('multi-instance start-up', () => {
  it('refuses to start with REDIS_URL on embedded PGlite: non-zero exit and a message naming REDIS_URL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fanz-redis-pglite-'));
    try {
      await expect(
        startServerProcess({ dataDir, cleanup: async () => {} }, { REDIS_URL: 'redis://127.0.0.1:6379' }),
      ).rejects.toThrow(/server exited early \(2\)[\s\S]*REDIS_URL is set but DATABASE_URL is not/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skipReason)('two instances on PostgreSQL + Redis', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  const prefix = randomPrefix();
  let procs: ServerProcess[] = [];
  let a: ServerProcess;
  let b: ServerProcess;
  let creator: Account;
  let docName: string;
  const clients: Client[] = [];
  const client = (server: ServerProcess, doc?: Y.Doc) => {
    const c = connect(server.wsUrl, docName, creator.accessToken, doc);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    fresh = await freshDatabase();
    procs = await startPair(fresh.databaseUrl!, fresh.dataDir, TEST_REDIS_URL, prefix);
    [a, b] = procs as [ServerProcess, ServerProcess];
    creator = await register(a.url, 'creator');
    docName = `creator:${creator.id}`;
  });
  afterAll(async () => {
    for (const c of clients) c.provider.destroy();
    await stopAll(procs);
    await fresh?.cleanup();
    await cleanRedisPrefix(prefix);
  });

  it('clients on different instances converge on concurrent edits, and see each other\'s presence', async () => {
    const ca = client(a);
    const cb = client(b);
    await Promise.all([synced(ca), synced(cb)]);
    for (let i = 0; i < 150; i++) {
      ca.doc.getArray('x').push([`a${i}`]);
      cb.doc.getArray('x').push([`b${i}`]);
      if (i % 10 === 9) await sleep(1);
    }
    await waitFor(() => ca.doc.getArray('x').length === 300 && cb.doc.getArray('x').length === 300 && same(ca, cb, 'x'), 'convergence', 30_000);

    ca.provider.awareness.setLocalStateField('user', { name: 'on A' });
    cb.provider.awareness.setLocalStateField('user', { name: 'on B' });
    const name = (c: Client, id: number) => (c.provider.awareness.getStates().get(id) as { user?: { name: string } } | undefined)?.user?.name;
    await waitFor(() => name(cb, ca.doc.clientID) === 'on A' && name(ca, cb.doc.clientID) === 'on B', 'presence across instances');

    // Every update got its own per-document seq: the log is gap-free and ends at head_seq.
    const c = new pg.Client({ connectionString: fresh.databaseUrl });
    await c.connect();
    try {
      const head = await c.query('SELECT head_seq, snapshot_doc_seq FROM yjs_documents WHERE name = $1', [docName]);
      const seqs = (await c.query('SELECT doc_seq FROM yjs_updates WHERE doc_name = $1 ORDER BY doc_seq', [docName])).rows.map((r) => Number(r.doc_seq));
      const from = Number(head.rows[0].snapshot_doc_seq) + 1;
      expect(seqs).toEqual(Array.from({ length: Number(head.rows[0].head_seq) - from + 1 }, (_, i) => from + i));
      expect(Number(head.rows[0].head_seq)).toBeGreaterThanOrEqual(300);
    } finally {
      await c.end();
    }
  });

  it('kill -9 of an instance mid-burst loses no acknowledged update; its clients continue on the other; its presence is cleared', async () => {
    const writer = client(b);
    const observer = client(a);
    const onDeadInstance = client(b);
    await Promise.all([synced(writer), synced(observer), synced(onDeadInstance)]);
    onDeadInstance.provider.awareness.setLocalStateField('user', { name: 'leaving with B' });
    await waitFor(() => observer.provider.awareness.getStates().has(onDeadInstance.doc.clientID), 'presence of the client on B');

    let written = 0;
    let stop = false;
    const burst = (async () => {
      while (!stop) {
        writer.doc.getArray('k').push([written++]);
        await sleep(2);
      }
    })();
    await waitFor(() => observer.doc.getArray('k').length >= 100, 'burst reaching instance A');
    b.proc.kill('SIGKILL');
    // Seen on A = stored in PostgreSQL by B (stored before broadcast) and relayed: acknowledged.
    const acknowledged = observer.doc.getArray('k').toArray() as number[];
    await b.exited;
    await sleep(50);
    stop = true;
    await burst;

    const stored = (await storedDoc(fresh.databaseUrl!, fresh.dataDir, docName)).getArray('k').toArray() as number[];
    const storedSet = new Set(stored);
    expect(acknowledged.filter((n) => !storedSet.has(n))).toEqual([]);

    // The writer's client reconnects to the surviving instance and resends whatever B never stored.
    writer.provider.destroy();
    const moved = client(a, writer.doc);
    await synced(moved);
    await waitFor(() => observer.doc.getArray('k').length === written, 'every written item on A', 30_000);
    expect(new Set(observer.doc.getArray('k').toArray()).size).toBe(written);

    // B's heartbeat key expires (3 s), so A clears the presence of B's clients well before the 30 s
    // awareness timeout would.
    await waitFor(() => !observer.provider.awareness.getStates().has(onDeadInstance.doc.clientID), 'presence of B cleared', 20_000);
    onDeadInstance.provider.destroy();
  });
});

describe.skipIf(ownRedisSkip)('Redis stopped for 5 s and restarted', () => {
  let own: OwnRedis;
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let procs: ServerProcess[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    own = await OwnRedis.start();
    fresh = await freshDatabase();
    procs = await startPair(fresh.databaseUrl!, fresh.dataDir, own.url, randomPrefix());
  });
  afterAll(async () => {
    for (const c of clients) c.provider.destroy();
    await stopAll(procs);
    await own?.destroy();
    await fresh?.cleanup();
  });

  it('edits made on both instances during the outage converge once Redis is back', async () => {
    const [a, b] = procs as [ServerProcess, ServerProcess];
    const creator = await register(a.url, 'creator');
    const docName = `creator:${creator.id}`;
    const ca = connect(a.wsUrl, docName, creator.accessToken);
    const cb = connect(b.wsUrl, docName, creator.accessToken);
    clients.push(ca, cb);
    await Promise.all([synced(ca), synced(cb)]);
    ca.doc.getArray('x').push(['before A']);
    cb.doc.getArray('x').push(['before B']);
    await waitFor(() => ca.doc.getArray('x').length === 2 && cb.doc.getArray('x').length === 2, 'relay before the outage');

    await own.stop();
    for (let i = 0; i < 20; i++) {
      ca.doc.getArray('x').push([`A during ${i}`]);
      cb.doc.getArray('x').push([`B during ${i}`]);
      await sleep(250);
    }
    await own.start();
    await waitFor(() => ca.doc.getArray('x').length === 42 && cb.doc.getArray('x').length === 42 && same(ca, cb, 'x'), 'convergence after the outage', 30_000);

    // And the relay works again for new edits.
    ca.doc.getArray('x').push(['after A']);
    await waitFor(() => cb.doc.getArray('x').length === 43, 'relay after the outage', 15_000);
  });
});
