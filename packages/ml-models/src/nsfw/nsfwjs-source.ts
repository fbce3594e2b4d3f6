// Reads the MobileNetV2 model that the nsfwjs npm package ships (a Keras-layers model.json and a base64
// weight shard, both wrapped as UMD JavaScript modules) without loading TensorFlow.js.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TfjsLayersModel } from './keras-to-onnx.js';

const require = createRequire(import.meta.url);

export interface NsfwjsSource {
  version: string;
  model: TfjsLayersModel;
  weightBytes: Uint8Array;
  /** sha256 of each source file, keyed by its path inside the nsfwjs package. */
  files: Record<string, string>;
}

/** The nsfwjs package directory (its exports map hides package.json, so walk up from the entry point). */
export function nsfwjsPackageDir(): string {
  return dirname(dirname(dirname(require.resolve('nsfwjs'))));
}

export function readNsfwjsMobileNetV2(): NsfwjsSource {
  const dir = nsfwjsPackageDir();
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; name: string };
  if (pkg.name !== 'nsfwjs') throw new Error(`expected the nsfwjs package at ${dir}, found ${pkg.name}`);
  const files: Record<string, string> = {};
  const load = (rel: string): unknown => {
    const abs = join(dir, rel);
    files[rel] = createHash('sha256').update(readFileSync(abs)).digest('hex');
    return require(abs) as unknown;
  };
  const model = load('dist/models/mobilenet_v2/model.min.js') as TfjsLayersModel;
  const parts: Buffer[] = [];
  for (const group of model.weightsManifest) {
    for (const path of group.paths) {
      const shard = load(`dist/models/mobilenet_v2/${path}.min.js`);
      if (typeof shard !== 'string') throw new Error(`nsfwjs shard ${path} is not a base64 string`);
      parts.push(Buffer.from(shard, 'base64'));
    }
  }
  const joined = Buffer.concat(parts);
  return { version: pkg.version, model, weightBytes: new Uint8Array(joined.buffer, joined.byteOffset, joined.length), files };
}
