// ws://HOST/vr/<experienceId>?ticket=<signed ticket>  (or ?token= / Authorization: Bearer <access token>
// for the room's creator, who hosts). Admission (admission.ts) runs before the handshake; a refused
// socket is only opened to carry its close code (browsers cannot read an upgrade's HTTP status) and never
// joins a room. Frames above 4 KiB are refused by ws itself with 1009.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { VrCloseEvents, VR_LIMITS, type VrCloseEvent } from '@fanz/core';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { admit, type AdmissionDeps, type Admitted } from './admission.js';
import { Room, type Member, type RoomLimits } from './room.js';

export const VR_PATH_PREFIX = '/vr/';

export interface RelayOptions extends RoomLimits {
  /** Hard cap of guests in one room, whatever its capacity says (the server's protection). */
  maxGuestsPerRoom: number;
  /**
   * Every this often each socket is pinged; one that has not answered the previous ping has stopped
   * reading (its kernel buffers can hold megabytes before the send-buffer bound is reached) and is
   * closed as a SlowConsumer.
   */
  pingIntervalMs: number;
}

export const DEFAULT_RELAY_OPTIONS: RelayOptions = {
  batchHz: VR_LIMITS.batchHz,
  messagesPerSecond: VR_LIMITS.messagesPerSecond,
  messageBurst: VR_LIMITS.messageBurst,
  maxBufferedBytes: VR_LIMITS.maxBufferedBytes,
  maxMessageBytes: VR_LIMITS.maxMessageBytes,
  maxGuestsPerRoom: 200,
  pingIntervalMs: 10_000,
};

export interface RelayEvents {
  joined(experienceId: string, m: Member, admitted: Admitted): void;
  left(experienceId: string, m: Member, closeCode: number): void;
}

export class RelayEndpoint {
  private readonly wss: WebSocketServer;
  private readonly rooms = new Map<string, Room>();
  private readonly sockets = new Map<WebSocket, Room>();
  private readonly pinger: NodeJS.Timeout;
  private accepting = true;

  constructor(
    private readonly deps: AdmissionDeps & { log: Logger },
    private readonly options: RelayOptions,
    private readonly events: RelayEvents,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false });
    const alive = new WeakSet<WebSocket>();
    this.wss.on('connection', (ws: WebSocket) => {
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
    });
    this.pinger = setInterval(() => {
      for (const [ws, room] of this.sockets) {
        if (alive.has(ws)) {
          alive.delete(ws);
          ws.ping();
          continue;
        }
        const m = room.memberOn(ws);
        if (m) room.close(m, VrCloseEvents.SlowConsumer);
        else ws.terminate();
      }
    }, options.pingIntervalMs);
    this.pinger.unref();
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  /** Live participants of a room (0 when nobody is in). */
  participants(experienceId: string): number {
    return this.rooms.get(experienceId)?.size ?? 0;
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!req.url?.startsWith(VR_PATH_PREFIX)) return;
      socket.on('error', () => {});
      this.onUpgrade(req, socket, head).catch((err: unknown) => {
        this.deps.log.error({ err }, 'vr admission failed');
        if (!socket.destroyed) socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      });
    });
  }

  /** Closes a room's sockets (cancellation). */
  closeRoom(experienceId: string, e: VrCloseEvent = VrCloseEvents.RoomClosed): void {
    this.rooms.get(experienceId)?.closeAll(e);
  }

  async close(): Promise<void> {
    this.accepting = false;
    clearInterval(this.pinger);
    const closed = [...this.sockets.keys()].map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          setTimeout(resolve, 2000).unref();
        }),
    );
    for (const room of this.rooms.values()) room.closeAll(VrCloseEvents.ServerShutdown);
    await Promise.all(closed);
    this.wss.close();
  }

  private refuse(req: IncomingMessage, socket: Duplex, head: Buffer, e: VrCloseEvent, detail: string): void {
    if (socket.destroyed) return;
    this.deps.log.info({ code: e.code, detail }, 'vr connection refused');
    this.wss.handleUpgrade(req, socket, head, (ws) => ws.close(e.code, e.reason));
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!this.accepting) return this.refuse(req, socket, head, VrCloseEvents.ServerShutdown, 'shutting down');
    const experienceId = url.pathname.slice(VR_PATH_PREFIX.length);
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const ticket = url.searchParams.get('ticket') ?? undefined;
    const accessToken = ticket === undefined ? (url.searchParams.get('token') ?? bearer) : undefined;
    const result = await admit(this.deps, experienceId, { ticket, accessToken });
    if (!result.ok) return this.refuse(req, socket, head, result.close, result.detail);
    const a = result.admitted;
    let room = this.rooms.get(a.experience.id);
    if (!room) {
      room = new Room(
        a.experience.id,
        a.experience.endsAt,
        this.options,
        {
          joined: () => {},
          left: (r, m, code) => {
            this.events.left(r.experienceId, m, code);
            if (r.idle && this.rooms.get(r.experienceId) === r) this.rooms.delete(r.experienceId);
          },
        },
        this.deps.clock,
      );
      this.rooms.set(a.experience.id, room);
    }
    const guestCap = Math.min(a.experience.capacity, this.options.maxGuestsPerRoom);
    const refusal = room.reserve(a.seatKey, a.role, guestCap);
    if (refusal) {
      if (room.idle && this.rooms.get(a.experience.id) === room) this.rooms.delete(a.experience.id);
      return this.refuse(req, socket, head, refusal, 'room check');
    }
    const target = room;
    let joined = false;
    const abandon = () => {
      if (joined) return;
      target.release(a.seatKey);
      if (target.idle && this.rooms.get(target.experienceId) === target) this.rooms.delete(target.experienceId);
    };
    if (socket.destroyed) return abandon();
    // A handshake that dies before completing gives its seat back.
    socket.once('close', abandon);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      joined = true;
      this.wss.emit('connection', ws, req);
      this.sockets.set(ws, target);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('error', () => {});
      const m = target.join(ws, { userId: a.userId, seatKey: a.seatKey, ticketId: a.ticketId, role: a.role, displayName: a.displayName });
      this.events.joined(target.experienceId, m, a);
    });
  }
}
