// The VR relay's JSON text frames (each a small object with a `type`). Clients send chat, host controls and
// leave; the server sends the roster (welcome), join/leave, chat and mute changes. Poses are binary
// (pose-codec.ts). The relay parses every client frame with clientRoomMessageSchema; anything else is a
// malformed frame.
import { z } from 'zod';
import { plainText } from '../schemas/common';

export const participantIndexSchema = z.int().min(0).max(0xffff);
export const VR_ROLES = ['host', 'guest'] as const;
export type VrRole = (typeof VR_ROLES)[number];

export const participantSchema = z.object({
  participantIndex: participantIndexSchema,
  displayName: z.string().max(100),
  role: z.enum(VR_ROLES),
  muted: z.boolean(),
});
export type Participant = z.infer<typeof participantSchema>;

export const CHAT_MAX_CHARS = 500;

// ---- client -> server ----
export const clientChatSchema = z.strictObject({ type: z.literal('chat'), text: plainText(CHAT_MAX_CHARS, 1) });
/** Host only: mute (no chat) or unmute a guest. */
export const clientMuteSchema = z.strictObject({ type: z.literal('mute'), participantIndex: participantIndexSchema, muted: z.boolean() });
/** Host only: remove a guest (their socket closes with RemovedByHost; the ticket stays used). */
export const clientRemoveSchema = z.strictObject({ type: z.literal('remove'), participantIndex: participantIndexSchema });
/** Polite goodbye; the server closes with Normal. */
export const clientLeaveSchema = z.strictObject({ type: z.literal('leave') });

export const clientRoomMessageSchema = z.discriminatedUnion('type', [clientChatSchema, clientMuteSchema, clientRemoveSchema, clientLeaveSchema]);
export type ClientRoomMessage = z.infer<typeof clientRoomMessageSchema>;

// ---- server -> client ----
export const welcomeMessageSchema = z.object({
  type: z.literal('welcome'),
  experienceId: z.string(),
  you: participantSchema,
  participants: z.array(participantSchema),
  /** Relay limits, so the client paces itself. */
  batchHz: z.int(),
  maxMessageBytes: z.int(),
});
export const joinMessageSchema = z.object({ type: z.literal('join'), participant: participantSchema });
export const leaveMessageSchema = z.object({
  type: z.literal('leave'),
  participantIndex: participantIndexSchema,
  /** The close code's name (VrCloseEvents), e.g. "Normal", "RemovedByHost", "SlowConsumer". */
  reason: z.string(),
});
export const chatMessageSchema = z.object({
  type: z.literal('chat'),
  participantIndex: participantIndexSchema,
  displayName: z.string(),
  text: z.string(),
  at: z.iso.datetime({ offset: true }),
});
export const muteMessageSchema = z.object({ type: z.literal('mute'), participantIndex: participantIndexSchema, muted: z.boolean() });
/** A refusal that does not close the socket (a muted guest chatting, a guest trying host controls). */
export const noticeMessageSchema = z.object({ type: z.literal('notice'), code: z.enum(['MUTED', 'NOT_HOST', 'NO_SUCH_PARTICIPANT']), message: z.string() });

export const serverRoomMessageSchema = z.discriminatedUnion('type', [
  welcomeMessageSchema,
  joinMessageSchema,
  leaveMessageSchema,
  chatMessageSchema,
  muteMessageSchema,
  noticeMessageSchema,
]);
export type ServerRoomMessage = z.infer<typeof serverRoomMessageSchema>;

/** Parses a client text frame; returns the message or the reason it is malformed. */
export function parseClientRoomMessage(text: string): { ok: true; message: ClientRoomMessage } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const r = clientRoomMessageSchema.safeParse(json);
  if (!r.success) return { ok: false, reason: r.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ') };
  return { ok: true, message: r.data };
}
