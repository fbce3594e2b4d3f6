// Bad input through the whole pipeline (library + queue + ffmpeg): each bad file fails its own job with a
// clear reason, and the good item processed before them keeps its renditions and files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, readdir, stat, truncate, unlink, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStudio, type Studio } from '../src/main/services/studio.js';
import type { Job } from '../src/main/services/jobs/queue.js';
import { makeTempDir, makeVideo } from './helpers/fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let studio: Studio;
let good: { itemId: string; files: Record<string, number> };
let goodVideo: string;

async function listFiles(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out[p] = (await stat(p)).size;
    }
  };
  await walk(dir);
  return out;
}

async function importOne(path: string): Promise<{ itemId: string; job: Job }> {
  const r = await studio.import([path]);
  const job = r.jobs[0];
  const item = r.imported[0];
  if (!job || !item) throw new Error(`not imported: ${JSON.stringify(r.skipped)}`);
  return { itemId: item.id, job };
}

beforeAll(async () => {
  tmp = await makeTempDir();
  const media = join(tmp.dir, 'My Vidéos été 🌴');
  await mkdir(media);
  goodVideo = join(media, 'clip with spaces — ünïcödé.mp4');
  // 854x480 gives two rungs, whose var_stream_map has exactly one space (fluent-ffmpeg would split it).
  await makeVideo(goodVideo, { width: 854, height: 480, durationS: 3 });
  studio = openStudio({ dataDir: join(tmp.dir, 'studio data'), preset: 'ultrafast', concurrency: 1, pollMs: 50 });
  studio.queue.start();
  const { itemId, job } = await importOne(goodVideo);
  const done = await studio.queue.waitFor(job.id);
  expect(done.state).toBe('done');
  good = { itemId, files: await listFiles(join(studio.dataDir, 'media', itemId)) };
}, 120_000);

afterAll(async () => {
  await studio?.close();
  await tmp?.cleanup();
});

describe('bad input', () => {
  it('processes a file whose path has spaces and non-ASCII characters', () => {
    const item = studio.lib.getItem(good.itemId);
    expect(item).toMatchObject({ status: 'ready', path: goodVideo, width: 854, height: 480 });
    const kinds = studio.lib.renditions(good.itemId).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['hls_master', 'hls_variant', 'poster', 'sprite', 'sprite_vtt', 'teaser']));
    expect(kinds.filter((k) => k === 'hls_variant')).toHaveLength(2); // 480p + 360p, no upscale
  });

  it('fails a truncated (corrupt) video with the reason ffprobe gives', async () => {
    const p = join(tmp.dir, 'corrupt.mp4');
    await copyFile(goodVideo, p);
    await truncate(p, Math.floor((await stat(p)).size / 2));
    const { itemId, job } = await importOne(p);
    const done = await studio.queue.waitFor(job.id);
    expect(done.state).toBe('failed');
    expect(done.error).toBe('not a readable media file (ffprobe: moov atom not found; Invalid data found when processing input)');
    expect(done.attempts).toBe(1); // bad input is not retried
    expect(studio.lib.getItem(itemId)).toMatchObject({ status: 'failed', error: done.error });
    expect(studio.lib.renditions(itemId)).toEqual([]);
  });

  it('fails a text file named .mp4 as unreadable', async () => {
    const p = join(tmp.dir, 'readme.mp4');
    await writeFile(p, 'This is a text file, not a video.\n'.repeat(20));
    const { job } = await importOne(p);
    const done = await studio.queue.waitFor(job.id);
    expect(done.state).toBe('failed');
    expect(done.error).toBe('not a readable media file (ffprobe: moov atom not found; Invalid data found when processing input)');
  });

  it('refuses a zero-byte file at import, and fails the job of a file emptied after import', async () => {
    const empty = join(tmp.dir, 'empty.mp4');
    await writeFile(empty, '');
    const r = await studio.import([empty]);
    expect(r.skipped).toEqual([{ path: empty, reason: 'empty file (0 bytes)' }]);
    expect(r.jobs).toEqual([]);

    const later = join(tmp.dir, 'emptied later.mp4');
    await copyFile(goodVideo, later);
    await writeFile(later, Buffer.concat([await readFile(later), Buffer.from('x')])); // distinct content hash
    studio.queue.stop();
    const { itemId, job } = await importOne(later);
    await truncate(later, 0);
    studio.queue.start();
    const done = await studio.queue.waitFor(job.id);
    expect(done.state).toBe('failed');
    expect(done.error).toBe(`source file is empty (0 bytes): ${later}`);
    expect(studio.lib.getItem(itemId)?.status).toBe('failed');
  });

  it('fails with a clear reason when the source vanishes during the job, leaving no partial output', async () => {
    const p = join(tmp.dir, 'vanishing clip.mp4');
    await makeVideo(p, { width: 640, height: 360, durationS: 3, rate: 25 });
    const { itemId, job } = await importOne(p);
    let deleted = false;
    const onProgress = (e: { id: string; stage: string | null }) => {
      if (e.id === job.id && !deleted && (e.stage === 'ladder' || e.stage === 'poster')) {
        deleted = true;
        void unlink(p);
      }
    };
    studio.queue.on('progress', onProgress);
    const done = await studio.queue.waitFor(job.id);
    studio.queue.off('progress', onProgress);
    expect(deleted).toBe(true);
    expect(done.state).toBe('failed');
    expect(done.error).toBe(`source file vanished during the job: ${p}`);
    expect(studio.lib.renditions(itemId)).toEqual([]);
    await expect(stat(join(studio.dataDir, 'media', itemId))).rejects.toThrow(/ENOENT/);
  });

  it('left the good item, its files and the temp folder untouched', async () => {
    expect(studio.lib.getItem(good.itemId)?.status).toBe('ready');
    expect(await listFiles(join(studio.dataDir, 'media', good.itemId))).toEqual(good.files);
    for (const r of studio.lib.renditions(good.itemId)) expect((await stat(join(studio.dataDir, r.path))).size).toBe(r.sizeBytes);
    expect(await readdir(join(studio.dataDir, 'tmp'))).toEqual([]);
  });
});
