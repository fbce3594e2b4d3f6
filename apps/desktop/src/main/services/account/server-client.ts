// The few REST calls the studio makes to its sync server (auth, device keys, finance), with the server's
// envelope unwrapped: success -> data, failure -> StudioApiError with the server's code and message.
// An unreachable server is SERVER_UNREACHABLE, one that does not answer in time SERVER_TIMEOUT, so callers
// can tell "offline" and "maybe done" from "refused".
import { z } from 'zod';
import { StudioApiError } from '../../../shared/studio-api.js';

const authResult = z.object({
  user: z.object({ id: z.string(), role: z.string(), username: z.string() }),
  accessToken: z.string(),
  refreshToken: z.string(),
});
export type AuthResult = z.infer<typeof authResult>;

const envelope = z.union([
  z.object({ success: z.literal(true), data: z.unknown() }),
  z.object({
    success: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  }),
]);

export function normalizeServerUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

export function syncUrl(serverUrl: string): string {
  return `${normalizeServerUrl(serverUrl).replace(/^http/, 'ws')}/sync`;
}

export async function callServer(
  serverUrl: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  o: {
    body?: unknown;
    /** A non-JSON body (an avatar image) sent as is. */
    rawBody?: { bytes: Uint8Array; contentType: string };
    accessToken?: string;
    timeoutMs?: number;
    headers?: Record<string, string>;
  } = {},
): Promise<unknown> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const timedOut = (err: unknown) => (err as Error | null)?.name === 'TimeoutError';
  const late = () =>
    new StudioApiError('SERVER_TIMEOUT', `the server at ${serverUrl} did not answer within ${timeoutMs / 1000} s; what was asked may still have happened`);
  let res: Response;
  try {
    res = await fetch(`${normalizeServerUrl(serverUrl)}${path}`, {
      method,
      headers: {
        ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(o.rawBody ? { 'content-type': o.rawBody.contentType } : {}),
        ...(o.accessToken ? { authorization: `Bearer ${o.accessToken}` } : {}),
        ...o.headers,
      },
      ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
      ...(o.rawBody ? { body: o.rawBody.bytes } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    if (timedOut(err)) throw late();
    throw new StudioApiError('SERVER_UNREACHABLE', `cannot reach the server at ${serverUrl}: ${(err as Error).message}`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    // The deadline covers the body too; a connection cut mid-answer is unreachable, as before the headers.
    if (timedOut(err)) throw late();
    throw new StudioApiError('SERVER_UNREACHABLE', `lost the connection to the server at ${serverUrl}: ${(err as Error).message}`);
  }
  let parsed: z.infer<typeof envelope>;
  try {
    parsed = envelope.parse(JSON.parse(text));
  } catch {
    throw new StudioApiError('BAD_SERVER_RESPONSE', `the server answered ${res.status} with something that is not the FANZ API`);
  }
  if (!parsed.success) {
    const details = parsed.error.details && typeof parsed.error.details === 'object' ? (parsed.error.details as Record<string, unknown>) : undefined;
    throw new StudioApiError(parsed.error.code, parsed.error.message, details);
  }
  return parsed.data;
}

export async function login(serverUrl: string, email: string, password: string): Promise<AuthResult> {
  return authResult.parse(await callServer(serverUrl, 'POST', '/api/v1/auth/login', { body: { email, password } }));
}

export async function register(
  serverUrl: string,
  body: { username: string; email: string; password: string; displayName: string },
): Promise<AuthResult> {
  return authResult.parse(await callServer(serverUrl, 'POST', '/api/v1/auth/register', { body: { role: 'creator', ...body } }));
}

export async function refresh(serverUrl: string, refreshToken: string): Promise<AuthResult> {
  return authResult.parse(await callServer(serverUrl, 'POST', '/api/v1/auth/refresh', { body: { refreshToken } }));
}

export async function registerDevice(serverUrl: string, accessToken: string, publicKey: string, name: string): Promise<string> {
  const data = z.object({ keyId: z.string() }).parse(
    await callServer(serverUrl, 'POST', '/api/v1/devices', { body: { publicKey, name }, accessToken }),
  );
  return data.keyId;
}

/** Seconds until a JWT expires (from its payload; the signature is the server's business). */
export function secondsUntilExpiry(jwt: string, now = Date.now()): number {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
    return typeof payload.exp === 'number' ? payload.exp - now / 1000 : 0;
  } catch {
    return 0;
  }
}
