// tus upload locks shared by every instance (REDIS_URL). Without it each instance has tus' MemoryLocker, and
// a client's retried PATCH that the balancer sends to another instance could write the same upload while
// the first request is still writing it. Same contract as MemoryLocker: a request that wants a held lock asks
// the holder to let go (the holder's tus request ends and unlocks), then takes it; it gives up after
// acquireTimeoutMs with tus' ERR_LOCK_TIMEOUT.
//
// A lock is `SET key token NX PX ttl`, renewed while held, deleted only by its own token (Lua compare-and-
// delete), so an instance that dies holding a lock frees it when the TTL runs out. "Let go" requests travel
// on a pub/sub channel; the instance holding that upload's lock calls its requestRelease.
import { randomBytes } from 'node:crypto';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/server';
import type { Logger } from 'pino';
import type { RedisConnections } from '../redis/redis-connections.js';

const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export interface RedisUploadLockerOptions {
  /** How long a lock outlives its holder's last renewal (renewed every third of it). */
  ttlMs?: number;
  acquireTimeoutMs?: number;
}

export class RedisUploadLocker implements Locker {
  private readonly channel: string;
  /** Locks this instance holds: upload id -> how to ask its request to finish. */
  readonly held = new Map<string, RequestRelease>();
  readonly ttlMs: number;
  readonly acquireTimeoutMs: number;
  private readonly listener = (channel: string, id: string) => {
    if (channel !== this.channel) return;
    const release = this.held.get(id);
    if (release) void Promise.resolve(release()).catch(() => {});
  };

  constructor(
    readonly redis: RedisConnections,
    readonly log: Logger,
    o: RedisUploadLockerOptions = {},
  ) {
    this.channel = redis.key('tus-lock-release');
    this.ttlMs = o.ttlMs ?? 15_000;
    this.acquireTimeoutMs = o.acquireTimeoutMs ?? 30_000;
  }

  async start(): Promise<void> {
    this.redis.subscriber.on('message', this.listener);
    await this.redis.subscriber.subscribe(this.channel);
  }

  async close(): Promise<void> {
    this.redis.subscriber.off('message', this.listener);
    await this.redis.subscriber.unsubscribe(this.channel).catch(() => {});
  }

  key(id: string): string {
    return this.redis.key('tus-lock', id);
  }

  /** Asks whichever instance holds `id` to finish its request. */
  requestRelease(id: string): Promise<unknown> {
    return this.redis.commands.publish(this.channel, id);
  }

  newLock(id: string): Lock {
    return new RedisUploadLock(id, this);
  }
}

class RedisUploadLock implements Lock {
  private readonly token = randomBytes(12).toString('hex');
  private renewer: NodeJS.Timeout | null = null;
  private release: RequestRelease | null = null;

  constructor(
    private readonly id: string,
    private readonly locker: RedisUploadLocker,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const { redis, ttlMs } = this.locker;
    const key = this.locker.key(this.id);
    const deadline = Date.now() + this.locker.acquireTimeoutMs;
    let askedAt = 0;
    for (let wait = 10; ; wait = Math.min(wait * 2, 250)) {
      if (signal.aborted) throw ERRORS.ERR_LOCK_TIMEOUT;
      if ((await redis.commands.set(key, this.token, 'PX', ttlMs, 'NX')) === 'OK') break;
      // Ask at once, and again every second in case the holder missed it (pub/sub drops while reconnecting).
      if (Date.now() - askedAt >= 1000) {
        askedAt = Date.now();
        await this.locker.requestRelease(this.id);
      }
      if (Date.now() + wait > deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
      await new Promise((r) => setTimeout(r, wait));
    }
    this.release = requestRelease;
    this.locker.held.set(this.id, requestRelease);
    this.renewer = setInterval(() => {
      redis.commands.eval(RENEW, 1, key, this.token, String(ttlMs)).catch((err: Error) => this.locker.log.warn({ upload: this.id, err: err.message }, 'upload lock not renewed'));
    }, Math.max(100, Math.floor(ttlMs / 3)));
    this.renewer.unref();
  }

  async unlock(): Promise<void> {
    if (this.renewer) clearInterval(this.renewer);
    this.renewer = null;
    if (this.release && this.locker.held.get(this.id) === this.release) this.locker.held.delete(this.id);
    this.release = null;
    await this.locker.redis.commands.eval(UNLOCK, 1, this.locker.key(this.id), this.token);
  }
}
