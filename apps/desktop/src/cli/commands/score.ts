// `score <path|id>`: content label with class probabilities, technical quality and the chosen thumbnail,
// computed locally (ONNX). With a library item id the scores are also stored in the library.
import { existsSync } from 'node:fs';
import type { Command } from '../command.js';
import { EXIT, CliError } from '../exit-codes.js';
import { scoreMedia, type ScoreOptions } from '../../main/services/scoring/scoring-service.js';
import { ScoringError } from '../../main/services/scoring/scoring-errors.js';
import { saveScoreReport } from '../../main/services/scoring/library-scores.js';
import { DEFAULT_LABEL_THRESHOLDS } from '@fanz/ml-models';
import { numberOption } from '../options.js';

export const scoreCommand: Command = {
  name: 'score',
  summary: 'Label (explicit/suggestive/safe), class probabilities, quality and best thumbnail of a photo or video',
  usage: 'score <path|id> [--mode even|scene] [--frames N] [--thumbnail FILE] [--explicit P] [--suggestive P]',
  options: {
    mode: { type: 'string' },
    frames: { type: 'string' },
    thumbnail: { type: 'string' },
    explicit: { type: 'string' },
    suggestive: { type: 'string' },
  },
  async run(ctx) {
    const target = ctx.positionals[0];
    if (!target || ctx.positionals.length > 1) throw new CliError(EXIT.USAGE, 'score takes exactly one path or library item id');
    const mode = ctx.values.mode ?? 'even';
    if (mode !== 'even' && mode !== 'scene') throw new CliError(EXIT.USAGE, '--mode must be even or scene');
    const frames = numberOption(ctx.values.frames, 'frames', 1, 256);
    const opts: ScoreOptions = {
      sampling: { mode, ...(frames ? { maxFrames: Math.floor(frames) } : {}) },
      thresholds: {
        explicit: numberOption(ctx.values.explicit, 'explicit', 0.01, 1) ?? DEFAULT_LABEL_THRESHOLDS.explicit,
        suggestive: numberOption(ctx.values.suggestive, 'suggestive', 0.01, 1) ?? DEFAULT_LABEL_THRESHOLDS.suggestive,
      },
      signal: ctx.signal,
      ...(typeof ctx.values.thumbnail === 'string' ? { thumbnailOut: ctx.values.thumbnail } : {}),
    };
    let path = target;
    let itemId: string | null = null;
    if (!existsSync(target)) {
      const item = ctx.studio().lib.getItem(target);
      if (!item) throw new CliError(EXIT.NOT_FOUND, `no such file or library item: ${target}`);
      path = item.path;
      itemId = item.id;
    }
    ctx.out.note(`scoring ${path} locally...`);
    let r;
    try {
      r = await scoreMedia(path, opts);
    } catch (err) {
      if (err instanceof ScoringError) throw new CliError(EXIT.FAILED, `[${err.code}] ${err.message}`);
      throw err;
    }
    if (itemId) saveScoreReport(ctx.studio().lib, itemId, r);
    const data = { ...r, itemId, stored: itemId !== null };
    ctx.out.result(data, () => {
      const top = Object.entries(r.aggregate.max)
        .sort((a, b) => b[1].probability - a[1].probability)
        .map(([c, v]) => `${c} ${(v.probability * 100).toFixed(1)}%${r.kind === 'video' ? ` @${v.timeSec.toFixed(1)}s` : ''}`)
        .join(', ');
      const q = (r.frames.find((f) => f.timeSec === r.thumbnail?.timeSec) ?? r.frames[0]!).quality;
      return [
        `${r.kind} ${path}`,
        `label: ${r.label} (${r.reason})`,
        `${r.kind === 'video' ? `max over ${r.frames.length} ${r.sampling.mode}-sampled frames` : 'probabilities'}: ${top}`,
        `quality: sharpness ${q.sharpness.toFixed(0)}, exposure ${q.exposure.score.toFixed(2)} (${((q.exposure.clippedHighlights + q.exposure.clippedShadows) * 100).toFixed(1)}% clipped), noise ${q.noise.toFixed(1)}, colourfulness ${q.colourfulness.toFixed(0)}`,
        r.thumbnail ? `thumbnail: ${r.thumbnail.reason}${r.thumbnail.file ? ` -> ${r.thumbnail.file}` : ''}` : `thumbnail: none (${r.thumbnailReason})`,
        ...(itemId ? [`stored for item ${itemId}`] : []),
      ].join('\n');
    });
    return EXIT.OK;
  },
};
