// Stores a score report in the library's scores table (one row per model and label), so `info <id>`, the
// UI and the catalog read the content label and quality without rescoring.
import type { Library } from '../library/library.js';
import type { ScoreReport } from './scoring-service.js';

export const SCORE_MODELS = { content: 'nsfw-mobilenet-v2', quality: 'quality', label: 'content-label' } as const;

export function saveScoreReport(lib: Library, itemId: string, r: ScoreReport): void {
  const content: Record<string, number> = {};
  for (const [cls, v] of Object.entries(r.aggregate.mean)) content[`mean:${cls}`] = v;
  for (const [cls, v] of Object.entries(r.aggregate.max)) content[`max:${cls}`] = v.probability;
  lib.setScores(itemId, SCORE_MODELS.content, content);
  // The label as a one-hot row, so a query can filter on label = 'safe' AND score = 1.
  lib.setScores(itemId, SCORE_MODELS.label, { safe: r.label === 'safe' ? 1 : 0, suggestive: r.label === 'suggestive' ? 1 : 0, explicit: r.label === 'explicit' ? 1 : 0 });
  const best = r.thumbnail ? r.frames.find((f) => f.timeSec === r.thumbnail!.timeSec) : r.frames[0];
  if (best) {
    lib.setScores(itemId, SCORE_MODELS.quality, {
      sharpness: best.quality.sharpness,
      exposure: best.quality.exposure.score,
      noise: best.quality.noise,
      colourfulness: best.quality.colourfulness,
      ...(r.thumbnail ? { thumbnail_time_s: r.thumbnail.timeSec } : {}),
    });
  }
}
