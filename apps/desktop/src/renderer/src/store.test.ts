// Errors are shown, not swallowed (issue 14 item 13): when the Earnings refresh fails at the transport (the
// studio does not answer in time), the store says so in words and keeps what it showed before, instead of
// an unhandled rejection and a screen stuck on "Loading…". The store talks through the real IPC transport
// (shared caller, envelope, deadline); the other end answers one call and leaves the next unanswered.
import { describe, expect, it } from 'vitest';
import type { Earnings, StudioClient } from '../../shared/studio-api';
import type { RpcRequest } from '../../shared/rpc-envelope';
import { ipcTransport } from './ipc-transport';
import { useStudio } from './store';

const signedOut: Earnings = { available: false, reason: 'sign in to see earnings', balance: null, payouts: [], payoutsError: null, log: null, logError: null };

function clientWith(answer: (request: RpcRequest) => Promise<unknown>): StudioClient {
  const api = ipcTransport(answer, { timeoutMs: () => 100 });
  return { api, mode: 'electron', subscribe: () => () => {}, mediaUrl: (id) => id, itemFileUrl: (id, p) => `${id}/${p}` };
}

describe('the studio store', () => {
  it('shows the earnings the studio answers', async () => {
    useStudio.setState({ client: clientWith(async (r) => ({ id: r.id, ok: true, result: signedOut })), earnings: null, earningsError: null });
    await useStudio.getState().refreshEarnings();
    expect(useStudio.getState().earnings).toEqual(signedOut);
    expect(useStudio.getState().earningsError).toBeNull();
  });

  it('says in words when the earnings could not be refreshed, and keeps what it showed', async () => {
    const shown = useStudio.getState().earnings;
    useStudio.setState({ client: clientWith(() => new Promise(() => {})) });
    await expect(useStudio.getState().refreshEarnings()).resolves.toBeUndefined();
    expect(useStudio.getState().earningsError).toMatch(/^The studio did not answer in time/);
    expect(useStudio.getState().earnings).toBe(shown);

    // An error answer is said too; the next refresh that works clears it.
    useStudio.setState({ client: clientWith(async (r) => ({ id: r.id, ok: false, error: { code: 'HOST_GONE', message: 'lost the connection to the studio host' } })) });
    await useStudio.getState().refreshEarnings();
    expect(useStudio.getState().earningsError).toMatch(/can't reach/i);
    useStudio.setState({ client: clientWith(async (r) => ({ id: r.id, ok: true, result: signedOut })) });
    await useStudio.getState().refreshEarnings();
    expect(useStudio.getState().earningsError).toBeNull();
  });
});
