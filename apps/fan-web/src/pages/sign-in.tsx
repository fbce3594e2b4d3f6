// Sign in and sign up (fan accounts). On success the session starts and the fan goes back to where they were.
import { useState, type FormEvent } from 'react';
import { Layout } from '../components/layout';
import { api } from '../lib/api';
import { ApiError, errorText } from '../lib/api-error';
import { Link, navigate } from '../lib/router';
import { startSession, type Session } from '../lib/session';

function safeNext(next: string | null): string {
  // Only paths on this site, never another origin ("//evil.example").
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/signin') && !next.startsWith('/signup') ? next : '/';
}

function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ApiError) {
    const d = err.details as { issues?: { path: string[]; message: string }[]; field?: string } | null;
    for (const i of d?.issues ?? []) if (i.path[0]) out[i.path[0]] = i.message;
    if (d?.field) out[d.field] = err.message;
  }
  return out;
}

export function SignInPage({ mode, next }: { mode: 'signin' | 'signup'; next: string | null }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const signup = mode === 'signup';
  const fields = fieldErrors(error);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    const f = new FormData(e.currentTarget);
    const email = String(f.get('email') ?? '').trim();
    const password = String(f.get('password') ?? '');
    setBusy(true);
    setError(null);
    try {
      const body = signup
        ? { role: 'fan', email, password, username: String(f.get('username') ?? '').trim(), displayName: String(f.get('displayName') ?? '').trim() }
        : { email, password };
      const s = await api<Session>(signup ? '/api/v1/auth/register' : '/api/v1/auth/login', { method: 'POST', body, auth: false });
      startSession({ user: s.user, accessToken: s.accessToken, refreshToken: s.refreshToken });
      navigate(safeNext(next), true);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const err = (name: string) =>
    fields[name] ? (
      <span className="field-error" id={`${name}-error`}>
        {fields[name]}
      </span>
    ) : null;
  const describedBy = (name: string) => (fields[name] ? `${name}-error` : undefined);

  return (
    <Layout title={signup ? 'Sign up' : 'Sign in'}>
      <section className="card narrow">
        <h1>{signup ? 'Create your fan account' : 'Sign in'}</h1>
        <form onSubmit={submit} noValidate data-testid={signup ? 'signup-form' : 'signin-form'} aria-busy={busy}>
          {signup && (
            <>
              <label>
                Display name
                <input name="displayName" autoComplete="nickname" required maxLength={50} aria-invalid={!!fields.displayName} aria-describedby={describedBy('displayName')} />
                {err('displayName')}
              </label>
              <label>
                Username
                <input name="username" autoComplete="username" required minLength={3} maxLength={30} pattern="[A-Za-z0-9_]+" aria-invalid={!!fields.username} aria-describedby={describedBy('username')} />
                <span className="hint">3–30 letters, digits or underscores.</span>
                {err('username')}
              </label>
            </>
          )}
          <label>
            Email
            <input name="email" type="email" autoComplete="email" required aria-invalid={!!fields.email} aria-describedby={describedBy('email')} />
            {err('email')}
          </label>
          <label>
            Password
            <input
              name="password"
              type="password"
              autoComplete={signup ? 'new-password' : 'current-password'}
              required
              minLength={signup ? 8 : 1}
              aria-invalid={!!fields.password}
              aria-describedby={describedBy('password')}
            />
            {signup && <span className="hint">At least 8 characters.</span>}
            {err('password')}
          </label>
          {error != null && (
            <p className="form-error" role="alert" data-testid="auth-error">
              {error instanceof ApiError && error.code === 'INVALID_CREDENTIALS' ? 'That email and password do not match an account.' : errorText(error)}
            </p>
          )}
          <button type="submit" className="button" disabled={busy} data-testid="auth-submit">
            {busy ? (signup ? 'Creating account…' : 'Signing in…') : signup ? 'Create account' : 'Sign in'}
          </button>
        </form>
        <p>
          {signup ? 'Already have an account? ' : 'New here? '}
          <Link href={`/${signup ? 'signin' : 'signup'}${next ? `?next=${encodeURIComponent(next)}` : ''}`}>{signup ? 'Sign in' : 'Create an account'}</Link>
        </p>
      </section>
    </Layout>
  );
}
