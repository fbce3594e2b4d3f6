// Upload bodies go from the socket to the store as Node streams. @tus/server takes a web Request, and
// mounted on Fastify its body was `Readable.toWeb(raw)`, which tus turns back with `Readable.fromWeb`:
// that round trip cost about 2 ms of the event loop per MB here (0.4-0.7 s of a 200 MB ladder, measured
// in `npm run bench -- upload`). So the Request carries a stand-in body that is never read, and the PATCH
// and POST handlers' `writeToStore` is replaced by the same steps as @tus/server 2.x's own (BaseHandler:
// source errors and aborts end the write as ABORTED, StreamLimiter for the size) reading the request's own
// Node stream. The limiter is also what the request is piped into (tus pipes into a PassThrough first): a
// piped request is never destroyed by its destination's error, and one hop per chunk fewer.
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ERRORS, StreamLimiter, type CancellationContext, type DataStore, type Server as TusServer, type Upload } from '@tus/server';

type WriteToStore = (body: ReadableStream | null, upload: Upload, maxFileSize: number, context: CancellationContext) => Promise<number>;

export class RawBodyWrites {
  private readonly raw = new WeakMap<ReadableStream, Readable>();

  constructor(private readonly store: DataStore) {}

  /** A web body standing for `raw`; only the replaced writeToStore reads it (as `raw`). */
  bodyFor(raw: Readable): ReadableStream {
    const stand = new ReadableStream();
    this.raw.set(stand, raw);
    return stand;
  }

  /** Replaces writeToStore of the handlers that read bodies. */
  install(tus: TusServer): void {
    for (const handler of [tus.handlers.PATCH, tus.handlers.POST]) {
      const h = handler as unknown as { writeToStore: WriteToStore };
      const original = h.writeToStore.bind(handler);
      h.writeToStore = (body, upload, maxFileSize, context) => {
        const raw = body ? this.raw.get(body) : undefined;
        return raw ? this.write(raw, upload, maxFileSize, context) : original(body, upload, maxFileSize, context);
      };
    }
  }

  private async write(source: Readable, upload: Upload, maxFileSize: number, context: CancellationContext): Promise<number> {
    if (context.signal.aborted) throw ERRORS.ABORTED;
    const proxy = new StreamLimiter(maxFileSize);
    let sourceError: unknown = null;
    const onSourceError = (error: unknown) => {
      sourceError ??= error;
      source.unpipe(proxy);
      // What arrived before the failure still goes to the store (the upload resumes after it): the write is
      // ended, not destroyed, so bytes buffered on their way are not dropped; the request then fails ABORTED.
      if (!proxy.destroyed && !proxy.writableEnded) proxy.end();
    };
    // Left attached afterwards too: a request that errors once the write is over must not throw unhandled.
    source.on('error', onSourceError);
    // A client that goes away mid-body: the bytes that arrived are kept (the upload resumes from there).
    const onAborted = () => onSourceError(ERRORS.ABORTED);
    source.once('aborted', onAborted);
    const onAbort = () => {
      source.unpipe(proxy);
      if (!proxy.destroyed && !proxy.writableEnded) proxy.end();
    };
    context.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const offset = await pipeline(source.pipe(proxy), (limited) => this.store.write(limited as Readable, upload.id, upload.offset ?? 0));
      if (sourceError !== null) throw ERRORS.ABORTED;
      return offset;
    } catch (error) {
      if (error === ERRORS.ABORTED) throw error;
      source.unpipe(proxy);
      const aborted = (sourceError !== null && error === sourceError) || (error instanceof Error && error.name === 'AbortError');
      throw aborted ? ERRORS.ABORTED : error;
    } finally {
      source.off('aborted', onAborted);
      context.signal.removeEventListener('abort', onAbort);
    }
  }
}
