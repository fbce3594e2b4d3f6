// `update check --server URL [--channel C] [--json]`: exit 0 with {current, latest, available, verified}
// when the feed verifies with the app's release key, exit 1 naming the reason when it does not.
import type { Command } from '../command.js';
import { CliError, EXIT } from '../exit-codes.js';
import { APP_VERSION } from '../../main/services/updates/app-version.js';
import { checkForUpdate, describeUpdate, UpdateCheckError } from '../../main/services/updates/update-check.js';
import { channelFromSetting, UpdateStateFile } from '../../main/services/updates/update-state.js';
import { resolveDataDir } from '../../main/services/library/data-dir.js';

export const updateCommand: Command = {
  name: 'update',
  summary: 'Check the update channel: signed feed verified with the app\'s release key (FANZ_UPDATE_PUBLIC_KEY overrides)',
  usage: 'update check --server URL [--channel stable|beta|alpha] [--allow-downgrade] [--current-version V]',
  options: {
    server: { type: 'string' },
    channel: { type: 'string' },
    'allow-downgrade': { type: 'boolean', default: false },
    'current-version': { type: 'string' },
  },
  async run(ctx) {
    if (ctx.positionals[0] !== 'check' || ctx.positionals.length > 1) throw new CliError(EXIT.USAGE, 'usage: update check --server URL [--channel C]');
    const server = ctx.values.server;
    if (typeof server !== 'string' || !/^https?:\/\//.test(server)) throw new CliError(EXIT.USAGE, '--server URL (http:// or https://) is required');
    const dataDir = resolveDataDir(ctx.dataDir);
    const state = new UpdateStateFile(dataDir);
    const rawChannel = typeof ctx.values.channel === 'string' ? ctx.values.channel : state.read().channel;
    const channel = channelFromSetting(rawChannel);
    if (!channel) throw new CliError(EXIT.USAGE, `unknown channel "${rawChannel}" (stable, beta or alpha)`);
    try {
      const r = await checkForUpdate({
        server, channel, dataDir,
        currentVersion: typeof ctx.values['current-version'] === 'string' ? ctx.values['current-version'] : APP_VERSION,
        allowDowngrade: ctx.values['allow-downgrade'] === true,
      });
      ctx.out.result(r, () => [describeUpdate(r), ...(r.notes ? [`notes: ${r.notes}`] : [])].join('\n'));
      return EXIT.OK;
    } catch (err) {
      if (err instanceof UpdateCheckError) throw new CliError(EXIT.FAILED, `update check refused: ${err.reason}`, { code: err.code, verified: false });
      throw err;
    }
  },
};
