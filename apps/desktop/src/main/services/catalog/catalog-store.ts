// Local persistence of catalog Yjs documents in the studio's SQLite: an append-only update log plus one
// snapshot per document. Loading = snapshot + the log in order. Compaction folds the log into the
// snapshot inside one transaction, so a crash at any point leaves either the old snapshot + full log or the
// new snapshot + the rest of the log. Also keeps, per document, how many local edits the server has not
// seen yet (survives compaction and restarts). Knows nothing about the network. Its tables come from
// migration 009_account_catalog.sql.
import * as Y from 'yjs';
import type { Db } from '../library/db.js';

export interface SyncBookkeeping {
  pendingLocal: number;
  lastSyncedAt: number | null;
}

export class CatalogStore {
  constructor(private readonly db: Db) {}

  /** Applies the stored state of `name` to `doc` with the given origin (so the caller can skip re-saving it). */
  load(name: string, doc: Y.Doc, origin: unknown): { updates: number } {
    const read = this.db.transaction(() => {
      const snap = this.db.prepare('SELECT snapshot, upto_seq FROM catalog_snapshots WHERE doc_name = ?').get(name) as
        | { snapshot: Buffer; upto_seq: number }
        | undefined;
      const rows = this.db
        .prepare('SELECT data FROM catalog_updates WHERE doc_name = ? AND seq > ? ORDER BY seq')
        .pluck()
        .all(name, snap?.upto_seq ?? 0) as Buffer[];
      return { snapshot: snap?.snapshot ?? null, rows };
    });
    const { snapshot, rows } = read();
    Y.transact(
      doc,
      () => {
        if (snapshot) Y.applyUpdate(doc, snapshot);
        for (const r of rows) Y.applyUpdate(doc, r);
      },
      origin,
    );
    return { updates: rows.length };
  }

  /** Appends one update. A local edit also counts as pending until the server has it. */
  append(name: string, update: Uint8Array, local: boolean): number {
    const tx = this.db.transaction(() => {
      const r = this.db
        .prepare('INSERT INTO catalog_updates (doc_name, data, local, created_at) VALUES (?, ?, ?, ?)')
        .run(name, Buffer.from(update), local ? 1 : 0, Date.now());
      if (local) {
        this.db
          .prepare(
            `INSERT INTO catalog_sync_state (doc_name, pending_local) VALUES (?, 1)
             ON CONFLICT (doc_name) DO UPDATE SET pending_local = pending_local + 1`,
          )
          .run(name);
      }
      return Number(r.lastInsertRowid);
    });
    return tx.immediate();
  }

  logLength(name: string): number {
    const snap = this.db.prepare('SELECT upto_seq FROM catalog_snapshots WHERE doc_name = ?').pluck().get(name) as number | undefined;
    return this.db
      .prepare('SELECT count(*) FROM catalog_updates WHERE doc_name = ? AND seq > ?')
      .pluck()
      .get(name, snap ?? 0) as number;
  }

  /** Folds the log into one snapshot. `doc` must already contain every logged update (it is the live doc). */
  compact(name: string, doc: Y.Doc): void {
    const tx = this.db.transaction(() => {
      const upto = this.db.prepare('SELECT max(seq) FROM catalog_updates WHERE doc_name = ?').pluck().get(name) as number | null;
      if (upto === null) return;
      this.db
        .prepare(
          `INSERT INTO catalog_snapshots (doc_name, snapshot, upto_seq, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (doc_name) DO UPDATE SET snapshot = excluded.snapshot, upto_seq = excluded.upto_seq, updated_at = excluded.updated_at`,
        )
        .run(name, Buffer.from(Y.encodeStateAsUpdate(doc)), upto, Date.now());
      this.db.prepare('DELETE FROM catalog_updates WHERE doc_name = ? AND seq <= ?').run(name, upto);
    });
    tx.immediate();
  }

  bookkeeping(name: string): SyncBookkeeping {
    const row = this.db.prepare('SELECT pending_local, last_synced_at FROM catalog_sync_state WHERE doc_name = ?').get(name) as
      | { pending_local: number; last_synced_at: number | null }
      | undefined;
    return { pendingLocal: row?.pending_local ?? 0, lastSyncedAt: row?.last_synced_at ?? null };
  }

  /** The server has everything up to now: no pending local edits. */
  markSynced(name: string, at = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO catalog_sync_state (doc_name, pending_local, last_synced_at) VALUES (?, 0, ?)
         ON CONFLICT (doc_name) DO UPDATE SET pending_local = 0, last_synced_at = excluded.last_synced_at`,
      )
      .run(name, at);
  }

  /** Forgets a document entirely (its log, snapshot and bookkeeping). */
  clear(name: string): void {
    this.db.transaction(() => {
      for (const t of ['catalog_updates', 'catalog_snapshots', 'catalog_sync_state']) this.db.prepare(`DELETE FROM ${t} WHERE doc_name = ?`).run(name);
    })();
  }
}
