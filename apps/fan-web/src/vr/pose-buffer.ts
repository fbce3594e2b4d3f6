// Remote avatars are drawn 100 ms in the past, between the two poses that bracket that moment, so 20 Hz
// batches (one every 50 ms) and network jitter give smooth motion instead of jumps. Pure: no three.js, no
// DOM, so it is unit-tested on its own. Quaternions are interpolated with a normalised lerp on the short arc.
import type { Quaternion, Transform } from '@fanz/core/vr';

export const INTERPOLATION_DELAY_MS = 100;
/** Samples older than this behind the newest are dropped (a few batches are enough to interpolate). */
const KEEP_MS = 1_000;

interface Sample {
  at: number;
  t: Transform;
}

function lerp(a: number, b: number, k: number): number {
  return a + (b - a) * k;
}

export function nlerp(a: Quaternion, b: Quaternion, k: number): Quaternion {
  // q and -q are the same rotation: flip b onto a's hemisphere so the blend takes the short way round.
  const s = a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w < 0 ? -1 : 1;
  const q = { x: lerp(a.x, s * b.x, k), y: lerp(a.y, s * b.y, k), z: lerp(a.z, s * b.z, k), w: lerp(a.w, s * b.w, k) };
  const n = Math.hypot(q.x, q.y, q.z, q.w) || 1;
  return { x: q.x / n, y: q.y / n, z: q.z / n, w: q.w / n };
}

export class PoseBuffer {
  private samples: Sample[] = [];

  constructor(private readonly delayMs = INTERPOLATION_DELAY_MS) {}

  /** Adds a pose received at `at` (ms, the receiver's clock). Out-of-order arrivals are dropped by the caller (seq). */
  push(at: number, t: Transform): void {
    this.samples.push({ at, t });
    const cut = at - KEEP_MS;
    while (this.samples.length > 2 && this.samples[0]!.at < cut) this.samples.shift();
  }

  get empty(): boolean {
    return this.samples.length === 0;
  }

  /** The newest pose received (what the test hook and name tags report as "where they are"). */
  latest(): Transform | null {
    return this.samples.at(-1)?.t ?? null;
  }

  /** The pose to draw at `now`: interpolated at now - delay, held at the ends (never extrapolated). */
  sample(now: number): Transform | null {
    const s = this.samples;
    if (s.length === 0) return null;
    const at = now - this.delayMs;
    if (at <= s[0]!.at) return s[0]!.t;
    const last = s[s.length - 1]!;
    if (at >= last.at) return last.t;
    let i = s.length - 2;
    while (i > 0 && s[i]!.at > at) i--;
    const a = s[i]!;
    const b = s[i + 1]!;
    const k = b.at === a.at ? 1 : (at - a.at) / (b.at - a.at);
    return {
      position: { x: lerp(a.t.position.x, b.t.position.x, k), y: lerp(a.t.position.y, b.t.position.y, k), z: lerp(a.t.position.z, b.t.position.z, k) },
      quaternion: nlerp(a.t.quaternion, b.t.quaternion, k),
    };
  }
}
