// The content classifier: one onnxruntime session per model file, created once and reused by every call,
// fed in batches. Preprocessing is the reference's (see preprocess.ts), so results match nsfwjs.
import * as ort from 'onnxruntime-node';
import { NSFW_CLASSES, NSFW_INPUT_SIZE } from '../nsfw/nsfw-classes.js';
import { ensureNsfwModel } from '../nsfw/build-nsfw-model.js';
import type { RgbImage } from '../image.js';
import { preprocessInto } from './preprocess.js';
import type { ClassProbabilities } from './labels.js';

export interface ClassifierOptions {
  /** Images per onnxruntime run; 16 is a good default on CPU. */
  batchSize?: number;
}

export class NsfwClassifier {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly modelPath: string,
    readonly modelSha256: string,
  ) {}

  /** Prefer `getNsfwClassifier()`, which shares one session per model file. */
  static async open(opts: { modelPath?: string; threads?: number } = {}): Promise<NsfwClassifier> {
    let path = opts.modelPath;
    let sha = 'unverified';
    if (!path) {
      const ensured = ensureNsfwModel();
      path = ensured.path;
      sha = ensured.sha256;
    }
    const session = await ort.InferenceSession.create(path, {
      graphOptimizationLevel: 'all',
      ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
    });
    return new NsfwClassifier(session, path, sha);
  }

  async classify(images: RgbImage[], opts: ClassifierOptions = {}): Promise<ClassProbabilities[]> {
    const batchSize = opts.batchSize ?? 16;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    const per = NSFW_INPUT_SIZE * NSFW_INPUT_SIZE * 3;
    const results: ClassProbabilities[] = [];
    for (let start = 0; start < images.length; start += batchSize) {
      const batch = images.slice(start, start + batchSize);
      const input = new Float32Array(batch.length * per);
      batch.forEach((img, i) => preprocessInto(img, NSFW_INPUT_SIZE, input, i * per));
      const feeds = { input: new ort.Tensor('float32', input, [batch.length, NSFW_INPUT_SIZE, NSFW_INPUT_SIZE, 3]) };
      const out = await this.session.run(feeds);
      const probs = out.probabilities!.data as Float32Array;
      for (let i = 0; i < batch.length; i++) {
        const row = {} as ClassProbabilities;
        NSFW_CLASSES.forEach((cls, j) => (row[cls] = probs[i * NSFW_CLASSES.length + j]!));
        results.push(row);
      }
    }
    return results;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

const shared = new Map<string, Promise<NsfwClassifier>>();

/** The process-wide classifier for a model file (default: the built nsfw model), opened on first use. */
export function getNsfwClassifier(modelPath?: string): Promise<NsfwClassifier> {
  const key = modelPath ?? '<default>';
  let p = shared.get(key);
  if (!p) {
    p = NsfwClassifier.open(modelPath ? { modelPath } : {});
    p.catch(() => shared.delete(key)); // a failed open may be retried later
    shared.set(key, p);
  }
  return p;
}
