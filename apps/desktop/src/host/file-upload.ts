// Browser mode's file picker and drag-and-drop: the page cannot hand the host a file path, so it streams
// each chosen file here (PUT /upload/<token>/<file name>) and the host writes it under
// <data dir>/imports/<batch>/<random>/<name> (streamed to disk, never held in memory), answering the path it wrote so the
// page can import it like a typed path. A broken or aborted upload leaves no partial file.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** Largest single file accepted (a long 4K clip fits). */
export const MAX_UPLOAD_BYTES = 64 * 1024 ** 3;

/** A file name that is safe as one path segment: no directories, no control or shell-unfriendly chars. */
export function safeFileName(name: string): string | null {
  const base = basename(name.replace(/\\/g, '/')).normalize('NFC');
  const cleaned = base.replace(/[^\p{L}\p{N} ._()-]/gu, '_').replace(/^\.+/, '').slice(-120).trim();
  return cleaned && /[\p{L}\p{N}]/u.test(cleaned) ? cleaned : null;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

/** Writes the request body to <dataDir>/imports/<batch>/<name>; batch ids come from the page (one per pick). */
export async function receiveUpload(req: IncomingMessage, res: ServerResponse, dataDir: string, batch: string, rawName: string): Promise<void> {
  const name = safeFileName(rawName);
  if (!name) return json(res, 400, { error: { code: 'BAD_FILE_NAME', message: 'That file name cannot be used. Rename the file and try again.' } });
  if (!/^[A-Za-z0-9_-]{6,40}$/.test(batch)) return json(res, 400, { error: { code: 'BAD_BATCH', message: 'Malformed upload batch.' } });
  const length = Number(req.headers['content-length'] ?? NaN);
  if (!Number.isSafeInteger(length) || length < 0) return json(res, 411, { error: { code: 'LENGTH_REQUIRED', message: 'The file size is missing.' } });
  if (length > MAX_UPLOAD_BYTES) return json(res, 413, { error: { code: 'TOO_LARGE', message: `${name} is larger than 64 GB.` } });
  // A folder per file keeps its name as is (the library titles items by file name) and two files with the
  // same name in one batch both survive.
  const dir = join(dataDir, 'imports', batch, randomBytes(4).toString('hex'));
  await mkdir(dir, { recursive: true });
  const file = join(dir, name);
  try {
    await pipeline(req, createWriteStream(file, { flags: 'wx' }));
  } catch {
    await rm(file, { force: true });
    if (!res.headersSent) json(res, 400, { error: { code: 'UPLOAD_ABORTED', message: `${name} did not arrive completely. Try again.` } });
    return;
  }
  json(res, 201, { path: file, name });
}
