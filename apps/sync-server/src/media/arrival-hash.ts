// sha256 of an upload computed while its bytes arrive, so finishing a file needs no read-back of what was
// just written. Each write of a tus data store is tapped: the bytes the store wrote are the bytes hashed.
// The running state is kept per upload only while it provably matches the stored prefix: a write that
// fails or stores a different count than the tap saw drops it, and a write that does not continue at the
// state's offset (a restart of the server, a PATCH after a lost state) rebuilds it from the stored prefix
// first. When no state can be had, `take` answers null and the caller hashes the stored bytes instead.
import { Transform, type Readable } from 'node:stream';
import { localSha256, type RunningSha256 } from './sha256-thread.js';

export interface RunningHash {
  hash: RunningSha256;
  /** Bytes hashed so far = the stored length they were hashed from. */
  offset: number;
}

/** The stored bytes [0, offset) of an upload, or null when the store cannot read an unfinished upload. */
export type PrefixReader = (id: string, offset: number) => Promise<Readable | null>;

export class ArrivalHashes {
  private readonly states = new Map<string, RunningHash>();

  constructor(
    private readonly readPrefix: PrefixReader,
    private readonly newHash: () => RunningSha256 = localSha256,
  ) {}

  /**
   * The running hash of upload `id` to continue at `offset` (rebuilt from the stored prefix when it was lost),
   * or null when none can be had. It is taken out until `keep` puts it back after a write that succeeded.
   */
  async begin(id: string, offset: number): Promise<RunningHash | null> {
    const state = this.states.get(id);
    this.states.delete(id);
    if (state && state.offset === offset) return state;
    state?.hash.drop();
    return this.rebuild(id, offset);
  }

  /** Puts a running hash back once the store wrote exactly the bytes it hashed, ending at `offset`. */
  keep(id: string, state: RunningHash, offset: number): void {
    if (state.offset === offset) this.states.set(id, state);
    else state.hash.drop();
  }

  /** Runs a store's write of `readable` at `offset`, hashing the bytes on their way to the store. */
  async write(readable: Readable, id: string, offset: number, write: (source: Readable) => Promise<number>): Promise<number> {
    const state = await this.begin(id, offset);
    if (!state) return write(readable);
    const { hash } = state;
    let seen = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        seen += chunk.length;
        done(null, chunk);
      },
    });
    readable.on('error', (err) => tap.destroy(err));
    let newOffset: number;
    try {
      newOffset = await write(readable.pipe(tap));
    } catch (err) {
      hash.drop();
      throw err;
    }
    // Kept only when the store wrote exactly what was hashed.
    this.keep(id, { hash, offset: offset + seen }, newOffset);
    return newOffset;
  }

  /** The sha256 (hex) of an upload whose hashed length is `size`, or null (then read the stored bytes). */
  async take(id: string, size: number): Promise<string | null> {
    const state = this.states.get(id);
    this.states.delete(id);
    if (!state) return null;
    if (state.offset !== size) {
      state.hash.drop();
      return null;
    }
    return state.hash.digest().catch(() => null);
  }

  forget(id: string): void {
    this.states.get(id)?.hash.drop();
    this.states.delete(id);
  }

  /** Uploads with a running hash (for tests and metrics). */
  get size(): number {
    return this.states.size;
  }

  private async rebuild(id: string, offset: number): Promise<RunningHash | null> {
    const hash = this.newHash();
    if (offset === 0) return { hash, offset };
    const prefix = await this.readPrefix(id, offset).catch(() => null);
    if (!prefix) return null;
    let n = 0;
    try {
      for await (const chunk of prefix as AsyncIterable<Buffer>) {
        hash.update(chunk);
        n += chunk.length;
        await hash.drained();
      }
    } catch {
      n = -1;
    }
    if (n === offset) return { hash, offset };
    hash.drop();
    return null;
  }
}
