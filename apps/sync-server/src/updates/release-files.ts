// Where releases are stored: a folder (`<dataDir>/updates`) or, when the media settings name an
// S3-compatible bucket (MEDIA_S3_ENDPOINT + MEDIA_S3_BUCKET), that bucket under the `updates/` prefix.
// The release CLI writes and the server reads through this one interface, so both always agree. Each
// object is replaced whole (rename on disk, one PUT on S3): a reader sees the old or the new object.
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile, copyFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { MediaConfig } from '../config.js';
import type { Range } from './byte-ranges.js';

export interface StoredObjectInfo {
  size: number;
  /** Strong validator of the bytes (objects are immutable once published). */
  etag: string;
}

export interface ReleaseFiles {
  readonly kind: 'file' | 's3';
  get(key: string): Promise<Buffer | null>;
  put(key: string, bytes: Buffer): Promise<void>;
  /** Copies a local file in (artifacts). */
  putFile(key: string, path: string): Promise<void>;
  remove(key: string): Promise<void>;
  stat(key: string): Promise<StoredObjectInfo | null>;
  read(key: string, range?: Range): Promise<Readable>;
}

// Keys are built by release-layout.ts from checked names; refuse anything that could climb out anyway.
function checkKey(key: string): string {
  if (key.split('/').some((s) => !s || s === '.' || s === '..') || key.includes('\\')) throw new Error(`invalid release key "${key.slice(0, 80)}"`);
  return key;
}

export class FileReleaseFiles implements ReleaseFiles {
  readonly kind = 'file' as const;
  constructor(readonly root: string) {}
  private path(key: string) {
    return join(this.root, checkKey(key));
  }
  async get(key: string) {
    try {
      return await readFile(this.path(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
  async put(key: string, bytes: Buffer) {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(`${p}.${process.pid}.tmp`, bytes);
    await rename(`${p}.${process.pid}.tmp`, p);
  }
  async putFile(key: string, path: string) {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true });
    await copyFile(path, `${p}.${process.pid}.tmp`);
    await rename(`${p}.${process.pid}.tmp`, p);
  }
  async remove(key: string) {
    await rm(this.path(key), { force: true });
  }
  async stat(key: string) {
    try {
      const s = await stat(this.path(key));
      return { size: s.size, etag: `"${s.size.toString(16)}-${Math.trunc(s.mtimeMs).toString(16)}"` };
    } catch {
      return null;
    }
  }
  async read(key: string, range?: Range) {
    return createReadStream(this.path(key), range ? { start: range.start, end: range.end } : {});
  }
}

export class S3ReleaseFiles implements ReleaseFiles {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  constructor(
    private readonly s3: NonNullable<MediaConfig['s3']>,
    private readonly prefix = 'updates/',
  ) {
    this.client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: s3.accessKeyId && s3.secretAccessKey ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } : undefined,
    });
  }
  private key(key: string) {
    return this.prefix + checkKey(key);
  }
  private static missing(err: unknown) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
  }
  async get(key: string) {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.s3.bucket, Key: this.key(key) }));
      return Buffer.from(await res.Body!.transformToByteArray());
    } catch (err) {
      if (S3ReleaseFiles.missing(err)) return null;
      throw err;
    }
  }
  async put(key: string, bytes: Buffer) {
    await this.client.send(new PutObjectCommand({ Bucket: this.s3.bucket, Key: this.key(key), Body: bytes }));
  }
  async putFile(key: string, path: string) {
    // Release artifacts are a few hundred MB at most; one PUT keeps the object whole or absent.
    await this.put(key, await readFile(path));
  }
  async remove(key: string) {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.s3.bucket, Key: this.key(key) }));
  }
  async stat(key: string) {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.s3.bucket, Key: this.key(key) }));
      return { size: Number(res.ContentLength ?? 0), etag: res.ETag ?? `"${res.ContentLength}"` };
    } catch (err) {
      if (S3ReleaseFiles.missing(err)) return null;
      throw err;
    }
  }
  async read(key: string, range?: Range) {
    const res = await this.client.send(
      new GetObjectCommand({ Bucket: this.s3.bucket, Key: this.key(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
    );
    return res.Body instanceof Readable ? res.Body : Readable.fromWeb(res.Body!.transformToWebStream() as never);
  }
}

/** The S3 bucket when the media settings name one, else `<dataDir>/updates`. */
export function openReleaseFiles(dataDir: string, s3?: MediaConfig['s3']): ReleaseFiles {
  return s3 ? new S3ReleaseFiles(s3) : new FileReleaseFiles(join(dataDir, 'updates'));
}
