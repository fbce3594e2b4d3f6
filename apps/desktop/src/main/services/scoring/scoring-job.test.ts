// The media.score job on a real SQLite library and job queue: scores land in the scores table, and a
// file without video fails the job (no retry) with the scoring error's message.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../library/db.js';
import { Library } from '../library/library.js';
import { JobQueue } from '../jobs/queue.js';
import { resolveBinaries } from '../media/binaries.js';
import { MEDIA_SCORE, scoringJobHandler } from './scoring-job.js';

let dir = '';
let db: Db;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-score-job-'));
  const ff = resolveBinaries().ffmpeg.path;
  execFileSync(ff, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=320x240:d=2:r=10', '-pix_fmt', 'yuv420p', join(dir, 'clip.mp4')]);
  execFileSync(ff, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=d=1', join(dir, 'voice.wav')]);
  db = openDb(join(dir, 'data'));
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function addItem(lib: Library, path: string, hash: string) {
  return lib.insertItem({ kind: 'video', path, fileName: basename(path), title: basename(path), contentHash: hash, sizeBytes: statSync(path).size, mtimeMs: 0 });
}

describe('media.score job', () => {
  it('stores the label, class probabilities and quality of an item in the library', async () => {
    const lib = new Library(db);
    const queue = new JobQueue(db, { concurrency: 1, pollMs: 50 }).register(MEDIA_SCORE, scoringJobHandler({ lib, options: { sampling: { maxFrames: 4 } } }));
    const clip = addItem(lib, join(dir, 'clip.mp4'), 'a'.repeat(64));
    const bad = addItem(lib, join(dir, 'voice.wav'), 'b'.repeat(64));
    const ok = queue.enqueue(MEDIA_SCORE, { itemId: clip.id });
    const fail = queue.enqueue(MEDIA_SCORE, { itemId: bad.id, maxAttempts: 3 });
    queue.start();
    const [done, failed] = await Promise.all([queue.waitFor(ok.id), queue.waitFor(fail.id)]);
    await queue.stop();

    expect(done.state).toBe('done');
    expect((done.result as { label: string; frames: number }).label).toBe('safe');
    expect((done.result as { frames: number }).frames).toBe(4);
    const scores = lib.scores(clip.id);
    const get = (model: string, label: string) => scores.find((s) => s.model === model && s.label === label)?.score;
    expect(get('content-label', 'safe')).toBe(1);
    expect(get('nsfw-mobilenet-v2', 'max:Drawing')).toBeGreaterThan(0.5);
    expect(get('quality', 'sharpness')).toBeGreaterThan(0);

    expect(failed.state).toBe('failed');
    expect(failed.attempts).toBe(1); // a bad file is not retried
    expect(failed.error).toMatch(/nothing to score.*audio-only/);
    expect(lib.scores(bad.id)).toEqual([]);
  });
});
