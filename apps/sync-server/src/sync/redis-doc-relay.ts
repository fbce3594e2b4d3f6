// Multi-instance sync over Redis (REDIS_URL). Per document:
//   - a Redis Stream `<prefix>sync:updates:<doc>` (XADD after the PostgreSQL commit; streams keep entries,
//     so a reader that lost its connection resumes from its last id instead of dropping messages as
//     pub/sub would). One entry = one stored batch: first per-document seq, the updates, the writer.
//   - a pub/sub channel `<prefix>sync:awareness:<doc>` for presence (losing one is harmless: clients
//     resend their state every 15 s), plus a query sent on open so a fresh instance learns it at once.
// One blocking XREAD per instance reads every loaded document's stream; opening or closing a document
// wakes it (CLIENT UNBLOCK) to change the set. Entries are delivered to SharedDoc, which applies them in
// seq order and reads gaps from PostgreSQL. A periodic probe of head_seq, and a catch-up after every Redis
// reconnect, cover what Redis lost (restart without persistence, trimmed streams).
// Presence of an instance's clients is cleared when its heartbeat key (redis/instance-heartbeat.ts) expires.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisConnections } from '../redis/redis-connections.js';
import type { DocChannel, DocRelay, RelaySink } from './doc-relay.js';
import type { DocStore } from './doc-store.js';

/** Entries kept per document stream (approximate trim); older ones are read from PostgreSQL if needed. */
const STREAM_MAXLEN = 1000;
/** A stream nobody wrote to for this long disappears (the database keeps everything). */
const STREAM_TTL_MS = 24 * 3600 * 1000;
const BLOCK_MS = 5000;
const READ_COUNT = 500;
/** How often the head_seq of loaded documents is compared with what was applied (safety net). */
const CATCH_UP_EVERY_MS = 2000;

const AW_UPDATE = 0;
const AW_QUERY = 1;

interface RelayOptions {
  redis: RedisConnections;
  store: DocStore;
  log: Logger;
  catchUpEveryMs?: number;
}

class RedisChannel implements DocChannel {
  sink: RelaySink | null = null;
  /** Stream id after which to read. */
  lastId: string;
  private early: { seq: number; update: Uint8Array }[] = [];
  subscribed: Promise<void> = Promise.resolve();
  closed = false;

  constructor(
    private readonly relay: RedisDocRelay,
    readonly name: string,
    startId: string,
  ) {
    this.lastId = startId;
  }

  deliver(seq: number, update: Uint8Array): void {
    if (this.sink) this.sink.remoteUpdate(seq, update);
    else this.early.push({ seq, update });
  }

  attach(sink: RelaySink): void {
    this.sink = sink;
    for (const e of this.early.sort((a, b) => a.seq - b.seq)) sink.remoteUpdate(e.seq, e.update);
    this.early = [];
    // Only now can answers be applied: ask the other instances for their clients' presence.
    void this.subscribed.then(() => !this.closed && this.relay.publishAwareness(this.name, AW_QUERY, new Uint8Array(0)));
  }

  published(lastSeq: number, updates: Uint8Array[]): void {
    this.relay.publishUpdates(this.name, lastSeq - updates.length + 1, updates);
  }

  awareness(update: Uint8Array): void {
    this.relay.publishAwareness(this.name, AW_UPDATE, update);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.relay.drop(this);
  }
}

export class RedisDocRelay implements DocRelay {
  private readonly channels = new Map<string, RedisChannel>();
  private readonly reader: Redis;
  private readerId: number | null = null;
  /** Bumped before and after every XREAD: odd while one is in flight. */
  private reading = 0;
  private stopped = false;
  private readonly loop: Promise<void>;
  private readonly timers: NodeJS.Timeout[] = [];
  /** Instance id -> consecutive heartbeat checks that found it missing. */
  private readonly missing = new Map<string, number>();
  private wake: (() => void) | null = null;

  constructor(private readonly o: RelayOptions) {
    const { redis } = o;
    this.reader = redis.dedicated('sync-reader');
    this.reader.on('ready', () => {
      this.reader.client('ID').then(
        (id) => (this.readerId = Number(id)),
        () => {},
      );
    });
    redis.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.onAwareness(channel.toString(), message));
    redis.onReconnect(() => this.catchUpAll('redis reconnected'));
    this.loop = this.readLoop();
    this.timers.push(setInterval(() => void this.probeHeads(), o.catchUpEveryMs ?? CATCH_UP_EVERY_MS));
    this.timers.push(setInterval(() => void this.checkInstances(), redis.heartbeat.periodMs));
    for (const t of this.timers) t.unref();
  }

  async open(name: string): Promise<DocChannel> {
    const { redis } = this.o;
    let startId = '0-0';
    try {
      // Where the stream ends now: every entry after this id is read and buffered while the doc loads.
      const last = await redis.commands.xrevrange(this.streamKey(name), '+', '-', 'COUNT', 1);
      if (last[0]) startId = last[0][0];
    } catch (err) {
      // Redis down: serve anyway from the start of the stream; the catch-up probe fills in from PostgreSQL.
      this.o.log.warn({ doc: name, err: (err as Error).message }, 'stream position unavailable; relying on catch-up');
    }
    const ch = new RedisChannel(this, name, startId);
    this.channels.get(name)?.close();
    this.channels.set(name, ch);
    this.kickReader();
    ch.subscribed = redis.subscriber.subscribe(this.awarenessKey(name)).then(
      () => {},
      (err: Error) => this.o.log.warn({ doc: name, err: err.message }, 'awareness subscribe failed'),
    );
    return ch;
  }

  drop(ch: RedisChannel): void {
    if (this.channels.get(ch.name) !== ch) return;
    this.channels.delete(ch.name);
    this.kickReader();
    this.o.redis.subscriber.unsubscribe(this.awarenessKey(ch.name)).catch(() => {});
  }

  publishUpdates(name: string, firstSeq: number, updates: Uint8Array[]): void {
    const { redis } = this.o;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, updates.length);
    for (const u of updates) encoding.writeVarUint8Array(e, u);
    const key = this.streamKey(name);
    redis.commands
      .pipeline()
      .xadd(key, 'MAXLEN', '~', STREAM_MAXLEN, '*', 's', String(firstSeq), 'o', redis.instanceId, 'u', Buffer.from(encoding.toUint8Array(e)))
      .pexpire(key, STREAM_TTL_MS)
      .exec()
      .catch((err: Error) => {
        // Stored in PostgreSQL already; the others pick it up through their catch-up.
        this.o.log.warn({ doc: name, err: err.message }, 'could not publish stored updates to Redis');
      });
  }

  publishAwareness(name: string, type: number, payload: Uint8Array): void {
    const e = encoding.createEncoder();
    encoding.writeVarString(e, this.o.redis.instanceId);
    encoding.writeVarUint(e, type);
    encoding.writeVarUint8Array(e, payload);
    this.o.redis.commands.publish(this.awarenessKey(name), Buffer.from(encoding.toUint8Array(e))).catch(() => {});
  }

  async close(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const ch of [...this.channels.values()]) ch.close();
    this.wake?.();
    this.kickReader();
    this.reader.disconnect();
    await this.loop;
  }

  private streamKey(name: string): string {
    return this.o.redis.key('sync', 'updates', name);
  }

  private awarenessKey(name: string): string {
    return this.o.redis.key('sync', 'awareness', name);
  }

  private async readLoop(): Promise<void> {
    const prefix = this.streamKey('');
    while (!this.stopped) {
      const chans = [...this.channels.values()];
      if (chans.length === 0) {
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, BLOCK_MS).unref();
        });
        this.wake = null;
        continue;
      }
      let res: [Buffer, [Buffer, Buffer[]][]][] | null;
      this.reading++;
      try {
        res = (await this.reader.xreadBuffer(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...chans.map((c) => this.streamKey(c.name)),
          ...chans.map((c) => c.lastId),
        )) as [Buffer, [Buffer, Buffer[]][]][] | null;
      } catch (err) {
        if (this.stopped) break;
        this.o.log.debug({ err: (err as Error).message }, 'stream read failed; retrying');
        await new Promise((r) => setTimeout(r, 200));
        continue;
      } finally {
        this.reading++;
      }
      for (const [keyBuf, entries] of res ?? []) {
        const ch = this.channels.get(keyBuf.toString().slice(prefix.length));
        if (!ch) continue;
        for (const [idBuf, fields] of entries) {
          ch.lastId = idBuf.toString();
          this.onEntry(ch, fields);
        }
      }
    }
  }

  private onEntry(ch: RedisChannel, fields: Buffer[]): void {
    const f = new Map<string, Buffer>();
    for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!.toString(), fields[i + 1]!);
    if (f.get('o')?.toString() === this.o.redis.instanceId) return;
    try {
      const first = Number(f.get('s')?.toString());
      const d = decoding.createDecoder(new Uint8Array(f.get('u')!));
      const n = decoding.readVarUint(d);
      if (!Number.isSafeInteger(first) || first < 1) throw new Error('bad seq');
      for (let i = 0; i < n; i++) ch.deliver(first + i, decoding.readVarUint8Array(d));
    } catch (err) {
      this.o.log.warn({ doc: ch.name, err: (err as Error).message }, 'unreadable stream entry skipped (catch-up reads it from PostgreSQL)');
    }
  }

  /** Wakes the blocked XREAD so it re-reads the set of documents. */
  private kickReader(): void {
    this.wake?.();
    const startedAt = this.reading;
    if (startedAt % 2 === 0) return; // no read in flight; the next one sees the new set
    void (async () => {
      // UNBLOCK can reach Redis before the XREAD it should interrupt; retry briefly until it lands.
      for (let i = 0; i < 50 && this.reading === startedAt && this.readerId !== null; i++) {
        const n = await this.o.redis.commands.client('UNBLOCK', this.readerId).catch(() => 0);
        if (n === 1) return;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
  }

  private catchUpAll(reason: string): void {
    this.o.log.info({ reason, docs: this.channels.size }, 'catching up loaded documents from the database');
    for (const ch of this.channels.values()) void ch.sink?.catchUp();
  }

  private async probeHeads(): Promise<void> {
    const attached = [...this.channels.values()].filter((c) => c.sink);
    if (attached.length === 0) return;
    try {
      const heads = await this.o.store.heads(attached.map((c) => c.name));
      for (const ch of attached) if ((heads.get(ch.name) ?? 0) > ch.sink!.watermark) void ch.sink!.catchUp();
    } catch (err) {
      this.o.log.debug({ err: (err as Error).message }, 'head probe failed');
    }
  }

  private async checkInstances(): Promise<void> {
    const ids = new Set<string>();
    for (const ch of this.channels.values()) for (const id of ch.sink?.remoteInstances() ?? []) ids.add(id);
    if (ids.size === 0) return;
    let alive: Set<string>;
    try {
      alive = await this.o.redis.heartbeat.alive([...ids]);
    } catch {
      return; // Redis unreachable: no verdict
    }
    for (const id of ids) {
      if (alive.has(id)) {
        this.missing.delete(id);
        continue;
      }
      // Twice in a row, so a Redis that just restarted empty (keys back within one period) clears nobody.
      const n = (this.missing.get(id) ?? 0) + 1;
      this.missing.set(id, n);
      if (n < 2) continue;
      this.missing.delete(id);
      this.o.log.info({ instance: id }, 'instance heartbeat expired; clearing its clients\' presence');
      for (const ch of this.channels.values()) ch.sink?.instanceGone(id);
    }
  }

  private onAwareness(channel: string, message: Buffer): void {
    const prefix = this.awarenessKey('');
    if (!channel.startsWith(prefix)) return;
    const ch = this.channels.get(channel.slice(prefix.length));
    if (!ch?.sink) return;
    try {
      const d = decoding.createDecoder(new Uint8Array(message));
      const from = decoding.readVarString(d);
      if (from === this.o.redis.instanceId) return;
      const type = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (type === AW_QUERY) ch.sink.awarenessQueried();
      else if (type === AW_UPDATE) {
        this.missing.delete(from);
        ch.sink.remoteAwareness(from, payload);
      }
    } catch (err) {
      this.o.log.warn({ doc: ch.name, err: (err as Error).message }, 'unreadable awareness message skipped');
    }
  }
}
