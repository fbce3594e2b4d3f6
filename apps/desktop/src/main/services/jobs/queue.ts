// Persistent job queue in SQLite. States: queued -> running -> done | failed | cancelled. At most
// `concurrency` jobs run in this process; several processes may share one database (claims are atomic).
// Jobs left `running` by a process that died are re-queued by `recoverInterrupted()` (called by start()).
// Transient failures are retried with exponential back-off; everything else fails with its reason.
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Db } from '../library/db.js';
import { newId } from '../library/ids.js';
import { errorMessage, isTransient, MediaError } from '../media/errors.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Job {
  id: string;
  kind: string;
  itemId: string | null;
  payload: Record<string, unknown>;
  state: JobState;
  priority: number;
  progress: number;
  etaS: number | null;
  stage: string | null;
  attempts: number;
  maxAttempts: number;
  error: string | null;
  result: unknown;
  runAfter: number;
  ownerPid: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
}

interface JobRow {
  id: string; kind: string; item_id: string | null; payload: string; state: JobState; priority: number;
  progress: number; eta_s: number | null; stage: string | null; attempts: number; max_attempts: number;
  error: string | null; result: string | null; run_after: number; owner_pid: number | null; owner_token: string | null;
  heartbeat_at: number | null; cancel_requested: number; child_pid: number | null; created_at: number; started_at: number | null;
  finished_at: number | null; updated_at: number;
}

function toJob(r: JobRow): Job {
  return {
    id: r.id, kind: r.kind, itemId: r.item_id, payload: JSON.parse(r.payload) as Record<string, unknown>, state: r.state,
    priority: r.priority, progress: r.progress, etaS: r.eta_s, stage: r.stage, attempts: r.attempts, maxAttempts: r.max_attempts,
    error: r.error, result: r.result ? (JSON.parse(r.result) as unknown) : null, runAfter: r.run_after, ownerPid: r.owner_pid,
    createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at, updatedAt: r.updated_at,
  };
}

export interface JobContext {
  job: Job;
  signal: AbortSignal;
  /** Percent 0-100, ETA in seconds if known, a short stage name. Persisted at most every 250 ms. */
  progress(percent: number, etaS?: number | null, stage?: string | null): void;
  /** Records the pid of a child process the job started (null when it exits), for crash recovery. */
  trackChild(pid: number | null): void;
}

export interface JobHandler {
  run(ctx: JobContext): Promise<unknown>;
  /** Called once when the job has failed for good (not on a retry). */
  onFailed?(job: Job, reason: string): void;
  onCancelled?(job: Job): void;
}

export interface QueueOptions {
  concurrency?: number;
  /** How often to look for jobs enqueued by other processes or whose back-off has passed. */
  pollMs?: number;
  heartbeatMs?: number;
  /**
   * A running job whose heartbeat is older than this is orphaned even if its owner's pid is alive (the pid
   * may have been reused after a reboot). Long, so a laptop waking from sleep does not lose its jobs.
   */
  staleMs?: number;
  retryBaseMs?: number;
}

export interface EnqueueOptions {
  itemId?: string | null;
  payload?: Record<string, unknown>;
  maxAttempts?: number;
  priority?: number;
}

export function defaultConcurrency(): number {
  return Math.max(1, availableParallelism() - 1);
}

// Tokens of queues alive in this process: a job owned by our pid but an unknown token is from a queue
// that was dropped without stopping (tests, a reloaded main process) and is as dead as a crashed one.
const liveTokens = new Set<string>();

/**
 * Stops an encoder left behind by a dead process. Only on Linux, where /proc lets us check that the pid
 * still belongs to an ffmpeg (pids are reused); elsewhere the orphan ends on its own at its next write.
 */
function killOrphanEncoder(pid: number): void {
  if (process.platform !== 'linux') return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (/ffmpeg/.test(cmdline.split('\0')[0] ?? '')) process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class JobQueue extends EventEmitter {
  readonly concurrency: number;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly running = new Map<string, { controller: AbortController; promise: Promise<void> }>();
  private readonly token = randomBytes(8).toString('hex');
  private readonly opts: Required<QueueOptions>;
  private timer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private started = false;
  private stopping = false;
  private onlyIds: string[] | null = null;

  constructor(readonly db: Db, opts: QueueOptions = {}) {
    super();
    this.opts = {
      concurrency: opts.concurrency ?? defaultConcurrency(),
      pollMs: opts.pollMs ?? 500,
      heartbeatMs: opts.heartbeatMs ?? 1000,
      staleMs: opts.staleMs ?? 10 * 60_000,
      retryBaseMs: opts.retryBaseMs ?? 2000,
    };
    this.concurrency = Math.max(1, Math.floor(this.opts.concurrency));
    liveTokens.add(this.token);
  }

  /** Restricts this queue to the given jobs (a CLI command running just its own work), or lifts it (null). */
  restrictTo(ids: string[] | null): this {
    this.onlyIds = ids ? [...ids] : null;
    return this;
  }

  register(kind: string, handler: JobHandler): this {
    this.handlers.set(kind, handler);
    return this;
  }

  /** Job kinds this queue can run. */
  kinds(): string[] {
    return [...this.handlers.keys()];
  }

  enqueue(kind: string, o: EnqueueOptions = {}): Job {
    const id = newId('job');
    const now = Date.now();
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, item_id, payload, state, priority, max_attempts, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
      )
      .run(id, kind, o.itemId ?? null, JSON.stringify(o.payload ?? {}), o.priority ?? 0, o.maxAttempts ?? 3, now, now);
    this.emit('change', id);
    queueMicrotask(() => this.pump());
    return this.get(id) as Job;
  }

  /** Enqueues a job for an item unless one of the same kind is already queued or running for it. */
  enqueueUnlessActive(kind: string, itemId: string, o: Omit<EnqueueOptions, 'itemId'> = {}): Job {
    const active = this.list({ itemId, limit: 20 }).find((j) => j.kind === kind && (j.state === 'queued' || j.state === 'running'));
    return active ?? this.enqueue(kind, { ...o, itemId });
  }

  get(id: string): Job | null {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return r ? toJob(r) : null;
  }

  list(o: { state?: JobState; itemId?: string; limit?: number } = {}): Job[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (o.state) {
      where.push('state = ?');
      args.push(o.state);
    }
    if (o.itemId) {
      where.push('item_id = ?');
      args.push(o.itemId);
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, Math.max(1, Math.min(1000, o.limit ?? 100))) as JobRow[]).map(toJob);
  }

  /** Cancels a queued job at once; a running one is aborted by whichever process runs it. */
  cancel(id: string): Job | null {
    const job = this.get(id);
    if (!job) return null;
    if (job.state === 'queued') {
      const now = Date.now();
      this.db.prepare(`UPDATE jobs SET state = 'cancelled', finished_at = ?, updated_at = ? WHERE id = ? AND state = 'queued'`).run(now, now, id);
      this.handlers.get(job.kind)?.onCancelled?.(job);
    } else if (job.state === 'running') {
      this.db.prepare('UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ?').run(Date.now(), id);
      this.running.get(id)?.controller.abort();
    }
    this.emit('change', id);
    return this.get(id);
  }

  /** Puts a failed or cancelled job back in the queue with a fresh set of attempts. */
  retry(id: string): Job | null {
    const now = Date.now();
    const r = this.db
      .prepare(
        `UPDATE jobs SET state = 'queued', attempts = 0, error = NULL, progress = 0, eta_s = NULL, stage = NULL, run_after = 0,
         cancel_requested = 0, finished_at = NULL, updated_at = ? WHERE id = ? AND state IN ('failed', 'cancelled')`,
      )
      .run(now, id);
    if (r.changes) queueMicrotask(() => this.pump());
    return this.get(id);
  }

  /**
   * Re-queues jobs left `running` by a process that is gone (pid dead, queue token unknown, or heartbeat
   * stale). A job that has already used all its attempts this way fails instead of looping forever.
   */
  recoverInterrupted(): Job[] {
    const now = Date.now();
    const rows = this.db.prepare(`SELECT * FROM jobs WHERE state = 'running'`).all() as JobRow[];
    const recovered: Job[] = [];
    for (const r of rows) {
      const stale = (r.heartbeat_at ?? 0) < now - this.opts.staleMs;
      const ownerGone =
        r.owner_pid === null ||
        (r.owner_pid === process.pid ? !liveTokens.has(r.owner_token ?? '') : !pidAlive(r.owner_pid));
      if (!stale && !ownerGone) continue;
      if (r.child_pid) killOrphanEncoder(r.child_pid);
      if (r.cancel_requested) {
        this.db.prepare(`UPDATE jobs SET state = 'cancelled', finished_at = ?, updated_at = ? WHERE id = ? AND state = 'running'`).run(now, now, r.id);
      } else if (r.attempts >= r.max_attempts) {
        const reason = `the studio stopped while running this job ${r.attempts} time(s); giving up`;
        this.db.prepare(`UPDATE jobs SET state = 'failed', error = ?, finished_at = ?, updated_at = ? WHERE id = ? AND state = 'running'`).run(reason, now, now, r.id);
        this.handlers.get(r.kind)?.onFailed?.(toJob(r), reason);
      } else {
        this.db
          .prepare(
            `UPDATE jobs SET state = 'queued', owner_pid = NULL, owner_token = NULL, progress = 0, eta_s = NULL, stage = NULL,
             error = 'interrupted: the process running it exited; resumed', run_after = 0, updated_at = ? WHERE id = ? AND state = 'running'`,
          )
          .run(now, r.id);
      }
      const job = this.get(r.id);
      if (job) recovered.push(job);
      this.emit('change', r.id);
    }
    return recovered;
  }

  start(): this {
    if (this.started) return this;
    this.started = true;
    this.stopping = false;
    liveTokens.add(this.token);
    this.recoverInterrupted();
    this.timer = setInterval(() => this.pump(), this.opts.pollMs);
    this.heartbeat = setInterval(() => this.beat(), this.opts.heartbeatMs);
    this.pump();
    return this;
  }

  /**
   * Stops taking jobs. With `abort`, running jobs are interrupted and go back to the queue (not cancelled:
   * quitting the app is not the user giving up on them). Waits for running jobs to settle.
   */
  async stop(o: { abort?: boolean } = {}): Promise<void> {
    this.started = false;
    this.stopping = !!o.abort;
    if (this.timer) clearInterval(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.timer = this.heartbeat = null;
    if (o.abort) for (const r of this.running.values()) r.controller.abort(new MediaError('CANCELLED', 'queue stopped'));
    await Promise.allSettled([...this.running.values()].map((r) => r.promise));
    liveTokens.delete(this.token);
  }

  get activeCount(): number {
    return this.running.size;
  }

  /** Resolves with the job once it is done, failed or cancelled (whoever runs it). */
  waitFor(id: string): Promise<Job> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const job = this.get(id);
        if (!job) {
          cleanup();
          reject(new Error(`no job ${id}`));
        } else if (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') {
          cleanup();
          resolve(job);
        }
      };
      const onChange = (changed: string) => {
        if (changed === id) check();
      };
      // Another process may run it, so also poll the database.
      const poll = setInterval(check, 250);
      const cleanup = () => {
        clearInterval(poll);
        this.off('change', onChange);
      };
      this.on('change', onChange);
      check();
    });
  }

  private claim(): Job | null {
    const kinds = [...this.handlers.keys()];
    if (kinds.length === 0) return null;
    const now = Date.now();
    const r = this.db
      .prepare(
        `UPDATE jobs SET state = 'running', attempts = attempts + 1, owner_pid = ?, owner_token = ?, heartbeat_at = ?,
           started_at = ?, updated_at = ?, progress = 0, eta_s = NULL, stage = NULL, child_pid = NULL
         WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_after <= ? AND kind IN (SELECT value FROM json_each(?))
                       AND (? IS NULL OR id IN (SELECT value FROM json_each(?)))
                     ORDER BY priority DESC, created_at, id LIMIT 1)
         RETURNING *`,
      )
      .get(process.pid, this.token, now, now, now, now, JSON.stringify(kinds), this.onlyIds ? 1 : null, JSON.stringify(this.onlyIds ?? [])) as JobRow | undefined;
    return r ? toJob(r) : null;
  }

  private pump(): void {
    if (!this.started) return;
    while (this.running.size < this.concurrency) {
      const job = this.claim();
      if (!job) return;
      this.execute(job);
    }
  }

  private beat(): void {
    if (this.running.size === 0) return;
    const now = Date.now();
    const ids = [...this.running.keys()];
    this.db.prepare(`UPDATE jobs SET heartbeat_at = ? WHERE owner_token = ? AND state = 'running'`).run(now, this.token);
    // Cancellation requested from another process (e.g. `studio jobs cancel` while the app transcodes).
    const cancelled = this.db
      .prepare(`SELECT id FROM jobs WHERE cancel_requested = 1 AND id IN (SELECT value FROM json_each(?))`)
      .pluck()
      .all(JSON.stringify(ids)) as string[];
    for (const id of cancelled) this.running.get(id)?.controller.abort();
  }

  private execute(job: Job): void {
    const handler = this.handlers.get(job.kind);
    const controller = new AbortController();
    let lastWrite = 0;
    // A throttled update is written when its 250 ms are up, so the last figure always reaches the database
    // (an upload may hand its last bytes to the socket and then report nothing while the server reads).
    let trailing: NodeJS.Timeout | null = null;
    let latest: { percent: number; etaS: number | null; stage: string | null } | null = null;
    const write = () => {
      if (!latest || controller.signal.aborted) return;
      const now = Date.now();
      lastWrite = now;
      const { percent, etaS, stage } = latest;
      latest = null;
      this.db
        .prepare(`UPDATE jobs SET progress = ?, eta_s = ?, stage = ?, heartbeat_at = ?, updated_at = ? WHERE id = ? AND owner_token = ? AND state = 'running'`)
        .run(Math.max(0, Math.min(100, percent)), etaS, stage, now, now, job.id, this.token);
    };
    const ctx: JobContext = {
      job,
      signal: controller.signal,
      progress: (percent, etaS = null, stage = null) => {
        const now = Date.now();
        this.emit('progress', { id: job.id, percent, etaS, stage });
        latest = { percent, etaS, stage };
        if (now - lastWrite < 250 && percent < 100) {
          trailing ??= setTimeout(() => {
            trailing = null;
            write();
          }, 250 - (now - lastWrite));
          trailing.unref();
          return;
        }
        write();
      },
      trackChild: (pid) => {
        this.db.prepare('UPDATE jobs SET child_pid = ? WHERE id = ? AND owner_token = ?').run(pid, job.id, this.token);
      },
    };
    const promise = (async () => {
      this.emit('change', job.id);
      try {
        if (!handler) throw new MediaError('UNSUPPORTED', `no handler for job kind ${job.kind}`);
        const result = await handler.run(ctx);
        if (controller.signal.aborted) throw new MediaError('CANCELLED', 'cancelled');
        const now = Date.now();
        this.db
          .prepare(
            `UPDATE jobs SET state = 'done', progress = 100, eta_s = 0, result = ?, error = NULL, finished_at = ?, updated_at = ?
             WHERE id = ? AND owner_token = ?`,
          )
          .run(JSON.stringify(result ?? null), now, now, job.id, this.token);
      } catch (err) {
        this.settleFailure(job, handler, err, controller.signal.aborted);
      } finally {
        if (trailing) clearTimeout(trailing);
        this.running.delete(job.id);
        this.emit('change', job.id);
        if (this.started) setImmediate(() => this.pump());
      }
    })();
    this.running.set(job.id, { controller, promise });
  }

  // Every write here is fenced by this worker's owner token: if the job was found orphaned and re-claimed
  // while this run stalled, the other worker owns it now and this late outcome changes nothing.
  private settleFailure(job: Job, handler: JobHandler | undefined, err: unknown, aborted: boolean): void {
    const now = Date.now();
    const token = this.token;
    const userCancelled = this.isCancelRequested(job.id);
    if (aborted && this.stopping && !userCancelled) {
      this.db
        .prepare(
          `UPDATE jobs SET state = 'queued', attempts = max(0, attempts - 1), owner_pid = NULL, owner_token = NULL, progress = 0,
           eta_s = NULL, stage = NULL, error = 'interrupted by shutdown; will resume', updated_at = ? WHERE id = ? AND owner_token = ?`,
        )
        .run(now, job.id, token);
      return;
    }
    const cancelled = aborted || (err instanceof MediaError && err.code === 'CANCELLED') || userCancelled;
    if (cancelled) {
      const done = this.db
        .prepare(`UPDATE jobs SET state = 'cancelled', error = NULL, finished_at = ?, updated_at = ? WHERE id = ? AND owner_token = ?`)
        .run(now, now, job.id, token);
      if (done.changes === 1) handler?.onCancelled?.(job);
      return;
    }
    const reason = errorMessage(err);
    if (isTransient(err) && job.attempts < job.maxAttempts) {
      const delay = this.opts.retryBaseMs * 2 ** (job.attempts - 1);
      this.db
        .prepare(`UPDATE jobs SET state = 'queued', error = ?, run_after = ?, owner_pid = NULL, owner_token = NULL, updated_at = ? WHERE id = ? AND owner_token = ?`)
        .run(`attempt ${job.attempts} failed, retrying: ${reason}`, now + delay, now, job.id, token);
      return;
    }
    const failed = this.db
      .prepare(`UPDATE jobs SET state = 'failed', error = ?, finished_at = ?, updated_at = ? WHERE id = ? AND owner_token = ?`)
      .run(reason, now, now, job.id, token);
    if (failed.changes === 1) handler?.onFailed?.(job, reason);
  }

  private isCancelRequested(id: string): boolean {
    return (this.db.prepare('SELECT cancel_requested FROM jobs WHERE id = ?').pluck().get(id) as number | undefined) === 1;
  }
}
