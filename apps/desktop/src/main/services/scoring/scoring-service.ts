// Scores a photo or video on this machine: decodes frames with ffmpeg, runs the ONNX content classifier
// and the technical quality metrics on each, rolls them up (max/mean per class, most severe label), and
// picks a safe, sharp, well-exposed thumbnail. Nothing leaves the device. Bad input is refused early with a
// ScoringError whose code says why; the source file is only ever read.
import { stat } from 'node:fs/promises';
import {
  DEFAULT_LABEL_THRESHOLDS,
  aggregateFrameScores,
  chooseThumbnail,
  getNsfwClassifier,
  labelFromProbabilities,
  measureQuality,
  type AggregatedScores,
  type ClassProbabilities,
  type ContentLabel,
  type LabelThresholds,
  type QualityMetrics,
  type ThumbnailChoice,
} from '@fanz/ml-models';
import { probe } from '../media/probe.js';
import { MediaError } from '../media/errors.js';
import { readJpegExif, orientationFilter, orientationSwapsAxes } from '../media/exif.js';
import { readImageHeader } from './image-header.js';
import { DEFAULT_SAMPLING, decodeStill, extractFrameJpeg, sampleVideoFrames, type SampledFrame, type SamplingOptions } from './frame-decoder.js';
import { ScoringError } from './scoring-errors.js';
import { readHead } from '../media/file-head.js';

/** Refuse images larger than this before decoding (a 20000x20000 RGB buffer would be 1.2 GB). */
export const MAX_IMAGE_PIXELS = 100_000_000;
export const MAX_IMAGE_SIDE = 16_384;
/** Below this the classifier would be guessing from a handful of upscaled pixels. */
export const MIN_IMAGE_SIDE = 16;
/** Photos are analysed at this long edge (quality metrics are resolution dependent; this fixes the scale). */
export const PHOTO_ANALYSIS_SIDE = 1024;

export interface ScoreOptions {
  sampling?: Partial<SamplingOptions>;
  thresholds?: LabelThresholds;
  /** Also write the chosen thumbnail frame as a JPEG here. */
  thumbnailOut?: string;
  batchSize?: number;
  signal?: AbortSignal;
}

export interface FrameReport {
  timeSec: number;
  probabilities: ClassProbabilities;
  label: ContentLabel;
  quality: QualityMetrics;
}

export interface ScoreReport {
  path: string;
  kind: 'photo' | 'video';
  label: ContentLabel;
  reason: string;
  thresholds: LabelThresholds;
  aggregate: AggregatedScores;
  frames: FrameReport[];
  sampling: { mode: SamplingOptions['mode'] | 'single'; frames: number; width: number; height: number };
  thumbnail: (ThumbnailChoice & { file?: string }) | null;
  thumbnailReason: string;
  model: { id: string; sha256: string };
  timingsMs: { decode: number; classify: number; quality: number; total: number };
}

function checkImageSize(width: number, height: number, format: string): void {
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new ScoringError(
      'IMAGE_TOO_LARGE',
      `the ${format} header declares ${width}x${height} pixels; the limit is ${MAX_IMAGE_SIDE} px a side and ${MAX_IMAGE_PIXELS / 1e6} megapixels, so it was not decoded`,
    );
  }
  if (width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE) {
    throw new ScoringError('IMAGE_TOO_SMALL', `the image is ${width}x${height} pixels; scoring needs at least ${MIN_IMAGE_SIDE}x${MIN_IMAGE_SIDE}`);
  }
}

async function decodeFrames(path: string, sampling: SamplingOptions, signal?: AbortSignal): Promise<{ kind: 'photo' | 'video'; frames: SampledFrame[] }> {
  const head = await readHead(path, 256 * 1024);
  const header = readImageHeader(head);
  if (header && 'error' in header) throw new ScoringError('CORRUPT_MEDIA', `damaged ${header.format} file: ${header.error}`);
  if (header) {
    checkImageSize(header.width, header.height, header.format.toUpperCase());
    const orientation = header.format === 'jpeg' ? readJpegExif(head).orientation : 1;
    const image = await decodeStill(path, header.width, header.height, PHOTO_ANALYSIS_SIDE, orientationFilter(orientation), orientationSwapsAxes(orientation), signal);
    return { kind: 'photo', frames: [{ timeSec: 0, image }] };
  }
  let info;
  try {
    info = await probe(path);
  } catch (err) {
    if (err instanceof MediaError && err.code === 'INVALID_MEDIA') throw new ScoringError('CORRUPT_MEDIA', err.message);
    throw err;
  }
  if (!info.video) {
    const what = info.audio ? `an audio-only file (${info.audio.codec})` : 'a file without a video stream';
    throw new ScoringError('NO_VIDEO_STREAM', `nothing to score: ${path} is ${what}`);
  }
  const swap = info.video.rotation === 90 || info.video.rotation === 270;
  const [w, h] = swap ? [info.video.height, info.video.width] : [info.video.width, info.video.height];
  if (info.isStillImage || info.durationS === null) {
    // Formats we do not parse ourselves (TIFF, ...): ffprobe read the header, so the size check still comes first.
    checkImageSize(w, h, info.video.codec);
    const image = await decodeStill(path, w, h, PHOTO_ANALYSIS_SIDE, null, false, signal);
    return { kind: 'photo', frames: [{ timeSec: 0, image }] };
  }
  if (w < MIN_IMAGE_SIDE || h < MIN_IMAGE_SIDE) throw new ScoringError('IMAGE_TOO_SMALL', `the video is ${w}x${h} pixels; scoring needs at least ${MIN_IMAGE_SIDE}x${MIN_IMAGE_SIDE}`);
  return { kind: 'video', frames: await sampleVideoFrames(path, w, h, info.durationS, sampling, signal) };
}

export async function scoreMedia(path: string, options: ScoreOptions = {}): Promise<ScoreReport> {
  const started = performance.now();
  const sampling: SamplingOptions = { ...DEFAULT_SAMPLING, ...options.sampling };
  if (!(sampling.maxFrames >= 1 && sampling.maxFrames <= 256)) throw new RangeError('sampling.maxFrames must be between 1 and 256');
  const thresholds = options.thresholds ?? DEFAULT_LABEL_THRESHOLDS;
  const st = await stat(path).catch(() => null);
  if (!st || !st.isFile()) throw new ScoringError('SOURCE_MISSING', `no such file: ${path}`);
  if (st.size === 0) throw new ScoringError('SOURCE_EMPTY', `the file is empty: ${path}`);

  const { kind, frames } = await decodeFrames(path, sampling, options.signal);
  const decoded = performance.now();
  const classifier = await getNsfwClassifier();
  const probs = await classifier.classify(frames.map((f) => f.image), { batchSize: options.batchSize ?? 16 });
  const classified = performance.now();
  const reports: FrameReport[] = frames.map((f, i) => ({
    timeSec: f.timeSec,
    probabilities: probs[i]!,
    label: labelFromProbabilities(probs[i]!, thresholds).label,
    quality: measureQuality(f.image),
  }));
  const measured = performance.now();
  const aggregate = aggregateFrameScores(reports, thresholds);
  const pick = chooseThumbnail(reports);
  let thumbnail: ScoreReport['thumbnail'] = pick.choice;
  if (thumbnail && options.thumbnailOut) {
    await extractFrameJpeg(path, thumbnail.timeSec, options.thumbnailOut, options.signal);
    thumbnail = { ...thumbnail, file: options.thumbnailOut };
  }
  const first = frames[0]!.image;
  return {
    path,
    kind,
    label: aggregate.label,
    reason: aggregate.reason,
    thresholds,
    aggregate,
    frames: reports,
    sampling: { mode: kind === 'photo' ? 'single' : sampling.mode, frames: frames.length, width: first.width, height: first.height },
    thumbnail,
    thumbnailReason: pick.reason,
    model: { id: 'nsfw-mobilenet-v2', sha256: classifier.modelSha256 },
    timingsMs: {
      decode: Math.round(decoded - started),
      classify: Math.round(classified - decoded),
      quality: Math.round(measured - classified),
      total: Math.round(performance.now() - started),
    },
  };
}
