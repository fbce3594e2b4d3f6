// Verifying a 100k-entry device ledger (hash chain + Ed25519 per entry) with node:crypto, against the pure-JS
// @noble/curves verifier as the baseline. noble verifies a prefix (it is ~10x slower; the full 100k would take
// minutes) and the ratio is per entry. The ledger is built once with node:crypto signatures.
import { createLedgerEntry, checkLedger } from '../src/device-ledger';
import type { LedgerEntry } from '../src/device-ledger';
import { nodeEd25519 } from '../src/node';
import { nobleEd25519 } from '../src/signatures';
import { ratio, report, time } from './timing';

const N = Number(process.env.BENCH_LEDGER_N ?? 100_000);
const NOBLE_N = Math.min(N, Number(process.env.BENCH_LEDGER_NOBLE_N ?? 1_000));
const device = nodeEd25519.generateKeyPair();
const keys = new Map([['dev_bench', device.publicKey]]);

const entries: LedgerEntry[] = new Array(N);
const build = time('build + sign (node:crypto)', N, () => {
  let prev: LedgerEntry | null = null;
  for (let i = 0; i < N; i++) {
    prev = createLedgerEntry({
      prev,
      kind: i % 3 === 0 ? 'sale.recorded' : 'post.published',
      body: { postId: `post_${i}`, amount: { amount: 1999, currency: 'USD' } },
      keyId: 'dev_bench',
      secretKey: device.secretKey,
      timestamp: 1_700_000_000_000 + i,
      signer: nodeEd25519,
    });
    entries[i] = prev;
  }
});

console.log(`Device ledger: ${N} entries (noble baseline on the first ${NOBLE_N})`);
let nodeResult: ReturnType<typeof checkLedger> | undefined;
const nodeVerify = time(`verify ${N} entries, node:crypto`, N, () => {
  nodeResult = checkLedger(entries, keys, { signer: nodeEd25519 });
});
if (!nodeResult?.ok || nodeResult.count !== N) throw new Error(`ledger did not verify: ${JSON.stringify(nodeResult)}`);
let nobleResult: ReturnType<typeof checkLedger> | undefined;
const prefix = entries.slice(0, NOBLE_N);
const nobleVerify = time(`verify ${NOBLE_N} entries, @noble/curves`, NOBLE_N, () => {
  nobleResult = checkLedger(prefix, keys, { signer: nobleEd25519 });
});
if (!nobleResult?.ok) throw new Error('noble did not verify the prefix');

// A tampered entry near the end must be found (and is, at the same cost up to that point).
const tampered = entries.slice();
tampered[N - 10] = { ...tampered[N - 10]!, body: { forged: true } };
const bad = checkLedger(tampered, keys, { signer: nodeEd25519 });
if (bad.ok || bad.index !== N - 10) throw new Error('tampered entry not detected');

[build, nodeVerify, nobleVerify].forEach(report);
console.log(`  full ledger verified in ${(nodeVerify.ms / 1000).toFixed(1)} s with node:crypto; tampered entry ${bad.index} found: ${bad.problem}`);
ratio('ledger verify per entry', nobleVerify, nodeVerify);
