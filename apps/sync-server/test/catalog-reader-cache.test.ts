// The catalog reader's cache is bounded and least-recently-used (issue 14 item 11): it keeps the catalogs of
// the creators read most recently, up to its limit, instead of one entry per creator for as long as the
// server runs; a catalog read again is served from memory until it is evicted or its document changes.
// Real PGlite database and DocStore; the store counts its loads (the documents the reader had to replay).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { catalogDocName, initCatalogDoc, newId, putTier } from '@fanz/core';
import { CatalogReader } from '../src/catalog/catalog-reader.js';
import { DocStore, type StoredDoc } from '../src/sync/doc-store.js';
import { makeStorage, startServer, register, type Running, type Storage } from './helpers.js';

class CountingStore extends DocStore {
  loads: string[] = [];
  override async load(name: string): Promise<StoredDoc> {
    this.loads.push(name);
    return super.load(name);
  }
}

let storage: Storage;
let srv: Running;

beforeEach(async () => {
  storage = makeStorage('pglite');
  srv = await startServer(storage);
});
afterEach(async () => {
  await srv?.close();
  await storage?.cleanup();
});

async function creatorWithTier(): Promise<{ creatorId: string; tierId: string }> {
  const creator = await register(srv.url, 'creator');
  const tierId = newId('tier');
  await srv.server.docs.edit(catalogDocName(creator.id), (d: Y.Doc) => {
    initCatalogDoc(d, creator.id);
    const at = new Date().toISOString();
    putTier(d, { id: tierId, creatorId: creator.id, name: 'Fans', price: { amount: 999, currency: 'USD' }, interval: 'month', benefits: [], active: true, createdAt: at });
  });
  return { creatorId: creator.id, tierId };
}

describe('CatalogReader cache', () => {
  it('keeps at most its limit, evicting the least recently used creator', async () => {
    const store = new CountingStore(srv.server.db);
    const reader = new CatalogReader(srv.server.db, store, 2);
    const [a, b, c] = [await creatorWithTier(), await creatorWithTier(), await creatorWithTier()];

    await reader.catalog(a.creatorId);
    await reader.catalog(b.creatorId);
    await reader.catalog(a.creatorId); // a is now the most recently used
    expect(store.loads).toEqual([catalogDocName(a.creatorId), catalogDocName(b.creatorId)]);

    await reader.catalog(c.creatorId); // over the limit: b goes, a stays
    expect(reader.cachedCount).toBe(2);
    store.loads = [];
    expect((await reader.catalog(a.creatorId)).tiers.get(a.tierId)?.name).toBe('Fans');
    expect(store.loads).toEqual([]);
    expect((await reader.catalog(b.creatorId)).tiers.get(b.tierId)?.price).toEqual({ amount: 999, currency: 'USD' });
    expect(store.loads).toEqual([catalogDocName(b.creatorId)]);
    expect(reader.cachedCount).toBe(2);
  });

  it('stays within its limit however many creators are read, and finds products of evicted ones again', async () => {
    const store = new CountingStore(srv.server.db);
    const reader = new CatalogReader(srv.server.db, store, 3);
    const creators = [];
    for (let i = 0; i < 7; i++) creators.push(await creatorWithTier());
    for (const c of creators) {
      expect((await reader.tier(c.tierId))?.creatorId).toBe(c.creatorId);
      expect(reader.cachedCount).toBeLessThanOrEqual(3);
    }
    // The first creator was evicted long ago: its tier is read from the store again, correctly.
    store.loads = [];
    expect((await reader.tier(creators[0]!.tierId))?.creatorId).toBe(creators[0]!.creatorId);
    expect(store.loads).toEqual([catalogDocName(creators[0]!.creatorId)]);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new CatalogReader(srv.server.db, new DocStore(srv.server.db), 0)).toThrow(/positive integer/);
  });
});
