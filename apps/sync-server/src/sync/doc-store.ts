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

interface PendingAppend {
  name: string;
  updates: Uint8Array[];
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

// One INSERT carries at most this much (PostgreSQL allows 65535 parameters per statement).
const MAX_ROWS = 2000;
const MAX_BYTES = 32 * 1024 * 1024;

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

  /**
   * Appends updates and resolves with the highest seq written for this document. Appends from all
   * documents that arrive while a write is in flight are merged into the next single INSERT (group
   * commit), so many active documents cost one round trip, not one each.
   */
  append(name: string, updates: Uint8Array[]): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ name, updates, resolve, reject });
      if (!this.writing) void this.writeLoop();
    });
  }

  private queue: PendingAppend[] = [];
  private writing = false;

  private async writeLoop(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length) {
        let rows = 0;
        let bytes = 0;
        let n = 0;
        for (; n < this.queue.length; n++) {
          const a = this.queue[n]!;
          const size = a.updates.reduce((s, u) => s + u.length, 0);
          if (n > 0 && (rows + a.updates.length > MAX_ROWS || bytes + size > MAX_BYTES)) break;
          rows += a.updates.length;
          bytes += size;
        }
        const batch = this.queue.splice(0, n);
        try {
          const params: (string | Uint8Array)[] = [];
          const values: string[] = [];
          for (const a of batch) {
            params.push(a.name);
            const nameIdx = params.length;
            for (const u of a.updates) {
              params.push(u);
              values.push(`($${nameIdx}, $${params.length})`);
            }
          }
          const result = await this.db.query<{ doc_name: string; seq: string | number }>(
            `INSERT INTO yjs_updates (doc_name, data) VALUES ${values.join(', ')} RETURNING doc_name, seq`,
            params,
          );
          const maxSeq = new Map<string, number>();
          for (const r of result) maxSeq.set(r.doc_name, Math.max(maxSeq.get(r.doc_name) ?? 0, Number(r.seq)));
          for (const a of batch) a.resolve(maxSeq.get(a.name)!);
        } catch (err) {
          for (const a of batch) a.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
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
