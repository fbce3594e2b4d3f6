// One envelope for both studio transports (issue 14 item 4): the browser-mode WebSocket (driven for real
// against the host, with `ws` as the socket) and Electron IPC (its handler called as ipcMain would, after a
// structured clone, without Electron) carry the same {id, method, params} / {id, ok, result | error}
// frames, map errors to the same StudioApiError, and give every call a deadline: a call the studio never
// answers fails with TIMEOUT instead of waiting forever.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHost, type RunningHost } from '../src/host/host-server.js';
import { answerRequest } from '../src/main/api-dispatch.js';
import { ipcEntry, studioPageUrl } from '../src/main/ipc-entry.js';
import { fileSecretBox } from '../src/main/services/account/account-store.js';
import { openBackend, type StudioBackend } from '../src/main/studio-backend.js';
import { ipcTransport } from '../src/renderer/src/ipc-transport.js';
import { socketTransport, type SocketLike, type SocketTransport } from '../src/renderer/src/socket-transport.js';
import { RpcCaller, timeoutError } from '../src/shared/rpc-caller.js';
import { PAYOUT_OUTCOME_UNKNOWN, StudioApiError, type StudioApi, type SyncStatus } from '../src/shared/studio-api.js';
import type { RpcRequest } from '../src/shared/rpc-envelope.js';

let dir: string;
let backend: StudioBackend;
let host: RunningHost;
/** The same backend, except that syncStatus answers only when the test releases it (a stuck service). */
let stuck: { backend: StudioBackend; release(): void; started: Promise<void> };
let stuckHost: RunningHost;

function stuckBackend(real: StudioBackend): typeof stuck {
  let release!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const startedP = new Promise<void>((r) => (started = r));
  const api: StudioApi = Object.create(real.api) as StudioApi;
  api.syncStatus = async (): Promise<SyncStatus> => {
    started();
    await gate;
    return real.api.syncStatus();
  };
  return { backend: { ...real, api }, release, started: startedP };
}

const openWs = (url: string): SocketLike => new WebSocket(url) as unknown as SocketLike;
const apiUrl = (h: RunningHost) => `${h.url.replace('http', 'ws')}/api?token=${h.token}`;

async function rejection(p: Promise<unknown>): Promise<StudioApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StudioApiError);
  return err as StudioApiError;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-transports-'));
  backend = openBackend({ dataDir: join(dir, 'data'), defaultServerUrl: 'http://127.0.0.1:9', mode: 'browser', box: fileSecretBox, concurrency: 1 });
  host = await startHost({ backend, rendererDir: join(dir, 'renderer') });
  stuck = stuckBackend(backend);
  stuckHost = await startHost({ backend: stuck.backend, rendererDir: join(dir, 'renderer') });
});

afterAll(async () => {
  stuck?.release();
  await stuckHost?.close();
  await host?.close();
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One raw frame over a fresh socket, and the frame that answers it. */
function rawExchange(h: RunningHost, frame: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(apiUrl(h));
    ws.on('open', () => ws.send(frame));
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      if ('event' in msg) return;
      ws.close();
      resolve(msg);
    });
    ws.on('error', reject);
  });
}

describe('the envelope on the wire', () => {
  it('the WebSocket host answers {id, ok: true, result} and {id, ok: false, error}', async () => {
    expect(await rawExchange(host, JSON.stringify({ id: 7, method: 'session' }))).toMatchObject({ id: 7, ok: true, result: { signedIn: false } });
    expect(await rawExchange(host, JSON.stringify({ id: 8, method: 'nope' }))).toEqual({
      id: 8,
      ok: false,
      error: { code: 'UNKNOWN_METHOD', message: 'unknown method nope' },
    });
  });

  it('refuses malformed requests with BAD_REQUEST, keeping the id when there is one', async () => {
    expect(await rawExchange(host, 'not json')).toMatchObject({ id: -1, ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await rawExchange(host, JSON.stringify({ id: 9, method: 'session', extra: true }))).toMatchObject({ id: 9, ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await rawExchange(host, JSON.stringify({ id: 'x', method: 'session' }))).toMatchObject({ id: -1, ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('IPC answers exactly what the WebSocket answers for the same request', async () => {
    const entry = ipcEntry(backend.api, studioPageUrl(undefined));
    const page = { senderFrame: { url: 'file:///app/out/renderer/index.html' } };
    for (const request of [
      { id: 1, method: 'libraryList', params: { text: '' } },
      { id: 2, method: 'postSchedule', params: { id: 'pst_nope', at: 'tomorrow' } },
      { id: 3, method: 'nope' },
    ]) {
      const overIpc = await entry(page, structuredClone(request));
      expect(overIpc).toEqual(await rawExchange(host, JSON.stringify(request)));
      expect(overIpc).toEqual(await answerRequest(backend.api, request));
    }
  });

  it('IPC refuses a frame that is not the studio page, with the request id', async () => {
    const entry = ipcEntry(backend.api, studioPageUrl('http://localhost:5173'));
    expect(await entry({ senderFrame: { url: 'https://evil.example/' } }, { id: 4, method: 'session' })).toEqual({
      id: 4,
      ok: false,
      error: { code: 'FORBIDDEN', message: 'calls are accepted from the studio window only' },
    });
    expect(await entry({ senderFrame: null }, { id: 5, method: 'session' })).toMatchObject({ id: 5, ok: false, error: { code: 'FORBIDDEN' } });
    expect(await entry({ senderFrame: { url: 'http://localhost:5173/#/posts' } }, { id: 6, method: 'session' })).toMatchObject({ id: 6, ok: true });
  });
});

describe('the WebSocket transport', () => {
  let t: SocketTransport | null = null;
  afterAll(() => t?.close());

  it('maps error answers to StudioApiError with code, words and field details', async () => {
    t = socketTransport({ url: apiUrl(host), openSocket: openWs });
    expect(await t.api.session()).toMatchObject({ signedIn: false, mode: 'browser' });
    const draft = await t.api.postSave({ title: 'x', visibility: 'free' });
    const notSignedIn = await rejection(t.api.postSchedule({ id: draft.id, at: new Date(Date.now() + 3600_000).toISOString() }));
    expect(notSignedIn.code).toBe('NOT_SIGNED_IN');
    expect(notSignedIn.message).toMatch(/sign in/);
    const invalid = await rejection(t.api.signIn({ serverUrl: 'ftp://x', email: 'not an email', password: '' }));
    expect(invalid.code).toBe('VALIDATION_ERROR');
    expect(Object.keys(invalid.details?.fields ?? {}).sort()).toEqual(['email', 'password', 'serverUrl']);
  });

  it('fails a call the host does not answer with TIMEOUT, drops the late answer, and keeps working', async () => {
    const waiting = socketTransport({ url: apiUrl(stuckHost), openSocket: openWs, timeoutMs: (m) => (m === 'syncStatus' ? 200 : 30_000) });
    try {
      const call = waiting.api.syncStatus();
      await stuck.started; // the host has the request and is working on it
      const err = await rejection(call);
      expect(err.code).toBe('TIMEOUT');
      expect(err.message).toMatch(/did not answer in time \(syncStatus, 200 ms\)/);
      expect(err.details).toEqual({ method: 'syncStatus', timeoutMs: 200 });
      stuck.release(); // the host answers after all: the answer finds no call and is dropped
      expect(await waiting.api.session()).toMatchObject({ signedIn: false });
    } finally {
      waiting.close();
    }
  });

  it('fails waiting calls with HOST_GONE when the connection drops, before their deadline', async () => {
    const h = await startHost({ backend: stuckBackend(backend).backend, rendererDir: join(dir, 'renderer') });
    const t2 = socketTransport({ url: apiUrl(h), openSocket: openWs });
    try {
      expect(await t2.api.session()).toMatchObject({ signedIn: false });
      const call = t2.api.syncStatus(); // never answered by this host
      await new Promise((r) => setTimeout(r, 20));
      await h.close();
      expect((await rejection(call)).code).toBe('HOST_GONE');
    } finally {
      t2.close();
    }
  });
});

describe('the IPC transport (preload bridge -> ipcMain handler, without Electron)', () => {
  // The preload's `call` is ipcRenderer.invoke('studio:call', request); Electron structured-clones the
  // request to ipcMain's handler and the answer back. This bridge does the same with the real handler.
  const bridge = (api: StudioApi, url = 'file:///app/out/renderer/index.html') => {
    const entry = ipcEntry(api, studioPageUrl(undefined));
    return async (request: RpcRequest) => structuredClone(await entry({ senderFrame: { url } }, structuredClone(request)));
  };

  it('maps error answers to StudioApiError with code, words and field details', async () => {
    const api = ipcTransport(bridge(backend.api));
    expect(await api.session()).toMatchObject({ signedIn: false });
    const draft = await api.postSave({ title: 'y', visibility: 'free' });
    expect((await rejection(api.postPublish({ id: draft.id }))).code).toBe('NOT_SIGNED_IN');
    const invalid = await rejection(api.register({ serverUrl: 'http://127.0.0.1:9', email: 'a@example.test', password: 'short', username: 'a', displayName: 'A' }));
    expect(invalid.code).toBe('VALIDATION_ERROR');
    expect(Object.keys(invalid.details?.fields ?? {}).sort()).toEqual(['password', 'username']);
    expect((await rejection(ipcTransport(bridge(backend.api, 'https://evil.example/')).session())).code).toBe('FORBIDDEN');
  });

  it('fails a call the main process does not answer with TIMEOUT', async () => {
    const s = stuckBackend(backend);
    const api = ipcTransport(bridge(s.backend.api), { timeoutMs: () => 150 });
    const call = api.syncStatus();
    await s.started;
    const err = await rejection(call);
    expect([err.code, err.details?.method]).toEqual(['TIMEOUT', 'syncStatus']);
    s.release();
  });

  it('turns a failed invoke into IPC_FAILED, and an unreadable answer into BAD_RESPONSE', async () => {
    const failing = ipcTransport(() => Promise.reject(new Error("Error invoking remote method 'studio:call': no handler registered")));
    const e1 = await rejection(failing.session());
    expect([e1.code, e1.message]).toEqual(['IPC_FAILED', "Error invoking remote method 'studio:call': no handler registered"]);
    const garbled = ipcTransport(async (req) => ({ id: req.id, ok: 'yes' }));
    expect((await rejection(garbled.session())).code).toBe('BAD_RESPONSE');
  });
});

describe('every call has a deadline', () => {
  it('uses the per-method default when none is given: 30 s, longer for imports and earnings', async () => {
    const { callTimeoutMs } = await import('../src/shared/rpc-envelope.js');
    expect(callTimeoutMs('session')).toBe(30_000);
    expect(callTimeoutMs('importPaths')).toBeGreaterThan(callTimeoutMs('session'));
    expect(callTimeoutMs('earnings')).toBeGreaterThan(callTimeoutMs('session'));
  });

  it('a send that never reaches the other end still ends in TIMEOUT, and nothing is left waiting', async () => {
    const caller = new RpcCaller({ send: () => new Promise<void>(() => {}), timeoutMs: () => 50 });
    expect((await rejection(caller.call('session'))).code).toBe('TIMEOUT');
    expect(caller.waiting).toBe(0);
  });

  it('a payout that timed out is an unknown outcome: the form keeps its key and says it may have gone through', () => {
    expect(PAYOUT_OUTCOME_UNKNOWN.has(timeoutError('payoutRequest', 90_000).code)).toBe(true);
  });
});
