import { describe, expect, it } from 'vitest';
import { checkLedger, createLedgerEntry, GENESIS_PREV_HASH, ledgerEntryHash, verifyLedger } from './device-ledger';
import type { LedgerEntry } from './device-ledger';
import { nobleEd25519 } from './signatures';
import { nodeEd25519 } from './node';

const device = nobleEd25519.generateKeyPair();
const keys = new Map([['dev_laptop', device.publicKey]]);

function buildLedger(n: number, signer = nodeEd25519): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      createLedgerEntry({
        prev: out[i - 1] ?? null,
        kind: i % 2 ? 'sale.recorded' : 'post.published',
        body: { n: i, amount: { amount: 1000 + i, currency: 'USD' } },
        keyId: 'dev_laptop',
        secretKey: device.secretKey,
        timestamp: 1_700_000_000_000 + i,
        signer,
      }),
    );
  }
  return out;
}

const ledger = buildLedger(12);

describe('device ledger', () => {
  it('chains entries from genesis and verifies', () => {
    expect(ledger[0]!.seq).toBe(0);
    expect(ledger[0]!.prevHash).toBe(GENESIS_PREV_HASH);
    expect(ledger[5]!.prevHash).toBe(ledgerEntryHash(ledger[4]!));
    expect(checkLedger(ledger, keys)).toEqual({ ok: true, count: 12, lastSeq: 11, headHash: ledgerEntryHash(ledger[11]!) });
    expect(checkLedger(ledger, keys, { signer: nodeEd25519 }).ok).toBe(true);
    expect(checkLedger([], keys)).toEqual({ ok: true, count: 0, lastSeq: null, headHash: null });
    expect(verifyLedger(ledger, keys)).toBe(true);
    expect(verifyLedger([...ledger.slice(0, 2), ...ledger.slice(3)], keys)).toBe(false);
    expect(verifyLedger('garbage', keys)).toBe(false);
    expect(checkLedger(ledger, { dev_laptop: device.publicKey }).ok).toBe(true);
    expect(checkLedger(ledger, (id) => (id === 'dev_laptop' ? device.publicKey : undefined)).ok).toBe(true);
  });

  it('verifies a continuation from a checkpoint', () => {
    const start = { seq: 6, prevHash: ledgerEntryHash(ledger[5]!) };
    expect(checkLedger(ledger.slice(6), keys, { start })).toMatchObject({ ok: true, count: 6, lastSeq: 11 });
    expect(checkLedger(ledger.slice(7), keys, { start })).toMatchObject({ ok: false, index: 0, problem: 'gap' });
  });

  it('names an altered body as a bad signature at that entry', () => {
    const t = structuredClone(ledger);
    (t[4]!.body as { amount: { amount: number } }).amount.amount = 999_999;
    expect(checkLedger(t, keys)).toMatchObject({ ok: false, index: 4, seq: 4, problem: 'bad-signature', verifiedCount: 4 });
  });

  it('names a re-signed altered entry as a broken chain at the next entry', () => {
    const t = ledger.slice();
    t[4] = createLedgerEntry({ prev: t[3]!, kind: 'sale.recorded', body: { forged: true }, keyId: 'dev_laptop', secretKey: device.secretKey, timestamp: 1 });
    expect(checkLedger(t, keys)).toMatchObject({ ok: false, index: 5, seq: 5, problem: 'broken-chain' });
  });

  it('names a deleted entry as a gap', () => {
    const t = [...ledger.slice(0, 3), ...ledger.slice(4)];
    const r = checkLedger(t, keys);
    expect(r).toMatchObject({ ok: false, index: 3, seq: 4, problem: 'gap' });
    expect(!r.ok && r.reason).toMatch(/expected seq 3, got 4: 1 entry is missing/);
  });

  it('names swapped entries as reordered', () => {
    const t = ledger.slice();
    [t[6], t[7]] = [t[7]!, t[6]!];
    expect(checkLedger(t, keys)).toMatchObject({ ok: false, index: 6, seq: 7, problem: 'reordered' });
    const moved = [...ledger.slice(0, 2), ledger[9]!, ...ledger.slice(2, 9), ...ledger.slice(10)];
    expect(checkLedger(moved, keys)).toMatchObject({ ok: false, index: 2, problem: 'reordered' });
    const back = [...ledger.slice(0, 8), ledger[2]!, ...ledger.slice(8)];
    expect(checkLedger(back, keys)).toMatchObject({ ok: false, index: 8, seq: 2, problem: 'reordered' });
    const dup = [...ledger.slice(0, 5), ledger[4]!, ...ledger.slice(5)];
    expect(checkLedger(dup, keys)).toMatchObject({ ok: false, index: 5, problem: 'duplicate' });
  });

  it('names a wrong key, a forged genesis and a missing start', () => {
    const stranger = nobleEd25519.generateKeyPair();
    const t = ledger.slice();
    t[3] = createLedgerEntry({ prev: t[2]!, kind: 'payout.requested', body: {}, keyId: 'dev_laptop', secretKey: stranger.secretKey });
    expect(checkLedger(t, keys)).toMatchObject({ ok: false, index: 3, problem: 'bad-signature' });
    const u = ledger.slice();
    u[3] = createLedgerEntry({ prev: u[2]!, kind: 'payout.requested', body: {}, keyId: 'dev_other', secretKey: stranger.secretKey });
    expect(checkLedger(u, keys)).toMatchObject({ ok: false, index: 3, problem: 'unknown-key' });
    expect(checkLedger(ledger.slice(1), keys)).toMatchObject({ ok: false, index: 0, problem: 'bad-start' });
    const g = [{ ...ledger[0]!, prevHash: ledgerEntryHash(ledger[1]!) }];
    expect(checkLedger(g, keys)).toMatchObject({ ok: false, index: 0, problem: 'broken-chain' });
  });

  it('returns a reason instead of throwing on garbage', () => {
    const cases: [unknown, string, RegExp][] = [
      [null, 'not-a-list', /array/],
      ['entries', 'not-a-list', /array/],
      [[null], 'malformed', /entry 0/],
      [[42], 'malformed', /entry 0/],
      [[{ ...ledger[0]!, signature: 'xyz' }], 'malformed', /signature: expected a base64url Ed25519 signature/],
      [[{ ...ledger[0]!, prevHash: 'zz' }], 'malformed', /prevHash/],
      [[{ ...ledger[0]!, seq: -1 }], 'malformed', /seq/],
      [[{ ...ledger[0]!, seq: '0' }], 'malformed', /seq/],
      [[{ ...ledger[0]!, kind: 'Bad Kind!' }], 'malformed', /kind/],
      [[{ ...ledger[0]!, extra: 1 }], 'malformed', /extra|Unrecognized/i],
      [[{ ...ledger[0]!, body: undefined }], 'malformed', /body/],
    ];
    for (const [input, problem, re] of cases) {
      const r = checkLedger(input, keys);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.problem).toBe(problem);
      expect(!r.ok && r.reason).toMatch(re);
    }
    expect(() => createLedgerEntry({ prev: null, kind: 'x', body: NaN, keyId: 'k', secretKey: device.secretKey })).toThrow(/body/);
  });
});

describe('device ledger interop', () => {
  it('signs canonicalJson(entry without signature) and chains SHA-256(canonicalJson(entry)) for any JSON body', async () => {
    const fc = (await import('fast-check')).default;
    const { canonicalJsonBytes } = await import('./canonical-json');
    const { fromBase64Url } = await import('./encoding');
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 4 }), (bodies) => {
        const entries: LedgerEntry[] = [];
        for (const body of bodies) {
          entries.push(createLedgerEntry({ prev: entries.at(-1) ?? null, kind: 'x.y', body, keyId: 'dev_laptop', secretKey: device.secretKey, signer: nodeEd25519 }));
        }
        expect(checkLedger(entries, keys, { signer: nodeEd25519 })).toMatchObject({ ok: true, headHash: ledgerEntryHash(entries.at(-1)!) });
        for (const e of entries) {
          const { signature, ...unsigned } = e;
          expect(nodeEd25519.verify(fromBase64Url(signature), canonicalJsonBytes(unsigned), device.publicKey)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});
