// Account screen: sign in or create a creator account (with the rules shown before submitting, each
// problem next to its field), and once signed in the account facts and the public profile.
import { useState, type FormEvent } from 'react';
import { useStudio } from './store';
import { formError, type FormError } from './errors';
import { Field } from './FormField';
import { ProfileSection } from './ProfileSection';
import { ApiKeysSection } from './ApiKeysSection';
import { TiersSection } from './TiersSection';
import { GettingStarted } from './GettingStarted';
import { UpdateSection } from './UpdateSection';

const FIELDS = ['serverUrl', 'email', 'password', 'username', 'displayName'];

export function SignIn() {
  const { client, session, refreshSession } = useStudio();
  const [mode, setMode] = useState<'signin' | 'register'>('signin');
  const [serverUrl, setServerUrl] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);
  if (!client || !session) return <p role="status">Loading…</p>;

  if (session.signedIn) {
    return (
      <div className="account-wrap">
        {session.user?.role === 'creator' && <GettingStarted />}
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
        </section>
        {session.user?.role === 'creator' && <ProfileSection />}
        {session.user?.role === 'creator' && <ApiKeysSection />}
        {session.user?.role === 'creator' && <TiersSection />}
        <UpdateSection />
      </div>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const url = serverUrl.trim() || session.defaultServerUrl;
      if (mode === 'signin') await client.api.signIn({ serverUrl: url, email, password });
      else await client.api.register({ serverUrl: url, email, password, username, displayName: displayName.trim() });
      await refreshSession();
    } catch (err) {
      setError(formError(err, FIELDS));
    } finally {
      setBusy(false);
    }
  };
  const f = error?.fields ?? {};

  return (
    <form className="panel narrow" onSubmit={submit} data-testid="signin-form" noValidate>
      <h2>{mode === 'signin' ? 'Sign in to your server' : 'Create a creator account'}</h2>
      <p className="muted">
        Your library, drafts and renditions stay on this computer. Signing in connects the studio to your server so
        posts sync, go public and earn; you only need to do it once on this device.
      </p>
      <Field name="serverUrl" label="Server" error={f.serverUrl} hint={`Leave empty to use ${session.defaultServerUrl}.`}>
        {(a) => <input {...a} data-testid="signin-server" value={serverUrl} placeholder={session.defaultServerUrl} onChange={(e) => setServerUrl(e.target.value)} />}
      </Field>
      {mode === 'register' ? (
        <>
          <Field name="displayName" label="Display name" error={f.displayName} hint="What fans see on your page, up to 80 characters.">
            {(a) => <input {...a} data-testid="signin-display-name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />}
          </Field>
          <Field name="username" label="Username" error={f.username} hint="3-30 letters, digits or _; part of your page address.">
            {(a) => <input {...a} data-testid="signin-username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />}
          </Field>
        </>
      ) : null}
      <Field name="email" label="Email" error={f.email}>
        {(a) => <input {...a} data-testid="signin-email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
      </Field>
      <Field name="password" label="Password" error={f.password} hint={mode === 'register' ? 'At least 8 characters.' : undefined}>
        {(a) => (
          <input
            {...a}
            data-testid="signin-password"
            type="password"
            autoComplete={mode === 'register' ? 'new-password' : 'current-password'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      {error?.message ? (
        <div className="error" role="alert" data-testid="signin-error">
          {error.message}
        </div>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy} data-testid="signin-submit">
          {busy ? 'Please wait…' : mode === 'signin' ? 'Sign in' : 'Create account'}
        </button>
        <button
          type="button"
          className="link"
          data-testid="signin-mode"
          onClick={() => {
            setMode(mode === 'signin' ? 'register' : 'signin');
            setError(null);
          }}
        >
          {mode === 'signin' ? 'New here? Create an account' : 'Have an account? Sign in'}
        </button>
      </div>
    </form>
  );
}
