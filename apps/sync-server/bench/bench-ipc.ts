import { monitorEventLoopDelay } from 'node:perf_hooks';
// The parent/child protocol of the sync benchmark: the child announces its port, then answers memory
// probes (after forced GC, so the numbers are live heap, not garbage) and seeding requests.
export interface BenchServer {
  port: number;
  /** PostgreSQL schema the server uses (a second instance joins it). */
  schema?: string;
  loadedDocs: () => number;
  seed: (n: number) => Promise<{ docName: string; token: string }[]>;
}

type Request = { id: number; op: 'mem' | 'loop' } | { id: number; op: 'seed'; n: number };

export function serveBenchIpc(s: BenchServer): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Longest event-loop stall of the server process: explains latency tails.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  process.on('message', async (msg: Request) => {
    if (msg.op === 'loop') {
      process.send!({ id: msg.id, maxMs: loop.max / 1e6, p99Ms: loop.percentile(99) / 1e6 });
      loop.reset();
    } else if (msg.op === 'mem') {
      for (let i = 0; i < 3; i++) {
        gc?.();
        await new Promise((r) => setTimeout(r, 20));
      }
      const m = process.memoryUsage();
      process.send!({ id: msg.id, heapUsed: m.heapUsed, rss: m.rss, external: m.external, loadedDocs: s.loadedDocs() });
    } else if (msg.op === 'seed') {
      process.send!({ id: msg.id, accounts: await s.seed(msg.n) });
    }
  });
  process.send!({ ready: true, port: s.port, schema: s.schema });
}
