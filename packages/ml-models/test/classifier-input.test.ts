// The classifier wrapper: shared session, batching that does not change results, and clear errors for
// malformed pixel buffers (the app decodes; this package must not trust what it is handed).
import { describe, expect, it } from 'vitest';
import { getNsfwClassifier } from '../src/classifier/nsfw-classifier.js';
import { InvalidImageError } from '../src/image.js';
import { syntheticImage } from './synthetic-images.js';

describe('nsfw classifier wrapper', () => {
  it('shares one session per model and gives the same probabilities whatever the batch size', async () => {
    const a = await getNsfwClassifier();
    expect(await getNsfwClassifier()).toBe(a);
    const images = Array.from({ length: 5 }, (_, i) => syntheticImage(100 + i));
    const one = await a.classify(images, { batchSize: 1 });
    const many = await a.classify(images, { batchSize: 4 });
    expect(many).toHaveLength(5);
    for (let i = 0; i < 5; i++) for (const k of Object.keys(one[i]!) as (keyof (typeof one)[0])[]) expect(Math.abs(many[i]![k] - one[i]![k])).toBeLessThan(1e-5);
  });

  it('rejects a pixel buffer that does not match its dimensions, and a bad batch size', async () => {
    const c = await getNsfwClassifier();
    await expect(c.classify([{ width: 10, height: 10, data: new Uint8Array(299) }])).rejects.toThrow(InvalidImageError);
    await expect(c.classify([{ width: 0, height: 10, data: new Uint8Array(0) }])).rejects.toThrow(/positive integers/);
    await expect(c.classify([syntheticImage(1)], { batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
  });
});
