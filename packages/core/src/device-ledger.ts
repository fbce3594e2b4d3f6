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
// checkLedger never throws: it names the first bad entry (its position and seq) and the problem;
// verifyLedger is the same check as a boolean.
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { canonicalJson } from './canonical-json';
import { fromBase64Url, toBase64Url, utf8 } from './encoding';
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
  /** The device key's id as the server issued it (printable ASCII). */
  keyId: z.string().regex(/^[\x21-\x7e]{1,128}$/, { message: 'keyId must be 1-128 printable ASCII characters' }),
});
export const ledgerEntrySchema = ledgerEntryUnsignedSchema.extend({ signature: base64UrlSignatureSchema });

export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

// canonicalJson of an entry, assembled from its parts so the body is canonicalized once per entry (the
// verifier needs both the signed text and the full text). The top-level keys are fixed, and this is their
// RFC 8785 order: body < keyId < kind < prevHash < seq < signature < timestamp. A test checks equality with
// canonicalJson for many entries.
function entryJson(e: Omit<LedgerEntry, 'signature'> & { signature?: string }, bodyJson: string, withSignature: boolean): string {
  return (
    `{"body":${bodyJson},"keyId":${JSON.stringify(e.keyId)},"kind":${JSON.stringify(e.kind)},` +
    `"prevHash":${JSON.stringify(e.prevHash)},"seq":${e.seq},` +
    (withSignature ? `"signature":${JSON.stringify(e.signature)},` : '') +
    `"timestamp":${e.timestamp}}`
  );
}

function hashText(json: string): string {
  return toBase64Url(sha256(utf8(json)));
}

/** base64url SHA-256 of the entry's canonical JSON (signature included): the next entry's prevHash. */
export function ledgerEntryHash(entry: LedgerEntry): string {
  return hashText(canonicalJson(entry));
}

function signedBytes(entry: Omit<LedgerEntry, 'signature'>, bodyJson: string): Uint8Array {
  return utf8(entryJson(entry, bodyJson, false));
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
  const signature = toBase64Url(signer.sign(signedBytes(unsigned, canonicalJson(unsigned.body)), args.secretKey));
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

const KIND_RE = /^[a-z][a-z0-9_.-]{0,63}$/;
const KEY_ID_RE = /^[\x21-\x7e]{1,128}$/;
const ENTRY_KEYS = ['body', 'keyId', 'kind', 'prevHash', 'seq', 'signature', 'timestamp'];

function isBase64UrlOf(s: unknown, length: number): s is string {
  if (typeof s !== 'string') return false;
  try {
    return fromBase64Url(s).length === length;
  } catch {
    return false;
  }
}

/**
 * The schema check without zod's per-call cost (it dominates verifying 100k entries). Returns the entry
 * and its canonical body text, or null, in which case the caller runs the zod schema for the message.
 */
function fastParse(v: unknown): { entry: LedgerEntry; bodyJson: string } | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const e = v as Record<string, unknown>;
  const keys = Object.keys(e);
  if (keys.length !== ENTRY_KEYS.length || !ENTRY_KEYS.every((k) => Object.prototype.hasOwnProperty.call(e, k))) return null;
  const { seq, timestamp, kind, keyId, prevHash, signature, body } = e;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) return null;
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) return null;
  if (typeof kind !== 'string' || !KIND_RE.test(kind)) return null;
  if (typeof keyId !== 'string' || !KEY_ID_RE.test(keyId)) return null;
  if (!isBase64UrlOf(prevHash, 32) || !isBase64UrlOf(signature, 64) || body === undefined) return null;
  let bodyJson: string;
  try {
    bodyJson = canonicalJson(body);
  } catch {
    return null;
  }
  return { entry: e as unknown as LedgerEntry, bodyJson };
}

/** Checks a whole ledger (or a continuation of one) and names the first bad entry and why. Never throws. */
export function checkLedger(entries: unknown, keys: LedgerKeys, options: VerifyLedgerOptions = {}): LedgerCheck {
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
      const fast = fastParse(entries[i]);
      if (!fast) {
        const parsed = ledgerEntrySchema.safeParse(entries[i]);
        const issue = parsed.error?.issues[0];
        const s = (entries[i] as { seq?: unknown } | null)?.seq;
        const why = issue ? `${issue.path.join('.') || 'entry'}: ${issue.message}` : 'not a valid ledger entry';
        return bad(i, typeof s === 'number' ? s : null, 'malformed', why);
      }
      const e = fast.entry;
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
      // Canonical base64url (the decoder rejects any other spelling), so equal strings <=> equal hashes.
      if (e.prevHash !== prevHash) {
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
      if (!signer.verify(fromBase64Url(e.signature), signedBytes(e, fast.bodyJson), key)) {
        return bad(i, e.seq, 'bad-signature', `signature does not verify with key "${e.keyId.slice(0, 64)}" (the entry was altered or forged)`);
      }
      prevHash = hashText(entryJson(e, fast.bodyJson, true));
      lastSeq = e.seq;
    } catch (err) {
      return bad(i, null, 'malformed', `could not be checked: ${(err as Error).message}`);
    }
  }
  return { ok: true, count: entries.length, lastSeq, headHash: entries.length ? prevHash : null };
}

/** checkLedger(...).ok */
export function verifyLedger(entries: unknown, keys: LedgerKeys, options?: VerifyLedgerOptions): boolean {
  return checkLedger(entries, keys, options).ok;
}
