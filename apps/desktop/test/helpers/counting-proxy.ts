// A TCP proxy in front of the real server that counts the bytes clients send through it and can cap their
// rate, so a test can kill an upload half-way and measure how much a resume sends again (what the server
// received, headers included, so the count is conservative).
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface CountingProxy {
  url: string;
  /** Bytes received from clients so far. */
  sent(): number;
  close(): Promise<void>;
}

export async function startCountingProxy(target: { host: string; port: number }, o: { bytesPerSecond?: number } = {}): Promise<CountingProxy> {
  let total = 0;
  let started: number | null = null;
  const sockets = new Set<Socket>();
  const rate = o.bytesPerSecond ?? 0;
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      total += chunk.length;
      upstream.write(chunk);
      if (!rate) return;
      // One budget for all connections: bytes so far may not run ahead of rate x time since the first byte.
      started ??= Date.now();
      const due = started + (total / rate) * 1000 - Date.now();
      if (due > 0) {
        client.pause();
        setTimeout(() => client.resume(), due);
      }
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.end();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    client.on('error', end);
    upstream.on('close', () => client.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    sent: () => total,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
