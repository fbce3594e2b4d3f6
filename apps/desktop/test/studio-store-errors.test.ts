// Errors are shown, not swallowed (issue 14 item 13): when the Earnings refresh fails at the transport
// (the studio does not answer in time), the renderer's store says so in words and keeps what it showed
// before, instead of an unhandled rejection and a screen stuck on "Loading…". The store runs here as in the
// page, over the real IPC entry and backend (Electron's structured clone in between).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcEntry, studioPageUrl } from '../src/main/ipc-entry.js';
import { fileSecretBox } from '../src/main/services/catalog/account-store.js';
import { openBackend, type StudioBackend } from '../src/main/studio-backend.js';
import { ipcTransport } from '../src/renderer/src/ipc-transport.js';
import { useStudio } from '../src/renderer/src/store.js';
import type { Earnings, StudioApi, StudioClient } from '../src/shared/studio-api.js';

let dir: string;
let backend: StudioBackend;
let release: () => void = () => {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-store-'));
  backend = openBackend({ dataDir: join(dir, 'data'), defaultServerUrl: 'http://127.0.0.1:9', mode: 'browser', box: fileSecretBox, concurrency: 1 });
});
afterAll(async () => {
  release();
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

function clientOver(api: StudioApi): StudioClient {
  const entry = ipcEntry(api, studioPageUrl(undefined));
  const call = ipcTransport(async (request) => structuredClone(await entry({ senderFrame: { url: 'file:///index.html' } }, structuredClone(request))), {
    timeoutMs: (m) => (m === 'earnings' ? 100 : 30_000),
  });
  return { api: call, mode: 'electron', subscribe: () => () => {}, mediaUrl: (id) => id, itemFileUrl: (id, p) => `${id}/${p}` };
}

describe('the studio store', () => {
  it('shows the earnings the backend answers (signed out: why there are none)', async () => {
    useStudio.setState({ client: clientOver(backend.api), earnings: null, earningsError: null });
    await useStudio.getState().refreshEarnings();
    expect(useStudio.getState().earnings).toMatchObject({ available: false, reason: 'sign in to see earnings' });
    expect(useStudio.getState().earningsError).toBeNull();
  });

  it('says in words when the earnings could not be refreshed, and keeps what it showed', async () => {
    const shown = useStudio.getState().earnings as Earnings;
    const api = Object.create(backend.api) as StudioApi;
    const gate = new Promise<void>((r) => (release = r));
    api.earnings = async () => {
      await gate;
      return backend.api.earnings();
    };
    useStudio.setState({ client: clientOver(api) });
    await expect(useStudio.getState().refreshEarnings()).resolves.toBeUndefined();
    expect(useStudio.getState().earningsError).toMatch(/^The studio did not answer in time/);
    expect(useStudio.getState().earnings).toBe(shown);

    // The next refresh that works clears the error.
    useStudio.setState({ client: clientOver(backend.api) });
    await useStudio.getState().refreshEarnings();
    expect(useStudio.getState().earningsError).toBeNull();
  });
});
