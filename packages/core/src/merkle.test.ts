import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toBase64, toHex } from './encoding';
import {
  checkConsistency,
  checkInclusion,
  consistencyProof,
  EMPTY_ROOT,
  hashChildren,
  hashLeaf,
  inclusionProof,
  MerkleTree,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

// ---- An independent reference: RFC 9162 section 2.1 definitions, literally, over slices, with node:crypto. ----
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const refLeaf = (d: Uint8Array) => sha(Uint8Array.of(0), d);
const refNode = (l: Uint8Array, r: Uint8Array) => sha(Uint8Array.of(1), l, r);
const largestPow2Below = (n: number) => 2 ** Math.floor(Math.log2(n - 1));

const MAX = 64;
const DATA = Array.from({ length: MAX + 1 }, (_, i) => new TextEncoder().encode(`entry ${i}`));
const LEAVES = DATA.map(refLeaf);
const memo = new Map<string, Uint8Array>();
function MTH(lo: number, hi: number): Uint8Array {
  const key = `${lo}:${hi}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const n = hi - lo;
  let r: Uint8Array;
  if (n === 0) r = sha();
  else if (n === 1) r = LEAVES[lo]!;
  else {
    const k = largestPow2Below(n);
    r = refNode(MTH(lo, lo + k), MTH(lo + k, hi));
  }
  memo.set(key, r);
  return r;
}
function PATH(m: number, lo: number, hi: number): Uint8Array[] {
  const n = hi - lo;
  if (n === 1) return [];
  const k = largestPow2Below(n);
  return m < k ? [...PATH(m, lo, lo + k), MTH(lo + k, hi)] : [...PATH(m - k, lo + k, hi), MTH(lo, lo + k)];
}
function SUBPROOF(m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
  const n = hi - lo;
  if (m === n) return b ? [] : [MTH(lo, hi)];
  const k = largestPow2Below(n);
  return m <= k
    ? [...SUBPROOF(m, lo, lo + k, b), MTH(lo + k, hi)]
    : [...SUBPROOF(m - k, lo + k, hi, false), MTH(lo, lo + k)];
}
const hex = (list: Uint8Array[]) => list.map(toHex);
const flip = (h: Uint8Array, bit: number) => {
  const c = h.slice();
  c[bit >> 3]! ^= 1 << (bit & 7);
  return c;
};

describe('RFC 9162 Merkle tree', () => {
  it('hashes leaves and nodes with the 0x00 / 0x01 prefixes', () => {
    expect(toHex(hashLeaf(DATA[0]!))).toBe(toHex(refLeaf(DATA[0]!)));
    expect(toHex(hashChildren(LEAVES[0]!, LEAVES[1]!))).toBe(toHex(refNode(LEAVES[0]!, LEAVES[1]!)));
    expect(toHex(rootHash([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(EMPTY_ROOT)).toBe(toHex(sha()));
    // A leaf hash of 0x00-prefixed data differs from a node hash of the same bytes (second-preimage defence).
    expect(toHex(hashLeaf(new Uint8Array(64)))).not.toBe(toHex(hashChildren(new Uint8Array(32), new Uint8Array(32))));
  });

  it('matches the brute-force reference for every size 1..64, every index and every old size', () => {
    const tree = new MerkleTree();
    for (let n = 1; n <= MAX; n++) {
      tree.append(LEAVES[n - 1]!);
      const leaves = LEAVES.slice(0, n);
      const root = MTH(0, n);
      expect(toHex(rootHash(leaves)), `root ${n}`).toBe(toHex(root));
      expect(toHex(tree.root())).toBe(toHex(root));
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(leaves, m);
        expect(hex(proof), `path ${m}/${n}`).toEqual(hex(PATH(m, 0, n)));
        expect(hex(tree.inclusionProof(m))).toEqual(hex(proof));
        expect(checkInclusion(leaves[m]!, m, n, proof, root)).toEqual({ ok: true });
      }
      for (let m = 0; m <= n; m++) {
        const proof = consistencyProof(leaves, m);
        const expected = m === 0 || m === n ? [] : SUBPROOF(m, 0, n, true);
        expect(hex(proof), `consistency ${m}->${n}`).toEqual(hex(expected));
        expect(hex(tree.consistencyProof(m))).toEqual(hex(proof));
        expect(checkConsistency(m, n, proof, MTH(0, m), root), `consistency ${m}->${n}`).toEqual({ ok: true });
      }
    }
    // The tree also answers for every earlier size.
    for (let n = 1; n <= MAX; n++) {
      expect(toHex(tree.root(n))).toBe(toHex(MTH(0, n)));
      for (let m = 0; m < n; m += 5) expect(hex(tree.inclusionProof(m, n))).toEqual(hex(PATH(m, 0, n)));
      for (let m = 1; m < n; m += 3) expect(hex(tree.consistencyProof(m, n))).toEqual(hex(SUBPROOF(m, 0, n, true)));
    }
  });

  it('rejects tampered inclusion proofs: flipped bits, wrong index/size/root, swapped entries, truncated or padded', () => {
    for (let n = 1; n <= MAX; n++) {
      const root = MTH(0, n);
      for (let m = 0; m < n; m++) {
        const leaf = LEAVES[m]!;
        const proof = PATH(m, 0, n);
        for (let i = 0; i < proof.length; i++) {
          const bad = proof.slice();
          bad[i] = flip(bad[i]!, (i * 37 + m) % 256);
          expect(verifyInclusion(leaf, m, n, bad, root)).toBe(false);
        }
        expect(verifyInclusion(flip(leaf, m % 256), m, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, m, n, proof, flip(root, 255))).toBe(false);
        if (n > 1) {
          expect(verifyInclusion(leaf, (m + 1) % n, n, proof, root)).toBe(false);
          expect(verifyInclusion(LEAVES[(m + 1) % n]!, m, n, proof, root)).toBe(false); // swapped leaves
        }
        expect(verifyInclusion(leaf, m, n + 1, proof, MTH(0, n + 1))).toBe(false);
        if (m < n - 1) expect(verifyInclusion(leaf, m, n - 1, proof, MTH(0, n - 1))).toBe(false);
        expect(verifyInclusion(leaf, m, n, proof, MTH(0, n - 1))).toBe(false); // root of another size
        if (proof.length >= 2) {
          const swapped = proof.slice();
          [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
          expect(verifyInclusion(leaf, m, n, swapped, root)).toBe(false);
        }
        if (proof.length > 0) {
          expect(checkInclusion(leaf, m, n, proof.slice(0, -1), root)).toMatchObject({ ok: false, reason: expect.stringMatching(/too short|does not match/) });
        }
        expect(checkInclusion(leaf, m, n, [...proof, LEAVES[0]!], root)).toMatchObject({ ok: false, reason: expect.stringMatching(/too long|does not match/) });
      }
    }
  });

  it('rejects tampered consistency proofs', () => {
    for (let n = 2; n <= MAX; n++) {
      const newRoot = MTH(0, n);
      for (let m = 1; m < n; m++) {
        const oldRoot = MTH(0, m);
        const proof = SUBPROOF(m, 0, n, true);
        for (let i = 0; i < proof.length; i++) {
          const bad = proof.slice();
          bad[i] = flip(bad[i]!, (i * 11 + m) % 256);
          expect(verifyConsistency(m, n, bad, oldRoot, newRoot), `flip ${i} ${m}->${n}`).toBe(false);
        }
        expect(verifyConsistency(m, n, proof, flip(oldRoot, 3), newRoot)).toBe(false);
        expect(verifyConsistency(m, n, proof, oldRoot, flip(newRoot, 200))).toBe(false);
        expect(verifyConsistency(m, n, proof, newRoot, oldRoot)).toBe(false);
        expect(verifyConsistency(m, n + 1, proof, oldRoot, MTH(0, n + 1))).toBe(false);
        if (m > 1) expect(verifyConsistency(m - 1, n, proof, MTH(0, m - 1), newRoot)).toBe(false);
        expect(verifyConsistency(n, m, proof, newRoot, oldRoot)).toBe(false);
        expect(verifyConsistency(m, n, proof.slice(0, -1), oldRoot, newRoot)).toBe(false);
        expect(verifyConsistency(m, n, [...proof, oldRoot], oldRoot, newRoot)).toBe(false);
        if (proof.length >= 2) {
          const swapped = proof.slice();
          [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
          expect(verifyConsistency(m, n, swapped, oldRoot, newRoot)).toBe(false);
        }
      }
    }
  });

  it('handles the trivial cases: equal sizes, the empty tree', () => {
    const r = MTH(0, 5);
    expect(checkConsistency(5, 5, [], r, r)).toEqual({ ok: true });
    expect(checkConsistency(5, 5, [r], r, r).ok).toBe(false);
    expect(checkConsistency(5, 5, [], r, MTH(0, 4))).toEqual({ ok: false, reason: 'same size but different roots' });
    expect(checkConsistency(0, 5, [], EMPTY_ROOT, r)).toEqual({ ok: true });
    expect(checkConsistency(0, 5, [], r, r).ok).toBe(false);
    expect(checkInclusion(LEAVES[0]!, 0, 0, [], EMPTY_ROOT)).toMatchObject({ ok: false, reason: expect.stringMatching(/not inside/) });
  });

  it('accepts hashes as hex or base64 and returns reasons (never throws) on garbage', () => {
    const n = 13;
    const root = MTH(0, n);
    const proof = PATH(6, 0, n);
    expect(checkInclusion(toHex(LEAVES[6]!), 6, n, proof.map(toBase64), toBase64(root))).toEqual({ ok: true });
    const garbage: [unknown[], RegExp][] = [
      [[new Uint8Array(31), 6, n, proof, root], /leaf hash is not a 32-byte hash \(31 bytes\)/],
      [[LEAVES[6], 6, n, proof, 'zz'.repeat(32)], /root hash is not a 32-byte hash/],
      [[LEAVES[6], 6, n, proof, null], /root hash.*null/],
      [[LEAVES[6], -1, n, proof, root], /leaf index must be a non-negative integer/],
      [[LEAVES[6], 1.5, n, proof, root], /leaf index/],
      [[LEAVES[6], 6, NaN, proof, root], /tree size/],
      [[LEAVES[6], 6, n, 'not an array', root], /proof must be an array/],
      [[LEAVES[6], 6, n, [proof[0], new Uint8Array(33)], root], /proof element 1 is not a 32-byte hash \(33 bytes\)/],
      [[LEAVES[6], 6, n, [proof[0], 42], root], /proof element 1/],
      [[LEAVES[6], 6, n, [proof[0], 'g'.repeat(64)], root], /proof element 1/],
    ];
    for (const [args, re] of garbage) {
      const r = (checkInclusion as (...a: unknown[]) => ReturnType<typeof checkInclusion>)(...args);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.reason).toMatch(re);
    }
    const c = (checkConsistency as (...a: unknown[]) => ReturnType<typeof checkConsistency>)(3, n, [{}], root, root);
    expect(c).toMatchObject({ ok: false, reason: expect.stringMatching(/proof element 0/) });
    expect((verifyConsistency as (...a: unknown[]) => boolean)('3', n, [], root, root)).toBe(false);
    expect((verifyConsistency as (...a: unknown[]) => boolean)(3, n, [], undefined, root)).toBe(false);
  });

  it('throws RangeError when asked to prove something outside the tree', () => {
    expect(() => inclusionProof(LEAVES.slice(0, 4), 4)).toThrow(RangeError);
    expect(() => consistencyProof(LEAVES.slice(0, 4), 5)).toThrow(RangeError);
    const t = MerkleTree.fromLeafHashes(LEAVES.slice(0, 4));
    expect(() => t.inclusionProof(0, 5)).toThrow(RangeError);
    expect(() => t.root(-1)).toThrow(RangeError);
    expect(() => t.append(new Uint8Array(3))).toThrow(/32 bytes/);
  });
});
