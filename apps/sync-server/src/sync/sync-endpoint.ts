// The WebSocket side: `ws://HOST:PORT/sync/<docName>?token=<access token>`, speaking the y-websocket
// protocol so the stock WebsocketProvider works unchanged. The token and the document are checked before
// the upgrade completes; a refused socket is closed (4401/4403) before any document data is sent.
// A malformed message closes only its own connection (4400); the server and other peers carry on.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { AuthService, AuthUser } from '../auth/auth-service.js';
import { ApiError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { canOpenDoc } from './doc-access.js';
import type { DocManager } from './doc-manager.js';
import { CLOSE, MSG_AUTH, MSG_AWARENESS, MSG_QUERY_AWARENESS, MSG_SYNC } from './protocol.js';
import { encodeAwareness, encodeSync, type SharedDoc, type SyncPeer } from './shared-doc.js';

const PING_INTERVAL_MS = 30_000;
/** A peer that cannot keep up (this much unsent data) is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export interface SyncEndpointOptions {
  auth: AuthService;
  docs: DocManager;
  log: Logger;
  metrics: Metrics;
  maxMessageBytes: number;
  /** Largest stored size of one document; an update beyond it closes the socket with 4413. 0 = no limit. */
  maxDocBytes?: number;
}

class ProtocolError extends Error {}

export class SyncEndpoint {
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private readonly bySession = new Map<string, Set<WebSocket>>();
  private accepting = true;
  private readonly pinger: NodeJS.Timeout;

  constructor(private readonly o: SyncEndpointOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: o.maxMessageBytes, perMessageDeflate: false });
    const alive = new WeakSet<WebSocket>();
    this.pinger = setInterval(() => {
      for (const ws of this.sockets) {
        if (!alive.has(ws)) {
          ws.terminate();
          continue;
        }
        alive.delete(ws);
        ws.ping();
      }
    }, PING_INTERVAL_MS);
    this.pinger.unref();
    this.wss.on('connection', (ws: WebSocket) => {
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
    });
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  /** `otherPrefixes`: upgrade paths another endpoint on this server answers (the VR relay's /vr/). */
  attach(server: Server, otherPrefixes: readonly string[] = []): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (otherPrefixes.some((p) => req.url?.startsWith(p))) return;
      socket.on('error', () => {});
      void this.onUpgrade(req, socket, head);
    });
  }

  /** Closes every socket of a revoked session. */
  closeSession(sessionId: string): void {
    for (const ws of this.bySession.get(sessionId) ?? []) ws.close(CLOSE.UNAUTHENTICATED, 'session revoked');
  }

  /** Stops accepting and closes every socket; documents are flushed by the DocManager afterwards. */
  async close(): Promise<void> {
    this.accepting = false;
    clearInterval(this.pinger);
    const closed = [...this.sockets].map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close(CLOSE.RESTART, 'server restarting');
          setTimeout(() => {
            ws.terminate();
            resolve();
          }, 2000).unref();
        }),
    );
    await Promise.all(closed);
    this.wss.close();
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/sync/')) return rejectHttp(socket, 404, 'Not Found');
    if (!this.accepting) return rejectHttp(socket, 503, 'Service Unavailable');
    let docName: string;
    try {
      docName = decodeURIComponent(url.pathname.slice('/sync/'.length));
    } catch {
      return rejectHttp(socket, 400, 'Bad Request');
    }
    let user: AuthUser | null = null;
    let refusal: { code: number; reason: string } | null = null;
    try {
      user = await this.o.auth.authenticate(url.searchParams.get('token') ?? undefined);
      const access = canOpenDoc(user, docName);
      if (!access.ok) refusal = { code: CLOSE.FORBIDDEN, reason: access.reason };
    } catch (err) {
      if (!(err instanceof ApiError)) {
        this.o.log.error({ err }, 'sync authentication failed');
        return rejectHttp(socket, 500, 'Internal Server Error');
      }
      refusal = {
        code: CLOSE.UNAUTHENTICATED,
        reason: err.code === 'TOKEN_EXPIRED' ? 'access token expired' : 'a valid access token is required',
      };
    }
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.wss.emit('connection', ws, req);
      if (refusal || !user) {
        this.o.metrics.syncRejected.inc({ reason: refusal?.code === CLOSE.FORBIDDEN ? 'forbidden' : 'unauthenticated' });
        this.o.log.info({ doc: docName.slice(0, 80), code: refusal?.code }, 'sync connection refused');
        ws.close(refusal?.code ?? CLOSE.UNAUTHENTICATED, truncate(refusal?.reason ?? 'refused'));
        return;
      }
      this.serve(ws, docName, user);
    });
  }

  private serve(ws: WebSocket, docName: string, user: AuthUser): void {
    this.sockets.add(ws);
    let session = this.bySession.get(user.sessionId);
    if (!session) this.bySession.set(user.sessionId, (session = new Set()));
    session.add(ws);

    const peer: SyncPeer = {
      send: (message) => {
        if (ws.readyState !== ws.OPEN) return;
        if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
          ws.terminate();
          return;
        }
        ws.send(message);
      },
    };
    let shared: SharedDoc | null = null;
    let closed = false;
    const early: Uint8Array[] = [];

    const fail = (code: number, reason: string, reasonForMetrics: string) => {
      if (closed) return;
      // Nothing more from this socket is processed, even frames already queued behind the bad one.
      closed = true;
      this.o.metrics.syncRejected.inc({ reason: reasonForMetrics });
      this.o.log.warn({ doc: docName, user: user.id, code, reason }, 'closing sync connection');
      ws.close(code, truncate(reason));
    };

    const handle = (bytes: Uint8Array) => {
      if (!shared || closed) return;
      try {
        this.handleMessage(
          shared,
          peer,
          bytes,
          () => fail(CLOSE.STORE_FAILED, 'the update could not be stored; resync', 'store_failed'),
          () => fail(CLOSE.QUOTA_EXCEEDED, 'document size quota exceeded; the update was not stored', 'quota_exceeded'),
        );
      } catch (err) {
        fail(CLOSE.MALFORMED, `malformed message: ${err instanceof Error ? err.message : 'unreadable'}`, 'malformed');
      }
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) return fail(CLOSE.MALFORMED, 'malformed message: text frames are not y-websocket messages', 'malformed');
      const bytes = toBytes(data);
      if (shared) handle(bytes);
      else early.push(bytes);
    });
    ws.on('error', (err) => {
      // ws closes with 1009 itself when a message exceeds maxPayload.
      this.o.metrics.syncRejected.inc({ reason: 'socket_error' });
      this.o.log.warn({ doc: docName, user: user.id, err: err.message }, 'sync socket error');
    });
    ws.on('close', () => {
      closed = true;
      this.sockets.delete(ws);
      session.delete(ws);
      if (session.size === 0) this.bySession.delete(user.sessionId);
      if (shared) this.o.docs.leave(shared, peer);
    });

    this.o.docs.open(docName, peer).then(
      (doc) => {
        if (closed) {
          this.o.docs.leave(doc, peer);
          return;
        }
        shared = doc;
        // Sync step 1 (our state vector) and the current awareness, as the reference server does.
        peer.send(encodeSync((e) => syncProtocol.writeSyncStep1(e, doc.doc)));
        const states = doc.awareness.getStates();
        if (states.size > 0) {
          peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(doc.awareness, [...states.keys()])));
        }
        for (const m of early.splice(0)) handle(m);
      },
      (err) => {
        this.o.log.error({ err, doc: docName }, 'could not load document');
        fail(CLOSE.STORE_FAILED, 'document could not be loaded', 'load_failed');
      },
    );
  }

  private handleMessage(shared: SharedDoc, peer: SyncPeer, bytes: Uint8Array, onStoreFailed: () => void, onQuota: () => void): void {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MSG_SYNC: {
        const syncType = decoding.readVarUint(decoder);
        if (syncType === syncProtocol.messageYjsSyncStep1) {
          const stateVector = decoding.readVarUint8Array(decoder);
          Y.decodeStateVector(stateVector); // throws on garbage before we build a reply
          peer.send(encodeSync((e) => syncProtocol.writeSyncStep2(e, shared.doc, stateVector)));
        } else if (syncType === syncProtocol.messageYjsSyncStep2 || syncType === syncProtocol.messageYjsUpdate) {
          const update = decoding.readVarUint8Array(decoder);
          if (!carriesChanges(update)) return;
          const quota = this.o.maxDocBytes ?? 0;
          if (quota > 0 && shared.storedBytes + update.length > quota) return onQuota();
          // Not stored means not applied or broadcast either: closing makes the client resync and resend it.
          shared.submit(update, peer).catch(onStoreFailed);
        } else {
          throw new ProtocolError(`unknown sync message type ${syncType}`);
        }
        return;
      }
      case MSG_AWARENESS:
        awarenessProtocol.applyAwarenessUpdate(shared.awareness, decoding.readVarUint8Array(decoder), peer);
        return;
      case MSG_QUERY_AWARENESS:
        peer.send(
          encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(shared.awareness, [...shared.awareness.getStates().keys()])),
        );
        return;
      case MSG_AUTH:
        return; // clients do not send auth messages; tolerate it like the reference server does
      default:
        throw new ProtocolError(`unknown message type ${type}`);
    }
  }
}

/** Validates a Yjs update (throws if it does not decode) and says whether it changes anything. */
function carriesChanges(update: Uint8Array): boolean {
  const decoded = Y.decodeUpdate(update);
  return decoded.structs.length > 0 || decoded.ds.clients.size > 0;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function truncate(reason: string): string {
  // A close reason is at most 123 bytes.
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -2);
  return r;
}

function rejectHttp(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
