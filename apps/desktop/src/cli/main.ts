// Entry point of the studio CLI (`npm run studio -- <command>`, or the `fanz-studio` bin).
// Global options: --data-dir DIR, --json, --help. Exit codes: see exit-codes.ts.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { openStudio, type Studio, type StudioOptions } from '../main/services/studio.js';
import { BinaryNotFoundError } from '../main/services/media/binaries.js';
import type { Command, OptionSpec } from './command.js';
import { commands as defaultCommands } from './commands/index.js';
import { CliError, EXIT } from './exit-codes.js';
import { createOutput, type Sink } from './output.js';

const GLOBAL_OPTIONS: OptionSpec = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

function usage(commands: Command[]): string {
  return [
    'usage: fanz-studio <command> [options] [--data-dir DIR] [--json]',
    '',
    ...commands.map((c) => `  ${c.usage.padEnd(58)} ${c.summary}`),
    '',
    'Data dir: --data-dir, else FANZ_STUDIO_DIR, else the OS app-data folder.',
    'Exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 partial, 5 cancelled, 6 environment, 7 ledger invalid,',
    '            8 publish: label check warns (use --confirm), 9 not signed in (run login).',
  ].join('\n');
}

export interface CliIo {
  stdout: Sink;
  stderr: Sink;
}

export async function runCli(argv: string[], commands: Command[] = defaultCommands, io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const json = argv.includes('--json');
  const out = createOutput(json, io.stdout, io.stderr);
  const name = argv.find((a) => !a.startsWith('-'));
  const command = commands.find((c) => c.name === name);
  if (!command) {
    if (!name && (argv.includes('--help') || argv.includes('-h'))) {
      io.stdout.write(`${usage(commands)}\n`);
      return EXIT.OK;
    }
    const message = name ? `unknown command ${name}` : 'no command given';
    if (json) out.result({ error: { code: 'USAGE', message } }, () => '');
    io.stderr.write(`${message}\n${usage(commands)}\n`);
    return EXIT.USAGE;
  }

  const rest = [...argv];
  rest.splice(rest.indexOf(command.name), 1);
  const controller = new AbortController();
  const onSignal = () => {
    out.note('interrupted; stopping...');
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let studio: Studio | null = null;
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...(command.options ?? {}) }, allowPositionals: true, strict: true });
    } catch (err) {
      throw new CliError(EXIT.USAGE, (err as Error).message);
    }
    if (parsed.values.help) {
      io.stdout.write(`usage: fanz-studio ${command.usage}\n${command.summary}\n`);
      return EXIT.OK;
    }
    const dataDir = (parsed.values['data-dir'] as string | undefined) ?? null;
    return await command.run({
      positionals: parsed.positionals,
      values: parsed.values,
      out,
      dataDir,
      signal: controller.signal,
      studio(o: Omit<StudioOptions, 'dataDir'> = {}) {
        if (!studio) {
          try {
            studio = openStudio({ ...o, dataDir });
          } catch (err) {
            throw new CliError(EXIT.ENVIRONMENT, `cannot open the studio data dir: ${(err as Error).message}`);
          }
        }
        return studio;
      },
    });
  } catch (err) {
    const code = err instanceof CliError ? err.exitCode : err instanceof BinaryNotFoundError ? EXIT.ENVIRONMENT : EXIT.FAILED;
    const message = (err as Error).message ?? String(err);
    if (json) out.result({ error: { code: Object.entries(EXIT).find(([, v]) => v === code)?.[0] ?? 'FAILED', message } }, () => '');
    io.stderr.write(`error: ${message}\n`);
    if (code === EXIT.USAGE) io.stderr.write(`usage: fanz-studio ${command.usage}\n`);
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (studio) await (studio as Studio).close();
  }
}

const invokedDirectly = (() => {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

const viaBin = process.env.FANZ_STUDIO_CLI_MAIN === '1';
delete process.env.FANZ_STUDIO_CLI_MAIN; // not for ffmpeg or anything else we start

if (invokedDirectly || viaBin) {
  // `npm run studio -- import ./clips` runs us inside apps/desktop; paths the user typed are relative to
  // where they typed them, which npm passes as INIT_CWD.
  if (process.env.npm_lifecycle_event === 'studio' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`fatal: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = EXIT.FAILED;
    },
  );
}
