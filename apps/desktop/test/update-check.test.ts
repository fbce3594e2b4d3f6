// The studio's update check against the real sync server and feeds published by the real release CLI:
// verified offers, and refusals for a changed byte, a wrong key, a missing signature and a replayed older
// feed; no downgrade unless chosen; the `update check` command's exit codes and JSON.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../sync-server/src/server.js';
import { runRelease } from '../../sync-server/src/updates/release-cli.js';
import { FileReleaseFiles } from '../../sync-server/src/updates/release-files.js';
import { layout, packSignedFeed, unpackSignedFeed } from '../../sync-server/src/updates/release-layout.js';
import { checkForUpdate, describeUpdate, UpdateCheckError, type UpdateCheckOptions } from '../src/main/services/updates/update-check.js';
import { UpdateStateFile } from '../src/main/services/updates/update-state.js';
import { saveUpdateSettings, updateStatus } from '../src/main/services/updates/update-status.js';
import { runCli } from './helpers/cli.js';

let dir: string;
let server: FanzServer;
let base: string;
let keyFile: string;
let env: NodeJS.ProcessEnv;
let n = 0;

async function release(...args: string[]): Promise<void> {
  await runRelease([...args, '--data-dir', join(dir, 'server'), '--key', keyFile], {}, () => {});
}

/** A fresh studio data dir whose staging id is inside every rollout (last 4 bytes 0). */
function studioDir(): string {
  const d = join(dir, `studio-${n++}`);
  const state = new UpdateStateFile(d);
  state.write({ ...state.read(), stagingId: '12345678-1234-4234-8234-123400000000' });
  return d;
}

function check(o: Partial<UpdateCheckOptions> & { dataDir: string }) {
  return checkForUpdate({ server: base, channel: 'beta', currentVersion: '1.0.0', platform: 'linux', env, ...o });
}

async function refusal(p: Promise<unknown>): Promise<UpdateCheckError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(UpdateCheckError);
  return err as UpdateCheckError;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-update-check-'));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  base = await server.listen();
  keyFile = join(dir, 'operator.key');
  let publicKey = '';
  await runRelease(['keygen', '--out', keyFile], {}, (s) => (publicKey = (JSON.parse(s) as { publicKey: string }).publicKey));
  env = { FANZ_UPDATE_PUBLIC_KEY: publicKey };
  for (const v of ['1.0.0', '1.1.0']) writeFileSync(join(dir, `FANZ-Studio-${v}.AppImage`), `app ${v}`);
  writeFileSync(join(dir, 'notes.md'), 'Faster uploads.');
  await release('publish', '--channel', 'beta', '--version', '1.0.0', '--platform', 'linux', '--file', join(dir, 'FANZ-Studio-1.0.0.AppImage'));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('studio update check', () => {
  it('offers a newer release only after its signature verifies, and refuses a replayed older feed', async () => {
    const dataDir = studioDir();
    const first = await check({ dataDir });
    expect(first).toMatchObject({ current: '1.0.0', latest: '1.0.0', available: false, verified: true });
    // Keep the 1.0.0 feed and its signature as an attacker on the file host would.
    const oldFeed = await (await fetch(`${base}/updates/beta/beta-linux.yml`)).arrayBuffer();
    const oldSig = await (await fetch(`${base}/updates/beta/beta-linux.yml.sig`)).text();

    await release('publish', '--channel', 'beta', '--version', '1.1.0', '--platform', 'linux', '--file', join(dir, 'FANZ-Studio-1.1.0.AppImage'), '--staging', '25', '--notes', join(dir, 'notes.md'));
    const offered = await check({ dataDir });
    expect(offered).toMatchObject({ latest: '1.1.0', available: true, verified: true, notes: 'Faster uploads.', stagingPercentage: 25 });
    expect(describeUpdate(offered)).toBe('update available: 1.1.0 (verified)');
    expect(await (await fetch(offered.file.url)).text()).toBe('app 1.1.0');

    const replay: typeof fetch = async (url) => (String(url).endsWith('.sig') ? new Response(oldSig) : new Response(oldFeed));
    const err = await refusal(check({ dataDir, fetch: replay }));
    expect(err.code).toBe('REPLAYED_FEED');
    expect(err.reason).toMatch(/older signed feed.*1\.0\.0/);
  });

  it('refuses a feed with one byte changed', async () => {
    const oneByte: typeof fetch = async (url, init) => {
      const res = await fetch(url, init);
      if (String(url).endsWith('.sig')) return res;
      const bytes = Buffer.from(await res.arrayBuffer());
      bytes[bytes.indexOf('1.1.0') + 4] = '2'.charCodeAt(0); // 1.1.0 -> 1.1.2
      return new Response(bytes);
    };
    const err = await refusal(check({ dataDir: studioDir(), fetch: oneByte }));
    expect(err.code).toBe('BAD_SIGNATURE');
    expect(err.reason).toContain('does not verify');
  });

  it('refuses a feed signed by another key than the app trusts', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).subarray(12).toString('base64');
    const err = await refusal(check({ dataDir: studioDir(), env: { FANZ_UPDATE_PUBLIC_KEY: other } }));
    expect(err.code).toBe('BAD_SIGNATURE');
  });

  it('never offers a lower version unless a channel downgrade is chosen', async () => {
    const dataDir = studioDir();
    const newer = await check({ dataDir, currentVersion: '1.2.0' });
    expect(newer).toMatchObject({ latest: '1.1.0', available: false });
    expect(newer.note).toContain('older than the installed 1.2.0');
    expect(await check({ dataDir, currentVersion: '1.2.0', allowDowngrade: true })).toMatchObject({ available: true });
  });

  it('update check CLI: exit 0 with {current, latest, available, verified}; exit 1 naming the reason', async () => {
    const dataDir = studioDir();
    const ok = await runCli(['update', 'check', '--server', base, '--channel', 'beta', '--current-version', '1.0.0', '--json', '--data-dir', dataDir], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ current: '1.0.0', latest: '1.1.0', available: true, verified: true });
    const human = await runCli(['update', 'check', '--server', base, '--channel', 'beta', '--current-version', '1.0.0', '--data-dir', dataDir], env);
    expect(human.stdout).toContain('update available: 1.1.0 (verified)');

    const wrong = await runCli(['update', 'check', '--server', base, '--channel', 'beta', '--json', '--data-dir', studioDir()], {
      FANZ_UPDATE_PUBLIC_KEY: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).subarray(12).toString('base64'),
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('signature does not verify');

    const none = await runCli(['update', 'check', '--server', base, '--channel', 'alpha', '--data-dir', studioDir()], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no release is published on alpha');
  });

  it('Account screen status: the verified line with notes on the chosen channel, the reason when refused', async () => {
    const dataDir = studioDir();
    expect((await updateStatus(dataDir, null, env)).line).toContain('Sign in');
    // Stable (latest) has no release on this server yet.
    const stable = await updateStatus(dataDir, base, env);
    expect(stable).toMatchObject({ state: 'refused', settings: { channel: 'stable', autoDownload: false } });
    expect(stable.line).toContain('no release is published on latest');
    saveUpdateSettings(dataDir, { channel: 'beta', autoDownload: true });
    const beta = await updateStatus(dataDir, base, env);
    expect(beta).toMatchObject({ state: 'available', line: 'update available: 1.1.0 (verified)', notes: 'Faster uploads.', settings: { channel: 'beta', autoDownload: true } });
    const wrongKey = await updateStatus(dataDir, base, { FANZ_UPDATE_PUBLIC_KEY: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).subarray(12).toString('base64') });
    expect(wrongKey.state).toBe('refused');
    expect(wrongKey.line).toContain('does not verify');
  });

  it('an unreachable update server is said in words, without the transport text', async () => {
    // A port nothing listens on: the real fetch fails with "fetch failed".
    const err = await refusal(check({ dataDir: studioDir(), server: 'http://127.0.0.1:9' }));
    expect(err.code).toBe('NETWORK');
    expect(err.reason).toBe('the update server at http://127.0.0.1:9 cannot be reached right now');
    const none = await refusal(check({ dataDir: studioDir(), channel: 'latest' }));
    expect(none.reason).toBe('no release is published on latest for this computer yet');
  });

  it('refuses a feed whose signature is missing, and says so', async () => {
    // A host that serves the feed but lost (or stripped) its signature.
    const files = new FileReleaseFiles(join(dir, 'server', 'updates'));
    const key = layout.feed('beta', 'linux', 'current');
    await files.put(key, packSignedFeed('', unpackSignedFeed((await files.get(key))!).feed));
    const err = await refusal(check({ dataDir: studioDir() }));
    expect(err.code).toBe('NO_SIGNATURE');
    expect(err.reason).toContain('the feed has no signature');
    const cli = await runCli(['update', 'check', '--server', base, '--channel', 'beta', '--data-dir', studioDir()], env);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('no signature');
  });
});
