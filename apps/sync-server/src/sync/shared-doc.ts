// One loaded Yjs document: the Y.Doc, its awareness, its connections, and the write pipeline.
// Invariant: an update is appended to the database before it is applied to the in-memory doc, and only
// applying broadcasts it. So anything a client has received from the server is already durable.
// Updates arriving while a write is in flight are batched into the next single-statement write.
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import type { Logger } from 'pino';
import type { DocStore, StoredDoc } from './doc-store.js';
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
}

const MAX_BATCH_UPDATES = 256;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

export class SharedDoc {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Connection -> awareness client ids it controls (removed when it leaves). */
  readonly conns = new Map<SyncPeer, Set<number>>();
  private queue: PendingUpdate[] = [];
  private flushing: Promise<void> | null = null;
  private lastSeq: number;
  /** Rows in the update log that are not in the snapshot yet. */
  private logRows: number;
  /** Stored size: snapshot + update log + updates accepted but not written yet (the quota counts this). */
  private bytes: number;
  idleTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly name: string,
    stored: StoredDoc,
    private readonly hooks: SharedDocHooks,
  ) {
    this.awareness.setLocalState(null);
    this.lastSeq = stored.lastSeq;
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
      if (origin === 'load') return;
      const message = encodeSync((e) => syncProtocol.writeUpdate(e, update));
      for (const peer of this.conns.keys()) if (peer !== origin) peer.send(message);
    });
    this.awareness.on('update', ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
      const controlled = this.conns.get(origin as SyncPeer);
      if (controlled) {
        for (const id of added) controlled.add(id);
        for (const id of removed) controlled.delete(id);
      }
      const changed = added.concat(updated, removed);
      const message = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
      for (const peer of this.conns.keys()) peer.send(message);
    });
  }

  get pendingWrites(): number {
    return this.queue.length + (this.flushing ? 1 : 0);
  }

  get storedBytes(): number {
    return this.bytes;
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
    const upto = this.lastSeq;
    await this.hooks.store.compact(this.name, state, upto);
    this.logRows = 0;
    this.bytes = state.length + this.queue.reduce((n, q) => n + q.update.length, 0);
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
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
      try {
        this.lastSeq = await this.hooks.store.append(this.name, batch.map((b) => b.update));
      } catch (err) {
        this.hooks.log.error({ err, doc: this.name }, 'could not store Yjs updates');
        for (const b of batch) {
          this.bytes -= b.update.length;
          b.reject(err);
        }
        continue;
      }
      this.hooks.onPersisted(batch.length, Number(process.hrtime.bigint() - started) / 1e9);
      this.logRows += batch.length;
      for (const b of batch) {
        try {
          Y.applyUpdate(this.doc, b.update, b.origin);
          b.resolve();
        } catch (err) {
          b.reject(err);
        }
      }
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
