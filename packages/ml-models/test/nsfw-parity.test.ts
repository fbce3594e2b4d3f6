// The converted ONNX model must give nsfwjs's probabilities (on @tensorflow/tfjs, pure JS CPU) for the same
// images, to 1e-3. This is the check that the converter got every layer, padding and weight layout right.
import { describe, expect, it } from 'vitest';
import { getNsfwClassifier } from '../src/classifier/nsfw-classifier.js';
import { NSFW_CLASSES } from '../src/nsfw/nsfw-classes.js';
import { loadReferenceClassifier } from '../src/reference/nsfwjs-reference.js';
import { syntheticImage } from './synthetic-images.js';

describe('ONNX classifier parity with nsfwjs on tfjs', () => {
  it('matches class probabilities to max abs diff <= 1e-3 over 50 varied generated images', async () => {
    const reference = await loadReferenceClassifier();
    const images = Array.from({ length: 50 }, (_, i) => syntheticImage(i + 1));
    const ours = await (await getNsfwClassifier()).classify(images, { batchSize: 16 });
    let maxDiff = 0;
    const argmaxSeen = new Set<string>();
    for (let i = 0; i < images.length; i++) {
      const ref = await reference.infer(images[i]!);
      NSFW_CLASSES.forEach((cls, j) => (maxDiff = Math.max(maxDiff, Math.abs(ours[i]![cls] - ref[j]!))));
      argmaxSeen.add(NSFW_CLASSES[ref.indexOf(Math.max(...ref))]!);
    }
    reference.dispose();
    console.log(`parity: max abs diff ${maxDiff.toExponential(2)} over ${images.length} images; top classes seen: ${[...argmaxSeen].join(', ')}`);
    expect(maxDiff).toBeLessThanOrEqual(1e-3);
    // Varied inputs: the reference itself must not give one answer for everything.
    expect(argmaxSeen.size).toBeGreaterThanOrEqual(2);
    // tfjs's pure-JS CPU backend needs 1-3 s per image on a shared 2-core machine.
  }, 300_000);
});
