// The signed-in fan: tokens kept in localStorage, the access token refreshed with the refresh token a
// minute before it expires and again when a request answers 401. Only one refresh runs at a time, also
// across tabs (Web Locks): the server revokes the whole session if a spent refresh token is used twice.
import { ApiError, NetworkError } from './api-error';

export interface SessionUser {
  id: string;
  role: 'creator' | 'fan';
  username: string;
}

export interface Session {
  user: SessionUser;
  accessToken: string;
  refreshToken: string;
}

const KEY = 'fanz.session';
const REFRESH_EARLY_MS = 60_000;

type Listener = () => void;
const listeners = new Set<Listener>();
let current: Session | null = read();
let refreshing: Promise<Session | null> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    const s = raw ? (JSON.parse(raw) as Session) : null;
    return s && typeof s.accessToken === 'string' && typeof s.refreshToken === 'string' && s.user ? s : null;
  } catch {
    return null;
  }
}

/** Seconds-since-epoch expiry of a JWT, read without verifying (the server verifies). */
function expiresAt(jwt: string): number | null {
  try {
    const payload = JSON.parse(atob(jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

function schedule(): void {
  clearTimeout(timer);
  if (!current) return;
  const exp = expiresAt(current.accessToken);
  if (exp === null) return;
  timer = setTimeout(() => void refresh().catch(() => {}), Math.max(1_000, exp - Date.now() - REFRESH_EARLY_MS));
}

function set(next: Session | null): void {
  current = next;
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  schedule();
  for (const l of listeners) l();
}

// Another tab signed in, refreshed or signed out.
window.addEventListener('storage', (e) => {
  if (e.key !== KEY) return;
  current = read();
  schedule();
  for (const l of listeners) l();
});
schedule();

export function getSession(): Session | null {
  return current;
}

export function subscribeSession(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function startSession(s: Session): void {
  set(s);
}

async function post(path: string, body: unknown, token?: string): Promise<Response> {
  try {
    return await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new NetworkError(err);
  }
}

async function doRefresh(): Promise<Session | null> {
  // Another tab may have refreshed while we waited for the lock: its tokens are the live ones.
  const stored = read();
  if (stored && current && stored.refreshToken !== current.refreshToken) {
    current = stored;
    schedule();
    return stored;
  }
  if (!current) return null;
  const res = await post('/api/v1/auth/refresh', { refreshToken: current.refreshToken });
  const json = (await res.json().catch(() => null)) as { success?: boolean; data?: Session; error?: { code: string; message: string } } | null;
  if (res.ok && json?.success && json.data) {
    set({ user: json.data.user, accessToken: json.data.accessToken, refreshToken: json.data.refreshToken });
    return current;
  }
  if (res.status === 401 || res.status === 400) {
    set(null); // the session is over (expired, revoked or reused): sign in again
    return null;
  }
  throw new ApiError(res.status, json?.error?.code ?? 'REFRESH_FAILED', json?.error?.message ?? 'Could not refresh the session.');
}

/** Exchanges the refresh token for a new pair; resolves to null when the session has ended. */
export function refresh(): Promise<Session | null> {
  refreshing ??= (async () => {
    try {
      const locks = (navigator as Navigator & { locks?: LockManager }).locks;
      return locks ? await locks.request('fanz-refresh', doRefresh) : await doRefresh();
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export async function logout(): Promise<void> {
  const s = current;
  set(null);
  if (s) await post('/api/v1/auth/logout', { refreshToken: s.refreshToken }, s.accessToken).catch(() => {});
}
