// `login --server URL --email E --password P`: signs this studio in to a sync server (creator accounts only),
// registers the device key, and keeps the session (rotating refresh token) in the data dir; later commands
// refresh access tokens themselves. The password may come from FANZ_STUDIO_PASSWORD instead of the command
// line, so it stays out of shell history and `ps`.
import type { Command } from '../command.js';
import { EXIT, CliError } from '../exit-codes.js';
import { openCatalog } from '../account.js';
import { signInSchema, StudioApiError } from '../../shared/studio-api.js';

export const loginCommand: Command = {
  name: 'login',
  summary: 'Sign in to a sync server as a creator (session kept in the data dir; password also from FANZ_STUDIO_PASSWORD)',
  usage: 'login --server URL --email E --password P',
  options: { server: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } },
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new CliError(EXIT.USAGE, 'login takes no positional arguments');
    const parsed = signInSchema.safeParse({
      serverUrl: ctx.values.server,
      email: ctx.values.email,
      password: ctx.values.password ?? process.env.FANZ_STUDIO_PASSWORD,
    });
    if (!parsed.success) {
      throw new CliError(EXIT.USAGE, parsed.error.issues.map((i) => `--${i.path[0] === 'serverUrl' ? 'server' : String(i.path[0])}: ${i.message}`).join('; '));
    }
    const catalog = openCatalog(ctx.studio());
    try {
      const session = await catalog.signIn(parsed.data);
      const data = { serverUrl: session.serverUrl, user: session.user, deviceKeyId: session.deviceKeyId, secretStorage: session.secretStorage };
      ctx.out.result(data, () => `signed in to ${data.serverUrl} as ${data.user?.username} (${data.user?.id}); device key ${data.deviceKeyId}`);
      return EXIT.OK;
    } catch (err) {
      if (err instanceof StudioApiError) {
        const code = err.code === 'SERVER_UNREACHABLE' || err.code === 'SERVER_TIMEOUT' ? EXIT.ENVIRONMENT : EXIT.FAILED;
        throw new CliError(code, `sign-in failed (${err.code}): ${err.message}`);
      }
      throw err;
    } finally {
      catalog.close();
    }
  },
};
