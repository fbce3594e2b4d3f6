// The update channel end to end: the release CLI writes into a running server's data dir and the server
// serves it at once (no restart); feeds in electron-updater's format with detached Ed25519 signatures,
// staging decided like electron-updater's isStagingMatch, Range on artifacts, pull, and bad input.
import { createHash, createPublicKey, randomUUID, verify } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { buildServer, type FanzServer } from '../src/server.js';
import { runRelease } from '../src/updates/release-cli.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// The YAML parser electron-updater itself uses (js-yaml's load), to read feeds as a stock client does.
const { load: loadYaml } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
let dir: string;
let server: FanzServer;
let base: string;
let keyFile: string;
let publicKey: string;
let v100: Buffer;
let v110: Buffer;

async function release(...args: string[]): Promise<Record<string, unknown>> {
  let line = '';
  await runRelease([...args, '--data-dir', join(dir, 'server'), '--key', keyFile], {}, (s) => (line = s));
  return JSON.parse(line) as Record<string, unknown>;
}

/** The real `npm run -s release` from the repo root, as an operator runs it. */
function releaseProcess(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('npm', ['run', '-s', 'release', '--', ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sigOk(bytes: Buffer, sigB64: string, keyB64: string): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(keyB64, 'base64')]);
  return verify(null, bytes, createPublicKey({ key: spki, format: 'der', type: 'spki' }), Buffer.from(sigB64, 'base64'));
}

/** electron-updater's AppUpdater.isStagingMatch, written out independently of the server's module. */
/** The i-th of a fixed set of v4-shaped UUIDs (sha256 of its index), so the count cannot flake between runs. */
function stagingId(i: number): string {
  const h = createHash('sha256').update(`staging-id-${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function electronUpdaterStagingMatch(id: string, percent: number): boolean {
  return Buffer.from(id.replace(/-/g, ''), 'hex').readUInt32BE(12) / 0xffffffff < percent / 100;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-updates-'));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  base = await server.listen();
  keyFile = join(dir, 'operator.key');
  const kg = releaseProcess(['keygen', '--out', keyFile]);
  expect(kg.code, kg.stderr).toBe(0);
  publicKey = (JSON.parse(kg.stdout) as { publicKey: string }).publicKey;
  v100 = Buffer.alloc(300_000, 1);
  v110 = Buffer.from(Array.from({ length: 400_000 }, (_, i) => (i * 7919) % 251));
  writeFileSync(join(dir, 'FANZ-Studio-1.0.0.AppImage'), v100);
  writeFileSync(join(dir, 'FANZ-Studio-1.1.0.AppImage'), v110);
  writeFileSync(join(dir, 'notes.md'), 'Faster uploads.\nFixes: "quoted" things.');
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('release CLI and update feeds', () => {
  it('makes an operator key readable only by its owner and refuses to overwrite it', () => {
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(publicKey, 'base64')).toHaveLength(32);
    expect(releaseProcess(['keygen', '--out', keyFile]).code).toBe(1);
  });

  it('serves nothing before a release, then a published release at once, signed, without a restart', async () => {
    expect((await fetch(`${base}/updates/beta/beta-linux.yml`)).status).toBe(404);
    const pub = releaseProcess(['publish', '--channel', 'beta', '--version', '1.0.0', '--platform', 'linux', '--file', join(dir, 'FANZ-Studio-1.0.0.AppImage'), '--key', keyFile, '--data-dir', join(dir, 'server')]);
    expect(pub.code, pub.stderr).toBe(0);
    const res = await fetch(`${base}/updates/beta/beta-linux.yml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    const sha512 = createHash('sha512').update(v100).digest('base64');
    // electron-updater's generic-provider fields, exactly.
    expect(text).toMatch(/^version: 1\.0\.0$/m);
    expect(text).toContain(`files:\n  - url: "FANZ-Studio-1.0.0.AppImage"\n    sha512: "${sha512}"\n    size: 300000\n`);
    expect(text).toMatch(/^releaseDate: "\d{4}-\d\d-\d\dT/m);
    expect(text).toMatch(/^channel: beta$/m);
    expect(loadYaml(text)).toEqual({
      version: '1.0.0', files: [{ url: 'FANZ-Studio-1.0.0.AppImage', sha512, size: 300000 }], path: 'FANZ-Studio-1.0.0.AppImage', sha512,
      releaseDate: expect.any(String), channel: 'beta', platform: 'linux', feedSequence: 1,
    });
    const sig = await (await fetch(`${base}/updates/beta/beta-linux.yml.sig`)).text();
    expect(sigOk(bytes, sig, publicKey)).toBe(true);
    const flipped = Buffer.from(bytes);
    flipped[5] = flipped[5]! ^ 1;
    expect(sigOk(flipped, sig, publicKey)).toBe(false);
    expect((await (await fetch(`${base}/updates/public-key`)).text()).trim()).toBe(publicKey);
  });

  it('stages 1.1.0 at 25%: of 1000 staging ids 22-28% get it, exactly those electron-updater would pick', async () => {
    const out = await release('publish', '--channel', 'beta', '--version', '1.1.0', '--platform', 'linux', '--file', join(dir, 'FANZ-Studio-1.1.0.AppImage'), '--staging', '25', '--notes', join(dir, 'notes.md'));
    expect(out.ok).toBe(true);
    let offered = 0;
    let agree = 0;
    for (let i = 0; i < 1000; i++) {
      const id = stagingId(i);
      const res = await fetch(`${base}/updates/beta/beta-linux.yml`, { headers: { 'x-user-staging-id': id } });
      const text = await res.text();
      const gets110 = /^version: 1\.1\.0$/m.test(text);
      if (gets110) offered++;
      if (gets110 === electronUpdaterStagingMatch(id, 25)) agree++;
      if (i % 100 === 0) {
        // The signature served with the same id belongs to the same feed.
        const sig = await (await fetch(`${base}/updates/beta/beta-linux.yml.sig`, { headers: { 'x-user-staging-id': id } })).text();
        expect(sigOk(Buffer.from(text), sig, publicKey)).toBe(true);
      }
    }
    console.log(`[updates] staging 25%: ${offered}/1000 staging ids offered 1.1.0`);
    expect(offered).toBeGreaterThanOrEqual(220);
    expect(offered).toBeLessThanOrEqual(280);
    expect(agree).toBe(1000);
    // Without a staging id the current feed, with its stagingPercentage and notes, for the client to decide.
    const plain = await (await fetch(`${base}/updates/beta/beta-linux.yml`)).text();
    expect(plain).toMatch(/^version: 1\.1\.0$/m);
    expect(plain).toMatch(/^stagingPercentage: 25$/m);
    expect(plain).toContain('releaseNotes: "Faster uploads.\\nFixes: \\"quoted\\" things."');
  });

  it('answers Range requests with the exact bytes: one range, several ranges, suffix, and 416 past the end', async () => {
    const url = `${base}/updates/beta/FANZ-Studio-1.1.0.AppImage`;
    const whole = await fetch(url);
    expect(Buffer.from(await whole.arrayBuffer()).equals(v110)).toBe(true);
    const etag = whole.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect((await fetch(url, { headers: { 'if-none-match': etag } })).status).toBe(304);

    const one = await fetch(url, { headers: { range: 'bytes=1000-1999' } });
    expect(one.status).toBe(206);
    expect(one.headers.get('content-range')).toBe(`bytes 1000-1999/${v110.length}`);
    expect(Buffer.from(await one.arrayBuffer()).equals(v110.subarray(1000, 2000))).toBe(true);

    const suffix = await fetch(url, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await suffix.arrayBuffer()).equals(v110.subarray(v110.length - 10))).toBe(true);

    const multi = await fetch(url, { headers: { range: 'bytes=0-9,5000-5099' } });
    expect(multi.status).toBe(206);
    const boundary = /boundary=(\S+)/.exec(multi.headers.get('content-type')!)![1]!;
    const body = Buffer.from(await multi.arrayBuffer());
    const parts = body.toString('latin1').split(`--${boundary}`).slice(1, -1);
    expect(parts).toHaveLength(2);
    const partBytes = parts.map((p) => Buffer.from(p.slice(p.indexOf('\r\n\r\n') + 4, -2), 'latin1'));
    expect(partBytes[0]!.equals(v110.subarray(0, 10))).toBe(true);
    expect(partBytes[1]!.equals(v110.subarray(5000, 5100))).toBe(true);
    expect(parts[1]).toContain(`content-range: bytes 5000-5099/${v110.length}`);
    expect(Number(multi.headers.get('content-length'))).toBe(body.length);

    const past = await fetch(url, { headers: { range: `bytes=${v110.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${v110.length}`);
  });

  it('pull stops new offers of 1.1.0 (everyone gets 1.0.0 in a newer signed feed); staging changes a rollout', async () => {
    const before = await (await fetch(`${base}/updates/beta/beta-linux.yml`)).text();
    const seqBefore = Number(/^feedSequence: (\d+)$/m.exec(before)![1]);
    await release('staging', '--channel', 'beta', '--version', '1.1.0', '--percent', '100');
    const full = await (await fetch(`${base}/updates/beta/beta-linux.yml`, { headers: { 'x-user-staging-id': 'ffffffff-ffff-4fff-bfff-ffffffffffff' } })).text();
    expect(full).toMatch(/^version: 1\.1\.0$/m);
    expect(full).not.toMatch(/stagingPercentage/);

    const pulled = releaseProcess(['pull', '--channel', 'beta', '--version', '1.1.0', '--data-dir', join(dir, 'server')], { FANZ_RELEASE_KEY: readFileSync(keyFile, 'utf8') });
    expect(pulled.code, pulled.stderr).toBe(0);
    for (const id of [randomUUID(), randomUUID(), '00000000-0000-4000-8000-000000000000']) {
      const text = await (await fetch(`${base}/updates/beta/beta-linux.yml`, { headers: { 'x-user-staging-id': id } })).text();
      expect(text).toMatch(/^version: 1\.0\.0$/m);
      expect(Number(/^feedSequence: (\d+)$/m.exec(text)![1])).toBeGreaterThan(seqBefore);
    }
    // Installed copies keep it: the artifact stays downloadable.
    expect((await fetch(`${base}/updates/beta/FANZ-Studio-1.1.0.AppImage`, { method: 'HEAD' })).status).toBe(200);
  });
});

describe('update channel bad input', () => {
  it('404s an unknown channel or platform feed, and a channel with no release', async () => {
    for (const path of ['/updates/nightly/nightly-linux.yml', '/updates/beta/beta-solaris.yml', '/updates/beta/latest-linux.yml', '/updates/beta/beta-linux.yml.sig.sig', '/updates/beta/nothing.AppImage', '/updates/alpha/alpha.yml']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { success: boolean }).success).toBe(false);
    }
  });

  it('refuses path tricks in file names', async () => {
    writeFileSync(join(dir, 'server', 'secret.txt'), 'secret');
    for (const path of ['/updates/beta/..%2Freleases.json', '/updates/beta/..%2F..%2Fsecret.txt', '/updates/beta/%2e%2e%2ffeeds%2fbeta-linux.yml', '/updates/beta/.hidden', '/updates/..%2Fbeta/releases.json', '/updates/beta/files%2FFANZ-Studio-1.0.0.AppImage']) {
      const res = await fetch(`${base}${path}`);
      expect([400, 404], path).toContain(res.status);
      expect(await res.text()).not.toContain('secret');
    }
  });

  it('refuses a non-semver version, a sha mismatch, a missing or loose key, a bad percentage, an unsafe file name', async () => {
    const args = (v: string, f = join(dir, 'FANZ-Studio-1.0.0.AppImage')) => ['publish', '--channel', 'latest', '--version', v, '--platform', 'linux', '--file', f, '--key', keyFile, '--data-dir', join(dir, 'server')];
    const nonSemver = releaseProcess(args('1.2'));
    expect(nonSemver.code).toBe(2);
    expect(nonSemver.stderr).toContain('not semver');

    const wrongSha = releaseProcess([...args('1.2.0'), '--sha512', createHash('sha512').update('other').digest('base64')]);
    expect(wrongSha.code).toBe(1);
    expect(wrongSha.stderr).toContain('sha512 mismatch');
    expect(existsSync(join(dir, 'server', 'updates', 'latest'))).toBe(false);
    const rightSha = releaseProcess([...args('1.2.0'), '--sha512', createHash('sha512').update(v100).digest('hex')]);
    expect(rightSha.code, rightSha.stderr).toBe(0);

    const noKey = releaseProcess(['publish', '--channel', 'latest', '--version', '1.3.0', '--platform', 'linux', '--file', join(dir, 'FANZ-Studio-1.0.0.AppImage'), '--data-dir', join(dir, 'server')], { FANZ_RELEASE_KEY: '', FANZ_RELEASE_KEY_FILE: '' });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('no release key');

    const loose = join(dir, 'loose.key');
    writeFileSync(loose, readFileSync(keyFile));
    chmodSync(loose, 0o644);
    const looseRun = releaseProcess([...args('1.3.0').slice(0, -4), '--key', loose, '--data-dir', join(dir, 'server')]);
    expect(looseRun.code).toBe(1);
    expect(looseRun.stderr).toContain('readable by others');

    await expect(release('staging', '--channel', 'beta', '--version', '1.0.0', '--percent', '150')).rejects.toThrow(/0-100/);
    writeFileSync(join(dir, '..bad'), 'x');
    await expect(release('publish', '--channel', 'beta', '--version', '2.0.0', '--platform', 'linux', '--file', join(dir, '..bad'))).rejects.toThrow(/not allowed/);
    await expect(release('publish', '--channel', 'beta', '--version', '1.0.0', '--platform', 'linux', '--file', join(dir, 'FANZ-Studio-1.0.0.AppImage'))).rejects.toThrow(/already published/);
  });
});
