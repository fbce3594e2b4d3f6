// Which public posts hold a media right now, read from the creator's catalog document with @fanz/core's
// derivePublicCatalog (so "public" means exactly what the catalog route and the fan app show). The
// derived posts are cached per document version, as catalog/catalog-reader.ts does; since a scheduled
// post becomes public by the clock alone, the cache keeps the published posts and the scheduled ones
// with their time, and the time test runs per request.
import * as Y from 'yjs';
import { catalogDocName, derivePublicCatalog, type PublicPost } from '@fanz/core';
import type { Database } from '../db/database.js';
import type { DocStore } from '../sync/doc-store.js';

interface CachedCatalog {
  seq: number;
  /** Published posts and every scheduled post (publishedAt = its scheduled time). */
  posts: PublicPost[];
  /** Ids of posts public whatever the clock says (status published). */
  published: Set<string>;
}

// derivePublicCatalog at the end of time lists every scheduled post; at the epoch, only published ones.
const END_OF_TIME = 8.64e15;

export class MediaCatalog {
  private readonly cache = new Map<string, CachedCatalog>();

  constructor(
    private readonly db: Database,
    private readonly store: DocStore,
  ) {}

  private async version(docName: string): Promise<number> {
    const rows = await this.db.query<{ seq: string | number | null }>(
      `SELECT GREATEST((SELECT snapshot_seq FROM yjs_documents WHERE name = $1),
                       (SELECT max(seq) FROM yjs_updates WHERE doc_name = $1)) AS seq`,
      [docName],
    );
    return Number(rows[0]?.seq ?? 0);
  }

  private async load(creatorId: string): Promise<CachedCatalog> {
    const name = catalogDocName(creatorId);
    const seq = await this.version(name);
    const cached = this.cache.get(creatorId);
    if (cached && cached.seq === seq) return cached;
    const stored = await this.store.load(name);
    const doc = new Y.Doc();
    try {
      for (const u of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) {
        try {
          Y.applyUpdate(doc, u);
        } catch {
          // an unreadable update is skipped, exactly as the live document does
        }
      }
      const entry: CachedCatalog = {
        seq: stored.lastSeq,
        posts: derivePublicCatalog(doc, END_OF_TIME).posts.filter((p) => p.creatorId === creatorId),
        published: new Set(derivePublicCatalog(doc, 0).posts.map((p) => p.id)),
      };
      this.cache.delete(creatorId);
      this.cache.set(creatorId, entry);
      if (this.cache.size > 1000) this.cache.delete(this.cache.keys().next().value as string);
      return entry;
    } finally {
      doc.destroy();
    }
  }

  /** The creator's posts that are public at `now` and hold the media, newest first. */
  async publicPostsWith(creatorId: string, mediaId: string, now = Date.now()): Promise<PublicPost[]> {
    const c = await this.load(creatorId);
    return c.posts.filter(
      (p) => (c.published.has(p.id) || Date.parse(p.publishedAt) <= now) && p.media.some((m) => m.mediaId === mediaId),
    );
  }
}
