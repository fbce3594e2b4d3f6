// @fanz/ml-models: local, private content scoring. ONNX models built from npm-shipped weights, their
// inference wrappers, technical quality metrics, thumbnail choice and the creator's engagement model.
export type { RgbImage } from './image.js';
export { InvalidImageError, assertRgbImage } from './image.js';
export { NSFW_CLASSES, NSFW_INPUT_SIZE, type NsfwClass } from './nsfw/nsfw-classes.js';
export { ensureNsfwModel, NSFW_MODEL_PATH, NSFW_MODEL_ID } from './nsfw/build-nsfw-model.js';
export { NsfwClassifier, getNsfwClassifier, type ClassifierOptions } from './classifier/nsfw-classifier.js';
export {
  DEFAULT_LABEL_THRESHOLDS,
  labelFromProbabilities,
  moreSevere,
  publishWarnings,
  validateThresholds,
  type ClassProbabilities,
  type ContentLabel,
  type LabelDecision,
  type LabelThresholds,
  type Placement,
} from './classifier/labels.js';
export { aggregateFrameScores, type AggregatedScores, type FrameScore } from './classifier/aggregate.js';
export { measureQuality, lumaPlane, sharpnessAndNoise, colourfulness, exposureFromLuma, type QualityMetrics } from './quality/quality-metrics.js';
export { OnnxQualityFilters, buildQualityGraph } from './quality/quality-onnx.js';
export { chooseThumbnail, THUMBNAIL_WEIGHTS, type ThumbnailCandidate, type ThumbnailChoice } from './thumbnail/best-thumbnail.js';
export {
  EngagementModel,
  MIN_HISTORY_POSTS,
  MIN_EVIDENCE_POSTS,
  linearModelToOnnx,
  type EngagementPrediction,
  type NotEnoughHistory,
  type EngagementOptions,
  type Insight,
} from './engagement/engagement-model.js';
export { draftPostSchema, historyPostSchema, type DraftPost, type HistoryPost } from './engagement/post-features.js';
