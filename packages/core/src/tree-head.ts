// Signed tree heads for the server's transparency log (as in Certificate Transparency): the log signs
// {treeSize, rootHash, timestamp} (canonical JSON, Ed25519) rather than every entry, and a client that holds
// two signed heads checks a consistency proof between them to know the log only ever grew.
// rootHash is base64 (the log API's hash format), signature base64url (like every other FANZ signature).
// checkTreeHead / checkLogGrowth never throw; they return {ok:false, reason}.
import { z } from 'zod';
import { canonicalJsonBytes } from './canonical-json';
import { fromBase64, fromBase64Url, toBase64, toBase64Url } from './encoding';
import { checkConsistency, checkInclusion, HASH_LENGTH, hashLeaf, toHash } from './merkle';
import type { HashInput } from './merkle';
import type { Ed25519 } from './signatures';
import { nobleEd25519, SIGNATURE_LENGTH } from './signatures';

function decodesTo(decode: (s: string) => Uint8Array, length: number) {
  return (s: string) => {
    try {
      return decode(s).length === length;
    } catch {
      return false;
    }
  };
}

export const base64HashSchema = z
  .string()
  .refine(decodesTo(fromBase64, HASH_LENGTH), { message: 'expected a base64 SHA-256 hash (44 characters)' });
export const base64UrlSignatureSchema = z
  .string()
  .refine(decodesTo(fromBase64Url, SIGNATURE_LENGTH), { message: 'expected a base64url Ed25519 signature (86 characters)' });

export const treeHeadSchema = z.object({
  treeSize: z.int().min(0),
  rootHash: base64HashSchema,
  /** Milliseconds since the Unix epoch. */
  timestamp: z.int().min(0),
});
export const signedTreeHeadSchema = treeHeadSchema.extend({ signature: base64UrlSignatureSchema });

export type TreeHead = z.infer<typeof treeHeadSchema>;
export type SignedTreeHead = z.infer<typeof signedTreeHeadSchema>;

export function signTreeHead(
  head: { treeSize: number; rootHash: HashInput; timestamp: number },
  secretKey: Uint8Array,
  signer: Ed25519 = nobleEd25519,
): SignedTreeHead {
  const root = toHash(head.rootHash);
  if (!root) throw new TypeError('rootHash must be a 32-byte hash');
  const body: TreeHead = treeHeadSchema.parse({
    treeSize: head.treeSize,
    rootHash: toBase64(root),
    timestamp: head.timestamp,
  });
  const signature = toBase64Url(signer.sign(canonicalJsonBytes(body), secretKey));
  return { ...body, signature };
}

export type TreeHeadCheck =
  | { ok: true; head: { treeSize: number; rootHash: Uint8Array; timestamp: number } }
  | { ok: false; reason: string };

export function checkTreeHead(sth: unknown, publicKey: Uint8Array, signer: Ed25519 = nobleEd25519): TreeHeadCheck {
  try {
    const parsed = signedTreeHeadSchema.safeParse(sth);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, reason: `malformed tree head: ${issue?.path.join('.') || 'value'}: ${issue?.message}` };
    }
    const { signature, ...body } = parsed.data;
    if (!signer.verify(fromBase64Url(signature), canonicalJsonBytes(body), publicKey)) {
      return { ok: false, reason: 'tree head signature does not verify with the log public key' };
    }
    return { ok: true, head: { treeSize: body.treeSize, rootHash: fromBase64(body.rootHash), timestamp: body.timestamp } };
  } catch (e) {
    return { ok: false, reason: `invalid tree head: ${(e as Error).message}` };
  }
}

export function verifyTreeHead(sth: unknown, publicKey: Uint8Array, signer?: Ed25519): boolean {
  return checkTreeHead(sth, publicKey, signer).ok;
}

/**
 * What a client does when it fetches a new tree head: both heads are signed by the log, the tree did not
 * shrink, time did not run backwards, and the consistency proof shows the old tree is a prefix of the new one.
 */
export function checkLogGrowth(
  oldSth: unknown,
  newSth: unknown,
  proof: readonly HashInput[],
  publicKey: Uint8Array,
  signer?: Ed25519,
): { ok: true } | { ok: false; reason: string } {
  const a = checkTreeHead(oldSth, publicKey, signer);
  if (!a.ok) return { ok: false, reason: `old ${a.reason}` };
  const b = checkTreeHead(newSth, publicKey, signer);
  if (!b.ok) return { ok: false, reason: `new ${b.reason}` };
  if (b.head.treeSize < a.head.treeSize) {
    return { ok: false, reason: `log shrank from ${a.head.treeSize} to ${b.head.treeSize} entries` };
  }
  if (b.head.timestamp < a.head.timestamp) return { ok: false, reason: 'new tree head is older than the old one' };
  const c = checkConsistency(a.head.treeSize, b.head.treeSize, proof, a.head.rootHash, b.head.rootHash);
  return c.ok ? c : { ok: false, reason: `inconsistent log: ${c.reason}` };
}

/** Leaf hash of a log entry: hashLeaf(UTF-8 of canonicalJson(entry)). Throws on a non-JSON entry. */
export function logLeafHash(entry: unknown): Uint8Array {
  return hashLeaf(canonicalJsonBytes(entry));
}

/**
 * What the desktop does to prove an earning: the tree head is signed by the log, the entry's content hashes
 * to the leaf, and the leaf is included at `index` in that tree. Never throws.
 */
export function checkLogEntry(
  entry: unknown,
  index: number,
  proof: readonly HashInput[],
  sth: unknown,
  publicKey: Uint8Array,
  signer?: Ed25519,
): { ok: true } | { ok: false; reason: string } {
  const head = checkTreeHead(sth, publicKey, signer);
  if (!head.ok) return head;
  let leaf: Uint8Array;
  try {
    leaf = logLeafHash(entry);
  } catch (e) {
    return { ok: false, reason: `entry is not canonical JSON: ${(e as Error).message}` };
  }
  const c = checkInclusion(leaf, index, head.head.treeSize, proof, head.head.rootHash);
  return c.ok ? c : { ok: false, reason: `entry ${String(index)} is not in the signed tree: ${c.reason}` };
}
