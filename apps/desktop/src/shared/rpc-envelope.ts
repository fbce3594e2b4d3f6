// The one envelope of the studio API, for both transports (Electron IPC through the preload, and the
// browser-mode WebSocket): a request `{id, method, params}`, answered by `{id, ok: true, result}` or
// `{id, ok: false, error: {code, message, details}}`; events travel as `{event}`. Both ends validate what
// they receive with these schemas. Pure TypeScript: no Node, no DOM, no Electron.
import { z } from 'zod';
import type { ApiErrorShape, ApiMethod, StudioEvent } from './studio-api.js';

export const rpcRequestSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(100),
  params: z.unknown().optional(),
});
export type RpcRequest = { id: number; method: ApiMethod; params?: unknown };

const errorShapeSchema = z.object({
  code: z.string().min(1).max(100),
  message: z.string().max(2000),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const rpcResponseSchema = z.discriminatedUnion('ok', [
  z.strictObject({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ id: z.number().int(), ok: z.literal(false), error: errorShapeSchema }),
]);
export type RpcResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ApiErrorShape };

export type RpcEventFrame = { event: StudioEvent };

/** The id of a request that may be malformed, so its refusal still reaches the caller waiting for it. */
export function requestId(raw: unknown): number {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : -1;
}

/** Every call gets an answer or a TIMEOUT error within this time. */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/**
 * Calls that legitimately take longer: each bound sits above the deadlines of the work behind it (server
 * round trips of 10-60 s with a token refresh before them, ffmpeg, importing whole folders, verifying a
 * page of the transparency log per request).
 */
export const CALL_TIMEOUTS_MS: Partial<Record<ApiMethod, number>> = {
  importPaths: 10 * 60_000,
  earnings: 3 * 60_000,
  coverFromFrame: 2 * 60_000,
  avatarUpload: 2 * 60_000,
  postPublish: 2 * 60_000,
  payoutRequest: 90_000,
  syncNow: 60_000,
  signIn: 60_000,
  register: 60_000,
  // Two server calls (insights with forecasts up to 18 s, rollups up to 8 s) after a possible token refresh.
  insights: 60_000,
  // Cancelling refunds every paid ticket through the payments path on the server (up to 60 s).
  meetupCancel: 90_000,
};

export function callTimeoutMs(method: ApiMethod): number {
  return CALL_TIMEOUTS_MS[method] ?? DEFAULT_CALL_TIMEOUT_MS;
}
