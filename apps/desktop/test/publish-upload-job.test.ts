// The `upload` job against the real sync server (in-process, PGlite) and real renditions: what it sends and
// skips, the blurred still derived for older items, photos as `image` media, and every refusal: someone
// else's media id (403), over quota (413), a corrupted file (422, sent again from scratch), the network down
// (transient, retried), plus the enqueueing of uploads for posts going public.
import { mkdirSync, rmSync, existsSync, mkdtempSync, readdirSync, linkSync, unlinkSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Upload } from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../sync-server/src/server.js';
import { fileSecretBox } from '../src/main/services/account/account-store.js';
import { CatalogService } from '../src/main/services/catalog/catalog-service.js';
import { mediaDir } from '../src/main/services/jobs/media-process.js';
import { probe } from '../src/main/services/media/probe.js';
import { processVideo } from '../src/main/services/media/video.js';
import { processPhoto } from '../src/main/services/media/photo.js';
import { attachPublishing, catalogKindOf, type Publishing } from '../src/main/services/publish/publishing.js';
import { HASHES_FILE, recordOutputHashes } from '../src/main/services/publish/output-hashes.js';
import { mediaToUpload } from '../src/main/services/publish/post-uploads.js';
import type { UploadResult } from '../src/main/services/publish/upload-job.js';
import { openStudio, type Studio } from '../src/main/services/studio.js';
import { startCountingProxy } from './helpers/counting-proxy.js';
import { makeHalfWhiteJpeg, makeVideo } from './helpers/fixtures.js';

let dir: string;
let server: FanzServer;
let url: string;
let videoOut: string;
let photoOut: string;
const open: Array<{ studio: Studio; catalog: CatalogService }> = [];

async function startServer(quotaBytes?: number): Promise<{ server: FanzServer; url: string }> {
  const s = await buildServer(
    { ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, `server-${randomBytes(3).toString('hex')}`), logLevel: 'silent', ...(quotaBytes ? { media: { quotaBytes, playbackTtlS: 3600 } } : {}) },
    { logger: false },
  );
  return { server: s, url: await s.listen() };
}

/** A studio signed in as a fresh creator, with uploads attached. */
async function studioFor(serverUrl: string): Promise<{ studio: Studio; catalog: CatalogService; publishing: Publishing; userId: string }> {
  const studio = openStudio({ dataDir: mkdtempSync(join(dir, 'studio-')), concurrency: 1, retryBaseMs: 200, pollMs: 100 });
  const catalog = new CatalogService({ db: studio.db, box: fileSecretBox(studio.dataDir), defaultServerUrl: serverUrl, mode: 'browser', maxBackoffMs: 200, mediaKind: catalogKindOf(studio) });
  const n = randomBytes(4).toString('hex');
  const s = await catalog.register({ serverUrl, email: `c${n}@example.test`, password: 'correct horse battery', username: `c_${n}`, displayName: 'C' });
  open.push({ studio, catalog });
  return { studio, catalog, publishing: attachPublishing(studio, catalog), userId: s.user!.id };
}

/** A ready library item whose output folder holds (hard links to) real renditions. */
function addItem(studio: Studio, kind: 'video' | 'photo', title = 'clip'): string {
  const item = studio.lib.insertItem({ kind, path: join(dir, `${title}-original`), fileName: `${title}.mp4`, title, contentHash: randomBytes(16).toString('hex'), sizeBytes: 1, mtimeMs: Date.now() });
  const from = kind === 'video' ? videoOut : photoOut;
  const to = mediaDir(studio.dataDir, item.id);
  const copy = (a: string, b: string) => {
    mkdirSync(b, { recursive: true });
    for (const e of readdirSync(a, { withFileTypes: true })) {
      if (e.isDirectory()) copy(join(a, e.name), join(b, e.name));
      else linkSync(join(a, e.name), join(b, e.name));
    }
  };
  copy(from, to);
  studio.lib.completeProcessing(item.id, [{ kind: kind === 'video' ? 'hls_master' : 'photo', path: `media/${item.id}/x`, sizeBytes: 1 }], null);
  return item.id;
}

async function runUpload(s: { studio: Studio; publishing: Publishing }, itemId: string) {
  const job = s.publishing.enqueueUpload(itemId);
  s.studio.queue.start();
  return s.studio.queue.waitFor(job.id);
}

async function stored(serverUrl: string, token: string, mediaId: string) {
  const res = await fetch(`${serverUrl}/api/v1/media/${mediaId}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, data: ((await res.json()) as { data: { kind: string | null; status: string; files: Array<{ path: string; sha256: string }> } }).data };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-upload-job-'));
  ({ server, url } = await startServer());
  const clip = await makeVideo(join(dir, 'clip.mp4'), { width: 640, height: 360, durationS: 3 });
  videoOut = join(dir, 'video-out');
  await processVideo(clip, await probe(clip), videoOut, { preset: 'ultrafast' });
  const jpeg = await makeHalfWhiteJpeg(join(dir, 'photo.jpg'));
  photoOut = join(dir, 'photo-out');
  mkdirSync(photoOut);
  await processPhoto(jpeg, await probe(jpeg), photoOut);
}, 180_000);

afterAll(async () => {
  for (const o of open) {
    o.catalog.close();
    await o.studio.close();
  }
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('upload job', () => {
  it('uses the hashes the transcode recorded; a recorded hash that no longer fits is refused (422), hashed again and sent', async () => {
    const s = await studioFor(url);
    const itemId = addItem(s.studio, 'video', 'recorded');
    const out = mediaDir(s.studio.dataDir, itemId);
    await recordOutputHashes(out);
    const record = JSON.parse(readFileSync(join(out, HASHES_FILE), 'utf8')) as Record<string, { sha256: string }>;
    expect(Object.keys(record)).toEqual(expect.arrayContaining(['hls/master.m3u8', 'poster.jpg']));
    // The poster's recorded hash now names other bytes (size and mtime still match): the job must trust it,
    // be refused by the server's check on arrival, hash the file again and send it.
    record['poster.jpg']!.sha256 = 'ab'.repeat(32);
    writeFileSync(join(out, HASHES_FILE), JSON.stringify(record));
    const job = await runUpload(s, itemId);
    expect(job.state, job.error ?? '').toBe('done');
    expect((job.result as UploadResult).resentAfterMismatch).toBe(1);
    const got = await stored(url, await s.catalog.getAccessToken(), itemId);
    expect(got.data.status).toBe('ready');
    const poster = readFileSync(join(out, 'poster.jpg'));
    expect(got.data.files.find((f) => f.path === 'poster.jpg')?.sha256).toBe(createHash('sha256').update(poster).digest('hex'));
    expect(got.data.files.map((f) => f.path)).not.toContain(HASHES_FILE);
  });

  it('sends every rendition with its role, completes the media, and skips all of it the second time', async () => {
    const s = await studioFor(url);
    const itemId = addItem(s.studio, 'video');
    const stages: string[] = [];
    s.studio.queue.on('progress', (p: { stage: string | null }) => p.stage && stages.push(p.stage));
    const job = await runUpload(s, itemId);
    expect(job.state, job.error ?? '').toBe('done');
    const r = job.result as UploadResult;
    // Byte progress in words, as the Jobs screen and `jobs` show it.
    expect(stages.some((st) => /^uploading [\d.]+ k?B of [\d.]+ [kM]?B$/.test(st))).toBe(true);
    expect(r).toMatchObject({ mediaId: itemId, status: 'ready', skipped: 0, resentAfterMismatch: 0 });
    const got = await stored(url, await s.catalog.getAccessToken(), itemId);
    expect(got.data).toMatchObject({ kind: 'video', status: 'ready' });
    expect(got.data.files.map((f) => f.path)).toEqual(expect.arrayContaining(['hls/master.m3u8', 'poster.jpg', 'preview_blur.jpg', 'teaser.mp4', 'sprite/thumbnails.vtt']));
    expect(got.data.files).toHaveLength(r.files);

    const again = await runUpload(s, itemId);
    expect(again.state).toBe('done');
    expect(again.result as UploadResult).toMatchObject({ skipped: r.files, bytesToSend: 0 });
  });

  it('derives the blurred still from the poster for an item transcoded before it existed', async () => {
    const s = await studioFor(url);
    const itemId = addItem(s.studio, 'video');
    const still = join(mediaDir(s.studio.dataDir, itemId), 'preview_blur.jpg');
    unlinkSync(still);
    const job = await runUpload(s, itemId);
    expect(job.state, job.error ?? '').toBe('done');
    expect(existsSync(still)).toBe(true);
    expect((await stored(url, await s.catalog.getAccessToken(), itemId)).data.files.map((f) => f.path)).toContain('preview_blur.jpg');
  });

  it('uploads a photo as image media and writes photo posts with kind image', async () => {
    const s = await studioFor(url);
    const itemId = addItem(s.studio, 'photo', 'portrait');
    const post = s.catalog.savePost({ title: 'Portrait', mediaIds: [itemId], visibility: 'subscribers' });
    expect(post.media).toEqual([{ mediaId: itemId, kind: 'image' }]);
    const job = await runUpload(s, itemId);
    expect(job.state, job.error ?? '').toBe('done');
    const got = await stored(url, await s.catalog.getAccessToken(), itemId);
    expect(got.data.kind).toBe('image');
    expect(got.data.files.map((f) => f.path)).toEqual(expect.arrayContaining(['photo_480.webp', 'preview_blur.webp']));
  });

  it("fails for good, with the server's reason, when another creator holds the media id (403)", async () => {
    const a = await studioFor(url);
    const b = await studioFor(url);
    const itemId = addItem(a.studio, 'video');
    // Creator B claims A's media id first with one small file.
    const tokenB = await b.catalog.getAccessToken();
    await new Promise<void>((resolve, reject) => {
      const bytes = Buffer.from('#EXTM3U\n');
      new Upload(bytes, {
        endpoint: `${url}/api/v1/uploads`,
        uploadSize: bytes.length,
        metadata: { mediaId: itemId, path: 'hls/master.m3u8', sha256: '0e5b9b4e4f3c1e8e4bd2a1f1d33c7c8c0f3c4c4d7b6e5e3e0d8f2a1b9c7d6e5f' },
        headers: { authorization: `Bearer ${tokenB}` },
        onSuccess: () => resolve(),
        onError: (e) => (/422/.test(String(e)) ? resolve() : reject(e)),
      }).start();
    });
    const job = await runUpload(a, itemId);
    expect(job.state).toBe('failed');
    expect(job.attempts).toBe(1);
    expect(job.error).toMatch(/refused .*\(403\).*another creator/);
  });

  it('fails over quota (413) with a message that says so', async () => {
    const small = await startServer(10_000);
    try {
      const s = await studioFor(small.url);
      const job = await runUpload(s, addItem(s.studio, 'video'));
      expect(job.state).toBe('failed');
      expect(job.error).toMatch(/quota/i);
      expect(job.attempts).toBe(1);
    } finally {
      await small.server.close();
    }
  });

  it('sends a file refused with 422 (corrupted on the way) again from scratch, and the media completes', async () => {
    const target = new URL(url);
    const proxy = await startCountingProxy({ host: target.hostname, port: Number(target.port) }, { corruptFirstPatch: true });
    try {
      const s = await studioFor(proxy.url);
      const itemId = addItem(s.studio, 'video');
      const job = await runUpload(s, itemId);
      expect(job.state, job.error ?? '').toBe('done');
      expect((job.result as UploadResult).resentAfterMismatch).toBe(1);
      expect((await stored(url, await s.catalog.getAccessToken(), itemId)).data.status).toBe('ready');
    } finally {
      await proxy.close();
    }
  });

  it('treats an unreachable server as transient: the job waits and retries, then finishes when it is back', async () => {
    const target = new URL(url);
    let proxy = await startCountingProxy({ host: target.hostname, port: Number(target.port) });
    const port = Number(new URL(proxy.url).port);
    const s = await studioFor(proxy.url);
    await s.catalog.getAccessToken();
    await proxy.close();
    const itemId = addItem(s.studio, 'video');
    const job = s.publishing.enqueueUpload(itemId);
    s.studio.queue.start();
    await expect.poll(() => s.studio.queue.get(job.id)?.error ?? '', { timeout: 20_000 }).toMatch(/retrying: cannot reach the server/);
    expect(s.studio.queue.get(job.id)?.state).not.toBe('failed');
    proxy = await startCountingProxy({ host: target.hostname, port: Number(target.port) }, { port });
    try {
      const done = await s.studio.queue.waitFor(job.id);
      expect(done.state, done.error ?? '').toBe('done');
      expect(done.attempts).toBeGreaterThan(1);
    } finally {
      await proxy.close();
    }
  });
});

describe('uploads for posts going public', () => {
  it('enqueues one upload per media of a scheduled post, none for drafts, and nothing once it is on the server', async () => {
    const s = await studioFor(url);
    const itemId = addItem(s.studio, 'video');
    const draft = s.catalog.savePost({ title: 'Later', mediaIds: [itemId], visibility: 'free' });
    expect(s.publishing.enqueueForPosts([draft])).toEqual([]);
    const scheduled = s.catalog.schedule(draft.id, new Date(Date.now() + 3_600_000).toISOString());
    const [job] = s.publishing.enqueueForPosts([scheduled]);
    expect(job).toMatchObject({ kind: 'upload', itemId });
    expect(s.publishing.enqueueForPosts([scheduled]).map((j) => j.id)).toEqual([job!.id]); // already active
    s.studio.queue.start();
    expect((await s.studio.queue.waitFor(job!.id)).state).toBe('done');
    expect(mediaToUpload(s.publishing.deps, [scheduled])).toEqual([]);
  });
});
