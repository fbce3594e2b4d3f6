// Yjs sync over the y-websocket protocol with the stock WebsocketProvider, on PGlite and PostgreSQL:
// convergence, late joiners, authorization on the socket, bad frames, oversized updates, compaction,
// idle unloading and persistence across a clean restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import {
  BACKENDS,
  JWT_SECRET,
  connect,
  eventually,
  makeStorage,
  pgSkipReason,
  rawSocket,
  register,
  startServer,
  synced,
  waitFor,
  type Account,
  type Client,
  type Running,
  type Storage,
} from './helpers.js';

function updateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0); // sync
  encoding.writeVarUint(e, 2); // update
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

describe.each(BACKENDS)('Yjs sync on %s', (backend) => {
  const skip = backend === 'postgres' && pgSkipReason !== null;
  let storage: Storage;
  let srv: Running;
  let alice: Account;
  let bob: Account;
  let fan: Account;
  const clients: Client[] = [];
  const client = (docName: string, token: string | undefined) => {
    const c = connect(srv.wsUrl, docName, token);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    if (skip) return;
    storage = makeStorage(backend);
    srv = await startServer(storage, { syncCompactEvery: 20, syncDocIdleMs: 300, syncMaxMessageBytes: 1024 * 1024 });
    [alice, bob, fan] = await Promise.all([register(srv.url, 'creator'), register(srv.url, 'creator'), register(srv.url, 'fan')]);
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    if (skip) return;
    await srv?.close();
    await storage?.cleanup();
  });

  it.skipIf(skip)('two providers editing concurrently converge, and a third joining later receives everything', async () => {
    const doc = `creator:${alice.id}`;
    const a = client(doc, alice.accessToken);
    const b = client(doc, alice.accessToken);
    await Promise.all([synced(a), synced(b)]);
    for (let i = 0; i < 30; i++) {
      a.doc.getArray<string>('posts').push([`a${i}`]);
      b.doc.getArray<string>('posts').push([`b${i}`]);
      if (i % 10 === 0) a.doc.getMap('tiers').set(`t${i}`, { price: { amount: 999 + i, currency: 'USD' } });
    }
    b.doc.getText('bio').insert(0, 'hello from b');
    await waitFor(
      () => a.doc.getArray('posts').length === 60 && b.doc.getArray('posts').length === 60 && a.doc.getText('bio').length > 0,
      'convergence',
    );
    expect(a.doc.getArray('posts').toJSON()).toEqual(b.doc.getArray('posts').toJSON());
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));

    const c = client(doc, alice.accessToken);
    await synced(c);
    await waitFor(() => c.doc.getArray('posts').length === 60, 'late joiner');
    expect(c.doc.getArray('posts').toJSON()).toEqual(a.doc.getArray('posts').toJSON());
    expect(c.doc.getMap('tiers').toJSON()).toEqual(a.doc.getMap('tiers').toJSON());
    expect(c.doc.getText('bio').toString()).toBe('hello from b');
  });

  it.skipIf(skip)('refuses a fan token, another creator, an expired token and no token before sending any data', async () => {
    const doc = `creator:${alice.id}`;
    const expired = await new SignJWT({ typ: 'access', role: 'creator', sid: 'ses_x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(alice.id)
      .setIssuer('fanz-sync-server')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(JWT_SECRET));
    const cases: [string, string | undefined, number][] = [
      ['fan', fan.accessToken, 4403],
      ['other creator', bob.accessToken, 4403],
      ['expired', expired, 4401],
      ['garbage token', 'not-a-jwt', 4401],
      ['refresh token used as access token', alice.refreshToken, 4401],
      ['no token', undefined, 4401],
    ];
    for (const [label, token, code] of cases) {
      const q = token === undefined ? '' : `?token=${encodeURIComponent(token)}`;
      const s = await rawSocket(`${srv.wsUrl}/${doc}${q}`);
      const end = await s.closed;
      expect({ label, code: end.code, messages: end.messages }).toEqual({ label, code, messages: 0 });
      expect(end.reason.length).toBeGreaterThan(0);
    }
    // The stock provider stops retrying on 44xx and reports the close.
    const refused = client(doc, fan.accessToken);
    const closed = await new Promise<{ code: number }>((r) => refused.provider.on('closed', (e) => r(e)));
    expect(closed.code).toBe(4403);
    expect(refused.doc.getArray('posts').length).toBe(0);
    // Unknown document namespaces are refused too, even for their "owner".
    const other = await rawSocket(`${srv.wsUrl}/private:${alice.id}?token=${alice.accessToken}`);
    expect((await other.closed).code).toBe(4403);
  });

  it.skipIf(skip)('a garbage frame and an oversized update close only that connection; others keep syncing', async () => {
    const doc = `creator:${bob.id}`;
    const a = client(doc, bob.accessToken);
    const b = client(doc, bob.accessToken);
    await Promise.all([synced(a), synced(b)]);

    const garbage = await rawSocket(`${srv.wsUrl}/${doc}?token=${bob.accessToken}`);
    garbage.ws.send(Buffer.from([0, 2, 50, 0xff, 0xfe, 0x13, 0x37, 1, 2, 3]));
    const g = await garbage.closed;
    expect(g.code).toBe(4400);
    expect(g.reason).toMatch(/malformed/);

    const unknownType = await rawSocket(`${srv.wsUrl}/${doc}?token=${bob.accessToken}`);
    unknownType.ws.send(Buffer.from([0x7f, 1, 2]));
    expect((await unknownType.closed).code).toBe(4400);

    const text = await rawSocket(`${srv.wsUrl}/${doc}?token=${bob.accessToken}`);
    text.ws.send('{"hello":1}');
    expect((await text.closed).code).toBe(4400);

    // A 10 MB Yjs update, well-formed, over the limit.
    const big = new Y.Doc();
    big.getText('t').insert(0, 'x'.repeat(10 * 1024 * 1024));
    const huge = await rawSocket(`${srv.wsUrl}/${doc}?token=${bob.accessToken}`);
    huge.ws.send(updateMessage(Y.encodeStateAsUpdate(big)));
    const h = await huge.closed;
    expect(h.code).toBe(1009);
    big.destroy();

    a.doc.getMap('m').set('after', 'still works');
    await waitFor(() => b.doc.getMap('m').get('after') === 'still works', 'sync after bad peers');
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true);
    expect(b.doc.getText('t').length).toBe(0); // nothing of the rejected update leaked
    const health = await fetch(`${srv.url}/health`);
    expect(health.status).toBe(200);
  });

  it.skipIf(skip)('compacts the update log into a snapshot and unloads idle documents, losing nothing', async () => {
    const owner = await register(srv.url, 'creator');
    const doc = `creator:${owner.id}`;
    const a = client(doc, owner.accessToken);
    await synced(a);
    for (let i = 0; i < 75; i++) a.doc.getArray('items').push([i]);
    const b = client(doc, owner.accessToken);
    await waitFor(() => b.doc.getArray('items').length === 75, 'second client');
    const logRows = async () =>
      (await srv.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM yjs_updates WHERE doc_name = $1', [doc]))[0]!.n;
    // Compaction runs right after the batch that crossed the threshold was applied (and broadcast).
    await eventually(async () => (await logRows()) < 20, 'log bounded by syncCompactEvery');
    const snap = await srv.server.db.query('SELECT 1 FROM yjs_documents WHERE name = $1 AND snapshot IS NOT NULL', [doc]);
    expect(snap.length).toBe(1);

    a.destroy();
    b.destroy();
    await waitFor(() => !srv.server.docs.isLoaded(doc), 'idle unload', 10_000);
    expect(await logRows()).toBe(0); // compacted on unload

    const c = client(doc, owner.accessToken);
    await synced(c);
    await waitFor(() => c.doc.getArray('items').length === 75, 'reload from snapshot');
    expect(c.doc.getArray('items').toJSON()).toEqual(Array.from({ length: 75 }, (_, i) => i));
  });

  it.skipIf(skip)('server-side edits are stored, then reach connected clients', async () => {
    const owner = await register(srv.url, 'creator');
    const doc = `creator:${owner.id}`;
    const c = client(doc, owner.accessToken);
    await synced(c);
    await srv.server.docs.edit(doc, (d) => d.getMap('tiers').set('tier_1', { name: 'Gold', price: { amount: 999, currency: 'USD' } }));
    await waitFor(() => c.doc.getMap('tiers').has('tier_1'), 'server edit reaches the client');
    const rows = await srv.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM yjs_updates WHERE doc_name = $1', [doc]);
    expect(rows[0]!.n).toBeGreaterThan(0);
    // Also on a document nobody has open: it is loaded, edited, stored, and seen by the next client.
    const other = await register(srv.url, 'creator');
    await srv.server.docs.edit(`creator:${other.id}`, (d) => d.getMap('tiers').set('t', 1));
    const late = client(`creator:${other.id}`, other.accessToken);
    await synced(late);
    await waitFor(() => late.doc.getMap('tiers').get('t') === 1, 'stored server edit');
  });

  it.skipIf(skip)('a revoked session (logout) closes its open sync sockets', async () => {
    const owner = await register(srv.url, 'creator');
    const c = client(`creator:${owner.id}`, owner.accessToken);
    await synced(c);
    const closed = new Promise<{ code: number }>((r) => c.provider.on('closed', (e) => r(e)));
    const res = await fetch(`${srv.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect((await closed).code).toBe(4401);
  });
});
