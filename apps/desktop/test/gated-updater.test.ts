// The desktop updater gate against the real sync server and releases published by the real release CLI,
// driving electron-updater's own AppImageUpdater (its generic provider, staging, sha512 check and download)
// through the same adapter the Electron app uses. Only its transport differs: Electron's net module is not
// here, so a Node HTTP executor stands in, as electron-updater's own tests do. A compromised file host is a
// proxy in front of the server that gives the updater something other than what the signed feed says.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http, { type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureRequestOptions, configureRequestUrl, HttpExecutor, type DownloadOptions } from 'builder-util-runtime';
import { AppImageUpdater } from 'electron-updater';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../sync-server/src/server.js';
import { runRelease } from '../../sync-server/src/updates/release-cli.js';
import type { UpdateStatusView } from '../src/shared/studio-api.js';
import { electronUpdaterPort } from '../src/main/services/updates/electron-updater-port.js';
import { GatedUpdater } from '../src/main/services/updates/gated-updater.js';
import { UpdateStateFile } from '../src/main/services/updates/update-state.js';

/**
 * electron-updater's HTTP executor over Node's http module (Electron's net.request is not available here):
 * ElectronHttpExecutor's download() with Node requests; streaming, sha512 check and progress stay the base's.
 */
class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: http.RequestOptions, callback: (response: unknown) => void): ClientRequest {
    return http.request({ ...options, agent: false }, callback);
  }

  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: http.RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(requestOptions, { destination, options, onCancel, callback: (error) => (error ? reject(error) : resolve(destination)), responseHandler: null }, 0);
    });
  }
}

let dir: string;
let server: FanzServer;
let base: string;
let env: NodeJS.ProcessEnv;
let n = 0;
const ARTIFACT = Buffer.alloc(3 * 1024 * 1024, 'fanz 1.1.0 ');

/** A host in front of the server: passes everything through unless `tamper` rewrites what the updater reads. */
interface Host {
  url: string;
  tamper: ((path: string, body: Buffer) => Buffer | null) | null;
  served: string[];
  close(): Promise<void>;
}
let host: Host;

async function startHost(): Promise<Host> {
  const h: Host = { url: '', tamper: null, served: [], close: async () => undefined };
  const srv = http.createServer((req, res) => {
    const path = req.url ?? '/';
    h.served.push(path.split('?')[0]!);
    void fetch(`${base}${path}`, { headers: req.headers as Record<string, string> }).then(async (up) => {
      let body: Buffer = Buffer.from(await up.arrayBuffer());
      const changed = up.ok && h.tamper ? h.tamper(path.split('?')[0]!, body) : null;
      if (changed) body = changed;
      res.writeHead(changed ? 200 : up.status, { 'content-type': up.headers.get('content-type') ?? 'application/octet-stream', 'content-length': body.length });
      res.end(body);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  h.url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  h.close = () => new Promise((r) => srv.close(() => r()));
  return h;
}

/** A studio data dir whose staging id is inside every rollout, with the given settings. */
function studioDir(autoDownload: boolean): string {
  const d = join(dir, `studio-${n++}`);
  const state = new UpdateStateFile(d);
  state.write({ ...state.read(), channel: 'beta', autoDownload, stagingId: '12345678-1234-4234-8234-123400000000' });
  return d;
}

/** electron-updater's AppImageUpdater for an installed 1.0.0 AppImage in `d`. */
function appImageUpdater(d: string): AppImageUpdater {
  mkdirSync(d, { recursive: true });
  const installed = join(d, 'FANZ-Studio-1.0.0.AppImage');
  writeFileSync(installed, 'fanz 1.0.0');
  vi.stubEnv('APPIMAGE', installed);
  // What electron-builder writes into a packaged app (electron-builder.yml's publish); the studio's
  // verified check points it at the signed channel before every use.
  writeFileSync(join(d, 'app-update.yml'), 'provider: generic\nurl: http://127.0.0.1:9/updates/latest\nupdaterCacheDirName: fanz-studio-updater\n');
  const app = {
    version: '1.0.0',
    name: 'FANZ Studio',
    isPackaged: true,
    appUpdateConfigPath: join(d, 'app-update.yml'),
    userDataPath: d,
    baseCachePath: join(d, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  };
  const updater = new AppImageUpdater(null, app);
  (updater as unknown as { httpExecutor: HttpExecutor<ClientRequest> }).httpExecutor = new NodeHttpExecutor();
  updater.logger = null;
  updater.disableDifferentialDownload = true;
  return updater;
}

function gated(d: string, via: string, statuses: UpdateStatusView[] = []): GatedUpdater {
  return new GatedUpdater({
    dataDir: d,
    serverUrl: () => via,
    port: electronUpdaterPort(appImageUpdater(d)),
    currentVersion: '1.0.0',
    env,
    // The studio's own check reaches the genuine server; only electron-updater goes through `via`.
    fetch: (url, init) => fetch(String(url).replace(via, base), init),
    onChange: (s) => statuses.push(s),
  });
}

function pendingFiles(d: string): string[] {
  const p = join(d, 'cache', 'fanz-studio-updater', 'pending');
  return existsSync(p) ? readdirSync(p).filter((f) => !f.endsWith('.json')) : [];
}

async function until(statuses: UpdateStatusView[], state: UpdateStatusView['state']): Promise<UpdateStatusView> {
  await vi.waitFor(() => expect(statuses.map((s) => s.state)).toContain(state), { timeout: 20_000, interval: 50 });
  return statuses.find((s) => s.state === state)!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-gated-updater-'));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  base = await server.listen();
  const keyFile = join(dir, 'operator.key');
  let publicKey = '';
  await runRelease(['keygen', '--out', keyFile], {}, (s) => (publicKey = (JSON.parse(s) as { publicKey: string }).publicKey));
  env = { FANZ_UPDATE_PUBLIC_KEY: publicKey };
  writeFileSync(join(dir, 'FANZ-Studio-1.0.0.AppImage'), 'fanz 1.0.0');
  writeFileSync(join(dir, 'FANZ-Studio-1.1.0.AppImage'), ARTIFACT);
  writeFileSync(join(dir, 'notes.md'), 'Faster uploads.');
  for (const v of ['1.0.0', '1.1.0']) {
    await runRelease(
      ['publish', '--channel', 'beta', '--version', v, '--platform', 'linux', '--file', join(dir, `FANZ-Studio-${v}.AppImage`), '--notes', join(dir, 'notes.md'), '--data-dir', join(dir, 'server'), '--key', keyFile],
      {},
      () => {},
    );
  }
  host = await startHost();
}, 60_000);
afterEach(() => {
  vi.unstubAllEnvs();
  host.tamper = null;
  host.served = [];
});
afterAll(async () => {
  await host?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('desktop updater gated by the signed feed', () => {
  it('offers the verified release, downloads it only when asked, with progress, and electron-updater holds exactly those bytes', { timeout: 30_000 }, async () => {
    const d = studioDir(false);
    const statuses: UpdateStatusView[] = [];
    const u = gated(d, host.url, statuses);
    const offered = await u.check();
    expect(offered).toMatchObject({ state: 'available', latest: '1.1.0', canDownload: true, line: 'update available: 1.1.0 (verified)', notes: 'Faster uploads.' });
    // Automatic download is off: nothing fetched, nothing to install.
    expect(host.served).not.toContain('/updates/beta/FANZ-Studio-1.1.0.AppImage');
    expect(() => u.install()).toThrow(/no verified update has been downloaded/);

    expect(u.download().state).toBe('downloading');
    const ready = await until(statuses, 'ready');
    expect(ready.line).toBe('1.1.0 is downloaded and verified: restart to install it.');
    const last = statuses.filter((s) => s.state === 'downloading').at(-1)!;
    expect(last.progress).toMatchObject({ percent: 100, transferred: ARTIFACT.length, total: ARTIFACT.length });
    const [file] = pendingFiles(d);
    expect(file).toBeDefined();
    const held = readFileSync(join(d, 'cache', 'fanz-studio-updater', 'pending', file!));
    expect(createHash('sha256').update(held).digest('hex')).toBe(createHash('sha256').update(ARTIFACT).digest('hex'));
    // A check while a verified download is ready does not throw it away.
    expect((await u.check()).state).toBe('ready');
  });

  it('downloads by itself when automatic download is on', { timeout: 30_000 }, async () => {
    const d = studioDir(true);
    const statuses: UpdateStatusView[] = [];
    const first = await gated(d, host.url, statuses).check();
    expect(first.state).toBe('downloading');
    await until(statuses, 'ready');
    expect(pendingFiles(d)).toHaveLength(1);
  });

  it('refuses, and downloads nothing, when the host gives the updater another file than the signed feed names', { timeout: 30_000 }, async () => {
    const evil = Buffer.from('not the release');
    const evilSha = createHash('sha512').update(evil).digest('base64');
    host.tamper = (path, body) => {
      if (path === '/updates/beta/beta-linux.yml') return Buffer.from(body.toString().replace(/sha512: .*/g, `sha512: "${evilSha}"`).replace(/size: .*/g, `size: ${evil.length}`));
      return path.endsWith('.AppImage') ? evil : null;
    };
    const d = studioDir(true);
    const u = gated(d, host.url);
    const st = await u.check();
    expect(st.state).toBe('refused');
    expect(st.line).toContain('is not the one the signed feed names');
    expect(st.canDownload).toBe(false);
    expect(() => u.download()).toThrow(/no verified update to download/);
    expect(host.served.filter((p) => p.endsWith('.AppImage'))).toEqual([]);
    expect(pendingFiles(d)).toEqual([]);
  });

  it('refuses when the host gives the updater a version the signed feed does not offer', { timeout: 30_000 }, async () => {
    host.tamper = (path, body) => (path === '/updates/beta/beta-linux.yml' ? Buffer.from(body.toString().replaceAll('1.1.0', '9.9.9')) : null);
    const st = await gated(studioDir(true), host.url).check();
    expect(st.state).toBe('refused');
    expect(st.line).toContain('gave the updater 9.9.9, but the signed feed offers 1.1.0');
    expect(host.served.filter((p) => p.endsWith('.AppImage'))).toEqual([]);
  });

  it('a host that swaps the artifact bytes fails the download (sha512 of the verified feed); nothing becomes installable', { timeout: 30_000 }, async () => {
    host.tamper = (path, body) => (path.endsWith('FANZ-Studio-1.1.0.AppImage') ? Buffer.concat([body.subarray(0, body.length - 1), Buffer.from('!')]) : null);
    const statuses: UpdateStatusView[] = [];
    const d = studioDir(false);
    const u = gated(d, host.url, statuses);
    expect((await u.check()).state).toBe('available');
    u.download();
    const failed = await until(statuses, 'failed');
    expect(failed.line).toMatch(/^The download of 1\.1\.0 failed: .*sha512 checksum mismatch/);
    expect(() => u.install()).toThrow(/no verified update has been downloaded/);
    expect(pendingFiles(d)).toEqual([]);
    // The offer stays verified: once the host serves the right bytes again, the retry succeeds.
    host.tamper = null;
    expect(u.download().state).toBe('downloading');
    await until(statuses, 'ready');
  });

  it('a feed that does not verify never reaches electron-updater', async () => {
    const u = new GatedUpdater({
      dataDir: studioDir(true),
      serverUrl: () => host.url,
      port: electronUpdaterPort(appImageUpdater(join(dir, `app-${n++}`))),
      currentVersion: '1.0.0',
      env: { FANZ_UPDATE_PUBLIC_KEY: Buffer.alloc(32, 7).toString('base64') },
    });
    const st = await u.check();
    expect(st.state).toBe('refused');
    expect(st.line).toContain("signature does not verify with the app's release key");
    expect(host.served.filter((p) => !p.endsWith('.sig') && p !== '/updates/beta/beta-linux.yml')).toEqual([]);
    expect(host.served.filter((p) => p === '/updates/beta/beta-linux.yml')).toHaveLength(1);
  });

  it('browser mode (no updater): checks and shows the verified offer, never downloads', async () => {
    const u = new GatedUpdater({ dataDir: studioDir(true), serverUrl: () => base, port: null, currentVersion: '1.0.0', env });
    expect(await u.check()).toMatchObject({ state: 'available', canDownload: false, line: 'update available: 1.1.0 (verified)' });
    expect(() => u.download()).toThrow(/browser mode only checks/);
  });

  it('an unpackaged app says why it cannot install the verified update', async () => {
    const d = studioDir(false);
    const updater = appImageUpdater(d);
    vi.stubEnv('APPIMAGE', undefined);
    const u = new GatedUpdater({ dataDir: d, serverUrl: () => base, port: electronUpdaterPort(updater), currentVersion: '1.0.0', env });
    const st = await u.check();
    expect(st).toMatchObject({ state: 'available', canDownload: false });
    expect(st.line).toContain('The updater cannot install it here');
  });
});
