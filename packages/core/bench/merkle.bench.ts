// Building a 1M-leaf RFC 9162 Merkle tree and proving/verifying against it.
// Baselines measured in the same run:
//   - root: the textbook recursive MTH (split at the largest power of two, Array.slice per call) vs
//     rootHash's streaming build (hash-bound: expect ~1x; the point is memory);
//   - proofs: recomputing a proof from the leaves (O(n) hashes, what a log without stored nodes does) vs
//     MerkleTree, which keeps every complete subtree hash (O(log n) per proof).
import { consistencyProof, hashChildren, hashLeaf, inclusionProof, MerkleTree, rootHash, verifyConsistency, verifyInclusion } from '../src/merkle';
import { bytesEqual } from '../src/encoding';
import { ratio, report, time } from './timing';

const N = Number(process.env.BENCH_MERKLE_N ?? 1_000_000);
const PROOFS = Number(process.env.BENCH_MERKLE_PROOFS ?? 10_000);
const NAIVE_PROOFS = 1;

console.log(`Merkle tree: ${N} leaves`);
const leaves: Uint8Array[] = new Array(N);
const leafTiming = time('hash leaves (SHA-256, 0x00 prefix)', N, () => {
  const data = new Uint8Array(16);
  const view = new DataView(data.buffer);
  for (let i = 0; i < N; i++) {
    view.setFloat64(0, i);
    leaves[i] = hashLeaf(data);
  }
});

function naiveMth(d: Uint8Array[]): Uint8Array {
  if (d.length === 1) return d[0]!;
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return hashChildren(naiveMth(d.slice(0, k)), naiveMth(d.slice(k)));
}

let naiveRoot: Uint8Array | undefined;
const naive = time('root, naive recursive MTH (baseline)', N, () => {
  naiveRoot = naiveMth(leaves);
});
let root: Uint8Array | undefined;
const fast = time('root, rootHash (streaming, O(log n) memory)', N, () => {
  root = rootHash(leaves);
});
if (!bytesEqual(root!, naiveRoot!)) throw new Error('roots differ');
let tree: MerkleTree | undefined;
const build = time('MerkleTree.fromLeafHashes (keeps all nodes)', N, () => {
  tree = MerkleTree.fromLeafHashes(leaves);
});
if (!bytesEqual(tree!.root(), root!)) throw new Error('tree root differs');

// Deterministic spread of indices.
const idx = (i: number) => Math.floor(((i * 2654435761) % 2 ** 32) / 2 ** 32 * N);

const naiveProofs = time('inclusion proof recomputed from leaves (baseline)', NAIVE_PROOFS, () => {
  for (let i = 0; i < NAIVE_PROOFS; i++) {
    const m = idx(i);
    if (!verifyInclusion(leaves[m]!, m, N, inclusionProof(leaves, m), root!)) throw new Error('naive proof failed');
  }
});
const treeProofs = time('inclusion proof from MerkleTree + verify', PROOFS, () => {
  for (let i = 0; i < PROOFS; i++) {
    const m = idx(i);
    if (!verifyInclusion(leaves[m]!, m, N, tree!.inclusionProof(m), root!)) throw new Error('proof failed');
  }
});
const proofs: Uint8Array[][] = Array.from({ length: PROOFS }, (_, i) => tree!.inclusionProof(idx(i)));
const verifyOnly = time('verifyInclusion only', PROOFS, () => {
  for (let i = 0; i < PROOFS; i++) {
    const m = idx(i);
    if (!verifyInclusion(leaves[m]!, m, N, proofs[i]!, root!)) throw new Error('proof failed');
  }
});
const naiveConsistency = time('consistency proof recomputed (baseline)', 1, () => {
  const old = idx(7) || 1;
  if (!verifyConsistency(old, N, consistencyProof(leaves, old), tree!.root(old), root!)) throw new Error('naive consistency failed');
});
const CONS = Math.max(1, Math.floor(PROOFS / 10));
const treeConsistency = time('consistency proof from MerkleTree + verify', CONS, () => {
  for (let i = 0; i < CONS; i++) {
    const old = idx(i) || 1;
    if (!verifyConsistency(old, N, tree!.consistencyProof(old), tree!.root(old), root!)) throw new Error('consistency failed');
  }
});

[leafTiming, naive, fast, build, naiveProofs, treeProofs, verifyOnly, naiveConsistency, treeConsistency].forEach(report);
ratio('root build', naive, fast);
ratio('inclusion proof', naiveProofs, treeProofs);
ratio('consistency proof', naiveConsistency, treeConsistency);
