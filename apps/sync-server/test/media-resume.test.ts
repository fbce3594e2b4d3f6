// A server killed (SIGKILL) in the middle of a tus upload and started again on the same storage: HEAD
// reports the bytes that reached the disk, tus-js-client resumes from there (sending only the rest), and
// the finished file passes the sha256 check. Runs src/main.ts as a real child process.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { newId } from '@fanz/core';
import { api, makeStorage, register } from './helpers.js';
import { sha256, tusUpload } from './media-helpers.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

describe('media upload across a server restart', () => {
  const storage = makeStorage('pglite');
  const children: ServerProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await storage.cleanup();
  });

  it('resumes after a SIGKILL mid-upload: HEAD gives the offset, only the rest is sent, the file verifies', async () => {
    const first = await startServerProcess(storage);
    children.push(first);
    const creator = await register(first.url, 'creator');
    const bytes = randomBytes(8 * 1024 * 1024);
    const f = { path: 'teaser.mp4', bytes, sha256: sha256(bytes) };
    const mediaId = newId('med');

    let killedAt = 0;
    const interrupted = await tusUpload(first.url, creator.accessToken, mediaId, f, {
      chunkSize: 256 * 1024,
      onProgress: (sent) => {
        if (killedAt === 0 && sent > bytes.length * 0.4) {
          killedAt = sent;
          first.proc.kill('SIGKILL');
        }
      },
    });
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(interrupted.status).toBe(0); // the connection died; no answer
    expect(interrupted.url).toMatch(new RegExp(`^${first.url}/api/v1/uploads/upl_`));

    const port = new URL(first.url).port;
    const second = await startServerProcess(storage, { PORT: port });
    children.push(second);
    const head = await fetch(interrupted.url!, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${creator.accessToken}` } });
    expect(head.status).toBe(200);
    const offset = Number(head.headers.get('upload-offset'));
    expect(head.headers.get('upload-length')).toBe(String(bytes.length));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(bytes.length);
    expect(offset).toBeLessThanOrEqual(killedAt);

    let resent = 0;
    let accepted = 0;
    const resumed = await tusUpload(second.url, creator.accessToken, mediaId, f, {
      uploadUrl: interrupted.url!,
      chunkSize: 256 * 1024,
      onChunkComplete: (chunk, total) => {
        resent += chunk;
        accepted = total;
      },
    });
    expect(resumed.status, resumed.body).toBe(204);
    expect(resumed.url).toBe(interrupted.url);
    // Only the bytes after the server's offset were sent again.
    expect(resent).toBe(bytes.length - offset);
    expect(accepted).toBe(bytes.length);
    const info = await api(second.url, 'GET', `/api/v1/media/${mediaId}`, undefined, { authorization: `Bearer ${creator.accessToken}` });
    expect(info.status).toBe(200);
    expect(info.body.data.files).toEqual([{ path: 'teaser.mp4', sha256: f.sha256, size: bytes.length }]);

    second.proc.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 180_000);
});
