// Ledger benchmark (run: `npm run bench -- ledger`).
// 1. Appends: LedgerService.append (one IMMEDIATE transaction: head read, sign, insert) with node:crypto and
//    with noble, against the baseline of inserting the same-size row in its own IMMEDIATE transaction without
//    any signing or hashing. Prints appends/s and the cost ratio to the baseline.
// 2. verify() of the whole chain (BENCH_LEDGER_N entries, default 10k) with node:crypto vs noble.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleEd25519 } from '@fanz/core';
import { nodeEd25519 } from '@fanz/core/node';
import { openDb } from '../src/main/services/library/db.js';
import { LedgerService } from '../src/main/services/ledger/ledger-service.js';

const N = Number(process.env.BENCH_LEDGER_N ?? 10_000);
const APPENDS = Number(process.env.BENCH_LEDGER_APPENDS ?? 2_000);
const body = { payoutId: 'payout_01jd0000000000000000000000', amount: { amount: 123456, currency: 'USD' }, note: 'weekly' };

function time(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const dir = await mkdtemp(join(tmpdir(), 'fanz-ledger-bench-'));
try {
  const db = openDb(dir);
  db.exec('CREATE TABLE bench_plain (pos INTEGER PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, body TEXT NOT NULL, sig TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO bench_plain (seq, body, sig) VALUES (?, ?, ?)');
  const plainRow = db.transaction((i: number) => insert.run(i, JSON.stringify(body), 'x'.repeat(86)));
  const nodeLedger = new LedgerService(db, { signer: nodeEd25519 });
  const nobleLedger = new LedgerService(db, { signer: nobleEd25519 });

  // Interleaved rounds so machine noise hits all three alike; best round kept.
  let plainMs = Infinity;
  let nodeMs = Infinity;
  let nobleMs = Infinity;
  let seq = 0;
  const per = Math.max(1, Math.floor(APPENDS / 4));
  for (let round = 0; round < 4; round++) {
    plainMs = Math.min(plainMs, time(() => {
      for (let i = 0; i < per; i++) plainRow.immediate(seq++);
    }));
    nodeMs = Math.min(nodeMs, time(() => {
      for (let i = 0; i < per; i++) nodeLedger.append('payout.requested', body);
    }));
    nobleMs = Math.min(nobleMs, time(() => {
      for (let i = 0; i < per; i++) nobleLedger.append('payout.requested', body);
    }));
  }
  const rate = (ms: number) => Math.round((per / ms) * 1000);
  console.log(`append (${per} per round, best of 4): plain insert ${rate(plainMs)}/s, ledger node:crypto ${rate(nodeMs)}/s, ledger noble ${rate(nobleMs)}/s`);
  console.log(`append cost vs plain insert: node:crypto ${(nodeMs / plainMs).toFixed(2)}x, noble ${(nobleMs / plainMs).toFixed(2)}x; node:crypto is ${(nobleMs / nodeMs).toFixed(1)}x faster than noble`);

  // Fill up to N entries quickly (node signer), then time verification.
  const fill = db.transaction(() => {
    for (let i = nodeLedger.count(); i < N; i++) nodeLedger.append('earning.verified', { earningId: `earn_${i}`, amount: { amount: i, currency: 'USD' } });
  });
  fill.immediate();
  const total = nodeLedger.count();
  let ok = true;
  const vNode = time(() => (ok = nodeLedger.verify().ok && ok));
  const vNoble = time(() => (ok = nobleLedger.verify().ok && ok));
  if (!ok) throw new Error('benchmark chain did not verify');
  console.log(`verify ${total} entries: node:crypto ${vNode.toFixed(0)} ms (${Math.round((total / vNode) * 1000)}/s), noble ${vNoble.toFixed(0)} ms; ratio noble/node ${(vNoble / vNode).toFixed(1)}x`);
  db.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
