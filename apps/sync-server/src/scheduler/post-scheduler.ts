// Publishes scheduled posts at their time with no desktop online. It reads the creators' catalog documents
// from the durable store (every update is stored before it is applied), keeps the earliest due time per
// document in memory, and when one comes due: records the publication (post_publications, primary key =
// post id, so it happens once), then flips the post to published in the document through DocManager.edit,
// which stores and broadcasts it like any client edit. Both steps are idempotent, so a crash between them
// is repaired on the next tick or start. Changed documents are found from the update log's sequence (plus
// a periodic full rescan, since a sequence committed out of order could be missed).
import { recordPostPublished } from '../analytics/analytics-events.js';
import * as Y from 'yjs';
import type { Logger } from 'pino';
import { listSchedule, publishDuePosts } from '@fanz/core';
import type { Database } from '../db/database.js';
import type { DocManager } from '../sync/doc-manager.js';
import type { DocStore } from '../sync/doc-store.js';

const CATALOG_DOC = /^creator:(.+)$/;

export interface PostSchedulerOptions {
  db: Database;
  store: DocStore;
  docs: DocManager;
  log: Logger;
  /** How often due posts and changed documents are checked. */
  tickMs?: number;
  /** How often every catalog document is re-read, whatever the update log says. */
  rescanMs?: number;
  now?: () => Date;
}

export interface Publication {
  postId: string;
  creatorId: string;
  scheduledAt: string;
}

export class PostScheduler {
  /** doc name -> earliest scheduledAt (ms) among its scheduled posts. */
  private readonly nextDue = new Map<string, number>();
  private watermark = 0;
  private lastFullScan = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly tickMs: number;
  private readonly rescanMs: number;
  private readonly now: () => Date;
  /** Called for each post this instance published (tests, webhooks later). */
  onPublished: ((p: Publication) => void) | null = null;

  constructor(private readonly o: PostSchedulerOptions) {
    this.tickMs = o.tickMs ?? 1000;
    this.rescanMs = o.rescanMs ?? 60_000;
    this.now = o.now ?? (() => new Date());
  }

  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
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

  /** One round: find changed documents, re-read their schedules, publish what is due. */
  async tick(): Promise<Publication[]> {
    await this.refreshIndex();
    const now = this.now().getTime();
    const published: Publication[] = [];
    for (const [name, due] of [...this.nextDue]) {
      if (this.stopped) break;
      if (due > now) continue;
      published.push(...(await this.publishDue(name, now)));
    }
    return published;
  }

  private async refreshIndex(): Promise<void> {
    const full = Date.now() - this.lastFullScan >= this.rescanMs;
    let names: string[];
    const maxRow = await this.o.db.query<{ m: string | number | null }>('SELECT max(seq) AS m FROM yjs_updates');
    const snapRow = await this.o.db.query<{ m: string | number | null }>('SELECT max(snapshot_seq) AS m FROM yjs_documents');
    const top = Math.max(Number(maxRow[0]?.m ?? 0), Number(snapRow[0]?.m ?? 0));
    if (full) {
      const rows = await this.o.db.query<{ name: string }>(
        `SELECT name FROM yjs_documents WHERE name LIKE 'creator:%' UNION SELECT DISTINCT doc_name AS name FROM yjs_updates WHERE doc_name LIKE 'creator:%'`,
      );
      names = rows.map((r) => r.name);
      this.lastFullScan = Date.now();
    } else {
      if (top <= this.watermark) return;
      const rows = await this.o.db.query<{ name: string }>(
        `SELECT DISTINCT doc_name AS name FROM yjs_updates WHERE seq > $1 AND doc_name LIKE 'creator:%'
         UNION SELECT name FROM yjs_documents WHERE snapshot_seq > $1 AND name LIKE 'creator:%'`,
        [this.watermark],
      );
      names = rows.map((r) => r.name);
    }
    this.watermark = top;
    for (const name of names) await this.indexDoc(name);
  }

  private async readDoc(name: string): Promise<Y.Doc> {
    const stored = await this.o.store.load(name);
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
    return doc;
  }

  private async indexDoc(name: string): Promise<void> {
    const doc = await this.readDoc(name);
    try {
      const first = listSchedule(doc)[0];
      if (first) this.nextDue.set(name, Date.parse(first.scheduledAt));
      else this.nextDue.delete(name);
    } finally {
      doc.destroy();
    }
  }

  private async publishDue(name: string, now: number): Promise<Publication[]> {
    const creatorId = CATALOG_DOC.exec(name)?.[1];
    if (!creatorId) return [];
    // Record first: the row is the decision; the document edit below can be repeated safely.
    const doc = await this.readDoc(name);
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
