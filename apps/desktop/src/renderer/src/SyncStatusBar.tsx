import { useEffect, useState } from 'react';
import { useStudio } from './store';
import { humanMessage } from './errors';
import { formatWhen } from './time-text';

const LABEL: Record<string, string> = {
  'signed-out': 'Not signed in',
  offline: 'Offline',
  connecting: 'Connecting…',
  syncing: 'Syncing…',
  synced: 'Synced',
};

function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return formatWhen(iso);
}

export function SyncStatusBar() {
  const sync = useStudio((s) => s.sync);
  const client = useStudio((s) => s.client);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(t);
  }, []);
  if (!sync) return <div className="sync" data-testid="sync-status" data-state="unknown">…</div>;
  return (
    <div className={`sync sync-${sync.state}`} data-testid="sync-status" data-state={sync.state} title={sync.detail ? humanMessage(sync.detail) : ''}>
      <span className="dot" />
      <span data-testid="sync-label">{LABEL[sync.state]}</span>
      {sync.state !== 'signed-out' ? (
        <>
          <span className="muted">last synced {ago(sync.lastSyncedAt, now)}</span>
          <span data-testid="sync-pending" className={sync.pendingChanges ? 'pending' : 'muted'}>
            {sync.pendingChanges} pending
          </span>
          {sync.state === 'offline' ? (
            <button className="link" onClick={() => void client?.api.syncNow()}>
              retry now
            </button>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
