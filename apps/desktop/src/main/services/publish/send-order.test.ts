import { describe, expect, it } from 'vitest';
import { sendAll, sendLists } from './send-order.js';

const f = (name: string, size: number) => ({ name, size });
// A ladder as the studio writes it: one media file per rung, then playlists and stills.
const ladder = () => [f('master', 400), f('1080p', 100e6), f('poster', 90e3), f('360p', 16e6), f('720p', 56e6), f('teaser', 300e3), f('480p', 28e6), f('vtt', 6e3)];
const tick = () => new Promise((r) => setTimeout(r, 1));

describe('sendLists', () => {
  it('splits at the single-request size, each list biggest first', () => {
    const { big, small } = sendLists(ladder(), 4e6);
    expect(big.map((x) => x.name)).toEqual(['1080p', '720p', '480p', '360p']);
    expect(small.map((x) => x.name)).toEqual(['teaser', 'poster', 'vtt', 'master']);
  });
});

describe('sendAll', () => {
  it('starts the small files once the first big ones are under way, and sends every file exactly once', async () => {
    const events: string[] = [];
    const sent: string[] = [];
    await sendAll(sendLists(ladder(), 4e6), 2, 2, async (x, underWay) => {
      events.push(`start ${x.name}`);
      await tick();
      events.push(`under way ${x.name}`);
      underWay();
      await tick();
      sent.push(x.name);
    });
    // Two big streams begin; the two small ones only after both big uploads exist, beside their bytes.
    expect(events.slice(0, 6)).toEqual(['start 1080p', 'start 720p', 'under way 1080p', 'under way 720p', 'start teaser', 'start poster']);
    expect(sent.sort()).toEqual(ladder().map((x) => x.name).sort());
  });

  it('opens the small files gate when a big file fails before it is under way', async () => {
    const err = new Error('refused');
    const started: string[] = [];
    await expect(
      sendAll(sendLists([f('big', 100), f('a', 1)], 10), 1, 1, async (x) => {
        started.push(x.name);
        if (x.name === 'big') throw err;
      }),
    ).rejects.toBe(err);
    // The failure stops the job: the small worker wakes up and takes nothing.
    expect(started).toEqual(['big']);
  });

  it('lets a stream whose list ran out help with the other list', async () => {
    const sent: string[] = [];
    // Three big streams but one big file: the two spare big streams take small files from the start.
    await sendAll(sendLists([f('big', 100), f('a', 1), f('b', 1), f('c', 1)], 10), 3, 0, async (x) => {
      sent.push(x.name);
      await tick();
    });
    expect(sent.slice(0, 3)).toEqual(['big', 'a', 'b']);
    expect(sent.sort()).toEqual(['a', 'b', 'big', 'c']);
  });

  it('stops taking files after a failure and rethrows it', async () => {
    const sent: string[] = [];
    const err = new Error('refused');
    await expect(
      sendAll(sendLists(ladder(), 4e6), 1, 0, async (x) => {
        sent.push(x.name);
        if (x.name === '720p') throw err;
      }),
    ).rejects.toBe(err);
    expect(sent).toEqual(['1080p', '720p']);
  });
});
