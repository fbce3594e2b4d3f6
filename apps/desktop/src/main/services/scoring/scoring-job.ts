// The `media.score` job: scores a library item's source locally and stores the result in the library's
// scores table; the job's result is the compact summary (label, reason, thumbnail). Register it with
// `queue.register(MEDIA_SCORE, scoringJobHandler({ lib }))`; enqueue after `media.process` has finished.
import type { Library } from '../library/library.js';
import type { JobHandler } from '../jobs/queue.js';
import { ScoringError } from './scoring-errors.js';
import { saveScoreReport } from './library-scores.js';
import { scoreMedia, type ScoreOptions } from './scoring-service.js';

export { MEDIA_SCORE } from './job-kind.js';

export function scoringJobHandler(o: { lib: Library; options?: Omit<ScoreOptions, 'signal' | 'thumbnailOut'> }): JobHandler {
  return {
    async run({ job, signal, progress }) {
      const item = job.itemId ? o.lib.getItem(job.itemId) : null;
      if (!item) throw new ScoringError('SOURCE_MISSING', `library item ${job.itemId ?? '(none)'} no longer exists`);
      progress(5, null, 'decoding frames');
      const r = await scoreMedia(item.path, { ...o.options, signal });
      progress(95, null, 'storing scores');
      saveScoreReport(o.lib, item.id, r);
      return { label: r.label, reason: r.reason, frames: r.frames.length, thumbnail: r.thumbnail, modelSha256: r.model.sha256 };
    },
  };
}
