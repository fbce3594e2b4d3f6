// Browser mode's transport: the studio API over one WebSocket to the host that served the page, with the
// shared envelope and caller (shared/rpc-caller.ts), so every call has a deadline. Reconnects with backoff;
// calls waiting when the socket drops fail with HOST_GONE at once. Uses only the WebSocket API, so tests
// drive it in Node against the real host.
import { StudioApiError, type ApiMethod, type StudioApi, type StudioEvent } from '../../shared/studio-api';
import { RpcCaller } from '../../shared/rpc-caller';
import type { RpcEventFrame } from '../../shared/rpc-envelope';

export type ConnectionState = 'open' | 'closed';

/** The part of the WebSocket API this transport uses (the browser's, or `ws` in Node). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface SocketTransportOptions {
  /** ws://host:port/api?token=... */
  url: string;
  openSocket?: SocketFactory;
  onConnection?(state: ConnectionState): void;
  onEvent?(event: StudioEvent): void;
  timeoutMs?: (method: ApiMethod) => number;
}

export interface SocketTransport {
  api: StudioApi;
  /** Stops reconnecting and closes the socket. */
  close(): void;
}

export function socketTransport(o: SocketTransportOptions): SocketTransport {
  const openSocket: SocketFactory = o.openSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
  let ws: SocketLike | null = null;
  let opened: Promise<SocketLike> | null = null;
  let retryMs = 250;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const caller = new RpcCaller({
    timeoutMs: o.timeoutMs,
    async send(request) {
      const sock = ws ?? (await connect());
      sock.send(JSON.stringify(request));
    },
  });

  function connect(): Promise<SocketLike> {
    if (closed) return Promise.reject(new StudioApiError('HOST_GONE', 'the connection to the studio host is closed'));
    opened ??= new Promise<SocketLike>((resolve, reject) => {
      const sock = openSocket(o.url);
      sock.onopen = () => {
        ws = sock;
        retryMs = 250;
        o.onConnection?.('open');
        resolve(sock);
      };
      sock.onmessage = (msg) => {
        let frame: unknown;
        try {
          frame = JSON.parse(String(msg.data));
        } catch {
          return; // not JSON: nothing to attribute it to
        }
        if (typeof frame === 'object' && frame !== null && 'event' in frame) {
          o.onEvent?.((frame as RpcEventFrame).event);
          return;
        }
        caller.receive(frame);
      };
      sock.onclose = () => {
        ws = null;
        opened = null;
        o.onConnection?.('closed');
        caller.failAll(new StudioApiError('HOST_GONE', 'lost the connection to the studio host'));
        reject(new StudioApiError('HOST_GONE', 'cannot reach the studio host'));
        if (closed) return;
        retry = setTimeout(() => void connect().catch(() => {}), retryMs);
        retryMs = Math.min(retryMs * 2, 5000);
      };
    });
    return opened;
  }
  void connect().catch(() => {});

  return {
    api: caller.api(),
    close() {
      closed = true;
      if (retry) clearTimeout(retry);
      ws?.close();
    },
  };
}
