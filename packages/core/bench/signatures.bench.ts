// Ed25519 sign/verify: @noble/curves (pure JS, the baseline every runtime has) vs node:crypto (OpenSSL).
// Same keys and messages for both; the node results are checked to be byte-identical before timing.
import { nobleEd25519 } from '../src/signatures';
import { nodeEd25519 } from '../src/node';
import { toHex } from '../src/encoding';
import { ratio, report, time } from './timing';

const N = Number(process.env.BENCH_SIG_N ?? 1000);
const keys = Array.from({ length: 16 }, () => nobleEd25519.generateKeyPair());
const messages = Array.from({ length: N }, (_, i) => new TextEncoder().encode(JSON.stringify({ seq: i, amount: 1999 + i, currency: 'USD' })));

for (let i = 0; i < 16; i++) {
  const k = keys[i]!;
  if (toHex(nobleEd25519.sign(messages[i]!, k.secretKey)) !== toHex(nodeEd25519.sign(messages[i]!, k.secretKey))) {
    throw new Error('noble and node:crypto signatures differ');
  }
}

console.log(`Ed25519, ${N} signatures of ~50-byte messages, 16 keys`);
// Warm up both (JIT, key caches).
for (let i = 0; i < 50; i++) {
  const k = keys[i % 16]!;
  nobleEd25519.verify(nobleEd25519.sign(messages[i]!, k.secretKey), messages[i]!, k.publicKey);
  nodeEd25519.verify(nodeEd25519.sign(messages[i]!, k.secretKey), messages[i]!, k.publicKey);
}

const sigs: Uint8Array[] = new Array(N);
const nobleSign = time('sign  @noble/curves', N, () => {
  for (let i = 0; i < N; i++) sigs[i] = nobleEd25519.sign(messages[i]!, keys[i % 16]!.secretKey);
});
const nodeSign = time('sign  node:crypto', N, () => {
  for (let i = 0; i < N; i++) sigs[i] = nodeEd25519.sign(messages[i]!, keys[i % 16]!.secretKey);
});
let okNoble = 0;
let okNode = 0;
const nobleVerify = time('verify @noble/curves', N, () => {
  for (let i = 0; i < N; i++) if (nobleEd25519.verify(sigs[i]!, messages[i]!, keys[i % 16]!.publicKey)) okNoble++;
});
const nodeVerify = time('verify node:crypto', N, () => {
  for (let i = 0; i < N; i++) if (nodeEd25519.verify(sigs[i]!, messages[i]!, keys[i % 16]!.publicKey)) okNode++;
});
if (okNoble !== N || okNode !== N) throw new Error(`verification failed: noble ${okNoble}/${N}, node ${okNode}/${N}`);

[nobleSign, nodeSign, nobleVerify, nodeVerify].forEach(report);
ratio('sign', nobleSign, nodeSign);
ratio('verify', nobleVerify, nodeVerify);
