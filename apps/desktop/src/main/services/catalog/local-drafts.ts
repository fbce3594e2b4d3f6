// Drafts written before signing in: they live in a local catalog document (never synced) owned by a
// creator id made on this device, and move into the account's catalog at sign-in (same post ids, the
// account as owner), after which the local document is emptied.
import type * as Y from 'yjs';
import { catalogOwner, listPosts, newId, putPost } from '@fanz/core';

export const LOCAL_DRAFTS_DOC = 'local-drafts';

/** The owner of the local drafts document: its recorded owner, or a new local creator id. */
export function localOwner(doc: Y.Doc): string {
  return catalogOwner(doc) ?? newId('cr');
}

/** Copies every post of `from` into `to` as a draft of `creatorId`; answers how many moved. */
export function moveDrafts(from: Y.Doc, to: Y.Doc, creatorId: string, now = new Date()): number {
  const posts = listPosts(from);
  for (const p of posts) {
    putPost(to, { ...p, creatorId, status: 'draft', scheduledAt: null, publishedAt: null, updatedAt: now.toISOString() });
  }
  return posts.length;
}
