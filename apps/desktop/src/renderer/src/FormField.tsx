// A labelled input with its rule (shown before submitting) and its error (after), wired for assistive
// technology: the input gets aria-invalid and aria-describedby pointing at both.
import type { ReactNode } from 'react';

export interface FieldA11y {
  id: string;
  'aria-invalid': boolean | undefined;
  'aria-describedby': string | undefined;
}

export function Field({
  name,
  label,
  error,
  hint,
  children,
}: {
  name: string;
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  children: (a: FieldA11y) => ReactNode;
}) {
  const id = `field-${name}`;
  // When the error repeats the rule ("At least 8 characters."), say it once: the error replaces the rule.
  const norm = (x: unknown) => String(x).toLowerCase().replace(/[^a-z0-9]/g, '');
  if (error && typeof hint === 'string' && norm(error).includes(norm(hint).slice(0, 14))) hint = undefined;
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described })}
      {hint ? (
        <span id={`${id}-hint`} className="muted small">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="field-error" data-testid={`error-${name}`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}
