// Human-readable lines for items and jobs (the --json output uses the objects as they are).
import type { MediaItem } from '../main/services/library/library.js';
import type { Job } from '../main/services/jobs/queue.js';

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function itemLine(i: MediaItem): string {
  const dims = i.width && i.height ? `${i.width}x${i.height}` : '-';
  const dur = i.durationS ? `${i.durationS.toFixed(1)}s` : '';
  return [i.id, i.kind.padEnd(5), i.status.padEnd(10), dims.padEnd(10), dur.padEnd(7), mb(i.sizeBytes).padStart(9), ` ${i.title}`].join('  ');
}

export function jobLine(j: Job): string {
  const pct = j.state === 'running' ? ` ${Math.floor(j.progress)}%${j.stage ? ` ${j.stage}` : ''}` : '';
  const err = j.error && j.state !== 'done' ? `  (${j.error})` : '';
  return `${j.id}  ${j.kind}  ${j.state}${pct}  item=${j.itemId ?? '-'}  attempts=${j.attempts}/${j.maxAttempts}${err}`;
}
