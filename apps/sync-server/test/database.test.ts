// The database adapter and migrations, on PGlite and PostgreSQL: migrations apply once, in order, inside
// a transaction; an edited applied migration stops start-up; a failing one leaves nothing behind;
// transactions roll back on error; bytea round-trips; a prepared statement (the sync commit's) returns typed
// rows, stores bytes unchanged, and a failing call leaves the connection usable.
import { describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { listMigrations, migrate } from '../src/db/migrate.js';
import { BACKENDS, useDatabase } from './helpers.js';

describe.each(BACKENDS)('database on %s', (backend) => {
  let db: Database;
  const { skip } = useDatabase(backend, (opened) => (db = opened), { migrate: false });

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

  it.skipIf(skip)('runs a prepared statement repeatedly; bytes go in unchanged; an error leaves the connection usable', async () => {
    const sql = 'INSERT INTO yjs_updates (doc_name, doc_seq, data) VALUES ($1, $2, $3) RETURNING doc_seq, length(data) AS n';
    const bytes = new Uint8Array([0, 92, 120, 39, 255, 0]); // NUL, backslash, 'x', quote: binary, not text
    for (const seq of [1, 2]) {
      const rows = await db.queryPrepared<{ doc_seq: string | number; n: number }>('test_insert', sql, ['prepared', seq, bytes]);
      expect(rows.map((r) => [Number(r.doc_seq), r.n])).toEqual([[seq, bytes.length]]);
    }
    const stored = await db.query<{ data: Uint8Array }>("SELECT data FROM yjs_updates WHERE doc_name = 'prepared' ORDER BY doc_seq");
    expect(stored.map((r) => [...new Uint8Array(r.data)])).toEqual([[...bytes], [...bytes]]);
    // Duplicate (doc_name, doc_seq): the statement fails, and both it and plain queries still work after.
    await expect(db.queryPrepared('test_insert', sql, ['prepared', 2, bytes])).rejects.toThrow(/duplicate key/);
    expect(await db.queryPrepared('test_insert', sql, ['prepared', 3, new Uint8Array(0)])).toEqual([{ doc_seq: expect.anything(), n: 0 }]);
    expect(await db.queryPrepared('test_null', 'SELECT $1::text IS NULL AS missing', [null])).toEqual([{ missing: true }]);
    // Unnamed ('', SQL that varies per call): same answers, nothing kept between calls.
    for (const n of [2, 3]) {
      const rows = await db.queryPrepared<{ b: Uint8Array; n: number }>('', `SELECT $1::bytea AS b, $2::int + ${n} AS n`, [bytes, 1]);
      expect(rows.map((r) => [[...new Uint8Array(r.b)], r.n])).toEqual([[[...bytes], 1 + n]]);
    }
    expect(await db.query<{ n: number }>('SELECT 1 AS n')).toEqual([{ n: 1 }]);
  });
});
