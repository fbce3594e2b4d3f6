// Publish and watch, end to end over HTTP (issue 11): a creator uploads a real fMP4 HLS ladder with
// tus-js-client, completes it, publishes a pay-per-view post over sync; a fan pays; the fan's signed
// playback URL is read end to end by the project's ffprobe with no headers; a second fan gets 403; tokens
// that are tampered, expired or made for another media get 403 on the master, a variant and a segment;
// byte ranges; public posters and previews only for posts that are public now.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, parseMediaPlaylist } from '@fanz/core';
import { PlaybackSigner } from '../src/media/playback-tokens.js';
import { api, makeStorage, register, type Account, type Running, type Storage } from './helpers.js';
import { complete, countFrames, makePhotoSet, makeVideoLadder, probe, rawGet, uploadAll, writePosts, type LadderFile } from './media-helpers.js';
import { bearer, createTier, pay, startMoneyServer } from './money-helpers.js';

/** Status of a GET, with the body read so no response is left half-sent when the server closes. */
async function statusOf(url: string, init?: RequestInit): Promise<number> {
  const r = await fetch(url, init);
  await r.arrayBuffer();
  return r.status;
}

describe('media playback', () => {
  let storage: Storage;
  let srv: Running;
  let work: string;
  let creator: Account;
  let fan: Account;
  let fan2: Account;
  let video: LadderFile[];
  const videoId = newId('med');
  const draftPhotoId = newId('med');
  const futurePhotoId = newId('med');
  let ppvPostId: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'fanz-media-test-'));
    storage = makeStorage('pglite');
    srv = await startMoneyServer(storage);
    [creator, fan, fan2] = await Promise.all([register(srv.url, 'creator'), register(srv.url, 'fan'), register(srv.url, 'fan')]);
    video = makeVideoLadder(join(work, 'video'));
    const photos = makePhotoSet(join(work, 'photo'));
    await uploadAll(srv.url, creator, videoId, video);
    await uploadAll(srv.url, creator, draftPhotoId, photos);
    await uploadAll(srv.url, creator, futurePhotoId, photos);
  }, 180_000);

  afterAll(async () => {
    // ffprobe sometimes leaves a connection behind mid-request when it exits (Node's headersTimeout would
    // clear it after 60 s); the tests are over, so drop every connection instead of waiting for that.
    srv?.server.app.server.closeAllConnections();
    await srv?.close();
    await storage?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('lists what is stored, and is not playable before complete', async () => {
    const info = await api(srv.url, 'GET', `/api/v1/media/${videoId}`, undefined, bearer(creator));
    expect(info.status).toBe(200);
    expect(info.body.data).toMatchObject({ mediaId: videoId, creatorId: creator.id, kind: null, status: 'uploading' });
    expect(info.body.data.files).toEqual(video.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })));
    expect(info.body.data.bytes).toBe(video.reduce((s, f) => s + f.size, 0));
    expect((await api(srv.url, 'GET', `/api/v1/media/${videoId}`, undefined, bearer(fan))).status).toBe(403);
    expect((await api(srv.url, 'GET', `/api/v1/media/${newId('med')}`, undefined, bearer(creator))).status).toBe(404);
    const early = await api(srv.url, 'GET', `/api/v1/media/${videoId}/playback`, undefined, bearer(creator));
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('MEDIA_NOT_READY');
    const doc = await api(srv.url, 'GET', '/api/v1/openapi.json');
    for (const p of ['/api/v1/media/{mediaId}', '/api/v1/media/{mediaId}/complete', '/api/v1/media/{mediaId}/playback']) expect(doc.body.paths).toHaveProperty([p]);
  });

  it('completes, publishes a pay-per-view post, and only the paying fan (and the creator) may watch', async () => {
    const done = await complete(srv.url, creator, videoId, 'video', video);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.data).toEqual({ mediaId: videoId, status: 'ready' });
    const photos = makePhotoSet(join(work, 'photo'));
    expect((await complete(srv.url, creator, draftPhotoId, 'image', photos)).status).toBe(200);
    expect((await complete(srv.url, creator, futurePhotoId, 'image', photos)).status).toBe(200);

    const postIds = await writePosts(srv, creator, [
      {
        title: 'Sunset walk',
        visibility: 'pay_per_view',
        price: { amount: 499, currency: 'USD' },
        status: 'published',
        media: [{ mediaId: videoId, kind: 'video' }],
        teaserMediaId: videoId,
      },
      { title: 'Work in progress', visibility: 'free', status: 'draft', media: [{ mediaId: draftPhotoId, kind: 'image' }] },
      {
        title: 'Next week',
        visibility: 'free',
        status: 'scheduled',
        scheduledAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
        media: [{ mediaId: futurePhotoId, kind: 'image' }],
      },
    ]);
    ppvPostId = postIds[0]!;

    // Before paying: 403.
    expect((await api(srv.url, 'GET', `/api/v1/media/${videoId}/playback`, undefined, bearer(fan))).status).toBe(403);
    const paid = await pay(srv.url, fan, { postId: ppvPostId }, `ppv-${videoId}`);
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);

    const res = await api(srv.url, 'GET', `/api/v1/media/${videoId}/playback`, undefined, bearer(fan));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const pb = res.body.data;
    expect(pb.url).toMatch(new RegExp(`^${srv.url}/api/v1/media/${videoId}/s/[^/]+/hls/master\\.m3u8$`));
    expect(pb.kind).toBe('video');
    expect(pb.posterUrl).toBe(`${srv.url}/api/v1/media/${videoId}/poster`);
    expect(pb.thumbnailsUrl).toBe(pb.url.replace('hls/master.m3u8', 'sprite/thumbnails.vtt'));
    const ttl = Date.parse(pb.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(3500_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);

    // The project's ffprobe reads the whole stream from the URL alone: both renditions' streams, every frame.
    const info = await probe(pb.url);
    expect(info.streams.filter((s) => s.codec_type === 'video').map((s) => s.codec_name)).toEqual(['h264', 'h264']);
    expect(info.streams.some((s) => s.codec_type === 'audio' && s.codec_name === 'aac')).toBe(true);
    expect(Number(info.format.duration)).toBeGreaterThan(3.5);
    expect(await countFrames(pb.url)).toBe(96);
    const vtt = await fetch(pb.thumbnailsUrl);
    expect(vtt.status).toBe(200);
    expect(vtt.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    expect(await vtt.text()).toMatch(/^WEBVTT/);
    const sprite = await fetch(new URL('sprite_001.jpg', pb.thumbnailsUrl));
    expect(sprite.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await sprite.arrayBuffer()).equals(video.find((f) => f.path === 'sprite/sprite_001.jpg')!.bytes)).toBe(true);

    const second = await api(srv.url, 'GET', `/api/v1/media/${videoId}/playback`, undefined, bearer(fan2));
    expect(second.status).toBe(403);
    expect(second.body.error.code).toBe('FORBIDDEN');
    expect((await api(srv.url, 'GET', `/api/v1/media/${videoId}/playback`, undefined, bearer(creator))).status).toBe(200);
    expect((await api(srv.url, 'GET', `/api/v1/media/${videoId}/playback`)).status).toBe(401);
    expect((await api(srv.url, 'GET', `/api/v1/media/${newId('med')}/playback`, undefined, bearer(fan))).status).toBe(404);
    // A draft's and a future post's media: 404 to fans, playable by the creator.
    expect((await api(srv.url, 'GET', `/api/v1/media/${draftPhotoId}/playback`, undefined, bearer(fan))).status).toBe(404);
    expect((await api(srv.url, 'GET', `/api/v1/media/${futurePhotoId}/playback`, undefined, bearer(fan))).status).toBe(404);
    const own = await api(srv.url, 'GET', `/api/v1/media/${draftPhotoId}/playback`, undefined, bearer(creator));
    expect(own.status).toBe(200);
    expect(own.body.data.url).toMatch(/\/photo_1080\.webp$/);
    expect(own.body.data.thumbnailsUrl).toBeNull();

    // One playback session per /playback call that succeeded: fan (1) and creator (2 media).
    const rows = await srv.server.db.query<{ viewer_id: string; media_id: string; post_id: string | null }>(
      'SELECT viewer_id, media_id, post_id FROM playback_sessions ORDER BY started_at, id',
    );
    expect(rows).toEqual([
      { viewer_id: fan.id, media_id: videoId, post_id: ppvPostId },
      { viewer_id: creator.id, media_id: videoId, post_id: null },
      { viewer_id: creator.id, media_id: draftPhotoId, post_id: null },
    ]);
  }, 120_000);

  it('refuses tampered, expired and foreign tokens on the master, a variant and a segment (403)', async () => {
    const pb = (await api(srv.url, 'GET', `/api/v1/media/${videoId}/playback`, undefined, bearer(fan))).body.data;
    const token = /\/s\/([^/]+)\//.exec(pb.url)![1]!;
    const base = `${srv.url}/api/v1/media/${videoId}/s`;
    const files = ['hls/master.m3u8', 'hls/v0/index.m3u8', 'hls/v0/media.mp4'];
    for (const f of files) expect(await statusOf(`${base}/${token}/${f}`)).toBe(200);

    const flip = (t: string) => t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A');
    const [exp, viewer] = token.split('.');
    const signer = await PlaybackSigner.open(srv.server.db);
    const expired = signer.sign(videoId, fan.id, Math.floor(Date.now() / 1000) - 1);
    const foreign = signer.sign(draftPhotoId, fan.id, Math.floor(Date.now() / 1000) + 600);
    const otherViewer = `${exp}.${fan2.id}.${token.split('.')[2]}`;
    const later = `${Number(exp) + 3600}.${viewer}.${token.split('.')[2]}`;
    for (const bad of [flip(token), expired, foreign, otherViewer, later, 'garbage']) {
      for (const f of files) {
        const r = await fetch(`${base}/${bad}/${f}`);
        expect(r.status, `${bad} ${f}`).toBe(403);
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
      }
    }
    // A valid token still finds nothing outside the manifest or outside the folder.
    expect(await statusOf(`${base}/${token}/hls/v0/seg_09999.m4s`)).toBe(404);
    const prefix = `/api/v1/media/${videoId}/s/${token}`;
    for (const trick of ['hls/%2e%2e/poster.jpg', 'hls/../poster.jpg', 'hls/v0/%2e%2e/%2e%2e/poster.jpg', '%2fetc/passwd', 'hls//master.m3u8']) {
      expect(await rawGet(srv.url, `${prefix}/${trick}`), trick).toBe(404);
    }
  });

  it('a token that was accepted (and remembered) is refused once it expires', async () => {
    const signer = await PlaybackSigner.open(srv.server.db);
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const url = `${srv.url}/api/v1/media/${videoId}/s/${signer.sign(videoId, fan.id, expiresAt)}/hls/v0/index.m3u8`;
    expect(await statusOf(url)).toBe(200);
    expect(await statusOf(url)).toBe(200);
    await new Promise((r) => setTimeout(r, expiresAt * 1000 - Date.now() + 50));
    const late = await fetch(url);
    expect(late.status).toBe(403);
    expect(((await late.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
  });

  it('serves content types, ETags, cache headers and byte ranges (206, 416 beyond the end)', async () => {
    const pb = (await api(srv.url, 'GET', `/api/v1/media/${videoId}/playback`, undefined, bearer(fan))).body.data;
    const base = pb.url.replace('hls/master.m3u8', '');
    const seg = video.find((f) => f.path === 'hls/v0/media.mp4')!;
    const expect200 = async (path: string, type: string) => {
      const r = await fetch(base + path);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe(type);
      return { headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
    };
    const master = await expect200('hls/master.m3u8', 'application/vnd.apple.mpegurl');
    expect(master.headers.get('cache-control')).toMatch(/^public, max-age=(30|[12]\d|\d)$/);
    const full = await expect200(seg.path, 'video/mp4');
    const cc = /^public, max-age=(\d+), immutable$/.exec(full.headers.get('cache-control') ?? '');
    expect(Number(cc?.[1])).toBeGreaterThan(3500);
    expect(full.body.equals(seg.bytes)).toBe(true);
    const etag = full.headers.get('etag')!;
    expect(etag).toBe(`"${seg.sha256.slice(0, 32)}"`);
    expect(await statusOf(base + seg.path, { headers: { 'if-none-match': etag } })).toBe(304);
    await expect200('poster.jpg', 'image/jpeg');

    const part = await fetch(base + seg.path, { headers: { range: 'bytes=100-1099' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-1099/${seg.size}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(seg.bytes.subarray(100, 1100))).toBe(true);
    const tail = await fetch(base + seg.path, { headers: { range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(seg.bytes.subarray(seg.size - 10))).toBe(true);
    const open = await fetch(base + seg.path, { headers: { range: `bytes=${seg.size - 5}-` } });
    expect(open.status).toBe(206);
    expect(open.headers.get('content-length')).toBe('5');
    await open.arrayBuffer();
    const beyond = await fetch(base + seg.path, { headers: { range: `bytes=${seg.size}-${seg.size + 10}` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${seg.size}`);
    expect(((await beyond.json()) as { error: { code: string } }).error.code).toBe('RANGE_NOT_SATISFIABLE');
    const head = await fetch(base + seg.path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(seg.size));
  });

  it('answers every byte range a rung playlist names (init and segments of one media.mp4) with exactly those bytes', async () => {
    const pb = (await api(srv.url, 'GET', `/api/v1/media/${videoId}/playback`, undefined, bearer(fan))).body.data;
    const base = pb.url.replace('hls/master.m3u8', '');
    for (const rung of ['v0', 'v1']) {
      const file = video.find((f) => f.path === `hls/${rung}/media.mp4`)!;
      const playlist = parseMediaPlaylist(await (await fetch(`${base}hls/${rung}/index.m3u8`)).text());
      const ranges = [playlist.initRange!, ...playlist.segments.map((x) => x.byteRange!)];
      expect(playlist.segments.length).toBeGreaterThanOrEqual(4);
      expect(ranges.every((r) => r !== null)).toBe(true);
      // The ranges tile the file, so a player that fetches them all downloads every byte once.
      expect(ranges.reduce((a, r) => a + r.length, 0)).toBe(file.size);
      for (const r of ranges) {
        const res = await fetch(`${base}hls/${rung}/media.mp4`, { headers: { range: `bytes=${r.offset}-${r.offset + r.length - 1}` } });
        expect(res.status).toBe(206);
        expect(res.headers.get('content-range')).toBe(`bytes ${r.offset}-${r.offset + r.length - 1}/${file.size}`);
        expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+, immutable$/);
        expect(Buffer.from(await res.arrayBuffer()).equals(file.bytes.subarray(r.offset, r.offset + r.length))).toBe(true);
      }
      // The same range under a tampered token: 403, not bytes.
      const token = /\/s\/([^/]+)\//.exec(pb.url)![1]!;
      const bad = `${base.replace(token, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))}hls/${rung}/media.mp4`;
      expect(await statusOf(bad, { headers: { range: `bytes=${ranges[1]!.offset}-${ranges[1]!.offset + 99}` } })).toBe(403);
    }
  });

  it('serves posters, previews and the chosen teaser publicly only for posts that are public now', async () => {
    const get = (id: string, what: string, headers: Record<string, string> = {}) => fetch(`${srv.url}/api/v1/media/${id}/${what}`, { headers });
    const poster = await get(videoId, 'poster');
    expect(poster.status).toBe(200);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    expect(poster.headers.get('cache-control')).toBe('public, max-age=300');
    expect(Buffer.from(await poster.arrayBuffer()).equals(video.find((f) => f.path === 'poster.jpg')!.bytes)).toBe(true);
    const preview = await get(videoId, 'preview');
    expect(preview.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await preview.arrayBuffer()).equals(video.find((f) => f.path === 'preview_blur.jpg')!.bytes)).toBe(true);
    const teaser = await get(videoId, 'teaser', { range: 'bytes=0-99' });
    expect(teaser.status).toBe(206);
    expect(teaser.headers.get('content-type')).toBe('video/mp4');
    expect((await teaser.arrayBuffer()).byteLength).toBe(100);

    for (const id of [draftPhotoId, futurePhotoId, newId('med')]) {
      for (const what of ['poster', 'preview', 'teaser']) {
        const r = await get(id, what);
        expect(r.status, `${id} ${what}`).toBe(404);
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
      }
      // Fans with a token see no more than the public.
      const asFan = await get(id, 'poster', bearer(fan));
      expect(asFan.status).toBe(404);
      await asFan.arrayBuffer();
    }
    // The creator sees their own draft's previews (an image's poster is its blurred preview), never cached publicly.
    const own = await get(draftPhotoId, 'poster', bearer(creator));
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('image/webp');
    expect(own.headers.get('cache-control')).toBe('private, no-store');
    await own.arrayBuffer();
    const noTeaser = await get(draftPhotoId, 'teaser', bearer(creator));
    expect(noTeaser.status).toBe(404);
    await noTeaser.arrayBuffer();
  });
  it('lets subscribers of a fitting tier watch subscriber posts, and any signed-in user watch free posts', async () => {
    const [tierA, tierB] = [await createTier(srv.url, creator, 999), await createTier(srv.url, creator, 2999)];
    const onlyB = newId('med');
    const anyTier = newId('med');
    const free = newId('med');
    for (const [id, color] of [[onlyB, 'blue'], [anyTier, 'green'], [free, 'red']] as const) {
      const set = makePhotoSet(join(work, `photo-${color}`), color);
      await uploadAll(srv.url, creator, id, set);
      expect((await complete(srv.url, creator, id, 'image', set)).status).toBe(200);
    }
    await writePosts(srv, creator, [
      { title: 'Tier B only', visibility: 'subscribers', tierIds: [tierB.id], status: 'published', media: [{ mediaId: onlyB, kind: 'image' }] },
      { title: 'Any tier', visibility: 'subscribers', status: 'published', media: [{ mediaId: anyTier, kind: 'image' }] },
      { title: 'Free for all', visibility: 'free', status: 'published', media: [{ mediaId: free, kind: 'image' }] },
    ]);
    const playback = (id: string, who: Account) => api(srv.url, 'GET', `/api/v1/media/${id}/playback`, undefined, bearer(who));
    expect((await playback(anyTier, fan2)).status).toBe(403);
    const sub = await pay(srv.url, fan2, { subscriptionId: tierA.id }, `sub-${tierA.id}`);
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    const ok = await playback(anyTier, fan2);
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ kind: 'image', thumbnailsUrl: null });
    expect(ok.body.data.url).toMatch(/\/photo_1080\.webp$/);
    const photo = await fetch(ok.body.data.url);
    expect(photo.headers.get('content-type')).toBe('image/webp');
    expect((await playback(onlyB, fan2)).status).toBe(403);
    // A free post: any signed-in user, fan or creator, but not anonymous.
    const stranger = await register(srv.url, 'creator');
    expect((await playback(free, stranger)).status).toBe(200);
    expect((await playback(free, fan)).status).toBe(200);
    expect((await api(srv.url, 'GET', `/api/v1/media/${free}/playback`)).status).toBe(401);
    // An image's public poster is its blurred preview, not the photo.
    const poster = await fetch(`${srv.url}/api/v1/media/${free}/poster`);
    expect(poster.headers.get('content-type')).toBe('image/webp');
    expect((await poster.arrayBuffer()).byteLength).toBeLessThan((await photo.arrayBuffer()).byteLength);
  }, 120_000);
});
