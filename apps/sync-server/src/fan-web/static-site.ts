// Serves the fan web app's built files (apps/fan-web/dist, built by Vite) at `/`:
// - /assets/* are content-hashed: cached for a year as immutable; pre-compressed .br/.gz siblings are sent
//   when the browser accepts them;
// - index.html is answered for every app path (/, /c/:username, /post/..., /me/..., /vr/..., /signin, ...)
//   with no-cache, so a new deploy is picked up on the next navigation;
// - API, sync, health, metrics and update-feed paths never fall back to the page: they keep their 404s.
// Every response of the app carries a strict Content-Security-Policy (no inline script, media and images
// from this origin or blob:, fetches to this origin only). The server starts without the build (log line).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';

/** Where `vite build` of apps/fan-web writes (the server reads the folder; it imports nothing from the app). */
export const DEFAULT_FAN_WEB_DIR = fileURLToPath(new URL('../../../fan-web/dist/', import.meta.url));

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  // hls.js may run its demuxer in a worker made from a blob: URL.
  "worker-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths that belong to the server, never to the app: an unknown one stays a JSON 404. */
const SERVER_PREFIXES = /^\/(api|sync|health|metrics|updates|assets)(\/|$|\?)/;

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('cross-origin-opener-policy', 'same-origin');
}

export async function serveFanWeb(app: FastifyInstance, opts: { dir: string; log: Logger }): Promise<boolean> {
  const indexPath = join(opts.dir, 'index.html');
  if (!existsSync(indexPath)) {
    opts.log.warn(
      { dir: opts.dir },
      `fan web app not built (no ${indexPath}); the API runs without it. Build it with "npm run build -w @fanz/fan-web" or start with "npm start".`,
    );
    return false;
  }
  const index = readFileSync(indexPath);

  await app.register(fastifyStatic, {
    root: join(opts.dir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    wildcard: true,
    index: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (res) => {
      res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });

  const sendIndex = (reply: FastifyReply) =>
    secure(reply).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);

  app.get('/', async (_req, reply) => sendIndex(reply));
  app.get('/*', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    // A missing file (favicon.ico, robots.txt, a stale asset) or a server path is a real 404.
    if (SERVER_PREFIXES.test(path) || /\.[A-Za-z0-9]{1,8}$/.test(path)) return reply.callNotFound();
    return sendIndex(reply);
  });
  opts.log.info({ dir: opts.dir }, 'serving the fan web app at /');
  return true;
}
