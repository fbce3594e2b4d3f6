// Wires the main-process services together for one data dir: database, library, job queue with the media
// handlers, and the resolved ffmpeg. The Electron main process, browser mode and the CLI all start here.
// Other services (scoring, sync) register their own job kinds on `studio.queue`.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openDb, type Db } from './library/db.js';
import { resolveDataDir } from './library/data-dir.js';
import { Library } from './library/library.js';
import { importPaths, type ImportResult } from './library/importer.js';
import { JobQueue, type QueueOptions, type Job, type JobHandler } from './jobs/queue.js';
import { MEDIA_PROCESS, enqueueProcessing, mediaProcessHandler } from './jobs/media-process.js';
import { resolveBinaries, type ResolvedBinaries } from './media/binaries.js';
import { MEDIA_SCORE } from './scoring/job-kind.js';

export interface StudioOptions extends QueueOptions {
  dataDir?: string | null;
  /** x264 preset (default veryfast). */
  preset?: string;
  /**
   * Queue local ONNX scoring (labels, quality, best thumbnail) for each item once its renditions are done.
   * The studio UI turns this on; the CLI leaves it off so `import --wait` / `jobs run` stay media-only
   * (`score` scores on demand).
   */
  scoreAfterProcessing?: boolean;
}

export interface Studio {
  dataDir: string;
  db: Db;
  lib: Library;
  queue: JobQueue;
  binaries(): ResolvedBinaries;
  /** Imports paths and enqueues processing for each new item. */
  import(paths: string[], onProgress?: (done: number, path: string) => void): Promise<ImportResult & { jobs: Job[] }>;
  /** Removes temp folders no running job owns (left by crashes). */
  sweepTemp(): Promise<number>;
  close(): Promise<void>;
}

export function openStudio(o: StudioOptions = {}): Studio {
  const dataDir = resolveDataDir(o.dataDir);
  const db = openDb(dataDir);
  const lib = new Library(db);
  const queue = new JobQueue(db, o);
  const processing = mediaProcessHandler({ lib, dataDir, ...(o.preset ? { preset: o.preset } : {}) });
  queue.register(MEDIA_PROCESS, {
    ...processing,
    async run(ctx) {
      const result = await processing.run(ctx);
      const itemId = ctx.job.itemId;
      if (o.scoreAfterProcessing && itemId) queue.enqueueUnlessActive(MEDIA_SCORE, itemId);
      return result;
    },
  });
  // Loaded on first use: onnxruntime and the model stay out of processes that never score (the CLI's list, jobs, ...).
  let scoring: Promise<JobHandler> | null = null;
  queue.register(MEDIA_SCORE, {
    async run(ctx) {
      scoring ??= import('./scoring/scoring-job.js').then((m) => m.scoringJobHandler({ lib }));
      return (await scoring).run(ctx);
    },
  });
  return {
    dataDir,
    db,
    lib,
    queue,
    binaries: () => resolveBinaries(),
    async import(paths, onProgress) {
      const jobs: Job[] = [];
      const r = await importPaths(lib, paths, { onImported: (item) => jobs.push(enqueueProcessing(queue, item.id)), ...(onProgress ? { onProgress } : {}) });
      return { ...r, jobs };
    },
    async sweepTemp() {
      const tmp = join(dataDir, 'tmp');
      const names = await readdir(tmp).catch(() => [] as string[]);
      const running = new Set(queue.list({ state: 'running', limit: 1000 }).map((j) => j.id));
      let removed = 0;
      for (const n of names) {
        if (running.has(n.split('.')[0] ?? '')) continue;
        await rm(join(tmp, n), { recursive: true, force: true });
        removed++;
      }
      return removed;
    },
    async close() {
      await queue.stop({ abort: true });
      db.close();
    },
  };
}
