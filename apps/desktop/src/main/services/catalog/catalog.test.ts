// The local catalog on real SQLite and Yjs, with no server reachable: edits land at once, persist across
// restarts and compaction, count as pending, and bad input is refused without changing anything.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newId, putPost } from '@fanz/core';
import { openDb, type Db } from '../library/db.js';
import { fileSecretBox } from '../account/account-store.js';
import { CatalogService } from './catalog-service.js';
import { CatalogStore } from './catalog-store.js';
import { StudioApiError } from '../../../shared/studio-api.js';
import { dispatchApiCall } from '../../api-dispatch.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function tempDb(): { dir: string; db: Db } {
  const dir = mkdtempSync(join(tmpdir(), 'fanz-catalog-'));
  const db = openDb(dir);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, db };
}

/** A URL where nothing listens (the server is "down"). */
async function deadServerUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

const creatorId = newId('cr');

async function offlineService(dir: string, db: Db): Promise<CatalogService> {
  const serverUrl = await deadServerUrl();
  const probe = new CatalogService({ db, box: fileSecretBox(dir), defaultServerUrl: serverUrl, mode: 'browser', maxBackoffMs: 200 });
  if (!probe.accounts.get()) {
    probe.accounts.save({ serverUrl, userId: creatorId, username: 'maya', role: 'creator', refreshToken: 'rt-offline', deviceKeyId: null, deviceSecretKey: null });
  }
  probe.close();
  const svc = new CatalogService({ db, box: fileSecretBox(dir), defaultServerUrl: serverUrl, mode: 'browser', maxBackoffMs: 200 });
  cleanups.push(() => svc.close());
  return svc;
}

describe('CatalogStore', () => {
  it('replays the update log, folds it into a snapshot, and keeps the pending count through compaction', () => {
    const { db } = tempDb();
    const store = new CatalogStore(db);
    const doc = new Y.Doc();
    doc.on('update', (u: Uint8Array) => store.append('creator:x', u, true));
    for (let i = 0; i < 5; i++) doc.getMap('m').set(`k${i}`, i);
    expect(store.logLength('creator:x')).toBe(5);
    expect(store.bookkeeping('creator:x').pendingLocal).toBe(5);

    store.compact('creator:x', doc);
    expect(store.logLength('creator:x')).toBe(0);
    doc.getMap('m').set('after', true);
    expect(store.logLength('creator:x')).toBe(1);

    const copy = new Y.Doc();
    store.load('creator:x', copy, 'store');
    expect(copy.getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
    expect(store.bookkeeping('creator:x').pendingLocal).toBe(6);
    store.markSynced('creator:x', 1234);
    expect(store.bookkeeping('creator:x')).toEqual({ pendingLocal: 0, lastSyncedAt: 1234 });
  });
});

describe('CatalogService offline', () => {
  it('saves and schedules posts with the server down, counts them pending, and keeps them across a restart', async () => {
    const { dir, db } = tempDb();
    const svc = await offlineService(dir, db);
    const post = svc.savePost({ title: 'Rainy day', visibility: 'pay_per_view', price: { amount: 1299, currency: 'USD' }, tags: [' rain ', ''] });
    expect(post.price).toEqual({ amount: 1299, currency: 'USD' });
    expect(post.tags).toEqual(['rain']);
    const at = new Date(Date.now() + 3600_000).toISOString();
    expect(svc.schedule(post.id, at).scheduledAt).toBe(at);
    const status = svc.syncStatus();
    expect(['offline', 'connecting']).toContain(status.state);
    expect(status.pendingChanges).toBeGreaterThanOrEqual(2);
    svc.close();

    const again = await offlineService(dir, db);
    const [p] = again.listPosts();
    expect(p).toMatchObject({ id: post.id, title: 'Rainy day', status: 'scheduled', scheduledAt: at });
    expect(again.syncStatus().pendingChanges).toBe(status.pendingChanges);
  });

  it('refuses bad input with field messages and leaves the catalog unchanged', async () => {
    const { dir, db } = tempDb();
    const svc = await offlineService(dir, db);
    const post = svc.savePost({ title: 'Keep me', visibility: 'free' });
    const before = JSON.stringify(svc.listPosts());
    const fieldsOf = (fn: () => unknown): Record<string, string> => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(StudioApiError);
        expect((err as StudioApiError).code).toBe('VALIDATION_ERROR');
        return (err as StudioApiError).details?.fields ?? {};
      }
      throw new Error('expected a validation error');
    };
    expect(fieldsOf(() => svc.savePost({ id: post.id, title: 'x'.repeat(10_000), visibility: 'free' }))).toHaveProperty('title');
    expect(fieldsOf(() => svc.savePost({ id: post.id, title: '', visibility: 'free' }))).toHaveProperty('title');
    expect(fieldsOf(() => svc.savePost({ id: post.id, title: 'Paid', visibility: 'pay_per_view', price: null }))).toHaveProperty('price');
    expect(fieldsOf(() => svc.savePost({ id: post.id, title: 'Paid', visibility: 'pay_per_view', price: { amount: -5, currency: 'USD' } }))).toHaveProperty('price');
    expect(fieldsOf(() => svc.savePost({ id: post.id, title: 'Paid', visibility: 'pay_per_view', price: { amount: 12.5, currency: 'USD' } }))).toHaveProperty('price');
    expect(fieldsOf(() => svc.schedule(post.id, '2020-01-01T10:00:00Z'))).toHaveProperty('scheduledAt');
    expect(fieldsOf(() => svc.schedule(post.id, 'next tuesday'))).toHaveProperty('scheduledAt');
    expect(JSON.stringify(svc.listPosts())).toBe(before);
  });

  it('lists a post from another device that arrived with bad data as invalid, never as a post', async () => {
    const { dir, db } = tempDb();
    const svc = await offlineService(dir, db);
    const doc = svc.doc!;
    const now = new Date().toISOString();
    putPost(doc, { id: newId('post'), creatorId, title: 'Good', visibility: 'free', status: 'draft', createdAt: now, updatedAt: now });
    const bad = new Y.Map<unknown>();
    doc.getMap('posts').set(newId('post'), bad);
    bad.set('title', 42);
    expect(svc.listPosts().map((p) => p.title)).toEqual(['Good']);
  });
});

describe('dispatchApiCall', () => {
  it('refuses unknown methods and malformed arguments before any service runs', async () => {
    const api = new Proxy({}, { get: () => () => Promise.reject(new Error('must not be called')) });
    await expect(dispatchApiCall(api as never, 'dropTables', undefined)).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
    await expect(dispatchApiCall(api as never, 'postSave', { title: 5, visibility: 'free' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(dispatchApiCall(api as never, 'signIn', { serverUrl: 'ftp://x', email: 'a@b.c', password: 'p' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await expect(dispatchApiCall(api as never, 'importPaths', { paths: [] })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });
});

describe('CatalogService teaser and thumbnail', () => {
  it('saves the chosen teaser and thumbnail, and refuses one that is not among the post\'s media', async () => {
    const { dir, db } = tempDb();
    const svc = await offlineService(dir, db);
    const [a, b] = [newId('med'), newId('med')];
    const post = svc.savePost({ title: 'Locked', visibility: 'subscribers', mediaIds: [a, b], teaserMediaId: a, thumbnailMediaId: b });
    expect(post).toMatchObject({ teaserMediaId: a, thumbnailMediaId: b });
    const before = JSON.stringify(svc.listPosts());
    let err: unknown;
    try {
      svc.savePost({ id: post.id, title: 'Locked', visibility: 'subscribers', mediaIds: [b], teaserMediaId: a, thumbnailMediaId: b });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StudioApiError);
    expect((err as StudioApiError).details?.fields).toHaveProperty('teaserMediaId');
    expect(JSON.stringify(svc.listPosts())).toBe(before);
    // Clearing the choice is a plain save.
    expect(svc.savePost({ id: post.id, title: 'Locked', visibility: 'subscribers', mediaIds: [b] })).toMatchObject({ teaserMediaId: null, thumbnailMediaId: null });
  });
});
