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

export async function startCountingProxy(
  target: { host: string; port: number },
  o: { bytesPerSecond?: number; port?: number; corruptFirstPatch?: boolean } = {},
): Promise<CountingProxy> {
  // Flips one body byte of the first tus request with file bytes that passes (a PATCH, or a creation POST
  // carrying the file), so the server's sha256 check must refuse it.
  let corrupt = o.corruptFirstPatch ? 'waiting' : 'done';
  let total = 0;
  let freeAt = 0;
  const sockets = new Set<Socket>();
  const rate = o.bytesPerSecond ?? 0;
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let flipNext = false;
    client.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (corrupt === 'waiting') {
        if (flipNext && chunk.length > 0) {
          chunk[0] = chunk[0]! ^ 0xff;
          corrupt = 'done';
        } else {
          // A PATCH, or a creation POST that carries the file (creation-with-upload).
          const patch = chunk.indexOf('PATCH /api/v1/uploads/');
          const post = chunk.indexOf('POST /api/v1/uploads ');
          const at = patch >= 0 ? patch : post;
          let body = at >= 0 ? chunk.indexOf('\r\n\r\n', at) : -1;
          if (at === post && body >= 0 && !/content-type:\s*application\/offset\+octet-stream/i.test(chunk.subarray(at, body).toString('latin1'))) body = -1;
          if (body >= 0 && body + 4 < chunk.length) {
            chunk[body + 4] = chunk[body + 4]! ^ 0xff;
            corrupt = 'done';
          } else if (body >= 0) flipNext = true;
        }
      }
      upstream.write(chunk);
      if (!rate) return;
      // One budget for all connections, with no credit saved up while idle: each chunk books its share of
      // the line after the previous one, and the sender waits until its booking is due.
      const now = Date.now();
      freeAt = Math.max(freeAt, now) + (chunk.length / rate) * 1000;
      const due = freeAt - now;
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
  await new Promise<void>((r) => server.listen(o.port ?? 0, '127.0.0.1', () => r()));
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
