// Logs are structured JSON with request ids, and never contain passwords or tokens: not from bodies,
// not from Authorization headers, not from `?token=` in REST or sync URLs.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import { buildServer } from '../src/server.js';
import { api, makeStorage, rawSocket, testConfig } from './helpers.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});
const storage = makeStorage('pglite');
afterAll(() => storage.cleanup());

it('logs requests as JSON with request ids and without passwords or tokens', async () => {
  const server = await buildServer(testConfig(storage, { logLevel: 'info' }), { logger: pino({ level: 'info' }, sink) });
  try {
    const url = await server.listen();
    const password = 'Sup3r-secret-passphrase';
    const reg = await api(url, 'POST', '/api/v1/auth/register', {
      role: 'creator',
      username: 'log_checker',
      email: 'log@example.test',
      password,
      displayName: 'Logs',
    });
    expect(reg.status).toBe(201);
    const { accessToken, refreshToken } = reg.body.data;
    await api(url, 'POST', '/api/v1/auth/login', { email: 'log@example.test', password });
    await api(url, 'POST', '/api/v1/auth/refresh', { refreshToken });
    await api(url, 'GET', `/api/v1/devices?token=${accessToken}`, undefined, { authorization: `Bearer ${accessToken}` });
    const s = await rawSocket(`${url.replace('http', 'ws')}/sync/creator:${reg.body.data.user.id}?token=${accessToken}`);
    s.ws.close();
    await s.closed;
    const bad = await rawSocket(`${url.replace('http', 'ws')}/sync/creator:someone-else?token=${accessToken}`);
    await bad.closed;
  } finally {
    await server.close();
  }
  const text = lines.join('\n');
  expect(lines.length).toBeGreaterThan(5);
  for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  expect(text).not.toContain('Sup3r-secret-passphrase');
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/); // no JWT anywhere
  const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.req);
  expect(requests.length).toBeGreaterThan(3);
  for (const r of requests) expect(r.reqId).toMatch(/^req_/);
  expect(text).toContain('token=[redacted]');
});
