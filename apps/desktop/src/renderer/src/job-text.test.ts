import { describe, expect, it } from 'vitest';
import type { JobView } from '../../shared/studio-api';
import { describeJob } from './job-text';

const job = (o: Partial<JobView>): JobView => ({
  id: 'job_1', kind: 'upload', itemId: 'med_1', itemTitle: 'Beach clip', state: 'running', progress: 6, etaS: null, stage: null,
  error: null, attempts: 1, createdAt: 0, finishedAt: null, ...o,
});

describe('describeJob', () => {
  it('says how many bytes of an upload have gone, with the item title', () => {
    expect(describeJob(job({ stage: 'uploading 12.3 MB of 200 MB' }))).toBe("Uploading 'Beach clip': 12.3 MB of 200 MB");
    expect(describeJob(job({ stage: 'checking files' }))).toBe("Uploading 'Beach clip' (checking files)");
  });

  it('names every state in words, never the raw kind', () => {
    expect(describeJob(job({ state: 'queued' }))).toBe("Upload of 'Beach clip' waiting");
    expect(describeJob(job({ state: 'queued', error: 'attempt 1 failed, retrying: cannot reach the server' }))).toBe("Upload of 'Beach clip' waiting to retry");
    expect(describeJob(job({ state: 'done' }))).toBe("Uploaded 'Beach clip'");
    expect(describeJob(job({ state: 'failed' }))).toBe("Upload of 'Beach clip' failed");
    expect(describeJob(job({ kind: 'media.process', stage: 'ladder' }))).toBe("Transcoding 'Beach clip'");
    expect(describeJob(job({ kind: 'media.score', state: 'done', itemTitle: null }))).toBe('Scored a removed item');
  });
});
