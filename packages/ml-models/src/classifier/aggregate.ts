// Per-frame classifier results rolled up for a video: max and mean per class, which frame holds each max,
// and the label of the most severe frame (a video is as explicit as its most explicit moment).
import { NSFW_CLASSES, type NsfwClass } from '../nsfw/nsfw-classes.js';
import { DEFAULT_LABEL_THRESHOLDS, labelFromProbabilities, moreSevere, type ClassProbabilities, type ContentLabel, type LabelThresholds } from './labels.js';

export interface FrameScore {
  /** Seconds from the start of the video (0 for a photo). */
  timeSec: number;
  probabilities: ClassProbabilities;
}

export interface AggregatedScores {
  frames: number;
  max: Record<NsfwClass, { probability: number; timeSec: number }>;
  mean: ClassProbabilities;
  label: ContentLabel;
  /** Times of the frames whose own label equals the overall label (why the video got it). */
  labelFrames: number[];
  reason: string;
}

export function aggregateFrameScores(frames: FrameScore[], thresholds: LabelThresholds = DEFAULT_LABEL_THRESHOLDS): AggregatedScores {
  if (frames.length === 0) throw new RangeError('cannot aggregate zero frames');
  const max = {} as AggregatedScores['max'];
  const mean = {} as ClassProbabilities;
  for (const cls of NSFW_CLASSES) {
    let best = frames[0]!;
    let sum = 0;
    for (const f of frames) {
      sum += f.probabilities[cls];
      if (f.probabilities[cls] > best.probabilities[cls]) best = f;
    }
    max[cls] = { probability: best.probabilities[cls], timeSec: best.timeSec };
    mean[cls] = sum / frames.length;
  }
  const decisions = frames.map((f) => ({ t: f.timeSec, d: labelFromProbabilities(f.probabilities, thresholds) }));
  const label = decisions.reduce<ContentLabel>((acc, x) => moreSevere(acc, x.d.label), 'safe');
  const labelFrames = decisions.filter((x) => x.d.label === label).map((x) => x.t);
  const first = decisions.find((x) => x.d.label === label)!;
  const reason =
    frames.length === 1
      ? first.d.reason
      : `${labelFrames.length} of ${frames.length} frames are ${label}; first at ${first.t.toFixed(2)} s: ${first.d.reason}`;
  return { frames: frames.length, max, mean, label, labelFrames, reason };
}
