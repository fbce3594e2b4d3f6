// What the Account screen shows about updates where no updater runs (browser mode): the settings and the
// result of a verified check against the server the creator signed in to, in words. Errors are reported,
// not thrown: an update problem never blocks work. The desktop app's GatedUpdater answers the same view.
import type { UpdateStatusView } from '../../../shared/studio-api.js';
import { GatedUpdater } from './gated-updater.js';
import { UpdateStateFile, type UpdateChannel } from './update-state.js';

export async function updateStatus(dataDir: string, serverUrl: string | null, env: NodeJS.ProcessEnv = process.env): Promise<UpdateStatusView> {
  return new GatedUpdater({ dataDir, serverUrl: () => serverUrl, port: null, env }).check();
}

export function saveUpdateSettings(dataDir: string, p: { channel?: 'stable' | 'beta'; autoDownload?: boolean }): void {
  const channel: UpdateChannel | undefined = p.channel === undefined ? undefined : p.channel === 'stable' ? 'latest' : 'beta';
  new UpdateStateFile(dataDir).setSettings({ channel, autoDownload: p.autoDownload });
}
