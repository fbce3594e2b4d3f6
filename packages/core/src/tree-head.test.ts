import { describe, expect, it } from 'vitest';
import { toBase64 } from './encoding';
import { hashLeaf, MerkleTree } from './merkle';
import { nobleEd25519 } from './signatures';
import { nodeEd25519 } from './node';
import { checkLogEntry, checkLogGrowth, checkTreeHead, logLeafHash, signTreeHead, verifyTreeHead } from './tree-head';

const log = nobleEd25519.generateKeyPair();
const other = nobleEd25519.generateKeyPair();

function treeOf(n: number): MerkleTree {
  return MerkleTree.fromLeafHashes(Array.from({ length: n }, (_, i) => hashLeaf(new TextEncoder().encode(`payment ${i}`))));
}

describe('signed tree heads', () => {
  it('sign {treeSize, rootHash, timestamp} and verify with either implementation', () => {
    const t = treeOf(10);
    const sth = signTreeHead({ treeSize: 10, rootHash: t.root(), timestamp: 1_700_000_000_000 }, log.secretKey);
    expect(Object.keys(sth).sort()).toEqual(['rootHash', 'signature', 'timestamp', 'treeSize']);
    expect(sth.rootHash).toBe(toBase64(t.root()));
    expect(checkTreeHead(sth, log.publicKey)).toMatchObject({ ok: true, head: { treeSize: 10 } });
    expect(verifyTreeHead(sth, log.publicKey, nodeEd25519)).toBe(true);
    expect(signTreeHead({ treeSize: 10, rootHash: t.root(), timestamp: 1_700_000_000_000 }, log.secretKey, nodeEd25519)).toEqual(sth);
  });

  it('reject a head with any field changed, a foreign key, or garbage, with reasons', () => {
    const sth = signTreeHead({ treeSize: 3, rootHash: treeOf(3).root(), timestamp: 5 }, log.secretKey);
    expect(verifyTreeHead({ ...sth, treeSize: 4 }, log.publicKey)).toBe(false);
    expect(verifyTreeHead({ ...sth, timestamp: 6 }, log.publicKey)).toBe(false);
    expect(verifyTreeHead({ ...sth, rootHash: toBase64(treeOf(4).root()) }, log.publicKey)).toBe(false);
    expect(checkTreeHead(sth, other.publicKey)).toEqual({ ok: false, reason: 'tree head signature does not verify with the log public key' });
    expect(checkTreeHead({ ...sth, rootHash: 'abc' }, log.publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/rootHash: expected a base64 SHA-256/) });
    expect(checkTreeHead({ ...sth, treeSize: -1 }, log.publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/treeSize/) });
    expect(checkTreeHead(null, log.publicKey).ok).toBe(false);
    expect(checkTreeHead('x', log.publicKey).ok).toBe(false);
    expect(checkTreeHead(sth, new Uint8Array(3)).ok).toBe(false);
  });

  it('checkLogGrowth accepts an honest append and rejects a rewritten history', () => {
    const t = treeOf(20);
    const old = signTreeHead({ treeSize: 7, rootHash: t.root(7), timestamp: 100 }, log.secretKey);
    const now = signTreeHead({ treeSize: 20, rootHash: t.root(20), timestamp: 200 }, log.secretKey);
    expect(checkLogGrowth(old, now, t.consistencyProof(7, 20), log.publicKey)).toEqual({ ok: true });

    // A log that rewrote entry 3 and re-signed: the old head no longer is a prefix.
    const forkLeaves = Array.from({ length: 20 }, (_, i) => hashLeaf(new TextEncoder().encode(i === 3 ? 'forged' : `payment ${i}`)));
    const fork = MerkleTree.fromLeafHashes(forkLeaves);
    const forked = signTreeHead({ treeSize: 20, rootHash: fork.root(), timestamp: 200 }, log.secretKey);
    expect(checkLogGrowth(old, forked, fork.consistencyProof(7, 20), log.publicKey)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/inconsistent log/),
    });
    expect(checkLogGrowth(now, old, [], log.publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/shrank/) });
    const backwards = signTreeHead({ treeSize: 20, rootHash: t.root(20), timestamp: 50 }, log.secretKey);
    expect(checkLogGrowth(old, backwards, t.consistencyProof(7, 20), log.publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/older/) });
  });
});

describe('checkLogEntry', () => {
  it('proves an entry is in a signed tree and rejects altered content or proofs', () => {
    const entries = Array.from({ length: 9 }, (_, i) => ({ kind: 'payment', index: i, creatorId: 'cr_x', amount: { amount: 1000 + i, currency: 'USD' } }));
    const t = MerkleTree.fromLeafHashes(entries.map(logLeafHash));
    const sth = signTreeHead({ treeSize: 9, rootHash: t.root(), timestamp: 1 }, log.secretKey);
    const proof = t.inclusionProof(4).map(toBase64);
    expect(checkLogEntry(entries[4], 4, proof, sth, log.publicKey)).toEqual({ ok: true });
    // Same fields in another key order: canonical JSON makes it the same leaf.
    const reordered = { amount: { currency: 'USD', amount: 1004 }, creatorId: 'cr_x', index: 4, kind: 'payment' };
    expect(checkLogEntry(reordered, 4, proof, sth, log.publicKey)).toEqual({ ok: true });
    expect(checkLogEntry({ ...entries[4], amount: { amount: 999999, currency: 'USD' } }, 4, proof, sth, log.publicKey)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not in the signed tree/),
    });
    expect(checkLogEntry(entries[4], 5, proof, sth, log.publicKey).ok).toBe(false);
    expect(checkLogEntry(entries[4], 4, proof.slice(1), sth, log.publicKey).ok).toBe(false);
    expect(checkLogEntry(entries[4], 4, proof, { ...sth, treeSize: 10 }, log.publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/signature/) });
    expect(checkLogEntry({ x: NaN }, 4, proof, sth, log.publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/canonical JSON/) });
  });
});
