// One way to call the public /api/v1 routes: JSON in, the envelope's data out, failures as ApiError.
// Authenticated calls carry the access token and are retried once after a refresh when they answer 401.
import { ApiError, NetworkError } from './api-error';
import { getSession, refresh } from './session';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  /** Send the access token (default: when signed in). */
  auth?: boolean;
  signal?: AbortSignal;
}

async function send(path: string, o: RequestOptions, token: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(path, { method: o.method ?? 'GET', headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: o.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new NetworkError(err);
  }
}

export async function api<T>(path: string, o: RequestOptions = {}): Promise<T> {
  const useAuth = o.auth ?? getSession() !== null;
  let res = await send(path, o, useAuth ? getSession()?.accessToken : undefined);
  if (res.status === 401 && useAuth && getSession()) {
    const renewed = await refresh();
    if (renewed) res = await send(path, o, renewed.accessToken);
  }
  const json = (await res.json().catch(() => null)) as
    | { success: true; data: T }
    | { success: false; error: { code: string; message: string; details: unknown } }
    | null;
  if (res.ok && json && json.success) return json.data;
  if (json && !json.success) throw new ApiError(res.status, json.error.code, json.error.message, json.error.details);
  throw new ApiError(res.status, 'BAD_RESPONSE', `The server answered ${res.status} without a readable body.`);
}
