// The server's failure envelope as an Error, plus the words a fan reads for it.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Thrown when the request never got an answer (offline, server down, connection reset). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('We could not reach the server. Check your connection and try again.');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

export function errorText(err: unknown): string {
  if (err instanceof NetworkError) return err.message;
  if (err instanceof ApiError) {
    if (err.status === 401) return 'Please sign in again: your session has ended.';
    if (err.status === 429) return 'Too many attempts. Wait a minute and try again.';
    // The code (INTERNAL_ERROR, …) means nothing to a fan; the server's log has it with the request id.
    if (err.status >= 500) return 'The server had a problem. Try again in a moment.';
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
