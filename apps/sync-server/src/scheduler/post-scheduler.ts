// Publishes scheduled posts at their time with no desktop online. An index of scheduled posts
// (post_schedule, migration 1110) is kept as the creators' catalog documents are written: a document whose
// head_seq moved past the version last indexed is read once from the durable store (every update is stored
// before it is applied) and its schedule rewritten. Due posts are then a query on that index, so documents
// nobody wrote are never replayed, and a restart starts from the stored index. When a post comes due: the
// publication is recorded (post_publications, primary key = post id, so it happens once), then the post is
// flipped to published in the document through DocManager.edit, which stores and broadcasts it like any
// client edit. Both steps are idempotent, so a crash between them is repaired on the next tick or start.
// With several instances the timed loop runs on one of them at a time (db/run-alone.ts: an advisory lock),
// so a post is published by one instance, once; the publication row would still decide a race.
// The same indexing pass records posts a creator published immediately (status 'published' written from a
// desktop, never scheduled) as analytics post_published events: the document is the only place the server
// learns of them. The event key post_published:<post> makes that once per post, whoever saw it first.
import { recordPostPublished } from '../analytics/analytics-events.js';
import * as Y from 'yjs';
import type { Logger } from 'pino';
import { listPosts, listSchedule, publishDuePosts, scheduleOf } from '@fanz/core';
import type { Database } from '../db/database.js';
import { runAlone } from '../db/run-alone.js';
import type { DocManager } from '../sync/doc-manager.js';
import type { DocStore } from '../sync/doc-store.js';

const CATALOG_DOC = /^creator:(.+)$/;

export interface PostSchedulerOptions {
  db: Database;
  store: DocStore;
  docs: DocManager;
  log: Logger;
  /** How often due posts and written documents are checked. */
  tickMs?: number;
  now?: () => Date;
}

interface Published {
  postId: string;
  publishedAt: string | null;
}

export interface Publication {
  postId: string;
  creatorId: string;
  scheduledAt: string;
}

// Creator documents written since they were last indexed (or never indexed). head_seq is bumped in the
// statement that stores an update, so it is the document's written version.
const CHANGED_DOCS_SQL = `
  SELECT d.name, d.head_seq FROM yjs_documents d
    LEFT JOIN post_schedule_docs s ON s.doc_name = d.name
   WHERE d.name LIKE 'creator:%' AND d.head_seq > COALESCE(s.indexed_doc_seq, -1)`;

export class PostScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly tickMs: number;
  private readonly now: () => Date;
  /** Called for each post this instance published (tests, webhooks later). */
  onPublished: ((p: Publication) => void) | null = null;
  /** Documents read so far, from memory or the store (the cost the index saves; tests and metrics). */
  docsRead = 0;
  /** Per document: the schedule this instance last wrote to the index, and the indexed_doc_seq it wrote. */
  private readonly written = new Map<string, { seq: number; key: string }>();
  /** Per document: posts known to have their post_published analytics event (saves a lookup per index). */
  private readonly recorded = new Map<string, Set<string>>();

  constructor(private readonly o: PostSchedulerOptions) {
    this.tickMs = o.tickMs ?? 1000;
    this.now = o.now ?? (() => new Date());
  }

  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = runAlone(this.o.db, 'post-scheduler', () => this.tick())
        .then(() => undefined)
        .catch((err: unknown) => this.o.log.error({ err }, 'scheduler tick failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(loop, this.tickMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One round: re-index the documents written since last time, publish what the index says is due. */
  async tick(): Promise<Publication[]> {
    await this.indexWritten();
    const now = this.now();
    const due = await this.o.db.query<{ doc_name: string }>('SELECT DISTINCT doc_name FROM post_schedule WHERE scheduled_at <= $1', [now.toISOString()]);
    const published: Publication[] = [];
    for (const { doc_name } of due) {
      if (this.stopped) break;
      published.push(...(await this.publishDue(doc_name, now.getTime())));
    }
    return published;
  }

  private async indexWritten(): Promise<void> {
    const rows = await this.o.db.query<{ name: string; head_seq: string | number }>(CHANGED_DOCS_SQL);
    for (const r of rows) {
      if (this.stopped) break;
      await this.indexDoc(r.name, Number(r.head_seq));
    }
  }

  private async readDoc(name: string): Promise<{ doc: Y.Doc; docSeq: number }> {
    const stored = await this.o.store.load(name);
    this.docsRead++;
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
    return { doc, docSeq: stored.docSeq };
  }

  /** The schedule of a document at (at least) headSeq, and its published posts: from memory when it is loaded here and caught up. */
  private async readSchedule(name: string, headSeq: number): Promise<{ schedule: Array<{ postId: string; scheduledAt: string }>; published: Published[]; docSeq: number }> {
    // One read of the posts (each is validated) serves both the schedule and the published list.
    const read = (doc: Y.Doc) => {
      const posts = listPosts(doc);
      return {
        schedule: scheduleOf(posts).filter((s) => Number.isFinite(Date.parse(s.scheduledAt))),
        published: posts.filter((p) => p.status === 'published').map((p): Published => ({ postId: p.id, publishedAt: p.publishedAt })),
      };
    };
    // A document being edited is written many times a second; replaying it from the store on every tick
    // stalled the sync path (on PGlite the read runs on the server's thread). The loaded copy holds every
    // stored update up to its watermark, so it answers whenever that is not behind what the query saw.
    const live = this.o.docs.peek(name);
    if (live && live.docSeq >= headSeq) {
      this.docsRead++;
      return { ...read(live.doc), docSeq: live.docSeq };
    }
    const stored = await this.readDoc(name);
    try {
      // What was read is at least the head seen by the query (appends only move it forward).
      return { ...read(stored.doc), docSeq: Math.max(stored.docSeq, headSeq) };
    } finally {
      stored.doc.destroy();
    }
  }

  /**
   * Records the analytics event of each published post not recorded yet (immediate publications; the
   * scheduler's own were recorded with their post_publications row). Counted at the post's publishedAt,
   * or now when that is missing or in the future (the time comes from the creator's device).
   */
  private async recordPublished(name: string, published: Published[]): Promise<void> {
    const creatorId = CATALOG_DOC.exec(name)?.[1];
    if (!creatorId || published.length === 0) return;
    const known = this.recorded.get(name) ?? new Set<string>();
    this.recorded.set(name, known);
    const fresh = published.filter((p) => !known.has(p.postId));
    if (fresh.length === 0) return;
    // Post ids are validated (post_ + base32), so the array literal needs no quoting.
    const seen = await this.o.db.query<{ subject_id: string }>(`SELECT subject_id FROM analytics_events WHERE event_key = ANY($1::text[])`, [
      `{${fresh.map((p) => `post_published:${p.postId}`).join(',')}}`,
    ]);
    for (const r of seen) known.add(r.subject_id);
    const missing = fresh.filter((p) => !known.has(p.postId));
    if (missing.length === 0) return;
    const now = this.now().getTime();
    await this.o.db.transaction(async (tx) => {
      for (const p of missing) {
        const at = p.publishedAt === null ? NaN : Date.parse(p.publishedAt);
        await recordPostPublished(tx, { postId: p.postId, creatorId, at: new Date(Number.isFinite(at) && at <= now ? at : now) });
      }
    });
    for (const p of missing) known.add(p.postId);
  }

  /** Rewrites the document's rows in the index, unless another instance already indexed a newer version. */
  private async indexDoc(name: string, headSeq = 0): Promise<void> {
    const { schedule, published, docSeq } = await this.readSchedule(name, headSeq);
    await this.recordPublished(name, published);
    const key = JSON.stringify(schedule);
    const last = this.written.get(name);
    if (last && last.key === key) {
      // Same schedule as this instance last wrote: only the version moves, if nobody rewrote it since.
      const moved = await this.o.db.query<{ doc_name: string }>(
        'UPDATE post_schedule_docs SET indexed_doc_seq = $3 WHERE doc_name = $1 AND indexed_doc_seq = $2 AND $3 > $2 RETURNING doc_name',
        [name, last.seq, docSeq],
      );
      if (moved.length > 0 || docSeq <= last.seq) {
        if (moved.length > 0) this.written.set(name, { seq: docSeq, key });
        return;
      }
    }
    this.written.delete(name);
    const wrote = await this.o.db.transaction(async (tx) => {
      const claimed = await tx.query<{ doc_name: string }>(
        `INSERT INTO post_schedule_docs AS s (doc_name, indexed_doc_seq) VALUES ($1, $2)
         ON CONFLICT (doc_name) DO UPDATE SET indexed_doc_seq = EXCLUDED.indexed_doc_seq
         WHERE s.indexed_doc_seq < EXCLUDED.indexed_doc_seq RETURNING doc_name`,
        [name, docSeq],
      );
      if (claimed.length === 0) return false;
      await tx.query('DELETE FROM post_schedule WHERE doc_name = $1', [name]);
      for (const s of schedule) {
        await tx.query('INSERT INTO post_schedule (doc_name, post_id, scheduled_at) VALUES ($1, $2, $3) ON CONFLICT (doc_name, post_id) DO UPDATE SET scheduled_at = EXCLUDED.scheduled_at', [
          name,
          s.postId,
          new Date(s.scheduledAt).toISOString(),
        ]);
      }
      return true;
    });
    if (wrote) this.written.set(name, { seq: docSeq, key });
  }

  private async publishDue(name: string, now: number): Promise<Publication[]> {
    const creatorId = CATALOG_DOC.exec(name)?.[1];
    if (!creatorId) return [];
    // Record first: the row is the decision; the document edit below can be repeated safely.
    const { doc } = await this.readDoc(name);
    const due = listSchedule(doc).filter((s) => Date.parse(s.scheduledAt) <= now);
    doc.destroy();
    const fresh: Publication[] = [];
    for (const s of due) {
      const rows = await this.o.db.transaction(async (tx) => {
        const inserted = await tx.query<{ post_id: string; published_at: Date | string }>(
          `INSERT INTO post_publications (post_id, creator_id, doc_name, scheduled_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (post_id) DO NOTHING RETURNING post_id, published_at`,
          [s.postId, creatorId, name, s.scheduledAt],
        );
        // Analytics counts the post on the day it went public, in the transaction that decides it.
        if (inserted[0]) await recordPostPublished(tx, { postId: s.postId, creatorId, at: new Date(inserted[0].published_at) });
        return inserted;
      });
      if (rows.length > 0) fresh.push({ postId: s.postId, creatorId, scheduledAt: s.scheduledAt });
    }
    if (due.length > 0) {
      await this.o.docs.edit(name, (d) => {
        publishDuePosts(d, new Date(now));
      });
    }
    for (const p of fresh) {
      this.o.log.info({ postId: p.postId, creatorId, scheduledAt: p.scheduledAt }, 'scheduled post published');
      this.onPublished?.(p);
    }
    await this.indexDoc(name);
    return fresh;
  }
}
