// Runs src/main.ts as a real child process on a test storage (PGlite dir or a PostgreSQL schema), for the
// tests that kill the server (SIGKILL) and restart it. `node --import tsx` rather than the tsx CLI, so the
// server is this very process and a signal hits it, not a wrapper.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Storage } from './helpers.js';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface ServerProcess {
  proc: ChildProcess;
  url: string;
  wsUrl: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startServerProcess(storage: Storage, extraEnv: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', FANZ_DATA_DIR: storage.dataDir, LOG_LEVEL: 'info', ...extraEnv };
  delete env.DATABASE_URL;
  delete env.DATABASE_SCHEMA;
  delete env.JWT_SECRET;
  if (storage.databaseUrl) {
    env.DATABASE_URL = storage.databaseUrl;
    env.DATABASE_SCHEMA = storage.databaseSchema;
  }
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: APP_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /FANZ sync server listening on (http:\/\/[0-9.:]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        proc.stdout!.off('data', onData);
        proc.stdout!.resume();
        resolve({ proc, url: m[1]!, wsUrl: m[1]!.replace('http', 'ws') + '/sync', exited });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    void exited.then(({ code, signal }) => reject(new Error(`server exited early (${code ?? signal}):\n${output}`)));
  });
}
