// Where uploaded media bytes live: a directory (`<dataDir>/media`, the tus FileStore) or an S3-compatible
// bucket (the tus S3Store). Both expose the same few operations, so uploads, checks and serving never ask
// which one is in use. The storage key of a file is its tus upload id, so a finished upload is served in
// place, never copied.
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectsCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { FileStore } from '@tus/file-store';
import { ERRORS } from '@tus/server';
import type { DataStore } from '@tus/utils';
import type { MediaConfig } from '../config.js';
import { ArrivalHashes } from './arrival-hash.js';
import { HashingFileSink } from './hashing-file-sink.js';
import { Sha256Thread } from './sha256-thread.js';
import { PartRecordingS3Store } from './s3-part-store.js';

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export interface MediaStorage {
  readonly kind: 'file' | 's3';
  /** The tus data store that receives uploads. */
  readonly datastore: DataStore;
  /** Streams the whole object, or the inclusive byte range. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** The stored object's sha256 (lowercase hex) and size, read back from storage. */
  digest(key: string): Promise<{ sha256: string; size: number }>;
  /**
   * The sha256 of an upload hashed while its `size` bytes arrived (arrival-hash.ts), or null when it could
   * not be (then `digest` reads it back). Taking it forgets it.
   */
  takeArrivalDigest(key: string, size: number): Promise<string | null>;
  /** Deletes an object (and what the tus store keeps beside it); a missing object is not an error. */
  remove(key: string): Promise<void>;
  close(): void;
}

// Upload ids are ours (upl_...), but a key also arrives from rows and URLs: never let it name a path.
function checkKey(key: string): string {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(key)) throw new Error(`invalid storage key "${key.slice(0, 40)}"`);
  return key;
}

async function hashStream(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** The tus FileStore with every write hashed on the way to disk. */
class HashingFileStore extends FileStore {
  constructor(
    directory: string,
    private readonly hashes: ArrivalHashes,
  ) {
    super({ directory });
  }

  /** FileStore's write (same file, same error) through one hashing sink instead of a Transform chain. */
  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const state = await this.hashes.begin(id, offset);
    const sink = new HashingFileSink(join(this.directory, id), offset, state?.hash ?? null);
    try {
      await pipeline(readable, sink);
    } catch {
      // The running hash is dropped: the next write rebuilds it from what the file holds.
      state?.hash.drop();
      throw ERRORS.FILE_WRITE_ERROR;
    }
    const end = offset + sink.written;
    if (state) this.hashes.keep(id, { hash: state.hash, offset: end }, end);
    return end;
  }

  /** Also reached by tus itself (a DELETE of an upload in flight). */
  override remove(id: string): Promise<void> {
    this.hashes.forget(id);
    return super.remove(id);
  }
}

// FileStore creates its directory with an async callback that throws out of band on failure (seen as an
// unhandled error when a test removes its temp dir right after a fast start and stop). Its method is
// private in the typings, so it is replaced on our subclass: created synchronously, once, at server start.
(HashingFileStore.prototype as unknown as { checkOrCreateDirectory(this: FileStore): void }).checkOrCreateDirectory = function () {
  mkdirSync(this.directory, { recursive: true });
};

export class FileMediaStorage implements MediaStorage {
  readonly kind = 'file' as const;
  readonly datastore: FileStore;
  /** An unfinished upload's prefix is its file: after a restart the running hash is rebuilt from it. */
  /** Arrival hashes run on a thread of their own (sha256-thread.ts), off the event loop. */
  private readonly sha256Thread = new Sha256Thread();
  readonly hashes = new ArrivalHashes(
    async (id, offset) => createReadStream(this.pathOf(id), { start: 0, end: offset - 1, highWaterMark: 1 << 20 }),
    () => this.sha256Thread.create(),
  );
  constructor(readonly directory: string) {
    // FileStore keeps each upload's metadata in `<id>.json` beside it, so an upload resumes after a restart.
    this.datastore = new HashingFileStore(directory, this.hashes);
  }

  takeArrivalDigest(key: string, size: number): Promise<string | null> {
    return this.hashes.take(key, size);
  }

  pathOf(key: string): string {
    return join(this.directory, checkKey(key));
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const stream = createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
    // Surface "file missing" before the caller writes a status line.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return stream;
  }

  async digest(key: string) {
    return hashStream(createReadStream(this.pathOf(key)));
  }

  async remove(key: string): Promise<void> {
    this.hashes.forget(key);
    await this.datastore.remove(checkKey(key)).catch(() => {});
  }

  close(): void {
    void this.sha256Thread.close();
  }
}

export class S3MediaStorage implements MediaStorage {
  readonly kind = 's3' as const;
  readonly datastore: PartRecordingS3Store;
  private readonly client: S3Client;
  private readonly bucket: string;
  /** An unfinished multipart upload cannot be read back, so a lost running hash means a read-back at the end. */
  readonly hashes = new ArrivalHashes(async () => null);

  constructor(s3: NonNullable<MediaConfig['s3']>) {
    const clientConfig = {
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      // Checksums only where S3 requires them: the SDK's default streams bodies with aws-chunked CRC
      // trailers, which S3-compatible servers (s3rver, older MinIO/Ceph) store verbatim.
      requestChecksumCalculation: 'WHEN_REQUIRED' as const,
      responseChecksumValidation: 'WHEN_REQUIRED' as const,
      credentials: s3.accessKeyId && s3.secretAccessKey ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } : undefined,
    };
    this.bucket = s3.bucket;
    this.client = new S3Client(clientConfig);
    this.datastore = new PartRecordingS3Store({ partSize: 8 * 1024 * 1024, s3ClientConfig: { ...clientConfig, bucket: s3.bucket } }, this.client, s3.bucket, this.hashes);
  }

  takeArrivalDigest(key: string, size: number): Promise<string | null> {
    return this.hashes.take(key, size);
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const res = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: checkKey(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
    );
    if (!res.Body) throw new Error(`S3 object ${key} has no body`);
    return res.Body instanceof Readable ? res.Body : Readable.fromWeb(res.Body.transformToWebStream() as never);
  }

  async digest(key: string) {
    return hashStream(await this.read(key));
  }

  async remove(key: string): Promise<void> {
    checkKey(key);
    this.hashes.forget(key);
    // S3Store.remove aborts an unfinished multipart upload; for a finished one it finds no upload to abort
    // and gives up before deleting, so the objects are deleted here either way.
    await this.datastore.remove(key).catch(() => {});
    await this.datastore.removeMarkers(key);
    await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: [{ Key: key }, { Key: `${key}.info` }, { Key: `${key}.part` }] } }));
  }

  close(): void {
    this.client.destroy();
  }
}

export function openMediaStorage(dataDir: string, config: Pick<MediaConfig, 's3'>): MediaStorage {
  return config.s3 ? new S3MediaStorage(config.s3) : new FileMediaStorage(join(dataDir, 'media'));
}
