// The scheduler's index of scheduled posts (issue 14 item 11) is kept as documents are written: a document
// is read again only after it was written, a restart starts from the stored index instead of replaying
// every creator document, and a post that is rescheduled or unscheduled is found (or not) by its new time.
// The real server on PGlite; the scheduler on a test clock, with the server's own scheduler stopped.
import { afterEach, describe, expect, it } from 'vitest';
import { catalogDocName, initCatalogDoc, newId, putPost, schedulePost, unschedulePost } from '@fanz/core';
import { PostScheduler } from '../src/scheduler/post-scheduler.js';
import { DocStore } from '../src/sync/doc-store.js';
import { BACKENDS, makeStorage, pgSkipReason, register, startServer, type Running, type Storage } from './helpers.js';

let storage: Storage | null = null;
let srv: Running | null = null;

afterEach(async () => {
  await srv?.close();
  srv = null;
  await storage?.cleanup();
  storage = null;
});

function clocked(s: Running, clock: { now: number }): PostScheduler {
  return new PostScheduler({ db: s.server.db, store: new DocStore(s.server.db), docs: s.server.docs, log: s.server.app.log as never, now: () => new Date(clock.now) });
}

/** A creator's document with one post scheduled at `at`, written through the server's edit path. */
async function creatorWithScheduledPost(s: Running, at: number): Promise<{ creatorId: string; postId: string }> {
  const creator = await register(s.url, 'creator');
  const postId = newId('post');
  const now = new Date().toISOString();
  await s.server.docs.edit(catalogDocName(creator.id), (d) => {
    initCatalogDoc(d, creator.id);
    putPost(d, { id: postId, creatorId: creator.id, title: `post of ${creator.id}`, visibility: 'free', status: 'draft', createdAt: now, updatedAt: now });
    schedulePost(d, postId, new Date(at));
  });
  return { creatorId: creator.id, postId };
}

async function indexed(s: Running): Promise<Array<{ post_id: string; scheduled_at: string }>> {
  const rows = await s.server.db.query<{ post_id: string; scheduled_at: Date | string }>('SELECT post_id, scheduled_at FROM post_schedule ORDER BY scheduled_at');
  return rows.map((r) => ({ post_id: r.post_id, scheduled_at: new Date(r.scheduled_at).toISOString() }));
}

for (const backend of BACKENDS) {
  const skip = backend === 'postgres' ? pgSkipReason : null;
  if (skip) console.log(`scheduler index on postgres skipped: ${skip}`);
  describe.skipIf(!!skip)(`the scheduled-post index (${backend})`, () => {
  it('reads a document only after it was written, also across a restart and after minutes pass', async () => {
    storage = makeStorage(backend);
    srv = await startServer(storage);
    await srv.server.scheduler.stop();
    const clock = { now: Date.now() };
    const day = 86_400_000;
    const posts = [];
    for (let i = 0; i < 3; i++) posts.push(await creatorWithScheduledPost(srv, clock.now + (i + 1) * day));

    const first = clocked(srv, clock);
    expect(await first.tick()).toEqual([]);
    expect(first.docsRead).toBe(3);
    expect((await indexed(srv)).map((r) => r.post_id)).toEqual(posts.map((p) => p.postId));

    // Nothing written: minutes of ticks read no document.
    for (let i = 0; i < 5; i++) {
      clock.now += 61_000;
      await first.tick();
    }
    expect(first.docsRead).toBe(3);

    // A restart (a new scheduler on the same database) starts from the stored index.
    const restarted = clocked(srv, clock);
    await restarted.tick();
    expect(restarted.docsRead).toBe(0);

    // One creator moves their post to in an hour: only that document is read again.
    const moved = posts[2]!;
    const soon = clock.now + 3600_000;
    await srv.server.docs.edit(catalogDocName(moved.creatorId), (d) => void schedulePost(d, moved.postId, new Date(soon)));
    await restarted.tick();
    expect(restarted.docsRead).toBe(1);
    expect((await indexed(srv))[0]).toEqual({ post_id: moved.postId, scheduled_at: new Date(soon).toISOString() });

    // Its new time comes: it alone is published, and leaves the index.
    clock.now = soon + 1;
    const published = await restarted.tick();
    expect(published.map((p) => p.postId)).toEqual([moved.postId]);
    expect((await indexed(srv)).map((r) => r.post_id)).toEqual([posts[0]!.postId, posts[1]!.postId]);
  });

  it('drops an unscheduled post from the index, so its old time publishes nothing', async () => {
    storage = makeStorage(backend);
    srv = await startServer(storage);
    await srv.server.scheduler.stop();
    const clock = { now: Date.now() };
    const { creatorId, postId } = await creatorWithScheduledPost(srv, clock.now + 3600_000);
    const scheduler = clocked(srv, clock);
    await scheduler.tick();
    expect((await indexed(srv)).map((r) => r.post_id)).toEqual([postId]);

    await srv.server.docs.edit(catalogDocName(creatorId), (d) => void unschedulePost(d, postId));
    await scheduler.tick();
    expect(await indexed(srv)).toEqual([]);
    clock.now += 2 * 3600_000;
    expect(await scheduler.tick()).toEqual([]);
    const rows = await srv.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM post_publications WHERE post_id = $1', [postId]);
    expect(rows[0]!.n).toBe(0);
  });

  it('indexes a document being edited from its loaded copy, and notices a schedule another scheduler rewrote', async () => {
    storage = makeStorage(backend);
    srv = await startServer(storage);
    await srv.server.scheduler.stop();
    const clock = { now: Date.now() };
    const { creatorId, postId } = await creatorWithScheduledPost(srv, clock.now + 3600_000);
    const name = catalogDocName(creatorId);
    const head = async () =>
      Number((await srv!.server.db.query<{ h: string | number }>('SELECT head_seq AS h FROM yjs_documents WHERE name = $1', [name]))[0]!.h);
    const indexedSeq = async () =>
      Number((await srv!.server.db.query<{ s: string | number }>('SELECT indexed_doc_seq AS s FROM post_schedule_docs WHERE doc_name = $1', [name]))[0]!.s);
    const a = clocked(srv, clock);
    await a.tick();
    expect(srv.server.docs.isLoaded(name)).toBe(true);
    expect(await indexedSeq()).toBe(await head());

    // An edit that leaves the schedule alone: the index keeps its row, its version follows the document.
    await srv.server.docs.edit(name, (d) => void schedulePost(d, postId, new Date(clock.now + 3600_000)));
    await srv.server.docs.edit(name, (d) => void putPost(d, { id: newId('post'), creatorId, title: 'unscheduled', visibility: 'free', status: 'draft', createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() }));
    await a.tick();
    expect(await indexedSeq()).toBe(await head());
    expect((await indexed(srv)).map((r) => r.post_id)).toEqual([postId]);

    // Another scheduler (another instance) indexes a newer version where the post moved; the post then moves
    // back, so the first one sees the schedule it last wrote itself: it must rewrite the rows, not just the seq.
    const b = clocked(srv, clock);
    const later = clock.now + 7200_000;
    await srv.server.docs.edit(name, (d) => void schedulePost(d, postId, new Date(later)));
    await b.tick();
    expect((await indexed(srv))[0]).toEqual({ post_id: postId, scheduled_at: new Date(later).toISOString() });
    await srv.server.docs.edit(name, (d) => void schedulePost(d, postId, new Date(clock.now + 3600_000)));
    await a.tick();
    expect((await indexed(srv))[0]).toEqual({ post_id: postId, scheduled_at: new Date(clock.now + 3600_000).toISOString() });
    expect(await indexedSeq()).toBe(await head());
  });
});
}
