// Carries session revocations (logout, refresh-token reuse, sign-out everywhere) to every instance over Redis
// pub/sub, so a revoked session's sync sockets close wherever they are connected, and no instance keeps
// trusting the session from its short "live" cache. Pub/sub drops messages while an instance is cut off
// from Redis; such an instance still refuses the session once its cache entry expires (sessionCheckCacheMs)
// because every check after that reads the database, but a socket it already holds stays open until the
// client reconnects. Own messages are ignored: the revoking instance has acted already.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { RedisConnections } from '../redis/redis-connections.js';

const Message = z.object({ from: z.string().max(200), sessionId: z.string().min(1).max(200) });

export class SessionRevocationRelay {
  private readonly channel: string;
  private readonly listener = (channel: string, raw: string) => {
    if (channel !== this.channel) return;
    const parsed = Message.safeParse(safeJson(raw));
    if (!parsed.success) {
      this.log.warn({ channel }, 'malformed session revocation message ignored');
      return;
    }
    if (parsed.data.from === this.redis.instanceId) return;
    this.onRemoteRevocation(parsed.data.sessionId);
  };

  constructor(
    private readonly redis: RedisConnections,
    private readonly onRemoteRevocation: (sessionId: string) => void,
    private readonly log: Logger,
  ) {
    this.channel = redis.key('session-revoked');
  }

  async start(): Promise<void> {
    this.redis.subscriber.on('message', this.listener);
    await this.redis.subscriber.subscribe(this.channel);
  }

  /** Tells the other instances; a failure is logged (their caches still expire), never thrown. */
  publish(sessionId: string): void {
    this.redis.commands
      .publish(this.channel, JSON.stringify({ from: this.redis.instanceId, sessionId }))
      .catch((err: Error) => this.log.warn({ err: err.message }, 'session revocation not published to other instances'));
  }

  async close(): Promise<void> {
    this.redis.subscriber.off('message', this.listener);
    await this.redis.subscriber.unsubscribe(this.channel).catch(() => {});
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
