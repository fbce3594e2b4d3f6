// The persistent job queue on a real SQLite database, with job kinds registered by the test itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../src/main/services/library/db.js';
import { JobQueue, defaultConcurrency, type JobContext } from '../src/main/services/jobs/queue.js';
import { MediaError } from '../src/main/services/media/errors.js';
import { makeTempDir, until } from './helpers/fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let db: Db;
const queues: JobQueue[] = [];

function newQueue(o: ConstructorParameters<typeof JobQueue>[1] = {}): JobQueue {
  const q = new JobQueue(db, { pollMs: 20, heartbeatMs: 20, retryBaseMs: 10, ...o });
  queues.push(q);
  return q;
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

beforeEach(async () => {
  tmp = await makeTempDir();
  db = openDb(join(tmp.dir, 'data'));
});
afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop({ abort: true });
  db.close();
  await tmp.cleanup();
});

describe('job queue', () => {
  it('defaults to cores - 1 workers, at least one', () => {
    expect(defaultConcurrency()).toBe(Math.max(1, availableParallelism() - 1));
  });

  it('persists the last progress of a burst, even when nothing is reported after it', async () => {
    const q = newQueue({ concurrency: 1 });
    const hold = deferred();
    q.register('burst', {
      async run({ progress }) {
        progress(1, null, 'first');
        // Within the 250 ms throttle, then silence: the last figure must still reach the database.
        progress(40, 3, 'second');
        progress(55, 2, 'last of the burst');
        await hold.promise;
      },
    });
    const job = q.enqueue('burst');
    q.start();
    const stored = () => db.prepare('SELECT progress, stage FROM jobs WHERE id = ?').get(job.id) as { progress: number; stage: string | null };
    await until(() => stored().stage === 'last of the burst', 2000);
    expect(stored()).toEqual({ progress: 55, stage: 'last of the burst' });
    hold.resolve();
  });

  it('runs at most `concurrency` jobs at once and finishes them all', async () => {
    const q = newQueue({ concurrency: 2 });
    let active = 0;
    let maxActive = 0;
    q.register('t.work', {
      async run() {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 30));
        active--;
        return { ok: true };
      },
    });
    const jobs = Array.from({ length: 6 }, () => q.enqueue('t.work'));
    q.start();
    const done = await Promise.all(jobs.map((j) => q.waitFor(j.id)));
    expect(done.every((j) => j.state === 'done' && j.progress === 100)).toBe(true);
    expect(done[0]?.result).toEqual({ ok: true });
    expect(maxActive).toBe(2);
  });

  it('persists progress, ETA and stage while a job runs', async () => {
    const q = newQueue({ concurrency: 1 });
    const gate = deferred();
    q.register('t.progress', {
      async run({ progress }: JobContext) {
        progress(40, 12, 'ladder');
        await gate.promise;
      },
    });
    const job = q.enqueue('t.progress');
    q.start();
    await until(() => q.get(job.id)?.progress === 40);
    expect(q.get(job.id)).toMatchObject({ state: 'running', progress: 40, etaS: 12, stage: 'ladder', attempts: 1, ownerPid: process.pid });
    gate.resolve();
    expect((await q.waitFor(job.id)).state).toBe('done');
  });

  it('cancels a queued job at once and aborts a running one', async () => {
    const q = newQueue({ concurrency: 1 });
    const cancelled: string[] = [];
    q.register('t.block', {
      run: ({ signal }) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new MediaError('CANCELLED', 'cancelled')))),
      onCancelled: (j) => cancelled.push(j.id),
    });
    const a = q.enqueue('t.block');
    const b = q.enqueue('t.block');
    q.start();
    await until(() => q.get(a.id)?.state === 'running');
    expect(q.cancel(b.id)?.state).toBe('cancelled');
    q.cancel(a.id);
    expect((await q.waitFor(a.id)).state).toBe('cancelled');
    expect(cancelled.sort()).toEqual([a.id, b.id].sort());
    expect(q.cancel('job_nope')).toBeNull();
  });

  it('retries transient failures with back-off and fails permanent ones at once with the reason', async () => {
    const q = newQueue({ concurrency: 1 });
    let flaky = 0;
    const failed: string[] = [];
    q.register('t.flaky', {
      async run() {
        if (++flaky < 3) throw new MediaError('FFMPEG_KILLED', 'ffmpeg was killed with signal SIGKILL', true);
        return 'third time lucky';
      },
    });
    q.register('t.bad', {
      async run() {
        throw new MediaError('INVALID_MEDIA', 'not a readable media file (moov atom not found)');
      },
      onFailed: (_j, reason) => failed.push(reason),
    });
    q.register('t.always', {
      async run() {
        throw Object.assign(new Error('resource busy'), { code: 'EBUSY' });
      },
    });
    const f = q.enqueue('t.flaky');
    const b = q.enqueue('t.bad');
    const a = q.enqueue('t.always', { maxAttempts: 2 });
    q.start();
    expect(await q.waitFor(f.id)).toMatchObject({ state: 'done', attempts: 3, result: 'third time lucky' });
    expect(await q.waitFor(b.id)).toMatchObject({ state: 'failed', attempts: 1, error: 'not a readable media file (moov atom not found)' });
    expect(await q.waitFor(a.id)).toMatchObject({ state: 'failed', attempts: 2, error: 'resource busy' });
    expect(failed).toEqual(['not a readable media file (moov atom not found)']);
    // A failed job can be put back.
    expect(q.retry(b.id)?.state).toBe('queued');
  });

  it('re-queues jobs whose process died, leaves live owners alone, and gives up after max attempts', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid ?? 999_999;
    const now = Date.now();
    const insert = db.prepare(
      `INSERT INTO jobs (id, kind, state, attempts, max_attempts, owner_pid, owner_token, heartbeat_at, created_at, updated_at)
       VALUES (?, 't.ok', 'running', ?, 3, ?, 'gone', ?, ?, ?)`,
    );
    insert.run('job_crashed', 1, dead, now, now, now);
    insert.run('job_exhausted', 3, dead, now, now, now);
    insert.run('job_live_elsewhere', 1, process.ppid, now, now, now);
    const q = newQueue({ concurrency: 1 });
    q.register('t.ok', { run: async () => 'resumed' });
    q.restrictTo(['job_crashed', 'job_exhausted']);
    q.start();
    expect(await q.waitFor('job_crashed')).toMatchObject({ state: 'done', attempts: 2, result: 'resumed' });
    expect(q.get('job_exhausted')).toMatchObject({ state: 'failed', error: expect.stringMatching(/stopped while running this job 3 time/) });
    expect(q.get('job_live_elsewhere')?.state).toBe('running');
  });

  it('lets another process cancel a running job through the database', async () => {
    const worker = newQueue({ concurrency: 1 });
    worker.register('t.block', {
      run: ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new MediaError('CANCELLED', 'cancelled')))),
    });
    const job = worker.enqueue('t.block');
    worker.start();
    await until(() => worker.get(job.id)?.state === 'running');
    const cli = newQueue(); // another "process": it does not run the job
    cli.cancel(job.id);
    expect((await worker.waitFor(job.id)).state).toBe('cancelled');
  });

  it('puts running jobs back in the queue when stopped with abort (app quit), not cancelled', async () => {
    const q = newQueue({ concurrency: 1 });
    q.register('t.block', {
      run: ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new MediaError('CANCELLED', 'stopped')))),
    });
    const job = q.enqueue('t.block');
    q.start();
    await until(() => q.get(job.id)?.state === 'running');
    await q.stop({ abort: true });
    expect(q.get(job.id)).toMatchObject({ state: 'queued', attempts: 0 });
  });
});
