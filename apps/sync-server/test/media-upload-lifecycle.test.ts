// The life of a tus upload beyond the happy path, over real HTTP on PGlite: the sha256 hashed while bytes
// arrive stays honest when a PATCH is cut off mid-body and resumed, and when the server restarts between
// PATCHes (the hash is rebuilt from the stored prefix, so different bytes after the restart are refused
// with 422 and the right ones verify); and an upload abandoned for RESERVATION_DAYS loses its bytes to the
// sweep while a fresh unfinished upload and a stored file stay; the creator's usage follows stores and
// replacements.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@fanz/core';
import { api, makeStorage, register, startServer, type Account, type Running, type Storage } from './helpers.js';
import { sha256 } from './media-helpers.js';
import type { FileMediaStorage } from '../src/media/media-storage.js';

const TUS = { 'tus-resumable': '1.0.0' };

async function create(url: string, token: string, mediaId: string, path: string, bytes: Buffer, sha = sha256(bytes)): Promise<string> {
  const meta = { mediaId, path, sha256: sha };
  const res = await fetch(`${url}/api/v1/uploads`, {
    method: 'POST',
    headers: {
      ...TUS,
      authorization: `Bearer ${token}`,
      'upload-length': String(bytes.length),
      'upload-metadata': Object.entries(meta).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(','),
    },
  });
  expect(res.status, await res.text()).toBe(201);
  return new URL(res.headers.get('location')!, url).toString();
}

async function patch(uploadUrl: string, token: string, offset: number, body: Buffer | ReadableStream<Uint8Array>) {
  const res = await fetch(uploadUrl, {
    method: 'PATCH',
    headers: { ...TUS, authorization: `Bearer ${token}`, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
    body,
    duplex: 'half',
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, offset: Number(res.headers.get('upload-offset')), body: text ? JSON.parse(text) : null };
}

async function head(uploadUrl: string, token: string) {
  const res = await fetch(uploadUrl, { method: 'HEAD', headers: { ...TUS, authorization: `Bearer ${token}` } });
  return { status: res.status, offset: Number(res.headers.get('upload-offset')) };
}

async function storedFiles(url: string, creator: Account, mediaId: string) {
  const r = await api(url, 'GET', `/api/v1/media/${mediaId}`, undefined, { authorization: `Bearer ${creator.accessToken}` });
  return r.status === 200 ? (r.body.data.files as Array<{ path: string; sha256: string; size: number }>) : [];
}

describe('tus upload lifecycle', () => {
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  beforeAll(async () => {
    storage = makeStorage('pglite');
    srv = await startServer(storage);
    creator = await register(srv.url, 'creator');
  });
  afterAll(async () => {
    await srv.close();
    await storage.cleanup();
  });

  it('verifies a file whose PATCH was cut off mid-body and resumed from the offset HEAD reports', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const mediaId = newId('med');
    const uploadUrl = await create(srv.url, creator.accessToken, mediaId, 'teaser.mp4', bytes);
    // A body that sends about a third of the file and then fails: the connection dies mid-PATCH.
    let sent = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes.length / 3) return controller.error(new Error('cable pulled'));
        controller.enqueue(bytes.subarray(sent, sent + 64 * 1024));
        sent += 64 * 1024;
      },
    });
    await patch(uploadUrl, creator.accessToken, 0, broken).catch(() => null);
    let offset = 0;
    // The server notices the dead connection on its own time.
    for (let i = 0; i < 50; i++) {
      const h = await head(uploadUrl, creator.accessToken);
      expect(h.status).toBe(200);
      offset = h.offset;
      if (offset > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(bytes.length);
    const rest = await patch(uploadUrl, creator.accessToken, offset, bytes.subarray(offset));
    expect(rest.status, JSON.stringify(rest.body)).toBe(204);
    expect(await storedFiles(srv.url, creator, mediaId)).toEqual([{ path: 'teaser.mp4', sha256: sha256(bytes), size: bytes.length }]);
  });

  it('rebuilds the running hash from the stored prefix after a restart: other bytes get 422, the right ones verify', async () => {
    const bytes = randomBytes(2 * 1024 * 1024);
    const half = bytes.length / 2;
    const mediaId = newId('med');
    const good = await create(srv.url, creator.accessToken, mediaId, 'hls/v0/seg_00001.m4s', bytes);
    const bad = await create(srv.url, creator.accessToken, mediaId, 'hls/v0/seg_00002.m4s', bytes);
    for (const u of [good, bad]) expect((await patch(u, creator.accessToken, 0, bytes.subarray(0, half))).offset).toBe(half);

    await srv.close();
    srv = await startServer(storage);
    const goodUrl = good.replace(/^http:\/\/[^/]+/, srv.url);
    const badUrl = bad.replace(/^http:\/\/[^/]+/, srv.url);

    const other = Buffer.from(bytes.subarray(half));
    other[other.length - 1] = other[other.length - 1]! ^ 0xff;
    const refused = await patch(badUrl, creator.accessToken, half, other);
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/sha256 mismatch/);
    const ok = await patch(goodUrl, creator.accessToken, half, bytes.subarray(half));
    expect(ok.status, JSON.stringify(ok.body)).toBe(204);
    expect(await storedFiles(srv.url, creator, mediaId)).toEqual([{ path: 'hls/v0/seg_00001.m4s', sha256: sha256(bytes), size: bytes.length }]);
  });

  it('deletes the bytes of an upload abandoned for the reservation period, keeping fresh uploads and stored files', async () => {
    const mediaId = newId('med');
    const bytes = randomBytes(512 * 1024);
    const abandoned = await create(srv.url, creator.accessToken, mediaId, 'teaser.mp4', bytes);
    const fresh = await create(srv.url, creator.accessToken, mediaId, 'poster.jpg', bytes);
    const finished = await create(srv.url, creator.accessToken, mediaId, 'preview_blur.jpg', bytes);
    for (const u of [abandoned, fresh]) expect((await patch(u, creator.accessToken, 0, bytes.subarray(0, 1000))).status).toBe(204);
    expect((await patch(finished, creator.accessToken, 0, bytes)).status).toBe(204);
    const id = (u: string) => u.split('/').pop()!;
    const dir = join(storage.dataDir, 'media');
    expect(existsSync(join(dir, id(abandoned)))).toBe(true);

    // Created 8 days ago, as far as the server knows (the stored file too: it must survive).
    for (const u of [abandoned, finished]) {
      await srv.server.db.query(`UPDATE media_uploads SET created_at = now() - interval '8 days' WHERE upload_id = $1`, [id(u)]);
    }
    expect(await srv.server.media.sweepAbandonedUploads()).toBe(1);
    expect(await srv.server.media.sweepAbandonedUploads()).toBe(0);

    expect(existsSync(join(dir, id(abandoned)))).toBe(false);
    expect(existsSync(join(dir, `${id(abandoned)}.json`))).toBe(false);
    expect((await head(abandoned, creator.accessToken)).status).toBe(404);
    const late = await patch(abandoned, creator.accessToken, 1000, bytes.subarray(1000));
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/terminated; start a new one/);

    expect(await head(fresh, creator.accessToken)).toEqual({ status: 200, offset: 1000 });
    // Running hashes are held only for uploads in flight: here the fresh one.
    const hashes = (srv.server.media.storage as FileMediaStorage).hashes;
    expect(hashes.size).toBe(1);
    expect(existsSync(join(dir, id(finished)))).toBe(true);
    expect(await storedFiles(srv.url, creator, mediaId)).toEqual([{ path: 'preview_blur.jpg', sha256: sha256(bytes), size: bytes.length }]);
    // The abandoned upload no longer counts against the quota either (it is terminated).
    const rows = await srv.server.db.query<{ status: string }>('SELECT status FROM media_uploads WHERE upload_id = $1', [id(abandoned)]);
    expect(rows[0]!.status).toBe('terminated');
    const MiB = 1024 * 1024;
    // Stored: 3 MiB teaser + 2 MiB segment (earlier tests) + this preview; reserved: the fresh upload.
    expect(await srv.server.media.queries.usage(creator.id)).toBe(3 * MiB + 2 * MiB + bytes.length + bytes.length);
    // Replacing the preview with a smaller file moves the stored total by the difference.
    const smaller = randomBytes(1000);
    expect((await patch(await create(srv.url, creator.accessToken, mediaId, 'preview_blur.jpg', smaller), creator.accessToken, 0, smaller)).status).toBe(204);
    expect(await srv.server.media.queries.usage(creator.id)).toBe(3 * MiB + 2 * MiB + smaller.length + bytes.length);
    // The owner deletes the fresh upload (tus termination): its bytes, reservation and running hash go.
    const del = await fetch(fresh, { method: 'DELETE', headers: { ...TUS, authorization: `Bearer ${creator.accessToken}` } });
    expect(del.status).toBe(204);
    expect(hashes.size).toBe(0);
    expect(existsSync(join(dir, id(fresh)))).toBe(false);
  });
});
