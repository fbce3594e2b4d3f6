// Account screen: the creator's API keys for integrations (issue 17). Create one (name, permissions in
// words, optional expiry day in local time), see its secret exactly once with a copy button, list keys and
// revoke one after an explicit confirmation. Keys live on the server, so this needs it reachable.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { API_KEY_SCOPES, type ApiKeyCreated, type ApiKeyScope, type ApiKeyView } from '../../shared/studio-api';
import { formError, type FormError } from './errors';
import { Field } from './FormField';
import { useStudio } from './store';
import { formatWhen as formWhen, TIME_ZONE } from './time-text';

/** Each permission in plain words: a short label and what it lets an integration do. */
export const SCOPE_TEXT: Record<ApiKeyScope, { label: string; explain: string }> = {
  'read:catalog': { label: 'Read catalog', explain: 'See your public posts, tiers, subscriptions and media details.' },
  'read:analytics': { label: 'Read analytics', explain: 'See your audience and content insights.' },
  'write:content': { label: 'Upload content', explain: 'Upload media and finish uploads on your behalf.' },
  'write:vr': { label: 'Create VR experiences', explain: 'Create and change your VR experiences.' },
  'read:finance': { label: 'Read finances', explain: 'See your balance and the public ledger. It can never request a payout.' },
  'manage:webhooks': { label: 'Manage webhooks', explain: 'Add and remove webhooks that tell your systems about payments and posts.' },
};

/** The end of the chosen day (YYYY-MM-DD) in this computer's time zone, as an ISO instant. */
export function endOfLocalDay(day: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59, 999);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function todayLocal(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function keyState(k: ApiKeyView): string {
  if (k.revokedAt) return `Revoked ${formWhen(k.revokedAt)}`;
  if (k.expiresAt && Date.parse(k.expiresAt) <= Date.now()) return 'Expired';
  return 'Active';
}

export function ApiKeysSection() {
  const client = useStudio((s) => s.client);
  const [keys, setKeys] = useState<ApiKeyView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>([]);
  const [expiryDay, setExpiryDay] = useState('');
  const [error, setError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);

  const load = useCallback(() => {
    if (!client) return;
    setLoadError(null);
    client.api.apiKeysList().then(setKeys, (err) => setLoadError(formError(err).message ?? 'Please try again.'));
  }, [client]);
  useEffect(load, [load]);
  // The one-time secret gets focus so keyboard and screen reader users land on it.
  useEffect(() => {
    if (created) secretRef.current?.focus();
  }, [created]);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  if (!client) return null;

  const toggle = (s: ApiKeyScope, on: boolean) => setScopes((cur) => (on ? API_KEY_SCOPES.filter((x) => x === s || cur.includes(x)) : cur.filter((x) => x !== s)));

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    setCopied(null);
    const expiresAt = expiryDay ? endOfLocalDay(expiryDay) : undefined;
    if (expiryDay && !expiresAt) {
      setError({ message: null, fields: { expiresAt: 'Enter a valid date.' } });
      return;
    }
    setBusy('create');
    try {
      const k = await client.api.apiKeyCreate({ name, scopes, ...(expiresAt ? { expiresAt } : {}) });
      setCreated(k);
      setName('');
      setScopes([]);
      setExpiryDay('');
      // The list keeps no copy of the secret: it lives only in `created` until the creator hides it.
      const view: ApiKeyView = { id: k.id, name: k.name, scopes: k.scopes, hint: k.hint, expiresAt: k.expiresAt, revokedAt: k.revokedAt, createdAt: k.createdAt };
      setKeys((cur) => [view, ...(cur ?? []).filter((x) => x.id !== k.id)]);
    } catch (err) {
      setError(formError(err, ['name', 'scopes', 'expiresAt']));
    } finally {
      setBusy(null);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied('Copied to the clipboard.');
    } catch {
      // No clipboard permission (e.g. an insecure origin): select it so Ctrl+C / Cmd+C copies it.
      secretRef.current?.select();
      setCopied('Could not copy automatically; the key is selected, press Ctrl+C (Cmd+C on a Mac).');
    }
  };

  const revoke = async (k: ApiKeyView) => {
    setBusy(k.id);
    setNotice(null);
    setError(null);
    try {
      const r = await client.api.apiKeyRevoke({ id: k.id });
      setKeys((cur) => (cur ?? []).map((x) => (x.id === r.id ? r : x)));
      setConfirming(null);
      setNotice(`Revoked “${k.name}”. Integrations using it are refused from now on.`);
    } catch (err) {
      setError(formError(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="panel" data-testid="api-keys" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">API keys</h2>
      <p className="muted narrow-text">
        Integrations (your shop, scripts, the FANZ SDK) sign in with an API key instead of your password. Give each one only the permissions it
        needs. No key can request payouts or change your account.
      </p>

      {created && (
        <div className="secret-once" role="region" aria-labelledby="api-key-secret-title" data-testid="api-key-created">
          <h3 id="api-key-secret-title">Your new key “{created.name}”</h3>
          <p>
            <strong>Copy it now: you will not see it again.</strong> FANZ keeps only a fingerprint of it. If you lose it, revoke it and create a new
            one.
          </p>
          <label htmlFor="api-key-secret">Secret key</label>
          <div className="row">
            <input id="api-key-secret" ref={secretRef} readOnly value={created.secret} className="mono" size={60} data-testid="api-key-secret" onFocus={(e) => e.currentTarget.select()} />
            <button type="button" onClick={() => void copy()} data-testid="api-key-copy">
              Copy
            </button>
          </div>
          {copied && (
            <p role="status" data-testid="api-key-copied">
              {copied}
            </p>
          )}
          <button type="button" onClick={() => setCreated(null)} data-testid="api-key-done">
            I have saved it, hide the key
          </button>
        </div>
      )}

      <form onSubmit={(e) => void create(e)} noValidate aria-labelledby="api-key-new-title" className="narrow-text">
        <h3 id="api-key-new-title">New key</h3>
        <Field name="name" label="Name" error={error?.fields.name} hint="What uses it, e.g. “Shop sync”. Up to 100 characters.">
          {(a) => <input {...a} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} data-testid="api-key-name" />}
        </Field>
        <fieldset aria-describedby={error?.fields.scopes ? 'field-scopes-error' : undefined}>
          <legend>What the key may do</legend>
          {API_KEY_SCOPES.map((s) => (
            <div key={s} className="check">
              <input
                type="checkbox"
                id={`scope-${s}`}
                checked={scopes.includes(s)}
                onChange={(e) => toggle(s, e.target.checked)}
                aria-describedby={`scope-${s}-explain`}
                data-testid={`api-key-scope-${s}`}
              />
              <label htmlFor={`scope-${s}`}>{SCOPE_TEXT[s].label}</label>
              <span id={`scope-${s}-explain`} className="muted small">
                {SCOPE_TEXT[s].explain}
              </span>
            </div>
          ))}
          {error?.fields.scopes && (
            <span id="field-scopes-error" className="field-error" data-testid="error-scopes">
              {error.fields.scopes}
            </span>
          )}
        </fieldset>
        <Field
          name="expiresAt"
          label="Expires (optional)"
          error={error?.fields.expiresAt}
          hint={`The key stops working at the end of this day, ${TIME_ZONE} time. Leave empty for a key that works until you revoke it.`}
        >
          {(a) => <input {...a} type="date" min={todayLocal()} value={expiryDay} onChange={(e) => setExpiryDay(e.target.value)} data-testid="api-key-expires" />}
        </Field>
        <button type="submit" disabled={busy !== null} data-testid="api-key-create">
          Create key
        </button>
        {busy === 'create' && <p role="status">Creating the key…</p>}
      </form>

      <h3 id="api-keys-list-title">Your keys</h3>
      {loadError ? (
        <div role="alert" data-testid="api-keys-load-error">
          <p className="error">Could not load your API keys: {loadError}</p>
          <button type="button" onClick={load}>
            Try again
          </button>
        </div>
      ) : keys === null ? (
        <p role="status">Loading your API keys…</p>
      ) : keys.length === 0 ? (
        <p data-testid="api-keys-empty">No API keys yet.</p>
      ) : (
        <table className="jobs key-list" aria-labelledby="api-keys-list-title" data-testid="api-keys-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Permissions</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-testid="api-key-row" data-key-id={k.id}>
                <td>
                  {k.name}
                  <div className="muted small">ends in …{k.hint}</div>
                </td>
                <td>{k.scopes.map((s) => SCOPE_TEXT[s].label).join(', ')}</td>
                <td>{formWhen(k.createdAt)}</td>
                <td>{k.expiresAt ? formWhen(k.expiresAt) : 'Never'}</td>
                <td data-testid="api-key-state">{keyState(k)}</td>
                <td>
                  {!k.revokedAt &&
                    (confirming === k.id ? (
                      <div role="group" aria-label={`Confirm revoking ${k.name}`}>
                        <p className="small">Revoke “{k.name}”? Anything using it stops working at once. This cannot be undone.</p>
                        <button type="button" ref={confirmRef} className="danger" disabled={busy !== null} onClick={() => void revoke(k)} data-testid="api-key-revoke-confirm">
                          Revoke key
                        </button>{' '}
                        <button type="button" onClick={() => setConfirming(null)}>
                          Cancel
                        </button>
                      </div>
                    ) : (
                      <button type="button" onClick={() => setConfirming(k.id)} aria-label={`Revoke ${k.name}`} data-testid="api-key-revoke">
                        Revoke…
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {busy && busy !== 'create' && <p role="status">Revoking…</p>}
      {notice && (
        <p role="status" data-testid="api-keys-notice">
          {notice}
        </p>
      )}
      {error?.message && (
        <p className="error" role="alert" data-testid="api-keys-error">
          {error.message}
        </p>
      )}
    </section>
  );
}
