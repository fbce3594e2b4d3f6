// The server's scheduler publishes a scheduled post at its time with every desktop closed, exactly once,
// also when the server was down at that time; fans see the post only from then on.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { catalogDocName, getPost, initCatalogDoc, newId, putPost, schedulePost } from '@fanz/core';
import { PostScheduler } from '../src/scheduler/post-scheduler.js';
import { DocStore } from '../src/sync/doc-store.js';
import { api, connect, eventually, makeStorage, register, startServer, synced, type Running, type Storage } from './helpers.js';

let storage: Storage | null = null;
let srv: Running | null = null;

afterEach(async () => {
  await srv?.close();
  srv = null;
  await storage?.cleanup();
  storage = null;
});

/** A desktop writes a post scheduled `inMs` from now, syncs it, and closes. */
async function scheduleFromDesktop(s: Running, creatorId: string, token: string, inMs: number): Promise<{ postId: string; at: string }> {
  const client = connect(s.wsUrl, catalogDocName(creatorId), token);
  await synced(client);
  const now = new Date().toISOString();
  const postId = newId('post');
  initCatalogDoc(client.doc, creatorId);
  putPost(client.doc, { id: postId, creatorId, title: 'Midnight drop', visibility: 'free', status: 'draft', createdAt: now, updatedAt: now });
  const at = new Date(Date.now() + inMs).toISOString();
  schedulePost(client.doc, postId, at);
  // Wait until the server has stored it: a second client sees the schedule.
  const probe = connect(s.wsUrl, catalogDocName(creatorId), token);
  await synced(probe);
  await eventually(async () => getPost(probe.doc, postId)?.status === 'scheduled', 'server copy has the schedule');
  probe.destroy();
  client.destroy();
  return { postId, at };
}

async function serverPost(s: Running, creatorId: string, postId: string) {
  const stored = await new DocStore(s.server.db).load(catalogDocName(creatorId));
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u);
  const post = getPost(doc, postId);
  doc.destroy();
  return post;
}

async function publications(s: Running, postId: string): Promise<number> {
  const rows = await s.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM post_publications WHERE post_id = $1', [postId]);
  return rows[0]!.n;
}

async function publicTitles(s: Running, creatorId: string): Promise<string[]> {
  const res = await api(s.url, 'GET', `/api/v1/catalog?creatorId=${creatorId}`);
  expect(res.status).toBe(200);
  return (res.body.data.posts as Array<{ title: string }>).map((p) => p.title);
}

/**
 * The server's scheduler stopped and one on a test clock in its place (same database, documents and
 * DocManager): tests move the clock instead of sleeping until a post's time.
 */
function clockedScheduler(s: Running, clock: { now: number }, tickMs?: number): PostScheduler {
  return new PostScheduler({
    db: s.server.db,
    store: new DocStore(s.server.db),
    docs: s.server.docs,
    log: s.server.app.log as never,
    now: () => new Date(clock.now),
    ...(tickMs !== undefined ? { tickMs } : {}),
  });
}

describe('post scheduler', () => {
  it('publishes a post scheduled an hour ahead with every desktop closed, exactly once', async () => {
    storage = makeStorage('pglite');
    srv = await startServer(storage);
    await srv.server.scheduler.stop();
    const clock = { now: Date.now() };
    const scheduler = clockedScheduler(srv, clock, 10);
    const published: string[] = [];
    scheduler.onPublished = (p) => published.push(p.postId);
    scheduler.start();
    const creator = await register(srv.url, 'creator');

    const { postId, at } = await scheduleFromDesktop(srv, creator.id, creator.accessToken, 3600_000);
    // The scheduler has seen the post (its index is fed by the update log) and it is not due.
    await scheduler.tick();
    expect(await publicTitles(srv, creator.id)).toEqual([]);
    expect((await serverPost(srv, creator.id, postId))?.status).toBe('scheduled');

    // The hour passes on the scheduler's clock; its own loop publishes.
    clock.now = Date.parse(at) + 1;
    await eventually(async () => (await serverPost(srv!, creator.id, postId))?.status === 'published', 'published by the server', 15_000);
    const post = await serverPost(srv, creator.id, postId);
    expect(post?.publishedAt).toBe(at);
    expect(await publicTitles(srv, creator.id)).toEqual(['Midnight drop']);
    await scheduler.stop();

    // More ticks change nothing: one publication, one notification.
    await scheduler.tick();
    await scheduler.tick();
    expect(await publications(srv, postId)).toBe(1);
    expect(published).toEqual([postId]);

    // A desktop that comes back sees the server's publication.
    const late = connect(srv.wsUrl, catalogDocName(creator.id), creator.accessToken);
    await synced(late);
    await eventually(async () => getPost(late.doc, postId)?.status === 'published', 'desktop sees it published');
    late.destroy();
  });

  it('publishes a post whose time passed while the server was down, once, across restarts', async () => {
    storage = makeStorage('pglite');
    srv = await startServer(storage);
    const creator = await register(srv.url, 'creator');
    const { postId, at } = await scheduleFromDesktop(srv, creator.id, creator.accessToken, 3600_000);
    await srv.close();
    srv = null;

    // The time passed with no server running: the restarted server's first tick publishes it.
    srv = await startServer(storage);
    await srv.server.scheduler.stop();
    const clock = { now: Date.parse(at) + 300 };
    const first: string[] = [];
    const scheduler = clockedScheduler(srv, clock);
    scheduler.onPublished = (p) => first.push(p.postId);
    await scheduler.tick();
    expect(first).toEqual([postId]);
    expect(await publications(srv, postId)).toBe(1);
    expect((await serverPost(srv, creator.id, postId))?.publishedAt).toBe(at);

    // Another restart: nothing is published again.
    await srv.close();
    srv = await startServer(storage);
    await srv.server.scheduler.stop();
    const again: string[] = [];
    const after = clockedScheduler(srv, clock);
    after.onPublished = (p) => again.push(p.postId);
    await after.tick();
    expect(again).toEqual([]);
    expect(await publications(srv, postId)).toBe(1);
  });

  it('repairs a publication recorded but not yet written to the document (crash between the two steps)', async () => {
    storage = makeStorage('pglite');
    srv = await startServer(storage);
    const creator = await register(srv.url, 'creator');
    await srv.server.scheduler.stop();
    const { postId, at } = await scheduleFromDesktop(srv, creator.id, creator.accessToken, 500);
    await srv.server.db.query(
      'INSERT INTO post_publications (post_id, creator_id, doc_name, scheduled_at) VALUES ($1, $2, $3, $4)',
      [postId, creator.id, catalogDocName(creator.id), at],
    );
    const scheduler = clockedScheduler(srv, { now: Date.parse(at) + 100 });
    const fresh = await scheduler.tick();
    expect(fresh).toEqual([]);
    expect((await serverPost(srv, creator.id, postId))?.status).toBe('published');
    expect(await publications(srv, postId)).toBe(1);
  });
});
