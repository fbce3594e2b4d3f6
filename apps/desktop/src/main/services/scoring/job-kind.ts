// The scoring job's kind, in a module of its own so the studio can register and enqueue it without loading
// onnxruntime and the model (scoring-job.ts pulls both in).
export const MEDIA_SCORE = 'media.score';
