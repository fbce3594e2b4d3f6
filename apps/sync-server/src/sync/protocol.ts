// Message type numbers of the y-websocket protocol, and the WebSocket close codes we use.
// 4400-4499 tell the stock WebsocketProvider not to reconnect (the server decided; retrying cannot help).
export const MSG_SYNC = 0;
export const MSG_AWARENESS = 1;
export const MSG_AUTH = 2;
export const MSG_QUERY_AWARENESS = 3;

export const CLOSE = {
  /** A message that is not valid y-websocket protocol or not a valid Yjs update. */
  MALFORMED: 4400,
  /** Missing, invalid, expired or revoked token. */
  UNAUTHENTICATED: 4401,
  /** Authenticated, but not allowed to open this document. */
  FORBIDDEN: 4403,
  /** The update would grow the document past its size quota (SYNC_DOC_MAX_BYTES); it was not stored. */
  QUOTA_EXCEEDED: 4413,
  /** The update could not be stored; reconnect and resync (nothing acknowledged was lost). */
  STORE_FAILED: 1011,
  /** Server is restarting; reconnect. */
  RESTART: 1012,
} as const;
