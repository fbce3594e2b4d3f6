// sha256 of files on a worker thread, so an upload job hashes its next files on another core while the
// main thread keeps the sockets of the files already hashed busy (hashing a 200 MB ladder is ~0.4-0.5 s of
// CPU here; on the main thread it delayed every upload behind it). The worker reads the file itself:
// only paths and hex digests cross threads. The code is inline so it runs the same under tsx, the
// bundled Electron main and the CLI.
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
parentPort.on('message', ({ id, path }) => {
  const hash = createHash('sha256');
  createReadStream(path, { highWaterMark: 1 << 20 })
    .on('data', (chunk) => hash.update(chunk))
    .on('error', (err) => parentPort.postMessage({ id, error: err.message, code: err.code }))
    .on('end', () => parentPort.postMessage({ id, sha256: hash.digest('hex') }));
});
`;

interface Reply {
  id: number;
  sha256?: string;
  error?: string;
  code?: string;
}

export class FileHasher {
  /** Started on the first hash asked for: a job whose hashes were all recorded at transcode needs none. */
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (hex: string) => void; reject: (err: Error) => void }>();
  private next = 0;

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.sha256) p.resolve(m.sha256);
      else p.reject(Object.assign(new Error(m.error ?? 'hashing failed'), { code: m.code }));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => this.failAll(new Error('the hashing thread stopped')));
    return worker;
  }

  /** The lowercase hex sha256 of the file at `path`. */
  sha256(path: string, signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) return Promise.reject(new Error('cancelled'));
    this.worker ??= this.start();
    const worker = this.worker;
    const id = this.next++;
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, path });
    });
  }

  /** Stops the thread (the job is over); hashes still pending are refused. */
  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
