// The converted ONNX model must give nsfwjs's probabilities (on @tensorflow/tfjs, pure JS CPU) for the same
// images, to 1e-3. This is the check that the converter got every layer, padding and weight layout right.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as nsfwjs from 'nsfwjs';
import { getNsfwClassifier } from '../src/classifier/nsfw-classifier.js';
import { NSFW_CLASSES } from '../src/nsfw/nsfw-classes.js';
import { syntheticImage } from './synthetic-images.js';

describe('ONNX classifier parity with nsfwjs on tfjs', () => {
  it('matches class probabilities to max abs diff <= 1e-3 over 50 varied generated images', async () => {
    await tf.setBackend('cpu');
    const reference = await nsfwjs.load('MobileNetV2');
    const images = Array.from({ length: 50 }, (_, i) => syntheticImage(i + 1));
    const ours = await (await getNsfwClassifier()).classify(images, { batchSize: 16 });
    let maxDiff = 0;
    const argmaxSeen = new Set<string>();
    for (let i = 0; i < images.length; i++) {
      const img = images[i]!;
      const input = tf.tensor3d(Int32Array.from(img.data), [img.height, img.width, 3], 'int32');
      const out = reference.infer(input) as tf.Tensor;
      const ref = await out.data();
      input.dispose();
      out.dispose();
      NSFW_CLASSES.forEach((cls, j) => (maxDiff = Math.max(maxDiff, Math.abs(ours[i]![cls] - ref[j]!))));
      argmaxSeen.add(NSFW_CLASSES[ref.indexOf(Math.max(...ref))]!);
    }
    reference.dispose();
    console.log(`parity: max abs diff ${maxDiff.toExponential(2)} over ${images.length} images; top classes seen: ${[...argmaxSeen].join(', ')}`);
    expect(maxDiff).toBeLessThanOrEqual(1e-3);
    // Varied inputs: the reference itself must not give one answer for everything.
    expect(argmaxSeen.size).toBeGreaterThanOrEqual(2);
  });
});
