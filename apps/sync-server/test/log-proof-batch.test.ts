// GET /api/v1/log/proofs/inclusion-batch (issue 14 item 7): the proofs of many entries in one request, each
// the same as the single-entry route's and verifying against the signed head; bad input is a clear 400.
import { checkInclusion, fromBase64 } from '@fanz/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeStorage, type Running, type Storage } from './helpers.js';
import { newParties, pay, startMoneyServer } from './money-helpers.js';

let storage: Storage;
let srv: Running;

beforeAll(async () => {
  storage = makeStorage('pglite');
  srv = await startMoneyServer(storage);
  const { creator, fan } = await newParties(srv.url);
  for (let i = 0; i < 5; i++) {
    expect((await pay(srv.url, fan, { tip: { creatorId: creator.id, amount: { amount: 100 + i, currency: 'USD' } } })).status).toBe(201);
  }
});
afterAll(async () => {
  await srv?.close();
  await storage?.cleanup();
});

describe('inclusion proofs in a batch', () => {
  it('answers every requested index with the single route’s proof, verifying against the head', async () => {
    const head = (await api(srv.url, 'GET', '/api/v1/log/tree-head')).body.data as { treeSize: number; rootHash: string };
    expect(head.treeSize).toBeGreaterThanOrEqual(5);
    const indexes = Array.from({ length: head.treeSize }, (_, i) => i);
    const res = await api(srv.url, 'GET', `/api/v1/log/proofs/inclusion-batch?treeSize=${head.treeSize}&indexes=${indexes.join(',')}`);
    expect(res.status).toBe(200);
    const proofs = res.body.data.proofs as Array<{ index: number; leafHash: string; proof: string[] }>;
    expect(proofs.map((p) => p.index)).toEqual(indexes);
    for (const p of proofs) {
      const single = (await api(srv.url, 'GET', `/api/v1/log/proofs/inclusion?index=${p.index}&treeSize=${head.treeSize}`)).body.data;
      expect(p).toEqual({ index: single.index, leafHash: single.leafHash, proof: single.proof });
      expect(checkInclusion(fromBase64(p.leafHash), p.index, head.treeSize, p.proof.map(fromBase64), fromBase64(head.rootHash)).ok).toBe(true);
    }
  });

  it('refuses malformed lists, too many indexes and indexes outside the tree with 400', async () => {
    const size = (await api(srv.url, 'GET', '/api/v1/log/tree-head')).body.data.treeSize as number;
    for (const q of [
      `treeSize=${size}&indexes=`,
      `treeSize=${size}&indexes=1,,2`,
      `treeSize=${size}&indexes=-1`,
      `treeSize=${size}&indexes=a`,
      `treeSize=${size}&indexes=${Array.from({ length: 501 }, () => 0).join(',')}`,
      `treeSize=${size}&indexes=${size}`,
      `treeSize=${size + 10}&indexes=0`,
      `indexes=0`,
    ]) {
      const res = await api(srv.url, 'GET', `/api/v1/log/proofs/inclusion-batch?${q}`);
      expect(res.status, q.slice(0, 60)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
  });
});
