// The S3 storage path (MEDIA_S3_ENDPOINT + MEDIA_S3_BUCKET) against s3rver, an S3-compatible server
// started here on a free port in a temp dir: tus uploads become multipart uploads in the bucket, a file
// sent in several PATCHes (parts and an incomplete tail part) verifies, a sha256 mismatch leaves no object
// behind, an upload resumes after the server restarts, and a signed playback URL is read end to end by
// ffprobe through ranged GetObject calls.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@fanz/core';
import type { MediaConfig } from '../src/config.js';
import { api, eventually, makeStorage, register, startServer, type Account, type Running, type Storage } from './helpers.js';
import { complete, countFrames, makeVideoLadder, sha256, tusUpload, uploadAll, writePosts } from './media-helpers.js';

const BUCKET = 'fanz-media';

describe('media on S3 (s3rver)', () => {
  let s3dir: string;
  let work: string;
  let s3: S3rver;
  let s3cfg: NonNullable<MediaConfig['s3']>;
  let client: S3Client;
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  let fan: Account;

  const objectKeys = async (prefix: string) =>
    ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);

  beforeAll(async () => {
    s3dir = mkdtempSync(join(tmpdir(), 'fanz-s3rver-'));
    work = mkdtempSync(join(tmpdir(), 'fanz-media-s3-'));
    s3 = new S3rver({ port: 0, address: '127.0.0.1', directory: s3dir, silent: true, configureBuckets: [{ name: BUCKET }] });
    const { port } = await s3.run();
    // s3rver's fixed credentials; path-style addressing as for MinIO and most S3-compatible servers.
    s3cfg = { endpoint: `http://127.0.0.1:${port}`, bucket: BUCKET, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    client = new S3Client({ endpoint: s3cfg.endpoint, region: s3cfg.region, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    storage = makeStorage('pglite');
    srv = await startServer(storage, { media: { s3: s3cfg } });
    [creator, fan] = await Promise.all([register(srv.url, 'creator'), register(srv.url, 'fan')]);
  });

  afterAll(async () => {
    // As in media-playback.test.ts: drop a connection ffprobe may leave behind instead of waiting 60 s.
    srv?.server.app.server.closeAllConnections();
    await srv?.close();
    await storage?.cleanup();
    client?.destroy();
    await s3?.close();
    for (const d of [s3dir, work]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('stores uploads in the bucket and plays a free post end to end (ffprobe, ranges)', async () => {
    const mediaId = newId('med');
    const video = makeVideoLadder(join(work, 'video'));
    await uploadAll(srv.url, creator, mediaId, video);
    expect((await complete(srv.url, creator, mediaId, 'video', video)).status).toBe(200);
    const info = await api(srv.url, 'GET', `/api/v1/media/${mediaId}`, undefined, { authorization: `Bearer ${creator.accessToken}` });
    expect(info.body.data.files).toHaveLength(video.length);
    // Nothing under the data dir: the bytes live in the bucket.
    const keys = await objectKeys('upl_');
    expect(keys.filter((k) => /^upl_[a-z0-9]+$/.test(k))).toHaveLength(video.length);

    await writePosts(srv, creator, [{ title: 'Free on S3', visibility: 'free', status: 'published', media: [{ mediaId, kind: 'video' }] }]);
    const pb = await api(srv.url, 'GET', `/api/v1/media/${mediaId}/playback`, undefined, { authorization: `Bearer ${fan.accessToken}` });
    expect(pb.status).toBe(200);
    expect(await countFrames(pb.body.data.url)).toBe(96);

    const seg = video.find((f) => f.path === 'hls/v1/media.mp4')!;
    const url = pb.body.data.url.replace('hls/master.m3u8', seg.path);
    const part = await fetch(url, { headers: { range: 'bytes=10-2009' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-2009/${seg.size}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(seg.bytes.subarray(10, 2010))).toBe(true);
    const beyond = await fetch(url, { headers: { range: `bytes=${seg.size + 1}-` } });
    expect(beyond.status).toBe(416);
    await beyond.arrayBuffer();
    const poster = await fetch(`${srv.url}/api/v1/media/${mediaId}/poster`);
    expect(Buffer.from(await poster.arrayBuffer()).equals(video.find((f) => f.path === 'poster.jpg')!.bytes)).toBe(true);
  }, 120_000);

  it('assembles a file sent in many PATCHes (5 MiB parts plus a tail), and deletes a mismatching one', async () => {
    const mediaId = newId('med');
    const bytes = randomBytes(11 * 1024 * 1024 + 123);
    const f = { path: 'teaser.mp4', bytes, sha256: sha256(bytes) };
    const ok = await tusUpload(srv.url, creator.accessToken, mediaId, f, { chunkSize: 3 * 1024 * 1024 });
    expect(ok.status, ok.body).toBe(204);
    const wrong = await tusUpload(srv.url, creator.accessToken, mediaId, { ...f, path: 'poster.jpg' }, { sha: sha256(Buffer.from('no')), chunkSize: 3 * 1024 * 1024 });
    expect(wrong.status).toBe(422);
    const wrongId = wrong.url!.split('/').pop()!;
    expect(await objectKeys(wrongId)).toEqual([]);

    const info = await api(srv.url, 'GET', `/api/v1/media/${mediaId}`, undefined, { authorization: `Bearer ${creator.accessToken}` });
    expect(info.body.data.files).toEqual([{ path: 'teaser.mp4', sha256: f.sha256, size: bytes.length }]);
  }, 120_000);

  it('resumes an upload after the server restarts (the upload state is in the bucket)', async () => {
    const mediaId = newId('med');
    const bytes = randomBytes(7 * 1024 * 1024);
    const f = { path: 'teaser.mp4', bytes, sha256: sha256(bytes) };
    let upload: { abort(): Promise<void>; url: string | null } | null = null;
    let stopped: Promise<void> | null = null;
    // abort() settles neither onSuccess nor onError, so this promise is left behind on purpose.
    void tusUpload(srv.url, creator.accessToken, mediaId, f, {
      chunkSize: 1024 * 1024,
      started: (u) => (upload = u),
      onChunkComplete: (_c, accepted) => {
        if (accepted >= 3 * 1024 * 1024 && !stopped) stopped = upload!.abort();
      },
    });
    await eventually(async () => stopped !== null, 'three chunks accepted', 60_000);
    await stopped;
    const uploadUrl = (upload as unknown as { url: string }).url;
    expect(uploadUrl).toMatch(/\/api\/v1\/uploads\/upl_/);
    const port = new URL(srv.url).port;
    await srv.close();
    srv = await startServer(storage, { port: Number(port), media: { s3: s3cfg } });
    const head = await fetch(uploadUrl, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${creator.accessToken}` } });
    expect(head.status).toBe(200);
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThanOrEqual(3 * 1024 * 1024);
    expect(offset).toBeLessThan(bytes.length);
    let resent = 0;
    const resumed = await tusUpload(srv.url, creator.accessToken, mediaId, f, { uploadUrl, chunkSize: 1024 * 1024, onChunkComplete: (c) => (resent += c) });
    expect(resumed.status, resumed.body).toBe(204);
    expect(resent).toBe(bytes.length - offset);
    const info = await api(srv.url, 'GET', `/api/v1/media/${mediaId}`, undefined, { authorization: `Bearer ${creator.accessToken}` });
    expect(info.body.data.files).toEqual([{ path: 'teaser.mp4', sha256: f.sha256, size: bytes.length }]);
  }, 120_000);
});
