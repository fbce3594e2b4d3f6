// The error type @fanz/core throws for bad input. Each error carries a stable `code` (which the server maps
// to a 400 response) and optional `details`, so callers branch on codes rather than on message text.
export type CoreErrorCode =
  | 'INVALID_MONEY'
  | 'CURRENCY_MISMATCH'
  | 'INVALID_ID'
  | 'NOT_CANONICALIZABLE'
  | 'INVALID_ENCODING'
  | 'INVALID_KEY'
  | 'INVALID_ARGUMENT';

export class CoreError extends Error {
  readonly code: CoreErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: CoreErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'CoreError';
    this.code = code;
    this.details = details;
  }
}

export function isCoreError(e: unknown): e is CoreError {
  return e instanceof CoreError;
}
