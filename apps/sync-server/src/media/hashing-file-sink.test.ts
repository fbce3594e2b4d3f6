import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { HashingFileSink } from './hashing-file-sink.js';
import { Sha256Thread } from './sha256-thread.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempFile(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'fanz-sink-'));
  dirs.push(dir);
  const path = join(dir, 'upl_test');
  writeFileSync(path, bytes);
  return path;
}

describe('HashingFileSink', () => {
  it('writes chunks in place from the offset and hashes exactly the bytes written', async () => {
    const prefix = randomBytes(1000);
    const path = tempFile(prefix);
    const chunks = Array.from({ length: 40 }, (_, i) => randomBytes(1 + i * 5000));
    const thread = new Sha256Thread();
    const hash = thread.create();
    hash.update(prefix);
    const sink = new HashingFileSink(path, prefix.length, hash);
    await pipeline(Readable.from(chunks), sink);
    const all = Buffer.concat([prefix, ...chunks]);
    expect(sink.written).toBe(all.length - prefix.length);
    expect(readFileSync(path).equals(all)).toBe(true);
    expect(await hash.digest()).toBe(createHash('sha256').update(all).digest('hex'));
    await thread.close();
  });

  it('fails when the upload file is gone (r+: nothing is created behind the store)', async () => {
    const path = tempFile(Buffer.alloc(0));
    rmSync(path);
    await expect(pipeline(Readable.from([randomBytes(10)]), new HashingFileSink(path, 0, null))).rejects.toThrow(/ENOENT/);
  });
});

describe('HashingFileSink when the body fails', () => {
  it('still writes the chunks it accepted before the error', async () => {
    const path = tempFile(Buffer.alloc(0));
    const sink = new HashingFileSink(path, 0, null);
    const chunks = [randomBytes(64 * 1024), randomBytes(64 * 1024)];
    async function* body() {
      yield* chunks;
      // Both chunks reach the sink (under its 1 MiB write size, so neither is on disk yet), then the body fails.
      await new Promise((r) => setTimeout(r, 50));
      throw new Error('cable pulled');
    }
    await expect(pipeline(Readable.from(body()), sink)).rejects.toThrow('cable pulled');
    if (!sink.closed) await new Promise((r) => sink.once('close', r));
    expect(readFileSync(path).equals(Buffer.concat(chunks))).toBe(true);
  });
});
