// Abandoned tus uploads do not keep their bytes forever: an upload still unfinished RESERVATION_DAYS after
// it was created (when its quota reservation lapses too) has its stored bytes deleted (file, or the
// unfinished multipart upload and its part markers on S3) and is recorded as terminated, so a late resume
// gets 404 on HEAD (tus-js-client then starts that file afresh) and 409 on PATCH. Stored files are never
// touched: only rows with status 'uploading' are swept. tus's own deleteExpired is not used because the
// FileStore's record of an upload's offset is its creation-time value, which would expire finished files.
import type { FastifyBaseLogger } from 'fastify';
import type { MediaQueries } from './media-queries.js';
import type { MediaStorage } from './media-storage.js';

const SWEEP_EVERY_MS = 3600_000;
const BATCH = 200;

export class UploadSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly queries: MediaQueries,
    private readonly storage: MediaStorage,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    const tick = () => void this.run().catch((err) => this.log.warn({ err }, 'sweeping abandoned uploads failed'));
    // First pass shortly after start (not during it), then hourly; the timer never holds the process open.
    const again = () => {
      tick();
      this.timer = setTimeout(again, SWEEP_EVERY_MS).unref();
    };
    this.timer = setTimeout(again, 30_000).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One sweep (concurrent callers share it). Instances sharing a database may sweep the same row: both deletes are harmless. */
  run(): Promise<number> {
    this.running ??= this.sweep().finally(() => (this.running = null));
    return this.running;
  }

  private async sweep(): Promise<number> {
    let n = 0;
    for (;;) {
      const ids = await this.queries.abandonedUploads(BATCH);
      for (const id of ids) {
        // The row is marked first: a PATCH racing the delete is refused (409) instead of writing into a removed upload.
        await this.queries.endUpload(id, 'terminated');
        await this.storage.remove(id);
        n++;
      }
      if (ids.length < BATCH) break;
    }
    if (n) this.log.info({ uploads: n }, 'deleted the bytes of abandoned uploads');
    return n;
  }
}
