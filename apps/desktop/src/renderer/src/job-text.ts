// What a job is doing, in words, for the Jobs screen ("Uploading 'Beach clip': 12.3 MB of 200 MB") instead of
// its kind name. Pure: tested without a browser (job-text.test.ts).
import type { JobView } from '../../shared/studio-api';

const quoted = (j: JobView): string => (j.itemTitle ? `'${j.itemTitle}'` : 'a removed item');

const VERBS: Record<string, { running: string; done: string; noun: string }> = {
  upload: { running: 'Uploading', done: 'Uploaded', noun: 'Upload' },
  'media.process': { running: 'Transcoding', done: 'Transcoded', noun: 'Transcode' },
  'media.score': { running: 'Scoring', done: 'Scored', noun: 'Scoring' },
};

const STATE_TEXT: Record<JobView['state'], string> = { queued: 'waiting', running: 'running', done: 'done', failed: 'failed', cancelled: 'cancelled' };

export function describeJob(j: JobView): string {
  const v = VERBS[j.kind];
  if (!v) return `Background task${j.itemTitle ? ` for '${j.itemTitle}'` : ''}: ${STATE_TEXT[j.state]}`;
  const what = quoted(j);
  switch (j.state) {
    case 'running': {
      // The upload job's stage reads "uploading 12.3 MB of 200 MB"; other stages are short names.
      const bytes = j.kind === 'upload' ? /^uploading (.+ of .+)$/.exec(j.stage ?? '')?.[1] : undefined;
      if (bytes) return `${v.running} ${what}: ${bytes}`;
      // Upload stages are written in words ("checking files"); transcoder stages are internal step names.
      return `${v.running} ${what}${j.kind === 'upload' && j.stage ? ` (${j.stage})` : ''}`;
    }
    case 'queued':
      return j.error ? `${v.noun} of ${what} waiting to retry` : `${v.noun} of ${what} waiting`;
    case 'done':
      return `${v.done} ${what}`;
    case 'failed':
      return `${v.noun} of ${what} failed`;
    case 'cancelled':
      return `${v.noun} of ${what} cancelled`;
  }
}
