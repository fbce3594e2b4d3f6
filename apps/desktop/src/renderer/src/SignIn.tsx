import { useState, type FormEvent } from 'react';
import { useStudio } from './store';
import { formError, type FormError } from './errors';
import { ProfileSection } from './ProfileSection';

export function SignIn() {
  const { client, session, refreshSession } = useStudio();
  const [mode, setMode] = useState<'signin' | 'register'>('signin');
  const [serverUrl, setServerUrl] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [username, setUsername] = useState('');
  const [error, setError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);
  if (!client || !session) return <p>Loading…</p>;

  if (session.signedIn) {
    return (
      <section className="panel narrow" data-testid="account">
        <h2>Account</h2>
        <p>
          Signed in as <strong data-testid="account-user">{session.user?.username}</strong> on {session.serverUrl}
        </p>
        <p className="muted">
          Device key {session.deviceKeyId ?? '(not registered)'}; secrets kept in{' '}
          {session.secretStorage === 'os-keychain' ? 'the OS keychain' : 'the studio data folder (no OS keychain in browser mode)'}.
        </p>
        <button onClick={() => void client.api.signOut().then(refreshSession)}>Sign out</button>
        {session.user?.role === 'creator' && <ProfileSection />}
      </section>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const url = serverUrl || session.defaultServerUrl;
      if (mode === 'signin') await client.api.signIn({ serverUrl: url, email, password });
      else await client.api.register({ serverUrl: url, email, password, username, displayName: username });
      await refreshSession();
    } catch (err) {
      setError(formError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel narrow" onSubmit={submit} data-testid="signin-form">
      <h2>{mode === 'signin' ? 'Sign in to your server' : 'Create a creator account'}</h2>
      <label>
        Server
        <input data-testid="signin-server" value={serverUrl} placeholder={session.defaultServerUrl} onChange={(e) => setServerUrl(e.target.value)} />
      </label>
      {mode === 'register' ? (
        <label>
          Username
          <input data-testid="signin-username" value={username} onChange={(e) => setUsername(e.target.value)} />
          {error?.fields.username ? <span className="field-error">{error.fields.username}</span> : null}
        </label>
      ) : null}
      <label>
        Email
        <input data-testid="signin-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        {error?.fields.email ? <span className="field-error">{error.fields.email}</span> : null}
      </label>
      <label>
        Password
        <input data-testid="signin-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
        {error?.fields.password ? <span className="field-error">{error.fields.password}</span> : null}
      </label>
      {error ? <div className="error" role="alert" data-testid="signin-error">{error.message}</div> : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy} data-testid="signin-submit">
          {mode === 'signin' ? 'Sign in' : 'Create account'}
        </button>
        <button type="button" className="link" onClick={() => setMode(mode === 'signin' ? 'register' : 'signin')}>
          {mode === 'signin' ? 'New here? Create an account' : 'Have an account? Sign in'}
        </button>
      </div>
    </form>
  );
}
