// The one place that opens Redis connections (REDIS_URL, multi-instance mode). Other features reuse it
// instead of opening their own, so every key carries the deployment's prefix and every connection is
// closed on shutdown. It must not hold feature logic: features own their keys and what they mean.
//
// API (openRedis(options) -> RedisConnections):
//   instanceId            this process's id (random, new on every start); heartbeat keys and relay messages
//                         carry it so others can tell whose presence to clear when an instance dies.
//   key(...parts)         `<prefix><parts joined by ':'>`; build every key and pub/sub channel with it.
//                         (ioredis' own keyPrefix is not used: it skips pub/sub channels and some stream
//                         commands, and one explicit rule is easier to audit.)
//   commands              shared connection for ordinary commands (pipelined automatically by ioredis).
//                         Never use it for blocking commands (XREAD BLOCK, BLPOP) or SUBSCRIBE.
//   subscriber            shared connection in pub/sub mode; add your own 'messageBuffer'/'message'
//                         listener and filter by channel.
//   dedicated(name)       a new connection of its own (for a blocking loop); closed by close().
//   heartbeat             InstanceHeartbeat: this instance's TTL key, and which instances are alive.
//   onReconnect(fn)       fn runs every time `commands` is ready again after losing Redis (catch up then).
//   close()               stops the heartbeat, deletes its key, closes every connection.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { InstanceHeartbeat } from './instance-heartbeat.js';

export interface RedisOptions {
  url: string;
  /** Prepended to every key and channel (REDIS_KEY_PREFIX, default `fanz:`). */
  keyPrefix: string;
  log: Logger;
  /** Heartbeat period; an instance is dead after 3 periods without one. */
  heartbeatMs?: number;
}

export interface RedisConnections {
  readonly instanceId: string;
  readonly keyPrefix: string;
  key(...parts: string[]): string;
  readonly commands: Redis;
  readonly subscriber: Redis;
  dedicated(name: string): Redis;
  readonly heartbeat: InstanceHeartbeat;
  onReconnect(fn: () => void): void;
  close(): Promise<void>;
}

/** Opens the connections and waits until Redis answers (start-up fails loudly when it does not). */
export async function openRedis(o: RedisOptions): Promise<RedisConnections> {
  const instanceId = `${hostname().replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32)}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const all = new Set<Redis>();
  const open = (name: string): Redis => {
    const r = new Redis(o.url, {
      connectionName: `fanz:${name}:${instanceId}`,
      // Reconnect forever with a capped delay; a command waits in the offline queue meanwhile.
      retryStrategy: (times) => Math.min(50 * times, 1000),
      lazyConnect: true,
    });
    // Without a listener ioredis logs to stderr on every failed reconnect; one line per state change is enough.
    let down = false;
    r.on('error', (err: Error) => {
      if (!down) o.log.warn({ redis: name, err: err.message }, 'redis connection lost; reconnecting');
      down = true;
    });
    r.on('ready', () => {
      if (down) o.log.info({ redis: name }, 'redis connection restored');
      down = false;
    });
    all.add(r);
    return r;
  };
  const commands = open('commands');
  const subscriber = open('subscriber');
  try {
    await Promise.all([commands.connect(), subscriber.connect()]);
    await commands.ping();
  } catch (err) {
    for (const r of all) r.disconnect();
    throw new Error(`REDIS_URL: cannot reach Redis (${(err as Error).message})`);
  }
  const key = (...parts: string[]) => o.keyPrefix + parts.join(':');
  const heartbeat = new InstanceHeartbeat(commands, key, instanceId, o.heartbeatMs ?? 1000, o.log);
  await heartbeat.start();

  let everReady = true;
  const reconnectHooks: (() => void)[] = [];
  commands.on('close', () => (everReady = false));
  commands.on('ready', () => {
    if (everReady) return;
    everReady = true;
    for (const fn of reconnectHooks) fn();
  });

  return {
    instanceId,
    keyPrefix: o.keyPrefix,
    key,
    commands,
    subscriber,
    dedicated(name) {
      const r = open(name);
      void r.connect().catch(() => {}); // retried by retryStrategy; errors reach the 'error' listener
      return r;
    },
    heartbeat,
    onReconnect(fn) {
      reconnectHooks.push(fn);
    },
    async close() {
      await heartbeat.stop();
      await Promise.all([...all].map((r) => r.quit().catch(() => r.disconnect())));
    },
  };
}
