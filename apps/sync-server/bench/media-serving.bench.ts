// Media serving benchmark (issue 11): requests/s for cached HLS segments through the signed playback route
// (`/api/v1/media/:id/s/<token>/<path>`: token check, manifest lookup, Range/ETag/Cache-Control, stream from
// `<dataDir>/media`) against @fastify/static serving the very same files from a plain directory with no
// signature check, on a bare Fastify, in the same process and run. The media is laid out as the studio
// writes it: one media.mp4 per rung, each segment a byte range of it, so every request is a Range request
// (206) for one segment, round robin over the rungs' segments. Segment sizes follow the ladder's bitrates
// for 4 s segments (about 3 MB at 1080p down to 0.4 MB at 360p; BENCH_MEDIA_SEGMENT_SCALE scales them).
// A second measurement asks for 16 KiB ranges of the same files, where per-request overhead is all there
// is (printed, not the goal). Rounds alternate; each round's ratio compares the two sides measured back
// to back, the headline is the median of those (this machine is shared), best vs best printed too.
// The load generator runs in its own process (keep-alive HTTP, a fixed number of requests in flight).
// Run: npm run bench -- media-serving
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import * as tus from 'tus-js-client';
import { newId } from '@fanz/core';
import { loadConfig } from '../src/config.js';
import { installEnvelope } from '../src/http/envelope.js';
import { MediaCatalog } from '../src/media/media-catalog.js';
import { mediaDeliveryRoutes } from '../src/media/media-delivery.js';
import { MediaViews } from '../src/media/media-views.js';
import { PlaybackSigner } from '../src/media/playback-tokens.js';
import { buildServer } from '../src/server.js';
import { DocStore } from '../src/sync/doc-store.js';

const SEGMENTS = Number(process.env.BENCH_MEDIA_SEGMENTS ?? 8);
const SCALE = Number(process.env.BENCH_MEDIA_SEGMENT_SCALE ?? 1);
const SMALL_RANGE = 16 * 1024;
const SECONDS = Number(process.env.BENCH_MEDIA_SECONDS ?? 2);
/** The studio's default ladder: video kbps + 128k audio, 4 s segments. */
const RUNGS = [
  { name: '1080p', kbps: 6000 + 128 },
  { name: '720p', kbps: 3000 + 128 },
  { name: '480p', kbps: 1400 + 128 },
  { name: '360p', kbps: 730 + 128 },
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

interface Segment {
  url: string;
  /** Inclusive byte range. */
  start: number;
  end: number;
}

interface ClientArgs {
  segments: Segment[];
  seconds: number;
}

/** Load generator (child process): keep-alive Range GETs of the segments round-robin for `seconds`. */
async function clientMain(): Promise<void> {
  const { segments, seconds } = JSON.parse(process.env.BENCH_MEDIA_CLIENT!) as ClientArgs;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const get = (seg: Segment) =>
    new Promise<void>((resolve, reject) => {
      http
        .get(seg.url, { agent, headers: { range: `bytes=${seg.start}-${seg.end}` } }, (res) => {
          let n = 0;
          res.on('data', (c: Buffer) => (n += c.length));
          res.on('end', () => (res.statusCode === 206 && n === seg.end - seg.start + 1 ? resolve() : reject(new Error(`${seg.url}: ${res.statusCode}, ${n} bytes`))));
          res.on('error', reject);
        })
        .on('error', reject);
    });
  let done = 0;
  let next = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await get(segments[next++ % segments.length]!);
        done++;
      }
    }),
  );
  const ms = performance.now() - t0;
  agent.destroy();
  process.send!({ rps: done / (ms / 1000) });
}

function runClient(args: ClientArgs): Promise<number> {
  const proc = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_MEDIA_CLIENT: JSON.stringify(args) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    proc.on('message', (m: { rps: number }) => resolve(m.rps));
    proc.on('exit', (code) => (code ? reject(new Error(`load generator exited with ${code}`)) : undefined));
  });
}

async function json(url: string, method: string, body: unknown, token?: string) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const out = (await res.json()) as { data: Record<string, unknown> };
  if (res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(out)}`);
  return out.data;
}

function upload(url: string, token: string, mediaId: string, path: string, bytes: Buffer): Promise<void> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return new Promise((resolve, reject) => {
    new tus.Upload(bytes, {
      endpoint: `${url}/api/v1/uploads`,
      headers: { authorization: `Bearer ${token}` },
      metadata: { mediaId, path, sha256 },
      retryDelays: [],
      onSuccess: () => resolve(),
      onError: reject,
    }).start();
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fanz-media-bench-'));
  const plainDir = mkdtempSync(join(tmpdir(), 'fanz-media-bench-static-'));
  const server = await buildServer(
    { ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir, jwtSecret: 'bench-secret', logLevel: 'silent' },
    { logger: false },
  );
  const plain = Fastify({ logger: false });
  // The same signed route mounted on a bare Fastify: separates the route's own cost from the full server's
  // per-request plumbing (request ids, CORS, metrics, logging) that every route pays.
  const bare = Fastify({ logger: false });
  try {
    const url = await server.listen();
    const n = randomBytes(4).toString('hex');
    const reg = (await json(`${url}/api/v1/auth/register`, 'POST', {
      role: 'creator',
      username: `bench_${n}`,
      email: `bench${n}@bench.test`,
      password: 'benchmark password',
      displayName: 'Bench',
    })) as { accessToken: string };
    const token = reg.accessToken;
    const mediaId = newId('med');

    // The ladder as the studio writes it: per rung one media.mp4 (init + SEGMENTS segments as byte ranges)
    // and its playlist; written to a plain folder too for the baseline.
    const files: Array<{ path: string; bytes: Buffer; role: string }> = [];
    const big: Array<{ path: string; start: number; end: number }> = [];
    const small: Array<{ path: string; start: number; end: number }> = [];
    const variants: string[] = [];
    const init = 1200;
    for (const r of RUNGS) {
      const seg = Math.round(((r.kbps * 1000 * 4) / 8) * SCALE);
      const path = `hls/${r.name}/media.mp4`;
      const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:4', `#EXT-X-MAP:URI="media.mp4",BYTERANGE="${init}@0"`];
      for (let i = 0; i < SEGMENTS; i++) {
        const start = init + i * seg;
        lines.push('#EXTINF:4.0,', `#EXT-X-BYTERANGE:${seg}@${start}`, 'media.mp4');
        big.push({ path, start, end: start + seg - 1 });
        small.push({ path, start, end: start + SMALL_RANGE - 1 });
      }
      lines.push('#EXT-X-ENDLIST', '');
      files.push({ path, role: 'hls_segment', bytes: randomBytes(init + SEGMENTS * seg) });
      files.push({ path: `hls/${r.name}/index.m3u8`, role: 'hls_variant', bytes: Buffer.from(lines.join('\n')) });
      variants.push(`#EXT-X-STREAM-INF:BANDWIDTH=${r.kbps * 1000}`, `${r.name}/index.m3u8`);
    }
    files.push({ path: 'hls/master.m3u8', role: 'hls_master', bytes: Buffer.from(['#EXTM3U', ...variants, ''].join('\n')) });
    files.push({ path: 'poster.jpg', role: 'poster', bytes: randomBytes(2048) });
    for (const f of files) {
      await upload(url, token, mediaId, f.path, f.bytes);
      mkdirSync(dirname(join(plainDir, f.path)), { recursive: true });
      writeFileSync(join(plainDir, f.path), f.bytes);
    }
    await json(`${url}/api/v1/media/${mediaId}/complete`, 'POST', {
      kind: 'video',
      files: files.map((f) => ({ path: f.path, role: f.role, size: f.bytes.length, sha256: createHash('sha256').update(f.bytes).digest('hex') })),
    }, token);
    const playback = (await json(`${url}/api/v1/media/${mediaId}/playback`, 'GET', undefined, token)) as { url: string };
    const signedBase = playback.url.replace('hls/master.m3u8', '');

    await plain.register(fastifyStatic, { root: plainDir });
    const plainUrl = await plain.listen({ port: 0, host: '127.0.0.1' });
    installEnvelope(bare);
    mediaDeliveryRoutes(bare, {
      auth: server.auth,
      storage: server.media.storage,
      views: new MediaViews(server.media.queries),
      catalog: new MediaCatalog(server.db, new DocStore(server.db)),
      signer: await PlaybackSigner.open(server.db),
    });
    const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

    const on = (base: string, list: typeof big) => list.map((x) => ({ url: base + x.path, start: x.start, end: x.end }));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const measure = async (label: string, list: typeof big, goal: boolean) => {
      const signed = on(signedBase, list);
      const plainSegs = on(`${plainUrl}/`, list);
      const bareSegs = on(signedBase.replace(url, bareUrl), list);
      const avg = list.reduce((a, x) => a + x.end - x.start + 1, 0) / list.length;
      console.log(`  ${label}: ${list.length} Range requests (${(avg / 1024).toFixed(0)} KiB on average) into ${RUNGS.length} media.mp4 files, ${CONCURRENCY} in flight, ${SECONDS} s per round, ${ROUNDS} alternating rounds`);
      // Warm-up: page cache, view and token caches, JIT.
      for (const segs of [signed, plainSegs, bareSegs]) await runClient({ segments: segs, seconds: 1 });
      const rows: Array<{ s: number; p: number; b: number }> = [];
      for (let r = 0; r < ROUNDS; r++) {
        // Which side goes first alternates, so neither always meets the same phase of the machine's load.
        const first = r % 2 === 0 ? plainSegs : signed;
        const x = await runClient({ segments: first, seconds: SECONDS });
        const y = await runClient({ segments: first === plainSegs ? signed : plainSegs, seconds: SECONDS });
        const [p, sg] = first === plainSegs ? [x, y] : [y, x];
        const b = await runClient({ segments: bareSegs, seconds: SECONDS });
        rows.push({ s: sg, p, b });
        console.log(`    round ${r + 1}: @fastify/static ${p.toFixed(0)} req/s, signed route ${sg.toFixed(0)} req/s (${((sg / p) * 100).toFixed(0)}%), signed route on bare Fastify ${b.toFixed(0)} req/s`);
      }
      const best = (k: 's' | 'p' | 'b') => Math.max(...rows.map((x) => x[k]));
      const ratio = median(rows.map((x) => x.s / x.p));
      console.log(`    signed playback route, full server (token, manifest, Range/ETag)  best ${best('s').toFixed(0).padStart(6)} req/s`);
      console.log(`    @fastify/static on bare Fastify, no signature (baseline)          best ${best('p').toFixed(0).padStart(6)} req/s`);
      console.log(`    signed route alone on bare Fastify                                 best ${best('b').toFixed(0).padStart(6)} req/s`);
      console.log(
        `    ${goal ? 'RATIO' : 'ratio'} signed / static (${label}): median of rounds ${(ratio * 100).toFixed(0)}%, best vs best ${((best('s') / best('p')) * 100).toFixed(0)}%` +
          (goal ? ` (goal >= 80%) ${ratio >= 0.8 ? 'OK' : 'BELOW GOAL'}` : ' (per-request overhead only; not the goal)'),
      );
    };
    await measure('segments of the ladder', big, true);
    await measure('16 KiB ranges', small, false);
  } finally {
    await plain.close();
    await bare.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(plainDir, { recursive: true, force: true });
  }
}

if (process.env.BENCH_MEDIA_CLIENT) {
  await clientMain();
  process.exit(0);
} else {
  await main();
}
