// Errors raised by the media services carry a code and say whether retrying could help, so the job
// queue can retry transient failures (a killed encoder, a busy disk) and fail fast on bad input.
export type MediaErrorCode =
  | 'SOURCE_MISSING'
  | 'SOURCE_CHANGED'
  | 'SOURCE_EMPTY'
  | 'UNSUPPORTED'
  | 'INVALID_MEDIA'
  | 'FFMPEG_FAILED'
  | 'FFMPEG_KILLED'
  | 'CANCELLED'
  | 'IO'
  /** Uploads (publish/upload-job.ts): the server is unreachable or answered 5xx (retried with back-off). */
  | 'NETWORK'
  /** The server refused the upload for good (403 someone else's media, 413 over quota, 400 bad input). */
  | 'UPLOAD_REFUSED'
  /** Nothing to upload yet: the item's renditions are still being made (retried), or sign-in is missing. */
  | 'NOT_READY'
  | 'NOT_SIGNED_IN';

export class MediaError extends Error {
  constructor(
    readonly code: MediaErrorCode,
    message: string,
    readonly transient = false,
  ) {
    super(message);
    this.name = 'MediaError';
  }
}

const TRANSIENT_ERRNO = new Set(['EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'ETIMEDOUT', 'EINTR']);

/** Whether an error is worth retrying: ours say so; OS errors by errno; everything else is not. */
export function isTransient(err: unknown): boolean {
  if (err instanceof MediaError) return err.transient;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_ERRNO.has(code);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
