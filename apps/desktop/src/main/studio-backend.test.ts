// The API the UI calls, over real SQLite: library filters by type, status, content label and the 0-100
// quality score (raw metrics as measured on generated clips, see quality-score.ts), and the creator's own
// picture on cards rather than the blurred fan preview.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSecretBox } from './services/account/account-store.js';
import { openBackend, type StudioBackend } from './studio-backend.js';

let dir: string;
let backend: StudioBackend;
const ids: Record<string, string> = {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-backend-'));
  backend = openBackend({ dataDir: dir, defaultServerUrl: 'http://127.0.0.1:9', mode: 'browser', box: fileSecretBox, concurrency: 1 });
  // Stop the queue: these rows point at no real files, and the test is about queries.
  void backend.studio.queue.stop();
  const add = (name: string, kind: 'video' | 'photo', label: string, sharpness: number, exposure: number, noise: number) => {
    const item = backend.studio.lib.insertItem({ kind, path: `/nowhere/${name}`, fileName: name, title: name, contentHash: `hash-${name}`, sizeBytes: 10, mtimeMs: 0 });
    backend.studio.lib.setScores(item.id, 'content-label', { safe: label === 'safe' ? 1 : 0, suggestive: label === 'suggestive' ? 1 : 0, explicit: label === 'explicit' ? 1 : 0 });
    backend.studio.lib.setScores(item.id, 'quality', { sharpness, exposure, noise });
    ids[name] = item.id;
  };
  add('beach day', 'video', 'safe', 287, 1, 0.4); // sharp 720p: 85
  add('beach night', 'photo', 'suggestive', 4, 1, 0.1); // heavily blurred: 40
  add('studio set', 'video', 'explicit', 214, 0.27, 0); // sharp but clipped: 60
  // A photo: its renditions are a small and a large photo and the blurred preview.
  const photo = ids['beach night']!;
  backend.studio.lib.completeProcessing(
    photo,
    [
      { kind: 'photo', path: `media/${photo}/photo_1080.webp`, width: 1080, height: 720, sizeBytes: 5 },
      { kind: 'photo', path: `media/${photo}/photo_320.webp`, width: 320, height: 213, sizeBytes: 5 },
      { kind: 'preview', path: `media/${photo}/preview_blur.webp`, width: 64, height: 43, sizeBytes: 5 },
    ],
    null,
  );
});

afterAll(async () => {
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

const titles = async (q: Parameters<StudioBackend['api']['libraryList']>[0]) =>
  (await backend.api.libraryList(q)).items.map((i) => i.title).sort();

describe('libraryList filters', () => {
  it('filters by type, content label, quality score and text, alone and together', async () => {
    expect(await titles({})).toEqual(['beach day', 'beach night', 'studio set']);
    expect(await titles({ kind: 'photo' })).toEqual(['beach night']);
    expect(await titles({ label: 'explicit' })).toEqual(['studio set']);
    expect(await titles({ minQuality: 60 })).toEqual(['beach day', 'studio set']);
    expect(await titles({ minQuality: 80 })).toEqual(['beach day']);
    expect(await titles({ minQuality: 60, text: 'beach' })).toEqual(['beach day']);
    expect(await titles({ label: 'suggestive', kind: 'video' })).toEqual([]);
  });
});

describe('libraryList pages (issue 14 item 12)', () => {
  it('filters in SQL before the limit, pages filtered results by cursor, and counts what matches', async () => {
    // 12 more videos, 4 of them failed: a status filter must find all 4 however the page falls.
    for (let i = 0; i < 12; i++) {
      const item = backend.studio.lib.insertItem({ kind: 'video', path: `/nowhere/clip${i}`, fileName: `clip${i}`, title: `clip ${i}`, contentHash: `hash-clip${i}`, sizeBytes: 10, mtimeMs: 0 });
      if (i % 3 === 0) backend.studio.lib.setStatus(item.id, 'failed', 'bad file');
    }
    const failed = await backend.api.libraryList({ status: 'failed', limit: 3 });
    expect(failed.total).toBe(4);
    expect(failed.items).toHaveLength(3);
    expect(failed.nextCursor).not.toBeNull();
    const rest = await backend.api.libraryList({ status: 'failed', limit: 3, cursor: failed.nextCursor });
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    expect(new Set([...failed.items, ...rest.items].map((i) => i.title))).toEqual(new Set(['clip 0', 'clip 3', 'clip 6', 'clip 9']));
    expect([...failed.items, ...rest.items].every((i) => i.status === 'failed')).toBe(true);

    // Text and kind filters page and count the same way; the total is the filtered count, not the library's.
    const clips: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof backend.api.libraryList>> = await backend.api.libraryList({ text: 'clip', kind: 'video', limit: 5, cursor });
      expect(page.total).toBe(12);
      clips.push(...page.items.map((i) => i.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(clips).toHaveLength(12);
    expect(new Set(clips).size).toBe(12);
    expect((await backend.api.libraryList({ kind: 'photo' })).total).toBe(1);
    expect((await backend.api.libraryList({})).total).toBe(15);
    await expect(backend.api.libraryList({ cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });
});

describe('library views', () => {
  it('shows the quality score and label on each item, and the unblurred picture as its thumbnail', async () => {
    const items = (await backend.api.libraryList({})).items;
    const byTitle = Object.fromEntries(items.map((i) => [i.title, i]));
    expect([byTitle['beach day']!.quality, byTitle['beach night']!.quality, byTitle['studio set']!.quality]).toEqual([85, 40, 60]);
    expect(byTitle['studio set']!.label).toBe('explicit');
    const photo = await backend.api.libraryItem({ id: ids['beach night']! });
    const kindOf = (id: string | null) => photo.renditions.find((r) => r.id === id);
    expect(kindOf(photo.thumbRenditionId)).toMatchObject({ kind: 'photo', width: 320 });
    expect(kindOf(photo.lockedPreviewRenditionId)).toMatchObject({ kind: 'preview' });
    expect(photo.renditions.map((r) => r.file).sort()).toEqual(['photo_1080.webp', 'photo_320.webp', 'preview_blur.webp']);
  });

  it('serves only files inside the output folder of an item', () => {
    const id = ids['beach day']!;
    expect(backend.itemFile(id, 'hls/720p/index.m3u8')).toBe(join(dir, 'media', id, 'hls', '720p', 'index.m3u8'));
    for (const bad of ['../../secrets', '/etc/passwd', 'hls/../../x', '', 'a/b/c/d/e']) expect(backend.itemFile(id, bad), bad).toBeNull();
    expect(backend.itemFile('../x', 'poster.jpg')).toBeNull();
  });
});
