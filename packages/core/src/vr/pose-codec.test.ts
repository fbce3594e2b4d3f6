import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodePose,
  decodePoseBatch,
  encodePose,
  encodePoseBatch,
  encodePoseBatchFromFrames,
  POSE_BATCH_ENTRY_BYTES,
  POSE_BATCH_HEADER_BYTES,
  POSE_FRAME_BYTES,
  poseFrameProblem,
  poseFromTransform,
  seqNewer,
  transformFromPose,
  VrWireError,
  type Pose,
} from './pose-codec';
import { isValidPackedQuaternion, packQuaternion, quaternionAngle, unpackQuaternion, type Quaternion } from './quaternion';

const quaternionArb = fc
  .tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }))
  .filter(([x, y, z, w]) => Math.hypot(x, y, z, w) > 1e-3)
  .map(([x, y, z, w]): Quaternion => ({ x, y, z, w }));

const poseArb = fc.record({
  seq: fc.integer({ min: 0, max: 0xffff }),
  x: fc.integer({ min: -32767, max: 32767 }),
  y: fc.integer({ min: -32767, max: 32767 }),
  z: fc.integer({ min: -32767, max: 32767 }),
  rotation: quaternionArb.map(packQuaternion),
});

describe('smallest-three quaternion', () => {
  it('round-trips any rotation within half a degree', () => {
    fc.assert(
      fc.property(quaternionArb, (q) => {
        const back = unpackQuaternion(packQuaternion(q));
        expect(Math.hypot(back.x, back.y, back.z, back.w)).toBeCloseTo(1, 9);
        expect(quaternionAngle(q, back)).toBeLessThan((0.5 * Math.PI) / 180);
      }),
      { numRuns: 2000 },
    );
  });

  it('packs q and -q (the same rotation) identically', () => {
    fc.assert(fc.property(quaternionArb, (q) => packQuaternion(q) === packQuaternion({ x: -q.x, y: -q.y, z: -q.z, w: -q.w })));
  });

  it('every packed rotation is accepted by the validity check', () => {
    fc.assert(fc.property(quaternionArb, (q) => isValidPackedQuaternion(packQuaternion(q))));
  });

  it('refuses non-finite and zero quaternions', () => {
    expect(() => packQuaternion({ x: Number.NaN, y: 0, z: 0, w: 1 })).toThrow(/finite/);
    expect(() => packQuaternion({ x: 0, y: 0, z: 0, w: 0 })).toThrow(/zero/);
  });

  it('flags packed values whose three components cannot be part of a unit quaternion', () => {
    // all three stored components at +1/sqrt2: sum of squares 1.5
    expect(isValidPackedQuaternion(0x3fffffff)).toBe(false);
    expect(isValidPackedQuaternion(packQuaternion({ x: 0, y: 0, z: 0, w: 1 }))).toBe(true);
  });
});

describe('pose frame', () => {
  it('is 13 bytes, little-endian, laid out as u8 type, u16 seq, i16 x y z, u32 rotation', () => {
    const bytes = encodePose({ seq: 0x0102, x: -2, y: 1000, z: 32767, rotation: 0x0a0b0c0d });
    expect(bytes.byteLength).toBe(POSE_FRAME_BYTES);
    expect(Array.from(bytes)).toEqual([1, 0x02, 0x01, 0xfe, 0xff, 0xe8, 0x03, 0xff, 0x7f, 0x0d, 0x0c, 0x0b, 0x0a]);
  });

  it('round-trips any valid pose exactly', () => {
    fc.assert(fc.property(poseArb, (p) => {
        expect(decodePose(encodePose(p))).toEqual(p);
      }), { numRuns: 2000 });
  });

  it('refuses out-of-range fields when encoding', () => {
    const ok: Pose = { seq: 0, x: 0, y: 0, z: 0, rotation: 0 };
    for (const bad of [{ seq: 65536 }, { seq: -1 }, { x: 32768 }, { y: -32768 }, { z: 1.5 }, { rotation: 2 ** 32 }]) {
      expect(() => encodePose({ ...ok, ...bad })).toThrow(VrWireError);
    }
  });

  it('decoding never throws anything but VrWireError and never accepts a wrong length or type', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        let problem: string | null = null;
        try {
          decodePose(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(VrWireError);
          problem = (e as Error).message;
        }
        if (bytes.byteLength !== POSE_FRAME_BYTES || bytes[0] !== 1) expect(problem).not.toBeNull();
        expect(poseFrameProblem(bytes)).toBe(problem);
      }),
      { numRuns: 3000 },
    );
  });

  it('names the problem of truncated, oversized, mistyped and impossible-rotation frames', () => {
    const good = encodePose({ seq: 1, x: 2, y: 3, z: 4, rotation: packQuaternion({ x: 0, y: 0, z: 0, w: 1 }) });
    expect(poseFrameProblem(good)).toBeNull();
    expect(poseFrameProblem(good.subarray(0, 12))).toMatch(/13 bytes/);
    expect(poseFrameProblem(new Uint8Array(14).fill(1))).toMatch(/13 bytes/);
    const typed = good.slice();
    typed[0] = 7;
    expect(poseFrameProblem(typed)).toMatch(/type 7/);
    const impossible = good.slice();
    new DataView(impossible.buffer).setUint32(9, 0x3fffffff, true);
    expect(poseFrameProblem(impossible)).toMatch(/unit quaternion/);
  });

  it('reads a frame that sits at an offset inside a larger buffer', () => {
    const p: Pose = { seq: 9, x: -100, y: 200, z: -300, rotation: packQuaternion({ x: 0.5, y: 0.5, z: 0.5, w: 0.5 }) };
    const big = new Uint8Array(50);
    big.set(encodePose(p), 17);
    expect(decodePose(big.subarray(17, 30))).toEqual(p);
  });
});

describe('pose batch', () => {
  const entryArb = fc.record({ participantIndex: fc.integer({ min: 0, max: 0xffff }), pose: poseArb });

  it('round-trips any batch, 3 + 14 bytes per participant', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 60 }), (entries) => {
        const bytes = encodePoseBatch(entries);
        expect(bytes.byteLength).toBe(POSE_BATCH_HEADER_BYTES + entries.length * POSE_BATCH_ENTRY_BYTES);
        expect(bytes[0]).toBe(2);
        expect(decodePoseBatch(bytes)).toEqual(entries);
      }),
    );
  });

  it('built from raw client frames equals the batch encoded from poses', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 40 }), (entries) => {
        const fromFrames = encodePoseBatchFromFrames(
          entries.map((e) => e.participantIndex),
          entries.map((e) => encodePose(e.pose)),
        );
        expect(Array.from(fromFrames)).toEqual(Array.from(encodePoseBatch(entries)));
      }),
    );
  });

  it('refuses a batch whose length disagrees with its count', () => {
    const bytes = encodePoseBatch([{ participantIndex: 1, pose: { seq: 1, x: 1, y: 1, z: 1, rotation: 0 } }]);
    expect(() => decodePoseBatch(bytes.subarray(0, bytes.byteLength - 1))).toThrow(/1 poses is 17 bytes/);
    expect(() => decodePoseBatch(new Uint8Array([2, 0]))).toThrow(VrWireError);
    expect(() => decodePoseBatch(new Uint8Array([1, 0, 0]))).toThrow(/type 2/);
  });
});

describe('scene transforms', () => {
  it('carry positions to the millimetre and clamp beyond +-32.767 m', () => {
    const p = poseFromTransform({ position: { x: 1.2344, y: -40, z: 0 }, quaternion: { x: 0, y: 0, z: 0, w: 1 } }, 70000);
    expect(p).toMatchObject({ seq: 70000 & 0xffff, x: 1234, y: -32767, z: 0 });
    const t = transformFromPose(p);
    expect(t.position.x).toBeCloseTo(1.234, 6);
    expect(quaternionAngle(t.quaternion, { x: 0, y: 0, z: 0, w: 1 })).toBeLessThan(0.01);
  });

  it('compares sequence numbers across the u16 wrap', () => {
    expect(seqNewer(1, 0)).toBe(true);
    expect(seqNewer(0, 65535)).toBe(true);
    expect(seqNewer(65535, 0)).toBe(false);
    expect(seqNewer(5, 5)).toBe(false);
  });
});
