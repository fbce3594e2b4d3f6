// Device ledger heads attested in the transparency log. A studio's signed offline ledger is hash-chained,
// so an edited entry is caught locally, but a cut tail (the last entries deleted) still verifies. At each
// sync the studio signs {seq, headHash} of its ledger with its device key and the server appends it to the
// public log (kind `ledger.attested`); `ledger verify` then checks that the attested entry is still there.
// The latest attestation is the one with the highest seq, so a replayed old request changes nothing.
import { ApiError } from '../errors.js';
import type { Database } from '../db/database.js';
import type { PayoutService, SignedRequest } from '../payouts/payout-service.js';
import { PAYOUT_MAX_SKEW_MS } from '../payouts/payout-schemas.js';
import type { TransparencyLog } from '../transparency-log/transparency-log.js';
import type { LedgerAttestationBody } from './ledger-attestation-schemas.js';

export interface LedgerAttestation {
  keyId: string;
  seq: number;
  headHash: string;
  logIndex: number;
  attestedAt: string;
}

interface AttestedEntry {
  device: { keyId: string };
  seq: number;
  headHash: string;
  attestedAt: string;
}

export class LedgerAttestations {
  constructor(
    private readonly db: Database,
    private readonly log: TransparencyLog,
    private readonly payouts: PayoutService,
  ) {}

  async attest(creatorId: string, body: LedgerAttestationBody, signed: SignedRequest): Promise<LedgerAttestation> {
    // Same device-key check as payouts: only a registered device of this creator attests its ledger.
    const keyId = await this.payouts.verifySignature(creatorId, signed);
    if (Math.abs(Date.parse(body.timestamp) - Date.now()) > PAYOUT_MAX_SKEW_MS) {
      throw new ApiError('INVALID_SIGNATURE', 'The signed attestation is more than 5 minutes from the server clock; sign it again.', { reason: 'timestamp_skew' });
    }
    const attestedAt = new Date().toISOString();
    const logIndex = await this.db.transaction(async (tx) => {
      const idx = await this.log.allocate(tx);
      await this.log.append(tx, idx, {
        kind: 'ledger.attested',
        creatorId,
        seq: body.seq,
        headHash: body.headHash,
        attestedAt,
        device: { keyId, signature: signed.signature, request: signed.rawBody },
      });
      return idx;
    });
    return { keyId, seq: body.seq, headHash: body.headHash, logIndex, attestedAt };
  }

  /** The attestation with the highest seq of this creator's device key, or null. */
  async latest(creatorId: string, keyId: string): Promise<LedgerAttestation | null> {
    const rows = await this.db.query<{ idx: string | number; entry: string }>(
      `SELECT idx, entry FROM log_entries WHERE creator_id = $1 AND kind = 'ledger.attested' ORDER BY idx DESC LIMIT 1000`,
      [creatorId],
    );
    let best: LedgerAttestation | null = null;
    for (const r of rows) {
      const e = JSON.parse(r.entry) as AttestedEntry;
      if (e.device?.keyId !== keyId) continue;
      if (!best || e.seq > best.seq) best = { keyId, seq: e.seq, headHash: e.headHash, logIndex: Number(r.idx), attestedAt: e.attestedAt };
    }
    return best;
  }
}
