// The studio's signed offline ledger over its SQLite database: append-only, hash-chained, each entry signed by
// the device key (see ledger-keys.ts). The entry format and the checks are @fanz/core's device-ledger; this
// module only stores entries and reads them back in storage order, so the verifier sees what is on disk.
//
// Each append is one IMMEDIATE transaction that re-reads the chain head after taking the write lock, so two
// processes (app + CLI) appending at once serialize instead of forking the chain; seq is UNIQUE as a backstop.
// A crash mid-append leaves either the whole entry or nothing (SQLite's journal).
import { canonicalJson, checkLedger, createLedgerEntry, ledgerEntryHash, type LedgerEntry, type LedgerProblem } from '@fanz/core';
import { nodeEd25519 } from '@fanz/core/node';
import type { Ed25519 } from '@fanz/core';
import type { Db } from '../library/db.js';
import type { SecretBox } from '../account/account-store.js';
import type { LedgerRow } from './ledger-schema.js';
import { loadPublicKeys, plainBox, resolveSigningKey, type AccountReader } from './ledger-keys.js';
import { LedgerError } from './ledger-errors.js';

/** What the studio records. Adding a kind is one line here; unknown kinds are refused so typos surface. */
export const LEDGER_KINDS = ['payout.requested', 'post.published', 'earning.verified', 'import'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** Entries are small attestations, not content. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface LedgerServiceOptions {
  /** The signed-in account (read-only); null/absent: sign with the local ledger key. */
  accounts?: AccountReader | null;
  /** Seals the local ledger key in the database. Default: stored as is (the data dir is the user's). */
  box?: SecretBox;
  signer?: Ed25519;
  now?: () => number;
}

export interface LedgerVerification {
  ok: boolean;
  /** Entries stored. */
  entries: number;
  /** Hash of the last entry when the whole chain verifies (to anchor it elsewhere, e.g. with a payout request). */
  headHash: string | null;
  firstBad?: {
    /** 0-based position in storage order. */
    position: number;
    seq: number | null;
    problem: LedgerProblem;
    reason: string;
  };
}

function isLedgerKind(kind: string): kind is LedgerKind {
  return (LEDGER_KINDS as readonly string[]).includes(kind);
}

// A row as the entry it claims to be. A body that is not JSON becomes `undefined`, which checkLedger
// reports as malformed at that position instead of this throwing.
function rowToEntry(r: LedgerRow): LedgerEntry {
  let body: unknown;
  try {
    body = JSON.parse(r.body);
  } catch {
    body = undefined;
  }
  return { seq: r.seq, prevHash: r.prev_hash, timestamp: r.timestamp, kind: r.kind, body, keyId: r.key_id, signature: r.signature };
}

export class LedgerService {
  private readonly signer: Ed25519;
  private readonly box: SecretBox;
  private readonly accounts: AccountReader | null;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    o: LedgerServiceOptions = {},
  ) {
    this.signer = o.signer ?? nodeEd25519;
    this.box = o.box ?? plainBox;
    this.accounts = o.accounts ?? null;
    this.now = o.now ?? Date.now;
  }

  /**
   * Appends one signed entry durably and returns it. Throws LedgerError on a bad kind or body.
   * Called inside a caller's transaction, that transaction must be IMMEDIATE (hold the write lock) for the
   * head re-read to be current; a stale deferred one fails with SQLITE_BUSY_SNAPSHOT rather than forking.
   */
  append(kind: string, body: unknown): LedgerEntry {
    return this.write(kind, body, false).entry;
  }

  /**
   * Like append, unless an entry of this kind with an identical body (canonical JSON) already exists, in
   * which case that entry is returned and nothing is written. For facts recorded whenever they are seen,
   * e.g. `earning.verified` after each log check. Scans that kind's entries: fine at desktop scale.
   */
  appendOnce(kind: string, body: unknown): { entry: LedgerEntry; appended: boolean } {
    return this.write(kind, body, true);
  }

  private write(kind: string, body: unknown, once: boolean): { entry: LedgerEntry; appended: boolean } {
    if (!isLedgerKind(kind)) throw new LedgerError('BAD_KIND', `unknown ledger kind "${String(kind).slice(0, 64)}"; expected one of ${LEDGER_KINDS.join(', ')}`);
    let bodyJson: string;
    try {
      if (body === undefined) throw new Error('body is missing');
      bodyJson = canonicalJson(body);
    } catch (err) {
      throw new LedgerError('BAD_BODY', `ledger body must be a JSON value: ${(err as Error).message}`);
    }
    if (Buffer.byteLength(bodyJson) > MAX_BODY_BYTES) throw new LedgerError('BAD_BODY', `ledger body is larger than ${MAX_BODY_BYTES} bytes`);
    // Sign what will be read back, so the stored entry is exactly the signed one.
    const storedBody: unknown = JSON.parse(bodyJson);

    const run = this.db.transaction((): { entry: LedgerEntry; appended: boolean } => {
      if (once) {
        const existing = this.db.prepare('SELECT * FROM ledger_entries WHERE kind = ? AND body = ? ORDER BY pos LIMIT 1').get(kind, bodyJson) as LedgerRow | undefined;
        if (existing) return { entry: rowToEntry(existing), appended: false };
      }
      const key = resolveSigningKey(this.db, this.signer, this.box, this.accounts);
      const headRow = this.db.prepare('SELECT * FROM ledger_entries ORDER BY pos DESC LIMIT 1').get() as LedgerRow | undefined;
      const entry = createLedgerEntry({
        prev: headRow ? rowToEntry(headRow) : null,
        kind,
        body: storedBody,
        keyId: key.keyId,
        secretKey: key.secretKey,
        timestamp: this.now(),
        signer: this.signer,
      });
      this.db
        .prepare('INSERT INTO ledger_entries (seq, prev_hash, timestamp, kind, body, key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(entry.seq, entry.prevHash, entry.timestamp, entry.kind, bodyJson, entry.keyId, entry.signature);
      return { entry, appended: true };
    });
    return run.immediate();
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM ledger_entries').pluck().get() as number;
  }

  /**
   * The last stored entry's seq and hash, read directly (no signature checks; verify() is the full check).
   * What a payout request is chained to.
   */
  head(): { seq: number; hash: string } | null {
    const row = this.db.prepare('SELECT * FROM ledger_entries ORDER BY pos DESC LIMIT 1').get() as LedgerRow | undefined;
    if (!row) return null;
    const entry = rowToEntry(row);
    return { seq: entry.seq, hash: ledgerEntryHash(entry) };
  }

  /** The most recent entries, newest first. */
  recent(limit = 50): LedgerEntry[] {
    const rows = this.db.prepare('SELECT * FROM ledger_entries ORDER BY pos DESC LIMIT ?').all(limit) as LedgerRow[];
    return rows.map(rowToEntry);
  }

  /** All entries in storage order, as stored (possibly tampered). */
  entries(): LedgerEntry[] {
    return (this.db.prepare('SELECT * FROM ledger_entries ORDER BY pos').all() as LedgerRow[]).map(rowToEntry);
  }

  /** Checks the whole chain; names the first bad entry and the problem. Reads in one snapshot. */
  verify(): LedgerVerification {
    const read = this.db.transaction(() => ({ entries: this.entries(), keys: loadPublicKeys(this.db) }));
    const { entries, keys } = read.deferred();
    const check = checkLedger(entries, keys, { signer: this.signer });
    if (check.ok) return { ok: true, entries: entries.length, headHash: check.headHash };
    return {
      ok: false,
      entries: entries.length,
      headHash: null,
      firstBad: { position: check.index, seq: check.seq, problem: check.problem, reason: check.reason },
    };
  }
}
