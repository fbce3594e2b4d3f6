// Real things for the fan web e2e: the studio CLI (login, publish) run as a child process, a generated
// clip and avatar (the ffmpeg the studio resolves), creator tiers over REST, and a creator with 200 posts
// written into their catalog document with the stock y-websocket provider (as a studio would sync them).
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { catalogDocName, newId, putPost } from '@fanz/core';
import { resolveBinaries } from '../../desktop/src/main/services/media/binaries.js';
import type { Creator } from '../../desktop/e2e/server-copy.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
const run = promisify(execFile);

/** An 8 s 854x480 clip: the studio's ladder gives it two rungs (480p, 360p), so quality can switch. */
export function makeClip(dir: string): string {
  const out = join(dir, 'sunset-walk.mp4');
  execFileSync(resolveBinaries().ffmpeg.path, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=854x480:rate=24',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    '-t', '8', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', out,
  ]);
  return out;
}

export function makePhoto(dir: string): string {
  const out = join(dir, 'harbour.jpg');
  execFileSync(resolveBinaries().ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720', '-frames:v', '1', '-q:v', '3', out]);
  return out;
}

export function makeAvatar(dir: string): string {
  const out = join(dir, 'avatar.png');
  execFileSync(resolveBinaries().ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=256x256', '-frames:v', '1', out]);
  return out;
}

/** Runs `npm run -s studio -- <args> --json` (the studio CLI) and returns its JSON document. */
export async function studioCli<T>(dataDir: string, args: string[]): Promise<T> {
  try {
    const { stdout } = await run(tsx, [join(repoRoot, 'apps/desktop/src/cli/main.ts'), ...args, '--data-dir', dataDir, '--json'], {
      cwd: repoRoot,
      timeout: 180_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(stdout) as T;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`studio ${args[0]} failed: ${e.message}\n${e.stderr?.slice(-3000) ?? ''}\n${e.stdout?.slice(-2000) ?? ''}`);
  }
}

export async function createTier(serverUrl: string, creator: Creator, body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await fetch(`${serverUrl}/api/v1/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${creator.accessToken}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { success: boolean; data: { id: string } };
  if (res.status !== 201) throw new Error(`tier: ${res.status} ${JSON.stringify(json)}`);
  return json.data;
}

/** Writes `count` published posts into the creator's catalog over sync and waits until the server holds them. */
export async function writePosts(serverUrl: string, creator: Creator, count: number): Promise<void> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${serverUrl.replace(/^http/, 'ws')}/sync`, catalogDocName(creator.id), doc, {
    params: { token: creator.accessToken },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('catalog did not sync within 15 s')), 15_000);
      provider.once('sync', () => (clearTimeout(t), resolve()));
    });
    doc.transact(() => {
      for (let i = 0; i < count; i++) {
        const at = new Date(Date.now() - (count - i) * 3600_000).toISOString();
        const ppv = i % 3 === 0;
        putPost(doc, {
          id: newId('post'),
          creatorId: creator.id,
          title: `Post number ${i + 1}`,
          description: 'A day in the studio.',
          visibility: ppv ? 'pay_per_view' : i % 3 === 1 ? 'subscribers' : 'free',
          price: ppv ? { amount: 199 + i, currency: 'USD' } : null,
          status: 'published',
          publishedAt: at,
          createdAt: at,
          updatedAt: at,
        });
      }
    });
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await fetch(`${serverUrl}/api/v1/catalog?creatorId=${creator.id}`);
      const n = ((await res.json()) as { data: { posts: unknown[] } }).data.posts.length;
      if (n === count) break;
      if (Date.now() > deadline) throw new Error(`the server holds ${n} of ${count} posts`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    provider.destroy();
    doc.destroy();
  }
}
