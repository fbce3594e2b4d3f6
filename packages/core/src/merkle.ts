// The verifiable log's Merkle tree, exactly as Certificate Transparency v2 defines it (RFC 9162 section 2.1):
// SHA-256, leaf hash = H(0x00 || data), node hash = H(0x01 || left || right), the left subtree of n leaves
// holding the largest power of two < n. Proof generation follows the RFC's recursive definitions (PATH and
// SUBPROOF); verification follows the RFC's iterative algorithms (2.1.3.2 and 2.1.4.2).
//
// The verifiers never throw: checkInclusion/checkConsistency return {ok:false, reason} for anything wrong
// (including garbage such as wrong-length or non-hex hashes, truncated or padded proofs), and
// verifyInclusion/verifyConsistency are the same checks as booleans. Hashes may be given as Uint8Array,
// 64-char hex or 44-char base64 (the API's format).
//
// Pure JS (@noble/hashes), so the desktop renderer can verify too.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, fromBase64, fromHex } from './encoding';

export const HASH_LENGTH = 32;

/** Root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

export function hashLeaf(data: Uint8Array): Uint8Array {
  const buf = new Uint8Array(data.length + 1);
  buf[0] = 0x00;
  buf.set(data, 1);
  return sha256(buf);
}

// Reused input buffer for the common case (two 32-byte hashes): building a 1M-leaf tree allocates 1M fewer
// arrays. Safe because sha256 is synchronous and copies nothing out of the buffer.
const NODE_INPUT = new Uint8Array(1 + 2 * HASH_LENGTH);

export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length === HASH_LENGTH && right.length === HASH_LENGTH) {
    NODE_INPUT[0] = 0x01;
    NODE_INPUT.set(left, 1);
    NODE_INPUT.set(right, 1 + HASH_LENGTH);
    return sha256(NODE_INPUT);
  }
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 0x01;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
}

/** Largest power of two strictly less than n (n >= 2). Works beyond 2^32, unlike bit operators. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/**
 * Hash of leaves [lo, hi), equal to RFC 9162 MTH(D[lo:hi]). Leaves are folded left to right into a stack
 * of complete subtrees (merging equal sizes), then the remaining subtrees - largest on the left - are
 * combined right to left. Memory stays O(log n) and intermediate hashes die young, which matters for the
 * garbage collector at a million leaves.
 */
function rangeHash(leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  if (hi - lo === 0) return EMPTY_ROOT;
  const hashes: Uint8Array[] = [];
  const sizes: number[] = [];
  for (let i = lo; i < hi; i++) {
    let h = leaves[i]!;
    let size = 1;
    while (sizes.length > 0 && sizes[sizes.length - 1] === size) {
      h = hashChildren(hashes.pop()!, h);
      size += sizes.pop()!;
    }
    hashes.push(h);
    sizes.push(size);
  }
  let root = hashes[hashes.length - 1]!;
  for (let j = hashes.length - 2; j >= 0; j--) root = hashChildren(hashes[j]!, root);
  return root;
}

/** MTH(D[n]) of a list of leaf hashes (RFC 9162 section 2.1.1). */
export function rootHash(leafHashes: readonly Uint8Array[]): Uint8Array {
  return rangeHash(leafHashes, 0, leafHashes.length);
}

type SubtreeHash = (lo: number, hi: number) => Uint8Array;

/** PATH(m, D[lo:hi]) appended to out, bottom-up (RFC 9162 section 2.1.3.1). */
function path(m: number, lo: number, hi: number, mth: SubtreeHash, out: Uint8Array[]): void {
  const n = hi - lo;
  if (n <= 1) return;
  const k = splitPoint(n);
  if (m < k) {
    path(m, lo, lo + k, mth, out);
    out.push(mth(lo + k, hi));
  } else {
    path(m - k, lo + k, hi, mth, out);
    out.push(mth(lo, lo + k));
  }
}

/** SUBPROOF(m, D[lo:hi], b) appended to out (RFC 9162 section 2.1.4.1). */
function subproof(m: number, lo: number, hi: number, b: boolean, mth: SubtreeHash, out: Uint8Array[]): void {
  const n = hi - lo;
  if (m === n) {
    if (!b) out.push(mth(lo, hi));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(m, lo, lo + k, b, mth, out);
    out.push(mth(lo + k, hi));
  } else {
    subproof(m - k, lo + k, hi, false, mth, out);
    out.push(mth(lo, lo + k));
  }
}

function checkIndex(name: string, value: number, max: number, inclusive: boolean): void {
  if (!Number.isSafeInteger(value) || value < 0 || (inclusive ? value > max : value >= max)) {
    throw new RangeError(`${name} ${String(value)} is out of range for a tree of ${max} leaves`);
  }
}

/** Audit path for leaf `index` in the tree of all given leaf hashes. Throws RangeError for a bad index. */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  checkIndex('leaf index', index, leafHashes.length, false);
  const out: Uint8Array[] = [];
  path(index, 0, leafHashes.length, (lo, hi) => rangeHash(leafHashes, lo, hi), out);
  return out;
}

/**
 * Proof that the tree of the first `oldSize` leaves is a prefix of the tree of all given leaves.
 * Empty when oldSize is 0 or equals the size. Throws RangeError for oldSize outside 0..size.
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], oldSize: number): Uint8Array[] {
  checkIndex('old size', oldSize, leafHashes.length, true);
  const out: Uint8Array[] = [];
  if (oldSize === 0 || oldSize === leafHashes.length) return out;
  subproof(oldSize, 0, leafHashes.length, true, (lo, hi) => rangeHash(leafHashes, lo, hi), out);
  return out;
}

export type HashInput = Uint8Array | string;
export type ProofCheck = { ok: true } | { ok: false; reason: string };

function fail(reason: string): ProofCheck {
  return { ok: false, reason };
}

/** A 32-byte hash from bytes, 64-char hex or 44-char base64; null for anything else. */
export function toHash(input: unknown): Uint8Array | null {
  try {
    if (input instanceof Uint8Array) return input.length === HASH_LENGTH ? input : null;
    if (typeof input === 'string') {
      if (input.length === 64) return fromHex(input);
      if (input.length === 44) {
        const b = fromBase64(input);
        return b.length === HASH_LENGTH ? b : null;
      }
    }
  } catch {
    return null;
  }
  return null;
}

function describe(input: unknown): string {
  if (input instanceof Uint8Array) return `${input.length} bytes`;
  if (typeof input === 'string') return `a ${input.length}-char string that is not hex or base64 of 32 bytes`;
  return input === null ? 'null' : typeof input;
}

function parseProof(proof: unknown): Uint8Array[] | string {
  if (!Array.isArray(proof)) return `proof must be an array of hashes, got ${describe(proof)}`;
  const out: Uint8Array[] = [];
  for (let i = 0; i < proof.length; i++) {
    const h = toHash(proof[i]);
    if (!h) return `proof element ${i} is not a 32-byte hash (${describe(proof[i])})`;
    out.push(h);
  }
  return out;
}

function isSize(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

const half = (x: number) => Math.floor(x / 2);
const odd = (x: number) => x % 2 === 1;

/** RFC 9162 section 2.1.3.2, with a reason on failure. Never throws. */
export function checkInclusion(
  leafHash: HashInput,
  index: number,
  treeSize: number,
  proof: readonly HashInput[],
  root: HashInput,
): ProofCheck {
  try {
    const leaf = toHash(leafHash);
    if (!leaf) return fail(`leaf hash is not a 32-byte hash (${describe(leafHash)})`);
    const expected = toHash(root);
    if (!expected) return fail(`root hash is not a 32-byte hash (${describe(root)})`);
    if (!isSize(index)) return fail(`leaf index must be a non-negative integer, got ${String(index)}`);
    if (!isSize(treeSize)) return fail(`tree size must be a non-negative integer, got ${String(treeSize)}`);
    if (index >= treeSize) return fail(`leaf index ${index} is not inside a tree of size ${treeSize}`);
    const nodes = parseProof(proof);
    if (typeof nodes === 'string') return fail(nodes);

    let fn = index;
    let sn = treeSize - 1;
    let r = leaf;
    for (const p of nodes) {
      if (sn === 0) return fail(`proof is too long: ${nodes.length} hashes for index ${index} in size ${treeSize}`);
      if (odd(fn) || fn === sn) {
        r = hashChildren(p, r);
        if (!odd(fn)) {
          while (!odd(fn) && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        r = hashChildren(r, p);
      }
      fn = half(fn);
      sn = half(sn);
    }
    if (sn !== 0) return fail(`proof is too short: ${nodes.length} hashes for index ${index} in size ${treeSize}`);
    if (!bytesEqual(r, expected)) return fail('computed root does not match the given root');
    return { ok: true };
  } catch (e) {
    return fail(`invalid input: ${(e as Error).message}`);
  }
}

export function verifyInclusion(
  leafHash: HashInput,
  index: number,
  treeSize: number,
  proof: readonly HashInput[],
  root: HashInput,
): boolean {
  return checkInclusion(leafHash, index, treeSize, proof, root).ok;
}

/** RFC 9162 section 2.1.4.2, with a reason on failure. Never throws. */
export function checkConsistency(
  oldSize: number,
  newSize: number,
  proof: readonly HashInput[],
  oldRoot: HashInput,
  newRoot: HashInput,
): ProofCheck {
  try {
    if (!isSize(oldSize)) return fail(`old size must be a non-negative integer, got ${String(oldSize)}`);
    if (!isSize(newSize)) return fail(`new size must be a non-negative integer, got ${String(newSize)}`);
    const first = toHash(oldRoot);
    if (!first) return fail(`old root is not a 32-byte hash (${describe(oldRoot)})`);
    const second = toHash(newRoot);
    if (!second) return fail(`new root is not a 32-byte hash (${describe(newRoot)})`);
    const proofNodes = parseProof(proof);
    if (typeof proofNodes === 'string') return fail(proofNodes);
    const path = proofNodes;
    if (oldSize > newSize) return fail(`old size ${oldSize} is larger than new size ${newSize}`);
    if (oldSize === newSize) {
      if (path.length !== 0) return fail('proof between equal sizes must be empty');
      return bytesEqual(first, second) ? { ok: true } : fail('same size but different roots');
    }
    if (oldSize === 0) {
      // Every tree extends the empty tree; the only thing to check is that the old root really is empty.
      if (path.length !== 0) return fail('proof from the empty tree must be empty');
      return bytesEqual(first, EMPTY_ROOT) ? { ok: true } : fail('old root is not the empty-tree root');
    }
    if (path.length === 0) return fail('proof is empty');

    // If the old tree is a complete subtree, its root is the first node on the path.
    const nodes = isPowerOfTwo(oldSize) ? [first, ...path] : path;
    let fn = oldSize - 1;
    let sn = newSize - 1;
    while (odd(fn)) {
      fn = half(fn);
      sn = half(sn);
    }
    let fr = nodes[0]!;
    let sr = nodes[0]!;
    for (let i = 1; i < nodes.length; i++) {
      const c = nodes[i]!;
      if (sn === 0) return fail(`proof is too long: ${path.length} hashes for ${oldSize} -> ${newSize}`);
      if (odd(fn) || fn === sn) {
        fr = hashChildren(c, fr);
        sr = hashChildren(c, sr);
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      } else {
        sr = hashChildren(sr, c);
      }
      fn = half(fn);
      sn = half(sn);
    }
    if (sn !== 0) return fail(`proof is too short: ${path.length} hashes for ${oldSize} -> ${newSize}`);
    if (!bytesEqual(fr, first)) return fail('proof does not lead to the old root');
    if (!bytesEqual(sr, second)) return fail('proof does not lead to the new root');
    return { ok: true };
  } catch (e) {
    return fail(`invalid input: ${(e as Error).message}`);
  }
}

export function verifyConsistency(
  oldSize: number,
  newSize: number,
  proof: readonly HashInput[],
  oldRoot: HashInput,
  newRoot: HashInput,
): boolean {
  return checkConsistency(oldSize, newSize, proof, oldRoot, newRoot).ok;
}

/**
 * An append-only tree that keeps every complete subtree's hash, so roots of any prefix, inclusion proofs and
 * consistency proofs cost O(log n) hashes instead of rehashing all leaves. The server keeps one per log.
 */
export class MerkleTree {
  // levels[h][j] = hash of the complete subtree of leaves [j * 2^h, (j + 1) * 2^h).
  private readonly levels: Uint8Array[][] = [[]];

  static fromLeafHashes(leafHashes: Iterable<Uint8Array>): MerkleTree {
    const t = new MerkleTree();
    for (const h of leafHashes) t.append(h);
    return t;
  }

  get size(): number {
    return this.levels[0]!.length;
  }

  leafHash(index: number): Uint8Array {
    checkIndex('leaf index', index, this.size, false);
    return this.levels[0]![index]!;
  }

  append(leafHash: Uint8Array): number {
    if (!(leafHash instanceof Uint8Array) || leafHash.length !== HASH_LENGTH) {
      throw new TypeError(`leaf hash must be ${HASH_LENGTH} bytes`);
    }
    const index = this.size;
    this.levels[0]!.push(leafHash);
    let h = 0;
    while (this.levels[h]!.length % 2 === 0) {
      const level = this.levels[h]!;
      const parent = hashChildren(level[level.length - 2]!, level[level.length - 1]!);
      if (this.levels.length === h + 1) this.levels.push([]);
      this.levels[h + 1]!.push(parent);
      h++;
    }
    return index;
  }

  private subtree = (lo: number, hi: number): Uint8Array => {
    const n = hi - lo;
    if (n === 0) return EMPTY_ROOT;
    if (lo % n === 0 && isPowerOfTwo(n)) {
      const h = Math.log2(n);
      return this.levels[h]![lo / n]!;
    }
    const k = splitPoint(n);
    return hashChildren(this.subtree(lo, lo + k), this.subtree(lo + k, hi));
  };

  /** Root of the first `size` leaves (default: all). */
  root(size: number = this.size): Uint8Array {
    checkIndex('tree size', size, this.size, true);
    return this.subtree(0, size);
  }

  inclusionProof(index: number, treeSize: number = this.size): Uint8Array[] {
    checkIndex('tree size', treeSize, this.size, true);
    checkIndex('leaf index', index, treeSize, false);
    const out: Uint8Array[] = [];
    path(index, 0, treeSize, this.subtree, out);
    return out;
  }

  consistencyProof(oldSize: number, newSize: number = this.size): Uint8Array[] {
    checkIndex('new size', newSize, this.size, true);
    checkIndex('old size', oldSize, newSize, true);
    const out: Uint8Array[] = [];
    if (oldSize === 0 || oldSize === newSize) return out;
    subproof(oldSize, 0, newSize, true, this.subtree, out);
    return out;
  }
}
