// How one loaded document talks to the same document on other server instances. Single-instance mode has
// no relay; multi-instance mode (REDIS_URL) uses RedisDocRelay. The protocol code (sync-endpoint.ts)
// never sees this: SharedDoc publishes what it stored and applies what the relay delivers.

/** What a relay delivers into a loaded document. Implemented by SharedDoc. */
export interface RelaySink {
  /** Highest per-document seq applied without a gap. */
  readonly watermark: number;
  /** An update another instance committed with this per-document seq (any order, maybe twice). */
  remoteUpdate(seq: number, update: Uint8Array): void;
  /** Reads everything after the watermark from the database (missed entries, Redis outages). */
  catchUp(): Promise<void>;
  /** An awareness update from clients connected to another instance. */
  remoteAwareness(instanceId: string, update: Uint8Array): void;
  /** Another instance opened the document and asks for the presence of our clients. */
  awarenessQueried(): void;
  /** Instances whose clients this document shows presence for. */
  remoteInstances(): string[];
  /** That instance stopped its heartbeat: clear its clients' presence. */
  instanceGone(instanceId: string): void;
}

/** One document's link to the other instances, opened before the document is loaded. */
export interface DocChannel {
  /** Starts delivering: entries that arrived since open() (buffered), then live ones. */
  attach(sink: RelaySink): void;
  /** Tells the others about updates stored with per-document seqs lastSeq-updates.length+1 .. lastSeq. */
  published(lastSeq: number, updates: Uint8Array[]): void;
  /** Tells the others about an awareness change of our own clients. */
  awareness(update: Uint8Array): void;
  close(): void;
}

export interface DocRelay {
  /** Subscribes to the document first (so nothing committed after this is missed), then loading may start. */
  open(name: string): Promise<DocChannel>;
  close(): Promise<void>;
}
