// Uploads start wherever a post goes public: from the studio UI's schedule call, and from an edit synced in
// from another device (the stock y-websocket provider as that device), against the real server. The studio
// backend (the object the UI talks to) must notice the scheduled post and upload its media on its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { catalogDocName, newId, putPost, type PostInput } from '@fanz/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../sync-server/src/server.js';
import { fileSecretBox } from '../src/main/services/account/account-store.js';
import { mediaDir } from '../src/main/services/jobs/media-process.js';
import { probe } from '../src/main/services/media/probe.js';
import { processVideo } from '../src/main/services/media/video.js';
import { openBackend, type StudioBackend } from '../src/main/studio-backend.js';
import { makeVideo } from './helpers/fixtures.js';

let dir: string;
let server: FanzServer;
let url: string;
let backend: StudioBackend;
let creator: { id: string; email: string };
const password = 'correct horse battery';

/** A ready library item with real renditions (made once per item; small clip, fastest preset). */
async function readyItem(title: string): Promise<string> {
  const src = await makeVideo(join(dir, `${title}.mp4`), { width: 320, height: 180, durationS: 2, audio: false });
  const item = backend.studio.lib.insertItem({ kind: 'video', path: src, fileName: `${title}.mp4`, title, contentHash: randomBytes(16).toString('hex'), sizeBytes: 1, mtimeMs: Date.now() });
  await processVideo(src, await probe(src), mediaDir(backend.studio.dataDir, item.id), { preset: 'ultrafast' });
  backend.studio.lib.completeProcessing(item.id, [{ kind: 'hls_master', path: `media/${item.id}/hls/master.m3u8`, sizeBytes: 1 }], null);
  return item.id;
}

const uploadJobs = (itemId: string) => backend.studio.queue.list({ itemId }).filter((j) => j.kind === 'upload');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-publish-sync-'));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  url = await server.listen();
  backend = openBackend({ dataDir: join(dir, 'studio'), defaultServerUrl: url, mode: 'browser', box: fileSecretBox, concurrency: 1, maxBackoffMs: 200 });
  const n = randomBytes(4).toString('hex');
  const s = await backend.api.register({ serverUrl: url, email: `c${n}@example.test`, password, username: `c_${n}`, displayName: 'C' });
  creator = { id: s.user!.id, email: `c${n}@example.test` };
}, 120_000);

afterAll(async () => {
  await backend?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('uploads start when a post goes public', () => {
  it('scheduling from the UI queues the upload of the post media at once, and it completes', async () => {
    const itemId = await readyItem('ui clip');
    const post = await backend.api.postSave({ title: 'UI post', mediaIds: [itemId], visibility: 'subscribers' });
    expect(uploadJobs(itemId)).toEqual([]); // a draft uploads nothing
    await backend.api.postSchedule({ id: post.id, at: new Date(Date.now() + 3_600_000).toISOString() });
    const [job] = uploadJobs(itemId);
    expect(job).toBeDefined();
    const done = await backend.studio.queue.waitFor(job!.id);
    expect(done.state, done.error ?? '').toBe('done');
  }, 60_000);

  it('"publish now" keeps the post a draft until its media is on the server, then publishes it', async () => {
    const itemId = await readyItem('publish now clip');
    const post = await backend.api.postSave({ title: 'Now', mediaIds: [itemId], visibility: 'free' });
    const r = await backend.api.postPublish({ id: post.id });
    expect(r).toMatchObject({ waitingForUpload: true, post: { id: post.id, status: 'draft' } });
    await expect.poll(async () => (await backend.api.postsList()).find((p) => p.id === post.id)?.status, { timeout: 30_000 }).toBe('published');
    const published = (await backend.api.postsList()).find((p) => p.id === post.id)!;
    const uploaded = backend.studio.db.prepare('SELECT completed_at FROM media_uploads WHERE item_id = ?').pluck().get(itemId) as number;
    expect(uploaded).toBeLessThanOrEqual(Date.parse(published.publishedAt!));
    // Media already on the server: a second post with it is published at once.
    const again = await backend.api.postSave({ title: 'Again', mediaIds: [itemId], visibility: 'free' });
    expect(await backend.api.postPublish({ id: again.id })).toMatchObject({ waitingForUpload: false, post: { status: 'published' } });
  }, 60_000);

  it('media still being transcoded when its post is scheduled uploads once the transcode is done', async () => {
    const src = await makeVideo(join(dir, 'fresh clip.mp4'), { width: 320, height: 180, durationS: 2, audio: false });
    const imported = await backend.api.importPaths({ paths: [src] });
    const itemId = backend.studio.queue.get(imported.jobIds[0]!)!.itemId!;
    const post = await backend.api.postSave({ title: 'Fresh', mediaIds: [itemId], visibility: 'subscribers' });
    await backend.api.postSchedule({ id: post.id, at: new Date(Date.now() + 3_600_000).toISOString() });
    expect(uploadJobs(itemId)).toEqual([]); // no upload burning its attempts while the renditions are made
    await expect.poll(() => uploadJobs(itemId).length, { timeout: 60_000 }).toBe(1);
    const done = await backend.studio.queue.waitFor(uploadJobs(itemId)[0]!.id);
    expect(done.state, done.error ?? '').toBe('done');
    expect(done.attempts).toBe(1);
  }, 120_000);

  it('a post scheduled on another device, synced in, gets its media uploaded by this studio', async () => {
    const itemId = await readyItem('synced clip');
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: creator.email, password }) });
    const token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
    const doc = new Y.Doc();
    const other = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/sync`, catalogDocName(creator.id), doc, {
      params: { token },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    try {
      await new Promise<void>((r) => other.on('sync', (ok: boolean) => ok && r()));
      const now = new Date().toISOString();
      putPost(doc, {
        id: newId('post'), creatorId: creator.id, title: 'From the phone', description: '', tags: [], media: [{ mediaId: itemId, kind: 'video' }],
        teaserMediaId: null, thumbnailMediaId: null, visibility: 'free', price: null, tierIds: [], status: 'scheduled',
        scheduledAt: new Date(Date.now() + 3_600_000).toISOString(), publishedAt: null, createdAt: now, updatedAt: now,
      } as PostInput);
      await expect.poll(() => uploadJobs(itemId).length, { timeout: 20_000 }).toBe(1);
      const done = await backend.studio.queue.waitFor(uploadJobs(itemId)[0]!.id);
      expect(done.state, done.error ?? '').toBe('done');
      const res = await fetch(`${url}/api/v1/media/${itemId}`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await res.json()) as { data: { status: string } }).data.status).toBe('ready');
    } finally {
      other.destroy();
      doc.destroy();
    }
  }, 60_000);
});
