// Loading, error and empty states, always in words (and announced to screen readers).
import type { ReactNode } from 'react';
import { errorText } from '../lib/api-error';

export function Loading({ what }: { what: string }) {
  return (
    <p className="status" role="status" aria-live="polite" data-testid="loading">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function ErrorBox({ error, what, onRetry }: { error: unknown; what: string; onRetry?: () => void }) {
  return (
    <div className="status error" role="alert" data-testid="error">
      <p>
        Could not load {what}: {errorText(error)}
      </p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <p className="status empty" data-testid="empty">
      {children}
    </p>
  );
}
