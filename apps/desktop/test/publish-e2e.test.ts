// Issue 11 "Done means", end to end against the real sync server (in-process, PGlite) and the real studio
// CLI (child processes): publish a clip as a pay-per-view post, a fan pays and plays it with ffprobe, a
// second fan gets 403; SIGKILL the CLI half-way through an upload, run it again, and it resumes, sending
// again less than 10% of the bytes (counted by a proxy in front of the server).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../sync-server/src/server.js';
import { resolveBinaries } from '../src/main/services/media/binaries.js';
import { roleOf } from '../src/main/services/publish/output-manifest.js';
import { runCli, startCli } from './helpers/cli.js';
import { startCountingProxy, type CountingProxy } from './helpers/counting-proxy.js';
import { makeVideo } from './helpers/fixtures.js';

const run = promisify(execFile);
let dir: string;
let server: FanzServer;
let url: string;
const password = 'correct horse battery';
let creator: { email: string; id: string; token: string };

async function api(method: string, path: string, o: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(o.body ? { 'content-type': 'application/json' } : {}), ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers },
    ...(o.body ? { body: JSON.stringify(o.body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as { data: Record<string, unknown>; error?: { code: string; message: string } } };
}

async function register(role: 'creator' | 'fan', n: string): Promise<{ email: string; id: string; token: string }> {
  const email = `${role}${n}@example.test`;
  const r = await api('POST', '/api/v1/auth/register', { body: { role, username: `${role}_${n}`, email, password, displayName: role } });
  expect(r.status).toBe(201);
  return { email, id: (r.json.data.user as { id: string }).id, token: r.json.data.accessToken as string };
}

/** Bytes of the uploadable files of an item's output folder. */
function ladderBytes(outDir: string): number {
  let total = 0;
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else if (roleOf(r)) total += statSync(join(d, e.name)).size;
    }
  };
  walk(outDir, '');
  return total;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-publish-'));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  url = await server.listen();
  const n = Math.random().toString(36).slice(2, 10);
  creator = await register('creator', n);
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('publish and watch', () => {
  it('publishes a clip as pay-per-view from the CLI; the paying fan plays it with ffprobe, another fan gets 403', async () => {
    const studioDir = join(dir, 'studio-a');
    const clip = await makeVideo(join(dir, 'beach clip.mp4'), { width: 640, height: 360, durationS: 4 });
    const login = await runCli(['login', '--server', url, '--email', creator.email, '--password', password, '--data-dir', studioDir, '--json']);
    expect(login.code, login.stderr).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({ user: { id: creator.id, role: 'creator' } });

    const bad = await runCli(['publish', clip, '--title', 'Beach clip', '--price', '4.999', '--data-dir', studioDir, '--json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/USD has 2 decimal places/);

    const pub = await runCli(['publish', clip, '--title', 'Beach clip', '--price', '4.99', '--data-dir', studioDir, '--json']);
    expect(pub.code, pub.stderr).toBe(0);
    const out = JSON.parse(pub.stdout) as { postId: string; mediaId: string; creatorId: string; status: string };
    expect(out).toMatchObject({ creatorId: creator.id, status: 'published' });
    expect(out.mediaId).toMatch(/^med_/);
    expect(pub.stderr).toMatch(/uploading .* of /);

    // The server holds the renditions (blurred still included), never the original.
    const owner = await fetch(`${url}/api/v1/media/${out.mediaId}`, { headers: { authorization: `Bearer ${creator.token}` } });
    const stored = ((await owner.json()) as { data: { status: string; files: Array<{ path: string }> } }).data;
    expect(stored.status).toBe('ready');
    const paths = stored.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['hls/master.m3u8', 'poster.jpg', 'preview_blur.jpg', 'teaser.mp4', 'sprite/thumbnails.vtt']));
    expect(paths.some((p) => p.includes('beach'))).toBe(false);

    // The catalog the fans see holds the post at 4.99 USD = 499 minor units.
    const cat = await api('GET', `/api/v1/catalog?creatorId=${creator.id}`);
    const post = (cat.json.data.posts as Array<{ id: string; price: unknown; media: unknown }>).find((p) => p.id === out.postId);
    expect(post).toMatchObject({ price: { amount: 499, currency: 'USD' }, media: [{ mediaId: out.mediaId, kind: 'video' }] });

    const n = Math.random().toString(36).slice(2, 10);
    const payer = await register('fan', `p${n}`);
    const other = await register('fan', `o${n}`);
    const paid = await api('POST', '/api/v1/payments', {
      token: payer.token,
      headers: { 'idempotency-key': `ppv-${n}` },
      body: { postId: out.postId, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' } },
    });
    expect(paid.status, JSON.stringify(paid.json)).toBe(201);

    const denied = await api('GET', `/api/v1/media/${out.mediaId}/playback`, { token: other.token });
    expect(denied.status).toBe(403);
    const play = await api('GET', `/api/v1/media/${out.mediaId}/playback`, { token: payer.token });
    expect(play.status).toBe(200);
    const playUrl = play.json.data.url as string;
    expect(playUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/media\/med_.*\/hls\/master\.m3u8$/);
    const { stdout } = await run(resolveBinaries().ffprobe.path, ['-v', 'error', '-of', 'json', '-show_streams', '-show_format', playUrl], { maxBuffer: 8 << 20 });
    const probe = JSON.parse(stdout) as { streams: Array<{ codec_type: string; codec_name: string }>; format: { duration: string } };
    expect(probe.streams.some((s) => s.codec_type === 'video' && s.codec_name === 'h264')).toBe(true);
    expect(Number(probe.format.duration)).toBeGreaterThan(3);

    // The jobs list shows the finished upload with its kind.
    const jobs = await runCli(['jobs', '--data-dir', studioDir, '--json']);
    expect((JSON.parse(jobs.stdout) as { jobs: Array<{ kind: string; state: string }> }).jobs).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'upload', state: 'done' })]),
    );
  }, 240_000);

  it('refuses without a sign-in (9) and while the label check warns (8); --confirm with --at schedules instead', async () => {
    const studioDir = join(dir, 'studio-c');
    const clip = await makeVideo(join(dir, 'free clip.mp4'), { width: 320, height: 180, durationS: 2, audio: false });
    const anon = await runCli(['publish', clip, '--title', 'Free clip', '--free', '--data-dir', studioDir]);
    expect(anon.code).toBe(9);
    expect(anon.stderr).toMatch(/not signed in: run `login/);
    const wrong = await runCli(['login', '--server', url, '--email', creator.email, '--password', 'not the password', '--data-dir', studioDir]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/sign-in failed/);
    expect((await runCli(['login', '--server', url, '--email', creator.email, '--password', password, '--data-dir', studioDir])).code).toBe(0);

    // A free post shows its media publicly; nothing has scored this clip, so the check warns.
    const warned = await runCli(['publish', clip, '--title', 'Free clip', '--free', '--data-dir', studioDir, '--json']);
    expect(warned.code, warned.stderr).toBe(8);
    expect(warned.stderr).toMatch(/not scored yet/);
    expect(JSON.parse(warned.stdout)).toMatchObject({ error: { code: 'LABEL_WARNING' } });

    const at = new Date(Date.now() + 3_600_000).toISOString();
    const pub = await runCli(['publish', clip, '--title', 'Free clip', '--free', '--confirm', '--at', at, '--data-dir', studioDir, '--json']);
    expect(pub.code, pub.stderr).toBe(0);
    const out = JSON.parse(pub.stdout) as { postId: string; mediaId: string; status: string; scheduledAt: string };
    expect(out).toMatchObject({ status: 'scheduled', scheduledAt: at });
    // Scheduled for later: not in the public catalog, and its media plays for nobody but the creator yet.
    const cat = await api('GET', `/api/v1/catalog?creatorId=${creator.id}`);
    expect((cat.json.data.posts as Array<{ id: string }>).some((p) => p.id === out.postId)).toBe(false);
    const fan = await register('fan', `s${Math.random().toString(36).slice(2, 8)}`);
    expect((await api('GET', `/api/v1/media/${out.mediaId}/playback`, { token: fan.token })).status).toBe(404);
    expect((await api('GET', `/api/v1/media/${out.mediaId}/playback`, { token: creator.token })).status).toBe(200);
  }, 240_000);

  it('resumes an upload after the CLI is killed half-way, sending again less than 10% of the bytes', async () => {
    const studioDir = join(dir, 'studio-b');
    const clip = await makeVideo(join(dir, 'long clip.mp4'), { width: 854, height: 480, durationS: 12 });
    const transcoded = await runCli(['transcode', clip, '--preset', 'ultrafast', '--data-dir', studioDir, '--json']);
    expect(transcoded.code, transcoded.stderr).toBe(0);
    const t = JSON.parse(transcoded.stdout) as { item: { id: string }; outputDir: string };
    const ladder = ladderBytes(t.outputDir);

    const target = new URL(url);
    const rate = Math.max(200_000, Math.round(ladder / 6)); // about six seconds for the whole ladder
    const proxy: CountingProxy = await startCountingProxy({ host: target.hostname, port: Number(target.port) }, { bytesPerSecond: rate });
    try {
      const login = await runCli(['login', '--server', proxy.url, '--email', creator.email, '--password', password, '--data-dir', studioDir]);
      expect(login.code, login.stderr).toBe(0);
      const args = ['publish', t.item.id, '--title', 'Long clip', '--subscribers', '--data-dir', studioDir, '--json'];
      const base = proxy.sent();
      const first = startCli(args);
      // Kill when the server has received about half of the ladder (counted at the proxy, not guessed).
      const half = await new Promise<boolean>((resolve) => {
        const poll = setInterval(() => {
          if (proxy.sent() - base >= ladder * 0.5) {
            clearInterval(poll);
            resolve(true);
          }
        }, 10);
        first.child.on('exit', () => {
          clearInterval(poll);
          resolve(false);
        });
      });
      expect(half).toBe(true);
      first.child.kill('SIGKILL');
      const killedAt = proxy.sent() - base;
      const killed = await first.done;
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.stderr).toMatch(/\d+% uploading [\d.]+ [kM]?B of [\d.]+ [kM]?B/);
      const before = proxy.sent() - base;

      // The killed process left its upload job running and its tus URLs in the studio database.
      const db = new Database(join(studioDir, 'library.db'), { readonly: true });
      const job = db.prepare(`SELECT state, progress FROM jobs WHERE kind = 'upload' ORDER BY created_at DESC LIMIT 1`).get() as { state: string; progress: number };
      const urls = db.prepare('SELECT count(*) FROM tus_uploads').pluck().get() as number;
      db.close();
      expect(job.state).toBe('running');
      expect(urls).toBeGreaterThan(0);
      // `jobs` shows the byte progress the killed process last persisted.
      const listed = await runCli(['jobs', '--data-dir', studioDir]);
      expect(listed.stdout, listed.stdout).toMatch(/upload {2}running [1-9]\d*% uploading [\d.]+ [kM]?B of [\d.]+ [kM]?B/);

      const second = await runCli(args);
      expect(second.code, second.stderr).toBe(0);
      expect(JSON.parse(second.stdout)).toMatchObject({ mediaId: t.item.id, status: 'published' });
      const after = proxy.sent() - base - before;
      const resent = before + after - ladder;
      console.log(`resume: ladder ${ladder} B, killed at ${killedAt} B, received from the killed process ${before} B, after restart ${after} B, re-sent ${resent} B (${((resent / ladder) * 100).toFixed(1)}%)`);
      expect(killedAt).toBeGreaterThan(ladder * 0.45);
      expect(killedAt).toBeLessThan(ladder * 0.6);
      // What the dead process had already written into its sockets still arrives after the kill.
      expect(before).toBeLessThan(ladder * 0.85);
      expect(after).toBeLessThan(ladder * 0.65);
      expect(resent / ladder).toBeLessThan(0.1);
    } finally {
      await proxy.close();
    }
  }, 240_000);
});
