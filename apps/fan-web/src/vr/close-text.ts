// Every relay close code in words for the fan: what happened and what they can do. The table covers
// every entry of @fanz/core's VrCloseEvents (a test checks), so a new code cannot show up as a number.
import { vrCloseName, type VrCloseName } from '@fanz/core/vr';

export interface CloseExplanation {
  /** The code's name in VrCloseEvents, or null for a code the relay does not send. */
  name: VrCloseName | null;
  text: string;
  /** Whether "Join again" can help (a dropped connection), as opposed to a final refusal. */
  canRetry: boolean;
}

export const CLOSE_TEXT: Record<VrCloseName, { text: string; canRetry: boolean }> = {
  Normal: { text: 'You left the room.', canRetry: true },
  ServerShutdown: { text: 'The server is restarting. Wait a moment and join again.', canRetry: true },
  MessageTooBig: { text: 'This browser sent a message larger than the room allows, so the room disconnected it. Join again, and keep chat messages short.', canRetry: true },
  MalformedFrame: { text: 'This browser sent something the room could not read, so the room disconnected it. Reload the page and join again.', canRetry: true },
  Unauthorized: { text: 'The room did not accept your ticket. Sign in again, or get a ticket for this meetup.', canRetry: false },
  WrongRoom: { text: 'Your ticket is for a different meetup.', canRetry: false },
  ExperienceNotFound: { text: 'This meetup does not exist (any more).', canRetry: false },
  RemovedByHost: { text: 'The host removed you from this room.', canRetry: false },
  SlowConsumer: { text: 'Your connection could not keep up with the room, so it was dropped. Join again on a steadier connection.', canRetry: true },
  TicketInUse: { text: 'Your ticket is already in the room in another tab or device. Leave there first.', canRetry: true },
  TicketExpired: { text: 'Your ticket has expired or was refunded.', canRetry: false },
  RoomClosed: { text: 'The room is closed: the meetup was cancelled or has ended.', canRetry: false },
  TooEarly: { text: 'The room is not open yet. Come back at the start time.', canRetry: true },
  RateLimited: { text: 'This browser sent messages faster than the room allows, so the room disconnected it. Wait a moment and join again.', canRetry: true },
  RoomFull: { text: 'The room is full right now. Try again when someone leaves.', canRetry: true },
};

export function explainClose(code: number): CloseExplanation {
  const name = vrCloseName(code) ?? null;
  if (name) return { name, ...CLOSE_TEXT[name] };
  if (code === 1006) return { name: null, text: 'The connection to the room was lost. Check your network and join again.', canRetry: true };
  return { name: null, text: `The connection to the room closed unexpectedly. Join again. (If it keeps happening, tell the creator: code ${code}.)`, canRetry: true };
}
