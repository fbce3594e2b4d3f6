// Confirms that the server's copy of a catalog document holds an edit: a fresh connection (its own Y.Doc,
// the stock y-websocket provider) receives the server's whole state, so seeing the edit there proves the
// server stored it, which the studio's own open socket cannot tell (y-websocket has no acknowledgements).
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { syncUrl } from '../account/server-client.js';

function readOnce(serverUrl: string, docName: string, token: string, timeoutMs: number): Promise<Y.Doc | null> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(syncUrl(serverUrl), docName, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 1000,
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), timeoutMs);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      provider.destroy();
      if (ok) resolve(doc);
      else {
        doc.destroy();
        resolve(null);
      }
    };
    provider.on('sync', (synced: boolean) => {
      if (synced) finish(true);
    });
  });
}

/** Polls the server's copy until `holds(doc)` is true; false when `timeoutMs` passes first. */
export async function waitForServerCopy(
  o: { serverUrl: string; docName: string; accessToken(): Promise<string>; holds(doc: Y.Doc): boolean; timeoutMs?: number; signal?: AbortSignal },
): Promise<boolean> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  while (Date.now() < deadline && !o.signal?.aborted) {
    const doc = await readOnce(o.serverUrl, o.docName, await o.accessToken(), Math.min(10_000, Math.max(1000, deadline - Date.now())));
    if (doc) {
      const ok = o.holds(doc);
      doc.destroy();
      if (ok) return true;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}
