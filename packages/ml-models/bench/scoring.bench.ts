// Throughput of the content classifier: our ONNX model on onnxruntime-node vs the reference nsfwjs on
// @tensorflow/tfjs (pure JS CPU backend), same images, same run, at batch 1 and batch 16. Also the quality
// filters in plain TS vs as an ONNX graph (the measurement behind choosing TS). Prints ratios.
// Run: npm run bench -- scoring
import { getNsfwClassifier } from '../src/classifier/nsfw-classifier.js';
import { loadReferenceClassifier } from '../src/reference/nsfwjs-reference.js';
import { lumaPlane, sharpnessAndNoise } from '../src/quality/quality-metrics.js';
import { OnnxQualityFilters } from '../src/quality/quality-onnx.js';
import type { RgbImage } from '../src/image.js';
import { makeImage, prng } from '../test/synthetic-images.js';

const frames: RgbImage[] = Array.from({ length: 16 }, (_, k) => {
  const rnd = prng(k + 1);
  const c = [rnd() * 255, rnd() * 255, rnd() * 255];
  return makeImage(640, 360, (x, y) => [(c[0]! + x) % 256, (c[1]! + y) % 256, (c[2]! + ((x * y) >> 6)) % 256]);
});

async function timeIt(label: string, images: number, minMs: number, fn: () => Promise<void>): Promise<number> {
  await fn(); // warm-up (session/kernels)
  let n = 0;
  const start = performance.now();
  do {
    await fn();
    n++;
  } while (performance.now() - start < minMs);
  const perSec = (n * images * 1000) / (performance.now() - start);
  console.log(`  ${label.padEnd(44)} ${perSec.toFixed(2).padStart(8)} images/s  (${n * images} images)`);
  return perSec;
}

const reference = await loadReferenceClassifier();
const ours = await getNsfwClassifier();

console.log('nsfw classifier, 640x360 RGB frames (preprocessing included):');
const results: Record<string, { onnx: number; tfjs: number }> = {};
for (const batch of [1, 16]) {
  const imgs = frames.slice(0, batch);
  const onnx = await timeIt(`ONNX (onnxruntime-node) batch ${batch}`, batch, 4000, async () => {
    await ours.classify(imgs, { batchSize: batch });
  });
  const tfjs = await timeIt(`nsfwjs on tfjs (cpu) batch ${batch}`, batch, batch === 1 ? 6000 : 1, async () => {
    await reference.inferBatch(imgs);
  });
  results[batch] = { onnx, tfjs };
  console.log(`  ratio ONNX / tfjs at batch ${batch}: ${(onnx / tfjs).toFixed(1)}x`);
}

console.log('\nquality filters (Laplacian variance + Immerkaer noise) on 640x360 luma:');
const luma = lumaPlane(frames[0]!);
const q = await OnnxQualityFilters.open();
const tsRate = await timeIt('plain TypeScript', 1, 1500, async () => {
  sharpnessAndNoise(luma, 640, 360);
});
const onnxRate = await timeIt('ONNX graph (Conv + reductions)', 1, 1500, async () => {
  await q.sharpnessAndNoise(luma, 640, 360);
});
console.log(`  ratio TS / ONNX: ${(tsRate / onnxRate).toFixed(2)}x (${tsRate >= onnxRate ? 'TS' : 'ONNX'} is faster; TS is the default)`);
await q.close();
reference.dispose();
console.log(`\nsummary: batch1 ${(results[1]!.onnx / results[1]!.tfjs).toFixed(1)}x, batch16 ${(results[16]!.onnx / results[16]!.tfjs).toFixed(1)}x (goal >= 5x)`);
