// Updates that pile up while a write is in flight are stored together, then applied as one update and
// sent to each peer as one message holding only what that peer did not send itself.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import type { Database } from '../src/db/database.js';
import { DocStore } from '../src/sync/doc-store.js';
import { MSG_SYNC } from '../src/sync/protocol.js';
import { SharedDoc } from '../src/sync/shared-doc.js';
import { BACKENDS, useDatabase } from './helpers.js';

/** The Yjs update inside a y-websocket sync-update message. */
function updateOf(message: Uint8Array): Uint8Array {
  const d = decoding.createDecoder(message);
  expect(decoding.readVarUint(d)).toBe(MSG_SYNC);
  expect(decoding.readVarUint(d)).toBe(syncProtocol.messageYjsUpdate);
  return decoding.readVarUint8Array(d);
}

describe.each(BACKENDS)('a stored batch on %s', (backend) => {
  let db: Database;
  const { skip } = useDatabase(backend, (opened) => (db = opened));

  it.skipIf(skip)('is sent to each peer as one message without its own updates; every peer converges', async () => {
    const store = new DocStore(db);
    const shared = new SharedDoc('batch:a', await store.load('batch:a'), { store, log: pino({ level: 'silent' }), compactEvery: 1000, onPersisted: () => {} });
    const clients = ['a', 'b', 'c'].map((id) => {
      const doc = new Y.Doc();
      const updates: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'server' && updates.push(u));
      const received: Uint8Array[] = [];
      const peer = { send: (m: Uint8Array) => received.push(m) };
      shared.addPeer(peer);
      const edit = (value: string) => {
        doc.getArray<string>('items').push([value]);
        return shared.submit(updates[updates.length - 1]!, peer);
      };
      return { id, doc, received, edit };
    });
    const [a, b, c] = clients as [(typeof clients)[0], (typeof clients)[0], (typeof clients)[0]];
    const first = a.edit('a1'); // written alone; the next three pile up behind it
    await Promise.all([first, a.edit('a2'), b.edit('b1'), c.edit('c1')]);

    expect(shared.doc.getArray<string>('items').toArray().sort()).toEqual(['a1', 'a2', 'b1', 'c1']);
    expect(a.received).toHaveLength(1); // b1 + c1
    expect(b.received).toHaveLength(2); // a1, then a2 + c1
    expect(c.received).toHaveLength(2); // a1, then a2 + b1
    for (const client of clients) {
      const seen = new Y.Doc();
      for (const m of client.received) Y.applyUpdate(seen, updateOf(m));
      expect(seen.getArray<string>('items').toArray().filter((v) => v.startsWith(client.id))).toEqual([]);
      for (const m of client.received) Y.applyUpdate(client.doc, updateOf(m), 'server');
      expect(client.doc.getArray<string>('items').toArray()).toEqual(shared.doc.getArray<string>('items').toArray());
    }
    // All four are stored, in one document sequence.
    expect((await store.load('batch:a')).updates).toHaveLength(4);
    shared.destroy();
  });
});
