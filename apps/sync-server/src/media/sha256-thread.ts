// Running sha256 hashes on a worker thread. Every uploaded byte is hashed on arrival (~0.6 ms per MB of
// CPU); on the event loop that was a fifth of the server's work during an upload and delayed every other
// request behind it. Here the event loop only hands over 1 MiB buffers (moved, not copied, when the caller
// owns them) and gets hex digests back. The code is inline so it runs the same under tsx and in a bundle.
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** A sha256 fed in order; `digest` ends it. */
export interface RunningSha256 {
  /** Adds bytes. `owned`: the caller gives `chunk` up (it may be moved to another thread and read as empty). */
  update(chunk: Buffer, owned?: boolean): void;
  /** Resolves once the bytes handed over so far are below the thread's backlog limit. */
  drained(): Promise<void>;
  digest(): Promise<string>;
  /** Forgets the hash without a digest. */
  drop(): void;
}

/** On this thread (S3 uploads, tests). */
export function localSha256(): RunningSha256 {
  const hash: Hash = createHash('sha256');
  return {
    update: (chunk) => void hash.update(chunk),
    drained: () => Promise.resolve(),
    digest: () => Promise.resolve(hash.digest('hex')),
    drop: () => undefined,
  };
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'update') {
    let h = hashes.get(m.id);
    if (!h) hashes.set(m.id, (h = createHash('sha256')));
    h.update(new Uint8Array(m.bytes.buffer ?? m.bytes, m.bytes.byteOffset ?? 0, m.bytes.byteLength));
    parentPort.postMessage({ ack: m.bytes.byteLength });
  } else if (m.op === 'digest') {
    const h = hashes.get(m.id) ?? createHash('sha256');
    hashes.delete(m.id);
    parentPort.postMessage({ reply: m.reply, hex: h.digest('hex') });
  } else if (m.op === 'drop') {
    hashes.delete(m.id);
  }
});
`;

/** Bytes handed to the thread and not yet hashed before writers wait (a thread starved of CPU must not grow memory). */
const BACKLOG_LIMIT = 32 * 1024 * 1024;

export class Sha256Thread {
  private worker: Worker | null = null;
  /** Bumped when a thread is started: hashes begun on an earlier (dead) thread cannot be finished. */
  private generation = 0;
  private nextId = 0;
  private nextReply = 0;
  private backlog = 0;
  private readonly replies = new Map<number, { resolve: (hex: string) => void; reject: (err: Error) => void }>();
  private waiters: Array<() => void> = [];

  /** A running hash whose work happens on the thread (started on first use). */
  create(): RunningSha256 {
    const id = this.nextId++;
    let ended = false;
    let generation: number | null = null;
    /** The thread that holds this hash, or null when that thread died (its bytes are gone). */
    const thread = (): Worker | null => {
      const worker = this.start();
      generation ??= this.generation;
      return generation === this.generation ? worker : null;
    };
    return {
      update: (chunk, owned = false) => {
        if (ended) throw new Error('update after digest');
        const worker = thread();
        if (!worker) return;
        this.backlog += chunk.byteLength;
        // Moved when the buffer is the caller's alone and spans its whole memory; copied otherwise.
        const movable = owned && chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
        if (movable) worker.postMessage({ op: 'update', id, bytes: chunk.buffer }, [chunk.buffer as ArrayBuffer]);
        else worker.postMessage({ op: 'update', id, bytes: chunk });
      },
      drained: () => (this.backlog < BACKLOG_LIMIT ? Promise.resolve() : new Promise<void>((resolve) => this.waiters.push(resolve))),
      digest: () => {
        ended = true;
        const worker = thread();
        if (!worker) return Promise.reject(new Error('the sha256 thread holding this hash stopped'));
        const reply = this.nextReply++;
        return new Promise<string>((resolve, reject) => {
          this.replies.set(reply, { resolve, reject });
          worker.postMessage({ op: 'digest', id, reply });
        });
      },
      drop: () => {
        ended = true;
        if (generation === this.generation) this.worker?.postMessage({ op: 'drop', id });
      },
    };
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    this.generation++;
    // Idle, the thread does not keep the process alive; pending digests keep their promise only.
    worker.unref();
    worker.on('message', (m: { ack?: number; reply?: number; hex?: string }) => {
      if (m.ack !== undefined) {
        this.backlog -= m.ack;
        if (this.backlog < BACKLOG_LIMIT) for (const w of this.waiters.splice(0)) w();
        return;
      }
      const r = this.replies.get(m.reply!);
      this.replies.delete(m.reply!);
      r?.resolve(m.hex!);
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      // Hashes held by the dead thread are lost: their digests fail and the caller reads the file back.
      for (const r of this.replies.values()) r.reject(err);
      this.replies.clear();
      this.backlog = 0;
      for (const w of this.waiters.splice(0)) w();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the sha256 thread stopped (exit ${code})`)));
    this.worker = worker;
    return worker;
  }
}
