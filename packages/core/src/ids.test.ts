import { describe, expect, it } from 'vitest';
import { ID_PREFIXES, idSchema, idTimestamp, isId, newId, newIdBody } from './ids';
import { isCoreError } from './errors';

describe('ids', () => {
  it('makes prefixed ids with a 26-character lowercase ULID body', () => {
    const id = newId('cr');
    expect(id).toMatch(/^cr_[0-9a-z]{26}$/);
    expect(isId('cr', id)).toBe(true);
    expect(isId('fan', id)).toBe(false);
  });

  it('encodes the creation time, and ids sort by it', () => {
    const t0 = Date.UTC(2030, 0, 1);
    const a = newId('post', t0);
    const b = newId('post', t0 + 1);
    const c = newId('post', t0 + 86_400_000);
    expect(idTimestamp(a)).toBe(t0);
    expect(idTimestamp(c)).toBe(t0 + 86_400_000);
    expect([c, a, b].sort()).toEqual([a, b, c]);
  });

  it('is strictly increasing within one millisecond and when the clock steps back', () => {
    const t = Date.UTC(2031, 5, 1);
    const ids = [newId('evt', t)];
    for (let i = 0; i < 2000; i++) ids.push(newId('evt', t));
    ids.push(newId('evt', t - 5000)); // clock went backwards
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every known prefix works and round-trips through its zod schema', () => {
    for (const prefix of Object.values(ID_PREFIXES)) {
      const id = newId(prefix);
      expect(idSchema(prefix).parse(id)).toBe(id);
    }
  });

  it('rejects malformed ids with a clear error', () => {
    const schema = idSchema('pay');
    const body = newIdBody();
    for (const bad of ['', 'pay_', `pay_${body}x`, `po_${body}`, `pay_${body.toUpperCase()}`, `pay_${body.slice(0, 25)}i`, 42, null]) {
      const r = schema.safeParse(bad);
      expect(r.success).toBe(false);
      expect(isId('pay', bad)).toBe(false);
    }
    expect(schema.safeParse('nope').error?.issues[0]?.message).toBe('expected a pay_ id');
    try {
      idTimestamp('garbage');
      expect.unreachable();
    } catch (e) {
      expect(isCoreError(e) && e.code).toBe('INVALID_ID');
    }
    expect(() => newId('zz' as 'cr')).toThrow(/unknown id prefix/);
  });
});
