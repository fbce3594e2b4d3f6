// Builds models/nsfw-mobilenet-v2.onnx from the nsfwjs package and checks it against the manifest.
// Deterministic: the same nsfwjs files give the same bytes, so the sha256 in the manifest pins the model.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertKerasToOnnx, decodeWeights } from './keras-to-onnx.js';
import { readNsfwjsMobileNetV2 } from './nsfwjs-source.js';
import { NSFW_CLASSES, NSFW_INPUT_SIZE } from './nsfw-classes.js';
import { MODELS_DIR, fileSha256, readManifest, sha256, type ModelManifestEntry } from '../model-files.js';

export const NSFW_MODEL_ID = 'nsfw-mobilenet-v2';
export const NSFW_MODEL_FILE = `${NSFW_MODEL_ID}.onnx`;
export const NSFW_MODEL_PATH = join(MODELS_DIR, NSFW_MODEL_FILE);

export interface BuiltModel {
  bytes: Uint8Array;
  entry: ModelManifestEntry;
}

/** Converts in memory; writes nothing. */
export function convertNsfwModel(): BuiltModel {
  const src = readNsfwjsMobileNetV2();
  const weights = decodeWeights(src.model.weightsManifest.flatMap((g) => g.weights), src.weightBytes);
  const bytes = convertKerasToOnnx(src.model, weights, {
    producerVersion: '1',
    docString:
      `MobileNetV2 content classifier from nsfwjs ${src.version} (MIT, Infinite Red), converted from its ` +
      `TensorFlow.js Keras-layers model. Input: RGB scaled to [0,1], NHWC ${NSFW_INPUT_SIZE}x${NSFW_INPUT_SIZE}.`,
    metadata: [
      ['source', `npm:nsfwjs@${src.version}/dist/models/mobilenet_v2`],
      ['license', 'MIT'],
      ['classes', NSFW_CLASSES.join(',')],
      ['preprocessing', 'rgb/255, bilinear resize align_corners to 224x224'],
    ],
  });
  return {
    bytes,
    entry: {
      file: NSFW_MODEL_FILE,
      sha256: sha256(bytes),
      bytes: bytes.length,
      opset: 13,
      input: { name: 'input', shape: ['batch', NSFW_INPUT_SIZE, NSFW_INPUT_SIZE, 3], layout: 'NHWC, RGB in [0,1]' },
      output: { name: 'probabilities', shape: ['batch', NSFW_CLASSES.length], classes: [...NSFW_CLASSES] },
      source: { package: 'nsfwjs', version: src.version, license: 'MIT', files: src.files },
    },
  };
}

function writeAtomically(path: string, bytes: Uint8Array | string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path); // readers never see a half-written model
}

export interface EnsureResult {
  path: string;
  sha256: string;
  rebuilt: boolean;
}

/**
 * Makes sure the model file exists and matches the manifest, rebuilding it when it is missing or differs.
 * With `updateManifest` (the `build:models` script) a changed build is recorded; otherwise a build whose
 * sha256 differs from the committed manifest is an error, because it means the source model changed.
 */
export function ensureNsfwModel(opts: { updateManifest?: boolean } = {}): EnsureResult {
  const manifest = readManifest();
  const recorded = manifest.models[NSFW_MODEL_ID];
  const existing = fileSha256(NSFW_MODEL_PATH);
  if (recorded && existing === recorded.sha256 && !opts.updateManifest) {
    return { path: NSFW_MODEL_PATH, sha256: existing, rebuilt: false };
  }
  const built = convertNsfwModel();
  if (recorded && recorded.sha256 !== built.entry.sha256 && !opts.updateManifest) {
    throw new Error(
      `the converted ${NSFW_MODEL_FILE} has sha256 ${built.entry.sha256} but the manifest records ` +
        `${recorded.sha256}; the nsfwjs source or the converter changed. Run \`npm run build:models -w @fanz/ml-models\` ` +
        'and review the manifest change.',
    );
  }
  mkdirSync(MODELS_DIR, { recursive: true });
  if (existing !== built.entry.sha256) writeAtomically(NSFW_MODEL_PATH, built.bytes);
  if (opts.updateManifest || !recorded) {
    manifest.models[NSFW_MODEL_ID] = built.entry;
    writeAtomically(join(MODELS_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  return { path: NSFW_MODEL_PATH, sha256: built.entry.sha256, rebuilt: existing !== built.entry.sha256 };
}
