// Browser mode's host: only 127.0.0.1, only with the per-launch token, only from its own origin; the
// API answers typed errors; rendition files are served by id and never outside the data dir.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fileSecretBox } from '../main/services/account/account-store.js';
import { openBackend, type StudioBackend } from '../main/studio-backend.js';
import { startHost, type RunningHost } from './host-server.js';

let dir: string;
let backend: StudioBackend;
let host: RunningHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-host-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'do not serve');
  backend = openBackend({ dataDir: join(dir, 'data'), defaultServerUrl: 'http://127.0.0.1:9', mode: 'browser', box: fileSecretBox, concurrency: 1 });
  host = await startHost({ backend, rendererDir: renderer });
});

afterAll(async () => {
  await host?.close();
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(url: string, origin?: string): Promise<{ ws: WebSocket | null; status: number | null }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => resolve({ ws, status: null }));
    ws.on('unexpected-response', (_req, res) => resolve({ ws: null, status: res.statusCode ?? 0 }));
    ws.on('error', () => resolve({ ws: null, status: -1 }));
  });
}

function call(ws: WebSocket, id: number, method: string, params?: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      if (frame.id === id) {
        ws.off('message', onMessage);
        resolve(frame);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, params }));
  });
}

describe('browser-mode host', () => {
  it('answers malformed percent-encoding with 400, not 500, on app and media paths', async () => {
    for (const path of ['/%E0%A4%A', '/assets/%zz.js', `/media/%E0%A4%A?token=${host.token}`, '/%']) {
      const res = await fetch(`${host.url}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(await res.text()).toMatch(/malformed percent-encoding/);
    }
    expect((await fetch(`${host.url}/assets/app.js`)).status).toBe(200);
  });

  it('listens on 127.0.0.1 and serves the app shell with a Content-Security-Policy', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.openUrl).toBe(`${host.url}/#token=${host.token}`);
    const res = await fetch(`${host.url}/posts`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await (await fetch(`${host.url}/assets/app.js`)).text()).toBe('console.log(1)');
  });

  it('never serves files outside the renderer bundle or the data dir', async () => {
    const res = await fetch(`${host.url}/..%2Fsecret.txt`);
    expect(await res.text()).not.toContain('do not serve');
    expect((await fetch(`${host.url}/media/rnd_nope?token=${host.token}`)).status).toBe(404);
    expect((await fetch(`${host.url}/media/rnd_nope`)).status).toBe(401);
  });

  it('refuses API sockets without the token, with a wrong one, or from another origin', async () => {
    const ws = `${host.url.replace('http', 'ws')}/api`;
    expect((await open(ws)).status).toBe(401);
    expect((await open(`${ws}?token=wrong`)).status).toBe(401);
    expect((await open(`${ws}?token=${host.token}`, 'https://evil.example')).status).toBe(401);
    const ok = await open(`${ws}?token=${host.token}`, host.url);
    expect(ok.ws).not.toBeNull();
    ok.ws!.close();
  });

  it('answers calls with results, and bad calls with typed errors', async () => {
    const { ws } = await open(`${host.url.replace('http', 'ws')}/api?token=${host.token}`);
    const session = await call(ws!, 1, 'session');
    expect(session.result).toMatchObject({ signedIn: false, mode: 'browser', secretStorage: 'file' });
    expect((await call(ws!, 2, 'nope')).error).toMatchObject({ code: 'UNKNOWN_METHOD' });
    // Drafts can be written before signing in (kept locally); scheduling them needs the account.
    const draft = (await call(ws!, 3, 'postSave', { title: 'x', visibility: 'free' })).result as { id: string; status: string };
    expect(draft.status).toBe('draft');
    expect((await call(ws!, 6, 'postSchedule', { id: draft.id, at: new Date(Date.now() + 3600_000).toISOString() })).error).toMatchObject({ code: 'NOT_SIGNED_IN' });
    expect((await call(ws!, 7, 'postPublish', { id: draft.id })).error).toMatchObject({ code: 'NOT_SIGNED_IN' });
    const signIn = await call(ws!, 4, 'signIn', { serverUrl: 'http://127.0.0.1:9', email: 'a@example.test', password: 'pw' });
    expect(signIn.error).toMatchObject({ code: 'SERVER_UNREACHABLE' });
    const lib = (await call(ws!, 5, 'libraryList', { text: '' })).result as { items: unknown[]; total: number };
    expect(lib).toMatchObject({ items: [], total: 0 });
    ws!.close();
  });

  it('takes picked files by PUT with the token only, writes them under imports/ with a safe name, and serves item files by path', async () => {
    const put = (path: string, body: string, headers: Record<string, string> = {}) => fetch(`${host.url}${path}`, { method: 'PUT', body, headers });
    expect((await put(`/upload/wrong/batch01/clip.mp4`, 'x')).status).toBe(401);
    expect((await put(`/upload/${host.token}/batch01/clip.mp4`, 'x', { origin: 'https://evil.example' })).status).toBe(401);
    expect((await put(`/upload/${host.token}/ba/clip.mp4`, 'x')).status).toBe(400);
    const ok = await put(`/upload/${host.token}/batch01/${encodeURIComponent('../../evil name?.mp4')}`, 'video bytes');
    expect(ok.status).toBe(201);
    const { path, name } = (await ok.json()) as { path: string; name: string };
    expect(name).toBe('evil name_.mp4');
    expect(path.startsWith(join(dir, 'data', 'imports', 'batch01'))).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('video bytes');
    // Item files for the player: token in the path, only inside the item's output folder.
    mkdirSync(join(dir, 'data', 'media', 'med_x', 'hls'), { recursive: true });
    writeFileSync(join(dir, 'data', 'media', 'med_x', 'hls', 'master.m3u8'), '#EXTM3U');
    const m3u8 = await fetch(`${host.url}/item/${host.token}/med_x/hls/master.m3u8`);
    expect([m3u8.status, m3u8.headers.get('content-type'), await m3u8.text()]).toEqual([200, 'application/vnd.apple.mpegurl', '#EXTM3U']);
    // A rung's media.mp4 is read by byte ranges, as hls.js asks for single-file segments.
    mkdirSync(join(dir, 'data', 'media', 'med_x', 'hls', '360p'), { recursive: true });
    const media = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    writeFileSync(join(dir, 'data', 'media', 'med_x', 'hls', '360p', 'media.mp4'), media);
    const mediaUrl = `${host.url}/item/${host.token}/med_x/hls/360p/media.mp4`;
    const part = await fetch(mediaUrl, { headers: { range: 'bytes=100-299' } });
    expect([part.status, part.headers.get('content-range'), part.headers.get('content-length')]).toEqual([206, 'bytes 100-299/1000', '200']);
    expect(Buffer.from(await part.arrayBuffer()).equals(media.subarray(100, 300))).toBe(true);
    const tail = await fetch(mediaUrl, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(media.subarray(990))).toBe(true);
    const beyond = await fetch(mediaUrl, { headers: { range: 'bytes=1000-1010' } });
    expect([beyond.status, beyond.headers.get('content-range')]).toEqual([416, 'bytes */1000']);
    expect((await fetch(mediaUrl)).headers.get('content-length')).toBe('1000');
    expect((await fetch(`${host.url}/item/wrong/med_x/hls/master.m3u8`)).status).toBe(401);
    expect((await fetch(`${host.url}/item/${host.token}/med_x/..%2F..%2Fsecret.txt`)).status).toBe(404);
  });
});
