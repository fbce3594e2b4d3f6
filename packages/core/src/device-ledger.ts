// The desktop's offline ledger: an append-only list of entries, each signed by the device key and chained to
// the previous one by hash, so that edits, deletions, insertions and reorderings are all detectable later
// (by the desktop itself, or by the server when a payout request or publish attestation arrives).
//
//   entry     = { seq, prevHash, timestamp, kind, body, keyId, signature }
//   signed    = canonicalJson(entry without signature)                      (Ed25519, base64url)
//   entryHash = SHA-256(canonicalJson(entry with signature))                  (base64url)
//   seq starts at 0; entry 0 has prevHash = GENESIS_PREV_HASH (32 zero bytes); entry n has
//   seq = n and prevHash = entryHash(entry n-1).
//
// verifyLedger never throws: it names the first bad entry (its position and seq) and the problem.
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { canonicalJson, canonicalJsonBytes } from './canonical-json';
import { bytesEqual, fromBase64Url, toBase64Url } from './encoding';
import type { Ed25519 } from './signatures';
import { nobleEd25519 } from './signatures';
import { base64UrlSignatureSchema } from './tree-head';

export const GENESIS_PREV_HASH = toBase64Url(new Uint8Array(32));

const base64UrlHashSchema = z.string().refine(
  (s) => {
    try {
      return fromBase64Url(s).length === 32;
    } catch {
      return false;
    }
  },
  { message: 'expected a base64url SHA-256 hash (43 characters)' },
);

const jsonValueSchema = z.unknown().refine(
  (v) => {
    try {
      canonicalJson(v);
      return v !== undefined;
    } catch {
      return false;
    }
  },
  { message: 'body must be a JSON value (no NaN, Infinity, undefined in arrays, ...)' },
);

export const ledgerEntryUnsignedSchema = z.strictObject({
  seq: z.int().min(0),
  prevHash: base64UrlHashSchema,
  /** Milliseconds since the Unix epoch, from the device clock. */
  timestamp: z.int().min(0),
  /** What happened, e.g. "payout.requested", "post.published", "sale.recorded". */
  kind: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, { message: 'kind must be a short lowercase name like "post.published"' }),
  body: jsonValueSchema,
  keyId: z.string().min(1).max(128),
});
export const ledgerEntrySchema = ledgerEntryUnsignedSchema.extend({ signature: base64UrlSignatureSchema });

export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

export function ledgerEntryHash(entry: LedgerEntry): string {
  return toBase64Url(sha256(canonicalJsonBytes(entry)));
}

function signedBytes(entry: Omit<LedgerEntry, 'signature'> | LedgerEntry): Uint8Array {
  const { seq, prevHash, timestamp, kind, body, keyId } = entry;
  return canonicalJsonBytes({ seq, prevHash, timestamp, kind, body, keyId });
}

/** Makes the entry that follows `prev` (null for the first entry), signed with the device key. */
export function createLedgerEntry(args: {
  prev: LedgerEntry | null;
  kind: string;
  body: unknown;
  keyId: string;
  secretKey: Uint8Array;
  timestamp?: number;
  signer?: Ed25519;
}): LedgerEntry {
  const unsigned = ledgerEntryUnsignedSchema.parse({
    seq: args.prev ? args.prev.seq + 1 : 0,
    prevHash: args.prev ? ledgerEntryHash(args.prev) : GENESIS_PREV_HASH,
    timestamp: args.timestamp ?? Date.now(),
    kind: args.kind,
    body: args.body,
    keyId: args.keyId,
  });
  const signer = args.signer ?? nobleEd25519;
  const signature = toBase64Url(signer.sign(signedBytes(unsigned), args.secretKey));
  return { ...unsigned, signature };
}

export type LedgerProblem =
  | 'not-a-list'
  | 'malformed'
  | 'bad-start'
  | 'gap'
  | 'reordered'
  | 'duplicate'
  | 'broken-chain'
  | 'unknown-key'
  | 'bad-signature';

export type LedgerCheck =
  | { ok: true; count: number; lastSeq: number | null; headHash: string | null }
  | {
      ok: false;
      /** Position in the given list of the first bad entry. */
      index: number;
      /** Its seq, when it has a readable one. */
      seq: number | null;
      problem: LedgerProblem;
      reason: string;
      /** How many entries before it verified. */
      verifiedCount: number;
    };

export type LedgerKeys =
  | ReadonlyMap<string, Uint8Array>
  | Readonly<Record<string, Uint8Array>>
  | ((keyId: string) => Uint8Array | undefined);

function lookupKey(keys: LedgerKeys, keyId: string): Uint8Array | undefined {
  if (typeof keys === 'function') return keys(keyId);
  if (keys instanceof Map) return keys.get(keyId);
  const rec = keys as Readonly<Record<string, Uint8Array>>;
  return Object.prototype.hasOwnProperty.call(rec, keyId) ? rec[keyId] : undefined;
}

export interface VerifyLedgerOptions {
  signer?: Ed25519;
  /** To verify a continuation: the seq and prevHash the first given entry must have. Default: genesis. */
  start?: { seq: number; prevHash: string };
}

/** Verifies a whole ledger (or a continuation of one) and names the first bad entry. Never throws. */
export function verifyLedger(entries: unknown, keys: LedgerKeys, options: VerifyLedgerOptions = {}): LedgerCheck {
  const signer = options.signer ?? nobleEd25519;
  const startSeq = options.start?.seq ?? 0;
  const startPrev = options.start?.prevHash ?? GENESIS_PREV_HASH;
  if (!Array.isArray(entries)) {
    return { ok: false, index: 0, seq: null, problem: 'not-a-list', reason: 'ledger must be an array of entries', verifiedCount: 0 };
  }
  const bad = (index: number, seq: number | null, problem: LedgerProblem, reason: string): LedgerCheck => ({
    ok: false,
    index,
    seq,
    problem,
    reason: `entry ${index}${seq === null ? '' : ` (seq ${seq})`}: ${reason}`,
    verifiedCount: index,
  });

  // Where each seq appears, so a missing seq can be told apart from one that is merely out of place.
  const positions = new Map<number, number>();
  for (let i = 0; i < entries.length; i++) {
    const s = (entries[i] as { seq?: unknown } | null)?.seq;
    if (typeof s === 'number' && !positions.has(s)) positions.set(s, i);
  }

  let prevHash = startPrev;
  let lastSeq: number | null = null;
  for (let i = 0; i < entries.length; i++) {
    try {
      const parsed = ledgerEntrySchema.safeParse(entries[i]);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const s = (entries[i] as { seq?: unknown } | null)?.seq;
        return bad(i, typeof s === 'number' ? s : null, 'malformed', `${issue?.path.join('.') || 'entry'}: ${issue?.message}`);
      }
      const e = parsed.data;
      const expected = startSeq + i;
      if (e.seq !== expected) {
        if (i === 0 && options.start === undefined && e.seq > 0) {
          return bad(i, e.seq, 'bad-start', `ledger must start at seq 0, starts at ${e.seq}`);
        }
        if (lastSeq !== null && e.seq === lastSeq) return bad(i, e.seq, 'duplicate', `seq ${e.seq} appears twice`);
        if (e.seq < expected) return bad(i, e.seq, 'reordered', `seq ${e.seq} comes after seq ${lastSeq ?? startSeq - 1}`);
        const later = positions.get(expected);
        if (later !== undefined && later > i) {
          return bad(i, e.seq, 'reordered', `expected seq ${expected} here, but it appears later (at entry ${later})`);
        }
        return bad(i, e.seq, 'gap', `expected seq ${expected}, got ${e.seq}: ${e.seq - expected} entr${e.seq - expected === 1 ? 'y is' : 'ies are'} missing`);
      }
      if (!bytesEqual(fromBase64Url(e.prevHash), fromBase64Url(prevHash))) {
        return bad(
          i,
          e.seq,
          'broken-chain',
          i === 0 && !options.start
            ? 'first entry must have the genesis prevHash'
            : `prevHash does not match the hash of the previous entry (an earlier entry was changed or replaced)`,
        );
      }
      const key = lookupKey(keys, e.keyId);
      if (!key) return bad(i, e.seq, 'unknown-key', `signed by unknown key "${e.keyId.slice(0, 64)}"`);
      if (!signer.verify(fromBase64Url(e.signature), signedBytes(e), key)) {
        return bad(i, e.seq, 'bad-signature', `signature does not verify with key "${e.keyId.slice(0, 64)}" (the entry was altered or forged)`);
      }
      prevHash = ledgerEntryHash(e);
      lastSeq = e.seq;
    } catch (err) {
      return bad(i, null, 'malformed', `could not be checked: ${(err as Error).message}`);
    }
  }
  return { ok: true, count: entries.length, lastSeq, headHash: entries.length ? prevHash : null };
}
