// The studio CLI: one JSON document on stdout with --json, progress and notes on stderr, exit codes that
// mean something. Most cases run the CLI in-process; one runs the installed bin end to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli as runInProcess } from '../src/cli/main.js';
import { EXIT } from '../src/cli/exit-codes.js';
import { ffmpeg, makeTempDir, makeVideo } from './helpers/fixtures.js';
import { runCli as runBin, startCli } from './helpers/cli.js';
import { createOutput } from '../src/cli/output.js';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

let tmp: { dir: string; cleanup: () => Promise<void> };
let dataDir: string;
let drop: string;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runInProcess(args, undefined, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  tmp = await makeTempDir();
  dataDir = join(tmp.dir, 'cli data');
  drop = join(tmp.dir, 'drop');
  await mkdir(join(drop, 'sub'), { recursive: true });
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=800x600', '-frames:v', '1', join(drop, 'sub', 'Sunny beach.jpg')]);
  await writeFile(join(drop, 'todo.txt'), 'not media');
}, 60_000);
afterAll(async () => {
  await tmp?.cleanup();
});

describe('studio CLI', () => {
  it('lists an empty library as JSON with exit 0', async () => {
    const r = await cli(['list', '--json', '--data-dir', dataDir]);
    expect(r.code).toBe(EXIT.OK);
    expect(JSON.parse(r.stdout)).toEqual({ items: [], nextCursor: null, total: 0 });
  });

  it('imports a folder, processes it with --wait, and exits 4 because a file was skipped', async () => {
    const r = await cli(['import', drop, '--wait', '--tag', 'Summer', '--json', '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(EXIT.PARTIAL);
    const doc = JSON.parse(r.stdout) as { imported: Array<{ id: string; status: string; kind: string }>; skipped: Array<{ path: string; reason: string }>; jobs: Array<{ state: string }> };
    expect(doc.imported).toHaveLength(1);
    expect(doc.imported[0]).toMatchObject({ kind: 'photo', status: 'ready' });
    expect(doc.skipped).toEqual([{ path: join(drop, 'todo.txt'), reason: 'unsupported file type .txt' }]);
    expect(doc.jobs.map((j) => j.state)).toEqual(['done']);
    // Not a terminal: progress comes as plain lines on stderr.
    expect(r.stderr).toMatch(/Sunny beach .*done/);
    expect(r.stderr).not.toContain('\r');
  });

  it('searches by title and tag, and shows an item with its renditions', async () => {
    const byTitle = JSON.parse((await cli(['search', 'sunny', '--json', '--data-dir', dataDir])).stdout) as { items: Array<{ id: string }> };
    expect(byTitle.items).toHaveLength(1);
    const byTag = JSON.parse((await cli(['search', 'summer', '--json', '--data-dir', dataDir])).stdout) as { items: Array<{ id: string }> };
    expect(byTag.items.map((i) => i.id)).toEqual(byTitle.items.map((i) => i.id));
    const id = byTitle.items[0]?.id ?? '';
    const info = await cli(['info', id, '--json', '--data-dir', dataDir]);
    expect(info.code).toBe(EXIT.OK);
    const doc = JSON.parse(info.stdout) as { item: { width: number }; tags: string[]; renditions: Array<{ kind: string; width: number }>; binaries: string };
    expect(doc.tags).toEqual(['summer']);
    expect(doc.item.width).toBe(800);
    expect(doc.renditions.map((x) => `${x.kind}:${x.width}`).sort()).toEqual(['photo:480', 'preview:480']);
    expect(doc.binaries).toMatch(/ffmpeg: .* \(from (env|ffmpeg-static|@ffmpeg-installer|PATH)\)/);
    const human = await cli(['search', 'nothing-like-this', '--data-dir', dataDir]);
    expect(human.stdout).toBe('no match for "nothing-like-this"\n');
  });

  it('uses exit codes: 2 for usage, 3 for not found, 1 for a failed transcode', async () => {
    const unknown = await cli(['frobnicate', '--json', '--data-dir', dataDir]);
    expect(unknown.code).toBe(EXIT.USAGE);
    expect(JSON.parse(unknown.stdout)).toEqual({ error: { code: 'USAGE', message: 'unknown command frobnicate' } });
    expect((await cli(['list', '--limit', '0', '--data-dir', dataDir])).code).toBe(EXIT.USAGE);
    expect((await cli(['list', '--bogus', '--data-dir', dataDir])).code).toBe(EXIT.USAGE);
    expect((await cli(['transcode', '--preset', 'warp9', 'x', '--data-dir', dataDir])).code).toBe(EXIT.USAGE);
    const missing = await cli(['info', 'med_nope', '--json', '--data-dir', dataDir]);
    expect(missing.code).toBe(EXIT.NOT_FOUND);
    expect(JSON.parse(missing.stdout)).toEqual({ error: { code: 'NOT_FOUND', message: 'no library item med_nope' } });
    expect((await cli(['transcode', join(tmp.dir, 'nope.mp4'), '--data-dir', dataDir])).code).toBe(EXIT.NOT_FOUND);
    const bad = join(tmp.dir, 'bad.mp4');
    await writeFile(bad, 'text pretending to be a video');
    const failed = await cli(['transcode', bad, '--json', '--data-dir', dataDir]);
    expect(failed.code).toBe(EXIT.FAILED);
    expect(JSON.parse(failed.stdout)).toMatchObject({ job: { state: 'failed', error: expect.stringMatching(/not a readable media file/) } });
  });

  it('runs as the installed bin, honours FANZ_STUDIO_DIR, and keeps stdout to one JSON document', async () => {
    const r = await runBin(['jobs', '--json'], { FANZ_STUDIO_DIR: dataDir });
    expect(r.code, r.stderr).toBe(EXIT.OK);
    const doc = JSON.parse(r.stdout) as { jobs: Array<{ state: string }> };
    expect(doc.jobs.map((j) => j.state).sort()).toEqual(['done', 'failed']);
  });

  it('draws a redrawn progress bar on a terminal and plain lines otherwise', () => {
    let tty = '';
    const bar = createOutput(false, { write: () => true }, { write: (x: string) => (tty += x), isTTY: true }).progress('clip');
    bar.update(42, 75, 'ladder');
    bar.done('done');
    expect(tty).toContain('\r\x1b[2Kclip [#############.................]  42% ladder ETA 1:15');
    let plain = '';
    const lines = createOutput(false, { write: () => true }, { write: (x: string) => (plain += x) }).progress('clip');
    for (const p of [1, 2, 3, 15, 16, 55]) lines.update(p, null, 'ladder');
    expect(plain).toBe('clip 1% ladder\nclip 15% ladder\nclip 55% ladder\n');
  });

  it('cancels the running job on Ctrl-C (SIGINT) and exits 5 with nothing recorded', async () => {
    const src = join(tmp.dir, 'interrupt me.mp4');
    await makeVideo(src, { width: 854, height: 480, durationS: 8 });
    const sigData = join(tmp.dir, 'sigint data');
    const { child, done } = startCli(['transcode', src, '--json', '--data-dir', sigData, '--preset', 'ultrafast']);
    const dbPath = join(sigData, 'library.db');
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error('job never started');
      await new Promise((r) => setTimeout(r, 100));
      if (!existsSync(dbPath)) continue;
      const db = new Database(dbPath, { readonly: true });
      let pid: number | null = null;
      try {
        pid = db.prepare(`SELECT child_pid FROM jobs WHERE state = 'running'`).pluck().get() as number | null;
      } catch {
        pid = null;
      } finally {
        db.close();
      }
      if (pid) break;
    }
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(EXIT.CANCELLED);
    const doc = JSON.parse(r.stdout) as { job: { state: string }; renditions: unknown[] };
    expect(doc.job.state).toBe('cancelled');
    expect(doc.renditions).toEqual([]);
    const db = new Database(dbPath, { readonly: true });
    expect(db.prepare('SELECT status FROM media_items').pluck().all()).toEqual(['pending']);
    db.close();
  }, 120_000);
});
