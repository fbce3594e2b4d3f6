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
  it('starts the biggest files and the small ones at once, and sends every file exactly once', async () => {
    const started: string[] = [];
    const sent: string[] = [];
    await sendAll(sendLists(ladder(), 4e6), 2, 2, async (x) => {
      started.push(x.name);
      await tick();
      sent.push(x.name);
    });
    // The first four requests: two big streams, two small ones.
    expect(started.slice(0, 4)).toEqual(['1080p', '720p', 'teaser', 'poster']);
    expect(sent.sort()).toEqual(ladder().map((x) => x.name).sort());
  });

  it('lets a stream whose list ran out help with the other list', async () => {
    const by = new Map<string, number>();
    let worker = 0;
    await sendAll(sendLists([f('big', 100), f('a', 1), f('b', 1), f('c', 1)], 10), 1, 1, async (x) => {
      by.set(x.name, worker++);
      await tick();
    });
    expect([...by.keys()].sort()).toEqual(['a', 'b', 'big', 'c']);
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
