// Smallest-three quaternion compression for the VR pose wire format: a unit quaternion fits in 32 bits as
// the index (2 bits) of its largest component, which is dropped and made positive (q and -q are the same
// rotation), plus the other three components (10 bits each) quantised over [-1/sqrt2, 1/sqrt2], the range
// a non-largest component of a unit quaternion can take. Worst-case angular error is well under 1 degree.
import { CoreError } from '../errors';

export interface Quaternion {
  x: number;
  y: number;
  z: number;
  w: number;
}

const BITS = 10;
const MAX_Q = (1 << BITS) - 1; // 1023
const RANGE = Math.SQRT1_2;

function quantise(v: number): number {
  const clamped = Math.max(-RANGE, Math.min(RANGE, v));
  return Math.round(((clamped + RANGE) / (2 * RANGE)) * MAX_Q);
}

function dequantise(q: number): number {
  return (q / MAX_Q) * 2 * RANGE - RANGE;
}

/** Packs a rotation into a u32. Refuses non-finite or zero-length input; normalises anything else. */
export function packQuaternion(q: Quaternion): number {
  const c = [q.x, q.y, q.z, q.w];
  if (!c.every(Number.isFinite)) throw new CoreError('INVALID_ARGUMENT', 'quaternion components must be finite numbers');
  const len = Math.hypot(c[0]!, c[1]!, c[2]!, c[3]!);
  if (len < 1e-9) throw new CoreError('INVALID_ARGUMENT', 'quaternion must not be zero');
  let largest = 0;
  for (let i = 1; i < 4; i++) if (Math.abs(c[i]!) > Math.abs(c[largest]!)) largest = i;
  const sign = c[largest]! < 0 ? -1 : 1;
  let packed = largest;
  for (let i = 0; i < 4; i++) {
    if (i === largest) continue;
    packed = packed * (MAX_Q + 1) + quantise((sign * c[i]!) / len);
  }
  return packed >>> 0;
}

/**
 * True when the three stored components could belong to a unit quaternion (sum of squares <= 1, with
 * room for quantisation). 10-bit fields can encode combinations that cannot; the relay refuses those.
 */
export function isValidPackedQuaternion(packed: number): boolean {
  let sum = 0;
  let rest = packed >>> 0;
  for (let i = 0; i < 3; i++) {
    const v = dequantise(rest & MAX_Q);
    sum += v * v;
    rest >>>= BITS;
  }
  return sum <= 1 + 4e-3;
}

/** Unpacks a u32 into a unit quaternion (largest component >= 0). */
export function unpackQuaternion(packed: number): Quaternion {
  const p = packed >>> 0;
  const largest = p >>> 30;
  const small = [dequantise((p >>> 20) & MAX_Q), dequantise((p >>> 10) & MAX_Q), dequantise(p & MAX_Q)];
  const sumSq = small[0]! * small[0]! + small[1]! * small[1]! + small[2]! * small[2]!;
  const big = Math.sqrt(Math.max(0, 1 - sumSq));
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < 4; i++) out.push(i === largest ? big : small[j++]!);
  // Renormalise: quantisation can leave the length slightly off 1 when the largest component clamps to 0.
  const len = Math.hypot(out[0]!, out[1]!, out[2]!, out[3]!) || 1;
  return { x: out[0]! / len, y: out[1]! / len, z: out[2]! / len, w: out[3]! / len };
}

/** Angle in radians between two rotations (0 when equal, treating q and -q as equal). */
export function quaternionAngle(a: Quaternion, b: Quaternion): number {
  const la = Math.hypot(a.x, a.y, a.z, a.w);
  const lb = Math.hypot(b.x, b.y, b.z, b.w);
  const dot = Math.abs((a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w) / (la * lb));
  return 2 * Math.acos(Math.min(1, dot));
}
