// The VR relay's binary wire format (little-endian), shared by the relay, the room client and the bench:
//   client -> server pose  : u8 type=1, u16 seq, i16 x, i16 y, i16 z (millimetres), u32 rotation    = 13 B
//   server -> client batch : u8 type=2, u16 count, then count x (u16 participantIndex + the 12 pose
//                            bytes after the type: seq, x, y, z, rotation)                         = 3 + 14n B
// rotation is a smallest-three quaternion (quaternion.ts). Decoders never trust input: wrong length, wrong
// type or an impossible rotation is a VrWireError, and the relay closes that socket with MalformedFrame.
import { isValidPackedQuaternion, packQuaternion, unpackQuaternion, type Quaternion } from './quaternion';

export const VR_FRAME_POSE = 1;
export const VR_FRAME_POSE_BATCH = 2;
/** Bytes of one client pose frame. */
export const POSE_FRAME_BYTES = 13;
/** Bytes of a batch's header (type + count). */
export const POSE_BATCH_HEADER_BYTES = 3;
/** Bytes per participant in a batch (index + pose without its type byte). */
export const POSE_BATCH_ENTRY_BYTES = 14;
/** Largest position on one axis: i16 millimetres, +-32.767 m. */
export const POSE_MAX_MM = 32767;
export const POSE_MAX_SEQ = 0xffff;
export const POSE_MAX_PARTICIPANT_INDEX = 0xffff;

/** One pose as it travels: integer millimetres and a packed rotation. */
export interface Pose {
  /** u16, wraps; lets the receiver drop out-of-order poses. */
  seq: number;
  x: number;
  y: number;
  z: number;
  /** u32 smallest-three quaternion (packQuaternion). */
  rotation: number;
}

export interface BatchEntry {
  participantIndex: number;
  pose: Pose;
}

export class VrWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VrWireError';
  }
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new VrWireError(`${name} must be an integer in [${min}, ${max}], got ${v}`);
}

function checkPose(p: Pose): void {
  checkInt('seq', p.seq, 0, POSE_MAX_SEQ);
  checkInt('x', p.x, -POSE_MAX_MM, POSE_MAX_MM);
  checkInt('y', p.y, -POSE_MAX_MM, POSE_MAX_MM);
  checkInt('z', p.z, -POSE_MAX_MM, POSE_MAX_MM);
  checkInt('rotation', p.rotation, 0, 0xffffffff);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function writePoseFields(v: DataView, at: number, p: Pose): void {
  v.setUint16(at, p.seq, true);
  v.setInt16(at + 2, p.x, true);
  v.setInt16(at + 4, p.y, true);
  v.setInt16(at + 6, p.z, true);
  v.setUint32(at + 8, p.rotation, true);
}

function readPoseFields(v: DataView, at: number): Pose {
  return { seq: v.getUint16(at, true), x: v.getInt16(at + 2, true), y: v.getInt16(at + 4, true), z: v.getInt16(at + 6, true), rotation: v.getUint32(at + 8, true) };
}

export function encodePose(pose: Pose): Uint8Array {
  checkPose(pose);
  const out = new Uint8Array(POSE_FRAME_BYTES);
  const v = view(out);
  v.setUint8(0, VR_FRAME_POSE);
  writePoseFields(v, 1, pose);
  return out;
}

/**
 * Checks a client pose frame without building an object (the relay's hot path). Returns null when valid,
 * else the reason.
 */
export function poseFrameProblem(bytes: Uint8Array): string | null {
  if (bytes.byteLength !== POSE_FRAME_BYTES) return `a pose frame is ${POSE_FRAME_BYTES} bytes, got ${bytes.byteLength}`;
  if (bytes[0] !== VR_FRAME_POSE) return `unknown binary frame type ${bytes[0]}`;
  // Every i16/u16 value is in range by construction; only the rotation can be impossible.
  const rotation = (bytes[9]! | (bytes[10]! << 8) | (bytes[11]! << 16) | (bytes[12]! << 24)) >>> 0;
  if (!isValidPackedQuaternion(rotation)) return 'rotation is not a unit quaternion';
  return null;
}

export function decodePose(bytes: Uint8Array): Pose {
  const problem = poseFrameProblem(bytes);
  if (problem) throw new VrWireError(problem);
  return readPoseFields(view(bytes), 1);
}

export function encodePoseBatch(entries: readonly BatchEntry[]): Uint8Array {
  checkInt('count', entries.length, 0, 0xffff);
  const out = new Uint8Array(POSE_BATCH_HEADER_BYTES + entries.length * POSE_BATCH_ENTRY_BYTES);
  const v = view(out);
  v.setUint8(0, VR_FRAME_POSE_BATCH);
  v.setUint16(1, entries.length, true);
  let at = POSE_BATCH_HEADER_BYTES;
  for (const e of entries) {
    checkInt('participantIndex', e.participantIndex, 0, POSE_MAX_PARTICIPANT_INDEX);
    checkPose(e.pose);
    v.setUint16(at, e.participantIndex, true);
    writePoseFields(v, at + 2, e.pose);
    at += POSE_BATCH_ENTRY_BYTES;
  }
  return out;
}

/**
 * Builds a batch from already-validated client frames by copying their 12 pose bytes, so the relay never
 * decodes and re-encodes a pose.
 */
export function encodePoseBatchFromFrames(indices: readonly number[], frames: readonly Uint8Array[]): Uint8Array {
  const n = indices.length;
  const out = new Uint8Array(POSE_BATCH_HEADER_BYTES + n * POSE_BATCH_ENTRY_BYTES);
  out[0] = VR_FRAME_POSE_BATCH;
  out[1] = n & 0xff;
  out[2] = n >>> 8;
  let at = POSE_BATCH_HEADER_BYTES;
  for (let i = 0; i < n; i++) {
    const idx = indices[i]!;
    out[at] = idx & 0xff;
    out[at + 1] = idx >>> 8;
    out.set(frames[i]!.subarray(1, POSE_FRAME_BYTES), at + 2);
    at += POSE_BATCH_ENTRY_BYTES;
  }
  return out;
}

export function decodePoseBatch(bytes: Uint8Array): BatchEntry[] {
  if (bytes.byteLength < POSE_BATCH_HEADER_BYTES) throw new VrWireError(`a batch is at least ${POSE_BATCH_HEADER_BYTES} bytes`);
  if (bytes[0] !== VR_FRAME_POSE_BATCH) throw new VrWireError(`expected a batch frame (type 2), got type ${bytes[0]}`);
  const v = view(bytes);
  const count = v.getUint16(1, true);
  const expected = POSE_BATCH_HEADER_BYTES + count * POSE_BATCH_ENTRY_BYTES;
  if (bytes.byteLength !== expected) throw new VrWireError(`a batch of ${count} poses is ${expected} bytes, got ${bytes.byteLength}`);
  const out: BatchEntry[] = [];
  for (let i = 0, at = POSE_BATCH_HEADER_BYTES; i < count; i++, at += POSE_BATCH_ENTRY_BYTES) {
    out.push({ participantIndex: v.getUint16(at, true), pose: readPoseFields(v, at + 2) });
  }
  return out;
}

/** A pose in scene units (metres, quaternion), as three.js holds it. */
export interface Transform {
  position: { x: number; y: number; z: number };
  quaternion: Quaternion;
}

function toMm(metres: number): number {
  if (!Number.isFinite(metres)) throw new VrWireError('position must be finite');
  return Math.max(-POSE_MAX_MM, Math.min(POSE_MAX_MM, Math.round(metres * 1000)));
}

/** Scene transform -> wire pose; positions beyond +-32.767 m are clamped to the edge. */
export function poseFromTransform(t: Transform, seq: number): Pose {
  return { seq: seq & 0xffff, x: toMm(t.position.x), y: toMm(t.position.y), z: toMm(t.position.z), rotation: packQuaternion(t.quaternion) };
}

export function transformFromPose(p: Pose): Transform {
  return { position: { x: p.x / 1000, y: p.y / 1000, z: p.z / 1000 }, quaternion: unpackQuaternion(p.rotation) };
}

/** True when seq `a` is newer than `b`, with u16 wrap-around (serial number arithmetic, RFC 1982). */
export function seqNewer(a: number, b: number): boolean {
  const d = (a - b) & 0xffff;
  return d !== 0 && d < 0x8000;
}
