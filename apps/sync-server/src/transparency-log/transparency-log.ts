// The server's append-only transparency log. Entries are appended inside the caller's DB transaction
// (next to the ledger transfers they describe); the in-memory MerkleTree is only a cache of the committed
// leaf hashes, caught up from the database before every read, so several instances on one database agree.
// Tree heads are signed lazily: whenever someone asks for the latest head and the tree has grown.
import { randomBytes } from 'node:crypto';
import {
  canonicalJson,
  checkInclusion,
  hashLeaf,
  MerkleTree,
  signTreeHead,
  toBase64,
  toBase64Url,
  utf8,
  type SignedTreeHead,
} from '@fanz/core';
import { nodeEd25519 } from '@fanz/core/node';
import type { Database, Queryable } from '../db/database.js';
import { ApiError } from '../errors.js';
import type { LogKey } from './log-keys.js';

/** What every log entry carries besides its kind-specific fields. */
export interface LogEntryInput {
  kind: string;
  creatorId: string;
  [field: string]: unknown;
}

export interface StoredLogEntry {
  index: number;
  leafHash: Uint8Array;
  creatorId: string;
  /** Canonical JSON text of the entry. */
  entry: string;
}

export class TransparencyLog {
  private readonly tree = new MerkleTree();
  private syncing: Promise<void> | null = null;
  private signing: Promise<SignedTreeHead> | null = null;
  private latest: SignedTreeHead | null = null;

  constructor(
    private readonly db: Database,
    readonly key: LogKey,
  ) {}

  get publicKeyBase64Url(): string {
    return toBase64Url(this.key.publicKey);
  }

  /**
   * Allocates the next index. Must be the first statement of every money transaction: it locks the one
   * log_state row until commit, which serialises money movements and keeps the index gapless.
   */
  async allocate(tx: Queryable): Promise<number> {
    const rows = await tx.query<{ idx: string | number }>('UPDATE log_state SET size = size + 1 WHERE id = 1 RETURNING size - 1 AS idx');
    return Number(rows[0]!.idx);
  }

  /** Writes the entry at `index` (from allocate) in the caller's transaction; returns its leaf hash. */
  async append(tx: Queryable, index: number, input: LogEntryInput): Promise<Uint8Array> {
    // The nonce keeps others from confirming a guessed entry (amounts are small numbers) against its hash.
    const entry = { ...input, index, timestamp: Date.now(), nonce: toBase64Url(randomBytes(16)) };
    const text = canonicalJson(entry);
    const leaf = hashLeaf(utf8(text));
    await tx.query('INSERT INTO log_entries (idx, leaf_hash, entry, creator_id, kind) VALUES ($1, $2, $3, $4, $5)', [
      index,
      leaf,
      text,
      input.creatorId,
      input.kind,
    ]);
    return leaf;
  }

  /** Catches the in-memory tree up with the committed entries. */
  sync(): Promise<void> {
    this.syncing ??= (async () => {
      try {
        for (;;) {
          const rows = await this.db.query<{ idx: string | number; leaf_hash: Uint8Array }>(
            'SELECT idx, leaf_hash FROM log_entries WHERE idx >= $1 ORDER BY idx LIMIT 50000',
            [this.tree.size],
          );
          for (const r of rows) {
            // Entries commit in index order (log_state lock), so a gap means a bug or a damaged table.
            if (Number(r.idx) !== this.tree.size) throw new Error(`log entry ${this.tree.size} is missing`);
            this.tree.append(new Uint8Array(r.leaf_hash));
          }
          if (rows.length < 50000) return;
        }
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  async size(): Promise<number> {
    await this.sync();
    return this.tree.size;
  }

  /** The latest signed tree head, signing (and storing) a new one if the tree grew since the last. */
  async signedTreeHead(): Promise<SignedTreeHead> {
    await this.sync();
    if (this.latest && this.latest.treeSize === this.tree.size) return this.latest;
    this.signing ??= this.signLatest().finally(() => (this.signing = null));
    return this.signing;
  }

  private async signLatest(): Promise<SignedTreeHead> {
    const stored = await this.db.query<{ tree_size: string | number; root_hash: Uint8Array; timestamp_ms: string | number; signature: string }>(
      'SELECT tree_size, root_hash, timestamp_ms, signature FROM log_tree_heads ORDER BY tree_size DESC LIMIT 1',
    );
    const last = stored[0];
    const size = this.tree.size;
    if (last && Number(last.tree_size) >= size) {
      this.latest = {
        treeSize: Number(last.tree_size),
        rootHash: toBase64(new Uint8Array(last.root_hash)),
        timestamp: Number(last.timestamp_ms),
        signature: last.signature,
      };
      // Another instance signed a bigger tree: catch up so proofs can be served for it.
      if (this.latest.treeSize > size) await this.sync();
      return this.latest;
    }
    // Timestamps never go backwards, even if this machine's clock does.
    const timestamp = Math.max(Date.now(), last ? Number(last.timestamp_ms) : 0);
    const root = this.tree.root(size);
    const sth = signTreeHead({ treeSize: size, rootHash: root, timestamp }, this.key.secretKey, nodeEd25519);
    await this.db.query(
      'INSERT INTO log_tree_heads (tree_size, root_hash, timestamp_ms, signature) VALUES ($1, $2, $3, $4) ON CONFLICT (tree_size) DO NOTHING',
      [size, root, timestamp, sth.signature],
    );
    this.latest = sth;
    return sth;
  }

  /** Entries [start, end] (inclusive, as in Certificate Transparency's get-entries). */
  async entries(start: number, end: number): Promise<StoredLogEntry[]> {
    const rows = await this.db.query<{ idx: string | number; leaf_hash: Uint8Array; entry: string; creator_id: string }>(
      'SELECT idx, leaf_hash, entry, creator_id FROM log_entries WHERE idx >= $1 AND idx <= $2 ORDER BY idx',
      [start, end],
    );
    return rows.map((r) => ({ index: Number(r.idx), leafHash: new Uint8Array(r.leaf_hash), entry: r.entry, creatorId: r.creator_id }));
  }

  async inclusionProof(index: number, treeSize: number): Promise<{ leafHash: Uint8Array; proof: Uint8Array[] }> {
    await this.sync();
    if (treeSize < 1 || treeSize > this.tree.size) {
      throw new ApiError('VALIDATION_ERROR', `treeSize must be between 1 and the log size ${this.tree.size}.`, { treeSize });
    }
    if (index >= treeSize) throw new ApiError('VALIDATION_ERROR', `index must be below treeSize ${treeSize}.`, { index, treeSize });
    return { leafHash: this.tree.leafHash(index), proof: this.tree.inclusionProof(index, treeSize) };
  }

  async consistencyProof(first: number, second: number): Promise<Uint8Array[]> {
    await this.sync();
    if (second > this.tree.size) {
      throw new ApiError('VALIDATION_ERROR', `second must not exceed the log size ${this.tree.size}.`, { second });
    }
    if (first > second) throw new ApiError('VALIDATION_ERROR', 'first must not exceed second.', { first, second });
    return this.tree.consistencyProof(first, second);
  }

  async root(size: number): Promise<Uint8Array> {
    await this.sync();
    return this.tree.root(size);
  }

  /**
   * Audits the stored log against itself: every stored entry hashes to its stored leaf hash, and every
   * stored signed tree head matches the tree rebuilt from those hashes. Returns the first problem found.
   */
  async audit(): Promise<{ ok: true; size: number } | { ok: false; reason: string }> {
    const tree = new MerkleTree();
    for (let start = 0; ; start += 10000) {
      const rows = await this.entries(start, start + 9999);
      for (const r of rows) {
        if (r.index !== tree.size) return { ok: false, reason: `entry ${tree.size} is missing` };
        const leaf = hashLeaf(utf8(r.entry));
        if (toBase64(leaf) !== toBase64(r.leafHash)) return { ok: false, reason: `entry ${r.index} does not match its leaf hash` };
        tree.append(leaf);
      }
      if (rows.length < 10000) break;
    }
    const heads = await this.db.query<{ tree_size: string | number; root_hash: Uint8Array; timestamp_ms: string | number; signature: string }>(
      'SELECT tree_size, root_hash, timestamp_ms, signature FROM log_tree_heads ORDER BY tree_size',
    );
    for (const h of heads) {
      const size = Number(h.tree_size);
      if (size > tree.size) return { ok: false, reason: `tree head ${size} is larger than the log (${tree.size})` };
      if (toBase64(tree.root(size)) !== toBase64(new Uint8Array(h.root_hash))) {
        return { ok: false, reason: `tree head ${size} does not match the stored entries` };
      }
    }
    // Spot-check the proof machinery on the live tree too.
    if (tree.size > 0) {
      const i = tree.size - 1;
      const c = checkInclusion(tree.leafHash(i), i, tree.size, tree.inclusionProof(i), tree.root());
      if (!c.ok) return { ok: false, reason: c.reason };
    }
    return { ok: true, size: tree.size };
  }
}
