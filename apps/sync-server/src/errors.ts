// The one error type that routes throw. The envelope module maps it (and Fastify's own errors) to the
// `{success:false,error:{code,message,details},meta}` response; nothing else writes error bodies.
export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'INVALID_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_REUSED'
  | 'INVALID_CREDENTIALS'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYMENT_DECLINED'
  | 'PAYMENT_UNAVAILABLE'
  | 'INSUFFICIENT_FUNDS'
  | 'PRICE_CHANGED'
  | 'SOLD_OUT'
  | 'NONCE_REUSED'
  | 'INVALID_SIGNATURE'
  | 'RATE_LIMITED'
  | 'NOT_READY'
  | 'SERVER_BUSY'
  | 'MEDIA_INCOMPLETE'
  | 'MEDIA_NOT_READY'
  | 'MEDIA_QUOTA_EXCEEDED'
  | 'MEDIA_CHECKSUM_MISMATCH'
  | 'INVALID_PLAYLIST'
  | 'RANGE_NOT_SATISFIABLE'
  | 'INTERNAL_ERROR';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 400,
  INVALID_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REUSED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYMENT_DECLINED: 402,
  PAYMENT_UNAVAILABLE: 503,
  INSUFFICIENT_FUNDS: 409,
  PRICE_CHANGED: 409,
  /** A VR experience's seats are all taken (checked before any charge). */
  SOLD_OUT: 409,
  NONCE_REUSED: 409,
  INVALID_SIGNATURE: 401,
  RATE_LIMITED: 429,
  NOT_READY: 503,
  SERVER_BUSY: 503,
  MEDIA_INCOMPLETE: 409,
  MEDIA_NOT_READY: 409,
  MEDIA_QUOTA_EXCEEDED: 413,
  MEDIA_CHECKSUM_MISMATCH: 422,
  INVALID_PLAYLIST: 400,
  RANGE_NOT_SATISFIABLE: 416,
  INTERNAL_ERROR: 500,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = STATUS[code];
  }
}
