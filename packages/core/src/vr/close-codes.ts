// Close codes of the VR relay (ws://HOST/vr/<experienceId>), named like Hocuspocus' CloseEvents. A refused
// admission is decided at the upgrade, before the socket joins the room; the handshake is then completed
// only to deliver one of these codes, because a browser cannot read the HTTP status of a failed upgrade.
// 4xxx codes mirror the HTTP status they resemble so they are easy to remember. The README has the table.
export interface VrCloseEvent {
  readonly code: number;
  readonly reason: string;
}

export const VrCloseEvents = {
  Normal: { code: 1000, reason: 'Goodbye' },
  ServerShutdown: { code: 1001, reason: 'Server shutting down' },
  /** A frame above the 4 KiB limit (the WebSocket standard's code). */
  MessageTooBig: { code: 1009, reason: 'Message too big' },
  MalformedFrame: { code: 4400, reason: 'Malformed frame' },
  /** No ticket, a forged or unreadable ticket, or an access token that is not this room's creator. */
  Unauthorized: { code: 4401, reason: 'Unauthorized' },
  /** The ticket is valid but for another room. */
  WrongRoom: { code: 4403, reason: 'Ticket is for another room' },
  ExperienceNotFound: { code: 4404, reason: 'Experience not found' },
  RemovedByHost: { code: 4406, reason: 'Removed by the host' },
  /** The client stopped reading; its send buffer passed the bound. */
  SlowConsumer: { code: 4408, reason: 'Too slow to keep up' },
  /** Another socket is already in the room with this ticket. */
  TicketInUse: { code: 4409, reason: 'Ticket already in use' },
  TicketExpired: { code: 4410, reason: 'Ticket expired' },
  /** The experience was cancelled or its scheduled window has ended. */
  RoomClosed: { code: 4411, reason: 'Room closed' },
  /** Before the scheduled start (the creator may open 15 minutes early). */
  TooEarly: { code: 4425, reason: 'Room not open yet' },
  /** More than the token bucket allows (30 messages/s, burst 60). */
  RateLimited: { code: 4429, reason: 'Too many messages' },
  RoomFull: { code: 4503, reason: 'Room is full' },
} as const satisfies Record<string, VrCloseEvent>;

export type VrCloseName = keyof typeof VrCloseEvents;

const BY_CODE = new Map<number, VrCloseName>(Object.entries(VrCloseEvents).map(([name, e]) => [e.code, name as VrCloseName]));

/** The name of a close code, for logs and UI ("RoomFull"), or undefined when it is not one of ours. */
export function vrCloseName(code: number): VrCloseName | undefined {
  return BY_CODE.get(code);
}

/** Relay limits that clients and the server share. */
export const VR_LIMITS = {
  /** Largest frame (text or binary) a client may send. */
  maxMessageBytes: 4096,
  /** Token bucket per socket: refill rate and burst. */
  messagesPerSecond: 30,
  messageBurst: 60,
  /** Pose batches per second sent to each client. */
  batchHz: 20,
  /** The creator may open the room this long before the scheduled start. */
  hostEarlyMinutes: 15,
  /** A socket whose unsent bytes exceed this is dropped as a slow consumer. */
  maxBufferedBytes: 256 * 1024,
} as const;
