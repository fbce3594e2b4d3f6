// The avatar is checked on this machine before anything is sent: a missing file, a file over 2 MB and a file
// that is not a PNG/JPEG/WebP are refused with a message naming the problem, and the server is never called.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StudioApiError } from '../../../shared/studio-api.js';
import { AVATAR_MAX_BYTES, uploadAvatar } from './creator-profile.js';

const dir = mkdtempSync(join(tmpdir(), 'fanz-avatar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Any call to the server would need a token first; asking for one fails the test.
const deps = { serverUrl: 'http://127.0.0.1:9', accessToken: () => Promise.reject(new Error('the server must not be called')) };

async function refusal(path: string): Promise<StudioApiError> {
  const err = await uploadAvatar(deps, path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StudioApiError);
  return err as StudioApiError;
}

describe('avatar checks before upload', () => {
  it('refuses a missing file', async () => {
    expect((await refusal(join(dir, 'nope.png'))).code).toBe('NOT_FOUND');
  });

  it('refuses a file over 2 MB, saying its size', async () => {
    const big = join(dir, 'big.png');
    writeFileSync(big, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(AVATAR_MAX_BYTES)]));
    const err = await refusal(big);
    expect(err.code).toBe('VALIDATION_ERROR');
    expect(err.message).toMatch(/2049 kB; the limit is 2 MB/);
  });

  it('refuses a file that is not a PNG, JPEG or WebP whatever its name says', async () => {
    const fake = join(dir, 'fake.png');
    writeFileSync(fake, '<svg xmlns="http://www.w3.org/2000/svg"/>');
    const err = await refusal(fake);
    expect(err.code).toBe('VALIDATION_ERROR');
    expect(err.details?.fields?.path).toBe('not a PNG, JPEG or WebP image');
  });
});
