// The device ledger's head, attested in the server's transparency log. The hash chain catches an edited
// entry but not a cut tail: delete the last entries and what is left still verifies. So at each sync the
// studio signs {seq, headHash} with its device key and the server appends it to its public log; the
// attested head is recorded here too (migration 007), and `ledger verify` checks that the attested entry is
// still in the ledger with the same hash (checkAttested), from the server's record when it can reach it.
import { fromBase64Url, ledgerEntryHash } from '@fanz/core';
import { signJson } from '@fanz/core/node';
import { z } from 'zod';
import type { Db } from '../library/db.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { callServer } from '../account/server-client.js';
import type { LedgerService } from './ledger-service.js';

export interface AttestedHead {
  seq: number;
  headHash: string;
  logIndex: number;
  attestedAt: string;
}

const attestationSchema = z.object({ keyId: z.string(), seq: z.int().min(0), headHash: z.string(), logIndex: z.int().min(0), attestedAt: z.string() });

function record(db: Db, serverUrl: string, keyId: string, a: AttestedHead): void {
  // Keep the highest seq: an older attestation arriving late must not lower the bar.
  db.prepare(
    `INSERT INTO ledger_attestations (server_url, key_id, seq, head_hash, log_index, attested_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (server_url, key_id) DO UPDATE SET seq = excluded.seq, head_hash = excluded.head_hash, log_index = excluded.log_index, attested_at = excluded.attested_at
     WHERE excluded.seq >= ledger_attestations.seq`,
  ).run(serverUrl, keyId, a.seq, a.headHash, a.logIndex, a.attestedAt);
}

/** The highest attested head recorded on this device (any server and key), or null. */
export function recordedAttestation(db: Db): AttestedHead | null {
  const r = db.prepare('SELECT seq, head_hash, log_index, attested_at FROM ledger_attestations ORDER BY seq DESC LIMIT 1').get() as
    | { seq: number; head_hash: string; log_index: number; attested_at: string }
    | undefined;
  return r ? { seq: r.seq, headHash: r.head_hash, logIndex: r.log_index, attestedAt: r.attested_at } : null;
}

/**
 * Signs the current head and has the server log it. Null when there is nothing to attest (empty or invalid
 * ledger, no device key) or the head is already attested; throws the server's refusal otherwise.
 */
export async function attestLedgerHead(db: Db, catalog: CatalogService, ledger: LedgerService): Promise<AttestedHead | null> {
  const account = catalog.accounts.get();
  if (!account?.deviceKeyId || !account.deviceSecretKey) return null;
  const v = ledger.verify();
  if (!v.ok || !v.headHash) return null;
  const last = ledger.recent(1)[0];
  if (!last || ledgerEntryHash(last) !== v.headHash) return null;
  const known = db.prepare('SELECT seq FROM ledger_attestations WHERE server_url = ? AND key_id = ?').pluck().get(account.serverUrl, account.deviceKeyId) as number | undefined;
  if (known !== undefined && known >= last.seq) return null;
  const body = { seq: last.seq, headHash: v.headHash, timestamp: new Date().toISOString() };
  const signature = signJson(body, fromBase64Url(account.deviceSecretKey));
  const data = await callServer(account.serverUrl, 'POST', '/api/v1/ledger/attestations', {
    body,
    accessToken: await catalog.getAccessToken(),
    headers: { 'fanz-key-id': account.deviceKeyId, 'fanz-signature': signature },
  });
  const a = attestationSchema.parse(data);
  record(db, account.serverUrl, account.deviceKeyId, a);
  return a;
}

/** The server's latest attested head for this device key (recorded locally too); null when none or unreachable. */
export async function serverAttestation(db: Db, catalog: CatalogService): Promise<AttestedHead | null> {
  const account = catalog.accounts.get();
  if (!account?.deviceKeyId) return null;
  try {
    const data = await callServer(account.serverUrl, 'GET', `/api/v1/ledger/attestations/latest?keyId=${encodeURIComponent(account.deviceKeyId)}`, {
      accessToken: await catalog.getAccessToken(),
      timeoutMs: 5000,
    });
    const a = z.object({ attestation: attestationSchema.nullable() }).parse(data).attestation;
    if (a) record(db, account.serverUrl, account.deviceKeyId, a);
    return a;
  } catch {
    return null;
  }
}

/** Null when the ledger still holds the attested entry; otherwise what is wrong, in words. */
export function checkAttested(ledger: LedgerService, attested: AttestedHead): string | null {
  const entries = ledger.entries();
  const at = entries.find((e) => e.seq === attested.seq);
  if (!at) {
    const lastSeq = entries.at(-1)?.seq ?? null;
    return `the ledger was cut: entry #${attested.seq} was attested in the server's log (index ${attested.logIndex}, ${attested.attestedAt}) but the ledger ${lastSeq === null ? 'is empty' : `ends at #${lastSeq}`}`;
  }
  if (ledgerEntryHash(at) !== attested.headHash) {
    return `entry #${attested.seq} is not the one attested in the server's log (index ${attested.logIndex}): its hash differs`;
  }
  return null;
}

export interface AttestedVerification {
  ok: boolean;
  /** The attested head compared against (the highest recorded), or null when none was ever attested. */
  attested: AttestedHead | null;
  /** What the comparison found wrong; null when the attested entry is there. */
  problem: string | null;
}

/** `ledger verify`'s second check, after the chain itself: the last attested head must still be in the ledger. */
export function verifyAgainstAttestation(db: Db, ledger: LedgerService): AttestedVerification {
  const attested = recordedAttestation(db);
  if (!attested) return { ok: true, attested: null, problem: null };
  const problem = checkAttested(ledger, attested);
  return { ok: problem === null, attested, problem };
}
