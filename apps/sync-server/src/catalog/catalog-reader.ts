// Reads what fans can buy from the creators' Yjs catalog documents (`creator:<id>`): subscription tiers
// in the map "tiers" and posts (pay-per-view prices) in the map "posts", each keyed by id; values may be
// plain objects or nested Y.Maps. Documents are read from the durable store (every update is stored
// before it is applied, so the store is never behind the live document) and cached per document version,
// for the most recently used creators only (a bounded LRU), so memory does not grow with every creator ever read.
// catalog_products indexes which creator defines an id; an unknown id triggers a scan of the documents
// changed since the last scan.
import * as Y from 'yjs';
import { z } from 'zod';
import { plainText, type Money } from '@fanz/core';
import type { Database } from '../db/database.js';
import type { DocStore } from '../sync/doc-store.js';
import { lineText, payableMoneySchema } from '../ledger/money-rules.js';

export interface CatalogTier {
  id: string;
  creatorId: string;
  name: string;
  price: Money;
  interval: 'month' | 'year';
  benefits: string[];
  active: boolean;
}

export interface CatalogPost {
  id: string;
  creatorId: string;
  title: string;
  visibility: string;
  status: string | null;
  scheduledAt: string | null;
  price: Money | null;
}

interface Catalog {
  seq: number;
  tiers: Map<string, CatalogTier>;
  posts: Map<string, CatalogPost>;
}

// Values synced from the studio obey the same rules as REST bodies (bounded positive prices, plain text):
// anything else is not offered for sale at all, so it can neither be charged nor break the payment record.
const tierValue = z.object({
  name: lineText(80, 1),
  price: payableMoneySchema,
  interval: z.enum(['month', 'year']),
  benefits: z.array(lineText(200, 1)).max(20).default([]),
  active: z.boolean().default(true),
});
const postValue = z.object({
  title: plainText(200).default(''),
  visibility: z.string().max(40),
  status: z.string().max(40).nullable().default(null),
  scheduledAt: z.string().max(40).nullable().default(null),
  price: payableMoneySchema.nullable().default(null),
});

const DOC_PREFIX = 'creator:';

function plain(v: unknown): unknown {
  return v instanceof Y.AbstractType ? v.toJSON() : v;
}

/** Catalogs kept in memory by default; each holds one creator's tiers and posts. */
export const CATALOG_CACHE_ENTRIES = 1000;

export class CatalogReader {
  /** creatorId -> catalog, least recently used first (a Map keeps insertion order). */
  private readonly cache = new Map<string, Catalog>();
  private scannedUpTo = 0;

  constructor(
    private readonly db: Database,
    private readonly store: DocStore,
    private readonly maxCached = CATALOG_CACHE_ENTRIES,
  ) {
    if (!Number.isInteger(maxCached) || maxCached < 1) throw new RangeError('CatalogReader: maxCached must be a positive integer');
  }

  /** How many creators' catalogs are in memory (at most maxCached). */
  get cachedCount(): number {
    return this.cache.size;
  }

  private keep(creatorId: string, catalog: Catalog): void {
    this.cache.delete(creatorId);
    this.cache.set(creatorId, catalog);
    while (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value as string);
  }

  private async version(creatorId: string): Promise<number> {
    const rows = await this.db.query<{ seq: string | number | null }>(
      `SELECT GREATEST((SELECT snapshot_seq FROM yjs_documents WHERE name = $1),
                       (SELECT max(seq) FROM yjs_updates WHERE doc_name = $1)) AS seq`,
      [DOC_PREFIX + creatorId],
    );
    return Number(rows[0]?.seq ?? 0);
  }

  async catalog(creatorId: string): Promise<Catalog> {
    const seq = await this.version(creatorId);
    const cached = this.cache.get(creatorId);
    if (cached && cached.seq === seq) {
      this.keep(creatorId, cached); // now the most recently used
      return cached;
    }
    const stored = await this.store.load(DOC_PREFIX + creatorId);
    const doc = new Y.Doc();
    try {
      for (const u of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) {
        try {
          Y.applyUpdate(doc, u);
        } catch {
          // an unreadable update is skipped, exactly as the live document does
        }
      }
      const catalog: Catalog = { seq: stored.lastSeq, tiers: new Map(), posts: new Map() };
      doc.getMap('tiers').forEach((value, id) => {
        const r = tierValue.safeParse(plain(value));
        if (r.success) catalog.tiers.set(id, { id, creatorId, ...r.data });
      });
      doc.getMap('posts').forEach((value, id) => {
        const r = postValue.safeParse(plain(value));
        if (r.success) catalog.posts.set(id, { id, creatorId, ...r.data });
      });
      this.keep(creatorId, catalog);
      await this.index(creatorId, catalog);
      return catalog;
    } finally {
      doc.destroy();
    }
  }

  private async index(creatorId: string, catalog: Catalog): Promise<void> {
    const items = [...[...catalog.tiers.keys()].map((id) => [id, 'tier'] as const), ...[...catalog.posts.keys()].map((id) => [id, 'post'] as const)];
    for (let i = 0; i < items.length; i += 200) {
      const chunk = items.slice(i, i + 200);
      const params: string[] = [creatorId];
      const values = chunk.map(([id, kind], j) => {
        params.push(id, kind);
        return `($${j * 2 + 2}, $1, $${j * 2 + 3})`;
      });
      // An id already claimed by another creator's document keeps its first owner.
      await this.db.query(
        `INSERT INTO catalog_products (product_id, creator_id, kind) VALUES ${values.join(', ')} ON CONFLICT (product_id) DO NOTHING`,
        params,
      );
    }
  }

  /** Records that a creator's document defines an id (used when the server itself writes it). */
  async remember(productId: string, creatorId: string, kind: 'tier' | 'post'): Promise<void> {
    await this.db.query('INSERT INTO catalog_products (product_id, creator_id, kind) VALUES ($1, $2, $3) ON CONFLICT (product_id) DO NOTHING', [
      productId,
      creatorId,
      kind,
    ]);
  }

  private async ownerOf(productId: string, kind: 'tier' | 'post'): Promise<string | null> {
    const find = async () =>
      (await this.db.query<{ creator_id: string }>('SELECT creator_id FROM catalog_products WHERE product_id = $1 AND kind = $2', [productId, kind]))[0]
        ?.creator_id ?? null;
    const known = await find();
    if (known) return known;
    await this.scanChangedDocs();
    return find();
  }

  private async scanChangedDocs(): Promise<void> {
    const rows = await this.db.query<{ name: string; seq: string | number }>(
      `SELECT name, max(seq) AS seq FROM (
         SELECT doc_name AS name, seq FROM yjs_updates WHERE seq > $1
         UNION ALL SELECT name, snapshot_seq AS seq FROM yjs_documents WHERE snapshot_seq > $1
       ) AS changed WHERE name LIKE 'creator:%' GROUP BY name`,
      [this.scannedUpTo],
    );
    let top = this.scannedUpTo;
    for (const r of rows) {
      await this.catalog(r.name.slice(DOC_PREFIX.length));
      top = Math.max(top, Number(r.seq));
    }
    this.scannedUpTo = top;
  }

  async tier(tierId: string): Promise<CatalogTier | null> {
    const owner = await this.ownerOf(tierId, 'tier');
    return owner ? ((await this.catalog(owner)).tiers.get(tierId) ?? null) : null;
  }

  async post(postId: string): Promise<CatalogPost | null> {
    const owner = await this.ownerOf(postId, 'post');
    return owner ? ((await this.catalog(owner)).posts.get(postId) ?? null) : null;
  }
}
