// Durable storage of Yjs documents: one snapshot row per document plus an append-only update log.
// Loading = snapshot + log in order. Compaction folds the log into the snapshot in one transaction, so a
// crash at any point leaves either the old snapshot + full log or the new snapshot + the remaining log.
import type { Database } from '../db/database.js';

export interface StoredDoc {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** Highest seq present (snapshot or log); 0 for a new document. */
  lastSeq: number;
}

export class DocStore {
  constructor(private readonly db: Database) {}

  async load(name: string): Promise<StoredDoc> {
    // One transaction so a concurrent compaction cannot be seen half-way.
    return this.db.transaction(async (tx) => {
      const docs = await tx.query<{ snapshot: Uint8Array | null; snapshot_seq: string | number }>(
        'SELECT snapshot, snapshot_seq FROM yjs_documents WHERE name = $1',
        [name],
      );
      const snapSeq = Number(docs[0]?.snapshot_seq ?? 0);
      const rows = await tx.query<{ seq: string | number; data: Uint8Array }>(
        'SELECT seq, data FROM yjs_updates WHERE doc_name = $1 AND seq > $2 ORDER BY seq',
        [name, snapSeq],
      );
      const last = rows.length > 0 ? Number(rows[rows.length - 1]!.seq) : snapSeq;
      return { snapshot: docs[0]?.snapshot ?? null, updates: rows.map((r) => toBytes(r.data)), lastSeq: last };
    });
  }

  /** Appends updates in one statement (one commit for the batch); returns the highest seq written. */
  async append(name: string, updates: Uint8Array[]): Promise<number> {
    const params: (string | Uint8Array)[] = [name];
    const values = updates.map((u, i) => {
      params.push(u);
      return `($1, $${i + 2})`;
    });
    const rows = await this.db.query<{ seq: string | number }>(
      `INSERT INTO yjs_updates (doc_name, data) VALUES ${values.join(', ')} RETURNING seq`,
      params,
    );
    return Math.max(...rows.map((r) => Number(r.seq)));
  }

  /** Replaces the snapshot with `state` (which must contain every update up to uptoSeq) and trims the log. */
  async compact(name: string, state: Uint8Array, uptoSeq: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO yjs_documents (name, snapshot, snapshot_seq, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (name) DO UPDATE SET snapshot = EXCLUDED.snapshot, snapshot_seq = EXCLUDED.snapshot_seq, updated_at = now()
         WHERE yjs_documents.snapshot_seq <= EXCLUDED.snapshot_seq`,
        [name, state, uptoSeq],
      );
      await tx.query('DELETE FROM yjs_updates WHERE doc_name = $1 AND seq <= $2', [name, uptoSeq]);
    });
  }

  async logLength(name: string): Promise<number> {
    const rows = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM yjs_updates WHERE doc_name = $1', [name]);
    return rows[0]?.n ?? 0;
  }
}

function toBytes(v: Uint8Array): Uint8Array {
  // pg returns Buffer (a Uint8Array subclass); Yjs is happy with either, but keep one type.
  return v instanceof Uint8Array ? v : new Uint8Array(v);
}
