// OpenAPI operations of the /api/v1 routes registered on Fastify directly (off the RouteTable): they answer
// bytes, speak tus or are the document itself, so their successes are not the JSON envelope. Written by hand
// here because no zod schema describes them; errors are still the error envelope. None of them takes an API
// key (only the RouteTable authenticates keys), so each says x-fanz-scope "none".

type Op = Record<string, unknown>;

const error = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const binary = (...types: string[]) => Object.fromEntries(types.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]));
const header = (description: string, type: 'string' | 'integer' = 'string') => ({ description, schema: { type } });
const pathParam = (name: string, description?: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, ...(description ? { description } : {}) });
const reqHeader = (name: string, description: string, required = false, type: 'string' | 'integer' = 'string') => ({ name, in: 'header', required, description, schema: { type } });

const rangeHeader = reqHeader('Range', 'A single byte range (`bytes=start-end`); answered 206 with Content-Range.');
const rangeResponses = (types: string[]) => ({
  '200': { description: 'The whole file', headers: { 'Accept-Ranges': header('`bytes`'), 'Cache-Control': header('How long the answer may be cached') }, content: binary(...types) },
  '206': { description: 'The requested byte range', headers: { 'Content-Range': header('`bytes start-end/size`'), 'Accept-Ranges': header('`bytes`') }, content: binary(...types) },
  '304': { description: 'The cached copy (If-None-Match) is current' },
  '416': { description: 'The range lies outside the file', headers: { 'Content-Range': header('`bytes */size`') } },
  default: error,
});
const preview = (what: string, types: string[]) => ({
  summary: `The media's ${what}: public once a published post shows it, always for its creator (bearer token)`,
  tags: ['media'],
  'x-fanz-scope': 'none',
  security: [{}, { bearer: [] }],
  parameters: [pathParam('mediaId'), rangeHeader],
  responses: rangeResponses(types),
});

const TUS_VERSION = reqHeader('Tus-Resumable', 'The tus protocol version: `1.0.0`.', true);
const tusOut = { 'Tus-Resumable': header('`1.0.0`') };
const tusErrors = {
  '409': { description: 'Upload-Offset is not where the upload is, or the upload is already stored or rejected (start a new one)' },
  '412': { description: 'Tus-Resumable is missing or not a supported version' },
  '413': { description: 'Upload-Length is past the largest upload, or the storage quota is used up' },
  default: error,
};
const tus = (summary: string, op: Op): Op => ({ summary, tags: ['media'], 'x-fanz-scope': 'none', security: [{ bearer: [] }], ...op });
const uploadId = pathParam('uploadId', 'The upload id from the Location of its creation answer.');
// OPTIONS is a browser's CORS preflight, answered by the API's CORS plugin before tus sees it.
const options = {
  summary: 'CORS preflight for browser tus clients (Origin and Access-Control-Request-Method required; no authentication)',
  tags: ['media'],
  'x-fanz-scope': 'none',
  security: [],
  parameters: [reqHeader('Origin', 'The page origin.', true), reqHeader('Access-Control-Request-Method', 'The method the client will send.', true)],
  responses: {
    '204': { description: 'Allowed', headers: { 'Access-Control-Allow-Origin': header('The allowed origin'), 'Access-Control-Allow-Methods': header('Allowed methods') } },
    '400': { description: 'Not a preflight request (no Origin or Access-Control-Request-Method)' },
  },
};
const create = tus('Start a tus upload of a media file (creators; Upload-Metadata names mediaId, path and sha256)', {
  parameters: [
    TUS_VERSION,
    reqHeader('Upload-Length', 'The file size in bytes (deferred lengths are refused).', true, 'integer'),
    reqHeader('Upload-Metadata', 'Comma-separated `key base64(value)` pairs: mediaId, path, sha256.', true),
    reqHeader('Content-Type', '`application/offset+octet-stream` when the request carries the first bytes (creation-with-upload).'),
  ],
  requestBody: { required: false, content: binary('application/offset+octet-stream') },
  responses: {
    '201': { description: 'Created', headers: { ...tusOut, Location: header('The upload URL (/api/v1/uploads/{uploadId})'), 'Upload-Offset': header('Bytes received so far', 'integer') } },
    ...tusErrors,
  },
});
const patch = tus('Append bytes at Upload-Offset to a tus upload (the last chunk completes the media file)', {
  parameters: [
    uploadId,
    TUS_VERSION,
    reqHeader('Upload-Offset', 'Where these bytes go: the offset the server has.', true, 'integer'),
    reqHeader('Content-Type', '`application/offset+octet-stream`', true),
  ],
  requestBody: { required: true, content: binary('application/offset+octet-stream') },
  responses: {
    '204': { description: 'Appended', headers: { ...tusOut, 'Upload-Offset': header('Bytes received so far', 'integer') } },
    '422': { description: 'The last chunk completed a file whose sha256 is not the one given at creation: the upload is deleted (MEDIA_CHECKSUM_MISMATCH)' },
    '460': { description: "tus' Upload-Checksum mismatch, only where the upload store checks Upload-Checksum (the sha256 check above is the one every upload gets)" },
    ...tusErrors,
  },
});
const head = tus('Where a tus upload stands (its offset and length), to resume it', {
  parameters: [uploadId, TUS_VERSION],
  responses: {
    '200': {
      description: 'The upload',
      headers: { ...tusOut, 'Upload-Offset': header('Bytes received so far', 'integer'), 'Upload-Length': header('The file size', 'integer'), 'Upload-Metadata': header('The metadata it was created with'), 'Cache-Control': header('`no-store`') },
    },
    ...tusErrors,
  },
});
const terminate = tus('Abandon an unfinished tus upload (termination)', {
  parameters: [uploadId, TUS_VERSION],
  responses: { '204': { description: 'Terminated', headers: tusOut }, ...tusErrors },
});
// The collection URL answers every method (tus routes by path itself); only POST creates there.
const onCollection = (summary: string) => tus(summary, { parameters: [TUS_VERSION], responses: { ...tusErrors } });

/** Path item per OpenAPI path, merged into the document after the RouteTable's operations. */
export const RAW_ROUTE_PATHS: Record<string, Record<string, Op>> = {
  '/api/v1/openapi.json': {
    get: {
      summary: 'This OpenAPI 3.0 document, bare (not in the envelope)',
      tags: ['meta'],
      'x-fanz-scope': 'none',
      security: [],
      responses: { '200': { description: 'The document', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  },
  '/api/v1/media/{mediaId}/poster': { get: preview('poster image (an image\'s is its blurred preview)', ['image/jpeg', 'image/webp']) },
  '/api/v1/media/{mediaId}/preview': { get: preview('blurred preview image', ['image/jpeg', 'image/webp']) },
  '/api/v1/media/{mediaId}/teaser': { get: preview('teaser clip', ['video/mp4']) },
  '/api/v1/media/{mediaId}/s/{token}/{file}': {
    get: {
      summary: 'A file of the media (HLS playlist, segment or download) through the signed playback URL /playback answers',
      description: '`file` is a path of the media, slashes included (e.g. `hls/720p/index.m3u8`); the token in the URL is the access, so no Authorization header is needed.',
      tags: ['media'],
      'x-fanz-scope': 'none',
      security: [],
      parameters: [pathParam('mediaId'), pathParam('token', 'The signed, expiring playback token.'), pathParam('file', 'The file path within the media, may contain `/`.'), rangeHeader],
      responses: rangeResponses(['application/vnd.apple.mpegurl', 'video/mp4', 'video/iso.segment', 'audio/mp4', 'image/jpeg', 'image/webp', 'text/vtt']),
    },
  },
  '/api/v1/creators/{username}/avatar': {
    get: {
      summary: "A creator's avatar image (public; ?v=<hash> URLs are cached for a year)",
      tags: ['creators'],
      'x-fanz-scope': 'none',
      security: [],
      parameters: [pathParam('username'), { name: 'v', in: 'query', required: false, schema: { type: 'string' } }, reqHeader('If-None-Match', 'The ETag of a cached copy.')],
      responses: {
        '200': { description: 'The image', headers: { ETag: header('Its content hash'), 'Cache-Control': header('How long it may be cached') }, content: binary('image/png', 'image/jpeg', 'image/webp') },
        '304': { description: 'The cached copy (If-None-Match) is current' },
        default: error,
      },
    },
  },
  '/api/v1/vr/experiences/{id}/qr.png': {
    get: {
      summary: "A QR code (PNG, 512 px) of the experience's access URL (public)",
      tags: ['vr'],
      'x-fanz-scope': 'none',
      security: [],
      parameters: [pathParam('id')],
      responses: { '200': { description: 'The QR code', content: binary('image/png') }, default: error },
    },
  },
  '/api/v1/uploads': {
    post: create,
    options,
    head: onCollection('No upload at the collection URL (answers 404); HEAD /api/v1/uploads/{uploadId}'),
    patch: onCollection('No upload at the collection URL (answers 404); PATCH /api/v1/uploads/{uploadId}'),
    delete: onCollection('No upload at the collection URL (answers 404); DELETE /api/v1/uploads/{uploadId}'),
  },
  '/api/v1/uploads/{uploadId}': {
    head,
    patch,
    delete: terminate,
    options: { ...options, parameters: [uploadId, ...options.parameters] },
    post: tus('Not a creation URL: tus answers POST here as at /api/v1/uploads (creates a new upload)', { parameters: [uploadId, TUS_VERSION], responses: { '201': { description: 'Created', headers: tusOut }, ...tusErrors } }),
  },
};
