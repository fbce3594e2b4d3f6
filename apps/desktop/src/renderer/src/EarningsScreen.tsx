// Earnings: balance and payouts from the server, and the transparency log checked on this machine: a
// "verified" badge per statement line means its inclusion proof checks out against a signed tree head
// that is consistent with every head this device saw before.
import { useEffect } from 'react';
import { formatMoney, moneySchema } from '@fanz/core';
import { useStudio } from './store';

function money(v: unknown): string | null {
  const m = moneySchema.safeParse(v);
  return m.success ? formatMoney(m.data) : null;
}

function summary(entry: Record<string, unknown>): { what: string; amount: string; when: string } {
  const what = String(entry.type ?? entry.kind ?? entry.event ?? 'entry');
  const amount = Object.values(entry).map(money).find((x) => x !== null) ?? '';
  const t = entry.createdAt ?? entry.created_at ?? entry.timestamp ?? entry.at;
  const when = typeof t === 'number' || (typeof t === 'string' && !Number.isNaN(Date.parse(t))) ? new Date(t).toLocaleString() : '';
  return { what, amount, when };
}

export function EarningsScreen() {
  const { earnings, refreshEarnings } = useStudio();
  useEffect(() => void refreshEarnings(), [refreshEarnings]);
  if (!earnings) return <p>Loading…</p>;
  if (!earnings.available) {
    return (
      <section className="panel" data-testid="earnings">
        <h2>Earnings</h2>
        <p className="muted" data-testid="earnings-unavailable">Earnings need the server: {earnings.reason}</p>
      </section>
    );
  }
  const balance = (earnings.balance ?? {}) as Record<string, unknown>;
  const log = earnings.log;
  return (
    <section className="panel" data-testid="earnings">
      <h2>Earnings</h2>
      <dl className="balance">
        {Object.entries(balance)
          .filter(([, v]) => money(v) !== null)
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k.replace(/_/g, ' ')}</dt>
              <dd>{money(v)}</dd>
            </div>
          ))}
      </dl>
      <h3>
        Transparency log{' '}
        {log ? (
          <span className={log.headVerified ? 'badge-ok' : 'badge-bad'} data-testid="log-badge">
            {log.headVerified ? `verified · ${log.treeSize} entries` : `NOT verified: ${log.reason}`}
          </span>
        ) : (
          <span className="muted">{earnings.logError ?? 'not checked'}</span>
        )}
      </h3>
      {log && log.entries.length > 0 ? (
        <table className="jobs">
          <tbody>
            {log.entries.map((e) => {
              const s = summary(e.entry);
              return (
                <tr key={e.index} data-testid="statement-row">
                  <td>#{e.index}</td>
                  <td>{s.what}</td>
                  <td>{s.amount}</td>
                  <td className="muted">{s.when}</td>
                  <td>{e.verified ? <span className="badge-ok">verified</span> : <span className="badge-bad" title={e.reason ?? ''}>failed: {e.reason}</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p className="muted">No money movements yet.</p>
      )}
      {log?.truncated ? <p className="muted">Only the latest 5,000 log entries were checked.</p> : null}
      <h3>Payouts</h3>
      {earnings.payouts.length === 0 ? (
        <p className="muted">No payouts yet.</p>
      ) : (
        <table className="jobs">
          <tbody>
            {earnings.payouts.map((p, i) => {
              const po = p as Record<string, unknown>;
              return (
                <tr key={String(po.payout_id ?? i)}>
                  <td>{String(po.created_at ?? '')}</td>
                  <td>{money(po.amount)}</td>
                  <td>fee {money(po.transaction_fee)}</td>
                  <td>{String(po.status ?? '')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
