// Errors of the ledger service, as values with a code the CLI and IPC layers map to exit codes / responses.
export type LedgerErrorCode = 'BAD_KIND' | 'BAD_BODY' | 'KEY_UNAVAILABLE' | 'KEY_CONFLICT';

export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}
