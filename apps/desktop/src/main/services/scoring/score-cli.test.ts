// The `score` command through the real CLI process: one JSON document on stdout, errors with their code.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBinaries } from '../media/binaries.js';
import { runCli } from '../../../../test/helpers/cli.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-score-cli-'));
  execFileSync(resolveBinaries().ffmpeg.path, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=320x240', '-frames:v', '1', join(dir, 'photo.png')]);
  execFileSync(resolveBinaries().ffmpeg.path, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=d=1', join(dir, 'audio.wav')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('studio CLI score', () => {
  it('prints labels, probabilities, quality and the thumbnail as one JSON document', async () => {
    const r = await runCli(['score', join(dir, 'photo.png'), '--json', '--data-dir', join(dir, 'data')]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { label: string; frames: { probabilities: Record<string, number>; quality: { sharpness: number } }[]; thumbnail: { timeSec: number } | null };
    expect(doc.label).toBe('safe');
    expect(Object.keys(doc.frames[0]!.probabilities).sort()).toEqual(['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']);
    expect(doc.frames[0]!.quality.sharpness).toBeGreaterThan(0);
    expect(doc.thumbnail?.timeSec).toBe(0);
  });

  it('fails with the scoring error code for a file without video', async () => {
    const r = await runCli(['score', join(dir, 'audio.wav'), '--json', '--data-dir', join(dir, 'data')]);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { error: { message: string } }).error.message).toMatch(/^\[NO_VIDEO_STREAM\] nothing to score/);
  });
});
