// Picks the transport: Electron's preload exposes `window.studio`; in browser mode the studio token is in
// the URL fragment and the API goes over a WebSocket to the host that served this page. Either way the
// rest of the renderer sees one StudioClient.
import { StudioApiError, type StudioClient, type StudioEvent, type UploadedFile } from '../../shared/studio-api';
import type { RpcRequest } from '../../shared/rpc-envelope';
import { ipcTransport } from './ipc-transport';
import { socketTransport, type ConnectionState } from './socket-transport';

declare global {
  interface Window {
    studio?: Omit<StudioClient, 'api'> & { call(request: RpcRequest): Promise<unknown> };
  }
}

export type { ConnectionState };

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
  const { api } = socketTransport({
    url: `ws://${window.location.host}/api?token=${encodeURIComponent(token)}`,
    onConnection,
    onEvent: (event) => {
      for (const l of listeners) l(event);
    },
  });
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
  const api = ipcTransport((request) => bridge.call(request));
  return { api, mode: 'electron', subscribe: bridge.subscribe, mediaUrl: bridge.mediaUrl, itemFileUrl: bridge.itemFileUrl };
}

export function createClient(onConnection: (s: ConnectionState) => void): StudioClient {
  if (window.studio) {
    onConnection('open');
    return electronClient(window.studio);
  }
  return browserClient(onConnection);
}
