// Errors the SDK throws. A server refusal carries the server's `code` (VALIDATION_ERROR, FORBIDDEN,
// RATE_LIMITED, ...), the HTTP status and the request id the server logged, so a support request can name it.
export class FanzError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number | null,
    readonly requestId: string | null,
    readonly details?: unknown,
    /** Seconds the server asked to wait (429/503 Retry-After), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'FanzError';
  }
}

/** The request did not get an answer: network failure or the SDK's timeout (code NETWORK_ERROR / TIMEOUT). */
export class FanzNetworkError extends FanzError {
  constructor(message: string, code: 'NETWORK_ERROR' | 'TIMEOUT', cause?: unknown) {
    super(message, code, null, null);
    this.name = 'FanzNetworkError';
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/** A webhook whose signature, timestamp or headers do not check out (code INVALID_WEBHOOK). */
export class FanzWebhookError extends FanzError {
  constructor(message: string) {
    super(message, 'INVALID_WEBHOOK', null, null);
    this.name = 'FanzWebhookError';
  }
}

interface Envelope {
  error?: { code?: string; message?: string; details?: unknown };
  meta?: { requestId?: string };
}

export function errorFromResponse(response: Response, body: unknown): FanzError {
  const env = (body && typeof body === 'object' ? body : {}) as Envelope;
  const retry = Number(response.headers.get('retry-after'));
  return new FanzError(
    env.error?.message ?? `The server answered ${response.status} ${response.statusText}.`,
    env.error?.code ?? `HTTP_${response.status}`,
    response.status,
    env.meta?.requestId ?? response.headers.get('x-request-id'),
    env.error?.details,
    Number.isFinite(retry) && response.headers.has('retry-after') ? retry : undefined,
  );
}
