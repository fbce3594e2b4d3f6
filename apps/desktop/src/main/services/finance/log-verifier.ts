// Checks the server's transparency log on the creator's own machine, so earnings shown in the studio are
// backed by proofs rather than the server's word: the signed tree head must verify with the log's key,
// must be consistent with the last head this device accepted (the log only grows; a rewrite is caught),
// and every money entry about this creator must be included in it, with its content hashing to its leaf.
// The log's public key is pinned on first use (studio_log_keys, migration 006): it is not fetched from the
// audited server again, and a head signed with another key is refused with the old and new keys named.
// Inclusion proofs come in one batch per page of entries, not one request per entry.
import {
  checkConsistency,
  checkInclusion,
  checkTreeHead,
  fromBase64,
  fromBase64Url,
  logLeafHash,
  toBase64,
} from '@fanz/core';
import { z } from 'zod';
import type { Db } from '../library/db.js';
import { callServer } from '../account/server-client.js';

const MAX_ENTRIES = 5000;
const PAGE = 1000;

export interface VerifiedEntry {
  index: number;
  entry: Record<string, unknown>;
  verified: boolean;
  reason: string | null;
}

export interface LogVerification {
  treeSize: number;
  /** The head verifies and is consistent with the previously accepted one. */
  headVerified: boolean;
  reason: string | null;
  entries: VerifiedEntry[];
  /** More entries exist than were checked this time. */
  truncated: boolean;
}

/** Inclusion proofs per batch request (the server's limit). */
const PROOF_BATCH = 500;

const entriesSchema = z.object({
  entries: z.array(z.object({ index: z.int(), leafHash: z.string(), entry: z.record(z.string(), z.unknown()).optional() })),
});

const batchSchema = z.object({ proofs: z.array(z.object({ index: z.int(), proof: z.array(z.string()) })) });

async function serverKey(serverUrl: string): Promise<string> {
  return z.object({ publicKey: z.string() }).parse(await callServer(serverUrl, 'GET', '/api/v1/log/public-key')).publicKey;
}

/** The pinned key of this server's log; the first run pins what the server says. */
async function pinnedKey(db: Db, serverUrl: string): Promise<string> {
  const pinned = db.prepare('SELECT public_key FROM studio_log_keys WHERE server_url = ?').pluck().get(serverUrl) as string | undefined;
  if (pinned) return pinned;
  const key = await serverKey(serverUrl);
  fromBase64Url(key); // refuse garbage before pinning it
  db.prepare('INSERT INTO studio_log_keys (server_url, public_key, pinned_at) VALUES (?, ?, ?) ON CONFLICT (server_url) DO NOTHING').run(serverUrl, key, Date.now());
  return db.prepare('SELECT public_key FROM studio_log_keys WHERE server_url = ?').pluck().get(serverUrl) as string;
}

export async function verifyLog(db: Db, serverUrl: string, accessToken: string): Promise<LogVerification> {
  const key = await pinnedKey(db, serverUrl);
  const sth = await callServer(serverUrl, 'GET', '/api/v1/log/tree-head');
  const head = checkTreeHead(sth, fromBase64Url(key));
  if (!head.ok) {
    // Say loudly when the reason is a different key: the server's log is no longer the one this device trusts.
    const now = await serverKey(serverUrl).catch(() => null);
    const reason =
      now !== null && now !== key
        ? `the log's public key changed (pinned ${key}, the server now says ${now}); refusing to trust it: earnings stay unverified until the old key signs again`
        : head.reason;
    return { treeSize: 0, headVerified: false, reason, entries: [], truncated: false };
  }
  const { treeSize, rootHash } = head.head;

  const prev = db.prepare('SELECT tree_size, root_hash FROM studio_log_heads WHERE server_url = ?').get(serverUrl) as
    | { tree_size: number; root_hash: string }
    | undefined;
  if (prev) {
    if (treeSize < prev.tree_size) {
      return { treeSize, headVerified: false, reason: `the log shrank from ${prev.tree_size} to ${treeSize} entries`, entries: [], truncated: false };
    }
    if (treeSize > prev.tree_size && prev.tree_size > 0) {
      const c = z.object({ proof: z.array(z.string()) }).parse(
        await callServer(serverUrl, 'GET', `/api/v1/log/proofs/consistency?first=${prev.tree_size}&second=${treeSize}`),
      );
      const check = checkConsistency(prev.tree_size, treeSize, c.proof.map(fromBase64), fromBase64(prev.root_hash), rootHash);
      if (!check.ok) return { treeSize, headVerified: false, reason: `the log is not an extension of the one seen before: ${check.reason}`, entries: [], truncated: false };
    } else if (treeSize === prev.tree_size && prev.root_hash !== toBase64(rootHash)) {
      return { treeSize, headVerified: false, reason: 'the log was rewritten: same size, different root', entries: [], truncated: false };
    }
  }
  db.prepare(
    `INSERT INTO studio_log_heads (server_url, tree_size, root_hash, checked_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (server_url) DO UPDATE SET tree_size = excluded.tree_size, root_hash = excluded.root_hash, checked_at = excluded.checked_at`,
  ).run(serverUrl, treeSize, toBase64(rootHash), Date.now());

  // Newest entries first: those are the ones a creator looks at.
  const entries: VerifiedEntry[] = [];
  const start = Math.max(0, treeSize - MAX_ENTRIES);
  for (let from = start; from < treeSize; from += PAGE) {
    const to = Math.min(treeSize - 1, from + PAGE - 1);
    const page = entriesSchema.parse(
      await callServer(serverUrl, 'GET', `/api/v1/log/entries?start=${from}&end=${to}`, { accessToken }),
    );
    const mine = page.entries.filter((e): e is typeof e & { entry: Record<string, unknown> } => e.entry !== undefined); // others' entries carry no content
    const hashing = mine.filter((e) => toBase64(logLeafHash(e.entry)) === e.leafHash);
    const proofs = new Map<number, string[]>();
    for (let i = 0; i < hashing.length; i += PROOF_BATCH) {
      const indexes = hashing.slice(i, i + PROOF_BATCH).map((e) => e.index);
      const batch = batchSchema.parse(
        await callServer(serverUrl, 'GET', `/api/v1/log/proofs/inclusion-batch?treeSize=${treeSize}&indexes=${indexes.join(',')}`),
      );
      for (const p of batch.proofs) proofs.set(p.index, p.proof);
    }
    for (const e of mine) {
      let reason: string | null = null;
      const proof = proofs.get(e.index);
      if (toBase64(logLeafHash(e.entry)) !== e.leafHash) reason = 'entry content does not hash to its leaf';
      else if (!proof) reason = 'the server sent no inclusion proof for it';
      else {
        const check = checkInclusion(fromBase64(e.leafHash), e.index, treeSize, proof.map(fromBase64), rootHash);
        if (!check.ok) reason = `not included in the signed tree: ${check.reason}`;
      }
      entries.push({ index: e.index, entry: e.entry, verified: reason === null, reason });
    }
  }
  entries.sort((a, b) => b.index - a.index);
  return { treeSize, headVerified: true, reason: null, entries, truncated: start > 0 };
}
