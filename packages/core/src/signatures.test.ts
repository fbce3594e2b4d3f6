import { describe, expect, it } from 'vitest';
import { RFC8032_VECTORS } from '../test/rfc8032-vectors';
import { fromHex, toBase64Url, toHex } from './encoding';
import type { Ed25519 } from './signatures';
import { nobleEd25519, parsePublicKey, signJsonWith, verifyJsonWith } from './signatures';
import { nodeEd25519 } from './node';
import * as nodeApi from './node';
import * as pureApi from './signatures';

const impls: Ed25519[] = [nobleEd25519, nodeEd25519];

describe.each(impls)('Ed25519 via $name', (impl) => {
  it.each(RFC8032_VECTORS)('matches RFC 8032 section 7.1 $name', (v) => {
    const secretKey = fromHex(v.secretKey);
    const message = fromHex(v.message);
    expect(toHex(impl.getPublicKey(secretKey))).toBe(v.publicKey);
    expect(toHex(impl.sign(message, secretKey))).toBe(v.signature);
    expect(impl.verify(fromHex(v.signature), message, fromHex(v.publicKey))).toBe(true);
  });

  it('rejects a flipped bit in the signature, message or key', () => {
    for (const v of RFC8032_VECTORS) {
      const sig = fromHex(v.signature);
      const msg = fromHex(v.message);
      const pub = fromHex(v.publicKey);
      for (const bit of [0, 7, 255, 256, 511]) {
        const s = sig.slice();
        s[bit >> 3]! ^= 1 << (bit & 7);
        expect(impl.verify(s, msg, pub)).toBe(false);
      }
      const m = new Uint8Array([...msg, 0]);
      expect(impl.verify(sig, m, pub)).toBe(false);
      const p = pub.slice();
      p[0]! ^= 1;
      expect(impl.verify(sig, msg, p)).toBe(false);
    }
  });

  it('returns false instead of throwing on garbage', () => {
    const v = RFC8032_VECTORS[1]!;
    const sig = fromHex(v.signature);
    const msg = fromHex(v.message);
    const pub = fromHex(v.publicKey);
    const garbage: unknown[] = [undefined, null, 'abc', 42, {}, [], new Uint8Array(0), new Uint8Array(31), new Uint8Array(65)];
    for (const g of garbage) {
      expect(impl.verify(g as Uint8Array, msg, pub)).toBe(false);
      if (!(g instanceof Uint8Array)) expect(impl.verify(sig, g as Uint8Array, pub)).toBe(false);
      expect(impl.verify(sig, msg, g as Uint8Array)).toBe(false);
    }
    // All-zero and all-0xff keys/signatures: small-order or non-canonical points, S >= L.
    expect(impl.verify(new Uint8Array(64), msg, pub)).toBe(false);
    expect(impl.verify(sig, msg, new Uint8Array(32))).toBe(false);
    expect(impl.verify(new Uint8Array(64).fill(0xff), msg, new Uint8Array(32).fill(0xff))).toBe(false);
    // The identity point as public key with the identity R and S = 0 "verifies" in lax implementations.
    const identity = fromHex('0100000000000000000000000000000000000000000000000000000000000000');
    const forged = new Uint8Array(64);
    forged.set(identity);
    expect(impl.verify(forged, msg, identity)).toBe(false);
    // S + L (non-canonical S) must be rejected.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
    const sPlusL = s + L;
    const malleable = sig.slice();
    for (let i = 0; i < 32; i++) malleable[32 + i] = Number((sPlusL >> BigInt(8 * i)) & 0xffn);
    expect(sPlusL < 2n ** 256n).toBe(true);
    expect(impl.verify(malleable, msg, pub)).toBe(false);
  });

  it('throws a clear error when signing with a malformed secret key', () => {
    expect(() => impl.sign(new Uint8Array(1), new Uint8Array(31))).toThrow(/secret key must be 32 bytes, got 31 bytes/);
    expect(() => impl.getPublicKey('x' as unknown as Uint8Array)).toThrow(/secret key must be 32 bytes/);
  });

  it('signs and verifies canonical JSON regardless of key order', () => {
    const { publicKey, secretKey } = impl.generateKeyPair();
    const sig = signJsonWith(impl, { amount: { amount: 125000, currency: 'USD' }, method: 'paxum' }, secretKey);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(verifyJsonWith(impl, { method: 'paxum', amount: { currency: 'USD', amount: 125000 } }, sig, publicKey)).toBe(true);
    expect(verifyJsonWith(impl, { method: 'paxum', amount: { currency: 'USD', amount: 125001 } }, sig, publicKey)).toBe(false);
    expect(verifyJsonWith(impl, { x: NaN }, sig, publicKey)).toBe(false);
    expect(verifyJsonWith(impl, {}, '!!not base64url', publicKey)).toBe(false);
    expect(verifyJsonWith(impl, {}, sig, 'short')).toBe(false);
    expect(verifyJsonWith(impl, { method: 'paxum', amount: { currency: 'USD', amount: 125000 } }, sig, toBase64Url(publicKey))).toBe(
      true,
    );
  });
});

describe('noble and node:crypto agree', () => {
  it('produce identical keys and signatures and accept each other', () => {
    for (let i = 0; i < 20; i++) {
      const { secretKey, publicKey } = (i % 2 ? nobleEd25519 : nodeEd25519).generateKeyPair();
      expect(toHex(nobleEd25519.getPublicKey(secretKey))).toBe(toHex(publicKey));
      expect(toHex(nodeEd25519.getPublicKey(secretKey))).toBe(toHex(publicKey));
      const message = new Uint8Array(i * 7).map((_, j) => (j * 31 + i) & 0xff);
      const a = nobleEd25519.sign(message, secretKey);
      const b = nodeEd25519.sign(message, secretKey);
      expect(toHex(a)).toBe(toHex(b));
      expect(nodeEd25519.verify(a, message, publicKey)).toBe(true);
      expect(nobleEd25519.verify(b, message, publicKey)).toBe(true);
    }
  });

  it('agree on mutated and random signatures and keys (property test)', async () => {
    const fc = (await import('fast-check')).default;
    const { ED25519_TORSION_SUBGROUP } = await import('@noble/curves/ed25519.js');
    const { secretKey, publicKey } = nobleEd25519.generateKeyPair();
    const message = new TextEncoder().encode('payout 1250.00 USD');
    const good = nobleEd25519.sign(message, secretKey);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 767 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), (bit, random) => {
        const sig = good.slice();
        const pub = publicKey.slice();
        if (bit < 512) sig[bit >> 3]! ^= 1 << (bit & 7);
        else pub[(bit - 512) >> 3]! ^= 1 << (bit & 7);
        expect(nodeEd25519.verify(sig, message, pub)).toBe(nobleEd25519.verify(sig, message, pub));
        expect(nodeEd25519.verify(random, message, publicKey)).toBe(nobleEd25519.verify(random, message, publicKey));
        const randomKey = random.subarray(0, 32);
        expect(nodeEd25519.verify(good, message, randomKey)).toBe(nobleEd25519.verify(good, message, randomKey));
      }),
      { numRuns: 300 },
    );
    for (const hex of ED25519_TORSION_SUBGROUP) {
      const smallOrder = fromHex(hex);
      const forged = new Uint8Array(64);
      forged.set(smallOrder);
      expect(nobleEd25519.verify(forged, message, smallOrder)).toBe(false);
      expect(nodeEd25519.verify(forged, message, smallOrder)).toBe(false);
    }
  });

  it('export the same function names from "." and "./node"', () => {
    for (const name of ['generateKeyPair', 'getPublicKey', 'sign', 'verify', 'signJson', 'verifyJson', 'checkJsonSignature'] as const) {
      expect(typeof pureApi[name]).toBe('function');
      expect(typeof nodeApi[name]).toBe('function');
    }
    const { secretKey, publicKey } = pureApi.generateKeyPair();
    const sig = nodeApi.signJson({ a: 1 }, secretKey);
    expect(pureApi.signJson({ a: 1 }, secretKey)).toBe(sig);
    expect(pureApi.verifyJson({ a: 1 }, sig, publicKey)).toBe(true);
  });
});

describe('checkJsonSignature', () => {
  it.each([
    ['noble', pureApi.checkJsonSignature],
    ['node', nodeApi.checkJsonSignature],
  ] as const)('gives a reason for each kind of failure (%s)', (_name, check) => {
    const { secretKey, publicKey } = nobleEd25519.generateKeyPair();
    const body = { amount: { amount: 5000, currency: 'USD' }, method: 'paxum', schedule: 'immediate' };
    const sig = pureApi.signJson(body, secretKey);
    expect(check(body, sig, toBase64Url(publicKey))).toEqual({ ok: true });
    expect(check({ ...body, method: 'bank_transfer' }, sig, publicKey)).toEqual({
      ok: false,
      reason: 'signature does not match the canonical JSON of the value',
    });
    expect(check(body, undefined, publicKey)).toEqual({ ok: false, reason: 'signature is missing or not a string' });
    expect(check(body, 'a+b=', publicKey)).toEqual({ ok: false, reason: 'signature is not base64url (no padding)' });
    expect(check(body, sig.slice(0, 40), publicKey)).toEqual({ ok: false, reason: 'signature must be 64 bytes, got 30' });
    expect(check(body, sig, 'AAAA')).toEqual({ ok: false, reason: 'public key must be 32 bytes, got 3' });
    expect(check({ n: Infinity }, sig, publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/Infinity is not a finite number/) });
  });
});

describe('parsePublicKey', () => {
  it('accepts a 32-byte base64url key and rejects anything else clearly', () => {
    const { publicKey } = nobleEd25519.generateKeyPair();
    expect(toHex(parsePublicKey(toBase64Url(publicKey)))).toBe(toHex(publicKey));
    expect(() => parsePublicKey('abc')).toThrow(/must be 32 bytes, got 2/);
    expect(() => parsePublicKey('a+b/')).toThrow(/base64url/);
  });
});
