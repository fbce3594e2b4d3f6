// The studio database is managed one way (issue 14 item 10): the account and catalog tables come from a
// numbered migration like the library, the log checks and the ledger, and a database that the old code
// made (tables created ad hoc by AccountStore and CatalogStore) upgrades to it without losing a row.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { loadMigrations, migrate, openDb } from '../src/main/services/library/db.js';
import { AccountStore, fileSecretBox } from '../src/main/services/account/account-store.js';
import { CatalogStore } from '../src/main/services/catalog/catalog-store.js';
import { makeTempDir } from './helpers/fixtures.js';

// What AccountStore and CatalogStore ran on every open before migration 009, verbatim.
const OLD_AD_HOC_SCHEMA = `
CREATE TABLE IF NOT EXISTS studio_account (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  server_url TEXT NOT NULL,
  user_id TEXT NOT NULL,
  username TEXT NOT NULL,
  role TEXT NOT NULL,
  refresh_sealed BLOB NOT NULL,
  device_key_id TEXT,
  device_secret_sealed BLOB,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS catalog_updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  doc_name TEXT NOT NULL,
  data BLOB NOT NULL,
  local INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS catalog_updates_doc ON catalog_updates (doc_name, seq);
CREATE TABLE IF NOT EXISTS catalog_snapshots (
  doc_name TEXT PRIMARY KEY,
  snapshot BLOB NOT NULL,
  upto_seq INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS catalog_sync_state (
  doc_name TEXT PRIMARY KEY,
  pending_local INTEGER NOT NULL DEFAULT 0,
  last_synced_at INTEGER
);`;

const ACCOUNT_TABLES = ['catalog_snapshots', 'catalog_sync_state', 'catalog_updates', 'studio_account'];

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  tmp = await makeTempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

function tablesIn(db: Database.Database): string[] {
  return db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${ACCOUNT_TABLES.map(() => '?').join(', ')}) ORDER BY name`)
    .pluck()
    .all(...ACCOUNT_TABLES) as string[];
}

describe('studio database migrations', () => {
  it('creates the account and catalog tables from a numbered migration, before any store opens them', () => {
    const dataDir = join(tmp.dir, 'data');
    const db = openDb(dataDir);
    try {
      expect(tablesIn(db)).toEqual(ACCOUNT_TABLES);
      const index = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'catalog_updates_doc'`).pluck().get();
      expect(index).toBe('catalog_updates_doc');
      const names = db.prepare('SELECT name FROM schema_migrations ORDER BY version').pluck().all() as string[];
      expect(names).toContain('009_account_catalog.sql');
    } finally {
      db.close();
    }
  });

  it('upgrades a database the old code made (ad-hoc tables, rows in them) without losing a row', () => {
    const dataDir = join(tmp.dir, 'old');
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'library.db');

    // The old code path: migrations up to 008, then the stores' ad-hoc DDL, then a signed-in studio with a
    // catalog that has a snapshot, a log after it and edits not yet synced.
    const old = new Database(file);
    migrate(old, loadMigrations().filter((m) => m.version <= 8));
    old.exec(OLD_AD_HOC_SCHEMA);
    const box = fileSecretBox(dataDir);
    old
      .prepare(
        `INSERT INTO studio_account (id, server_url, user_id, username, role, refresh_sealed, device_key_id, device_secret_sealed, updated_at)
         VALUES (1, 'http://127.0.0.1:4000', 'usr_1', 'ava', 'creator', ?, 'key_1', ?, 1)`,
      )
      .run(box.seal('refresh-token-1'), box.seal('device-secret-1'));
    const doc = new Y.Doc();
    doc.getMap('posts').set('p1', 'first');
    const snapshot = Y.encodeStateAsUpdate(doc);
    const before = Y.encodeStateVector(doc);
    doc.getMap('posts').set('p2', 'second');
    const tail = Y.encodeStateAsUpdate(doc, before);
    old.prepare('INSERT INTO catalog_updates (doc_name, data, local, created_at) VALUES (?, ?, 1, 1)').run('creator:usr_1', Buffer.from(snapshot));
    old.prepare('INSERT INTO catalog_snapshots (doc_name, snapshot, upto_seq, updated_at) VALUES (?, ?, 1, 1)').run('creator:usr_1', Buffer.from(snapshot));
    old.prepare('INSERT INTO catalog_updates (doc_name, data, local, created_at) VALUES (?, ?, 1, 2)').run('creator:usr_1', Buffer.from(tail));
    old.prepare('INSERT INTO catalog_sync_state (doc_name, pending_local, last_synced_at) VALUES (?, 2, 5)').run('creator:usr_1');
    old.close();

    const db = openDb(dataDir);
    try {
      const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
      expect(versions).toEqual(loadMigrations().map((m) => m.version));
      expect(db.prepare('SELECT count(*) FROM catalog_updates').pluck().get()).toBe(2);

      const account = new AccountStore(db, box).get();
      expect(account).toMatchObject({ userId: 'usr_1', username: 'ava', refreshToken: 'refresh-token-1', deviceKeyId: 'key_1', deviceSecretKey: 'device-secret-1' });

      const store = new CatalogStore(db);
      const loaded = new Y.Doc();
      store.load('creator:usr_1', loaded, 'test');
      expect(loaded.getMap('posts').toJSON()).toEqual({ p1: 'first', p2: 'second' });
      expect(store.bookkeeping('creator:usr_1')).toEqual({ pendingLocal: 2, lastSyncedAt: 5 });
      // The AUTOINCREMENT sequence carried over: the next update does not reuse a seq.
      const seq = db.prepare('INSERT INTO catalog_updates (doc_name, data, local, created_at) VALUES (?, ?, 1, 3) RETURNING seq').pluck().get('creator:usr_1', Buffer.from(tail));
      expect(seq).toBe(3);
    } finally {
      db.close();
    }
  });

  it('is applied once: opening the upgraded database again changes nothing', () => {
    const dataDir = join(tmp.dir, 'twice');
    openDb(dataDir).close();
    const db = openDb(dataDir);
    try {
      expect(migrate(db)).toBe(0);
      expect(tablesIn(db)).toEqual(ACCOUNT_TABLES);
    } finally {
      db.close();
    }
  });
});
