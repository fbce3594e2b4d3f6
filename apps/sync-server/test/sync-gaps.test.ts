// How a loaded document takes in updates that another instance stored (multi-instance sync): entries are
// applied in per-document sequence, duplicates once, and a missing one is read back from the database,
// also after another instance compacted it into the snapshot. Two DocStores on one database stand for
// two instances; entries are handed to the document as the Redis relay hands them over.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import * as Y from 'yjs';
import type { Database } from '../src/db/database.js';
import { DocStore } from '../src/sync/doc-store.js';
import { SharedDoc } from '../src/sync/shared-doc.js';
import { BACKENDS, useDatabase, waitFor } from './helpers.js';

describe.each(BACKENDS)('updates from another instance on %s', (backend) => {
  let db: Database;
  const { skip } = useDatabase(backend, (opened) => (db = opened));

  /** "Instance A": its own store and document, producing updates; "instance B": a loaded SharedDoc. */
  async function setup(name: string) {
    const writerStore = new DocStore(db);
    const writer = new Y.Doc();
    const updates: Uint8Array[] = [];
    writer.on('update', (u: Uint8Array) => updates.push(u));
    const commit = async (value: string) => {
      writer.getArray<string>('items').push([value]);
      const u = updates[updates.length - 1]!;
      return { seq: await writerStore.append(name, [u]), update: u };
    };
    const store = new DocStore(db);
    const received: Uint8Array[] = [];
    const doc = new SharedDoc(name, await store.load(name), { store, log: pino({ level: 'silent' }), compactEvery: 1000, onPersisted: () => {} });
    doc.addPeer({ send: (m) => received.push(m) });
    const items = () => doc.doc.getArray<string>('items').toArray();
    return { writer, writerStore, commit, doc, received, items };
  }

  it.skipIf(skip)('a missing entry is read from the database; later ones wait for it and apply in order', async () => {
    const { commit, doc, received, items } = await setup('gaps:a');
    const e1 = await commit('one');
    const e2 = await commit('two');
    const e3 = await commit('three');
    expect([e1.seq, e2.seq, e3.seq]).toEqual([1, 2, 3]);
    // Entry 2's stream message is lost; 3 arrives, then 1.
    doc.remoteUpdate(e3.seq, e3.update);
    expect(doc.watermark).toBe(0);
    expect(items()).toEqual([]);
    doc.remoteUpdate(e1.seq, e1.update);
    expect(doc.watermark).toBe(1);
    expect(items()).toEqual(['one']);
    await waitFor(() => doc.watermark === 3, 'the gap read from the database');
    expect(items()).toEqual(['one', 'two', 'three']);
    expect(received.length).toBeGreaterThan(0); // local peers got the changes
    // Duplicates (a resumed stream read) change nothing.
    const before = Y.encodeStateAsUpdate(doc.doc);
    doc.remoteUpdate(e2.seq, e2.update);
    doc.remoteUpdate(e3.seq, e3.update);
    expect(Y.encodeStateAsUpdate(doc.doc)).toEqual(before);
    doc.destroy();
  });

  it.skipIf(skip)('catch-up after a compaction elsewhere gets the snapshot, so nothing the trimmed log held is lost', async () => {
    const { writer, writerStore, commit, doc, items } = await setup('gaps:b');
    await commit('one');
    await commit('two');
    const e3 = await commit('three');
    // The other instance folds its log into the snapshot; rows 1..3 are gone from yjs_updates.
    await writerStore.compact('gaps:b', Y.encodeStateAsUpdate(writer), e3.seq);
    expect(await writerStore.logLength('gaps:b')).toBe(0);
    const e4 = await commit('four');
    await doc.catchUp();
    expect(doc.watermark).toBe(e4.seq);
    expect(items()).toEqual(['one', 'two', 'three', 'four']);
    doc.destroy();
  });

  it.skipIf(skip)('own commits interleaved with another instance\'s advance the watermark once both are present', async () => {
    const { commit, doc, items } = await setup('gaps:c');
    const e1 = await commit('theirs');
    // Our own client's update is stored after theirs (seq 2) before their entry reached us.
    const mine = new Y.Doc();
    mine.getArray<string>('items').push(['mine']);
    await doc.submit(Y.encodeStateAsUpdate(mine), null);
    expect(doc.watermark).toBe(0);
    doc.remoteUpdate(e1.seq, e1.update);
    expect(doc.watermark).toBe(2);
    expect([...items()].sort()).toEqual(['mine', 'theirs']);
    doc.destroy();
  });
});
