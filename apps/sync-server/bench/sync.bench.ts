// Sync benchmark: the reference y-websocket server (@y/websocket-server, in memory, no auth, nothing
// stored) and ours (auth checked, every update durably written to PGlite before broadcast) run side by
// side as child processes on this machine; the same stock WebsocketProvider clients drive both.
// Measures propagation latency p50/p99 (paced edits), updates/s (burst until all clients converge),
// and server heap per loaded document and per idle document, then prints ours/reference ratios.
// Multi-instance column: two of our servers on one PostgreSQL schema and one Redis (REDIS_URL mode), the
// clients of each document spread over both; it also prints the cross-instance latency (writer on one
// instance, reader on the other) against the single-instance PostgreSQL p50 (issue 16 goal: <= 2x).
// Run: npm run bench -- sync.bench   (`-- sync` also runs the other sync-server benchmarks)
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { Redis } from 'ioredis';

const N_DOCS = Number(process.env.BENCH_DOCS ?? 8);
const M_CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const LATENCY_EDITS = Number(process.env.BENCH_LATENCY_EDITS ?? 300);
const BURST_PER_CLIENT = Number(process.env.BENCH_BURST ?? 150);
const MEM_DOCS = Number(process.env.BENCH_MEM_DOCS ?? 100);
const IDLE_MS = 1000;
const WARMUP_EDITS = 100;

interface Result {
  name: string;
  p50: number;
  p99: number;
  samples: number;
  updatesPerSec: number;
  bytesPerLoadedDoc: number;
  bytesPerIdleDoc: number;
  /** Documents the server still held in memory after its clients left (and the idle timeout passed). */
  docsStillLoaded: number;
  /** Longest event-loop stall in the server during the latency phase. */
  loopMaxMs: number;
  /** Two instances: latency of the samples whose writer and reader are on different instances. */
  crossP50?: number;
  crossP99?: number;
  /** Two instances: writer and reader on the same instance (what the relay adds = cross - same). */
  sameP50?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(pred: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${what}`);
    await sleep(5);
  }
}

class Child {
  private nextId = 1;
  private pending = new Map<number, (v: never) => void>();
  port = 0;
  constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: { id?: number; ready?: boolean; port?: number }) => {
      if (m.id !== undefined) {
        this.pending.get(m.id)?.(m as never);
        this.pending.delete(m.id);
      }
    });
  }
  schema?: string;
  static async start(file: string, env: Record<string, string> = {}): Promise<Child> {
    const proc = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
      // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each server process (to study latency tails).
      execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
      env: { ...process.env, BENCH_IDLE_MS: String(IDLE_MS), ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const c = new Child(proc);
    [c.port, c.schema] = await new Promise<[number, string | undefined]>((resolve, reject) => {
      proc.once('exit', (code) => reject(new Error(`${file} exited ${code}`)));
      proc.on('message', (m: { ready?: boolean; port?: number; schema?: string }) => m.ready && resolve([m.port!, m.schema]));
    });
    return c;
  }
  request<T>(msg: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (v: never) => void);
      this.proc.send({ ...msg, id });
    });
  }
  heap(): Promise<{ heapUsed: number; loadedDocs: number }> {
    return this.request({ op: 'mem' });
  }
  async stop(): Promise<void> {
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.disconnect();
    setTimeout(() => this.proc.kill('SIGKILL'), 5000).unref();
    await exited;
  }
}

function provider(port: number, docName: string, token: string) {
  const doc = new Y.Doc();
  const p = new WebsocketProvider(`ws://127.0.0.1:${port}/sync`, docName, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  return { doc, p };
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/**
 * `instances` > 1: that many server processes on one PostgreSQL schema and one Redis; client j of each
 * document connects to instance j % instances, so most pairs of clients sit on different instances.
 */
async function run(name: string, file: string, env: Record<string, string> = {}, instances = 1): Promise<Result> {
  const child = await Child.start(file, env);
  const children = [child];
  for (let i = 1; i < instances; i++) children.push(await Child.start(file, { ...env, BENCH_DATABASE_SCHEMA: child.schema! }));
  const instanceOf = (client: number) => client % instances;
  const accounts = await child.request<{ accounts: { docName: string; token: string }[] }>({ op: 'seed', n: N_DOCS + (instances > 1 ? 0 : MEM_DOCS) });
  const [editAccounts, memAccounts] = [accounts.accounts.slice(0, N_DOCS), accounts.accounts.slice(N_DOCS)];

  // N docs x M clients.
  const groups = editAccounts.map((a) => Array.from({ length: M_CLIENTS }, (_, j) => provider(children[instanceOf(j)]!.port, a.docName, a.token)));
  const all = groups.flat();
  await waitFor(() => all.every((c) => c.p.synced), 'clients synced');

  // Latency: one paced edit at a time, timed until each other client of the doc sees it.
  const samples: number[] = [];
  const crossSamples: number[] = [];
  const sameSamples: number[] = [];
  let measuring = false;
  groups.forEach((group) =>
    group.forEach((c, me) =>
      c.doc.getMap<{ t: number; from: number }>('lat').observe((e) => {
        for (const key of e.keysChanged) {
          const v = c.doc.getMap<{ t: number; from: number }>('lat').get(key);
          if (measuring && v && v.from !== me) {
            const ms = performance.now() - v.t;
            samples.push(ms);
            (instanceOf(v.from) !== instanceOf(me) ? crossSamples : sameSamples).push(ms);
          }
        }
      }),
    ),
  );
  // Warm-up (JIT, first statements of each kind, buffers), not measured, for both servers alike.
  for (let i = 0; i < WARMUP_EDITS; i++) {
    groups[i % N_DOCS]![Math.floor(i / N_DOCS) % M_CLIENTS]!.doc.getMap('lat').set('warm', { t: performance.now(), from: -1 });
    await sleep(10);
  }
  await sleep(500);
  await child.request({ op: 'loop' });
  measuring = true;
  for (let i = 0; i < LATENCY_EDITS; i++) {
    const group = groups[i % N_DOCS]!;
    const from = Math.floor(i / N_DOCS) % M_CLIENTS;
    group[from]!.doc.getMap('lat').set(`k${from}`, { t: performance.now(), from });
    // Paced (100 edits/s over all docs, far above a creator's editing rate) so this measures propagation
    // rather than queueing; the burst below measures behaviour under load.
    await sleep(10);
  }
  await waitFor(() => samples.length >= LATENCY_EDITS * (M_CLIENTS - 1), 'latency samples');
  const loop = await child.request<{ maxMs: number }>({ op: 'loop' });
  samples.sort((a, b) => a - b);
  crossSamples.sort((a, b) => a - b);
  sameSamples.sort((a, b) => a - b);

  // Throughput: every client pushes a burst; time until every client holds every item of its doc.
  const expected = M_CLIENTS * BURST_PER_CLIENT;
  const t0 = performance.now();
  for (let j = 0; j < BURST_PER_CLIENT; j++) {
    for (const c of all) c.doc.getArray('burst').push([j]);
    if (j % 10 === 9) await sleep(0);
  }
  await waitFor(() => all.every((c) => c.doc.getArray('burst').length === expected), 'burst convergence', 120_000);
  const seconds = (performance.now() - t0) / 1000;
  const updatesPerSec = (N_DOCS * expected) / seconds;
  for (const c of all) {
    c.p.destroy();
    c.doc.destroy();
  }
  await sleep(IDLE_MS + 500);
  if (instances > 1) {
    // Memory per document is a single-instance question; the second instance leaves first (shared schema).
    for (const c of children.slice(1).reverse()) await c.stop();
    await child.stop();
    return {
      name,
      p50: percentile(samples, 0.5),
      p99: percentile(samples, 0.99),
      samples: samples.length,
      updatesPerSec,
      bytesPerLoadedDoc: NaN,
      bytesPerIdleDoc: NaN,
      docsStillLoaded: NaN,
      loopMaxMs: loop.maxMs,
      crossP50: percentile(crossSamples, 0.5),
      crossP99: percentile(crossSamples, 0.99),
      sameP50: percentile(sameSamples, 0.5),
    };
  }

  // Memory: MEM_DOCS documents with ~50 edits each, one client connected, then all clients gone.
  const before = await child.heap();
  const memClients = memAccounts.map((a) => provider(child.port, a.docName, a.token));
  await waitFor(() => memClients.every((c) => c.p.synced), 'memory clients synced');
  for (const c of memClients) for (let i = 0; i < 50; i++) c.doc.getMap('profile').set(`field${i % 10}`, `value ${i} ${'x'.repeat(20)}`);
  await sleep(500);
  const loaded = await child.heap();
  for (const c of memClients) {
    c.p.destroy();
    c.doc.destroy();
  }
  await sleep(IDLE_MS + 1000);
  const idle = await child.heap();
  await child.stop();
  return {
    name,
    p50: percentile(samples, 0.5),
    p99: percentile(samples, 0.99),
    samples: samples.length,
    updatesPerSec,
    bytesPerLoadedDoc: (loaded.heapUsed - before.heapUsed) / MEM_DOCS,
    bytesPerIdleDoc: Math.max(0, idle.heapUsed - before.heapUsed) / MEM_DOCS,
    docsStillLoaded: idle.loadedDocs,
    loopMaxMs: loop.maxMs,
  };
}

// Every stock provider adds a process exit listener in Node; dozens of them are expected here.
process.setMaxListeners(0);
const started = Date.now();
console.log(`sync benchmark: ${N_DOCS} docs x ${M_CLIENTS} clients; ${LATENCY_EDITS} paced edits; burst ${BURST_PER_CLIENT}/client; ${MEM_DOCS} docs for memory`);
const ref = await run('reference', './reference-server.ts');
const results: Result[] = [await run('fanz (PGlite)', './fanz-server.ts')];
const pgUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const pgProbe = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
let pgOk = false;
try {
  await pgProbe.connect();
  await pgProbe.end();
  pgOk = true;
} catch (err) {
  console.log(`(PostgreSQL columns skipped: ${(err as Error).message})`);
}
if (pgOk) results.push(await run('fanz (PostgreSQL)', './fanz-server.ts', { BENCH_DATABASE_URL: pgUrl }));
// Two instances on PostgreSQL + Redis (multi-instance mode), clients spread over both.
const redisUrl = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const redisPrefix = `bench_${Date.now().toString(36)}:`;
const redis = new Redis(redisUrl, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
redis.on('error', () => {});
let redisOk = false;
try {
  await redis.connect();
  await redis.ping();
  redisOk = true;
} catch (err) {
  console.log(`(two-instance column skipped: Redis at ${redisUrl}: ${(err as Error).message})`);
}
if (pgOk && redisOk) {
  results.push(
    await run('2 inst. PG+Redis', './fanz-server.ts', { BENCH_DATABASE_URL: pgUrl, BENCH_REDIS_URL: redisUrl, BENCH_REDIS_PREFIX: redisPrefix }, 2),
  );
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
redis.disconnect();

const kb = (b: number) => (Number.isFinite(b) ? `${(b / 1024).toFixed(1)} KiB` : 'n/a');
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : 'n/a');
const metrics: [string, (r: Result) => string, (r: Result) => number, string][] = [
  ['latency p50', (r) => `${r.p50.toFixed(2)} ms`, (r) => r.p50, 'lower is better'],
  ['latency p99', (r) => `${r.p99.toFixed(2)} ms`, (r) => r.p99, 'lower is better'],
  ['updates/s (burst)', (r) => r.updatesPerSec.toFixed(0), (r) => r.updatesPerSec, 'higher is better'],
  ['heap per loaded doc', (r) => kb(r.bytesPerLoadedDoc), (r) => r.bytesPerLoadedDoc, 'lower is better'],
  ['heap per idle doc', (r) => kb(r.bytesPerIdleDoc), (r) => r.bytesPerIdleDoc, 'lower is better'],
];
console.log('');
console.log(
  ['metric'.padEnd(20), 'reference'.padStart(11), ...results.flatMap((r) => [r.name.padStart(17), 'ratio'.padStart(7)]), ''].join(' | '),
);
for (const [label, fmt, value, note] of metrics) {
  console.log(
    [label.padEnd(20), fmt(ref).padStart(11), ...results.flatMap((r) => [fmt(r).padStart(17), ratio(value(r), value(ref)).padStart(7)]), note].join(' | '),
  );
}
console.log('\nratio = fanz / reference. reference = @y/websocket-server setupWSConnection: in memory, no auth, nothing stored;');
console.log('fanz = token check on connect, every update durably written before it is broadcast, idle docs unloaded after 1 s.');
console.log(`docs still in memory after clients left: reference ${ref.docsStillLoaded}, ${results.map((r) => `${r.name} ${r.docsStillLoaded}`).join(', ')}`);
console.log(`longest server event-loop stall during the latency phase: reference ${ref.loopMaxMs.toFixed(0)} ms, ${results.map((r) => `${r.name} ${r.loopMaxMs.toFixed(0)} ms`).join(', ')}`);
const single = results.find((r) => r.name === 'fanz (PostgreSQL)');
const multi = results.find((r) => r.crossP50 !== undefined);
if (single && multi) {
  console.log(
    `two instances: a client on one instance sees an update from the other in p50 ${multi.crossP50!.toFixed(2)} ms / p99 ${multi.crossP99!.toFixed(2)} ms; ` +
      `cross-instance p50 / single-instance (PostgreSQL) p50 = ${ratio(multi.crossP50!, single.p50)} (goal <= 2x); ` +
      `same-instance pairs in that run: p50 ${multi.sameP50!.toFixed(2)} ms`,
  );
}
console.log(`latency samples per server: ${ref.samples}; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(0);
