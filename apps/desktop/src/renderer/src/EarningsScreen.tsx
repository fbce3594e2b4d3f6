import { useEffect } from 'react';
import { formatMoney, moneySchema } from '@fanz/core';
import { useStudio } from './store';

function show(v: unknown): string {
  const m = moneySchema.safeParse(v);
  return m.success ? formatMoney(m.data) : JSON.stringify(v);
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
  return (
    <section className="panel" data-testid="earnings">
      <h2>Earnings</h2>
      <dl className="balance">
        {Object.entries(balance).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{show(v)}</dd>
          </div>
        ))}
      </dl>
      <h3>Payouts</h3>
      {earnings.payouts.length === 0 ? <p className="muted">No payouts yet.</p> : <pre>{JSON.stringify(earnings.payouts, null, 2)}</pre>}
    </section>
  );
}
