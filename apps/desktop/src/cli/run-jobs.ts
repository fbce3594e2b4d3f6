// Runs queued jobs in this CLI process until the given ones have finished, showing their progress.
import type { Job } from '../main/services/jobs/queue.js';
import type { Studio } from '../main/services/studio.js';
import type { Output } from './output.js';

export async function runJobsToCompletion(studio: Studio, out: Output, jobIds: string[] | null, signal: AbortSignal): Promise<Job[]> {
  const { queue } = studio;
  const bars = new Map<string, ReturnType<Output['progress']>>();
  const label = (id: string) => {
    const job = queue.get(id);
    const item = job?.itemId ? studio.lib.getItem(job.itemId) : null;
    return item ? `${item.title}` : id;
  };
  const onProgress = (p: { id: string; percent: number; etaS: number | null; stage: string | null }) => {
    if (jobIds && !jobIds.includes(p.id)) return;
    let bar = bars.get(p.id);
    if (!bar) bars.set(p.id, (bar = out.progress(label(p.id))));
    bar.update(p.percent, p.etaS, p.stage);
  };
  queue.on('progress', onProgress);
  queue.restrictTo(jobIds);
  const onAbort = () => {
    for (const id of jobIds ?? queue.list({ state: 'running' }).map((j) => j.id)) queue.cancel(id);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  queue.start(); // re-queues jobs a crashed process left running
  // Temp folders of attempts that will never resume (crashed, then failed or cancelled) go now.
  await studio.sweepTemp();
  try {
    const ids = jobIds ?? [];
    if (jobIds) {
      const results: Job[] = [];
      for (const id of ids) {
        const job = await queue.waitFor(id);
        bars.get(id)?.done(job.state === 'done' ? 'done' : `${job.state}${job.error ? `: ${job.error}` : ''}`);
        results.push(job);
      }
      return results;
    }
    // Whole queue: keep going until nothing is queued or running for the kinds we handle.
    const finished: Job[] = [];
    for (;;) {
      const kinds = new Set(queue.kinds());
      const pending = [...queue.list({ state: 'running', limit: 1000 }), ...queue.list({ state: 'queued', limit: 1000 })].filter((j) => kinds.has(j.kind));
      if (pending.length === 0 || signal.aborted) break;
      const next = pending[0];
      if (!next) break;
      const job = await queue.waitFor(next.id);
      bars.get(job.id)?.done(job.state === 'done' ? 'done' : `${job.state}${job.error ? `: ${job.error}` : ''}`);
      finished.push(job);
    }
    return finished;
  } finally {
    signal.removeEventListener('abort', onAbort);
    queue.off('progress', onProgress);
  }
}
