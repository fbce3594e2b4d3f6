// Upload benchmark (run: `npm run bench -- upload`), issue 11.
// 1. Throughput: a generated HLS ladder of BENCH_UPLOAD_MB (default 200) MB of random segment bytes in the
//    studio's output-folder layout (one media file per rung, segments as byte ranges: 14 files), uploaded
//    over loopback by the `upload` job (sha256 of every file, GET of what is stored, tus uploads, POST
//    /complete) to an in-process sync server, vs `curl -T` of the same bytes to a bench-only PUT route on the same server instance that writes them to disk, measured
//    two ways: file for file (`curl -T "{a,b,...}" URL/`, one PUT per ladder file over one connection: the
//    baseline the goal is judged against) and as one concatenated file (printed too).
//    BENCH_REPEATS (default 5) rounds, interleaved; each round's ratio compares the job with the curl run
//    right after it (this machine's load swings between seconds), the headline is their median, best vs
//    best is printed too. Goal: job / curl file-for-file >= 70%. The item's hashes are recorded as the
//    transcode records them; one more job without them is timed and printed.
// 2. Resume: the studio CLI (`jobs run`, a child process) uploads the same ladder through a counting proxy;
//    it is SIGKILLed when the server has received half of the bytes and run again. Prints the bytes sent
//    again (everything through the proxy minus the ladder, headers included). Goal: < 10%.
import { spawn, execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, link, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { newId } from '@fanz/core';
import { loadConfig } from '../../sync-server/src/config.js';
import { buildServer } from '../../sync-server/src/server.js';
import { fileSecretBox } from '../src/main/services/account/account-store.js';
import { CatalogService } from '../src/main/services/catalog/catalog-service.js';
import { mediaDir } from '../src/main/services/jobs/media-process.js';
import { resolveBinaries } from '../src/main/services/media/binaries.js';
import { recordOutputHashes } from '../src/main/services/publish/output-hashes.js';
import { openStudio, type Studio } from '../src/main/services/studio.js';
import { startCountingProxy } from '../test/helpers/counting-proxy.js';
import { BIN } from '../test/helpers/cli.js';

const run = promisify(execFile);
const MB = Number(process.env.BENCH_UPLOAD_MB ?? 200);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const RUNGS = [
  { name: '1080p', share: 0.5, bw: 6_000_000 },
  { name: '720p', share: 0.28, bw: 3_000_000 },
  { name: '480p', share: 0.14, bw: 1_500_000 },
  { name: '360p', share: 0.08, bw: 800_000 },
];
const SEGMENTS = 30;

/**
 * Writes the ladder in the studio's layout (each rung one media.mp4 of random bytes that its playlist
 * addresses as an init range + SEGMENTS byte-range segments; master, poster, blurred still, sprite + VTT,
 * teaser) into `dir`; returns its byte count.
 */
async function makeLadder(dir: string): Promise<number> {
  const total = MB * 1e6;
  const variants: string[] = [];
  const init = 1200;
  for (const r of RUNGS) {
    const d = join(dir, 'hls', r.name);
    await mkdir(d, { recursive: true });
    const seg = Math.floor((total * r.share) / SEGMENTS);
    const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:4', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-INDEPENDENT-SEGMENTS',
      `#EXT-X-MAP:URI="media.mp4",BYTERANGE="${init}@0"`];
    for (let i = 0; i < SEGMENTS; i++) lines.push('#EXTINF:4.000,', `#EXT-X-BYTERANGE:${seg}@${init + i * seg}`, 'media.mp4');
    lines.push('#EXT-X-ENDLIST', '');
    await writeFile(join(d, 'media.mp4'), randomBytes(init + SEGMENTS * seg));
    await writeFile(join(d, 'index.m3u8'), lines.join('\n'));
    variants.push(`#EXT-X-STREAM-INF:BANDWIDTH=${r.bw},CODECS="avc1.640028,mp4a.40.2"`, `${r.name}/index.m3u8`);
  }
  await writeFile(join(dir, 'hls', 'master.m3u8'), ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS', ...variants, ''].join('\n'));
  const ff = resolveBinaries().ffmpeg.path;
  await run(ff, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720', '-frames:v', '1', join(dir, 'poster.jpg')]);
  await run(ff, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=gray:size=480x270', '-frames:v', '1', join(dir, 'preview_blur.jpg')]);
  await mkdir(join(dir, 'sprite'));
  await run(ff, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1600x900', '-frames:v', '1', join(dir, 'sprite', 'sprite_001.jpg')]);
  const cues = Array.from({ length: 100 }, (_, i) => {
    const t = (s: number) => `00:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000`;
    return `${t(i)} --> ${t(i + 1)}\nsprite_001.jpg#xywh=${(i % 10) * 160},${Math.floor(i / 10) * 90},160,90`;
  });
  await writeFile(join(dir, 'sprite', 'thumbnails.vtt'), `WEBVTT\n\n${cues.join('\n\n')}\n`);
  await writeFile(join(dir, 'teaser.mp4'), randomBytes(300_000));
  return sizeOf(dir);
}

async function sizeOf(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += (await stat(join(e.parentPath, e.name))).size;
  return n;
}

async function linkTree(from: string, to: string): Promise<void> {
  for (const e of await readdir(from, { withFileTypes: true })) {
    if (e.isDirectory()) {
      await mkdir(join(to, e.name), { recursive: true });
      await linkTree(join(from, e.name), join(to, e.name));
    } else await link(join(from, e.name), join(to, e.name));
  }
}

/**
 * A ready library item whose output folder is (hard links to) the ladder, with its files' sha256 recorded
 * as the media.process job records them after a transcode (`recorded` false: an item transcoded before
 * that, which the upload job hashes itself).
 */
async function addItem(studio: Studio, ladder: string, title: string, recorded = true): Promise<string> {
  const item = studio.lib.insertItem({ kind: 'video', path: join(ladder, '..', `${title}.mp4`), fileName: `${title}.mp4`, title, contentHash: randomBytes(16).toString('hex'), sizeBytes: 1, mtimeMs: Date.now() });
  const out = mediaDir(studio.dataDir, item.id);
  await mkdir(out, { recursive: true });
  await linkTree(ladder, out);
  if (recorded) await recordOutputHashes(out);
  studio.lib.completeProcessing(item.id, [{ kind: 'hls_master', path: `media/${item.id}/hls/master.m3u8`, sizeBytes: 1 }], null);
  return item.id;
}

async function concatenated(ladder: string, file: string): Promise<void> {
  await writeFile(file, '');
  for (const e of (await readdir(ladder, { withFileTypes: true, recursive: true })).filter((x) => x.isFile())) {
    await pipeline(createReadStream(join(e.parentPath, e.name)), createWriteStream(file, { flags: 'a' }));
  }
  await appendFile(file, '');
}

/** BENCH_CPU_PROFILE=<dir>: CPU profiles of the server (this process) and the studio during the last round's job. */
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;

async function profiled<T>(name: string, enabled: boolean, fn: () => Promise<T>): Promise<T> {
  if (!PROFILE_DIR || !enabled) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await mkdir(PROFILE_DIR, { recursive: true });
    await writeFile(join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

function spawnJobsRun(dataDir: string, profile = false) {
  const prof = profile && PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, '--cpu-prof-name=studio-job.cpuprofile'] : [];
  return spawn(process.execPath, [...prof, BIN, 'jobs', 'run', '--data-dir', dataDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...(process.env.BENCH_UPLOAD_STREAMS ? { FANZ_UPLOAD_STREAMS: process.env.BENCH_UPLOAD_STREAMS } : {}) },
  });
}

/** `jobs run` in a studio process of its own, to completion. */
async function jobsRun(dataDir: string, profile = false): Promise<void> {
  const child = spawnJobsRun(dataDir, profile);
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`jobs run failed (${code}): ${err.slice(-1000)}`);
}

/**
 * Diagnostic: the same bytes as ONE tus upload (POST + PATCH with curl) to the real tus endpoint, which
 * separates the server's tus path from the per-file costs of a ladder. The sha256 is deliberately wrong, so
 * the server refuses it at the end (422) and stores nothing; the time includes its hashing.
 */
async function curlTus(url: string, token: string, file: string, size: number): Promise<number> {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const meta = `mediaId ${b64(newId('med'))},path ${b64('hls/1080p/media.mp4')},sha256 ${b64('0'.repeat(64))}`;
  const t = performance.now();
  const { stdout } = await run('curl', ['-sS', '-D', '-', '-o', '/dev/null', '-X', 'POST', '-H', `Authorization: Bearer ${token}`, '-H', 'Tus-Resumable: 1.0.0',
    '-H', `Upload-Length: ${size}`, '-H', `Upload-Metadata: ${meta}`, `${url}/api/v1/uploads`]);
  const loc = /^location: (\S+)/im.exec(stdout)?.[1];
  if (!loc) throw new Error(`tus create failed: ${stdout.slice(0, 300)}`);
  await run('curl', ['-sS', '-o', '/dev/null', '-X', 'PATCH', '-H', `Authorization: Bearer ${token}`, '-H', 'Tus-Resumable: 1.0.0', '-H', 'Upload-Offset: 0',
    '-H', 'Content-Type: application/offset+octet-stream', '-T', file, new URL(loc, url).toString()]);
  return (performance.now() - t) / 1000;
}

function printTrace(trace: Array<{ method: string; bytes: string; start: number; end: number }>): void {
  if (!trace.length) return;
  const t0 = Math.min(...trace.map((r) => r.start));
  if (process.env.BENCH_TRACE === 'timeline') {
    for (const r of [...trace].sort((a, b) => a.start - b.start)) {
      console.log(`    ${`${r.method} ${r.bytes}`.padEnd(18)} ${(r.start - t0).toFixed(0).padStart(5)} -> ${(r.end - t0).toFixed(0).padStart(5)} ms`);
    }
  }
  const t1 = Math.max(...trace.map((r) => r.end));
  const by = new Map<string, { n: number; ms: number }>();
  for (const r of trace) {
    const m = by.get(r.method) ?? { n: 0, ms: 0 };
    m.n++;
    m.ms += r.end - r.start;
    by.set(r.method, m);
  }
  // Time with no request in flight: the client's turn (hashing, bookkeeping, starting the next request).
  let idle = 0;
  let busyUntil = t0;
  for (const r of [...trace].sort((a, b) => a.start - b.start)) {
    if (r.start > busyUntil) idle += r.start - busyUntil;
    busyUntil = Math.max(busyUntil, r.end);
  }
  const parts = [...by].map(([m, v]) => `${m} ${v.n} x ${(v.ms / v.n).toFixed(1)} ms`).join(', ');
  console.log(`  trace: ${trace.length} requests over ${((t1 - t0) / 1000).toFixed(2)} s (${parts}); none in flight ${(idle / 1000).toFixed(2)} s`);
}

function fmt(bytesPerS: number): string {
  return `${(bytesPerS / 1e6).toFixed(1)} MB/s`;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'fanz-upload-bench-'));
  const server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(root, 'server'), logLevel: 'silent' }, { logger: false });
  // Bench-only PUT route on the same HTTP server, in front of Fastify: the curl baseline writes to disk too.
  const http = server.app.server;
  const fastify = http.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  http.removeAllListeners('request');
  const putDir = join(root, 'put');
  await mkdir(putDir);
  let puts = 0;
  // BENCH_TRACE=1: the server's requests during the last round's job (time by method, time with none in flight);
  // BENCH_TRACE=timeline also prints each request (method, body length, start -> end ms).
  let trace: Array<{ method: string; bytes: string; start: number; end: number }> | null = null;
  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'PUT' && req.url?.startsWith('/bench/put/')) {
      // One file per PUT (curl's glob names several files alike: media.mp4 in every rung).
      pipeline(req, createWriteStream(join(putDir, `${++puts}-${createHash('sha1').update(req.url).digest('hex')}`))).then(
        () => res.writeHead(201).end(),
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (trace) {
      const t0 = performance.now();
      const len = req.headers['content-length'] ?? req.headers['upload-length'] ?? '';
      res.once('finish', () => trace!.push({ method: req.method ?? '', bytes: String(len), start: t0, end: performance.now() }));
    }
    for (const l of fastify) l.call(http, req, res);
  });
  const url = await server.listen();
  try {
    const ladder = join(root, 'ladder');
    const bytes = await makeLadder(ladder);
    const blob = join(root, 'all.bin');
    await concatenated(ladder, blob);
    const ladderFiles = (await readdir(ladder, { withFileTypes: true, recursive: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    // curl's URL glob has no escapes for these characters; the bench's temp paths never hold them.
    if (ladderFiles.some((f) => /[{},[\]]/.test(f))) throw new Error('ladder paths must not contain glob characters');
    console.log(`ladder: ${(bytes / 1e6).toFixed(1)} MB in ${ladderFiles.length} files (${RUNGS.length} rungs, each one media file of ${SEGMENTS} byte-range segments; BENCH_UPLOAD_MB=${MB}); server ${url}`);

    // 1. Throughput. The job runs where it runs in real use: in a studio process of its own (`jobs run`),
    // timed by the queue's own started/finished stamps so the CLI's start-up is not counted.
    const dataDir1 = join(root, 'studio');
    const n = randomBytes(4).toString('hex');
    let token = '';
    {
      const s1 = openStudio({ dataDir: dataDir1 });
      const c1 = new CatalogService({ db: s1.db, box: fileSecretBox(dataDir1), defaultServerUrl: url, mode: 'browser' });
      await c1.register({ serverUrl: url, email: `bench${n}@example.test`, password: 'correct horse battery', username: `bench_${n}`, displayName: 'Bench' });
      token = await c1.getAccessToken();
      c1.close();
      await s1.close();
    }
    let bestJob = Infinity;
    let bestCurl = Infinity;
    let bestFiles = Infinity;
    let bestTus = Infinity;
    let serverCpuS = 0;
    const paired: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const s1 = openStudio({ dataDir: dataDir1 });
      const itemId = await addItem(s1, ladder, `bench ${i}`);
      const jobId = s1.queue.enqueue('upload', { itemId, payload: { itemId } }).id;
      await s1.close();
      const cpu0 = process.cpuUsage();
      if (i === REPEATS - 1 && process.env.BENCH_TRACE) trace = [];
      await profiled('server-job', i === REPEATS - 1, () => jobsRun(dataDir1, i === REPEATS - 1));
      if (trace) {
        printTrace(trace);
        trace = null;
      }
      const cpu = process.cpuUsage(cpu0);
      serverCpuS = (cpu.user + cpu.system) / 1e6;
      const s1b = openStudio({ dataDir: dataDir1 });
      const done = s1b.queue.get(jobId)!;
      await s1b.close();
      if (done.state !== 'done' || !done.startedAt || !done.finishedAt) throw new Error(`upload job ${done.state}: ${done.error}`);
      const jobS = (done.finishedAt - done.startedAt) / 1000;
      const t1 = performance.now();
      await run('curl', ['-sS', '-f', '-o', '/dev/null', '-T', blob, `${url}/bench/put/${i}`]);
      const curlS = (performance.now() - t1) / 1000;
      const t2 = performance.now();
      await run('curl', ['-sS', '-f', '-o', '/dev/null', '-T', `{${ladderFiles.join(',')}}`, `${url}/bench/put/files${i}/`], { maxBuffer: 1 << 20 });
      const filesS = (performance.now() - t2) / 1000;
      const put = (await readdir(putDir)).length;
      if (put !== (i + 1) * (ladderFiles.length + 1)) throw new Error(`curl file-for-file stored ${put} files, expected ${(i + 1) * (ladderFiles.length + 1)}`);
      const tusS = await curlTus(url, token, blob, bytes);
      bestJob = Math.min(bestJob, jobS);
      bestCurl = Math.min(bestCurl, curlS);
      bestFiles = Math.min(bestFiles, filesS);
      bestTus = Math.min(bestTus, tusS);
      paired.push(filesS / jobS);
      console.log(
        `  round ${i + 1}: upload job ${jobS.toFixed(2)} s (${fmt(bytes / jobS)}), curl -T file for file ${filesS.toFixed(2)} s (${fmt(bytes / filesS)}; ` +
          `this round's ratio ${((filesS / jobS) * 100).toFixed(0)}%), ` +
          `curl -T one concatenated file ${curlS.toFixed(2)} s (${fmt(bytes / curlS)}), ` +
          `same bytes as one tus upload by curl ${tusS.toFixed(2)} s (${fmt(bytes / tusS)}); server CPU during the job ${serverCpuS.toFixed(2)} s`,
      );
    }
    // The same job without hashes recorded at transcode time: the studio hashes every file itself.
    {
      const s1 = openStudio({ dataDir: dataDir1 });
      const itemId = await addItem(s1, ladder, 'bench cold', false);
      const jobId = s1.queue.enqueue('upload', { itemId, payload: { itemId } }).id;
      await s1.close();
      await jobsRun(dataDir1);
      const s1b = openStudio({ dataDir: dataDir1 });
      const done = s1b.queue.get(jobId)!;
      await s1b.close();
      if (done.state !== 'done' || !done.startedAt || !done.finishedAt) throw new Error(`upload job ${done.state}: ${done.error}`);
      const coldS = (done.finishedAt - done.startedAt) / 1000;
      console.log(`  without recorded hashes (the job hashes all ${ladderFiles.length} files itself): ${coldS.toFixed(2)} s (${fmt(bytes / coldS)}, ${((bestFiles / coldS) * 100).toFixed(0)}% of the best curl -T file for file)`);
    }
    const ratio = bestFiles / bestJob;
    const median = [...paired].sort((a, b) => a - b)[Math.floor(paired.length / 2)]!;
    console.log(
      `diagnosis: one tus upload of the same bytes (curl) reaches ${((bestCurl / bestTus) * 100).toFixed(0)}% of curl -T of one file; the server hashes ` +
        `every byte (sha256) as it arrives, which curl -T's baseline route does not`,
    );
    console.log(
      `upload throughput: job ${fmt(bytes / bestJob)} vs curl -T file for file (${ladderFiles.length} PUTs, one connection) ${fmt(bytes / bestFiles)} ` +
        `-> best vs best ${(ratio * 100).toFixed(0)}%, median of the ${paired.length} rounds' own ratios ${(median * 100).toFixed(0)}% (goal >= 70%) ${median >= 0.7 ? 'OK' : 'BELOW GOAL'}`,
    );
    console.log(`  (vs curl -T of one concatenated file ${fmt(bytes / bestCurl)}: ratio ${((bestCurl / bestJob) * 100).toFixed(0)}%, not the goal's baseline)`);

    // 2. Resume after SIGKILL at half the bytes.
    const proxy = await startCountingProxy({ host: '127.0.0.1', port: Number(new URL(url).port) });
    const dataDir = join(root, 'studio-resume');
    const s2 = openStudio({ dataDir });
    const c2 = new CatalogService({ db: s2.db, box: fileSecretBox(dataDir), defaultServerUrl: proxy.url, mode: 'browser' });
    await c2.register({ serverUrl: proxy.url, email: `resume${n}@example.test`, password: 'correct horse battery', username: `resume_${n}`, displayName: 'Resume' });
    const itemId = await addItem(s2, ladder, 'resume');
    s2.queue.enqueue('upload', { itemId, payload: { itemId }, maxAttempts: 8 });
    c2.close();
    await s2.close();
    const base = proxy.sent();
    const first = spawnJobsRun(dataDir);
    const killedAt = await new Promise<number>((resolve, reject) => {
      const poll = setInterval(() => {
        if (proxy.sent() - base >= bytes * 0.5) {
          clearInterval(poll);
          first.kill('SIGKILL');
          resolve(proxy.sent() - base);
        }
      }, 5);
      first.on('exit', (code) => {
        clearInterval(poll);
        reject(new Error(`jobs run exited (${code}) before half the bytes were sent`));
      });
    });
    await new Promise((r) => first.once('close', r));
    const before = proxy.sent() - base;
    await jobsRun(dataDir);
    const after = proxy.sent() - base - before;
    const resent = before + after - bytes;
    console.log(
      `resume after SIGKILL at ${((killedAt / bytes) * 100).toFixed(0)}%: sent ${(before / 1e6).toFixed(1)} MB before, ${(after / 1e6).toFixed(1)} MB after; ` +
        `re-sent ${(resent / 1e6).toFixed(2)} MB = ${((resent / bytes) * 100).toFixed(2)}% of the ladder (goal < 10%) ${resent / bytes < 0.1 ? 'OK' : 'ABOVE GOAL'}`,
    );
    await proxy.close();
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
