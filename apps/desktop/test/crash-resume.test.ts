// Kill the CLI with SIGKILL in the middle of a transcode, start the queue again: the job resumes and
// finishes, the orphaned encoder is stopped, and at no point does the library list a half-written rendition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, makeVideo } from './helpers/fixtures.js';
import { runCli, startCli } from './helpers/cli.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let dataDir: string;
let src: string;

beforeAll(async () => {
  tmp = await makeTempDir();
  dataDir = join(tmp.dir, 'studio data');
  src = join(tmp.dir, 'long take.mp4');
  // Long enough (480p, two rungs, 8 s) that the kill lands inside the ladder encode, which takes seconds.
  await makeVideo(src, { width: 854, height: 480, durationS: 8 });
}, 60_000);

afterAll(async () => {
  await tmp?.cleanup();
});

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('crash during a transcode', () => {
  it('resumes the job after SIGKILL and never records a partial rendition', async () => {
    const { child, done } = startCli(['transcode', src, '--data-dir', dataDir, '--json', '--preset', 'ultrafast']);
    const dbPath = join(dataDir, 'library.db');
    let row: { id: string; item_id: string; progress: number; child_pid: number | null; state: string } | undefined;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      if (!existsSync(dbPath)) continue;
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        row = db.prepare(`SELECT id, item_id, progress, child_pid, state, error FROM jobs LIMIT 1`).get() as typeof row;
      } catch {
        row = undefined; // schema not there yet
      } finally {
        db.close();
      }
      // The ladder's encoder has started: kill now, mid-encode.
      if (row && row.state === 'running' && row.child_pid) break;
    }
    expect(row?.state, JSON.stringify(row)).toBe("running");
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const jobId = row?.id ?? '';
    const itemId = row?.item_id ?? '';
    const encoderPid = row?.child_pid ?? 0;

    // After the crash: the job is still marked running by a dead owner, half-written output sits in tmp,
    // and the library has no renditions and no media folder for the item.
    const db = new Database(join(dataDir, 'library.db'));
    expect(db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(jobId)).toBe('running');
    expect(db.prepare('SELECT count(*) FROM renditions WHERE item_id = ?').pluck().get(itemId)).toBe(0);
    db.close();
    const partial = (await readdir(join(dataDir, 'tmp'))).filter((n) => n.startsWith(`${jobId}.`));
    expect(partial).toEqual([`${jobId}.1`]);
    expect(existsSync(join(dataDir, 'media', itemId))).toBe(false);

    // Restart: `jobs run` recovers the interrupted job (stopping its orphaned ffmpeg) and finishes it.
    const resumed = await runCli(['jobs', 'run', '--data-dir', dataDir, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const out = JSON.parse(resumed.stdout) as { jobs: Array<{ id: string; state: string; attempts: number; result: { masterPlaylist: string } }> };
    const job = out.jobs.find((j) => j.id === jobId);
    expect(job).toMatchObject({ state: 'done', attempts: 2 });
    expect(pidAlive(encoderPid)).toBe(false);

    // Every rendition the library lists exists with the recorded size; no temp leftovers.
    const check = new Database(join(dataDir, 'library.db'), { readonly: true });
    const rows = check.prepare('SELECT kind, path, size_bytes FROM renditions WHERE item_id = ?').all(itemId) as Array<{ kind: string; path: string; size_bytes: number }>;
    expect(check.prepare('SELECT status FROM media_items WHERE id = ?').pluck().get(itemId)).toBe('ready');
    check.close();
    expect(rows.filter((r) => r.kind === 'hls_variant')).toHaveLength(2);
    for (const r of rows) expect((await stat(join(dataDir, r.path))).size).toBe(r.size_bytes);
    expect(job?.result.masterPlaylist).toBe(join(dataDir, 'media', itemId, 'hls', 'master.m3u8'));
    expect(await readdir(join(dataDir, 'tmp'))).toEqual([]);
  }, 180_000);
});
