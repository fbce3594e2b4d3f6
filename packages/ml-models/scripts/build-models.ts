// `npm run build:models`: converts the pretrained models shipped in npm packages into ONNX files under
// models/ and records their sha256 in models/manifest.json. Safe to run repeatedly (same bytes each run).
import { ensureNsfwModel } from '../src/nsfw/build-nsfw-model.js';

const started = Date.now();
const result = ensureNsfwModel({ updateManifest: true });
console.log(
  `${result.path}\n  sha256 ${result.sha256}\n  ${result.rebuilt ? 'written' : 'unchanged'} in ${Date.now() - started} ms`,
);
