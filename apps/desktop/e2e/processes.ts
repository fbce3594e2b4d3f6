// Real processes for the end-to-end tests: the sync server (stopped and restarted on the same port and
// data dir to simulate going offline) and browser-mode studio hosts, each with its own temp data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RENDERER_DIR } from '../src/host/renderer-build.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `fanz-e2e-${label}-`));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export class Proc {
  output = '';
  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  waitFor(re: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        clearInterval(poll);
        reject(new Error(`timed out waiting for ${re} in:\n${this.output.slice(-2000)}`));
      }, timeoutMs);
      const poll = setInterval(() => {
        const m = this.output.match(re);
        if (m) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(m);
        } else if (this.child.exitCode !== null) {
          clearInterval(poll);
          clearTimeout(timer);
          reject(new Error(`process exited (${this.child.exitCode}) before ${re}:\n${this.output.slice(-2000)}`));
        }
      }, 100);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }
}

export async function startServer(dataDir: string, port: number): Promise<{ proc: Proc; url: string }> {
  const proc = new Proc(
    spawn(tsx, [join(repoRoot, 'apps/sync-server/src/main.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        FANZ_DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        SYNC_DOC_IDLE_MS: '1000',
        // Every studio in these runs signs in from 127.0.0.1: the per-IP auth limits are for real deployments.
        AUTH_RATE_LIMIT_MAX: '0',
        LOGIN_IP_MAX_FAILURES: '100000',
        PASSWORD_HASH_PER_IP: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  await proc.waitFor(/listening on/i);
  return { proc, url: `http://127.0.0.1:${port}` };
}

export async function startStudio(dataDir: string, serverUrl: string): Promise<{ proc: Proc; url: string }> {
  const proc = new Proc(
    spawn(tsx, [join(repoRoot, 'apps/desktop/src/host/main.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        FANZ_SERVER_URL: serverUrl,
        FANZ_STUDIO_DIR: dataDir,
        FANZ_STUDIO_RENDERER_DIR: DEFAULT_RENDERER_DIR,
        FANZ_SYNC_MAX_BACKOFF_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const m = await proc.waitFor(/Studio: (http:\/\/\S+)/);
  return { proc, url: m[1]! };
}
