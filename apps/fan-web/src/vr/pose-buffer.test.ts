import { describe, expect, it } from 'vitest';
import { INTERPOLATION_DELAY_MS, PoseBuffer, nlerp } from './pose-buffer';

const at = (x: number, yaw = 0) => ({ position: { x, y: 1.6, z: 0 }, quaternion: { x: 0, y: Math.sin(yaw / 2), z: 0, w: Math.cos(yaw / 2) } });

describe('PoseBuffer', () => {
  it('draws 100 ms in the past, between the two poses that bracket that moment', () => {
    const b = new PoseBuffer();
    b.push(1000, at(0));
    b.push(1050, at(1));
    b.push(1100, at(2));
    expect(INTERPOLATION_DELAY_MS).toBe(100);
    expect(b.sample(1125)!.position.x).toBeCloseTo(0.5, 6);
    expect(b.sample(1175)!.position.x).toBeCloseTo(1.5, 6);
  });

  it('holds the first and last pose instead of extrapolating', () => {
    const b = new PoseBuffer();
    expect(b.sample(0)).toBeNull();
    b.push(1000, at(3));
    expect(b.sample(500)!.position.x).toBe(3);
    b.push(1050, at(4));
    expect(b.sample(5000)!.position.x).toBe(4);
    expect(b.latest()!.position.x).toBe(4);
  });

  it('forgets samples older than a second but keeps two to interpolate', () => {
    const b = new PoseBuffer();
    for (let i = 0; i < 100; i++) b.push(i * 50, at(i));
    expect(b.sample(0)!.position.x).toBeGreaterThan(70); // the oldest kept is within the last second
    expect(b.sample(99 * 50 + 100)!.position.x).toBe(99);
  });

  it('turns the short way round and stays a unit quaternion', () => {
    const a = at(0, 0).quaternion;
    const q = at(0, Math.PI / 2).quaternion;
    const neg = { x: -q.x, y: -q.y, z: -q.z, w: -q.w }; // the same rotation, other hemisphere
    const m1 = nlerp(a, q, 0.5);
    const m2 = nlerp(a, neg, 0.5);
    expect(Math.hypot(m1.x, m1.y, m1.z, m1.w)).toBeCloseTo(1, 9);
    expect(m2.y).toBeCloseTo(m1.y, 9);
    expect(m2.w).toBeCloseTo(m1.w, 9);
    expect(2 * Math.atan2(m1.y, m1.w)).toBeCloseTo(Math.PI / 4, 6);
  });
});
