// Bad input on the upload side of issue 11, over real HTTP: tus requests without a creator's token,
// metadata path tricks (`..`, percent-encoded, absolute, too deep), someone else's media id or upload,
// the quota, a sha256 that does not match (422, nothing recorded, the file can be sent again), a
// truncated upload completed too early (409), oversized playlists and playlists naming unlisted files or
// absolute URLs (400), and a later upload replacing a file at the same path.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@fanz/core';
import { BACKENDS, api, makeStorage, pgSkipReason, register, startServer, type Account, type Running, type Storage } from './helpers.js';
import { completeBody, roleOf, sha256, tusUpload, writePosts } from './media-helpers.js';
import { pay } from './money-helpers.js';

const QUOTA = 4 * 1024 * 1024;

function file(path: string, bytes: Buffer) {
  return { path, bytes, sha256: sha256(bytes), size: bytes.length, role: roleOf(path) };
}

/** A raw tus creation request, so tests control every header. */
async function create(url: string, token: string | null, meta: Record<string, string>, length: number | null, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { 'tus-resumable': '1.0.0', ...extra };
  if (token) headers.authorization = `Bearer ${token}`;
  if (length !== null) headers['upload-length'] = String(length);
  headers['upload-metadata'] = Object.entries(meta)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');
  const res = await fetch(`${url}/api/v1/uploads`, { method: 'POST', headers });
  const text = await res.text();
  return { status: res.status, location: res.headers.get('location'), type: res.headers.get('content-type'), body: text ? JSON.parse(text) : null };
}

describe.each(BACKENDS)('media uploads on %s', (backend) => {
  const skip = backend === 'postgres' && pgSkipReason !== null;
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  let other: Account;
  let fan: Account;
  const auth = (a: Account) => ({ authorization: `Bearer ${a.accessToken}` });

  beforeAll(async () => {
    if (skip) return;
    storage = makeStorage(backend);
    srv = await startServer(storage, { media: { quotaBytes: QUOTA } });
    [creator, other, fan] = await Promise.all([register(srv.url, 'creator'), register(srv.url, 'creator'), register(srv.url, 'fan')]);
  });
  afterAll(async () => {
    if (skip) return;
    await srv?.close();
    await storage?.cleanup();
  });

  it.skipIf(skip)('asks for a creator token (401 without, 403 for a fan) and answers in the JSON envelope', async () => {
    const meta = { mediaId: newId('med'), path: 'poster.jpg', sha256: sha256(Buffer.from('x')) };
    const none = await create(srv.url, null, meta, 1);
    expect(none.status).toBe(401);
    expect(none.type).toMatch(/^application\/json/);
    expect(none.body).toMatchObject({ success: false, error: { code: 'UNAUTHENTICATED' } });
    expect(none.body.meta.requestId).toMatch(/^req_/);
    expect((await create(srv.url, 'not-a-token', meta, 1)).status).toBe(401);
    const asFan = await create(srv.url, fan.accessToken, meta, 1);
    expect(asFan.status).toBe(403);
    expect(asFan.body.error.code).toBe('FORBIDDEN');
  });

  it.skipIf(skip)('refuses path tricks, bad ids and hashes, and deferred lengths with 400', async () => {
    const mediaId = newId('med');
    const sha = sha256(Buffer.from('x'));
    const bad: Record<string, string>[] = [
      { mediaId, path: '../poster.jpg', sha256: sha },
      { mediaId, path: 'hls/../../etc/passwd', sha256: sha },
      { mediaId, path: '%2e%2e/poster.jpg', sha256: sha },
      { mediaId, path: 'hls/%2e%2e%2fposter.jpg', sha256: sha },
      { mediaId, path: '/etc/passwd', sha256: sha },
      { mediaId, path: 'a/b/c/d/e.jpg', sha256: sha },
      { mediaId, path: 'x'.repeat(201), sha256: sha },
      { mediaId, path: 'hls\\x.m4s', sha256: sha },
      { mediaId, path: 'hls//x.m4s', sha256: sha },
      { mediaId, path: '', sha256: sha },
      { mediaId, path: 'poster.jpg', sha256: sha.toUpperCase() },
      { mediaId, path: 'poster.jpg' },
      { mediaId: 'med_nope', path: 'poster.jpg', sha256: sha },
      { path: 'poster.jpg', sha256: sha },
    ];
    for (const meta of bad) {
      const r = await create(srv.url, creator.accessToken, meta, 1);
      expect(r.status, JSON.stringify(meta)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_ERROR');
    }
    const deferred = await create(srv.url, creator.accessToken, { mediaId, path: 'poster.jpg', sha256: sha }, null, { 'upload-defer-length': '1' });
    expect(deferred.status).toBe(400);
    expect(deferred.body.error.message).toMatch(/Upload-Length/);
    // Nothing was claimed or stored by any of it.
    expect((await api(srv.url, 'GET', `/api/v1/media/${mediaId}`, undefined, auth(creator))).status).toBe(404);
  });

  it.skipIf(skip)("refuses someone else's media id and upload (403)", async () => {
    const mediaId = newId('med');
    const f = file('poster.jpg', Buffer.from('a poster, honestly'));
    const stored = await tusUpload(srv.url, creator.accessToken, mediaId, f);
    expect(stored.status).toBe(204);
    const theirs = await create(srv.url, other.accessToken, { mediaId, path: 'teaser.mp4', sha256: f.sha256 }, 10);
    expect(theirs.status).toBe(403);
    expect(theirs.body.error.message).toMatch(/another creator/);
    // An upload in flight belongs to its creator alone: HEAD, PATCH and DELETE by another creator are 403.
    const mine = await create(srv.url, creator.accessToken, { mediaId, path: 'teaser.mp4', sha256: f.sha256 }, 10);
    expect(mine.status).toBe(201);
    for (const method of ['HEAD', 'PATCH', 'DELETE']) {
      const headers: Record<string, string> = { 'tus-resumable': '1.0.0', ...auth(other) };
      if (method === 'PATCH') Object.assign(headers, { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' });
      const r = await fetch(mine.location!, { method, headers, body: method === 'PATCH' ? 'x' : undefined });
      expect(r.status, method).toBe(403);
    }
    expect((await api(srv.url, 'POST', `/api/v1/media/${mediaId}/complete`, completeBody('image', [f]), auth(other))).status).toBe(403);
    // The owner may cancel an upload in flight, but a stored file is only ever replaced, never deleted by tus.
    const tusHeaders = { 'tus-resumable': '1.0.0', ...auth(creator) };
    expect((await fetch(mine.location!, { method: 'DELETE', headers: tusHeaders })).status).toBe(204);
    expect((await fetch(mine.location!, { method: 'HEAD', headers: tusHeaders })).status).toBe(404);
    const del = await fetch(stored.url!, { method: 'DELETE', headers: tusHeaders });
    expect(del.status).toBe(409);
    expect(((await del.json()) as { error: { code: string } }).error.code).toBe('CONFLICT');
    const info = await api(srv.url, 'GET', `/api/v1/media/${mediaId}`, undefined, auth(creator));
    expect(info.body.data.files).toEqual([{ path: 'poster.jpg', sha256: f.sha256, size: f.size }]);
    expect((await api(srv.url, 'GET', `/api/v1/media/${mediaId}`, undefined, auth(other))).status).toBe(403);
  });

  it.skipIf(skip)('refuses an upload over the quota with 413 saying what is used and allowed', async () => {
    const used = (await api(srv.url, 'GET', `/api/v1/media/${newId('med')}`, undefined, auth(other))).status;
    expect(used).toBe(404);
    const big = file('teaser.mp4', Buffer.alloc(QUOTA / 2 + 1, 7));
    const mediaId = newId('med');
    expect((await tusUpload(srv.url, other.accessToken, mediaId, big)).status).toBe(204);
    const over = await create(srv.url, other.accessToken, { mediaId, path: 'poster.jpg', sha256: big.sha256 }, QUOTA / 2);
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe('MEDIA_QUOTA_EXCEEDED');
    expect(over.body.error.message).toMatch(/used of 4\.0 MiB/);
    expect(over.body.error.details).toMatchObject({ quotaBytes: QUOTA, requestedBytes: QUOTA / 2 });
    expect(over.body.error.details.usedBytes).toBeGreaterThanOrEqual(big.size);
    // Replacing that file frees its bytes once the new one is stored: a smaller file at the same path fits.
    const small = file('teaser.mp4', Buffer.alloc(1000, 8));
    expect((await tusUpload(srv.url, other.accessToken, mediaId, small)).status).toBe(204);
    const info = await api(srv.url, 'GET', `/api/v1/media/${mediaId}`, undefined, auth(other));
    expect(info.body.data.files).toEqual([{ path: 'teaser.mp4', sha256: small.sha256, size: 1000 }]);
    expect((await create(srv.url, other.accessToken, { mediaId, path: 'poster.jpg', sha256: big.sha256 }, QUOTA / 2)).status).toBe(201);
  });

  it.skipIf(skip)('deletes a file whose sha256 does not match (422), records nothing, and takes it again from scratch', async () => {
    const mediaId = newId('med');
    const f = file('photo_1080.webp', Buffer.from('RIFF....WEBPVP8 not really a photo but bytes'));
    const wrong = await tusUpload(srv.url, creator.accessToken, mediaId, f, { sha: sha256(Buffer.from('something else')) });
    expect(wrong.status).toBe(422);
    const body = JSON.parse(wrong.body);
    expect(body.error.code).toBe('MEDIA_CHECKSUM_MISMATCH');
    expect(body.error.message).toMatch(/sha256 mismatch/);
    const uploadId = wrong.url!.split('/').pop()!;
    expect(existsSync(join(storage.dataDir, 'media', uploadId))).toBe(false);
    expect((await api(srv.url, 'GET', `/api/v1/media/${mediaId}`, undefined, auth(creator))).status).toBe(404);
    const head = await fetch(wrong.url!, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', ...auth(creator) } });
    expect(head.status).toBe(404);
    // The client retries from scratch with the right hash.
    expect((await tusUpload(srv.url, creator.accessToken, mediaId, f)).status).toBe(204);
    const info = await api(srv.url, 'GET', `/api/v1/media/${mediaId}`, undefined, auth(creator));
    expect(info.body.data.files).toEqual([{ path: f.path, sha256: f.sha256, size: f.size }]);
  });

  it.skipIf(skip)('answers 409 MEDIA_INCOMPLETE when completing before every byte arrived', async () => {
    const mediaId = newId('med');
    const photo = file('photo_1080.webp', Buffer.alloc(64 * 1024, 3));
    const preview = file('preview_blur.webp', Buffer.alloc(500, 4));
    expect((await tusUpload(srv.url, creator.accessToken, mediaId, preview)).status).toBe(204);
    const created = await create(srv.url, creator.accessToken, { mediaId, path: photo.path, sha256: photo.sha256 }, photo.size);
    expect(created.status).toBe(201);
    const half = photo.bytes.subarray(0, photo.size / 2);
    const patch = await fetch(created.location!, {
      method: 'PATCH',
      headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', ...auth(creator) },
      body: half,
    });
    expect(patch.status).toBe(204);
    expect(patch.headers.get('upload-offset')).toBe(String(half.length));
    const early = await api(srv.url, 'POST', `/api/v1/media/${mediaId}/complete`, completeBody('image', [photo, preview]), auth(creator));
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'MEDIA_INCOMPLETE', details: { missing: ['photo_1080.webp'] } });
    // Still not playable, and the half file is not listed as stored.
    expect((await api(srv.url, 'GET', `/api/v1/media/${mediaId}/playback`, undefined, auth(creator))).status).toBe(409);
    const info = await api(srv.url, 'GET', `/api/v1/media/${mediaId}`, undefined, auth(creator));
    expect(info.body.data.files.map((x: { path: string }) => x.path)).toEqual(['preview_blur.webp']);
    // The rest arrives; now it completes.
    const rest = await fetch(created.location!, {
      method: 'PATCH',
      headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(half.length), 'content-type': 'application/offset+octet-stream', ...auth(creator) },
      body: photo.bytes.subarray(half.length),
    });
    expect(rest.status).toBe(204);
    expect((await api(srv.url, 'POST', `/api/v1/media/${mediaId}/complete`, completeBody('image', [photo, preview]), auth(creator))).status).toBe(200);
  });

  it.skipIf(skip)('refuses oversized playlists and playlists naming unlisted files or absolute URLs (400)', async () => {
    const mediaId = newId('med');
    const poster = file('poster.jpg', Buffer.from('poster bytes'));
    const seg = file('hls/v0/seg_00000.m4s', Buffer.from('segment bytes'));
    const variant = (uris: string[]) =>
      file('hls/v0/index.m3u8', Buffer.from(`#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n${uris.map((u) => `#EXTINF:1.0,\n${u}`).join('\n')}\n#EXT-X-ENDLIST\n`));
    const master = file('hls/master.m3u8', Buffer.from('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100000\nv0/index.m3u8\n'));
    const huge = file('hls/master.m3u8', Buffer.concat([Buffer.from('#EXTM3U\n'), Buffer.alloc(1024 * 1024, '#'), Buffer.from('\nv0/index.m3u8\n')]));
    const send = async (...fs: ReturnType<typeof file>[]) => {
      for (const f of fs) expect((await tusUpload(srv.url, creator.accessToken, mediaId, f)).status, f.path).toBe(204);
    };
    const completeWith = (fs: ReturnType<typeof file>[]) => api(srv.url, 'POST', `/api/v1/media/${mediaId}/complete`, completeBody('video', fs), auth(creator));

    await send(poster, seg, huge, variant(['seg_00000.m4s']));
    const tooBig = await completeWith([poster, seg, huge, variant(['seg_00000.m4s'])]);
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error.code).toBe('INVALID_PLAYLIST');
    expect(tooBig.body.error.message).toMatch(/at most 1048576 bytes/);

    await send(master);
    const cases: Array<[string[], RegExp]> = [
      [['seg_00001.m4s'], /not in the file list/],
      [['../poster.jpg', 'seg_00000.m4s'], /not in the file list/],
      [['http://cdn.example/seg_00000.m4s'], /not a relative URI/],
      [['/api/v1/media/x/seg_00000.m4s'], /not a relative URI/],
      [['../../../outside.m4s'], /not a relative URI/],
      [['seg_00000.m4s?token=abc'], /not a relative URI/],
    ];
    for (const [uris, reason] of cases) {
      const v = variant(uris);
      await send(v);
      const r = await completeWith([poster, seg, master, v]);
      expect(r.status, uris.join(' ')).toBe(400);
      expect(r.body.error.code).toBe('INVALID_PLAYLIST');
      expect(r.body.error.message).toMatch(reason);
    }
    // An EXT-X-MAP URI counts too.
    const mapped = file('hls/v0/index.m3u8', Buffer.from('#EXTM3U\n#EXT-X-MAP:URI="init_9.mp4"\n#EXTINF:1.0,\nseg_00000.m4s\n#EXT-X-ENDLIST\n'));
    await send(mapped);
    expect((await completeWith([poster, seg, master, mapped])).body.error.message).toMatch(/init_9\.mp4/);
    // Roles: a video needs its master and a poster.
    const noPoster = await completeWith([seg, master, variant(['seg_00000.m4s'])]);
    expect(noPoster.status).toBe(400);
    expect(noPoster.body.error.message).toMatch(/poster/);
    // The fixed list completes; the media never became ready before.
    const good = variant(['seg_00000.m4s']);
    await send(good);
    expect((await completeWith([poster, seg, master, good])).status).toBe(200);
  });
  it.skipIf(skip)('checks the byte ranges of single-file rungs against the listed size (400 beyond the end, malformed or empty)', async () => {
    const mediaId = newId('med');
    const poster = file('poster.jpg', Buffer.from('poster bytes'));
    const media = file('hls/v0/media.mp4', Buffer.alloc(1000, 7));
    const master = file('hls/master.m3u8', Buffer.from('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100000\nv0/index.m3u8\n'));
    const variant = (body: string) => file('hls/v0/index.m3u8', Buffer.from(`#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n${body}\n#EXT-X-ENDLIST\n`));
    for (const f of [poster, media, master]) expect((await tusUpload(srv.url, creator.accessToken, mediaId, f)).status, f.path).toBe(204);
    const completeWith = async (v: ReturnType<typeof file>) => {
      expect((await tusUpload(srv.url, creator.accessToken, mediaId, v)).status).toBe(204);
      return api(srv.url, 'POST', `/api/v1/media/${mediaId}/complete`, completeBody('video', [poster, media, master, v]), auth(creator));
    };
    const init = '#EXT-X-MAP:URI="media.mp4",BYTERANGE="100@0"';
    const cases: Array<[string, RegExp]> = [
      [`${init}\n#EXTINF:1.0,\n#EXT-X-BYTERANGE:901@100\nmedia.mp4`, /byte range 901@100, beyond the end of hls\/v0\/media\.mp4 \(1000 bytes\)/],
      ['#EXT-X-MAP:URI="media.mp4",BYTERANGE="1001@0"\n#EXTINF:1.0,\n#EXT-X-BYTERANGE:10@100\nmedia.mp4', /1001@0, beyond the end/],
      [`${init}\n#EXTINF:1.0,\n#EXT-X-BYTERANGE:500@100\nmedia.mp4\n#EXTINF:1.0,\n#EXT-X-BYTERANGE:401\nmedia.mp4`, /401@600, beyond the end/],
      [`${init}\n#EXTINF:1.0,\n#EXT-X-BYTERANGE:abc\nmedia.mp4`, /malformed byte range/],
      [`${init}\n#EXTINF:1.0,\n#EXT-X-BYTERANGE:100\nmedia.mp4`, /malformed byte range.*does not continue/],
      [`${init}\n#EXTINF:1.0,\n#EXT-X-BYTERANGE:0@100\nmedia.mp4`, /empty byte range/],
    ];
    for (const [body, reason] of cases) {
      const r = await completeWith(variant(body));
      expect(r.status, body).toBe(400);
      expect(r.body.error.code).toBe('INVALID_PLAYLIST');
      expect(r.body.error.message).toMatch(reason);
    }
    // Ranges that tile the file exactly (the second continues the first without an offset) complete.
    const good = await completeWith(variant(`${init}\n#EXTINF:1.0,\n#EXT-X-BYTERANGE:500@100\nmedia.mp4\n#EXTINF:1.0,\n#EXT-X-BYTERANGE:400\nmedia.mp4`));
    expect(good.status, JSON.stringify(good.body)).toBe(200);
  });
  it.skipIf(skip)('grants playback through a pay-per-view purchase and records each session (this database engine)', async () => {
    const mediaId = newId('med');
    const photo = file('photo_1080.webp', Buffer.alloc(2000, 5));
    const preview = file('preview_blur.webp', Buffer.alloc(300, 6));
    for (const f of [photo, preview]) expect((await tusUpload(srv.url, creator.accessToken, mediaId, f)).status).toBe(204);
    expect((await api(srv.url, 'POST', `/api/v1/media/${mediaId}/complete`, completeBody('image', [photo, preview]), auth(creator))).status).toBe(200);
    const playback = (who: Account) => api(srv.url, 'GET', `/api/v1/media/${mediaId}/playback`, undefined, auth(who));
    expect((await playback(fan)).status).toBe(404);
    const [postId] = await writePosts(srv, creator, [
      { title: 'Paid photo', visibility: 'pay_per_view', price: { amount: 299, currency: 'USD' }, status: 'published', media: [{ mediaId, kind: 'image' }] },
    ]);
    expect((await playback(fan)).status).toBe(403);
    expect((await pay(srv.url, fan, { postId }, `ppv-${postId}`)).status).toBe(201);
    const ok = await playback(fan);
    expect(ok.status).toBe(200);
    const bytes = Buffer.from(await (await fetch(ok.body.data.url)).arrayBuffer());
    expect(bytes.equals(photo.bytes)).toBe(true);
    expect((await playback(creator)).status).toBe(200);
    const rows = await srv.server.db.query<{ viewer_id: string; post_id: string | null }>(
      'SELECT viewer_id, post_id FROM playback_sessions WHERE media_id = $1 ORDER BY started_at, id',
      [mediaId],
    );
    expect(rows).toEqual([
      { viewer_id: fan.id, post_id: postId },
      { viewer_id: creator.id, post_id: null },
    ]);
  });
});
