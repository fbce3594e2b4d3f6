// Exit codes of the studio CLI; scripts branch on them, so they never change meaning.
export const EXIT = {
  OK: 0,
  /** The operation ran and failed (a job failed, a file was rejected). */
  FAILED: 1,
  /** Bad command line. */
  USAGE: 2,
  /** The named item or job does not exist. */
  NOT_FOUND: 3,
  /** Some of the work succeeded, some did not (e.g. import with skipped files). */
  PARTIAL: 4,
  /** Interrupted (Ctrl-C) or the job was cancelled. */
  CANCELLED: 5,
  /** The environment is missing something (ffmpeg not found, data dir not writable). */
  ENVIRONMENT: 6,
  /** `ledger verify`: the device ledger does not verify (the message names the first bad entry). */
  LEDGER_INVALID: 7,
  /** `publish`: the content label check warns about where the media would be shown; pass --confirm to publish anyway. */
  LABEL_WARNING: 8,
  /** `publish` and uploads need an account: run `login --server URL --email E --password P` first. */
  NOT_SIGNED_IN: 9,
} as const;

export class CliError extends Error {
  constructor(readonly exitCode: number, message: string, readonly details?: unknown) {
    super(message);
  }
}
