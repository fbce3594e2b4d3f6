// The sync-server test helpers this package reuses read vitest's provided context (its global setup's
// PGlite template); the SDK tests start fresh databases and never provide it.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}
