import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  catalogDocName,
  deletePost,
  derivePublicCatalog,
  getPost,
  initCatalogDoc,
  listPosts,
  listSchedule,
  listTiers,
  publishDuePosts,
  publishPost,
  putPost,
  putTier,
  putVrExperience,
  readPosts,
  schedulePost,
  unschedulePost,
  updatePost,
} from './catalog-doc';
import { newId } from './ids';
import type { PostInput } from './schemas/content';

const creatorId = newId('cr');
const T0 = '2030-01-01T00:00:00.000Z';

function post(title: string, extra: Partial<PostInput> = {}): PostInput {
  return { id: newId('post'), creatorId, title, visibility: 'free', status: 'draft', createdAt: T0, updatedAt: T0, ...extra };
}

function freshDoc(): Y.Doc {
  const doc = new Y.Doc();
  initCatalogDoc(doc, creatorId);
  return doc;
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('catalog document', () => {
  it('names docs creator:<id> and refuses to change owner', () => {
    expect(catalogDocName(creatorId)).toBe(`creator:${creatorId}`);
    const doc = freshDoc();
    expect(() => initCatalogDoc(doc, newId('cr'))).toThrow(/belongs to/);
  });

  it('writes, reads, updates and deletes posts with validation', () => {
    const doc = freshDoc();
    const p = putPost(doc, post('Hello', { tags: ['Intro'] }));
    expect(getPost(doc, p.id)).toEqual(p);
    expect(p.tags).toEqual(['intro']);
    const u = updatePost(doc, p.id, { title: 'Hello again' }, new Date('2030-01-05T00:00:00Z'));
    expect(u.title).toBe('Hello again');
    expect(u.updatedAt).toBe('2030-01-05T00:00:00.000Z');
    expect(listPosts(doc).map((x) => x.id)).toEqual([p.id]);
    expect(deletePost(doc, p.id)).toBe(true);
    expect(getPost(doc, p.id)).toBeUndefined();
  });

  it('rejects invalid writes with a clear error and leaves the doc unchanged', () => {
    const doc = freshDoc();
    const p = putPost(doc, post('Keep me'));
    const before = Y.encodeStateAsUpdate(doc);
    expect(() => updatePost(doc, p.id, { visibility: 'pay_per_view' })).toThrow(/invalid posts item: price: a pay-per-view post needs a price/);
    expect(() => putPost(doc, post('', {}))).toThrow(/title/);
    expect(() => putPost(doc, post('x', { creatorId: newId('cr') }))).toThrow(/this catalog is/);
    expect(() => updatePost(doc, newId('post'), { title: 'x' })).toThrow(/no posts item/);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });

  it('merges concurrent edits of different fields of one post from two devices', () => {
    const laptop = freshDoc();
    const p = putPost(laptop, post('Draft'));
    const desktop = new Y.Doc();
    sync(laptop, desktop);
    updatePost(laptop, p.id, { title: 'New title' });
    updatePost(desktop, p.id, { description: 'New description' });
    sync(laptop, desktop);
    for (const d of [laptop, desktop]) {
      expect(getPost(d, p.id)).toMatchObject({ title: 'New title', description: 'New description' });
    }
  });

  it('keeps the schedule in the posts and publishes due posts', () => {
    const doc = freshDoc();
    const a = putPost(doc, post('A'));
    const b = putPost(doc, post('B'));
    schedulePost(doc, b.id, '2030-02-01T12:00:00Z');
    schedulePost(doc, a.id, '2030-03-01T12:00:00Z');
    expect(listSchedule(doc)).toEqual([
      { postId: b.id, scheduledAt: '2030-02-01T12:00:00.000Z' },
      { postId: a.id, scheduledAt: '2030-03-01T12:00:00.000Z' },
    ]);
    expect(publishDuePosts(doc, '2030-02-15T00:00:00Z')).toEqual([b.id]);
    expect(getPost(doc, b.id)).toMatchObject({ status: 'published', publishedAt: '2030-02-01T12:00:00.000Z' });
    unschedulePost(doc, a.id);
    expect(listSchedule(doc)).toEqual([]);
    expect(() => schedulePost(doc, a.id, 'not a date')).toThrow(/invalid time/);
  });

  it('derives the public catalog: published and due posts only, never drafts', () => {
    const doc = freshDoc();
    const draft = putPost(doc, post('Draft'));
    const live = putPost(doc, post('Live'));
    publishPost(doc, live.id, '2030-01-10T00:00:00Z');
    const due = putPost(doc, post('Due', { visibility: 'pay_per_view', price: { amount: 499, currency: 'USD' } }));
    schedulePost(doc, due.id, '2030-01-20T00:00:00Z');
    const future = putPost(doc, post('Future'));
    schedulePost(doc, future.id, '2030-06-01T00:00:00Z');

    const before = derivePublicCatalog(doc, '2030-01-15T00:00:00Z');
    expect(before.posts.map((p) => p.title)).toEqual(['Live']);
    const after = derivePublicCatalog(doc, new Date('2030-01-20T00:00:00Z'));
    expect(after.posts.map((p) => p.title)).toEqual(['Due', 'Live']);
    expect(after.posts[0]).toMatchObject({ publishedAt: '2030-01-20T00:00:00.000Z', price: { amount: 499, currency: 'USD' } });
    expect(after.posts[0]).not.toHaveProperty('status');
    expect(after.posts.some((p) => p.id === draft.id || p.id === future.id)).toBe(false);
    expect(after.creatorId).toBe(creatorId);
    expect(after.invalid).toEqual([]);
  });

  it('leaves out and reports invalid or foreign items that arrive in the doc', () => {
    const doc = freshDoc();
    const ok = putPost(doc, post('Fine'));
    publishPost(doc, ok.id, T0);
    const posts = doc.getMap('posts');
    const bad = new Y.Map<unknown>();
    const badId = newId('post');
    posts.set(badId, bad);
    for (const [k, v] of Object.entries({ ...post('Broken'), id: badId, status: 'published', publishedAt: T0, visibility: 'pay_per_view' })) bad.set(k, v);
    const foreign = new Y.Map<unknown>();
    const foreignId = newId('post');
    posts.set(foreignId, foreign);
    for (const [k, v] of Object.entries({ ...post('Foreign'), id: foreignId, creatorId: newId('cr'), status: 'published', publishedAt: T0 })) foreign.set(k, v);
    posts.set('junk', 42);

    const cat = derivePublicCatalog(doc, '2031-01-01T00:00:00Z');
    expect(cat.posts.map((p) => p.id)).toEqual([ok.id]);
    expect(cat.invalid.map((i) => i.id).sort()).toEqual([badId, foreignId, 'junk'].sort());
    expect(cat.invalid.find((i) => i.id === badId)?.reason).toMatch(/price/);
    expect(readPosts(doc).items).toHaveLength(1);
  });

  it('lists active tiers and upcoming published VR experiences', () => {
    const doc = freshDoc();
    const mk = (name: string, amount: number, active = true) =>
      putTier(doc, { id: newId('tier'), creatorId, name, price: { amount, currency: 'USD' }, interval: 'month', active, createdAt: T0 });
    mk('Gold', 1999);
    mk('Basic', 499);
    mk('Old', 99, false);
    expect(listTiers(doc)).toHaveLength(3);
    const vr = (title: string, startsAt: string, status: 'draft' | 'published') =>
      putVrExperience(doc, { id: newId('vr'), creatorId, title, kind: 'meetup', startsAt, durationMinutes: 60, capacity: 5, visibility: 'free', status, createdAt: T0, updatedAt: T0 });
    vr('Past', '2030-01-01T00:00:00Z', 'published');
    vr('Soon', '2030-02-01T00:00:00Z', 'published');
    vr('Secret', '2030-02-01T00:00:00Z', 'draft');
    const cat = derivePublicCatalog(doc, '2030-01-15T00:00:00Z');
    expect(cat.tiers.map((t) => t.name)).toEqual(['Basic', 'Gold']);
    expect(cat.vrExperiences.map((v) => v.title)).toEqual(['Soon']);
  });

  it('carries the teaser and thumbnail choice through updates and into the public catalog', () => {
    const doc = freshDoc();
    const a = newId('med');
    const b = newId('med');
    const media = [
      { mediaId: a, kind: 'video' as const },
      { mediaId: b, kind: 'image' as const },
    ];
    const p = putPost(doc, post('Locked', { media, visibility: 'subscribers', teaserMediaId: a, thumbnailMediaId: b }));
    expect(getPost(doc, p.id)).toMatchObject({ teaserMediaId: a, thumbnailMediaId: b });
    // Another device picks a different teaser: the other field is untouched.
    const u = updatePost(doc, p.id, { teaserMediaId: b });
    expect(u).toMatchObject({ teaserMediaId: b, thumbnailMediaId: b });
    publishPost(doc, p.id, T0);
    const pub = derivePublicCatalog(doc, '2030-02-01T00:00:00Z').posts[0]!;
    expect(pub).toMatchObject({ id: p.id, teaserMediaId: b, thumbnailMediaId: b });
  });

  it('refuses a teaser or thumbnail that is not one of the post\'s media', () => {
    const doc = freshDoc();
    const a = newId('med');
    expect(() => putPost(doc, post('Leak', { media: [{ mediaId: a, kind: 'video' }], teaserMediaId: newId('med') }))).toThrow(/teaser must be one of the post's media/);
    const p = putPost(doc, post('Ok', { media: [{ mediaId: a, kind: 'video' }], thumbnailMediaId: a }));
    // Dropping the media while it is still the thumbnail is refused, and the stored post is unchanged.
    expect(() => updatePost(doc, p.id, { media: [] })).toThrow(/thumbnail must be one of the post's media/);
    expect(getPost(doc, p.id)?.media).toHaveLength(1);
    expect(() => putPost(doc, post('Bad id', { media: [{ mediaId: a, kind: 'video' }], teaserMediaId: 'not-an-id' }))).toThrow(/med_ id/);
  });

  it('reads posts written before the teaser fields existed (no such keys in the doc)', () => {
    const doc = freshDoc();
    const old = new Y.Map<unknown>();
    const id = newId('post');
    doc.getMap('posts').set(id, old);
    for (const [k, v] of Object.entries({ ...post('Old'), id, status: 'published', publishedAt: T0, media: [], tags: [], description: '', price: null, tierIds: [], scheduledAt: null })) {
      old.set(k, v);
    }
    expect(old.has('teaserMediaId')).toBe(false);
    expect(getPost(doc, id)).toMatchObject({ teaserMediaId: null, thumbnailMediaId: null });
    const cat = derivePublicCatalog(doc, '2031-01-01T00:00:00Z');
    expect(cat.invalid).toEqual([]);
    expect(cat.posts[0]).toMatchObject({ id, teaserMediaId: null, thumbnailMediaId: null });
  });
});
