// GET /api/v1/catalog?creatorId=: what fans see of a creator's catalog right now (published posts,
// scheduled posts whose time has come, active tiers), derived from the synced document. A post scheduled
// for later is not in it until its time, whether or not the scheduler has run yet.
import * as Y from 'yjs';
import { z } from 'zod';
import { catalogDocName, derivePublicCatalog } from '@fanz/core';
import type { RouteTable } from '../http/routes.js';
import type { DocStore } from '../sync/doc-store.js';

const query = z.strictObject({ creatorId: z.string().regex(/^cr_[A-Za-z0-9]{1,64}$/, 'a creator id (cr_...)') });

export function catalogRoutes(routes: RouteTable, store: DocStore, now: () => Date = () => new Date()): void {
  routes.add({
    method: 'GET',
    url: '/api/v1/catalog',
    summary: "A creator's public catalog: published posts (newest first) and active tiers",
    tag: 'catalog',
    access: 'public',
    query,
    response: z.object({ creatorId: z.string().nullable(), generatedAt: z.string(), posts: z.array(z.unknown()), tiers: z.array(z.unknown()) }),
    handler: async ({ query: q }) => {
      const stored = await store.load(catalogDocName(q.creatorId));
      const doc = new Y.Doc();
      try {
        if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
        for (const u of stored.updates) Y.applyUpdate(doc, u);
        const c = derivePublicCatalog(doc, now());
        return { creatorId: c.creatorId ?? q.creatorId, generatedAt: c.generatedAt, posts: c.posts, tiers: c.tiers };
      } finally {
        doc.destroy();
      }
    },
  });
}
