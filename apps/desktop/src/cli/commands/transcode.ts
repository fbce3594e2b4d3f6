import { existsSync } from 'node:fs';
import type { Command } from '../command.js';
import { EXIT, CliError } from '../exit-codes.js';
import { X264_PRESETS, enqueueProcessing } from '../../main/services/jobs/media-process.js';
import { describeBinaries } from '../../main/services/media/binaries.js';
import { runJobsToCompletion } from '../run-jobs.js';

export const transcodeCommand: Command = {
  name: 'transcode',
  summary: 'Produce renditions (HLS ladder, poster, sprite, teaser / photo sizes) for an item or a file',
  usage: 'transcode <id|path> [--preset x264-preset]',
  options: { preset: { type: 'string' } },
  async run(ctx) {
    const target = ctx.positionals[0];
    if (!target || ctx.positionals.length > 1) throw new CliError(EXIT.USAGE, 'transcode takes exactly one item id or file path');
    const preset = ctx.values.preset as string | undefined;
    if (preset !== undefined && !(X264_PRESETS as readonly string[]).includes(preset)) {
      throw new CliError(EXIT.USAGE, `unknown x264 preset ${preset}; one of ${X264_PRESETS.join(', ')}`);
    }
    const studio = ctx.studio();
    const bins = studio.binaries();
    ctx.out.note(`using ${describeBinaries(bins)}`);
    let item = studio.lib.getItem(target);
    if (!item) {
      if (!existsSync(target)) throw new CliError(EXIT.NOT_FOUND, `no library item or file named ${target}`);
      const r = await studio.import([target]);
      const skipped = r.skipped[0];
      if (skipped) throw new CliError(EXIT.FAILED, `cannot transcode ${skipped.path}: ${skipped.reason}`);
      item = r.imported[0] ?? r.duplicates[0]?.existing ?? null;
      if (!item) throw new CliError(EXIT.FAILED, `nothing to transcode in ${target}`);
    }
    const queued = enqueueProcessing(studio.queue, item.id, preset ? { preset } : {});
    const [job] = await runJobsToCompletion(studio, ctx.out, [queued.id], ctx.signal);
    if (!job) throw new CliError(EXIT.FAILED, 'job vanished');
    const result = (job.result ?? {}) as { outputDir?: string; masterPlaylist?: string | null };
    const data = {
      item: studio.lib.getItem(item.id),
      job: { id: job.id, state: job.state, attempts: job.attempts, error: job.error },
      outputDir: result.outputDir ?? null,
      masterPlaylist: result.masterPlaylist ?? null,
      renditions: studio.lib.renditions(item.id),
      ffmpeg: { ffmpeg: bins.ffmpeg, ffprobe: bins.ffprobe },
    };
    ctx.out.result(data, () =>
      job.state === 'done'
        ? [`done: ${data.renditions.length} renditions in ${data.outputDir}`, ...(data.masterPlaylist ? [`master playlist: ${data.masterPlaylist}`] : [])].join('\n')
        : `${job.state}: ${job.error ?? ''}`,
    );
    if (job.state === 'done') return EXIT.OK;
    return job.state === 'cancelled' ? EXIT.CANCELLED : EXIT.FAILED;
  },
};
