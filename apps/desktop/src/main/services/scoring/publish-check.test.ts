// The pre-publish label check over the real backend and SQLite: stored content labels against where each
// media of the post will be shown (free post, teaser, thumbnail, subscribers, pay-per-view).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSecretBox } from '../account/account-store.js';
import { openBackend, type StudioBackend } from '../../studio-backend.js';
import { dispatchApiCall } from '../../api-dispatch.js';
import type { PostDraft, PublishCheckResult } from '../../../shared/studio-api.js';

let dir: string;
let backend: StudioBackend;
const id: Record<string, string> = {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-publish-check-'));
  backend = openBackend({ dataDir: dir, defaultServerUrl: 'http://127.0.0.1:9', mode: 'browser', box: fileSecretBox, concurrency: 1 });
  // Stop the queue: these rows point at no real files; the test is about the stored labels.
  void backend.studio.queue.stop();
  const add = (name: string, label: 'safe' | 'suggestive' | 'explicit' | null) => {
    const item = backend.studio.lib.insertItem({ kind: 'video', path: `/nowhere/${name}`, fileName: name, title: name, contentHash: `hash-${name}`, sizeBytes: 10, mtimeMs: 0 });
    if (label) backend.studio.lib.setScores(item.id, 'content-label', { safe: label === 'safe' ? 1 : 0, suggestive: label === 'suggestive' ? 1 : 0, explicit: label === 'explicit' ? 1 : 0 });
    id[name] = item.id;
  };
  add('safe', 'safe');
  add('suggestive', 'suggestive');
  add('explicit', 'explicit');
  add('unscored', null);
});

afterAll(async () => {
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

const check = async (d: Omit<PostDraft, 'title'>) =>
  (await dispatchApiCall(backend.api, 'postPublishCheck', { title: 't', ...d })) as PublishCheckResult;
/** "<media name>@<placement>:<code>" per warning, sorted, so one assertion states the whole result. */
const summary = async (d: Omit<PostDraft, 'title'>) => {
  const names = new Map(Object.entries(id).map(([k, v]) => [v, k]));
  return (await check(d)).warnings.map((w) => `${names.get(w.mediaId) ?? w.mediaId}@${w.placement}:${w.code}`).sort();
};

describe('postPublishCheck', () => {
  it('a free post: every media is public, so only safe media passes', async () => {
    expect(await summary({ visibility: 'free', mediaIds: [id.safe!] })).toEqual([]);
    expect(await summary({ visibility: 'free', mediaIds: [id.safe!, id.suggestive!, id.explicit!, id.unscored!] })).toEqual([
      'explicit@public_post:label_mismatch',
      'suggestive@public_post:label_mismatch',
      'unscored@public_post:not_scored',
    ]);
  });

  it('a subscribers post: locked media may be explicit; the teaser and thumbnail must be safe', async () => {
    const mediaIds = [id.safe!, id.suggestive!, id.explicit!, id.unscored!];
    expect(await summary({ visibility: 'subscribers', mediaIds })).toEqual([]);
    expect(await summary({ visibility: 'subscribers', mediaIds, teaserMediaId: id.safe!, thumbnailMediaId: id.safe! })).toEqual([]);
    expect(await summary({ visibility: 'subscribers', mediaIds, teaserMediaId: id.suggestive!, thumbnailMediaId: id.unscored! })).toEqual([
      'suggestive@public_teaser:label_mismatch',
      'unscored@public_thumbnail:not_scored',
    ]);
  });

  it('a pay-per-view post: same rule for its public teaser and thumbnail', async () => {
    const base = { visibility: 'pay_per_view' as const, price: { amount: 999, currency: 'USD' as const }, mediaIds: [id.explicit!, id.safe!] };
    expect(await summary(base)).toEqual([]);
    const r = await check({ ...base, teaserMediaId: id.explicit!, thumbnailMediaId: id.safe! });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ code: 'label_mismatch', placement: 'public_teaser', label: 'explicit' });
    expect(r.warnings[0]!.message).toMatch(/"explicit".*labelled explicit.*must be safe/);
  });

  it('media missing from the library counts as not scored, with a clear message', async () => {
    const r = await check({ visibility: 'free', mediaIds: ['med_gone'] });
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'not_scored', label: null, mediaId: 'med_gone' })]);
    expect(r.warnings[0]!.message).toMatch(/not in this library/);
  });

  it('a rescore changes the answer (labels are read at check time, not cached)', async () => {
    const item = backend.studio.lib.insertItem({ kind: 'photo', path: '/nowhere/late', fileName: 'late', title: 'late', contentHash: 'hash-late', sizeBytes: 10, mtimeMs: 0 });
    expect(await summary({ visibility: 'free', mediaIds: [item.id] })).toEqual([`${item.id}@public_post:not_scored`]);
    backend.studio.lib.setScores(item.id, 'content-label', { safe: 1, suggestive: 0, explicit: 0 });
    expect(await summary({ visibility: 'free', mediaIds: [item.id] })).toEqual([]);
  });

  it('rejects bad input with a validation error', async () => {
    await expect(dispatchApiCall(backend.api, 'postPublishCheck', { title: 't', visibility: 'public' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(dispatchApiCall(backend.api, 'postPublishCheck', { title: 't', visibility: 'free', teaserMediaId: 5 })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });
});
