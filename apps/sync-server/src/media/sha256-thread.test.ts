import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Sha256Thread } from './sha256-thread.js';

const threads: Sha256Thread[] = [];
afterEach(async () => {
  for (const t of threads.splice(0)) await t.close();
});
const sha = (...bufs: Buffer[]) => createHash('sha256').update(Buffer.concat(bufs)).digest('hex');

describe('Sha256Thread', () => {
  it('hashes interleaved uploads in order, moving owned buffers and copying borrowed ones', async () => {
    const thread = new Sha256Thread();
    threads.push(thread);
    const a = thread.create();
    const b = thread.create();
    const aParts = Array.from({ length: 5 }, () => randomBytes(300_000));
    const bParts = Array.from({ length: 5 }, () => randomBytes(70_000));
    const pooled = Buffer.from(randomBytes(8000)).subarray(100, 5100); // part of a bigger buffer: copied
    for (let i = 0; i < 5; i++) {
      const owned = Buffer.from(aParts[i]!); // a buffer of its own: moved to the thread
      a.update(owned, true);
      b.update(bParts[i]!);
    }
    b.update(pooled, true);
    expect(await a.digest()).toBe(sha(...aParts));
    expect(await b.digest()).toBe(sha(...bParts, pooled));
    // An empty upload hashes to the empty digest.
    expect(await thread.create().digest()).toBe(sha());
  });

  it('fails the digest of a hash whose thread stopped, instead of answering a partial one', async () => {
    const thread = new Sha256Thread();
    threads.push(thread);
    const h = thread.create();
    h.update(randomBytes(1000));
    await thread.close();
    h.update(randomBytes(1000));
    await expect(h.digest()).rejects.toThrow(/stopped/);
    // A hash begun after the restart works.
    const fresh = thread.create();
    const bytes = randomBytes(5000);
    fresh.update(bytes);
    expect(await fresh.digest()).toBe(sha(bytes));
  });
});
