// The tus S3Store, with the parts of each multipart upload recorded in the bucket itself instead of asked
// for with ListParts. s3rver (the S3-compatible server our tests run) has no ListParts, and the record
// works the same on AWS S3, MinIO and others: one empty marker object per uploaded part,
// `<uploadId>.parts/<part number>.<size>.<etag, base64url>`, listed with ListObjectsV2 (strongly
// consistent on S3). Markers survive a restart like the upload does, and are deleted with the upload.
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, type Part, type S3Client } from '@aws-sdk/client-s3';
import { S3Store, type MetadataValue, type Options } from '@tus/s3-store';
import type { ArrivalHashes } from './arrival-hash.js';

const markerPrefix = (id: string) => `${id}.parts/`;

export class PartRecordingS3Store extends S3Store {
  constructor(
    options: Options,
    private readonly s3: S3Client,
    private readonly bucketName: string,
    private readonly hashes: ArrivalHashes,
  ) {
    super(options);
  }

  override write(readable: Readable, id: string, offset: number): Promise<number> {
    return this.hashes.write(readable, id, offset, (source) => super.write(source, id, offset));
  }

  /** Also reached by tus itself (a DELETE of an upload in flight). */
  override remove(id: string): Promise<void> {
    this.hashes.forget(id);
    return super.remove(id);
  }

  protected override async uploadPart(metadata: MetadataValue, readStream: Readable | Buffer, partNumber: number): Promise<string> {
    const size = Buffer.isBuffer(readStream) ? readStream.length : (await stat((readStream as Readable & { path: string }).path)).size;
    const etag = await super.uploadPart(metadata, readStream as never, partNumber);
    const key = `${markerPrefix(metadata.file.id)}${String(partNumber).padStart(5, '0')}.${size}.${Buffer.from(etag).toString('base64url')}`;
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucketName, Key: key, Body: '' }));
    return etag;
  }

  private async markerKeys(id: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucketName, Prefix: markerPrefix(id), ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  protected override async retrieveParts(id: string): Promise<Part[]> {
    const byNumber = new Map<number, Part>();
    for (const key of await this.markerKeys(id)) {
      const m = /\/(\d{5})\.(\d+)\.([A-Za-z0-9_-]+)$/.exec(key);
      if (!m) continue;
      // A part sent twice (a retried request) keeps the later record; S3 keeps the later bytes too.
      byNumber.set(Number(m[1]), { PartNumber: Number(m[1]), Size: Number(m[2]), ETag: Buffer.from(m[3]!, 'base64url').toString() });
    }
    return [...byNumber.values()].sort((a, b) => a.PartNumber! - b.PartNumber!);
  }

  async removeMarkers(id: string): Promise<void> {
    const keys = await this.markerKeys(id);
    for (let i = 0; i < keys.length; i += 1000) {
      await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucketName, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) } }));
    }
  }
}
