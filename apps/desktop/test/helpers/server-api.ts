// Plain HTTP calls to a real sync server in studio tests: a JSON POST and a fresh registered account.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';

export interface ApiAnswer {
  status: number;
  body: { data: Record<string, unknown> };
}

/** `base` is read at call time, so a test may pass a getter for a URL its beforeAll sets. */
export function serverApi(base: () => string) {
  async function post(path: string, body: unknown, token?: string, extra: Record<string, string> = {}): Promise<ApiAnswer> {
    const res = await fetch(`${base()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as ApiAnswer['body'] };
  }

  async function registerAs(role: 'creator' | 'fan'): Promise<{ id: string; token: string }> {
    const n = randomBytes(4).toString('hex');
    const r = await post('/api/v1/auth/register', { role, username: `${role}_${n}`, email: `${role}${n}@example.test`, password: 'correct horse battery', displayName: 'T' });
    expect(r.status).toBe(201);
    const d = r.body.data as { user: { id: string }; accessToken: string };
    return { id: d.user.id, token: d.accessToken };
  }

  return { post, registerAs };
}
