// Streams one stored file as an HTTP response, for both storages: strong ETag from the sha256 (304 on
// If-None-Match), single byte ranges (206; 416 with `Content-Range: bytes */size` beyond the end; If-Range
// honoured), HEAD without a body. Several ranges in one request are answered with the whole file, which
// RFC 9110 allows; players ask for one range at a time.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import type { ByteRange, MediaStorage } from './media-storage.js';
import type { ServedFile } from './media-views.js';

/** The range a `Range` header asks for: a range, 'unsatisfiable', or null (serve the whole file). */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=\s*(\d*)-(\d*)\s*$/.exec(header);
  if (!m) return null; // several ranges or another unit: ignore the header
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    return size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (start >= size) return 'unsatisfiable';
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (end < start) return null;
  return { start, end };
}

export async function sendStoredFile(
  req: FastifyRequest,
  reply: FastifyReply,
  storage: MediaStorage,
  file: ServedFile,
  cacheControl: string,
): Promise<FastifyReply> {
  const ifRange = req.headers['if-range'];
  const range = parseRange(ifRange && ifRange !== file.etag ? undefined : req.headers.range, file.size);
  if (range === 'unsatisfiable') {
    throw new ApiError('RANGE_NOT_SATISFIABLE', `The requested range is beyond the end of the file (${file.size} bytes).`, { size: file.size }, {
      'content-range': `bytes */${file.size}`,
    });
  }
  reply.header('content-type', file.contentType);
  reply.header('etag', file.etag);
  reply.header('accept-ranges', 'bytes');
  reply.header('cache-control', cacheControl);
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === file.etag)) return reply.status(304).send();
  if (range) {
    reply.status(206);
    reply.header('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
    reply.header('content-length', range.end - range.start + 1);
  } else {
    reply.status(200);
    reply.header('content-length', file.size);
  }
  if (req.method === 'HEAD' || file.size === 0) return reply.send();
  let stream;
  try {
    stream = await storage.read(file.storageKey, range ?? undefined);
  } catch (err) {
    req.log.error({ err, key: file.storageKey }, 'stored media file is unreadable');
    for (const h of ['content-type', 'etag', 'accept-ranges', 'cache-control', 'content-range', 'content-length']) reply.removeHeader(h);
    throw new ApiError('NOT_FOUND', 'This file is not available.');
  }
  return reply.send(stream);
}
