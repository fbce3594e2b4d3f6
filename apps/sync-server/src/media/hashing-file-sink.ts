// The write end of a file-store upload: bytes go from the request straight into the upload's file, hashed
// on the way. It replaces @tus/file-store's write (a counting Transform piped into an fs.WriteStream with a
// 16 KiB buffer) plus our hashing Transform: three stream hops per 64 KiB socket chunk become one, and the
// chunks that arrive while a write is in flight go to disk together in one writev (`npm run bench --
// upload` measures the upload path against a plain PUT to disk).
import type { Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** Buffered ahead of the disk before the request is paused: a few socket reads' worth. */
const HIGH_WATER_MARK = 4 * 1024 * 1024;

export class HashingFileSink extends Writable {
  /** Bytes written to the file (and hashed) so far. */
  written = 0;
  private file: FileHandle | null = null;

  constructor(
    private readonly path: string,
    private readonly offset: number,
    private readonly hash: Hash | null,
  ) {
    super({ highWaterMark: HIGH_WATER_MARK });
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
    this.writeAll([chunk]).then(() => callback(), callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.writeAll(chunks.map((c) => c.chunk)).then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const file = this.file;
    this.file = null;
    if (!file) return callback(error);
    file.close().then(
      () => callback(error),
      (closeError: Error) => callback(error ?? closeError),
    );
  }

  private async writeAll(buffers: Buffer[]): Promise<void> {
    let rest = buffers;
    while (rest.length) {
      const { bytesWritten } = await this.file!.writev(rest, this.offset + this.written);
      // Hashed once on disk, so the hash never covers a byte the file does not hold.
      let left = bytesWritten;
      const next: Buffer[] = [];
      for (const b of rest) {
        if (left >= b.length) {
          this.hash?.update(b);
          left -= b.length;
        } else {
          if (left > 0) this.hash?.update(b.subarray(0, left));
          next.push(b.subarray(left));
          left = 0;
        }
      }
      this.written += bytesWritten;
      if (bytesWritten === 0 && next.length) throw new Error(`no bytes written to ${this.path}`);
      rest = next;
    }
  }
}
