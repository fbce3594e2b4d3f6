// How many password hashes one client address has running or waiting, for HashLimiter's per-client share.
// In memory for one instance; in Redis with REDIS_URL, so an address holds at most its share across all
// instances together (an attacker behind a balancer cannot take `perClient` slots on every instance).
// The global bound (concurrency + queue) stays per instance on purpose: it protects this machine's CPU and
// memory (scrypt costs ~100 ms and 128 MiB per call), which other instances do not share.
import type { RedisConnections } from '../redis/redis-connections.js';

/** `untracked`: the count could not be reached (Redis down); the hash runs without taking a slot. */
export type SlotOutcome = 'taken' | 'refused' | 'untracked';

export interface HashClientSlots {
  /** Takes one slot for client; `refused` when it already holds `max`. Release only what was `taken`. */
  acquire(client: string, max: number): Promise<SlotOutcome>;
  release(client: string): Promise<void>;
}

export class LocalHashClientSlots implements HashClientSlots {
  private readonly counts = new Map<string, number>();

  async acquire(client: string, max: number): Promise<SlotOutcome> {
    const n = this.counts.get(client) ?? 0;
    if (n >= max) return 'refused';
    this.counts.set(client, n + 1);
    return 'taken';
  }

  async release(client: string): Promise<void> {
    const left = (this.counts.get(client) ?? 1) - 1;
    if (left <= 0) this.counts.delete(client);
    else this.counts.set(client, left);
  }
}

// Atomic take-if-below-max. The key's TTL is refreshed on every take, so slots held by an instance that
// died mid-hash (and never released them) are given back after SLOT_TTL_MS at the latest.
const ACQUIRE = `
local n = redis.call('INCR', KEYS[1])
if n > tonumber(ARGV[1]) then
  n = redis.call('DECR', KEYS[1])
  if n <= 0 then redis.call('DEL', KEYS[1]) end
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;
const RELEASE = `
local n = redis.call('DECR', KEYS[1])
if n <= 0 then redis.call('DEL', KEYS[1]) end
return n`;
const SLOT_TTL_MS = 60_000;

export class RedisHashClientSlots implements HashClientSlots {
  constructor(private readonly redis: RedisConnections) {}

  private key(client: string): string {
    return this.redis.key('hash-slots', client);
  }

  // Fails open: with Redis unreachable a sign-in is not refused for it (the global bound still holds), and
  // does not wait in ioredis' offline queue either.
  async acquire(client: string, max: number): Promise<SlotOutcome> {
    if (this.redis.commands.status !== 'ready') return 'untracked';
    try {
      const got = await this.redis.commands.eval(ACQUIRE, 1, this.key(client), String(max), String(SLOT_TTL_MS));
      return got === 1 ? 'taken' : 'refused';
    } catch {
      return 'untracked';
    }
  }

  async release(client: string): Promise<void> {
    await this.redis.commands.eval(RELEASE, 1, this.key(client));
  }
}
