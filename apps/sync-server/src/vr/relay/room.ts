// One live VR room: its participants, their latest poses, and the 20 Hz batch that fans them out. Poses
// are kept as the client's validated 13-byte frames and copied into one shared batch buffer per tick, so
// the relay never decodes a pose and sends the same bytes to everyone. A socket that misbehaves is closed
// on its own; nothing it does reaches the others' sockets except through the checks here.
import {
  encodePoseBatchFromFrames,
  parseClientRoomMessage,
  poseFrameProblem,
  VrCloseEvents,
  vrCloseName,
  type Participant,
  type ServerRoomMessage,
  type VrCloseEvent,
  type VrRole,
} from '@fanz/core';
import type { WebSocket } from 'ws';
import { TokenBucket } from './token-bucket.js';

export interface RoomLimits {
  batchHz: number;
  messagesPerSecond: number;
  messageBurst: number;
  maxBufferedBytes: number;
  maxMessageBytes: number;
}

export interface Member {
  index: number;
  userId: string;
  /** The ticket that admitted it, or `host:<userId>` for the creator. */
  seatKey: string;
  ticketId: string | null;
  role: VrRole;
  displayName: string;
  muted: boolean;
  ws: WebSocket;
  pose: Uint8Array | null;
  dirty: boolean;
  bucket: TokenBucket;
  closing: boolean;
  /** The close code the relay chose, when it closed the socket (the peer may never acknowledge it). */
  closedWith: number | null;
}

export interface RoomEvents {
  joined(room: Room, m: Member): void;
  left(room: Room, m: Member, closeCode: number): void;
}

const textCode = (e: VrCloseEvent) => e.reason.slice(0, 120);

export class Room {
  private readonly members = new Map<number, Member>();
  /** Seats reserved by admissions whose handshake is still under way, plus members' seats. */
  private readonly seats = new Set<string>();
  private readonly removedSeats = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private nextTick = 0;

  constructor(
    readonly experienceId: string,
    readonly endsAt: number,
    private readonly limits: RoomLimits,
    private readonly events: RoomEvents,
    private readonly clock: () => number,
  ) {}

  get guestCount(): number {
    let n = 0;
    for (const s of this.seats) if (!s.startsWith('host:')) n++;
    return n;
  }

  get size(): number {
    return this.members.size;
  }

  /** Nobody in and nobody on the way in: the room can be dropped. */
  get idle(): boolean {
    return this.members.size === 0 && this.seats.size === 0;
  }

  /** Synchronous admission step: the refusal, or null with the seat reserved until join() or release(). */
  reserve(seatKey: string, role: VrRole, guestCap: number): VrCloseEvent | null {
    if (this.removedSeats.has(seatKey)) return VrCloseEvents.RemovedByHost;
    if (this.seats.has(seatKey)) return VrCloseEvents.TicketInUse;
    if (role === 'guest' && this.guestCount >= guestCap) return VrCloseEvents.RoomFull;
    this.seats.add(seatKey);
    return null;
  }

  release(seatKey: string): void {
    if (![...this.members.values()].some((m) => m.seatKey === seatKey)) this.seats.delete(seatKey);
  }

  private freeIndex(): number {
    let i = 0;
    while (this.members.has(i)) i++;
    return i;
  }

  join(ws: WebSocket, who: { userId: string; seatKey: string; ticketId: string | null; role: VrRole; displayName: string }): Member {
    const now = this.clock();
    const m: Member = {
      ...who,
      index: this.freeIndex(),
      muted: false,
      ws,
      pose: null,
      dirty: false,
      bucket: new TokenBucket(this.limits.messagesPerSecond, this.limits.messageBurst, now),
      closing: false,
      closedWith: null,
    };
    this.members.set(m.index, m);
    this.send(m, {
      type: 'welcome',
      experienceId: this.experienceId,
      you: this.describe(m),
      participants: [...this.members.values()].map((x) => this.describe(x)),
      batchHz: this.limits.batchHz,
      maxMessageBytes: this.limits.maxMessageBytes,
    });
    this.broadcast({ type: 'join', participant: this.describe(m) }, m);
    ws.on('message', (data, isBinary) => this.onMessage(m, data as Buffer, isBinary));
    ws.on('close', (code) => this.onClose(m, code));
    this.events.joined(this, m);
    this.start();
    return m;
  }

  private describe(m: Member): Participant {
    return { participantIndex: m.index, displayName: m.displayName, role: m.role, muted: m.muted };
  }

  private onMessage(m: Member, data: Buffer, isBinary: boolean): void {
    if (m.closing) return;
    if (!m.bucket.take(this.clock())) return this.close(m, VrCloseEvents.RateLimited);
    if (isBinary) {
      if (poseFrameProblem(data) !== null) return this.close(m, VrCloseEvents.MalformedFrame);
      m.pose = data;
      m.dirty = true;
      return;
    }
    const parsed = parseClientRoomMessage(data.toString('utf8'));
    if (!parsed.ok) return this.close(m, VrCloseEvents.MalformedFrame);
    const msg = parsed.message;
    switch (msg.type) {
      case 'chat':
        if (m.muted) return this.send(m, { type: 'notice', code: 'MUTED', message: 'The host muted you; your chat is not sent.' });
        return this.broadcast({ type: 'chat', participantIndex: m.index, displayName: m.displayName, text: msg.text, at: new Date(this.clock()).toISOString() });
      case 'leave':
        return this.close(m, VrCloseEvents.Normal);
      case 'mute':
      case 'remove': {
        if (m.role !== 'host') return this.send(m, { type: 'notice', code: 'NOT_HOST', message: 'Only the host can mute or remove guests.' });
        const target = this.members.get(msg.participantIndex);
        if (!target || target.role !== 'guest' || target.closing) {
          return this.send(m, { type: 'notice', code: 'NO_SUCH_PARTICIPANT', message: `No guest ${msg.participantIndex} in this room.` });
        }
        if (msg.type === 'mute') {
          target.muted = msg.muted;
          return this.broadcast({ type: 'mute', participantIndex: target.index, muted: target.muted });
        }
        this.removedSeats.add(target.seatKey);
        return this.close(target, VrCloseEvents.RemovedByHost);
      }
    }
  }

  /** Closes one member's socket; a client that stopped reading is cut off after a second. */
  close(m: Member, e: VrCloseEvent): void {
    if (m.closing) return;
    m.closing = true;
    m.closedWith = e.code;
    m.ws.close(e.code, textCode(e));
    setTimeout(() => m.ws.terminate(), 1000).unref();
  }

  /** The member on this socket, if it is in this room. */
  memberOn(ws: WebSocket): Member | undefined {
    for (const m of this.members.values()) if (m.ws === ws) return m;
    return undefined;
  }

  closeAll(e: VrCloseEvent): void {
    for (const m of this.members.values()) this.close(m, e);
  }

  private onClose(m: Member, peerCode: number): void {
    if (this.members.get(m.index) !== m) return;
    const code = m.closedWith ?? peerCode;
    this.members.delete(m.index);
    this.seats.delete(m.seatKey);
    this.broadcast({ type: 'leave', participantIndex: m.index, reason: vrCloseName(code) ?? String(code) });
    this.events.left(this, m, code);
    if (this.members.size === 0) this.stop();
  }

  private send(m: Member, msg: ServerRoomMessage): void {
    this.sendRaw(m, JSON.stringify(msg));
  }

  private sendRaw(m: Member, data: string | Uint8Array): void {
    if (m.closing || m.ws.readyState !== m.ws.OPEN) return;
    if (m.ws.bufferedAmount > this.limits.maxBufferedBytes) return this.close(m, VrCloseEvents.SlowConsumer);
    m.ws.send(data);
  }

  private broadcast(msg: ServerRoomMessage, except?: Member): void {
    const text = JSON.stringify(msg);
    for (const m of this.members.values()) if (m !== except) this.sendRaw(m, text);
  }

  private start(): void {
    if (this.timer) return;
    this.nextTick = this.clock() + 1000 / this.limits.batchHz;
    this.schedule();
  }

  private schedule(): void {
    // setTimeout against an absolute schedule, so the 20 Hz does not drift with the work of each tick.
    const delay = Math.max(0, this.nextTick - Date.now());
    this.timer = setTimeout(() => this.tick(), delay);
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One batch: every pose that changed since the last tick, in one frame shared by all recipients. */
  tick(): void {
    const now = this.clock();
    if (now >= this.endsAt) {
      this.closeAll(VrCloseEvents.RoomClosed);
      this.stop();
      return;
    }
    const indices: number[] = [];
    const frames: Uint8Array[] = [];
    for (const m of this.members.values()) {
      if (!m.dirty || m.closing || m.pose === null) continue;
      m.dirty = false;
      indices.push(m.index);
      frames.push(m.pose);
    }
    if (indices.length > 0) {
      const batch = encodePoseBatchFromFrames(indices, frames);
      for (const m of this.members.values()) this.sendRaw(m, batch);
    }
    this.nextTick += 1000 / this.limits.batchHz;
    if (this.nextTick < Date.now()) this.nextTick = Date.now();
    if (this.timer) this.schedule();
  }
}
