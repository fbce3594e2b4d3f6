// The earnings proofs against the real sync server (PGlite): a tip's log entry verifies on this machine,
// and a server that rewrites or shrinks its log after this device saw it is caught.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
