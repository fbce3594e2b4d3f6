// The API the UI calls, over real SQLite: library filters by type, status, content label and quality.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSecretBox } from './services/catalog/account-store.js';
import { openBackend, type StudioBackend } from './studio-backend.js';

let dir: string;
let backend: StudioBackend;
const ids: Record<string, string> = {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-backend-'));
  backend = openBackend({ dataDir: dir, defaultServerUrl: 'http://127.0.0.1:9', mode: 'browser', box: fileSecretBox, concurrency: 1 });
  // Stop the queue: these rows point at no real files, and the test is about queries.
  void backend.studio.queue.stop();
  const add = (name: string, kind: 'video' | 'photo', label: string, sharpness: number) => {
    const item = backend.studio.lib.insertItem({ kind, path: `/nowhere/${name}`, fileName: name, title: name, contentHash: `hash-${name}`, sizeBytes: 10, mtimeMs: 0 });
    backend.studio.lib.setScores(item.id, 'content-label', { safe: label === 'safe' ? 1 : 0, suggestive: label === 'suggestive' ? 1 : 0, explicit: label === 'explicit' ? 1 : 0 });
    backend.studio.lib.setScores(item.id, 'quality', { sharpness });
    ids[name] = item.id;
  };
  add('beach day', 'video', 'safe', 0.9);
  add('beach night', 'photo', 'suggestive', 0.4);
  add('studio set', 'video', 'explicit', 0.7);
});

afterAll(async () => {
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

const titles = async (q: Parameters<StudioBackend['api']['libraryList']>[0]) =>
  (await backend.api.libraryList(q)).items.map((i) => i.title).sort();

describe('libraryList filters', () => {
  it('filters by type, content label, sharpness and text, alone and together', async () => {
    expect(await titles({})).toEqual(['beach day', 'beach night', 'studio set']);
    expect(await titles({ kind: 'photo' })).toEqual(['beach night']);
    expect(await titles({ label: 'explicit' })).toEqual(['studio set']);
    expect(await titles({ minSharpness: 0.65 })).toEqual(['beach day', 'studio set']);
    expect(await titles({ minSharpness: 0.65, text: 'beach' })).toEqual(['beach day']);
    expect(await titles({ label: 'suggestive', kind: 'video' })).toEqual([]);
  });
});
