// Keeps one catalog document in sync with the server through the stock y-websocket WebsocketProvider.
// The provider reconnects with exponential backoff (capped at maxBackoffMs); before each reconnect we put a
// fresh access token in its params (tokens live 15 minutes; the refresh may fail while offline, in which
// case the old one is tried and refused, and we try again on the next round).
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import type { SyncState } from '../../../shared/studio-api.js';
import { syncUrl } from '../account/server-client.js';

export interface CatalogSyncOptions {
  serverUrl: string;
  docName: string;
  doc: Y.Doc;
  /** A valid access token, refreshed if needed; throws when the server cannot be reached. */
  accessToken(): Promise<string>;
  maxBackoffMs?: number;
}

export class CatalogSync extends EventEmitter {
  readonly provider: WebsocketProvider;
  private closed = false;
  private detail: string | null = null;
  private tokenTimer: NodeJS.Timeout;

  constructor(private readonly o: CatalogSyncOptions) {
    super();
    this.provider = new WebsocketProvider(syncUrl(o.serverUrl), o.docName, o.doc, {
      connect: false,
      params: { token: '' },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      maxBackoffTime: o.maxBackoffMs ?? 10_000,
      // Awareness (cursors, presence) is not used by the studio; keep the wire to document updates.
      disableBc: true,
    });
    this.provider.on('status', ({ status }) => {
      if (status === 'connected') this.detail = null;
      if (status === 'disconnected' && !this.closed) void this.renewToken();
      this.emit('change');
    });
    this.provider.on('sync', (synced: boolean) => {
      if (synced) this.emit('synced');
      this.emit('change');
    });
    this.provider.on('connection-close', (event) => {
      if (event && event.code >= 4000) this.detail = `server refused the connection (${event.code} ${event.reason})`;
      else if (!this.detail) this.detail = 'server unreachable';
      this.emit('change');
    });
    this.provider.on('connection-error', () => {
      this.detail = 'server unreachable';
    });
    this.tokenTimer = setInterval(() => void this.renewToken(), 60_000);
    this.tokenTimer.unref();
    void this.renewToken().then(() => {
      if (!this.closed) this.provider.connect();
    });
  }

  private async renewToken(): Promise<void> {
    try {
      const token = await this.o.accessToken();
      this.provider.params = { token };
    } catch (err) {
      this.detail = (err as Error).message;
      this.emit('change');
    }
  }

  get state(): SyncState {
    if (this.provider.wsconnected) return this.provider.synced ? 'synced' : 'syncing';
    if (this.provider.wsconnecting) return 'connecting';
    return 'offline';
  }

  get lastError(): string | null {
    return this.state === 'synced' ? null : this.detail;
  }

  /** Reconnects now instead of waiting out the backoff. */
  reconnect(): void {
    if (this.closed) return;
    void this.renewToken().then(() => {
      if (this.closed) return;
      this.provider.disconnect();
      this.provider.connect();
    });
  }

  close(): void {
    this.closed = true;
    clearInterval(this.tokenTimer);
    this.provider.destroy();
  }
}
