// Account screen: the creator's public profile on the fan web app (display name, bio, avatar), saved to the
// server through the studio API. Needs the server (the profile is not part of the offline catalog).
import { useEffect, useState, type FormEvent } from 'react';
import type { CreatorProfile } from '../../shared/studio-api';
import { formError, type FormError } from './errors';
import { useStudio } from './store';
import { Field } from './FormField';

export function ProfileSection() {
  const client = useStudio((s) => s.client);
  const [profile, setProfile] = useState<CreatorProfile | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [displayName, setDisplayName] = useState('');
  const [bio, setBio] = useState('');
  const [avatarPath, setAvatarPath] = useState('');
  const [error, setError] = useState<FormError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!client) return;
    client.api.profileGet().then(
      (p) => {
        setProfile(p);
        setDisplayName(p.displayName);
        setBio(p.bio);
      },
      (err) => setLoadError(formError(err).message ?? 'please try again'),
    );
  }, [client]);

  if (!client) return null;
  if (loadError) return <p className="error" role="alert" data-testid="profile-load-error">Could not load your public profile: {loadError}</p>;
  if (!profile) return <p role="status">Loading your public profile…</p>;

  const run = async (what: () => Promise<CreatorProfile>, done: string) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const p = await what();
      setProfile(p);
      setNotice(done);
    } catch (err) {
      setError(formError(err, ['displayName', 'bio', 'path']));
    } finally {
      setBusy(false);
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    void run(() => client.api.profileSave({ displayName, bio }), 'Profile saved');
  };
  const upload = (e: FormEvent) => {
    e.preventDefault();
    void run(() => client.api.avatarUpload({ path: avatarPath.trim() }), 'Avatar uploaded');
  };

  return (
    <section className="panel narrow" data-testid="profile" aria-labelledby="profile-title">
      <h2 id="profile-title">Public profile</h2>
      <p className="muted">
        Fans see this on <a href={profile.pageUrl} target="_blank" rel="noreferrer" data-testid="profile-page-url">{profile.pageUrl}</a>.
      </p>
      {/* The studio's CSP keeps images to its own origin, so the avatar is linked rather than shown. */}
      <p data-testid="profile-avatar">
        {profile.avatarUrl ? (
          <>
            Avatar set (<a href={profile.avatarUrl} target="_blank" rel="noreferrer">view it</a>).
          </>
        ) : (
          'No avatar yet.'
        )}
      </p>
      <form onSubmit={save} noValidate>
        <Field name="displayName" label="Display name" error={error?.fields.displayName} hint="Up to 50 characters.">
          {(a) => <input {...a} value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={50} data-testid="profile-display-name" />}
        </Field>
        <Field name="bio" label="Bio" error={error?.fields.bio} hint="Up to 500 characters.">
          {(a) => <textarea {...a} value={bio} onChange={(e) => setBio(e.target.value)} maxLength={500} rows={3} data-testid="profile-bio" />}
        </Field>
        <button type="submit" disabled={busy} data-testid="profile-save">
          Save profile
        </button>
      </form>
      <form onSubmit={upload} noValidate>
        <Field name="path" label="Avatar image" error={error?.fields.path} hint="The path of a PNG, JPEG or WebP image on this computer, at most 2 MB.">
          {(a) => <input {...a} value={avatarPath} onChange={(e) => setAvatarPath(e.target.value)} placeholder="/home/me/avatar.png" data-testid="profile-avatar-path" />}
        </Field>
        <button type="submit" disabled={busy || !avatarPath.trim()} data-testid="profile-avatar-upload">
          Upload avatar
        </button>
      </form>
      {busy && <p role="status">Saving…</p>}
      {notice && <p role="status" data-testid="profile-notice">{notice}</p>}
      {error?.message && <p className="error" role="alert" data-testid="profile-error">{error.message}</p>}
    </section>
  );
}
