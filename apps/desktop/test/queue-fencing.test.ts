// Terminal job writes are fenced by the owner token (issue 14 item 12): a worker that stalled while its job
// was re-claimed by another worker must not overwrite that job when its own run finally fails or is
// cancelled. A real SQLite queue; the re-claim is what claiming writes (state running, a new owner token).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDb, type Db } from '../src/main/services/library/db.js';
import { JobQueue } from '../src/main/services/jobs/queue.js';
import { MediaError } from '../src/main/services/media/errors.js';
import { makeTempDir, until } from './helpers/fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let db: Db;
let q: JobQueue;

beforeEach(async () => {
  tmp = await makeTempDir();
  db = openDb(join(tmp.dir, 'data'));
  q = new JobQueue(db, { pollMs: 20, heartbeatMs: 20, retryBaseMs: 10 });
});
afterEach(async () => {
  await q.stop({ abort: true });
  db.close();
  await tmp.cleanup();
});

const row = (id: string) => db.prepare('SELECT state, owner_token, error FROM jobs WHERE id = ?').get(id) as { state: string; owner_token: string | null; error: string | null };

describe('a stale worker', () => {
  for (const outcome of ['fails', 'retries', 'is cancelled'] as const) {
    it(`whose late run ${outcome} leaves the re-claimed job alone`, async () => {
      let release!: () => void;
      const stalled = new Promise<void>((r) => (release = r));
      const settled: string[] = [];
      q.register('t.stale', {
        async run() {
          await stalled;
          if (outcome === 'fails') throw new MediaError('UNSUPPORTED', 'late permanent failure');
          if (outcome === 'retries') throw new MediaError('IO', 'late transient failure', true);
          throw new MediaError('CANCELLED', 'cancelled');
        },
        onFailed: () => void settled.push('failed'),
        onCancelled: () => void settled.push('cancelled'),
      });
      q.start();
      const job = q.enqueue('t.stale', { maxAttempts: 3 });
      await until(() => row(job.id).state === 'running');
      // Meanwhile the job was found orphaned and claimed by another worker.
      db.prepare(`UPDATE jobs SET owner_token = 'other-worker', heartbeat_at = ? WHERE id = ?`).run(Date.now(), job.id);
      release();
      await until(() => !(q as unknown as { running: Map<string, unknown> }).running.has(job.id));
      expect(row(job.id)).toMatchObject({ state: 'running', owner_token: 'other-worker' });
      expect(settled).toEqual([]);
    });
  }
});
