import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual, fromBase64, fromBase64Url, fromHex, fromUtf8, toBase64, toBase64Url, toHex, utf8 } from './encoding';

describe('encodings', () => {
  it('match Node Buffer for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const buf = Buffer.from(bytes);
        expect(toHex(bytes)).toBe(buf.toString('hex'));
        expect(toBase64(bytes)).toBe(buf.toString('base64'));
        expect(toBase64Url(bytes)).toBe(buf.toString('base64url'));
        expect(bytesEqual(fromHex(toHex(bytes)), bytes)).toBe(true);
        expect(bytesEqual(fromBase64(toBase64(bytes)), bytes)).toBe(true);
        expect(bytesEqual(fromBase64Url(toBase64Url(bytes)), bytes)).toBe(true);
      }),
    );
  });

  it('reject non-canonical and malformed text', () => {
    expect(() => fromHex('abc')).toThrow(/odd length/);
    expect(() => fromHex('zz')).toThrow(/non-hex/);
    expect(() => fromBase64('AAA')).toThrow(/multiple of 4/);
    expect(() => fromBase64('AB==')).toThrow(/not canonical/);
    expect(() => fromBase64Url('A')).toThrow(/impossible length/);
    expect(() => fromBase64Url('AA==')).toThrow(/invalid character/);
    expect(() => fromBase64Url('a+')).toThrow(/invalid character/);
    expect(() => fromUtf8(new Uint8Array([0xff]))).toThrow(/UTF-8/);
    expect(fromUtf8(utf8('héllo €'))).toBe('héllo €');
  });
});
