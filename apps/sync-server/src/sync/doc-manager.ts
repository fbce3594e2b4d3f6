// Keeps the loaded documents: loads on first use, unloads after they have been idle (no connections)
// for idleMs, compacting on the way out so the next load is one snapshot read. Also the entry point
// for server-side edits, which go through the same store-then-apply pipeline as client updates.
import * as Y from 'yjs';
import type { Logger } from 'pino';
import type { DocStore } from './doc-store.js';
import type { DocChannel, DocRelay } from './doc-relay.js';
import { SharedDoc, type SharedDocHooks, type SyncPeer } from './shared-doc.js';

export interface DocManagerOptions {
  idleMs: number;
  compactEvery: number;
  onPersisted: SharedDocHooks['onPersisted'];
  /** Other instances (multi-instance mode); absent when this process is the only one. */
  relay?: DocRelay | null;
}

export class DocManager {
  private readonly docs = new Map<string, SharedDoc>();
  private readonly loading = new Map<string, Promise<SharedDoc>>();
  private readonly unloading = new Map<string, Promise<void>>();
  private readonly channels = new WeakMap<SharedDoc, DocChannel>();

  constructor(
    private readonly store: DocStore,
    private readonly log: Logger,
    private readonly options: DocManagerOptions,
  ) {}

  get loadedCount(): number {
    return this.docs.size;
  }

  isLoaded(name: string): boolean {
    return this.docs.has(name);
  }

  /**
   * The loaded document and its gap-free watermark (it holds every stored update up to that seq), or
   * null when it is not loaded here. For readers that must not change it (the post scheduler's index).
   */
  peek(name: string): { doc: Y.Doc; docSeq: number } | null {
    const shared = this.docs.get(name);
    return shared ? { doc: shared.doc, docSeq: shared.watermark } : null;
  }

  async open(name: string, peer: SyncPeer): Promise<SharedDoc> {
    const doc = await this.get(name);
    if (doc.idleTimer) clearTimeout(doc.idleTimer);
    doc.idleTimer = null;
    doc.addPeer(peer);
    return doc;
  }

  leave(doc: SharedDoc, peer: SyncPeer): void {
    doc.removePeer(peer);
    if (doc.conns.size === 0) this.scheduleUnload(doc);
  }

  /** Applies fn to the document as a server edit, durably (e.g. a tier created through the REST API). */
  async edit(name: string, fn: (doc: Y.Doc) => void): Promise<void> {
    const shared = await this.get(name);
    const draft = new Y.Doc();
    Y.applyUpdate(draft, Y.encodeStateAsUpdate(shared.doc));
    const before = Y.encodeStateVector(draft);
    fn(draft);
    const update = Y.encodeStateAsUpdate(draft, before);
    draft.destroy();
    await shared.submit(update, null);
    if (shared.conns.size === 0) this.scheduleUnload(shared);
  }

  /** Writes everything pending and unloads every document (shutdown). */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.loading.values()]);
    await Promise.all([...this.docs.values()].map((d) => this.unload(d, true)));
    await Promise.allSettled([...this.unloading.values()]);
  }

  private async get(name: string): Promise<SharedDoc> {
    const loaded = this.docs.get(name);
    if (loaded) return loaded;
    let p = this.loading.get(name);
    if (!p) {
      p = (async () => {
        await this.unloading.get(name);
        // Subscribe first, then load: whatever another instance commits meanwhile is buffered, not missed.
        const channel = this.options.relay ? await this.options.relay.open(name) : null;
        let doc: SharedDoc;
        try {
          const stored = await this.store.load(name);
          doc = new SharedDoc(name, stored, {
            store: this.store,
            log: this.log,
            compactEvery: this.options.compactEvery,
            onPersisted: this.options.onPersisted,
            channel,
          });
        } catch (err) {
          channel?.close();
          throw err;
        }
        if (channel) {
          this.channels.set(doc, channel);
          channel.attach(doc);
        }
        this.docs.set(name, doc);
        // Unloaded again if nobody attaches (e.g. the connection closed while we were loading).
        this.scheduleUnload(doc);
        return doc;
      })().finally(() => this.loading.delete(name));
      this.loading.set(name, p);
    }
    return p;
  }

  private scheduleUnload(doc: SharedDoc): void {
    if (doc.idleTimer) clearTimeout(doc.idleTimer);
    doc.idleTimer = setTimeout(() => {
      doc.idleTimer = null;
      if (doc.conns.size === 0 && this.docs.get(doc.name) === doc) void this.unload(doc, false);
    }, this.options.idleMs);
    doc.idleTimer.unref();
  }

  private unload(doc: SharedDoc, force: boolean): Promise<void> {
    if (doc.idleTimer) clearTimeout(doc.idleTimer);
    doc.idleTimer = null;
    this.docs.delete(doc.name);
    const done = (async () => {
      // Stop listening first; the compaction below still stores everything this instance accepted.
      this.channels.get(doc)?.close();
      try {
        await doc.drain();
        await doc.compact();
      } catch (err) {
        // The log still holds every update; compaction simply happens on a later unload.
        this.log.warn({ err, doc: doc.name }, 'compaction on unload failed');
      }
      if (!force && doc.conns.size > 0) this.log.warn({ doc: doc.name }, 'unloading a document that gained peers');
      doc.destroy();
    })().finally(() => {
      if (this.unloading.get(doc.name) === done) this.unloading.delete(doc.name);
    });
    this.unloading.set(doc.name, done);
    return done;
  }
}
