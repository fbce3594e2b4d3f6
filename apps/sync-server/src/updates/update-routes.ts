// The update channel over HTTP: electron-updater's generic-provider feeds (GET /updates/:channel/<feed>.yml),
// their detached signatures (<feed>.sig), the artifacts (Range, multi-range, strong ETags) and the
// operator's public key. Objects are read per request from what the release CLI wrote (folder or S3), so a release is
// served the moment it is published. Staged rollouts are also decided here: a client whose
// x-user-staging-id falls outside the rollout gets the previous release's signed feed.
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { parseRanges, type Range } from './byte-ranges.js';
import type { ReleaseFiles } from './release-files.js';
import { isChannel, isSafeFileName, layout, platformOfFeed, unpackSignedFeed, CHANNELS, type Channel, type Platform } from './release-layout.js';
import { isStagingMatch } from './staging.js';

const params = z.object({ channel: z.string().max(40), file: z.string().max(240) });
const stagingHeader = z.string().max(64).optional();

/** The signed feed this request gets: the current one, or the previous for ids outside the rollout. */
async function chooseFeed(files: ReleaseFiles, channel: Channel, platform: Platform, stagingId: string | undefined) {
  const current = await files.get(layout.feed(channel, platform, 'current'));
  if (!current) return null;
  const cur = unpackSignedFeed(current);
  if (stagingId) {
    const pct = /^stagingPercentage: (\d+)$/m.exec(cur.feed.toString('utf8'));
    if (pct && !isStagingMatch(stagingId, Number(pct[1]))) {
      const previous = await files.get(layout.feed(channel, platform, 'previous'));
      if (previous) return unpackSignedFeed(previous);
    }
  }
  return cur;
}

async function sendArtifact(req: FastifyRequest, reply: FastifyReply, files: ReleaseFiles, key: string): Promise<FastifyReply> {
  const info = await files.stat(key);
  if (!info) throw new ApiError('NOT_FOUND', 'No such release file on this channel.');
  const { size, etag } = info;
  const ifRange = req.headers['if-range'];
  const ranges = parseRanges(ifRange && ifRange !== etag ? undefined : req.headers.range, size);
  if (ranges === 'unsatisfiable') {
    throw new ApiError('RANGE_NOT_SATISFIABLE', `The requested range is beyond the end of the file (${size} bytes).`, { size }, { 'content-range': `bytes */${size}` });
  }
  reply.header('etag', etag).header('accept-ranges', 'bytes').header('cache-control', 'public, max-age=31536000, immutable');
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim() === etag)) return reply.status(304).send();
  const head = req.method === 'HEAD';
  if (!ranges) {
    reply.status(200).header('content-type', 'application/octet-stream').header('content-length', size);
    return reply.send(head ? undefined : await files.read(key));
  }
  if (ranges.length === 1) {
    const r = ranges[0]!;
    reply.status(206).header('content-type', 'application/octet-stream').header('content-range', `bytes ${r.start}-${r.end}/${size}`).header('content-length', r.end - r.start + 1);
    return reply.send(head ? undefined : await files.read(key, r));
  }
  const boundary = `fanz-${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
  const partHead = (r: Range) => Buffer.from(`\r\n--${boundary}\r\ncontent-type: application/octet-stream\r\ncontent-range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = ranges.reduce((n, r) => n + partHead(r).length + r.end - r.start + 1, tail.length);
  reply.status(206).header('content-type', `multipart/byteranges; boundary=${boundary}`).header('content-length', length);
  if (head) return reply.send();
  const body = new PassThrough();
  void (async () => {
    try {
      for (const r of ranges) {
        body.write(partHead(r));
        for await (const chunk of await files.read(key, r)) if (!body.write(chunk)) await new Promise((ok) => body.once('drain', ok));
      }
      body.end(tail);
    } catch (err) {
      body.destroy(err as Error);
    }
  })();
  return reply.send(body);
}

export function updateRoutes(app: FastifyInstance, files: ReleaseFiles): void {
  app.get('/updates/public-key', async (_req, reply) => {
    const key = await files.get(layout.publicKey());
    if (!key) throw new ApiError('NOT_FOUND', 'No release has been published on this server yet, so there is no release key.');
    return reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-cache').send(key);
  });

  app.route({
    method: 'GET',
    url: '/updates/:channel/:file',
    handler: async (req, reply) => {
      const p = params.safeParse(req.params);
      if (!p.success) throw new ApiError('VALIDATION_ERROR', 'Invalid update path.', { reason: 'bad_path' });
      const { channel, file } = p.data;
      if (!isChannel(channel)) throw new ApiError('NOT_FOUND', `Unknown update channel "${channel.slice(0, 40)}" (${CHANNELS.join(', ')}).`, { reason: 'unknown_channel' });
      if (!isSafeFileName(file)) throw new ApiError('VALIDATION_ERROR', 'The file name is not allowed (one path segment of letters, digits, . _ + -).', { reason: 'bad_file_name' });
      const sig = file.endsWith('.yml.sig');
      const feedFile = sig ? file.slice(0, -'.sig'.length) : file;
      if (feedFile.endsWith('.yml')) {
        const platform = platformOfFeed(channel, feedFile);
        if (!platform) throw new ApiError('NOT_FOUND', `No feed "${feedFile}" on channel ${channel}: use ${channel}-linux.yml, ${channel}-mac.yml or ${channel}.yml (Windows).`, { reason: 'unknown_platform' });
        const staging = stagingHeader.safeParse(req.headers['x-user-staging-id']);
        const chosen = await chooseFeed(files, channel, platform, staging.success ? staging.data : undefined);
        if (!chosen) throw new ApiError('NOT_FOUND', `No release is published on ${channel} for ${platform}.`, { reason: 'no_release' });
        if (sig && !chosen.signature) throw new ApiError('NOT_FOUND', 'This feed has no signature.', { reason: 'no_signature' });
        const bytes = sig ? Buffer.from(chosen.signature) : chosen.feed;
        reply.header('cache-control', 'no-cache').header('vary', 'x-user-staging-id');
        return reply.header('content-type', sig ? 'text/plain; charset=utf-8' : 'text/yaml; charset=utf-8').send(bytes);
      }
      return sendArtifact(req, reply, files, layout.artifact(channel, file));
    },
  });
}
