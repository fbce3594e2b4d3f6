// Checks the server's transparency log on the creator's own machine, so earnings shown in the studio are
// backed by proofs rather than the server's word: the signed tree head must verify with the log's key,
// must be consistent with the last head this device accepted (the log only grows; a rewrite is caught),
// and every money entry about this creator must be included in it, with its content hashing to its leaf.
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
import { callServer } from './server-client.js';

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

const SCHEMA = `CREATE TABLE IF NOT EXISTS studio_log_heads (
  server_url TEXT PRIMARY KEY,
  tree_size INTEGER NOT NULL,
  root_hash TEXT NOT NULL,
  checked_at INTEGER NOT NULL
);`;

const entriesSchema = z.object({
  entries: z.array(z.object({ index: z.int(), leafHash: z.string(), entry: z.record(z.string(), z.unknown()).optional() })),
});

export async function verifyLog(db: Db, serverUrl: string, accessToken: string): Promise<LogVerification> {
  db.exec(SCHEMA);
  const key = z.object({ publicKey: z.string() }).parse(await callServer(serverUrl, 'GET', '/api/v1/log/public-key'));
  const sth = await callServer(serverUrl, 'GET', '/api/v1/log/tree-head');
  const head = checkTreeHead(sth, fromBase64Url(key.publicKey));
  if (!head.ok) return { treeSize: 0, headVerified: false, reason: head.reason, entries: [], truncated: false };
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
    for (const e of page.entries) {
      if (!e.entry) continue; // not about this creator
      const leaf = fromBase64(e.leafHash);
      let reason: string | null = null;
      if (toBase64(logLeafHash(e.entry)) !== e.leafHash) reason = 'entry content does not hash to its leaf';
      else {
        const p = z.object({ proof: z.array(z.string()) }).parse(
          await callServer(serverUrl, 'GET', `/api/v1/log/proofs/inclusion?index=${e.index}&treeSize=${treeSize}`),
        );
        const check = checkInclusion(leaf, e.index, treeSize, p.proof.map(fromBase64), rootHash);
        if (!check.ok) reason = `not included in the signed tree: ${check.reason}`;
      }
      entries.push({ index: e.index, entry: e.entry, verified: reason === null, reason });
    }
  }
  entries.sort((a, b) => b.index - a.index);
  return { treeSize, headVerified: true, reason: null, entries, truncated: start > 0 };
}
