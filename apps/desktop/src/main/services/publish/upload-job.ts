// The `upload` job: sends a library item's web renditions (its output folder media/<itemId>/, never the
// original) to the sync server per the media contract: sha256 per file, skip what the server already
// stores with the same hash, tus uploads (resumable; URLs kept in SQLite so a killed studio resumes
// mid-file), a file refused with 422 (sha mismatch) is sent again from scratch, then POST /complete with
// the manifest. Unreachable server / 5xx -> transient (the queue retries with back-off); 403, 413 and
// other refusals fail the job with the server's message.
import { createReadStream } from 'node:fs';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Upload, type DetailedError } from 'tus-js-client';
import type { Db } from '../library/db.js';
import type { Library } from '../library/library.js';
import { mediaDir } from '../jobs/media-process.js';
import type { JobHandler } from '../jobs/queue.js';
import { writeVideoPreview, VIDEO_PREVIEW_FILE } from '../media/blur-preview.js';
import { MediaError } from '../media/errors.js';
import { StudioApiError } from '../../../shared/studio-api.js';
import { completeMedia, getStoredMedia } from './media-api.js';
import { FileHasher } from './file-hasher.js';
import { RecordedHashes } from './output-hashes.js';
import { listOutputFiles, manifestHash, type ManifestFile } from './output-manifest.js';
import { sendAll, sendLists } from './send-order.js';
import { SqliteUrlStorage } from './tus-url-store.js';
import { formatBytes } from './bytes.js';

export const UPLOAD = 'upload';
/** Big files (the rungs' media files) sent at once. */
export const UPLOAD_STREAMS = 3;
/** Small files (single-request: playlists, stills, VTT) sent at once beside them: each is mostly request latency. */
export const SMALL_FILE_STREAMS = 2;
/** A file the server refuses with 422 (hash mismatch) is sent again from scratch this many times. */
const FRESH_RETRIES = 2;
/**
 * Files up to a size go with their creation request (tus creation-with-upload): one request per file, not
 * two, which is most of a ladder's per-file cost. Such a file interrupted mid-request is sent again whole
 * (its URL is stored once the server answered), so the size is also what a kill may re-send per stream:
 * at most SINGLE_REQUEST_SHARE of the job's bytes (and SINGLE_REQUEST_MAX_BYTES), never less than
 * SINGLE_REQUEST_MIN_BYTES (playlists, init segments). Bigger files are created first, so their URL is
 * stored before any byte is sent and a kill resumes them mid-file.
 */
export const SINGLE_REQUEST_MIN_BYTES = 64 * 1024;
export const SINGLE_REQUEST_MAX_BYTES = 4 * 1024 * 1024;
export const SINGLE_REQUEST_SHARE = 0.02;

export function singleRequestLimit(jobBytes: number): number {
  return Math.max(SINGLE_REQUEST_MIN_BYTES, Math.min(SINGLE_REQUEST_MAX_BYTES, Math.floor(jobBytes * SINGLE_REQUEST_SHARE)));
}

export interface UploadAuth {
  /** The signed-in server, or null when signed out. */
  serverUrl(): string | null;
  /** A valid access token (refreshed when needed); throws when offline or signed out. */
  accessToken(): Promise<string>;
}

export interface UploadJobOptions {
  db: Db;
  lib: Library;
  dataDir: string;
  auth: UploadAuth;
  streams?: number;
}

export interface UploadResult {
  mediaId: string;
  serverUrl: string;
  status: string;
  files: number;
  /** Files the server already had with the same sha256. */
  skipped: number;
  bytesTotal: number;
  /** Bytes of the files this job had to send (a resumed file counts whole). */
  bytesToSend: number;
  /** Files the server refused with 422 (sha256 mismatch on arrival) that were sent again from scratch. */
  resentAfterMismatch: number;
}

/** Server answers that end the job for good, with a message the creator can act on. */
function refusal(status: number, path: string, message: string): MediaError {
  if (status === 413) return new MediaError('UPLOAD_REFUSED', `over the storage quota on the server: ${message}`);
  if (status === 403) return new MediaError('UPLOAD_REFUSED', `the server refused ${path} (403): ${message}`);
  if (status === 401) return new MediaError('NOT_SIGNED_IN', `the server no longer accepts this session (401); sign in again: ${message}`);
  return new MediaError('UPLOAD_REFUSED', `the server refused ${path} (${status}): ${message}`);
}

/** The error message inside the server's envelope, or the start of the body. */
function serverMessage(body: string): string {
  try {
    const m = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON (tus errors may be plain text)
  }
  return body.trim().slice(0, 300) || 'no reason given';
}

/** StudioApiError from the JSON calls (GET media, complete, refresh) -> a queue-ready error. */
function fromApiError(err: unknown): unknown {
  if (!(err instanceof StudioApiError)) return err;
  if (err.code === 'SERVER_UNREACHABLE' || err.code === 'SERVER_TIMEOUT' || err.code === 'BAD_SERVER_RESPONSE' || err.code === 'INTERNAL_ERROR') return new MediaError('NETWORK', err.message, true);
  // MEDIA_INCOMPLETE: the server lost a file between our check and complete; the next attempt re-checks.
  if (err.code === 'MEDIA_INCOMPLETE') return new MediaError('NETWORK', `the server is missing files: ${err.message}`, true);
  if (err.code === 'UNAUTHORIZED' || err.code === 'NOT_SIGNED_IN') return new MediaError('NOT_SIGNED_IN', `sign in again: ${err.message}`);
  if (err.code === 'FORBIDDEN') return new MediaError('UPLOAD_REFUSED', `the server refused the upload (403): ${err.message}`);
  if (err.code === 'MEDIA_QUOTA_EXCEEDED') return new MediaError('UPLOAD_REFUSED', `over the storage quota on the server: ${err.message}`);
  return new MediaError('UPLOAD_REFUSED', `the server refused the upload (${err.code}): ${err.message}`);
}

class ShaMismatch extends Error {}

/**
 * tus-js-client's Node file source with 1 MiB reads instead of fs streams' 64 KiB: a 100 MB rung is
 * ~100 reads rather than ~1600 (the same slices and sizes otherwise, mirroring its FileSource).
 */
const fileReader = {
  async openFile(input: { path: string | Buffer }) {
    const path = input.path.toString();
    const { size } = await stat(path);
    return {
      size,
      async slice(start: number, end: number) {
        const value = Object.assign(createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 }), { size: Math.min(end - start, size) });
        return { value, done: value.size >= size };
      },
      close() {},
    };
  },
};

export function uploadJobHandler(o: UploadJobOptions): JobHandler {
  const store = new SqliteUrlStorage(o.db);
  return {
    async run({ job, signal, progress, trackChild }) {
      const itemId = job.itemId ?? (typeof job.payload.itemId === 'string' ? job.payload.itemId : null);
      const item = itemId ? o.lib.getItem(itemId) : null;
      if (!item) throw new MediaError('SOURCE_MISSING', `library item ${itemId ?? '(none)'} no longer exists`);
      if (item.status === 'failed') throw new MediaError('INVALID_MEDIA', `"${item.title}" has no renditions (processing failed: ${item.error ?? 'unknown'}); transcode it again`);
      if (item.status !== 'ready') throw new MediaError('NOT_READY', `"${item.title}" is still being transcoded; the upload starts when it is done`, true);
      const serverUrl = o.auth.serverUrl();
      if (!serverUrl) throw new MediaError('NOT_SIGNED_IN', 'sign in to a server first; uploads go to your account');
      const outDir = mediaDir(o.dataDir, item.id);

      let authError: unknown = null;
      const token = async () => {
        try {
          return await o.auth.accessToken();
        } catch (err) {
          authError = fromApiError(err);
          throw authError;
        }
      };
      // What the server already holds, asked while the folder is checked below (a refresh and a round trip).
      const storedOnServer = token().then((t) => getStoredMedia(serverUrl, t, item.id));
      storedOnServer.catch(() => undefined); // awaited below unless the folder check fails first

      // Items transcoded before the blurred still existed get it now, from their poster.
      if (item.kind === 'video') {
        const have = (p: string) => access(join(outDir, p)).then(() => true, () => false);
        if (!(await have(VIDEO_PREVIEW_FILE)) && (await have('poster.jpg'))) {
          progress(0, null, 'making the blurred still');
          const tmp = join(outDir, `.tmp-${job.id}`);
          await rm(tmp, { recursive: true, force: true });
          await mkdir(tmp, { recursive: true });
          try {
            const { path } = await writeVideoPreview(join(outDir, 'poster.jpg'), tmp, { signal, onChild: trackChild });
            await rename(path, join(outDir, VIDEO_PREVIEW_FILE));
          } finally {
            await rm(tmp, { recursive: true, force: true });
          }
        }
      }

      progress(0, null, 'checking files');
      // Hashing happens per file in the upload workers below, overlapping other files' transfers.
      const files: ManifestFile[] = (await listOutputFiles(outDir).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') throw new MediaError('SOURCE_MISSING', `the renditions of "${item.title}" are gone (${outDir}); transcode it again`);
        throw err;
      })).map((f) => ({ ...f, sha256: '' }));
      const kind = item.kind === 'photo' ? 'image' : 'video';
      const roles = new Set(files.map((f) => f.role));
      if (kind === 'video' && !(roles.has('hls_master') && roles.has('poster'))) {
        throw new MediaError('SOURCE_MISSING', `the renditions of "${item.title}" are incomplete (no master playlist or poster); transcode it again`);
      }
      if (kind === 'image' && !roles.has('photo')) throw new MediaError('SOURCE_MISSING', `"${item.title}" has no photo renditions; transcode it again`);

      let stored;
      try {
        stored = await storedOnServer;
      } catch (err) {
        throw fromApiError(err);
      }
      const onServer = new Map((stored?.files ?? []).map((f) => [f.path, f]));
      const sameSize = (f: ManifestFile) => onServer.get(f.path)?.size === f.size;
      const bytesTotal = files.reduce((a, f) => a + f.size, 0);
      // Files the server lacks at this size will be sent; one with the same size is skipped if its hash
      // matches too (and added here if it does not).
      let bytesToSend = files.filter((f) => !sameSize(f)).reduce((a, f) => a + f.size, 0);
      const singleRequest = singleRequestLimit(bytesTotal);
      let skipped = 0;
      let resentAfterMismatch = 0;

      // Byte progress over the files this job sends; a resumed file reports its server offset at once.
      const sent = new Map<string, number>();
      const started = Date.now();
      let firstSent: number | null = null;
      let lastReport = 0;
      let trailing: NodeJS.Timeout | null = null;
      const report = (force = false) => {
        const now = Date.now();
        // tus reports every socket write; a few updates a second are plenty for the Jobs screen and CLI. A
        // skipped update is sent a little later: the socket may take a whole segment at once and then stay
        // quiet until the server has read it, and the last figure must not be lost meanwhile.
        const wait = 200 - (now - lastReport);
        if (!force && wait > 0) {
          trailing ??= setTimeout(() => {
            trailing = null;
            report(true);
          }, wait);
          return;
        }
        lastReport = now;
        const done = [...sent.values()].reduce((a, b) => a + b, 0);
        firstSent ??= done;
        const elapsed = (Date.now() - started) / 1000;
        const rate = elapsed > 1 ? (done - firstSent) / elapsed : 0;
        const eta = rate > 0 ? (bytesToSend - done) / rate : null;
        const pct = bytesToSend === 0 ? 99 : Math.min(99, (done / bytesToSend) * 99);
        progress(pct, eta, `uploading ${formatBytes(done)} of ${formatBytes(bytesToSend)}`);
      };
      report(true);

      const sendOnce = (f: ManifestFile, fresh: boolean, underWay: () => void): Promise<void> => {
        let cleanup = () => undefined as void;
        return new Promise<void>((resolve, reject) => {
          const fingerprint = `${serverUrl}|${item.id}|${f.path}|${f.sha256}|${f.size}`;
          if (fresh) store.forget(fingerprint);
          const source = createReadStream(f.abs);
          source.on('error', () => undefined); // tus opens its own ranged streams; this one only names the file
          const upload = new Upload(source, {
            endpoint: `${serverUrl}/api/v1/uploads`,
            uploadSize: f.size,
            metadata: { mediaId: item.id, path: f.path, sha256: f.sha256 },
            fingerprint: async () => fingerprint,
            urlStorage: store,
            fileReader,
            storeFingerprintForResuming: true,
            removeFingerprintOnSuccess: true,
            uploadDataDuringCreation: f.size <= singleRequest,
            // The upload exists on the server (created, or found to resume): the small files may start.
            onUploadUrlAvailable: underWay,
            retryDelays: [0, 1000, 3000, 5000],
            onBeforeRequest: async (req) => {
              req.setHeader('Authorization', `Bearer ${await token()}`);
            },
            onProgress: (bytes) => {
              sent.set(f.path, bytes);
              report();
            },
            onSuccess: () => resolve(),
            onError: (err) => {
              const res = (err as DetailedError).originalResponse;
              if (authError) reject(authError);
              else if (!res) reject(new MediaError('NETWORK', `cannot reach the server at ${serverUrl}: ${err.message}`, true));
              else if (res.getStatus() === 422) reject(new ShaMismatch(serverMessage(res.getBody())));
              else if (res.getStatus() >= 500 || res.getStatus() === 409 || res.getStatus() === 423) {
                reject(new MediaError('NETWORK', `the server failed (${res.getStatus()}) on ${f.path}: ${serverMessage(res.getBody())}`, true));
              } else reject(refusal(res.getStatus(), f.path, serverMessage(res.getBody())));
            },
          });
          const onAbort = () => {
            // Keep the server's partial file (no terminate): the next attempt resumes from its offset.
            void upload.abort(false);
            reject(new MediaError('CANCELLED', 'cancelled'));
          };
          if (signal.aborted) return onAbort();
          signal.addEventListener('abort', onAbort, { once: true });
          cleanup = () => {
            signal.removeEventListener('abort', onAbort);
            source.destroy();
          };
          const begin = async () => {
            if (!fresh) {
              const previous = await upload.findPreviousUploads();
              if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
            }
            upload.start();
          };
          begin().catch(reject);
        }).finally(() => cleanup());
      };

      // Hashes recorded by the transcode are used while the file is unchanged; the others are made on a
      // worker thread one file at a time: the small files first (milliseconds), then in the order the big
      // ones are sent, so each upload waits for one file's hash at most and later files hash while earlier
      // ones are on the wire.
      const lists = sendLists(files, singleRequest);
      const recorded = await RecordedHashes.read(outDir);
      const hasher = new FileHasher();
      const hashes = new Map<string, Promise<string>>();
      let previousHash: Promise<unknown> = Promise.resolve();
      const order = [...lists.small, ...lists.big];
      // Recorded hashes are looked up all at once (a stat each; one after another they held the big files back).
      const lookups = new Map(order.map((f) => [f.path, recorded.get(f.path, f.abs)] as const));
      for (const f of order) {
        const h = previousHash.then(async () => (await lookups.get(f.path)!) ?? hasher.sha256(f.abs, signal));
        h.catch(() => undefined); // awaited by its sender; a job that stops early leaves it unobserved
        hashes.set(f.path, h);
        previousHash = h.catch(() => undefined);
      }

      const sendFile = async (f: ManifestFile, underWay: () => void) => {
        f.sha256 = await hashes.get(f.path)!;
        const there = onServer.get(f.path);
        if (there && there.size === f.size && there.sha256 === f.sha256) {
          skipped++;
          return;
        }
        if (sameSize(f)) bytesToSend += f.size;
        for (let attempt = 0; ; attempt++) {
          try {
            await sendOnce(f, attempt > 0, underWay);
            sent.set(f.path, f.size);
            return;
          } catch (err) {
            if (!(err instanceof ShaMismatch)) throw err;
            sent.set(f.path, 0);
            resentAfterMismatch++;
            if (attempt >= FRESH_RETRIES) {
              throw new MediaError('UPLOAD_REFUSED', `the server refused ${f.path} ${attempt + 1} times: ${err.message} (is the file changing on disk?)`);
            }
            // The hash may have been a recorded one that no longer fits the bytes: hash the file again.
            store.forget(`${serverUrl}|${item.id}|${f.path}|${f.sha256}|${f.size}`);
            f.sha256 = await hasher.sha256(f.abs, signal);
          }
        }
      };

      // The big files on `streams` requests, the small ones on a pool of their own meanwhile (send-order.ts).
      try {
        await sendAll(lists, Math.max(1, o.streams ?? UPLOAD_STREAMS), SMALL_FILE_STREAMS, sendFile);
      } finally {
        if (trailing) clearTimeout(trailing);
        await hasher.close();
      }
      if (signal.aborted) throw new MediaError('CANCELLED', 'cancelled');

      progress(99, 0, 'completing');
      let done;
      try {
        done = await completeMedia(serverUrl, await token(), item.id, {
          kind,
          files: files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size, role: f.role })),
        });
      } catch (err) {
        throw fromApiError(err);
      }
      o.db
        .prepare(
          `INSERT INTO media_uploads (item_id, server_url, manifest_sha256, files, bytes, completed_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (item_id, server_url) DO UPDATE SET manifest_sha256 = excluded.manifest_sha256, files = excluded.files,
             bytes = excluded.bytes, completed_at = excluded.completed_at`,
        )
        .run(item.id, serverUrl, manifestHash(files), files.length, bytesTotal, Date.now());
      const result: UploadResult = { mediaId: item.id, serverUrl, status: done.status, files: files.length, skipped, bytesTotal, bytesToSend, resentAfterMismatch };
      return result;
    },
  };
}

/** Whether an item's current renditions finished uploading to a server (per the last completed manifest). */
export function uploadedTo(db: Db, itemId: string, serverUrl: string): { manifestSha256: string; completedAt: number } | null {
  const r = db.prepare('SELECT manifest_sha256, completed_at FROM media_uploads WHERE item_id = ? AND server_url = ?').get(itemId, serverUrl) as
    | { manifest_sha256: string; completed_at: number }
    | undefined;
  return r ? { manifestSha256: r.manifest_sha256, completedAt: r.completed_at } : null;
}
