// Picks the transport: Electron's preload exposes `window.studio`; in browser mode the studio token is in
// the URL fragment and the API goes over a WebSocket to the host that served this page. Either way the
// rest of the renderer sees one StudioClient.
import {
  StudioApiError,
  apiInputSchemas,
  type ApiMethod,
  type RpcEventFrame,
  type RpcResponse,
  type StudioApi,
  type StudioClient,
  type StudioEvent,
  type UploadedFile,
} from '../../shared/studio-api';

declare global {
  interface Window {
    studio?: StudioClient & { call(method: string, params: unknown): Promise<unknown> };
  }
}

export type ConnectionState = 'open' | 'closed';

function takeToken(): string | null {
  const m = /token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (m) {
    sessionStorage.setItem('studio-token', m[1]!);
    // Keep the token out of screenshots, history entries and bookmarks.
    history.replaceState(null, '', window.location.pathname);
    return m[1]!;
  }
  return sessionStorage.getItem('studio-token');
}

function browserClient(onConnection: (s: ConnectionState) => void): StudioClient {
  const token = takeToken();
  if (!token) throw new StudioApiError('NO_TOKEN', 'open the address the studio printed (it ends with #token=...)');
  const listeners = new Set<(e: StudioEvent) => void>();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let ws: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let retryMs = 250;

  function connect(): Promise<WebSocket> {
    opened ??= new Promise<WebSocket>((resolve, reject) => {
      const sock = new WebSocket(`ws://${window.location.host}/api?token=${encodeURIComponent(token!)}`);
      sock.onopen = () => {
        ws = sock;
        retryMs = 250;
        onConnection('open');
        resolve(sock);
      };
      sock.onmessage = (msg) => {
        const frame = JSON.parse(String(msg.data)) as RpcResponse | RpcEventFrame;
        if ('event' in frame) {
          for (const l of listeners) l(frame.event);
          return;
        }
        const p = pending.get(frame.id);
        if (!p) return;
        pending.delete(frame.id);
        if ('error' in frame) p.reject(new StudioApiError(frame.error.code, frame.error.message, frame.error.details));
        else p.resolve(frame.result);
      };
      sock.onclose = () => {
        ws = null;
        opened = null;
        onConnection('closed');
        for (const p of pending.values()) p.reject(new StudioApiError('HOST_GONE', 'lost the connection to the studio host'));
        pending.clear();
        reject(new StudioApiError('HOST_GONE', 'cannot reach the studio host'));
        setTimeout(() => void connect().catch(() => {}), retryMs);
        retryMs = Math.min(retryMs * 2, 5000);
      };
    });
    return opened;
  }
  void connect().catch(() => {});

  const call = async (method: ApiMethod, params: unknown): Promise<unknown> => {
    const sock = ws ?? (await connect());
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      sock.send(JSON.stringify({ id, method, params }));
    });
  };
  const api = Object.fromEntries(
    (Object.keys(apiInputSchemas) as ApiMethod[]).map((m) => [m, (params?: unknown) => call(m, params)]),
  ) as unknown as StudioApi;
  return {
    api,
    mode: 'browser',
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    mediaUrl: (id) => `/media/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`,
    // The token is a path segment here so the relative URIs inside HLS playlists keep it.
    uploadFiles: (files, onProgress) => uploadFiles(token, files, onProgress),
    itemFileUrl: (itemId, path) => `/item/${encodeURIComponent(token)}/${encodeURIComponent(itemId)}/${path.split('/').map(encodeURIComponent).join('/')}`,
  };
}

/** One PUT per file, in order, with byte progress over the whole pick (XHR: fetch has no upload progress). */
async function uploadFiles(token: string, files: File[], onProgress: (sent: number, total: number) => void): Promise<UploadedFile[]> {
  const total = files.reduce((n, f) => n + f.size, 0);
  const batch = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const out: UploadedFile[] = [];
  let done = 0;
  for (const f of files) {
    const r = await new Promise<UploadedFile>((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', `/upload/${encodeURIComponent(token)}/${batch}/${encodeURIComponent(f.name)}`);
      xhr.upload.onprogress = (e) => onProgress(done + e.loaded, total);
      xhr.onload = () => {
        let body: { path?: string; error?: { message?: string } } = {};
        try {
          body = JSON.parse(xhr.responseText) as typeof body;
        } catch {
          // not JSON: handled below
        }
        if (xhr.status === 201 && body.path) resolve({ name: f.name, path: body.path });
        else resolve({ name: f.name, error: body.error?.message ?? 'it could not be copied to the studio' });
      };
      xhr.onerror = () => resolve({ name: f.name, error: 'the studio could not be reached while copying it' });
      xhr.send(f);
    });
    done += f.size;
    onProgress(done, total);
    out.push(r);
  }
  return out;
}

function electronClient(bridge: NonNullable<Window['studio']>): StudioClient {
  const api = Object.fromEntries(
    (Object.keys(apiInputSchemas) as ApiMethod[]).map((m) => [
      m,
      async (params?: unknown) => {
        const r = (await bridge.call(m, params)) as { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; details?: Record<string, unknown> } };
        if (!r.ok) throw new StudioApiError(r.error.code, r.error.message, r.error.details);
        return r.result;
      },
    ]),
  ) as unknown as StudioApi;
  return { api, mode: 'electron', subscribe: bridge.subscribe, mediaUrl: bridge.mediaUrl, itemFileUrl: bridge.itemFileUrl };
}

export function createClient(onConnection: (s: ConnectionState) => void): StudioClient {
  if (window.studio) {
    onConnection('open');
    return electronClient(window.studio);
  }
  return browserClient(onConnection);
}
