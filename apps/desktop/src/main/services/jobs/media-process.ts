// The `media.process` job: probe a library item's source, produce its renditions in a private temp folder,
// then move the folder into place with a rename and record the renditions in one transaction. Until that
// transaction commits the library lists no rendition of the new set, so a crash leaves nothing half-written.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Library, NewRendition } from '../library/library.js';
import { MediaError } from '../media/errors.js';
import { processPhoto } from '../media/photo.js';
import { probe } from '../media/probe.js';
import { processVideo, displaySize } from '../media/video.js';
import { recordOutputHashes } from '../publish/output-hashes.js';
import type { JobHandler, JobQueue } from './queue.js';

export const MEDIA_PROCESS = 'media.process';

export interface MediaProcessOptions {
  lib: Library;
  dataDir: string;
  /** x264 preset for the ladder and teaser. */
  preset?: string;
}

export function mediaDir(dataDir: string, itemId: string): string {
  return join(dataDir, 'media', itemId);
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

/** Leftovers of an interrupted swap: put the old folder back if the new one never arrived, else drop it. */
async function repairSwap(finalDir: string): Promise<void> {
  const parent = join(finalDir, '..');
  const base = finalDir.slice(parent.length + 1);
  const names = await readdir(parent).catch(() => [] as string[]);
  const finalExists = await stat(finalDir).then(() => true, () => false);
  for (const n of names.filter((x) => x.startsWith(`${base}.old-`))) {
    if (!finalExists) await rename(join(parent, n), finalDir);
    else await rm(join(parent, n), { recursive: true, force: true });
  }
}

/** Replaces `finalDir` with `tmpDir` using renames only (same filesystem, each step atomic). */
async function swapInto(tmpDir: string, finalDir: string, jobId: string): Promise<void> {
  await mkdir(join(finalDir, '..'), { recursive: true });
  await repairSwap(finalDir);
  const old = `${finalDir}.old-${jobId}`;
  const hadOld = await stat(finalDir).then(() => true, () => false);
  if (hadOld) await rename(finalDir, old);
  await rename(tmpDir, finalDir);
  if (hadOld) await rm(old, { recursive: true, force: true });
}

export function mediaProcessHandler(o: MediaProcessOptions): JobHandler {
  const { lib, dataDir } = o;
  const tmpRoot = join(dataDir, 'tmp');
  return {
    async run({ job, signal, progress, trackChild }) {
      const itemId = job.itemId;
      const item = itemId ? lib.getItem(itemId) : null;
      if (!item) throw new MediaError('SOURCE_MISSING', `library item ${itemId ?? '(none)'} no longer exists`);
      // Outputs of earlier attempts of this job (crash, retry) are never reused: start clean.
      await mkdir(tmpRoot, { recursive: true });
      for (const n of await readdir(tmpRoot)) if (n.startsWith(`${job.id}.`)) await rm(join(tmpRoot, n), { recursive: true, force: true });
      await repairSwap(mediaDir(dataDir, item.id));

      const st = await stat(item.path).catch(() => null);
      if (!st) throw new MediaError('SOURCE_MISSING', `source file is gone: ${item.path}`);
      if (st.size === 0) throw new MediaError('SOURCE_EMPTY', `source file is empty (0 bytes): ${item.path}`);
      if (st.size !== item.sizeBytes) {
        throw new MediaError('SOURCE_CHANGED', `source file changed since import (${item.sizeBytes} -> ${st.size} bytes); import it again: ${item.path}`);
      }
      lib.setStatus(item.id, 'processing');
      progress(0, null, 'probe');
      const info = await probe(item.path);
      if (item.kind === 'video' && (!info.video || info.isStillImage)) throw new MediaError('INVALID_MEDIA', `not a video: no video stream in ${item.fileName}`);
      if (item.kind === 'photo' && !info.video) throw new MediaError('INVALID_MEDIA', `not an image: ${item.fileName}`);
      const dims = info.video ? (item.kind === 'video' ? displaySize(info) : { width: info.video.width, height: info.video.height }) : null;
      lib.setProbe(item.id, {
        durationS: item.kind === 'video' ? info.durationS : null,
        width: dims?.width ?? null,
        height: dims?.height ?? null,
        videoCodec: info.video?.codec ?? null,
        audioCodec: info.audio?.codec ?? null,
        container: info.container,
      });

      const tmpDir = join(tmpRoot, `${job.id}.${job.attempts}`);
      await mkdir(tmpDir, { recursive: true });
      try {
        let files: Array<{ kind: string; file: string; width?: number; height?: number; bandwidth?: number; codecs?: string }>;
        let phash: string;
        if (item.kind === 'video') {
          // A preset chosen when the job was queued survives a crash and restart.
          const preset = typeof job.payload.preset === 'string' ? job.payload.preset : o.preset;
          const r = await processVideo(item.path, info, tmpDir, {
            ...(preset ? { preset } : {}),
            signal,
            onChild: trackChild,
            onProgress: (p, eta, stage) => progress(p * 0.98, eta, stage),
          });
          files = r.outputs;
          phash = r.phash;
        } else {
          progress(10, null, 'photo');
          const r = await processPhoto(item.path, info, tmpDir, signal);
          lib.setProbe(item.id, { durationS: null, width: r.width, height: r.height, videoCodec: info.video?.codec ?? null, audioCodec: null, container: info.container });
          files = r.outputs;
          phash = r.phash;
        }
        if (signal.aborted) throw new MediaError('CANCELLED', 'cancelled');
        progress(99, 0, 'finalize');
        await recordOutputHashes(tmpDir, signal);
        const finalDir = mediaDir(dataDir, item.id);
        const rows: NewRendition[] = [];
        for (const f of files) {
          const size = (await stat(join(tmpDir, f.file))).size;
          rows.push({ kind: f.kind, path: toPosix(relative(dataDir, join(finalDir, f.file))), width: f.width ?? null, height: f.height ?? null, bandwidth: f.bandwidth ?? null, codecs: f.codecs ?? null, sizeBytes: size });
        }
        await swapInto(tmpDir, finalDir, job.id);
        const renditions = lib.completeProcessing(item.id, rows, phash);
        const master = renditions.find((r) => r.kind === 'hls_master');
        return {
          itemId: item.id,
          outputDir: finalDir,
          masterPlaylist: master ? join(dataDir, master.path) : null,
          renditions: renditions.length,
        };
      } finally {
        await rm(tmpDir, { recursive: true, force: true });
      }
    },
    onFailed(job, reason) {
      if (!job.itemId) return;
      lib.setStatus(job.itemId, 'failed', reason);
    },
    onCancelled(job) {
      if (!job.itemId) return;
      lib.setStatus(job.itemId, lib.renditions(job.itemId).length > 0 ? 'ready' : 'pending');
    },
  };
}

export const X264_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;

/** Enqueues processing for an item unless a queued or running job already covers it. */
export function enqueueProcessing(queue: JobQueue, itemId: string, o: { preset?: string } = {}): ReturnType<JobQueue['enqueue']> {
  if (o.preset && !(X264_PRESETS as readonly string[]).includes(o.preset)) throw new Error(`unknown x264 preset ${o.preset}`);
  return queue.enqueueUnlessActive(MEDIA_PROCESS, itemId, { payload: o.preset ? { preset: o.preset } : {} });
}
