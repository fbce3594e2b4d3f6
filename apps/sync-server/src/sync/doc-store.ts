// Durable storage of Yjs documents: one snapshot row per document plus an append-only update log.
// Loading = snapshot + log in order. Compaction folds the log into the snapshot in one transaction, so a
// crash at any point leaves either the old snapshot + full log or the new snapshot + the remaining log.
// Each update has a gap-free per-document seq (doc_seq): instances compare it to find updates they
// missed (multi-instance mode, sync/redis-doc-relay.ts). This file is the persistence side of sync: fetch
// (load / loadSince) and store (append); the protocol code never sees SQL.
import type { Database } from '../db/database.js';

export interface StoredDoc {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** Highest global seq present (snapshot or log); 0 for a new document. Readers cache by it. */
  lastSeq: number;
  /** Highest per-document seq present (snapshot or log): the doc's position in its gap-free sequence. */
  docSeq: number;
}

/** Updates of one document after a given per-document seq (gap fill between instances). */
export interface StoredSince {
  /** The snapshot, when it already folds in updates after the asked seq (they are gone from the log). */
  snapshot: Uint8Array | null;
  updates: { seq: number; data: Uint8Array }[];
  /** Highest per-document seq covered by the answer (= the asked seq when nothing is newer). */
  docSeq: number;
}

interface PendingAppend {
  name: string;
  updates: Uint8Array[];
  resolve: (docSeq: number) => void;
  reject: (err: unknown) => void;
}

// One INSERT carries at most this much (PostgreSQL allows 65535 parameters per statement).
const MAX_ROWS = 2000;
const MAX_BYTES = 32 * 1024 * 1024;

// One statement, so it reads one snapshot of the database: a compaction committing in between cannot
// make it pair the old snapshot with an already trimmed log (READ COMMITTED gives each statement its own).
const SINCE_SQL = `
  SELECT 0 AS part, d.snapshot AS data, d.snapshot_doc_seq AS doc_seq, d.snapshot_seq AS seq
    FROM yjs_documents d WHERE d.name = $1 AND d.snapshot IS NOT NULL AND d.snapshot_doc_seq > $2
  UNION ALL
  SELECT 1, u.data, u.doc_seq, u.seq FROM yjs_updates u
   WHERE u.doc_name = $1
     AND u.doc_seq > GREATEST($2::bigint, COALESCE((SELECT snapshot_doc_seq FROM yjs_documents WHERE name = $1 AND snapshot IS NOT NULL), 0))
  ORDER BY part, doc_seq`;

// The batch statement below for one document and one update, once the document has its row (an UPDATE
// is ~0.1 ms cheaper than the upsert on PGlite; README, issue 16). No row: nothing is inserted either.
const APPEND_ONE_SQL = `
  WITH head AS (
    UPDATE yjs_documents SET head_seq = head_seq + 1 WHERE name = $1 RETURNING head_seq
  ), ins AS (
    INSERT INTO yjs_updates (doc_name, doc_seq, data) SELECT $1, head.head_seq, $2::bytea FROM head
  )
  SELECT head_seq FROM head`;

export class DocStore {
  constructor(private readonly db: Database) {
    this.maxInFlight = db.kind === 'postgres' ? 4 : 1;
  }

  /** The whole document: snapshot + the log after it ("fetch"). */
  async load(name: string): Promise<StoredDoc> {
    const rows = await this.db.query<SinceRow>(SINCE_SQL, [name, -1]);
    let snapshot: Uint8Array | null = null;
    const updates: Uint8Array[] = [];
    let lastSeq = 0;
    let docSeq = 0;
    for (const r of rows) {
      if (Number(r.part) === 0) snapshot = toBytes(r.data);
      else updates.push(toBytes(r.data));
      lastSeq = Math.max(lastSeq, Number(r.seq));
      docSeq = Math.max(docSeq, Number(r.doc_seq));
    }
    return { snapshot, updates, lastSeq, docSeq };
  }

  /** What another instance committed after `afterDocSeq` (gap fill and catch-up). */
  async loadSince(name: string, afterDocSeq: number): Promise<StoredSince> {
    const rows = await this.db.query<SinceRow>(SINCE_SQL, [name, afterDocSeq]);
    let snapshot: Uint8Array | null = null;
    const updates: { seq: number; data: Uint8Array }[] = [];
    let docSeq = afterDocSeq;
    for (const r of rows) {
      const seq = Number(r.doc_seq);
      if (Number(r.part) === 0) snapshot = toBytes(r.data);
      else updates.push({ seq, data: toBytes(r.data) });
      docSeq = Math.max(docSeq, seq);
    }
    return { snapshot, updates, docSeq };
  }

  /** Highest per-document seq handed out, for each named document that has one (cheap catch-up probe). */
  async heads(names: string[]): Promise<Map<string, number>> {
    if (names.length === 0) return new Map();
    const params = names.map((_, i) => `$${i + 1}`).join(', ');
    const rows = await this.db.query<{ name: string; head_seq: string | number }>(
      `SELECT name, head_seq FROM yjs_documents WHERE name IN (${params})`,
      names,
    );
    return new Map(rows.map((r) => [r.name, Number(r.head_seq)]));
  }

  /**
   * Appends updates ("store") and resolves with the highest per-document seq written; the updates got
   * the consecutive seqs ending there. Appends from all documents that arrive while every write slot is
   * busy are merged into the next single statement (group commit), so many active documents cost one round
   * trip, not one each. The statement bumps each document's head_seq and inserts the rows together, so a
   * seq becomes visible only with its row, and the head row's lock orders appends across instances.
   */
  append(name: string, updates: Uint8Array[]): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ name, updates, resolve, reject });
      this.pump();
    });
  }

  private queue: PendingAppend[] = [];
  private inFlight = 0;
  // PostgreSQL: up to this many statements in flight on the pool (pipelining: an append does not wait for
  // another document's commit, and the server groups their WAL flushes). PGlite has one connection: 1.
  private readonly maxInFlight: number;

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private takeBatch(): PendingAppend[] {
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
    return this.queue.splice(0, n);
  }

  private async write(batch: PendingAppend[]): Promise<void> {
    try {
      const heads = await this.insert(batch);
      // Appends of one document in one batch got consecutive ranges in queue order.
      const end = new Map<string, number>();
      const total = new Map<string, number>();
      for (const a of batch) total.set(a.name, (total.get(a.name) ?? 0) + a.updates.length);
      for (const a of batch) {
        const used = end.get(a.name) ?? heads.get(a.name)! - total.get(a.name)!;
        end.set(a.name, used + a.updates.length);
        a.resolve(used + a.updates.length);
      }
    } catch (err) {
      for (const a of batch) a.reject(err);
    }
  }

  /** One statement for the whole batch; resolves each document's new head_seq. */
  private async insert(batch: PendingAppend[]): Promise<Map<string, number>> {
    if (batch.length === 1 && batch[0]!.updates.length === 1) {
      // The common case when nothing piles up (one edit, nobody else writing): a prepared statement,
      // so the commit is one exchange with the database and no parse/plan (issue 16 in the README).
      const a = batch[0]!;
      const rows = await this.db.queryPrepared<{ head_seq: string | number }>('yjs_append_one', APPEND_ONE_SQL, [a.name, a.updates[0]!]);
      if (rows[0]) return new Map([[a.name, Number(rows[0].head_seq)]]);
      // A document's first update: the upsert below creates its row.
    }
    // Documents in name order: two instances appending to the same documents lock their head rows in the
    // same order, so they wait for each other instead of deadlocking.
    const byDoc = new Map<string, Uint8Array[]>();
    for (const a of [...batch].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
      const list = byDoc.get(a.name) ?? [];
      list.push(...a.updates);
      byDoc.set(a.name, list);
    }
    const params: (string | Uint8Array)[] = [];
    const heads: string[] = [];
    const values: string[] = [];
    for (const [name, updates] of byDoc) {
      params.push(name);
      const nameIdx = params.length;
      heads.push(`($${nameIdx}, ${updates.length})`);
      updates.forEach((u, i) => {
        params.push(u);
        values.push(`($${nameIdx}::text, ${i + 1}, ${updates.length}, $${params.length}::bytea)`);
      });
    }
    // Its SQL varies with the batch's shape, so it is not prepared ('').
    const result = await this.db.queryPrepared<{ name: string; head_seq: string | number }>(
      '',
      `WITH heads AS (
         INSERT INTO yjs_documents AS d (name, head_seq) VALUES ${heads.join(', ')}
         ON CONFLICT (name) DO UPDATE SET head_seq = d.head_seq + EXCLUDED.head_seq
         RETURNING d.name, d.head_seq
       ), ins AS (
         INSERT INTO yjs_updates (doc_name, doc_seq, data)
         SELECT v.doc, h.head_seq - v.n + v.ord, v.data
           FROM (VALUES ${values.join(', ')}) AS v(doc, ord, n, data) JOIN heads h ON h.name = v.doc
          ORDER BY v.doc, v.ord
       )
       SELECT name, head_seq FROM heads`,
      params,
    );
    return new Map(result.map((r) => [r.name, Number(r.head_seq)]));
  }

  /**
   * Replaces the snapshot with `state` (which must contain every update up to uptoDocSeq) and trims the
   * log. A snapshot never moves backwards: of two instances compacting at once, the further one wins; an
   * advisory lock per document makes them take turns.
   */
  async compact(name: string, state: Uint8Array, uptoDocSeq: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Instances compacting one document take turns (the snapshot write and the trim are one step each).
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`compact:${name}`]);
      await tx.query(
        `INSERT INTO yjs_documents AS d (name, snapshot, snapshot_doc_seq, snapshot_seq, head_seq, updated_at)
         VALUES ($1, $2, $3::bigint, COALESCE((SELECT max(seq) FROM yjs_updates WHERE doc_name = $1 AND doc_seq <= $3::bigint), 0), $3::bigint, now())
         ON CONFLICT (name) DO UPDATE SET snapshot = EXCLUDED.snapshot, snapshot_doc_seq = EXCLUDED.snapshot_doc_seq,
           snapshot_seq = GREATEST(d.snapshot_seq, EXCLUDED.snapshot_seq), updated_at = now()
         WHERE d.snapshot_doc_seq <= EXCLUDED.snapshot_doc_seq`,
        [name, state, uptoDocSeq],
      );
      await tx.query('DELETE FROM yjs_updates WHERE doc_name = $1 AND doc_seq <= $2', [name, uptoDocSeq]);
    });
  }

  async logLength(name: string): Promise<number> {
    const rows = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM yjs_updates WHERE doc_name = $1', [name]);
    return rows[0]?.n ?? 0;
  }
}

interface SinceRow {
  part: number | string;
  data: Uint8Array;
  doc_seq: string | number;
  seq: string | number;
}

function toBytes(v: Uint8Array): Uint8Array {
  // pg returns Buffer (a Uint8Array subclass); Yjs is happy with either, but keep one type.
  return v instanceof Uint8Array ? v : new Uint8Array(v);
}
