// Payout processors (how money leaves the platform to a creator). The test processors stand in for Paxum
// and bank transfers: they succeed, except for amounts whose last two minor-unit digits are 13 (e.g. 10.13)
// net of the fee, which they reject, so the failure path can be exercised over HTTP; amounts ending in 17 net
// are unreachable (a thrown error, outcome unknown) on their first two attempts, to exercise re-driving with
// backoff. Processors are idempotent on the
// payout's reference number, so re-driving a payout after a crash cannot pay twice.
import { randomBytes } from 'node:crypto';
import type { Money, PayoutMethod } from '@fanz/core';

export type { PayoutMethod };

export interface PayoutInstruction {
  reference: string;
  creatorId: string;
  method: PayoutMethod;
  /** What the creator receives (after the payout fee). */
  net: Money;
}

export type PayoutResult = { ok: true; providerReference: string } | { ok: false; reason: string };

export interface PayoutProcessor {
  send(instruction: PayoutInstruction): Promise<PayoutResult>;
}

export class TestPayoutProcessor implements PayoutProcessor {
  private readonly sent = new Map<string, PayoutResult>();
  private readonly unreachable = new Map<string, number>();
  /** Calls that reached this processor (including the unreachable ones). */
  attempts = 0;
  constructor(readonly method: PayoutMethod) {}

  get sentCount(): number {
    return [...this.sent.values()].filter((r) => r.ok).length;
  }

  async send(instruction: PayoutInstruction): Promise<PayoutResult> {
    await new Promise((r) => setImmediate(r));
    this.attempts++;
    if (instruction.net.amount % 100 === 17 && !this.sent.has(instruction.reference)) {
      const failures = this.unreachable.get(instruction.reference) ?? 0;
      if (failures < 2) {
        this.unreachable.set(instruction.reference, failures + 1);
        throw new Error(`${this.method} test processor unreachable (attempt ${failures + 1} of amounts ending in .17)`);
      }
    }
    const done = this.sent.get(instruction.reference);
    if (done) return done;
    const result: PayoutResult =
      instruction.net.amount % 100 === 13
        ? { ok: false, reason: `${this.method} test processor rejects amounts ending in .13` }
        : { ok: true, providerReference: `${this.method === 'paxum' ? 'PXM' : 'BNK'}-${randomBytes(6).toString('hex').toUpperCase()}` };
    this.sent.set(instruction.reference, result);
    return result;
  }
}
