// The shape of a CLI command. Commands live one per file in ./commands and are listed in
// ./commands/index.ts; adding one (e.g. `score`) means adding a file and one line there.
import type { ParseArgsConfig } from 'node:util';
import type { Studio, StudioOptions } from '../main/services/studio.js';
import type { Output } from './output.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  positionals: string[];
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  out: Output;
  dataDir: string | null;
  /** Opens the studio for the chosen data dir (once; closed by the CLI runner). */
  studio(o?: Omit<StudioOptions, 'dataDir'>): Studio;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options?: OptionSpec;
  /** Returns the exit code (see exit-codes.ts). */
  run(ctx: CommandContext): Promise<number>;
}
