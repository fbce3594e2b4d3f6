import { describe, expect, it } from 'vitest';
import { cueAt, parseThumbnailsVtt } from './thumbnails';

// The form the studio writes (apps/desktop/src/main/services/media/sprite-vtt.ts).
const VTT = [
  'WEBVTT',
  '',
  '00:00:00.000 --> 00:00:02.000',
  'sprite_001.jpg#xywh=0,0,160,90',
  '',
  '00:00:02.000 --> 00:00:04.000',
  'sprite_001.jpg#xywh=160,0,160,90',
  '',
  '00:01:04.000 --> 00:01:05.500',
  'sprite_002.jpg#xywh=0,90,160,90',
  '',
].join('\r\n');

describe('sprite thumbnails from WebVTT', () => {
  const base = 'https://fans.example/api/v1/media/med_1/s/tok/sprite/thumbnails.vtt';
  const cues = parseThumbnailsVtt(VTT, base);

  it('reads every cue with its sheet URL resolved against the VTT and its crop', () => {
    expect(cues).toEqual([
      { start: 0, end: 2, url: 'https://fans.example/api/v1/media/med_1/s/tok/sprite/sprite_001.jpg', x: 0, y: 0, w: 160, h: 90 },
      { start: 2, end: 4, url: 'https://fans.example/api/v1/media/med_1/s/tok/sprite/sprite_001.jpg', x: 160, y: 0, w: 160, h: 90 },
      { start: 64, end: 65.5, url: 'https://fans.example/api/v1/media/med_1/s/tok/sprite/sprite_002.jpg', x: 0, y: 90, w: 160, h: 90 },
    ]);
  });

  it('finds the cue for a time, the last one past the end, none for a gap or an empty file', () => {
    expect(cueAt(cues, 0)?.x).toBe(0);
    expect(cueAt(cues, 2)?.x).toBe(160);
    expect(cueAt(cues, 3.99)?.x).toBe(160);
    expect(cueAt(cues, 10)).toBeNull();
    expect(cueAt(cues, 99)?.y).toBe(90);
    expect(cueAt(parseThumbnailsVtt('WEBVTT\n\nnot a cue', base), 1)).toBeNull();
  });
});
