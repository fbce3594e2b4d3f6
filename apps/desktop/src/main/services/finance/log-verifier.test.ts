// The earnings proofs against the real sync server (PGlite): a tip's log entry verifies on this machine,
// and a server that rewrites or shrinks its log after this device saw it is caught; the log key is pinned
// on first use and a change refused; inclusion proofs come one batch per page.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, toBase64Url } from '@fanz/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../../../../sync-server/src/server.js';
import { openDb, type Db } from '../library/db.js';
import { verifyLog } from './log-verifier.js';

let dir: string;
let server: FanzServer;
let url: string;
let db: Db;
let creator: { id: string; accessToken: string };

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; data: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const json = (await res.json()) as { data: Record<string, unknown> };
  return { status: res.status, data: json.data };
}

async function register(role: 'creator' | 'fan'): Promise<{ id: string; accessToken: string }> {
  const n = Math.random().toString(36).slice(2, 10);
  const r = await post('/api/v1/auth/register', { role, username: `${role}_${n}`, email: `${role}${n}@example.test`, password: 'correct horse battery', displayName: role });
  return { id: (r.data.user as { id: string }).id, accessToken: r.data.accessToken as string };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-logverify-'));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  url = await server.listen();
  db = openDb(join(dir, 'studio'));
  creator = await register('creator');
  const fan = await register('fan');
  const paid = await post(
    '/api/v1/payments',
    { tip: { creatorId: creator.id, amount: { amount: 700, currency: 'USD' } }, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' } },
    { authorization: `Bearer ${fan.accessToken}`, 'idempotency-key': 'tip-1' },
  );
  expect(paid.status).toBe(201);
});

afterAll(async () => {
  db?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('verifyLog', () => {
  it("verifies the signed tree head and proves the creator's entry is in it", async () => {
    const v = await verifyLog(db, url, creator.accessToken);
    expect(v).toMatchObject({ headVerified: true, reason: null, truncated: false });
    expect(v.treeSize).toBeGreaterThanOrEqual(1);
    expect(v.entries.length).toBeGreaterThanOrEqual(1);
    expect(v.entries.every((e) => e.verified)).toBe(true);
  });

  it('catches a log rewritten behind the same size, or shrunk, since this device last looked', async () => {
    const good = await verifyLog(db, url, creator.accessToken);
    db.prepare('UPDATE studio_log_heads SET root_hash = ?').run(Buffer.alloc(32, 7).toString('base64'));
    const rewritten = await verifyLog(db, url, creator.accessToken);
    expect(rewritten.headVerified).toBe(false);
    expect(rewritten.reason).toContain('rewritten');

    db.prepare('UPDATE studio_log_heads SET tree_size = ?').run(good.treeSize + 5);
    const shrunk = await verifyLog(db, url, creator.accessToken);
    expect(shrunk.headVerified).toBe(false);
    expect(shrunk.reason).toContain('shrank');
  });
});

describe('verifyLog: pinned key and batched proofs', () => {
  it("pins the log's public key on first use and refuses a head signed with another key, loudly", async () => {
    const fresh = openDb(join(dir, 'studio-pin'));
    try {
      const first = await verifyLog(fresh, url, creator.accessToken);
      expect(first.headVerified).toBe(true);
      const pinned = fresh.prepare('SELECT public_key FROM studio_log_keys WHERE server_url = ?').pluck().get(url) as string;
      expect(pinned).toBe(server.money.log.publicKeyBase64Url);
      // The device had pinned another key: the server's (real, correctly signed) head must not be accepted.
      const other = toBase64Url(generateKeyPair().publicKey);
      fresh.prepare('UPDATE studio_log_keys SET public_key = ? WHERE server_url = ?').run(other, url);
      const changed = await verifyLog(fresh, url, creator.accessToken);
      expect(changed).toMatchObject({ headVerified: false, entries: [] });
      expect(changed.reason).toContain("the log's public key changed");
      expect(changed.reason).toContain(other);
      expect(changed.reason).toContain(pinned);
      // The pin is kept as it was: a changed key is never silently re-pinned.
      expect(fresh.prepare('SELECT public_key FROM studio_log_keys WHERE server_url = ?').pluck().get(url)).toBe(other);
    } finally {
      fresh.close();
    }
  });

  it('fetches inclusion proofs per page, not per entry', async () => {
    const fan = await register('fan');
    for (let i = 0; i < 12; i++) {
      const paid = await post(
        '/api/v1/payments',
        { tip: { creatorId: creator.id, amount: { amount: 100 + i, currency: 'USD' } }, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' } },
        { authorization: `Bearer ${fan.accessToken}`, 'idempotency-key': `batch-tip-${i}` },
      );
      expect(paid.status).toBe(201);
    }
    // A proxy in front of the server counts the requests of one verification (after a first one pinned the key).
    const paths: string[] = [];
    const t = new URL(url);
    const proxy = createServer((req, res) => {
      paths.push(req.url ?? '');
      req.pipe(request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      }));
    });
    const via = await new Promise<string>((r) => proxy.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)));
    let v: Awaited<ReturnType<typeof verifyLog>>;
    try {
      expect((await verifyLog(db, via, creator.accessToken)).headVerified).toBe(true);
      paths.length = 0;
      v = await verifyLog(db, via, creator.accessToken);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
    expect(v.headVerified).toBe(true);
    expect(v.entries.length).toBeGreaterThanOrEqual(13);
    expect(v.entries.every((e) => e.verified)).toBe(true);
    const proofCalls = paths.filter((p) => p.startsWith('/api/v1/log/proofs/inclusion'));
    expect(proofCalls).toHaveLength(1);
    // Nor is the key fetched again once pinned.
    expect(paths.filter((p) => p.startsWith('/api/v1/log/public-key'))).toHaveLength(0);
  });
});
