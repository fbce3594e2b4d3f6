// VR relay benchmark: N rooms x 24 simulated clients sending poses at 20 Hz over loopback, against our
// relay (full admission, token bucket, validation, 20 Hz shared batches; child process) and against a
// plain `ws` broadcast server with no checks (child process), driven by the same clients in this process.
// Measures end-to-end pose latency p50/p99 and the relay's added latency (ours minus plain), bytes per pose
// on the wire vs the same pose as JSON, server CPU per 1k client messages, and pose messages relayed per
// second; prints ours/plain ratios.
// Run: npm run bench -- vr   (BENCH_VR_ROOMS=10 BENCH_VR_CLIENTS=24 BENCH_VR_SECONDS=8)
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { decodePoseBatch, encodePose, packQuaternion, POSE_BATCH_ENTRY_BYTES, POSE_FRAME_BYTES } from '@fanz/core';
import WebSocket from 'ws';

const ROOMS = Number(process.env.BENCH_VR_ROOMS ?? 10);
const CLIENTS = Number(process.env.BENCH_VR_CLIENTS ?? 24);
const SECONDS = Number(process.env.BENCH_VR_SECONDS ?? 8);
const WARMUP_MS = 2000;
const HZ = 20;

interface Seeded {
  port: number;
  rooms: { experienceId: string; tickets: string[] }[];
}

interface Result {
  name: string;
  p50: number;
  p99: number;
  samples: number;
  sentPerSec: number;
  /** Other participants' poses one receiver gets per second (plain: every pose; ours: the latest per tick). */
  relayedPerSec: number;
  cpuMsPer1k: number;
  closed: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function child(file: string, rooms: number): Promise<{ proc: ChildProcess; seeded: Seeded }> {
  const proc = fork(fileURLToPath(new URL(file, import.meta.url)), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_VR_ROOMS: String(rooms), BENCH_VR_CLIENTS: String(CLIENTS) } });
  return new Promise((resolve, reject) => {
    proc.once('message', (m) => resolve({ proc, seeded: m as Seeded }));
    proc.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

function cpu(proc: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    proc.once('message', (m) => {
      const u = (m as { cpu: NodeJS.CpuUsage }).cpu;
      resolve((u.user + u.system) / 1000);
    });
    proc.send({ op: 'cpu' });
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const ROT = packQuaternion({ x: 0.0871557, y: 0.4226183, z: -0.0384552, w: 0.9012297 });

async function run(name: string, file: string, batched: boolean, rooms = ROOMS): Promise<Result> {
  const { proc, seeded } = await child(file, rooms);
  console.error(`  ${name}: ${rooms} room(s) ready, connecting ${rooms * CLIENTS} clients`);
  const sockets: WebSocket[] = [];
  // sendTimes[room][client][seq & 1023] = performance.now() at send
  const sendTimes = seeded.rooms.map(() => Array.from({ length: CLIENTS }, () => new Float64Array(1024)));
  const latencies: number[] = [];
  let measuring = false;
  let sent = 0;
  let relayed = 0;
  let closed = 0;
  let shuttingDown = false;
  for (let r = 0; r < seeded.rooms.length; r++) {
    const room = seeded.rooms[r]!;
    for (let c = 0; c < CLIENTS; c++) {
      const q = batched ? `?ticket=${room.tickets[c]}` : '';
      const ws = new WebSocket(`ws://127.0.0.1:${seeded.port}/vr/${room.experienceId}${q}`, { perMessageDeflate: false });
      ws.on('error', () => {});
      ws.on('close', () => {
        if (!shuttingDown) closed++;
      });
      // One receiver per room measures; the others only read (as a headset would, without bookkeeping).
      if (c === 0) {
        ws.on('message', (data: Buffer, isBinary) => {
          if (!isBinary || !measuring) return;
          const now = performance.now();
          if (batched) {
            for (const e of decodePoseBatch(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))) {
              if (e.pose.x === c) continue; // our own pose comes back in the shared batch
              const t = sendTimes[r]![e.pose.x]![e.pose.seq & 1023]!;
              if (t > 0) latencies.push(now - t);
              relayed++;
            }
          } else {
            const sender = data.readInt16LE(3);
            const t = sendTimes[r]![sender]![data.readUInt16LE(1) & 1023]!;
            if (t > 0) latencies.push(now - t);
            relayed++;
          }
        });
      }
      sockets.push(ws);
    }
  }
  await Promise.all(sockets.map((ws) => new Promise((res) => (ws.readyState === WebSocket.OPEN ? res(null) : ws.once('open', res)))));
  await sleep(300);
  const timers: NodeJS.Timeout[] = [];
  sockets.forEach((ws, i) => {
    const r = Math.floor(i / CLIENTS);
    const c = i % CLIENTS;
    let seq = 0;
    // Each client at 20 Hz with its own phase, as independent headsets would be.
    timers.push(
      setTimeout(() => {
        timers.push(
          setInterval(() => {
            if (ws.readyState !== WebSocket.OPEN) return;
            seq = (seq + 1) & 0xffff;
            sendTimes[r]![c]![seq & 1023] = performance.now();
            ws.send(encodePose({ seq, x: c, y: 1600, z: -(i % 3000), rotation: ROT }));
            if (measuring) sent++;
          }, 1000 / HZ),
        );
      }, Math.random() * (1000 / HZ)),
    );
  });
  await sleep(WARMUP_MS);
  const cpu0 = await cpu(proc);
  measuring = true;
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  const cpu1 = await cpu(proc);
  for (const t of timers) clearInterval(t);
  shuttingDown = true;
  for (const ws of sockets) ws.close();
  await sleep(300);
  proc.disconnect();
  latencies.sort((a, b) => a - b);
  return {
    name,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    samples: latencies.length,
    sentPerSec: sent / elapsed,
    relayedPerSec: relayed / elapsed / seeded.rooms.length,
    cpuMsPer1k: ((cpu1 - cpu0) / sent) * 1000,
    closed,
  };
}

const pose = { seq: 4711, position: { x: 1.234, y: 1.6, z: -0.25 }, rotation: { x: 0.0871557, y: 0.4226183, z: -0.0384552, w: 0.9012297 } };
const jsonBytes = Buffer.byteLength(JSON.stringify({ type: 'pose', ...pose }));
const jsonBatchEntry = Buffer.byteLength(JSON.stringify({ participantIndex: 17, ...pose }));

console.log(`VR relay: ${ROOMS} rooms x ${CLIENTS} clients at ${HZ} Hz, ${SECONDS} s measured after ${WARMUP_MS / 1000} s warm-up; ` +
  `machine load average ${loadavg()[0]!.toFixed(1)} on its cores (latency tails include waiting for a core)`);
// The floor: loopback + ws + this client process, with the plain server far from saturation (one room).
const floor = await run('plain ws, 1 room', './vr-plain-server.ts', false, 1);
const plain = await run('plain ws broadcast', './vr-plain-server.ts', false);
const ours = await run('our relay', './vr-relay-server.ts', true);
for (const r of [floor, plain, ours]) {
  console.log(
    `${r.name.padEnd(20)} latency p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms (${r.samples} samples)  ` +
      `client msgs ${r.sentPerSec.toFixed(0)}/s  poses received ${r.relayedPerSec.toFixed(0)}/s per client  ` +
      `server CPU ${r.cpuMsPer1k.toFixed(1)} ms per 1k msgs  sockets closed by the server ${r.closed}`,
  );
}
console.log(`relay added latency (ours at ${ROOMS} rooms - plain at 1 room): p50 ${(ours.p50 - floor.p50).toFixed(1)} ms, p99 ${(ours.p99 - floor.p99).toFixed(1)} ms ` +
  `(goal p99 < 50 ms; the 20 Hz batch alone waits 0-50 ms by design); plain at ${ROOMS} rooms: p50 ${plain.p50.toFixed(1)} ms, p99 ${plain.p99.toFixed(1)} ms`);
console.log(`bytes per pose: ${POSE_FRAME_BYTES} B in (${POSE_BATCH_ENTRY_BYTES} B per batch entry) vs ${jsonBytes} B as JSON (${jsonBatchEntry} B with index): ` +
  `ratio ${(POSE_FRAME_BYTES / jsonBytes).toFixed(3)} in, ${(POSE_BATCH_ENTRY_BYTES / jsonBatchEntry).toFixed(3)} out (goal <= 0.25)`);
console.log(`ratio ours/plain: client messages handled ${(ours.sentPerSec / plain.sentPerSec).toFixed(2)}, ` +
  `poses received per client ${(ours.relayedPerSec / plain.relayedPerSec).toFixed(2)} (goal >= 0.70; ours sends only the latest pose per 50 ms tick), ` +
  `CPU per 1k messages ${(ours.cpuMsPer1k / plain.cpuMsPer1k).toFixed(2)}`);
