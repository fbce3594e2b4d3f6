// Several instances starting at the same moment on an empty PostgreSQL database: the migrations run exactly
// once (advisory lock), nobody crashes (before the lock, one of two died on pg_type_typname_nsp_index).
// Also: migration 0800 numbers an existing update log per document, so old data loads unchanged.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDatabase, type Database } from '../src/db/database.js';
import { listMigrations, migrate } from '../src/db/migrate.js';
import { DocStore } from '../src/sync/doc-store.js';
import { pgSkipReason } from './helpers.js';
import { freshDatabase } from './scale-helpers.js';

const skip = pgSkipReason !== null;
if (skip) console.warn(`[migrate-concurrency] skipped: ${pgSkipReason}`);

const MIGRATORS = 6;

describe.skipIf(skip)('migrations on a fresh PostgreSQL database', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it(`${MIGRATORS} migrators started at once apply every migration exactly once and all succeed`, async () => {
    const fresh = await freshDatabase();
    cleanups.push(() => fresh.cleanup());
    const dbs: Database[] = await Promise.all(
      Array.from({ length: MIGRATORS }, () => openDatabase({ dataDir: fresh.dataDir, databaseUrl: fresh.databaseUrl })),
    );
    cleanups.push(async () => void (await Promise.all(dbs.map((d) => d.close()))));
    const results = await Promise.allSettled(dbs.map((db) => migrate(db)));
    const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);
    const applied = results.flatMap((r) => (r as PromiseFulfilledResult<string[]>).value);
    const all = listMigrations().map((m) => m.name);
    expect([...applied].sort()).toEqual([...all].sort());
    const rows = await dbs[0]!.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.name)).toEqual(all);
  });

  it('migration 0800 numbers an existing update log per document; the document loads with the same content', async () => {
    const fresh = await freshDatabase();
    cleanups.push(() => fresh.cleanup());
    const db = await openDatabase({ dataDir: fresh.dataDir, databaseUrl: fresh.databaseUrl });
    cleanups.push(() => db.close());
    await migrate(db, listMigrations().filter((m) => m.version < 800));
    // Old layout: a snapshot of doc a, then interleaved log rows of a and b (global seq only).
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getArray('x').push(['snap']);
    await db.query('INSERT INTO yjs_documents (name, snapshot, snapshot_seq) VALUES ($1, $2, 0)', ['a', Y.encodeStateAsUpdate(a)]);
    for (let i = 0; i < 5; i++) {
      for (const [name, d] of [['a', a], ['b', b]] as const) {
        const before = Y.encodeStateVector(d);
        d.getArray('x').push([`${name}${i}`]);
        await db.query('INSERT INTO yjs_updates (doc_name, data) VALUES ($1, $2)', [name, Y.encodeStateAsUpdate(d, before)]);
      }
    }
    await migrate(db);
    const seqs = await db.query<{ doc_name: string; doc_seq: string }>('SELECT doc_name, doc_seq FROM yjs_updates ORDER BY seq');
    expect(seqs.filter((r) => r.doc_name === 'a').map((r) => Number(r.doc_seq))).toEqual([1, 2, 3, 4, 5]);
    expect(seqs.filter((r) => r.doc_name === 'b').map((r) => Number(r.doc_seq))).toEqual([1, 2, 3, 4, 5]);
    const store = new DocStore(db);
    for (const [name, d] of [['a', a], ['b', b]] as const) {
      const stored = await store.load(name);
      expect(stored.docSeq).toBe(5);
      const loaded = new Y.Doc();
      for (const u of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) Y.applyUpdate(loaded, u);
      expect(loaded.getArray('x').toJSON()).toEqual(d.getArray('x').toJSON());
    }
    // The next append continues each document's sequence.
    const u = new Y.Doc();
    u.getArray('x').push(['new']);
    expect(await store.append('b', [Y.encodeStateAsUpdate(u)])).toBe(6);
    expect(await store.append('fresh', [Y.encodeStateAsUpdate(u), Y.encodeStateAsUpdate(u)])).toBe(2);
  });
});
