// The database adapter and migrations, on PGlite and PostgreSQL: migrations apply once, in order, inside
// a transaction; an edited applied migration stops start-up; a failing one leaves nothing behind;
// transactions roll back on error; bytea round-trips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/database.js';
import { listMigrations, migrate } from '../src/db/migrate.js';
import { BACKENDS, makeStorage, pgSkipReason, type Storage } from './helpers.js';

describe.each(BACKENDS)('database on %s', (backend) => {
  const skip = backend === 'postgres' && pgSkipReason !== null;
  let storage: Storage;
  let db: Database;
  beforeAll(async () => {
    if (skip) return;
    storage = makeStorage(backend);
    db = await openDatabase({ dataDir: storage.dataDir, databaseUrl: storage.databaseUrl, schema: storage.databaseSchema });
  });
  afterAll(async () => {
    if (skip) return;
    await db?.close();
    await storage?.cleanup();
  });

  it.skipIf(skip)('applies every migration once, in order, and records it', async () => {
    const all = listMigrations();
    expect(all.map((m) => m.version)).toEqual([...all.map((m) => m.version)].sort((a, b) => a - b));
    expect(await migrate(db)).toEqual(all.map((m) => m.name));
    expect(await migrate(db)).toEqual([]);
    const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(all.map((m) => m.version));
  });

  it.skipIf(skip)('refuses to start when an applied migration was edited', async () => {
    const edited = listMigrations().map((m, i) => (i === 0 ? { ...m, sql: m.sql + '\n-- edited' } : m));
    await expect(migrate(db, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it.skipIf(skip)('rolls back a migration that fails half-way', async () => {
    const broken = [
      ...listMigrations(),
      { version: 9999, name: '9999_broken.sql', sql: 'CREATE TABLE half_done (a int);\nSELECT * FROM no_such_table;' },
    ];
    await expect(migrate(db, broken)).rejects.toThrow();
    expect(await db.query("SELECT 1 FROM schema_migrations WHERE version = 9999")).toEqual([]);
    await expect(db.query('SELECT * FROM half_done')).rejects.toThrow();
  });

  it.skipIf(skip)('rolls back a transaction that throws, and round-trips bytea', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO yjs_documents (name) VALUES ('rollback-me')");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.query("SELECT 1 FROM yjs_documents WHERE name = 'rollback-me'")).toEqual([]);
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
    await db.query("INSERT INTO yjs_updates (doc_name, doc_seq, data) VALUES ('bytes', 1, $1)", [bytes]);
    const rows = await db.query<{ data: Uint8Array }>("SELECT data FROM yjs_updates WHERE doc_name = 'bytes'");
    expect(new Uint8Array(rows[0]!.data)).toEqual(bytes);
    expect(db.poolStats().total).toBeGreaterThanOrEqual(1);
  });
});
