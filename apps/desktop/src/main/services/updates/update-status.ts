// What the Account screen shows about updates: the settings and the result of a check against the server
// the creator signed in to, in words. Errors are reported, not thrown: an update problem never blocks work.
import type { UpdateStatusView } from '../../../shared/studio-api.js';
import { APP_VERSION } from './app-version.js';
import { checkForUpdate, describeUpdate, UpdateCheckError } from './update-check.js';
import { UpdateStateFile, type UpdateChannel } from './update-state.js';

export async function updateStatus(dataDir: string, serverUrl: string | null, env: NodeJS.ProcessEnv = process.env): Promise<UpdateStatusView> {
  const state = new UpdateStateFile(dataDir).read();
  const settings = { channel: state.channel === 'latest' ? ('stable' as const) : ('beta' as const), autoDownload: state.autoDownload };
  const base = { current: APP_VERSION, settings };
  if (!serverUrl) return { ...base, state: 'unknown', line: 'Sign in to check for updates from your server.', latest: null, notes: null };
  try {
    const r = await checkForUpdate({ server: serverUrl, channel: state.channel, currentVersion: APP_VERSION, dataDir, env });
    return { ...base, state: r.available ? 'available' : 'current', line: describeUpdate(r), latest: r.latest, notes: r.notes };
  } catch (err) {
    const reason = err instanceof UpdateCheckError ? err.reason : (err as Error).message;
    return { ...base, state: 'refused', line: `No verified update: ${reason}`, latest: null, notes: null };
  }
}

export function saveUpdateSettings(dataDir: string, p: { channel?: 'stable' | 'beta'; autoDownload?: boolean }): void {
  const channel: UpdateChannel | undefined = p.channel === undefined ? undefined : p.channel === 'stable' ? 'latest' : 'beta';
  new UpdateStateFile(dataDir).setSettings({ channel, autoDownload: p.autoDownload });
}
