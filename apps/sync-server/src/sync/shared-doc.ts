// One loaded Yjs document: the Y.Doc, its awareness, its connections, and the write pipeline.
// Invariant: an update is appended to the database before it is applied to the in-memory doc, and only
// applying broadcasts it. So anything a client has received from the server is already durable.
// Updates arriving while a write is in flight are batched into the next single-statement write, then
// applied as one update and sent to each peer as one message.
// With several instances (a DocChannel), stored updates are also published, and updates other instances
// stored arrive through remoteUpdate(); a per-document seq tells which ones are still missing.
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import type { Logger } from 'pino';
import type { DocStore, StoredDoc } from './doc-store.js';
import type { DocChannel, RelaySink } from './doc-relay.js';
import { MSG_AWARENESS, MSG_SYNC } from './protocol.js';
import * as syncProtocol from 'y-protocols/sync';

export interface SyncPeer {
  send(message: Uint8Array): void;
}

interface PendingUpdate {
  update: Uint8Array;
  origin: SyncPeer | null;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface SharedDocHooks {
  store: DocStore;
  log: Logger;
  compactEvery: number;
  onPersisted: (count: number, seconds: number) => void;
  /** Multi-instance mode only. */
  channel?: DocChannel | null;
}

const MAX_BATCH_UPDATES = 256;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
/** A missing seq is usually a stream entry still on its way; after this long it is read from the database. */
const GAP_WAIT_MS = 25;

/** Origin of changes that came from another instance (never republished, never a local peer). */
class RemoteOrigin {
  constructor(readonly instanceId: string) {}
}
const CATCH_UP = new RemoteOrigin('');
/** Origin of a stored batch applied as one update; flushLoop sends it to the peers itself. */
const BATCH = Symbol('stored batch');

export class SharedDoc implements RelaySink {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Connection -> awareness client ids it controls (removed when it leaves). */
  readonly conns = new Map<SyncPeer, Set<number>>();
  private queue: PendingUpdate[] = [];
  private flushing: Promise<void> | null = null;
  /** Highest per-document seq such that every seq up to it is applied here. */
  private applied: number;
  /** Seqs above `applied` already applied (our own commits that overtook someone else's). */
  private readonly appliedAhead = new Set<number>();
  /** Updates from other instances above applied+1, waiting for the gap before them. */
  private readonly buffered = new Map<number, Uint8Array>();
  private gapTimer: NodeJS.Timeout | null = null;
  private catchingUp: Promise<void> | null = null;
  /** Instance id -> awareness client ids of its clients. */
  private readonly remoteClients = new Map<string, Set<number>>();
  private readonly remoteOrigins = new Map<string, RemoteOrigin>();
  /** Rows in the update log that are not in the snapshot yet. */
  private logRows: number;
  /** Stored size: snapshot + update log + updates accepted but not written yet (the quota counts this). */
  private bytes: number;
  private destroyed = false;
  idleTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly name: string,
    stored: StoredDoc,
    private readonly hooks: SharedDocHooks,
  ) {
    this.awareness.setLocalState(null);
    this.applied = stored.docSeq;
    this.logRows = stored.updates.length;
    this.bytes = (stored.snapshot?.length ?? 0) + stored.updates.reduce((n, u) => n + u.length, 0);
    let skipped = 0;
    Y.transact(this.doc, () => {
      for (const u of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) {
        // A stored update that Yjs cannot apply must not make the document unloadable forever.
        try {
          Y.applyUpdate(this.doc, u, 'load');
        } catch {
          skipped++;
        }
      }
    });
    if (skipped) hooks.log.warn({ doc: name, skipped }, 'skipped stored updates that Yjs could not apply');

    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'load' || origin === BATCH) return;
      const message = encodeSync((e) => syncProtocol.writeUpdate(e, update));
      for (const peer of this.conns.keys()) if (peer !== origin) peer.send(message);
    });
    this.awareness.on('update', ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
      const controlled = origin instanceof RemoteOrigin ? this.remoteClientsOf(origin.instanceId) : this.conns.get(origin as SyncPeer);
      if (controlled) {
        for (const id of added) controlled.add(id);
        for (const id of removed) controlled.delete(id);
      }
      const changed = added.concat(updated, removed);
      const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
      const message = encodeAwareness(update);
      for (const peer of this.conns.keys()) peer.send(message);
      if (!(origin instanceof RemoteOrigin)) this.hooks.channel?.awareness(update);
    });
  }

  get pendingWrites(): number {
    return this.queue.length + (this.flushing ? 1 : 0);
  }

  get storedBytes(): number {
    return this.bytes;
  }

  get watermark(): number {
    return this.applied;
  }

  /** Resolves once the update is durably stored and applied (and so broadcast to the other peers). */
  submit(update: Uint8Array, origin: SyncPeer | null): Promise<void> {
    this.bytes += update.length;
    return new Promise((resolve, reject) => {
      this.queue.push({ update, origin, resolve, reject });
      this.kick();
    });
  }

  /** Waits until every submitted update has been written. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
    while (this.catchingUp) await this.catchingUp;
  }

  addPeer(peer: SyncPeer): void {
    this.conns.set(peer, new Set());
  }

  removePeer(peer: SyncPeer): void {
    const controlled = this.conns.get(peer);
    if (!controlled) return;
    this.conns.delete(peer);
    awarenessProtocol.removeAwarenessStates(this.awareness, [...controlled], null);
  }

  /** Folds the update log into the snapshot. Only called when no write is in flight. */
  async compact(): Promise<void> {
    if (this.logRows === 0) return;
    const state = Y.encodeStateAsUpdate(this.doc);
    // Up to the gap-free watermark: the state holds every update up to it (and maybe some beyond).
    await this.hooks.store.compact(this.name, state, this.applied);
    this.logRows = 0;
    this.bytes = state.length + this.queue.reduce((n, q) => n + q.update.length, 0);
  }

  destroy(): void {
    this.destroyed = true;
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.awareness.destroy();
    this.doc.destroy();
  }

  // --- other instances (RelaySink) ---

  remoteUpdate(seq: number, update: Uint8Array): void {
    if (this.destroyed || seq <= this.applied || this.appliedAhead.has(seq) || this.buffered.has(seq)) return;
    this.buffered.set(seq, update);
    this.advance();
  }

  catchUp(): Promise<void> {
    this.catchingUp ??= this.readMissing().finally(() => {
      this.catchingUp = null;
    });
    return this.catchingUp;
  }

  remoteAwareness(instanceId: string, update: Uint8Array): void {
    if (this.destroyed) return;
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, this.remoteOrigin(instanceId));
    } catch (err) {
      this.hooks.log.warn({ err, doc: this.name, instanceId }, 'unreadable awareness update from another instance');
    }
  }

  awarenessQueried(): void {
    const ours = [...this.conns.values()].flatMap((ids) => [...ids]);
    if (ours.length) this.hooks.channel?.awareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ours));
  }

  remoteInstances(): string[] {
    return [...this.remoteClients.keys()];
  }

  instanceGone(instanceId: string): void {
    const ids = this.remoteClients.get(instanceId);
    this.remoteClients.delete(instanceId);
    if (ids?.size && !this.destroyed) awarenessProtocol.removeAwarenessStates(this.awareness, [...ids], this.remoteOrigin(instanceId));
  }

  private remoteOrigin(instanceId: string): RemoteOrigin {
    let o = this.remoteOrigins.get(instanceId);
    if (!o) this.remoteOrigins.set(instanceId, (o = new RemoteOrigin(instanceId)));
    return o;
  }

  private remoteClientsOf(instanceId: string): Set<number> | undefined {
    if (!instanceId) return undefined;
    let ids = this.remoteClients.get(instanceId);
    if (!ids) this.remoteClients.set(instanceId, (ids = new Set()));
    return ids;
  }

  /** Applies buffered entries in seq order as far as there is no gap; a gap left arms a database read. */
  private advance(): void {
    for (;;) {
      const next = this.applied + 1;
      const update = this.buffered.get(next);
      if (update) {
        this.buffered.delete(next);
        this.applyStored(update);
      } else if (!this.appliedAhead.delete(next)) break;
      this.applied = next;
    }
    if ((this.buffered.size || this.appliedAhead.size) && !this.gapTimer && !this.destroyed) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = null;
        if (this.buffered.size || this.appliedAhead.size) void this.catchUp();
      }, GAP_WAIT_MS);
      this.gapTimer.unref();
    }
  }

  private async readMissing(): Promise<void> {
    if (this.destroyed) return;
    let since;
    try {
      since = await this.hooks.store.loadSince(this.name, this.applied);
    } catch (err) {
      // The periodic catch-up tries again; meanwhile local clients keep working.
      this.hooks.log.warn({ err, doc: this.name }, 'could not read missed updates');
      return;
    }
    if (this.destroyed) return;
    if (since.snapshot) this.applyStored(since.snapshot);
    for (const u of since.updates) {
      if (u.seq > this.applied && !this.appliedAhead.has(u.seq)) this.applyStored(u.data);
    }
    if (since.docSeq > this.applied) {
      this.applied = since.docSeq;
      for (const s of this.appliedAhead) if (s <= this.applied) this.appliedAhead.delete(s);
      for (const s of this.buffered.keys()) if (s <= this.applied) this.buffered.delete(s);
    }
    this.advance();
  }

  /** Applies an update that is already stored (by another instance): broadcast to every local peer. */
  private applyStored(update: Uint8Array): void {
    this.bytes += update.length;
    this.logRows++;
    try {
      Y.applyUpdate(this.doc, update, CATCH_UP);
    } catch (err) {
      this.hooks.log.warn({ err, doc: this.name }, 'skipped an update from another instance that Yjs could not apply');
    }
  }

  /**
   * Applies a stored batch as one update and sends each peer one message holding the batch's updates it
   * did not send itself, instead of one apply and one message per update: under a burst this is most of
   * the server's work, and the clients' too. False when they do not merge or apply; the caller then
   * applies them one by one (a no-op for whatever already got in).
   */
  private applyBatch(batch: PendingUpdate[]): boolean {
    let merged: Uint8Array;
    const others = new Map<SyncPeer | null, Uint8Array>();
    try {
      merged = Y.mergeUpdates(batch.map((b) => b.update));
      for (const origin of new Set(batch.map((b) => b.origin))) {
        if (origin && this.conns.has(origin)) {
          const rest = batch.filter((b) => b.origin !== origin).map((b) => b.update);
          others.set(origin, rest.length ? Y.mergeUpdates(rest) : new Uint8Array(0));
        }
      }
    } catch {
      return false; // applied one by one instead, which tells which update is bad
    }
    const before = Y.encodeStateVector(this.doc);
    try {
      Y.applyUpdate(this.doc, merged, BATCH);
    } catch {
      // Whatever got in before the throw was not sent (BATCH): send it, then apply one by one (a no-op
      // for what is already in, a normal broadcast for the rest).
      const gained = encodeSync((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(this.doc, before)));
      for (const peer of this.conns.keys()) peer.send(gained);
      return false;
    }
    const toAll = encodeSync((e) => syncProtocol.writeUpdate(e, merged));
    for (const peer of this.conns.keys()) {
      const own = others.get(peer);
      if (!own) peer.send(toAll);
      else if (own.length) peer.send(encodeSync((e) => syncProtocol.writeUpdate(e, own)));
    }
    for (const b of batch) b.resolve();
    return true;
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      if (this.queue.length) this.kick();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length) {
      let bytes = 0;
      let n = 0;
      while (n < this.queue.length && n < MAX_BATCH_UPDATES && (n === 0 || bytes + this.queue[n]!.update.length <= MAX_BATCH_BYTES)) {
        bytes += this.queue[n]!.update.length;
        n++;
      }
      const batch = this.queue.splice(0, n);
      const started = process.hrtime.bigint();
      let lastSeq: number;
      try {
        lastSeq = await this.hooks.store.append(this.name, batch.map((b) => b.update));
      } catch (err) {
        this.hooks.log.error({ err, doc: this.name }, 'could not store Yjs updates');
        for (const b of batch) {
          this.bytes -= b.update.length;
          b.reject(err);
        }
        continue;
      }
      this.hooks.onPersisted(batch.length, Number(process.hrtime.bigint() - started) / 1e9);
      // Stored: the other instances may have it now (they apply it only once it is durable, like us).
      this.hooks.channel?.published(lastSeq, batch.map((b) => b.update));
      this.logRows += batch.length;
      if (batch.length === 1 || !this.applyBatch(batch)) {
        for (const b of batch) {
          try {
            Y.applyUpdate(this.doc, b.update, b.origin);
            b.resolve();
          } catch (err) {
            b.reject(err);
          }
        }
      }
      for (let s = lastSeq - batch.length + 1; s <= lastSeq; s++) {
        if (s > this.applied) {
          this.buffered.delete(s);
          this.appliedAhead.add(s);
        }
      }
      this.advance();
      if (this.logRows >= this.hooks.compactEvery) {
        await this.compact().catch((err) => {
          // Keep serving; try again after another full log's worth of updates.
          this.hooks.log.error({ err, doc: this.name }, 'compaction failed');
          this.logRows = 0;
        });
      }
    }
  }
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

export function encodeSync(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MSG_SYNC);
  write(e);
  return encoding.toUint8Array(e);
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MSG_AWARENESS);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}
