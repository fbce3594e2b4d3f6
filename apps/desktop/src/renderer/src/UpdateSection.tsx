// Account screen: the update channel. Shows the verified check's line ("update available: 1.2.0 (verified)")
// with the release notes, or why no feed could be trusted, and the channel / automatic download settings.
// In the desktop app it also downloads the verified release (progress from `update` events) and offers
// to restart into it; browser mode only checks.
import { useEffect, useState } from 'react';
import type { UpdateStatusView } from '../../shared/studio-api';
import { humanMessage } from './errors';
import { useStudio } from './store';

export function UpdateSection() {
  const client = useStudio((s) => s.client)!;
  const [status, setStatus] = useState<UpdateStatusView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The choice shows at once; the check that follows (which can take seconds) confirms it.
  const [settings, setSettings] = useState<UpdateStatusView['settings'] | null>(null);

  const run = (p: Promise<UpdateStatusView>) => {
    setBusy(true);
    setError(null);
    p.then(
      (st) => {
        setStatus(st);
        setSettings(st.settings);
      },
      (err: Error) => setError(`Could not check for updates. ${humanMessage(err.message)}`),
    ).finally(() => setBusy(false));
  };
  useEffect(() => run(client.api.updateStatus()), [client]);
  // Download progress and its end arrive as events from the main process.
  useEffect(
    () =>
      client.subscribe((e) => {
        if (e.type !== 'update') return;
        setStatus(e.status);
        setSettings(e.status.settings);
      }),
    [client],
  );
  const save = (change: Partial<UpdateStatusView['settings']>) => {
    setSettings((cur) => (cur ? { ...cur, ...change } : cur));
    run(client.api.updateSettingsSave(change));
  };

  return (
    <section className="panel narrow" data-testid="updates" aria-busy={busy}>
      <h2>Updates</h2>
      {status ? <p className="muted">Installed version {status.current}.</p> : null}
      {busy ? <p role="status">Checking the update channel…</p> : null}
      {error ? <p role="alert" className="error">{error}</p> : null}
      {status && !busy ? (
        <p role="status" data-testid="update-line" className={status.state === 'refused' ? 'error' : undefined}>
          {status.line}
        </p>
      ) : null}
      {status?.notes && (status.state === 'available' || status.state === 'downloading' || status.state === 'ready') ? (
        <p data-testid="update-notes">{status.notes}</p>
      ) : null}
      {status?.state === 'downloading' && status.progress ? (
        <progress
          max={status.progress.total || 1}
          value={status.progress.transferred}
          aria-label={`Downloading ${status.latest ?? 'the update'}`}
          data-testid="update-progress"
        />
      ) : null}
      {status && !busy && status.canDownload && status.state !== 'downloading' ? (
        <button onClick={() => run(client.api.updateDownload())}>{status.state === 'failed' ? 'Retry download' : `Download ${status.latest}`}</button>
      ) : null}
      {status?.state === 'ready' ? <button onClick={() => run(client.api.updateInstall())}>Restart and install {status.latest}</button> : null}
      {settings ? (
        <>
          <label>
            Channel{' '}
            <select
              value={settings.channel}
              onChange={(e) => save({ channel: e.target.value as 'stable' | 'beta' })}
            >
              <option value="stable">Stable</option>
              <option value="beta">Beta</option>
            </select>
          </label>{' '}
          <label>
            <input
              type="checkbox"
              checked={settings.autoDownload}
              onChange={(e) => save({ autoDownload: e.target.checked })}
            />{' '}
            Download updates automatically
          </label>{' '}
          <button disabled={busy} onClick={() => run(client.api.updateStatus())}>
            Check now
          </button>
        </>
      ) : null}
    </section>
  );
}
