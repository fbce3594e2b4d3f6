// Which server instances are alive: each one refreshes `<prefix>instance:<id>` every period with a TTL
// of three periods. A killed instance stops refreshing, its key expires, and the others clear what it
// owned (its clients' presence). Nothing here decides what to clear; callers ask alive().
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export class InstanceHeartbeat {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly key: (...parts: string[]) => string,
    readonly instanceId: string,
    readonly periodMs: number,
    private readonly log: Logger,
  ) {}

  /** The TTL of a heartbeat key: an instance silent for this long counts as dead. */
  get ttlMs(): number {
    return this.periodMs * 3;
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      this.beat().catch((err: Error) => this.log.debug({ err: err.message }, 'heartbeat not written'));
    }, this.periodMs);
    this.timer.unref();
  }

  /** Stops beating and removes the key, so the others clear this instance's state at once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.redis.del(this.key('instance', this.instanceId)).catch(() => {});
  }

  /** The subset of ids whose heartbeat key still exists. Throws while Redis is unreachable. */
  async alive(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.exists(this.key('instance', id));
    const results = (await pipeline.exec()) ?? [];
    const out = new Set<string>();
    results.forEach(([err, n], i) => {
      if (err) throw err;
      if (n === 1) out.add(ids[i]!);
    });
    return out;
  }

  private async beat(): Promise<void> {
    await this.redis.set(this.key('instance', this.instanceId), String(Date.now()), 'PX', this.ttlMs);
  }
}
