// Builds the ONNX model before the tests when it is missing or its sha256 differs from the manifest.
import { ensureNsfwModel } from '../src/nsfw/build-nsfw-model.js';

export default function setup(): void {
  ensureNsfwModel();
}
