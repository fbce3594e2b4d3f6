// The server process is killed with SIGKILL mid-stream and restarted on the same storage: every update a
// client saw from the server (it is broadcast only after it is stored) must still be there. Then a clean
// SIGTERM stop must flush and exit 0. Runs src/main.ts as a real child process, on PGlite and PostgreSQL.
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS, connect, makeStorage, pgSkipReason, register, synced, waitFor, type Client, type Storage } from './helpers.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

type Child = ServerProcess;

const startChild = (storage: Storage): Promise<Child> => startServerProcess(storage, { SYNC_COMPACT_EVERY: '40' });

describe.each(BACKENDS)('crash recovery on %s', (backend) => {
  const skip = backend === 'postgres' && pgSkipReason !== null;
  const storage = makeStorage(backend, { fresh: true });
  const clients: Client[] = [];
  const children: Child[] = [];
  afterAll(async () => {
    for (const c of clients) c.destroy();
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await storage.cleanup();
  });

  it.skipIf(skip)(
    'SIGKILL loses no acknowledged update, and SIGTERM flushes and exits cleanly',
    async () => {
      const first = await startChild(storage);
      children.push(first);
      const creator = await register(first.url, 'creator');
      const doc = `creator:${creator.id}`;
      const a = connect(first.wsUrl, doc, creator.accessToken);
      const b = connect(first.wsUrl, doc, creator.accessToken);
      clients.push(a, b);
      await Promise.all([synced(a), synced(b)]);
      b.doc.getMap('profile').set('name', 'B was here');
      await waitFor(() => a.doc.getMap('profile').get('name') === 'B was here', 'b -> a');

      // A writes continuously; we kill the server while updates are in flight.
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing; i++) {
          a.doc.getArray<string>('log').push([`a-${i}`]);
          if (i % 5 === 0) await new Promise((r) => setTimeout(r, 1));
        }
      })();
      await waitFor(() => b.doc.getArray('log').length >= 150, 'b to see 150 of a updates', 30_000);
      first.proc.kill('SIGKILL');
      const killed = await first.exited;
      writing = false;
      await writer;
      expect(killed.signal).toBe('SIGKILL');
      // What B received from the server before the kill is, by construction, acknowledged.
      const seen = b.doc.getArray<string>('log').toArray();
      const sentByA = a.doc.getArray('log').length;
      a.destroy();
      b.destroy();
      expect(seen.length).toBeGreaterThanOrEqual(150);

      // Restart on the same storage; the old access token still works (the signing secret is in the DB).
      const second = await startChild(storage);
      children.push(second);
      const c = connect(second.wsUrl, doc, creator.accessToken);
      clients.push(c);
      await synced(c);
      const recovered = new Set(c.doc.getArray<string>('log').toArray());
      const missing = seen.filter((x) => !recovered.has(x));
      expect(missing).toEqual([]);
      expect(recovered.size).toBeLessThanOrEqual(sentByA);
      expect(c.doc.getMap('profile').get('name')).toBe('B was here');

      // Clean stop: SIGTERM closes sockets, writes what is pending, exits 0.
      for (let i = 0; i < 100; i++) c.doc.getArray<string>('after').push([`c-${i}`]);
      const probe = connect(second.wsUrl, doc, creator.accessToken);
      clients.push(probe);
      await waitFor(() => probe.doc.getArray('after').length === 100, 'probe sees c updates');
      second.proc.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
      c.destroy();
      probe.destroy();

      const third = await startChild(storage);
      children.push(third);
      const d = connect(third.wsUrl, doc, creator.accessToken);
      clients.push(d);
      await synced(d);
      expect(d.doc.getArray('after').length).toBe(100);
      expect(d.doc.getArray('log').length).toBe(recovered.size);
      third.proc.kill('SIGTERM');
      expect((await third.exited).code).toBe(0);
    },
    240_000,
  );
});
