// Media serving benchmark (issue 11): requests/s for cached HLS segments through the signed playback route
// (`/api/v1/media/:id/s/<token>/<path>`: token HMAC check, manifest lookup, Range/ETag/Cache-Control, stream
// from `<dataDir>/media`) against @fastify/static serving the very same files from a plain directory with
// no signature check, on a bare Fastify, in the same process and run. Rounds alternate and the best of each
// side is compared (this machine is shared), printing both rates and the ratio (goal >= 80%).
// The load generator runs in its own process (keep-alive HTTP, a fixed number of requests in flight).
// Run: npm run bench -- media
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

const SEGMENTS = Number(process.env.BENCH_MEDIA_SEGMENTS ?? 16);
const SEGMENT_BYTES = Number(process.env.BENCH_MEDIA_SEGMENT_BYTES ?? 128 * 1024);
const SECONDS = Number(process.env.BENCH_MEDIA_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

interface ClientArgs {
  urls: string[];
  seconds: number;
  expectBytes: number;
}

/** Load generator (child process): keep-alive GETs of the segment URLs round-robin for `seconds`. */
async function clientMain(): Promise<void> {
  const { urls, seconds, expectBytes } = JSON.parse(process.env.BENCH_MEDIA_CLIENT!) as ClientArgs;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const get = (url: string) =>
    new Promise<void>((resolve, reject) => {
      http
        .get(url, { agent }, (res) => {
          let n = 0;
          res.on('data', (c: Buffer) => (n += c.length));
          res.on('end', () => (res.statusCode === 200 && n === expectBytes ? resolve() : reject(new Error(`${url}: ${res.statusCode}, ${n} bytes`))));
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
        await get(urls[next++ % urls.length]!);
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

    // A one-rung ladder of SEGMENTS random segments, written to a plain folder too for the baseline.
    const files: Array<{ path: string; bytes: Buffer; role: string }> = [];
    const segPaths = Array.from({ length: SEGMENTS }, (_, i) => `hls/v0/seg_${String(i).padStart(5, '0')}.m4s`);
    for (const p of segPaths) files.push({ path: p, bytes: randomBytes(SEGMENT_BYTES), role: 'hls_segment' });
    files.push({ path: 'hls/v0/index.m3u8', role: 'hls_variant', bytes: Buffer.from(`#EXTM3U\n#EXT-X-TARGETDURATION:4\n${segPaths.map((p) => `#EXTINF:4.0,\n${p.split('/').pop()}`).join('\n')}\n#EXT-X-ENDLIST\n`) });
    files.push({ path: 'hls/master.m3u8', role: 'hls_master', bytes: Buffer.from('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000000\nv0/index.m3u8\n') });
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

    const signedUrls = segPaths.map((p) => signedBase + p);
    const plainUrls = segPaths.map((p) => `${plainUrl}/${p}`);
    const bareUrls = signedUrls.map((u) => u.replace(url, bareUrl));
    console.log(`  ${SEGMENTS} segments of ${SEGMENT_BYTES} bytes, ${CONCURRENCY} requests in flight, ${SECONDS} s per round, best of ${ROUNDS} alternating rounds`);
    // Warm-up: page cache, view cache, JIT.
    await runClient({ urls: signedUrls, seconds: 1, expectBytes: SEGMENT_BYTES });
    await runClient({ urls: plainUrls, seconds: 1, expectBytes: SEGMENT_BYTES });
    await runClient({ urls: bareUrls, seconds: 1, expectBytes: SEGMENT_BYTES });
    let bestSigned = 0;
    let bestPlain = 0;
    let bestBare = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const s = await runClient({ urls: signedUrls, seconds: SECONDS, expectBytes: SEGMENT_BYTES });
      const p = await runClient({ urls: plainUrls, seconds: SECONDS, expectBytes: SEGMENT_BYTES });
      const b = await runClient({ urls: bareUrls, seconds: SECONDS, expectBytes: SEGMENT_BYTES });
      console.log(`  round ${r + 1}: signed route ${s.toFixed(0)} req/s, @fastify/static ${p.toFixed(0)} req/s (${((s / p) * 100).toFixed(0)}%), signed route on bare Fastify ${b.toFixed(0)} req/s`);
      bestSigned = Math.max(bestSigned, s);
      bestPlain = Math.max(bestPlain, p);
      bestBare = Math.max(bestBare, b);
    }
    const ratio = bestSigned / bestPlain;
    console.log(`  signed playback route, full server (HMAC, manifest, Range/ETag) ${bestSigned.toFixed(0).padStart(7)} req/s`);
    console.log(`  @fastify/static on bare Fastify, no signature (baseline)        ${bestPlain.toFixed(0).padStart(7)} req/s`);
    console.log(`  signed route alone on bare Fastify                              ${bestBare.toFixed(0).padStart(7)} req/s (${((bestBare / bestPlain) * 100).toFixed(0)}% of baseline)`);
    console.log(`  RATIO signed / static: ${(ratio * 100).toFixed(0)}% (goal >= 80%) ${ratio >= 0.8 ? 'OK' : 'BELOW GOAL'}`);
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
