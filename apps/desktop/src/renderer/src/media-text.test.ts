import { describe, expect, it } from 'vitest';
import { contentClasses, formatBytes, qualityText, renditionText } from './media-text';

describe('media text', () => {
  it('gives small files a size that is not zero', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(812)).toBe('812 bytes');
    expect(formatBytes(45_300)).toBe('45 KB');
    expect(formatBytes(2_345_678)).toBe('2.3 MB');
  });
  it('names renditions and classes in words, with no internal names', () => {
    expect(renditionText({ kind: 'hls_variant', width: 1280, height: 720, bandwidth: 866_000 })).toBe('Stream 720p (0.9 Mbit/s)');
    expect(renditionText({ kind: 'preview', width: 1, height: 1, bandwidth: null })).toBe('Blurred preview for locked posts');
    expect(contentClasses([{ model: 'nsfw-mobilenet-v2', label: 'max:Drawing', score: 0.95 }, { model: 'nsfw-mobilenet-v2', label: 'mean:Drawing', score: 0.5 }])).toEqual([
      { text: 'Drawing or illustration', percent: 95 },
    ]);
  });
  it('reads the quality score as a band out of 100', () => {
    expect(qualityText(87)).toBe('Excellent quality (87/100)');
    expect(qualityText(null)).toBe('Quality not checked yet');
  });
});
