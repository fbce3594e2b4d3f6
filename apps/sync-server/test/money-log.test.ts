// The transparency log over HTTP on PGlite and PostgreSQL: signed tree heads verify with the published key,
// entries hash to their leaves, inclusion and consistency proofs verify with @fanz/core, other creators see
// only hashes, tampering with a stored entry or a proof is detected, and bad queries are 400.
import {
  canonicalJson,
  checkInclusion,
  checkLogGrowth,
  checkTreeHead,
  fromBase64,
  fromBase64Url,
  hashLeaf,
  toBase64,
  utf8,
} from '@fanz/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, api, makeStorage, pgSkipReason, register, type Account, type Running, type Storage } from './helpers.js';
import { bearer, createTier, newParties, pay, startMoneyServer } from './money-helpers.js';

describe.each(BACKENDS)('transparency log on %s', (backend) => {
  const skip = backend === 'postgres' && pgSkipReason !== null;
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  let other: Account;
  let fan: Account;
  let publicKey: Uint8Array;

  beforeAll(async () => {
    if (skip) return;
    storage = makeStorage(backend);
    srv = await startMoneyServer(storage);
    ({ creator, fan } = await newParties(srv.url));
    other = await register(srv.url, 'creator');
    const tier = await createTier(srv.url, creator);
    const otherTier = await createTier(srv.url, other, 999);
    for (let i = 0; i < 3; i++) expect((await pay(srv.url, fan, { subscriptionId: tier.id })).status).toBe(201);
    expect((await pay(srv.url, fan, { subscriptionId: otherTier.id })).status).toBe(201);
    const key = await api(srv.url, 'GET', '/api/v1/log/public-key');
    expect(key.body.data.algorithm).toBe('Ed25519');
    publicKey = fromBase64Url(key.body.data.publicKey);
  });
  afterAll(async () => {
    if (skip) return;
    await srv?.close();
    await storage?.cleanup();
  });

  it.skipIf(skip)('signs tree heads that verify; entries hash to leaves with valid inclusion proofs', async () => {
    const sth = (await api(srv.url, 'GET', '/api/v1/log/tree-head')).body.data;
    expect(checkTreeHead(sth, publicKey)).toMatchObject({ ok: true });
    expect(sth.treeSize).toBe(4);
    const entries = (await api(srv.url, 'GET', `/api/v1/log/entries?start=0&end=${sth.treeSize - 1}`, undefined, bearer(creator))).body.data.entries;
    expect(entries).toHaveLength(4);
    const mine = entries.filter((e: { entry?: unknown }) => e.entry);
    expect(mine).toHaveLength(3);
    for (const e of entries) {
      if (e.entry) {
        expect(e.entry).toMatchObject({ kind: 'payment.completed', creatorId: creator.id, amount: { amount: 1999, currency: 'USD' } });
        expect(toBase64(hashLeaf(utf8(canonicalJson(e.entry))))).toBe(e.leafHash);
      }
      const proof = (await api(srv.url, 'GET', `/api/v1/log/proofs/inclusion?index=${e.index}&treeSize=${sth.treeSize}`)).body.data;
      expect(proof.leafHash).toBe(e.leafHash);
      expect(checkInclusion(e.leafHash, e.index, sth.treeSize, proof.proof, sth.rootHash)).toEqual({ ok: true });
    }
  });

  it.skipIf(skip)('other creators and anonymous callers see hashes only; the paying fan sees its entries', async () => {
    const anon = (await api(srv.url, 'GET', '/api/v1/log/entries?start=0&end=3')).body.data.entries;
    expect(anon.every((e: Record<string, unknown>) => e.entry === undefined && typeof e.leafHash === 'string')).toBe(true);
    const theirs = (await api(srv.url, 'GET', '/api/v1/log/entries?start=0&end=3', undefined, bearer(other))).body.data.entries;
    const seen = theirs.filter((e: { entry?: { creatorId: string } }) => e.entry);
    expect(seen).toHaveLength(1);
    expect(seen[0].entry.creatorId).toBe(other.id);
    expect(JSON.stringify(theirs)).not.toContain('1999');
    const fans = (await api(srv.url, 'GET', '/api/v1/log/entries?start=0&end=3', undefined, bearer(fan))).body.data.entries;
    expect(fans.filter((e: { entry?: unknown }) => e.entry)).toHaveLength(4);
  });

  it.skipIf(skip)('a later tree head is consistent with an earlier one', async () => {
    const old = (await api(srv.url, 'GET', '/api/v1/log/tree-head')).body.data;
    const tier = await createTier(srv.url, creator, 1500);
    for (let i = 0; i < 3; i++) expect((await pay(srv.url, fan, { subscriptionId: tier.id })).status).toBe(201);
    const next = (await api(srv.url, 'GET', '/api/v1/log/tree-head')).body.data;
    expect(next.treeSize).toBe(old.treeSize + 3);
    const proof = (await api(srv.url, 'GET', `/api/v1/log/proofs/consistency?first=${old.treeSize}&second=${next.treeSize}`)).body.data.proof;
    expect(checkLogGrowth(old, next, proof, publicKey)).toEqual({ ok: true });
    // A head signed with another key, or edited after signing, is refused.
    expect(checkTreeHead({ ...next, treeSize: next.treeSize + 1 }, publicKey).ok).toBe(false);
    expect(checkLogGrowth(next, old, proof, publicKey).ok).toBe(false);
  });

  it.skipIf(skip)('detects a tampered proof and a tampered stored entry', async () => {
    const sth = (await api(srv.url, 'GET', '/api/v1/log/tree-head')).body.data;
    const p = (await api(srv.url, 'GET', `/api/v1/log/proofs/inclusion?index=1&treeSize=${sth.treeSize}`)).body.data;
    const bad = [...p.proof];
    const bytes = fromBase64(bad[0]);
    bytes[0] = bytes[0]! ^ 1;
    bad[0] = toBase64(bytes);
    expect(checkInclusion(p.leafHash, 1, sth.treeSize, bad, sth.rootHash).ok).toBe(false);
    expect(checkInclusion(p.leafHash, 1, sth.treeSize, p.proof.slice(1), sth.rootHash).ok).toBe(false);
    expect(checkInclusion(p.leafHash, 2, sth.treeSize, p.proof, sth.rootHash).ok).toBe(false);

    expect(await srv.server.money.log.audit()).toEqual({ ok: true, size: sth.treeSize });
    const db = srv.server.db;
    // Someone with database access lowers an amount in a stored entry...
    await db.query(`UPDATE log_entries SET entry = replace(entry, '"amount":1999', '"amount":1899') WHERE idx = 0`);
    const entry = (await api(srv.url, 'GET', '/api/v1/log/entries?start=0&end=0', undefined, bearer(creator))).body.data.entries[0];
    // ...the creator's verifier re-hashes the content and it no longer matches its proven leaf,
    expect(toBase64(hashLeaf(utf8(canonicalJson(entry.entry))))).not.toBe(entry.leafHash);
    expect(await srv.server.money.log.audit()).toMatchObject({ ok: false, reason: 'entry 0 does not match its leaf hash' });
    // ...and rewriting the leaf hash too breaks the signed tree head instead.
    const forged = hashLeaf(utf8((await db.query<{ entry: string }>('SELECT entry FROM log_entries WHERE idx = 0'))[0]!.entry));
    await db.query('UPDATE log_entries SET leaf_hash = $1 WHERE idx = 0', [forged]);
    const leaf0 = toBase64(forged);
    const proof0 = (await api(srv.url, 'GET', `/api/v1/log/proofs/inclusion?index=0&treeSize=${sth.treeSize}`)).body.data.proof;
    expect(checkInclusion(leaf0, 0, sth.treeSize, proof0, sth.rootHash).ok).toBe(false);
    expect((await srv.server.money.log.audit()).ok).toBe(false);
  });

  it.skipIf(skip)('answers bad log queries with 400', async () => {
    const size = (await api(srv.url, 'GET', '/api/v1/log/tree-head')).body.data.treeSize;
    for (const path of [
      '/api/v1/log/entries?start=5&end=2',
      '/api/v1/log/entries?start=-1&end=2',
      '/api/v1/log/entries?start=abc&end=2',
      `/api/v1/log/proofs/inclusion?index=${size}&treeSize=${size}`,
      `/api/v1/log/proofs/inclusion?index=0&treeSize=${size + 1}`,
      '/api/v1/log/proofs/inclusion?index=0',
      `/api/v1/log/proofs/consistency?first=3&second=2`,
      `/api/v1/log/proofs/consistency?first=1&second=${size + 1}`,
    ]) {
      const res = await api(srv.url, 'GET', path);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 400, code: 'VALIDATION_ERROR' });
    }
  });
});
