// The room's connection to the VR relay (ws://HOST/vr/<id>): our pose out as binary frames (@fanz/core's
// codec) at up to 20 Hz while moving and once a second while still (so people who join later see us),
// everyone's poses in from the 20 Hz batches into per-participant interpolation buffers, and the JSON
// text frames (roster, chat, mute, notices) checked with core's schemas. No three.js here.
import {
  CHAT_MAX_CHARS,
  VR_LIMITS,
  decodePoseBatch,
  encodePose,
  poseFromTransform,
  seqNewer,
  serverRoomMessageSchema,
  transformFromPose,
  type Participant,
  type Transform,
} from '@fanz/core/vr';
import { PoseBuffer } from './pose-buffer';

export interface RemoteParticipant extends Participant {
  buffer: PoseBuffer;
  lastSeq: number | null;
}

export interface ChatLine {
  key: number;
  participantIndex: number | null;
  displayName: string;
  text: string;
  at: string;
  /** A notice from the room (muted, join/leave), not someone's message. */
  system: boolean;
}

export type RelayState =
  | { phase: 'connecting' }
  | { phase: 'open'; you: Participant }
  | { phase: 'closed'; code: number; reason: string };

export interface RelayCredentials {
  /** A fan's ticket token (?ticket=) or the creator's access token (?token=). */
  ticket?: string;
  accessToken?: string;
}

const IDLE_RESEND_MS = 1_000;
const MAX_CHAT_LINES = 200;

export function relayUrl(experienceId: string, c: RelayCredentials, loc: { protocol: string; host: string } = location): string {
  const q = c.ticket !== undefined ? `ticket=${encodeURIComponent(c.ticket)}` : `token=${encodeURIComponent(c.accessToken ?? '')}`;
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/vr/${encodeURIComponent(experienceId)}?${q}`;
}

function sameTransform(a: Transform, b: Transform): boolean {
  const p = a.position;
  const q = b.position;
  return (
    Math.abs(p.x - q.x) < 0.0005 && Math.abs(p.y - q.y) < 0.0005 && Math.abs(p.z - q.z) < 0.0005 &&
    Math.abs(a.quaternion.x - b.quaternion.x) < 1e-3 && Math.abs(a.quaternion.y - b.quaternion.y) < 1e-3 &&
    Math.abs(a.quaternion.z - b.quaternion.z) < 1e-3 && Math.abs(a.quaternion.w - b.quaternion.w) < 1e-3
  );
}

export class RelayClient {
  readonly participants = new Map<number, RemoteParticipant>();
  chat: ChatLine[] = [];
  state: RelayState = { phase: 'connecting' };
  /** Why the last text frame we could not read was dropped (shown in the room's status line). */
  lastProblem: string | null = null;
  private ws: WebSocket;
  private seq = 0;
  private lastSent: Transform | null = null;
  private lastSentAt = 0;
  private chatKey = 0;
  private readonly listeners = new Set<() => void>();

  constructor(url: string, private readonly now: () => number = () => performance.now()) {
    this.ws = new WebSocket(url);
    this.ws.binaryType = 'arraybuffer';
    this.ws.onmessage = (e) => this.onMessage(e.data as ArrayBuffer | string);
    this.ws.onclose = (e) => {
      this.state = { phase: 'closed', code: e.code, reason: e.reason };
      this.emit();
    };
  }

  /** Called on roster, chat and state changes (not on every pose: the scene reads buffers each frame). */
  subscribe(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }

  private addLine(line: Omit<ChatLine, 'key'>): void {
    this.chat = [...this.chat.slice(-(MAX_CHAT_LINES - 1)), { ...line, key: ++this.chatKey }];
  }

  private onMessage(data: ArrayBuffer | string): void {
    if (typeof data !== 'string') return this.onBatch(new Uint8Array(data));
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.lastProblem = 'the room sent a message that is not JSON';
      return;
    }
    const r = serverRoomMessageSchema.safeParse(json);
    if (!r.success) {
      this.lastProblem = 'the room sent a message this page does not understand';
      return;
    }
    const m = r.data;
    const at = new Date().toISOString();
    switch (m.type) {
      case 'welcome':
        this.participants.clear();
        for (const p of m.participants) if (p.participantIndex !== m.you.participantIndex) this.upsert(p);
        this.state = { phase: 'open', you: m.you };
        break;
      case 'join':
        this.upsert(m.participant);
        this.addLine({ participantIndex: null, displayName: '', text: `${m.participant.displayName} joined${m.participant.role === 'host' ? ' (host)' : ''}.`, at, system: true });
        break;
      case 'leave': {
        const who = this.participants.get(m.participantIndex);
        this.participants.delete(m.participantIndex);
        if (who) this.addLine({ participantIndex: null, displayName: '', text: `${who.displayName} ${m.reason === 'RemovedByHost' ? 'was removed by the host' : 'left'}.`, at, system: true });
        break;
      }
      case 'chat':
        this.addLine({ participantIndex: m.participantIndex, displayName: m.displayName, text: m.text, at: m.at, system: false });
        break;
      case 'mute': {
        const p = this.participants.get(m.participantIndex);
        if (p) p.muted = m.muted;
        if (this.state.phase === 'open' && this.state.you.participantIndex === m.participantIndex) {
          this.state = { phase: 'open', you: { ...this.state.you, muted: m.muted } };
          this.addLine({ participantIndex: null, displayName: '', text: m.muted ? 'The host muted you: your messages are not sent.' : 'The host unmuted you.', at, system: true });
        }
        break;
      }
      case 'notice':
        this.addLine({ participantIndex: null, displayName: '', text: m.message, at, system: true });
        break;
    }
    this.emit();
  }

  private upsert(p: Participant): void {
    const existing = this.participants.get(p.participantIndex);
    if (existing) Object.assign(existing, p);
    else this.participants.set(p.participantIndex, { ...p, buffer: new PoseBuffer(), lastSeq: null });
  }

  private onBatch(bytes: Uint8Array): void {
    let entries;
    try {
      entries = decodePoseBatch(bytes);
    } catch (err) {
      this.lastProblem = `a pose batch could not be read: ${(err as Error).message}`;
      return;
    }
    const at = this.now();
    for (const { participantIndex, pose } of entries) {
      const p = this.participants.get(participantIndex);
      if (!p) continue; // our own pose, or someone whose join we have not seen
      if (p.lastSeq !== null && !seqNewer(pose.seq, p.lastSeq)) continue;
      p.lastSeq = pose.seq;
      p.buffer.push(at, transformFromPose(pose));
    }
  }

  /** Sends our pose when it changed (at most 20 a second) or once a second while still. */
  sendPose(t: Transform): void {
    if (this.ws.readyState !== WebSocket.OPEN || this.state.phase !== 'open') return;
    const now = this.now();
    const changed = this.lastSent === null || !sameTransform(t, this.lastSent);
    if (now - this.lastSentAt < 1000 / VR_LIMITS.batchHz) return;
    if (!changed && now - this.lastSentAt < IDLE_RESEND_MS) return;
    this.seq = (this.seq + 1) & 0xffff;
    this.ws.send(encodePose(poseFromTransform(t, this.seq)));
    this.lastSent = { position: { ...t.position }, quaternion: { ...t.quaternion } };
    this.lastSentAt = now;
  }

  /** Sends a chat line; answers why not in words, or null when sent. */
  sendChat(text: string): string | null {
    const t = text.trim();
    if (!t) return 'Type a message first.';
    if (t.length > CHAT_MAX_CHARS) return `Messages can be at most ${CHAT_MAX_CHARS} characters.`;
    if (/[<>]/.test(t)) return 'Messages cannot contain < or >.';
    if (this.ws.readyState !== WebSocket.OPEN) return 'You are not connected to the room.';
    this.ws.send(JSON.stringify({ type: 'chat', text: t }));
    return null;
  }

  mute(participantIndex: number, muted: boolean): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'mute', participantIndex, muted }));
  }

  remove(participantIndex: number): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'remove', participantIndex }));
  }

  /** Says goodbye (the server closes with Normal) and closes our side too. */
  leave(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'leave' }));
    else if (this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
  }
}
