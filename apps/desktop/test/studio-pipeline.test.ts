// The studio UI's import path end to end on real ffmpeg, ONNX and SQLite: an import is attested in the device
// ledger, its renditions are made, and local scoring follows on its own; the ledger still verifies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileSecretBox } from '../src/main/services/account/account-store.js';
import { openBackend, type StudioBackend } from '../src/main/studio-backend.js';
import { makeTempDir, makeVideo } from './helpers/fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let backend: StudioBackend;

beforeAll(async () => {
  tmp = await makeTempDir('fanz-pipeline-');
  backend = openBackend({ dataDir: join(tmp.dir, 'studio'), defaultServerUrl: 'http://127.0.0.1:9', mode: 'browser', box: fileSecretBox, concurrency: 1 });
});

afterAll(async () => {
  await backend?.close();
  await tmp?.cleanup();
});

/** The item's job of `kind` once it has settled, through the queue's own waitFor (its events, and the database). */
async function settledJob(itemId: string, kind: string) {
  const job = backend.studio.queue.list({ itemId, limit: 20 }).find((j) => j.kind === kind);
  if (!job) throw new Error(`no ${kind} job for ${itemId}`);
  return backend.studio.queue.waitFor(job.id);
}

describe('studio import pipeline', () => {
  it('attests the import in the signed ledger, makes renditions, then scores the item locally', async () => {
    const src = await makeVideo(join(tmp.dir, 'clip one.mp4'), { width: 320, height: 240, durationS: 2 });
    const r = await backend.api.importPaths({ paths: [src] });
    expect(r.imported).toBe(1);
    const [item] = backend.studio.lib.list({ limit: 10 }).items;
    expect(item).toBeDefined();

    const entries = backend.ledger.entries();
    expect(entries.map((e) => e.kind)).toEqual(['import']);
    expect(entries[0]!.body).toMatchObject({ itemId: item!.id, sha256: item!.contentHash, kind: 'video' });

    // Scoring is queued by the processing job before it finishes, so it exists once processing has settled.
    expect((await settledJob(item!.id, 'media.process')).state).toBe('done');
    expect((await settledJob(item!.id, 'media.score')).state).toBe('done');
    const jobs = backend.studio.queue.list({ itemId: item!.id, limit: 20 });
    expect(jobs.map((j) => [j.kind, j.state]).sort()).toEqual([
      ['media.process', 'done'],
      ['media.score', 'done'],
    ]);
    const scores = backend.studio.lib.scores(item!.id);
    const of = (model: string) => scores.filter((s) => s.model === model);
    // One label, one-hot; the classifier's mean class probabilities sum to 1; the thumbnail frame has a sharpness.
    expect(of('content-label').map((s) => s.label).sort()).toEqual(['explicit', 'safe', 'suggestive']);
    expect(of('content-label').reduce((n, s) => n + s.score, 0)).toBe(1);
    const means = of('nsfw-mobilenet-v2').filter((s) => s.label.startsWith('mean:'));
    expect(means).toHaveLength(5);
    expect(means.reduce((n, s) => n + s.score, 0)).toBeCloseTo(1, 3);
    expect(of('quality').find((s) => s.label === 'sharpness')?.score).toBeGreaterThan(0);

    expect(backend.ledger.verify()).toMatchObject({ ok: true, entries: 1 });
  });
});
