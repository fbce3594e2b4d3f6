// Everything besides sync that several instances must share (issue 16.2), on two real server processes
// (src/main.ts) with one fresh PostgreSQL database and one Redis key prefix: a purchase on A is visible on
// B at once; the same Idempotency-Key sent to both pays once; the per-IP sign-in limit and the API key
// limit count requests on both instances together (Redis); failed logins lock an account across
// instances; a scheduled post is published once; renewals, payout schedules and payout driving are done
// once (the test gateway's shared record file counts real charges); webhook deliveries arrive once;
// logging out on A closes the session's sync socket on B. Then /ready is 503 while Redis is down (a
// private redis-server, stopped and restarted).
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { catalogDocName, getPost, initCatalogDoc, newId, putPost, schedulePost } from '@fanz/core';
import { api, connect, eventually, pgSkipReason, rawSocket, synced, type Account } from './helpers.js';
import { createTier, freshPayout, pay, registerDevice, requestPayout } from './money-helpers.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { OwnRedis, TEST_REDIS_URL, cleanRedisPrefix, freshDatabase, randomPrefix, redisServerMissing, redisUnavailable } from './scale-helpers.js';

const skipReason = pgSkipReason ?? (await redisUnavailable());
if (skipReason) console.warn(`[multi-instance-shared] skipped: ${skipReason}`);
const ownRedisSkip = skipReason ?? redisServerMissing();
if (!skipReason && ownRedisSkip) console.warn(`[multi-instance-shared] /ready test skipped: ${ownRedisSkip}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A client address of its own per use (TRUST_PROXY=loopback takes it from X-Forwarded-For). */
const newIp = () => `10.${randomBytes(3).join('.')}`;
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const bearer = (a: Account) => ({ authorization: `Bearer ${a.accessToken}` });

let counter = 0;
async function registerAs(url: string, role: 'creator' | 'fan'): Promise<Account> {
  const n = `${Date.now().toString(36)}${counter++}${randomBytes(2).toString('hex')}`;
  const email = `${role}${n}@example.test`;
  const password = 'correct horse battery';
  const res = await api(url, 'POST', '/api/v1/auth/register', { role, username: `${role}_${n}`, email, password, displayName: `Test ${role}` }, from(newIp()));
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  const d = res.body.data;
  return { id: d.user.id, role, accessToken: d.accessToken, refreshToken: d.refreshToken, email, password };
}

const login = (url: string, who: Account, ip: string, password = who.password) => api(url, 'POST', '/api/v1/auth/login', { email: who.email, password }, from(ip));

async function stopAll(procs: ServerProcess[]): Promise<void> {
  await Promise.all(
    procs.map(async (p) => {
      if (p.proc.exitCode !== null || p.proc.signalCode !== null) return;
      p.proc.kill('SIGTERM');
      const t = setTimeout(() => p.proc.kill('SIGKILL'), 10_000);
      await p.exited;
      clearTimeout(t);
    }),
  );
}

/** Collects a process's log lines (JSON, one per line) from now on. */
function logLines(p: ServerProcess): { msg: string; [k: string]: unknown }[] {
  const lines: { msg: string }[] = [];
  let rest = '';
  p.proc.stdout!.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const l of parts) {
      try {
        lines.push(JSON.parse(l) as { msg: string });
      } catch {
        // not a log line
      }
    }
  });
  return lines;
}

// Sign-ins hash with scrypt; on a loaded machine a handful of them can take tens of seconds.
describe.skipIf(skipReason)('two instances share limits, jobs and revocations (PostgreSQL + Redis)', { timeout: 90_000 }, () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  const prefix = randomPrefix();
  let procs: ServerProcess[] = [];
  let a: ServerProcess;
  let b: ServerProcess;
  let logs: { msg: string; [k: string]: unknown }[][] = [];
  let sql: pg.Client;
  let gatewayFile: string;
  const q = async <T,>(text: string, params: unknown[] = []) => (await sql.query(text, params)).rows as T[];

  beforeAll(async () => {
    fresh = await freshDatabase();
    gatewayFile = join(fresh.dataDir, 'gateway.jsonl');
    const storage = { dataDir: fresh.dataDir, databaseUrl: fresh.databaseUrl, cleanup: async () => {} };
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      TRUST_PROXY: 'loopback', // the test stands in for the proxy; Fastify ignores a bare hop count
      AUTH_RATE_LIMIT_MAX: '5',
      AUTH_RATE_LIMIT_WINDOW_MS: String(15 * 60_000),
      LOGIN_MAX_ATTEMPTS: '3',
      API_KEY_RATE_LIMIT_PER_HOUR: '4',
      RENEWAL_POLL_MS: '100',
      PAYOUT_SCHEDULE_POLL_MS: '100',
      WEBHOOK_ALLOW_PRIVATE: '1',
      WEBHOOK_RETRY_BASE_MS: '200',
      TEST_GATEWAY_STATE_FILE: gatewayFile,
    };
    procs = await Promise.all([0, 1].map(() => startServerProcess(storage, env)));
    [a, b] = procs as [ServerProcess, ServerProcess];
    logs = procs.map(logLines);
    sql = new pg.Client({ connectionString: fresh.databaseUrl });
    await sql.connect();
  }, 120_000);

  afterAll(async () => {
    await sql?.end().catch(() => {});
    await stopAll(procs);
    await fresh?.cleanup();
    await cleanRedisPrefix(prefix);
  }, 60_000);

  it('a purchase on instance A is visible on B at once; one Idempotency-Key sent to both pays once', async () => {
    const [creator, fan] = await Promise.all([registerAs(a.url, 'creator'), registerAs(b.url, 'fan')]);
    const tier = await createTier(a.url, creator);
    const paid = await pay(a.url, fan, { subscriptionId: tier.id });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    const access = await api(b.url, 'GET', `/api/v1/access?creatorId=${creator.id}`, undefined, bearer(fan));
    expect(access.status).toBe(200);
    expect(access.body.data.has_subscription).toBe(true);

    const tip = { tip: { creatorId: creator.id, amount: { amount: 700, currency: 'USD' } } };
    const key = `both-${randomBytes(4).toString('hex')}`;
    const [onA, onB] = await Promise.all([pay(a.url, fan, tip, key), pay(b.url, fan, tip, key)]);
    const answered = [onA, onB].filter((r) => r.status === 201);
    // One answers with the payment; the other either replays it or says the key is still in use (409).
    expect(answered.length, JSON.stringify([onA.body, onB.body])).toBeGreaterThanOrEqual(1);
    for (const r of [onA, onB]) expect([201, 409]).toContain(r.status);
    const ids = new Set(answered.map((r) => r.body.data.payment.id));
    expect(ids.size).toBe(1);
    const rows = await q<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE fan_id = $1 AND kind = 'tip'`, [fan.id]);
    expect(rows[0]!.n).toBe(1);
  });

  it('the 6th sign-in request from one address within 15 minutes is 429, counted across both instances', async () => {
    const user = await registerAs(a.url, 'fan');
    const ip = newIp();
    for (let i = 0; i < 5; i++) {
      const res = await login(i % 2 ? b.url : a.url, user, ip);
      expect(res.status, `login ${i + 1}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    const sixth = await login(b.url, user, ip);
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe('RATE_LIMITED');
    expect(sixth.body.error.message).toMatch(/sign-in routes/);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(60);
    // Another address is not affected.
    expect((await login(a.url, user, newIp())).status).toBe(200);
  });

  it('failed logins lock the account for that address on every instance (LOGIN_MAX_ATTEMPTS=3)', async () => {
    const user = await registerAs(b.url, 'fan');
    const ip = newIp();
    for (const [i, srv] of [a, b, a].entries()) {
      expect((await login(srv.url, user, ip, 'wrong password ' + i)).status).toBe(401);
    }
    const right = await login(b.url, user, ip);
    expect(right.status).toBe(429);
    expect(right.body.error.message).toMatch(/failed logins for this account/);
  });

  it('an API key has one hourly allowance across both instances', async () => {
    const creator = await registerAs(a.url, 'creator');
    const made = await api(a.url, 'POST', '/api/v1/api-keys', { name: 'shared limit', scopes: ['read:finance'] }, bearer(creator));
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const keyAuth = { authorization: `Bearer ${made.body.data.secret}` };
    const remaining: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await api(i % 2 ? b.url : a.url, 'GET', '/api/v1/finance/balance', undefined, keyAuth);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      remaining.push(res.headers.get('ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(['3', '2', '1', '0']);
    const fifth = await api(b.url, 'GET', '/api/v1/finance/balance', undefined, keyAuth);
    expect(fifth.status).toBe(429);
    expect(fifth.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 4 } });
  });

  it('a scheduled post is published exactly once with two instances running the scheduler', async () => {
    const creator = await registerAs(a.url, 'creator');
    const docName = catalogDocName(creator.id);
    const client = connect(a.wsUrl, docName, creator.accessToken);
    await synced(client);
    const now = new Date().toISOString();
    const postId = newId('post');
    initCatalogDoc(client.doc, creator.id);
    putPost(client.doc, { id: postId, creatorId: creator.id, title: 'Two-instance drop', visibility: 'free', status: 'draft', createdAt: now, updatedAt: now });
    schedulePost(client.doc, postId, new Date(Date.now() + 1500).toISOString());
    // Watch the document on B: the publication reaches it through the other instance's relay too.
    const watcher = connect(b.wsUrl, docName, creator.accessToken);
    try {
      await synced(watcher);
      await eventually(async () => getPost(watcher.doc, postId)?.status === 'published', 'the post published on B', 30_000);
      await sleep(2500); // several more ticks on both instances
      const rows = await q<{ n: number }>('SELECT count(*)::int AS n FROM post_publications WHERE post_id = $1', [postId]);
      expect(rows[0]!.n).toBe(1);
      const published = logs.map((l) => l.filter((x) => x.msg === 'scheduled post published' && x.postId === postId).length);
      expect(published.reduce((s, n) => s + n, 0), `published per instance: ${published.join(', ')}`).toBe(1);
    } finally {
      watcher.destroy();
      client.destroy();
    }
  });

  it("renewals, payout schedules and payout driving: both instances' passes process each item once", async () => {
    const creator = await registerAs(a.url, 'creator');
    const tier = await createTier(a.url, creator, 1000);
    const fans = await Promise.all(Array.from({ length: 6 }, (_, i) => registerAs(i % 2 ? b.url : a.url, 'fan')));
    const subs: string[] = [];
    for (const [i, fan] of fans.entries()) {
      const res = await pay(i % 2 ? b.url : a.url, fan, { subscriptionId: tier.id });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    for (const r of await q<{ id: string }>('SELECT id FROM subscriptions WHERE creator_id = $1', [creator.id])) subs.push(r.id);
    expect(subs).toHaveLength(6);

    // Earnings to pay out, and three standing schedules signed by the device.
    const device = await registerDevice(a.url, creator);
    const schedules: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await requestPayout(i % 2 ? b.url : a.url, creator, device, freshPayout({ amount: { amount: 500, currency: 'USD' }, method: 'paxum', schedule: 'weekly' }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      schedules.push(res.body.data.schedule_id);
    }

    // Everything comes due at the same moment; both instances poll every 100 ms.
    await q(`UPDATE subscriptions SET current_period_end = now() - interval '1 second', next_attempt_at = now() - interval '1 second' WHERE creator_id = $1`, [creator.id]);
    await q(`UPDATE payout_schedules SET next_run_at = now() - interval '1 second' WHERE creator_id = $1`, [creator.id]);
    await eventually(async () => (await q<{ n: number }>('SELECT count(*)::int AS n FROM subscriptions WHERE creator_id = $1 AND renewals >= 1', [creator.id]))[0]!.n === 6, 'six renewals', 30_000);
    await eventually(
      async () => (await q<{ n: number }>(`SELECT count(*)::int AS n FROM payouts WHERE creator_id = $1 AND status = 'completed'`, [creator.id]))[0]!.n === 3,
      'three scheduled payouts completed',
      30_000,
    );
    await sleep(1500); // more passes on both instances

    const renewed = await q<{ renewals: number }>('SELECT renewals FROM subscriptions WHERE creator_id = $1', [creator.id]);
    expect(renewed.map((r) => r.renewals)).toEqual([1, 1, 1, 1, 1, 1]);
    // The gateway's own record (both processes append to it): one charge per renewal key, never two.
    const charges = readFileSync(gatewayFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { t: string; key: string })
      .filter((e) => e.t === 'charge' && e.key.startsWith('renew:'));
    expect(charges.map((c) => c.key).sort()).toEqual(subs.map((s) => `renew:${s}:1`).sort());
    const renewalPayments = await q<{ n: number }>('SELECT count(*)::int AS n FROM subscription_renewals WHERE subscription_id = ANY($1)', [subs]);
    expect(renewalPayments[0]!.n).toBe(6);

    const runs = await q<{ schedule_id: string; n: number }>('SELECT schedule_id, count(*)::int AS n FROM payout_schedule_runs WHERE schedule_id = ANY($1) GROUP BY schedule_id', [schedules]);
    expect(runs.map((r) => r.n)).toEqual([1, 1, 1]);
    const settled = await q<{ reference_id: string; n: number }>(
      `SELECT reference_id, count(*)::int AS n FROM ledger_transactions WHERE creator_id = $1 AND kind = 'payout_settle' GROUP BY reference_id`,
      [creator.id],
    );
    expect(settled.map((r) => r.n)).toEqual([1, 1, 1]);
  }, 90_000);

  it('webhook outbox rows are delivered once though both instances dispatch', async () => {
    const received: string[] = [];
    const hook: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(String(req.headers['webhook-id']));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
      const creator = await registerAs(a.url, 'creator');
      const fan = await registerAs(b.url, 'fan');
      const reg = await api(a.url, 'POST', '/api/v1/webhooks', { url, events: ['payment.completed'] }, bearer(creator));
      expect(reg.status, JSON.stringify(reg.body)).toBe(201);
      const tips = 12;
      await Promise.all(
        Array.from({ length: tips }, (_, i) => pay(i % 2 ? b.url : a.url, fan, { tip: { creatorId: creator.id, amount: { amount: 100 + i, currency: 'USD' } } })),
      );
      await eventually(async () => received.length >= tips, `${tips} deliveries`, 30_000);
      await sleep(2500); // both dispatchers poll again
      expect(received).toHaveLength(tips);
      expect(new Set(received).size).toBe(tips);
      const rows = await q<{ status: string; n: number }>(
        `SELECT d.status, count(*)::int AS n FROM webhook_deliveries d JOIN webhook_endpoints ep ON ep.id = d.endpoint_id WHERE ep.owner_id = $1 GROUP BY d.status`,
        [creator.id],
      );
      expect(rows).toEqual([{ status: 'succeeded', n: tips }]);
    } finally {
      await new Promise((r) => hook.close(r));
    }
  }, 60_000);

  it("logging out on A closes the session's sync socket on B, and B refuses the token at once", async () => {
    const creator = await registerAs(a.url, 'creator');
    const sock = await rawSocket(`${b.wsUrl}/${catalogDocName(creator.id)}?token=${encodeURIComponent(creator.accessToken)}`);
    expect(sock.opened).toBe(true);
    // B has seen the session live (its cache would trust it for a few seconds).
    expect((await api(b.url, 'GET', '/api/v1/finance/balance', undefined, bearer(creator))).status).toBe(200);
    const out = await api(a.url, 'POST', '/api/v1/auth/logout', {}, { ...bearer(creator), ...from(newIp()) });
    expect(out.status, JSON.stringify(out.body)).toBe(200);
    const closed = await Promise.race([sock.closed, sleep(5000).then(() => null)]);
    expect(closed, 'the socket on B was not closed within 5 s').not.toBeNull();
    expect(closed!.code).toBe(4401);
    expect((await api(b.url, 'GET', '/api/v1/finance/balance', undefined, bearer(creator))).status).toBe(401);
  });
});

describe.skipIf(ownRedisSkip)('GET /ready follows Redis (multi-instance mode)', () => {
  it('is 200 with Redis up, 503 while it is down, 200 again after it is back', async () => {
    const fresh = await freshDatabase();
    const redis = await OwnRedis.start();
    let srv: ServerProcess | null = null;
    try {
      srv = await startServerProcess({ dataDir: fresh.dataDir, databaseUrl: fresh.databaseUrl, cleanup: async () => {} }, { REDIS_URL: redis.url });
      const ready = () => api(srv!.url, 'GET', '/ready');
      const up = await ready();
      expect(up.status).toBe(200);
      expect(up.body).toMatchObject({ status: 'ready', database: 'up', redis: 'up' });
      await redis.stop();
      await eventually(async () => (await ready()).status === 503, '/ready 503 with Redis down', 10_000);
      const down = await ready();
      expect(down.body).toMatchObject({ status: 'not_ready', database: 'up', redis: 'down' });
      // Liveness is not readiness: /health still answers (the process is fine, the database too).
      expect((await api(srv.url, 'GET', '/health')).status).toBe(200);
      // Sign-in does not fail for the rate limit counters being unreachable: it is let through (401 here).
      const login = await api(srv.url, 'POST', '/api/v1/auth/login', { email: 'nobody@example.test', password: 'wrong password here' });
      expect(login.status, JSON.stringify(login.body)).toBe(401);
      await redis.start();
      await eventually(async () => (await ready()).status === 200, '/ready 200 after Redis is back', 15_000);
    } finally {
      if (srv) await stopAll([srv]);
      await redis.destroy();
      await fresh.cleanup();
    }
  }, 120_000);
});
