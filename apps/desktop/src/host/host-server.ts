// Browser mode: serves the built renderer and the StudioApi over a WebSocket, on 127.0.0.1 only, guarded
// by a random per-launch token (in the URL fragment, so it never reaches logs or Referer headers). The
// WebSocket also checks Origin, so another web page cannot drive the studio even if it guesses the port.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { answerRequest } from '../main/api-dispatch.js';
import { receiveUpload } from './file-upload.js';
import type { StudioBackend } from '../main/studio-backend.js';
import type { StudioEvent } from '../shared/studio-api.js';
import type { RpcEventFrame, RpcResponse } from '../shared/rpc-envelope.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment',
  '.vtt': 'text/vtt',
};

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' ws://127.0.0.1:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export interface HostOptions {
  backend: StudioBackend;
  rendererDir: string;
  port?: number;
  /** A fixed token (tests); random per launch otherwise. */
  token?: string;
}

export interface RunningHost {
  url: string;
  /** The address to open: url + #token=... */
  openUrl: string;
  token: string;
  close(): Promise<void>;
}

function tokenMatches(expected: Buffer, given: string | null): boolean {
  if (!given) return false;
  const g = Buffer.from(given);
  return g.length === expected.length && timingSafeEqual(g, expected);
}

function within(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Serves a file, honouring one `Range: bytes=a-b` (206, or 416 beyond the end): the local player's HLS
 * segments are byte ranges of one media file per rung. Other range forms get the whole file.
 */
async function sendFile(res: ServerResponse, file: string, cache: string, rangeHeader?: string): Promise<boolean> {
  const s = await stat(file).catch(() => null);
  if (!s?.isFile()) return false;
  const headers = {
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': cache,
    'accept-ranges': 'bytes',
    'x-content-type-options': 'nosniff',
  };
  const m = rangeHeader ? /^bytes=(\d*)-(\d*)$/.exec(rangeHeader.trim()) : null;
  if (m && (m[1] || m[2])) {
    const start = m[1] ? Number(m[1]) : Math.max(0, s.size - Number(m[2]));
    const end = m[1] && m[2] ? Math.min(Number(m[2]), s.size - 1) : s.size - 1;
    if (start >= s.size || end < start) {
      res.writeHead(416, { ...headers, 'content-range': `bytes */${s.size}` }).end();
      return true;
    }
    res.writeHead(206, { ...headers, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${s.size}` });
    createReadStream(file, { start, end }).pipe(res);
    return true;
  }
  res.writeHead(200, { ...headers, 'content-length': s.size });
  createReadStream(file).pipe(res);
  return true;
}

/** decodeURIComponent that answers null for malformed percent-encoding (a client error, not a crash). */
function decodePath(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

export async function startHost(o: HostOptions): Promise<RunningHost> {
  const token = o.token ?? randomBytes(24).toString('base64url');
  const expected = Buffer.from(token);
  const rendererDir = resolve(o.rendererDir);
  const dataDir = resolve(o.backend.studio.dataDir);
  let origin = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'PUT' && u.pathname.startsWith('/upload/')) {
      // /upload/<token>/<batch>/<file name>: the page's file picker and drag-and-drop (file-upload.ts).
      const [, , given = '', batch = '', ...rest] = u.pathname.split('/').map((p) => decodePath(p) ?? '');
      const okOrigin = req.headers.origin === undefined || req.headers.origin === origin;
      if (!okOrigin || !tokenMatches(expected, given)) {
        res.writeHead(401).end('missing or wrong studio token');
        return;
      }
      await receiveUpload(req, res, dataDir, batch, rest.join('/'));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const decoded = decodePath(u.pathname);
    if (decoded === null) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed percent-encoding in the URL');
      return;
    }
    if (u.pathname.startsWith('/media/')) {
      if (!tokenMatches(expected, u.searchParams.get('token'))) {
        res.writeHead(401).end('missing or wrong studio token');
        return;
      }
      const r = o.backend.renditionFile(decoded.slice('/media/'.length));
      const file = r ? resolve(dataDir, r.path) : null;
      if (!file || !within(dataDir, file) || !(await sendFile(res, file, 'private, no-cache'))) res.writeHead(404).end();
      return;
    }
    if (u.pathname.startsWith('/item/')) {
      // /item/<token>/<itemId>/<path>: files of an item's output folder for the local HLS player.
      const [, , given = '', itemId = '', ...rest] = u.pathname.split('/').map((p) => decodePath(p) ?? '');
      if (!tokenMatches(expected, given)) {
        res.writeHead(401).end('missing or wrong studio token');
        return;
      }
      const file = o.backend.itemFile(itemId, rest.join('/'));
      if (!file || !within(dataDir, resolve(file)) || !(await sendFile(res, file, 'private, max-age=60', req.headers.range))) res.writeHead(404).end();
      return;
    }
    const path = normalize(decoded).replace(/^([/\\])+/, '');
    const file = join(rendererDir, path || 'index.html');
    if (path && file.startsWith(rendererDir + sep) && (await sendFile(res, file, path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'))) return;
    // Single-page app: every other path is the app shell.
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    if (!(await sendFile(res, join(rendererDir, 'index.html'), 'no-cache'))) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('the studio UI is not built (npm run build -w @fanz/desktop)');
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const okOrigin = req.headers.origin === undefined || req.headers.origin === origin;
    if (u.pathname !== '/api' || !okOrigin || !tokenMatches(expected, u.searchParams.get('token'))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  function serveSocket(ws: WebSocket): void {
    const onEvent = (event: StudioEvent) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event } satisfies RpcEventFrame));
    };
    o.backend.events.on('event', onEvent);
    ws.on('close', () => o.backend.events.off('event', onEvent));
    ws.on('message', (data) => {
      let request: unknown;
      try {
        request = JSON.parse(data.toString());
      } catch {
        request = null; // answered as a malformed request (id -1)
      }
      void answerRequest(o.backend.api, request).then((response) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response satisfies RpcResponse));
      });
    });
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    openUrl: `${origin}/#token=${token}`,
    token,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
