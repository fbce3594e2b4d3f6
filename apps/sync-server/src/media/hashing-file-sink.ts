// The write end of a file-store upload: bytes go from the request straight into the upload's file, hashed
// on the way. It replaces @tus/file-store's write (a counting Transform piped into an fs.WriteStream with a
// 16 KiB buffer) plus our hashing Transform: three stream hops per 64 KiB socket chunk become one, and the
// chunks go to disk in 1 MiB writes (`npm run bench -- upload` measures the upload path against a plain
// PUT to disk). A chunk is acknowledged before it is written; the upload's offset is the file's length, so a
// crash of the server in between loses nothing the client is not told to send again.
import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { RunningSha256 } from './sha256-thread.js';

/** Socket chunks (64 KiB) are gathered into writes of this size: ~200 writes for a 200 MB file, not ~3,200. */
const WRITE_SIZE = 1024 * 1024;

export class HashingFileSink extends Writable {
  /** Bytes written to the file (and hashed) so far. */
  written = 0;
  private file: FileHandle | null = null;
  /** Chunks accepted but not yet written (less than WRITE_SIZE; written at the latest when the body ends). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly path: string,
    private readonly offset: number,
    private readonly hash: RunningSha256 | null,
  ) {
    super({ highWaterMark: WRITE_SIZE });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    // r+: the upload's file exists (created empty by the store) and is written in place from `offset`.
    open(this.path, 'r+').then(
      (file) => {
        this.file = file;
        callback();
      },
      (err: Error) => callback(err),
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < WRITE_SIZE) return callback();
    this.flush().then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flush().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A body that fails midway (the client went away) still leaves every byte it delivered in the file:
    // the upload resumes from there, as it would have with a write per chunk.
    const flushed = this.file && this.pendingBytes > 0 ? this.flush().catch(() => undefined) : Promise.resolve();
    void flushed.then(() => {
      const file = this.file;
      this.file = null;
      if (!file) return callback(error);
      file.close().then(
        () => callback(error),
        (closeError: Error) => callback(error ?? closeError),
      );
    });
  }

  /** Writes the pending chunks as one buffer, then hashes it: the hash never covers a byte the file lacks. */
  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    // A buffer made here is ours alone, so the hash thread may take it over instead of a copy.
    const owned = this.pending.length > 1;
    const buf = owned ? Buffer.concat(this.pending, this.pendingBytes) : this.pending[0]!;
    this.pending = [];
    this.pendingBytes = 0;
    for (let done = 0; done < buf.length; ) {
      const { bytesWritten } = await this.file!.write(buf, done, buf.length - done, this.offset + this.written);
      if (bytesWritten === 0) throw new Error(`no bytes written to ${this.path}`);
      done += bytesWritten;
      this.written += bytesWritten;
    }
    if (this.hash) {
      this.hash.update(buf, owned);
      await this.hash.drained();
    }
  }
}
