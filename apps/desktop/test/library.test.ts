// The SQLite library: migrations, import of files and folders (recursive, skipping with reasons,
// de-duplicating by content), FTS5 search over titles, file names and tags, and keyset paging.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDb, type Db, loadMigrations } from '../src/main/services/library/db.js';
import { Library, ftsQuery } from '../src/main/services/library/library.js';
import { importPaths } from '../src/main/services/library/importer.js';
import { resolveDataDir } from '../src/main/services/library/data-dir.js';
import { makeTempDir } from './helpers/fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let db: Db;
let lib: Library;

beforeEach(async () => {
  tmp = await makeTempDir();
  db = openDb(join(tmp.dir, 'data'));
  lib = new Library(db);
});
afterEach(async () => {
  db.close();
  await tmp.cleanup();
});

describe('database', () => {
  it('runs in WAL mode with every numbered migration applied once', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(loadMigrations().map((m) => m.version));
    // Opening again applies nothing twice.
    const again = openDb(join(tmp.dir, 'data'));
    expect(again.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(loadMigrations().length);
    again.close();
  });

  it('picks the data dir from the flag, then FANZ_STUDIO_DIR, then the OS app-data folder', () => {
    const saved = process.env.FANZ_STUDIO_DIR;
    try {
      process.env.FANZ_STUDIO_DIR = '/tmp/from-env';
      expect(resolveDataDir('/tmp/from-flag')).toBe('/tmp/from-flag');
      expect(resolveDataDir(null)).toBe('/tmp/from-env');
      delete process.env.FANZ_STUDIO_DIR;
      expect(resolveDataDir(null)).toMatch(/FANZ Studio$/);
    } finally {
      if (saved === undefined) delete process.env.FANZ_STUDIO_DIR;
      else process.env.FANZ_STUDIO_DIR = saved;
    }
  });
});

describe('import', () => {
  it('walks folders recursively, skips unsupported and empty files with a reason, and de-duplicates by content', async () => {
    const root = join(tmp.dir, 'drop zone');
    await mkdir(join(root, 'nested', 'deeper'), { recursive: true });
    await writeFile(join(root, 'beach day.mp4'), 'pretend video bytes 1');
    await writeFile(join(root, 'nested', 'sunset_walk.mov'), 'pretend video bytes 2');
    await writeFile(join(root, 'nested', 'deeper', 'copy of beach.mp4'), 'pretend video bytes 1');
    await writeFile(join(root, 'nested', 'portrait.jpg'), 'pretend photo');
    await writeFile(join(root, 'notes.txt'), 'hello');
    await writeFile(join(root, 'IMG_0001.HEIC'), 'heic');
    await writeFile(join(root, 'empty.mp4'), '');
    await writeFile(join(root, '.DS_Store'), 'mac junk');
    await symlink(root, join(root, 'nested', 'loop'));

    const r = await importPaths(lib, [root, join(tmp.dir, 'missing.mp4')]);
    expect(r.imported.map((i) => `${i.kind}:${i.fileName}`).sort()).toEqual(['photo:portrait.jpg', 'video:beach day.mp4', 'video:sunset_walk.mov']);
    expect(r.duplicates).toHaveLength(1);
    expect(r.duplicates[0]?.path).toMatch(/copy of beach\.mp4$/);
    const reasons = Object.fromEntries(r.skipped.map((s) => [s.path.split('/').pop(), s.reason]));
    expect(reasons).toEqual({
      'notes.txt': 'unsupported file type .txt',
      'IMG_0001.HEIC': expect.stringMatching(/HEIC/),
      'empty.mp4': 'empty file (0 bytes)',
      'missing.mp4': 'no such file or folder',
    });
    // Importing the same folder again adds nothing.
    const again = await importPaths(lib, [root]);
    expect(again.imported).toHaveLength(0);
    expect(again.duplicates).toHaveLength(4);
    expect(lib.count()).toBe(3);
  });

  it('keeps paths with spaces and non-ASCII characters exactly', async () => {
    const dir = join(tmp.dir, 'Vidéos d’été 🌴');
    await mkdir(dir);
    const p = join(dir, 'plage à Nice — 1.mp4');
    await writeFile(p, 'unicode bytes');
    const r = await importPaths(lib, [p]);
    expect(r.imported[0]?.path).toBe(p);
    expect(lib.findByPath(p)?.title).toBe('plage à Nice — 1');
  });
});

describe('search and list', () => {
  function seed(n: number) {
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < n; i++) {
      lib.insertItem({ kind: i % 3 === 0 ? 'photo' : 'video', path: `/media/clip_${i}.mp4`, fileName: `clip_${i}.mp4`, title: `clip number ${i}`, contentHash: `h${i}`, sizeBytes: 100 + i, mtimeMs: t0 }, t0 + i);
    }
  }

  it('finds items by title, file name and tag, with prefixes and diacritics folded', () => {
    const a = lib.insertItem({ kind: 'video', path: '/x/Crème Brûlée tutorial.mp4', fileName: 'Crème Brûlée tutorial.mp4', title: 'Dessert night', contentHash: 'a', sizeBytes: 1, mtimeMs: 1 });
    const b = lib.insertItem({ kind: 'photo', path: '/x/IMG_2044.jpg', fileName: 'IMG_2044.jpg', title: 'IMG 2044', contentHash: 'b', sizeBytes: 1, mtimeMs: 1 });
    lib.addTags(b.id, ['Behind the scenes', 'studio']);
    expect(lib.search('dessert').map((i) => i.id)).toEqual([a.id]);
    expect(lib.search('creme brulee').map((i) => i.id)).toEqual([a.id]);
    expect(lib.search('tuto').map((i) => i.id)).toEqual([a.id]);
    expect(lib.search('behind').map((i) => i.id)).toEqual([b.id]);
    expect(lib.search('2044').map((i) => i.id)).toEqual([b.id]);
    // Tag removal reaches the index too.
    db.prepare('DELETE FROM tags WHERE item_id = ? AND tag = ?').run(b.id, 'behind the scenes');
    expect(lib.search('behind')).toEqual([]);
    expect(lib.search('studio').map((i) => i.id)).toEqual([b.id]);
  });

  it('answers one- and two-letter prefixes newest first (someone still typing)', () => {
    seed(5);
    expect(lib.search('cl').map((i) => i.title)).toEqual(['clip number 4', 'clip number 3', 'clip number 2', 'clip number 1', 'clip number 0']);
    expect(lib.search('c', 2).map((i) => i.title)).toEqual(['clip number 4', 'clip number 3']);
  });

  it('treats FTS syntax in the query as plain words', () => {
    lib.insertItem({ kind: 'video', path: '/x/a.mp4', fileName: 'a.mp4', title: 'hello world', contentHash: 'x', sizeBytes: 1, mtimeMs: 1 });
    expect(ftsQuery('"hello" OR NEAR(')).toBe('"hello"* AND "OR"* AND "NEAR"*');
    expect(() => lib.search('title:hello * ( ) "')).not.toThrow();
    expect(lib.search('hello "')).toHaveLength(1);
    expect(lib.search('  ')).toEqual([]);
  });

  it('pages newest first with a cursor, with no gaps or repeats', () => {
    seed(125);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = lib.list({ limit: 50, cursor });
      seen.push(...page.items.map((i) => i.title));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(125);
    expect(new Set(seen).size).toBe(125);
    expect(seen[0]).toBe('clip number 124');
    expect(lib.list({ kind: 'photo', limit: 500 }).items.every((i) => i.kind === 'photo')).toBe(true);
    expect(() => lib.list({ cursor: 'garbage' })).toThrow(/invalid cursor/);
  });

  it('swaps renditions in one transaction and finds near-duplicates by frame hash', () => {
    seed(3);
    const [x, y, z] = lib.list().items;
    if (!x || !y || !z) throw new Error('seed failed');
    lib.completeProcessing(x.id, [{ kind: 'poster', path: 'media/x/poster.jpg', sizeBytes: 10 }], 'ffffffffffffffff,0000000000000000');
    lib.completeProcessing(y.id, [{ kind: 'poster', path: 'media/y/poster.jpg', sizeBytes: 10 }], 'fffffffffffffff0,0000000000000001');
    lib.completeProcessing(z.id, [{ kind: 'poster', path: 'media/z/poster.jpg', sizeBytes: 10 }], '0f0f0f0f0f0f0f0f,f0f0f0f0f0f0f0f0');
    lib.completeProcessing(x.id, [{ kind: 'poster', path: 'media/x/poster2.jpg', sizeBytes: 11 }], 'ffffffffffffffff,0000000000000000');
    expect(lib.renditions(x.id).map((r) => r.path)).toEqual(['media/x/poster2.jpg']);
    expect(lib.getItem(x.id)?.status).toBe('ready');
    const dups = lib.nearDuplicates(x.id, 10);
    expect(dups.map((d) => [d.item.id, d.distance])).toEqual([[y.id, 2.5]]);
  });
});
