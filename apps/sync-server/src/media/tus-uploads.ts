// The tus 1.0 endpoint (/api/v1/uploads, @tus/server) mounted in Fastify: the reply is hijacked and the
// request handed to the tus server as a web Request (a content-type parser for
// application/offset+octet-stream leaves the body unread; raw-body-writes.ts gives the request's own Node
// stream to the store). Hooks enforce the media contract: a creator's Bearer token on every request, only
// the uploader touches an upload, valid metadata, the media id's owner, the quota, and the sha256 of the
// stored bytes when the last byte arrives. Every error body is the API's JSON envelope.
import { Server as TusServer } from '@tus/server';
import type { Locker, Upload } from '@tus/utils';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService, AuthUser } from '../auth/auth-service.js';
import { ApiError, type ErrorCode } from '../errors.js';
import { newId } from '../ids.js';
import { contentTypeOf } from './media-paths.js';
import type { MediaQueries, UploadRow } from './media-queries.js';
import { uploadMetadataSchema } from './media-schemas.js';
import type { MediaStorage } from './media-storage.js';
import { RawBodyWrites } from './raw-body-writes.js';

export const UPLOADS_PATH = '/api/v1/uploads';

export interface TusUploadDeps {
  auth: AuthService;
  queries: MediaQueries;
  storage: MediaStorage;
  quotaBytes: number;
  publicUrl?: string;
  /** Called after a file was recorded (or replaced), so caches of that media are dropped. */
  onStored(mediaId: string): void;
  /** Upload locks shared by several instances (redis-upload-locker.ts); tus' in-memory locker otherwise. */
  locker?: Locker;
}

/** What tus sends when a hook throws: our envelope as the body. */
interface TusError {
  status_code: number;
  body: string;
  fanz: true;
}

function envelope(code: ErrorCode, message: string, details: unknown, requestId: string): string {
  return JSON.stringify({ success: false, error: { code, message, details: details ?? null }, meta: { timestamp: new Date().toISOString(), requestId } });
}

const TUS_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  410: 'NOT_FOUND',
  412: 'VALIDATION_ERROR',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'MEDIA_CHECKSUM_MISMATCH',
  423: 'CONFLICT',
  460: 'MEDIA_CHECKSUM_MISMATCH',
};

function byteText(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(2)} GiB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${n} bytes`;
}

export function mountTusUploads(app: FastifyInstance, deps: TusUploadDeps): TusServer {
  const { auth, queries, storage } = deps;
  // tus hands the hooks its own request object; these carry what Fastify knew about it.
  const users = new WeakMap<Request, AuthUser>();
  /** The upload row read when the request came in, reused when that request finishes the upload. */
  const rows = new WeakMap<Request, UploadRow>();
  const requestIds = new WeakMap<Request, string>();

  const fail = (req: Request, err: ApiError): TusError => ({
    status_code: err.status,
    body: envelope(err.code, err.message, err.details, requestIds.get(req) ?? ''),
    fanz: true,
  });

  const tus = new TusServer({
    path: UPLOADS_PATH,
    datastore: storage.datastore,
    namingFunction: () => newId('upl'),
    disableTerminationForFinishedUploads: true,
    ...(deps.locker ? { locker: deps.locker } : {}),
    generateUrl: (req, { path, id }) => `${deps.publicUrl ?? new URL(req.url).origin}${path}/${id}`,
    // tus answers with its own CORS headers; the API's CORS plugin covers browsers' preflights.
    async onIncomingRequest(req, uploadId) {
      try {
        const header = req.headers.get('authorization') ?? '';
        const m = /^Bearer\s+(\S+)$/i.exec(header);
        const user = await auth.authenticate(m?.[1]);
        if (user.role !== 'creator') throw new ApiError('FORBIDDEN', 'Only creators upload media.');
        users.set(req, user);
        if (req.method !== 'POST') {
          const upload = await queries.upload(uploadId);
          if (!upload) throw new ApiError('NOT_FOUND', 'No such upload.');
          if (upload.creatorId !== user.id) throw new ApiError('FORBIDDEN', 'This upload belongs to another creator.');
          // A stored upload is the media's file now: it is replaced by a new upload, never patched or deleted.
          if (upload.status !== 'uploading' && (req.method === 'PATCH' || req.method === 'DELETE')) {
            throw new ApiError('CONFLICT', `This upload is ${upload.status}; start a new one.`);
          }
          rows.set(req, upload);
        }
      } catch (err) {
        if (err instanceof ApiError) throw fail(req, err);
        throw err;
      }
    },
    async onUploadCreate(req, upload) {
      try {
        const user = users.get(req)!;
        if (upload.sizeIsDeferred || upload.size === undefined) throw new ApiError('VALIDATION_ERROR', 'Upload-Length is required (no deferred length).');
        const parsed = uploadMetadataSchema.safeParse(upload.metadata ?? {});
        if (!parsed.success) {
          throw new ApiError(
            'VALIDATION_ERROR',
            `Upload-Metadata is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'metadata'}: ${i.message}`).join('; ')}`,
            { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
          );
        }
        const meta = parsed.data;
        const r = await queries.startUpload(
          { uploadId: upload.id, mediaId: meta.mediaId, creatorId: user.id, path: meta.path, sha256: meta.sha256, size: upload.size },
          deps.quotaBytes,
        );
        // A creation request that carries the whole file finishes in this request: it needs the row too.
        if (r.ok) rows.set(req, { uploadId: upload.id, mediaId: meta.mediaId, creatorId: user.id, path: meta.path, sha256: meta.sha256, size: upload.size, status: 'uploading' });
        if (!r.ok && r.reason === 'foreign') throw new ApiError('FORBIDDEN', `Media ${meta.mediaId} belongs to another creator.`);
        if (!r.ok && r.reason === 'quota') {
          throw new ApiError(
            'MEDIA_QUOTA_EXCEEDED',
            `Storage quota exceeded: ${byteText(r.usedBytes)} used of ${byteText(deps.quotaBytes)}; this file needs ${byteText(upload.size)}.`,
            { usedBytes: r.usedBytes, quotaBytes: deps.quotaBytes, requestedBytes: upload.size },
          );
        }
        return {};
      } catch (err) {
        if (err instanceof ApiError) throw fail(req, err);
        throw err;
      }
    },
    async onUploadFinish(req, upload) {
      await finish(req, upload);
      return {};
    },
    onResponseError(req, err) {
      if ((err as TusError).fanz) return { status_code: (err as TusError).status_code, body: (err as TusError).body };
      const status = 'status_code' in err ? err.status_code : 500;
      if (status >= 500 || !('status_code' in err)) {
        app.log.error({ err }, 'upload request failed');
        return { status_code: 500, body: envelope('INTERNAL_ERROR', 'Something went wrong on our side.', null, requestIds.get(req) ?? '') };
      }
      const body = 'body' in err ? String(err.body).trim() : '';
      return { status_code: status, body: envelope(TUS_STATUS_CODES[status] ?? 'VALIDATION_ERROR', body || 'The upload request was refused.', null, requestIds.get(req) ?? '') };
    },
  });

  /**
   * Checks the sha256 of the stored bytes (hashed as they arrived, or read back when that hash was lost);
   * a mismatch deletes the upload (the client starts that file again).
   */
  async function finish(req: Request, upload: Upload): Promise<void> {
    // The row read or written when this request came in (status 'uploading' then).
    const row = rows.get(req) ?? (await queries.upload(upload.id));
    if (!row) throw fail(req, new ApiError('NOT_FOUND', 'No such upload.'));
    const arrived = await storage.takeArrivalDigest(upload.id, row.size);
    const got = arrived !== null ? { sha256: arrived, size: row.size } : await storage.digest(upload.id);
    if (got.sha256 !== row.sha256 || got.size !== row.size) {
      await storage.remove(upload.id);
      await queries.endUpload(upload.id, 'rejected');
      throw fail(
        req,
        new ApiError('MEDIA_CHECKSUM_MISMATCH', `sha256 mismatch for ${row.path}: the stored bytes do not match the sha256 given at creation; the upload was deleted, send the file again.`, {
          path: row.path,
          expected: row.sha256,
          actual: got.sha256,
        }),
      );
    }
    const replaced = await queries.storeUpload(row, contentTypeOf(row.path));
    if (replaced) await storage.remove(replaced);
    deps.onStored(row.mediaId);
  }

  const rawBodies = new RawBodyWrites(storage.datastore);
  rawBodies.install(tus);

  tus.on('POST_TERMINATE', (_req: unknown, _res: unknown, id: string) => {
    void queries.endUpload(id, 'terminated').catch((err) => app.log.warn({ err }, 'recording a terminated upload failed'));
  });

  async function handle(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    reply.hijack();
    const raw = req.raw;
    const headers = new Headers();
    for (let i = 0; i < raw.rawHeaders.length; i += 2) headers.append(raw.rawHeaders[i]!, raw.rawHeaders[i + 1]!);
    // Only requests whose body tus reads get one: a body stream nobody reads would keep Node from draining
    // the request, leaving the keep-alive connection "busy" forever (and a server close waiting on it).
    const withBody = raw.method === 'PATCH' || (raw.method === 'POST' && (req.headers['content-type'] ?? '').startsWith('application/offset+octet-stream'));
    const request = new Request(`${req.protocol}://${req.host}${raw.url}`, {
      method: raw.method,
      headers,
      body: withBody ? rawBodies.bodyFor(raw) : undefined,
      duplex: 'half',
    } as RequestInit);
    requestIds.set(request, req.id);
    let response: Response;
    try {
      response = await tus.handleWeb(request);
    } catch (err) {
      req.log.error({ err }, 'upload request failed');
      response = new Response(envelope('INTERNAL_ERROR', 'Something went wrong on our side.', null, req.id), { status: 500 });
    }
    const out = reply.raw;
    response.headers.forEach((value, name) => out.setHeader(name, value));
    out.setHeader('x-request-id', req.id);
    if (response.status >= 400) out.setHeader('content-type', 'application/json; charset=utf-8');
    out.statusCode = response.status;
    const body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
    if (body) out.setHeader('content-length', body.length);
    // A body tus did not read to the end (a refused PATCH): close the connection rather than read the rest.
    if (withBody && !raw.complete) out.setHeader('connection', 'close');
    out.end(body ?? undefined);
  }

  app.register(async (scope) => {
    // tus reads PATCH bodies itself: the parser only lets the request through, consuming nothing.
    scope.addContentTypeParser('application/offset+octet-stream', (_req, _payload, done) => done(null));
    const methods = ['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS'] as const;
    scope.route({ method: [...methods], url: UPLOADS_PATH, handler: handle });
    scope.route({ method: [...methods], url: `${UPLOADS_PATH}/:uploadId`, handler: handle });
  });
  return tus;
}
