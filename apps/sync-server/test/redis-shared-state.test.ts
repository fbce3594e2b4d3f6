// The Redis-backed pieces that several instances share, each opened twice (two "instances", two sets of
// connections) on the machine's Redis under a random key prefix: the per-address password-hashing share,
// tus upload locks (release requests across instances, timeouts, a dead holder's lock expiring) and session
// revocations (delivered to the other instance, own and malformed messages ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ERRORS } from '@tus/server';
import { HashLimiter } from '../src/auth/hash-limiter.js';
import { RedisHashClientSlots } from '../src/auth/hash-client-slots.js';
import { SessionRevocationRelay } from '../src/auth/session-revocation-relay.js';
import { RedisUploadLocker } from '../src/media/redis-upload-locker.js';
import { openRedis, type RedisConnections } from '../src/redis/redis-connections.js';
import { ApiError } from '../src/errors.js';
import { cleanRedisPrefix, randomPrefix, redisUnavailable, TEST_REDIS_URL } from './scale-helpers.js';

const skipReason = await redisUnavailable();
if (skipReason) console.warn(`[redis-shared-state] skipped: ${skipReason}`);
const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skipReason)('state shared through Redis by two instances', () => {
  const prefix = randomPrefix();
  let a: RedisConnections;
  let b: RedisConnections;

  beforeAll(async () => {
    const open = () => openRedis({ url: TEST_REDIS_URL, keyPrefix: prefix, log });
    [a, b] = await Promise.all([open(), open()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await cleanRedisPrefix(prefix);
  });

  it('an address holds at most its hashing share across both instances; released slots come back', async () => {
    const sa = new RedisHashClientSlots(a);
    const sb = new RedisHashClientSlots(b);
    expect(await sa.acquire('203.0.113.9', 2)).toBe('taken');
    expect(await sb.acquire('203.0.113.9', 2)).toBe('taken');
    expect(await sa.acquire('203.0.113.9', 2)).toBe('refused');
    expect(await sb.acquire('198.51.100.1', 2)).toBe('taken'); // another address has its own share
    const ttl = await a.commands.pttl(a.key('hash-slots', '203.0.113.9'));
    expect(ttl).toBeGreaterThan(0); // a dead instance's slots expire
    await sa.release('203.0.113.9');
    expect(await sb.acquire('203.0.113.9', 2)).toBe('taken');
    await Promise.all([sb.release('203.0.113.9'), sb.release('203.0.113.9'), sb.release('198.51.100.1')]);
    expect(await a.commands.exists(a.key('hash-slots', '203.0.113.9'), a.key('hash-slots', '198.51.100.1'))).toBe(0);
  });

  it("a sign-in hashing on instance A counts against the same address's share on B (429 beyond it)", async () => {
    const onA = new HashLimiter(2, 8, 1, new RedisHashClientSlots(a));
    const onB = new HashLimiter(2, 8, 1, new RedisHashClientSlots(b));
    let finish!: () => void;
    const running = onA.run(() => new Promise<string>((r) => (finish = () => r('hashed'))), '192.0.2.7');
    await sleep(50);
    const refused = await onB.run(async () => 'should not run', '192.0.2.7').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('RATE_LIMITED');
    expect(await onB.run(async () => 'other address', '192.0.2.8')).toBe('other address');
    finish();
    expect(await running).toBe('hashed');
    expect(await onB.run(async () => 'now free', '192.0.2.7')).toBe('now free');
  });

  it('a tus upload lock held on A is released on request from B, then taken by B', async () => {
    const la = new RedisUploadLocker(a, log);
    const lb = new RedisUploadLocker(b, log, { acquireTimeoutMs: 5000 });
    await Promise.all([la.start(), lb.start()]);
    try {
      const held = la.newLock('upl_1');
      let releaseAsked = 0;
      // As tus does: the holder's request is ended, and its handler unlocks.
      await held.lock(new AbortController().signal, async () => {
        releaseAsked++;
        await held.unlock();
      });
      expect(await a.commands.exists(la.key('upl_1'))).toBe(1);
      const wanted = lb.newLock('upl_1');
      await wanted.lock(new AbortController().signal, () => {});
      expect(releaseAsked).toBe(1);
      expect(lb.held.has('upl_1')).toBe(true);
      expect(la.held.has('upl_1')).toBe(false);
      await wanted.unlock();
      expect(await a.commands.exists(la.key('upl_1'))).toBe(0);
    } finally {
      await Promise.all([la.close(), lb.close()]);
    }
  });

  it('a holder that never lets go makes the other wait until ERR_LOCK_TIMEOUT; a dead holder frees the lock by TTL', async () => {
    const la = new RedisUploadLocker(a, log, { ttlMs: 600 });
    const lb = new RedisUploadLocker(b, log, { acquireTimeoutMs: 400 });
    await Promise.all([la.start(), lb.start()]);
    try {
      const stubborn = la.newLock('upl_2');
      await stubborn.lock(new AbortController().signal, () => {});
      await expect(lb.newLock('upl_2').lock(new AbortController().signal, () => {})).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
      // The holder is renewing: the lock outlives its 600 ms TTL while held.
      await sleep(900);
      expect(await a.commands.exists(la.key('upl_2'))).toBe(1);
      await stubborn.unlock();

      // An instance that died holding a lock (a key with another token, never renewed) frees it by TTL.
      await a.commands.set(la.key('upl_3'), 'dead-instance-token', 'PX', 300);
      const patient = new RedisUploadLocker(b, log, { acquireTimeoutMs: 3000 });
      const lock = patient.newLock('upl_3');
      await lock.lock(new AbortController().signal, () => {});
      expect(await a.commands.get(la.key('upl_3'))).not.toBe('dead-instance-token');
      await lock.unlock();
      // Unlocking never deletes a lock that is not its own.
      await a.commands.set(la.key('upl_4'), 'someone-else', 'PX', 5000);
      const late = lb.newLock('upl_4');
      await expect(late.lock(new AbortController().signal, () => {})).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
      await late.unlock();
      expect(await a.commands.get(la.key('upl_4'))).toBe('someone-else');
    } finally {
      await Promise.all([la.close(), lb.close()]);
    }
  });

  it('a session revoked on A reaches B; A ignores its own message, both ignore malformed ones', async () => {
    const seenA: string[] = [];
    const seenB: string[] = [];
    const ra = new SessionRevocationRelay(a, (sid) => seenA.push(sid), log);
    const rb = new SessionRevocationRelay(b, (sid) => seenB.push(sid), log);
    await Promise.all([ra.start(), rb.start()]);
    try {
      const channel = a.key('session-revoked');
      await a.commands.publish(channel, 'not json');
      await a.commands.publish(channel, JSON.stringify({ from: 'x', sessionId: '' }));
      await a.commands.publish(channel, JSON.stringify({ from: 'x', sessionId: 'y'.repeat(5000) }));
      ra.publish('ses_123');
      const deadline = Date.now() + 5000;
      while (seenB.length === 0 && Date.now() < deadline) await sleep(20);
      await sleep(100);
      expect(seenB).toEqual(['ses_123']);
      expect(seenA).toEqual([]);
    } finally {
      await Promise.all([ra.close(), rb.close()]);
    }
  });
});
