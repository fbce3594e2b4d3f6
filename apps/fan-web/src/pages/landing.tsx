// The front page: find a creator by username, and sign in or up.
import { useState, type FormEvent } from 'react';
import { Layout } from '../components/layout';
import { api } from '../lib/api';
import { ApiError, errorText } from '../lib/api-error';
import { Link, navigate } from '../lib/router';
import type { Profile } from '../lib/types';
import { useSession } from '../lib/use-session';

export function LandingPage() {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  async function find(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get('username') ?? '').trim().replace(/^@/, '');
    if (!/^[A-Za-z0-9_]{3,30}$/.test(name)) {
      setMessage('Usernames are 3–30 letters, digits or underscores.');
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const p = await api<Profile>(`/api/v1/creators/${encodeURIComponent(name)}`, { auth: false });
      navigate(`/c/${encodeURIComponent(p.username)}`);
    } catch (err) {
      setMessage(err instanceof ApiError && err.status === 404 ? `No creator is called @${name}.` : errorText(err));
      setBusy(false);
    }
  }

  return (
    <Layout title="Home">
      <section className="hero">
        <h1>Support the creators you love</h1>
        <p>Subscribe, unlock posts and send tips. Your purchases stay in your account.</p>
        <form className="find" onSubmit={find} role="search" aria-busy={busy}>
          <label htmlFor="find-username">Find a creator by username</label>
          <div className="row">
            <input id="find-username" name="username" placeholder="@username" autoComplete="off" aria-describedby="find-message" data-testid="find-username" />
            <button type="submit" className="button" disabled={busy}>
              {busy ? 'Looking…' : 'Go'}
            </button>
          </div>
          <p id="find-message" className="form-error" role="status" aria-live="polite">
            {message}
          </p>
        </form>
        {!session && (
          <p className="actions">
            <Link href="/signup" className="button">
              Create a fan account
            </Link>
            <Link href="/signin" className="button secondary">
              Sign in
            </Link>
          </p>
        )}
      </section>
    </Layout>
  );
}
